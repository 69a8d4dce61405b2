"""Experiments as data and fits of the model to them.

:mod:`~triplon.studies.experiment.catalogue` (measurements, units, validation of the
``experiments:`` and ``fit:`` sections), :mod:`~triplon.studies.experiment.model` (the
model quantities at one point), :mod:`~triplon.studies.experiment.fit` (the chi2
search) and :mod:`~triplon.studies.experiment.results` (fit results as Datasets).
"""

"""Studies: the datasets behind the paper's figures, parameter sweeps and fits to experiment.

:mod:`~triplon.studies.paper` (Figs. 2-6), :mod:`triplon.studies.sweeps` (grids,
points, chunk plans, the point store, the gather) and :mod:`triplon.studies.experiment`
(the catalogue of measurements, the model quantities they measure, fits). Imports
:mod:`triplon.model`, :mod:`triplon.pairing`, :mod:`triplon.observables` and
:mod:`triplon.data`; nothing here draws or parses command lines.
"""

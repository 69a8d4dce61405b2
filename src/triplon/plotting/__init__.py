"""Figures: the house style and the figures of the paper, of sweeps and of fits.

:mod:`~triplon.plotting.style` (colours, labels, saving), :mod:`~triplon.plotting.paper`
(Figs. 2-6), :mod:`~triplon.plotting.sweeps` (phase diagrams),
:mod:`~triplon.plotting.fits` (chi2 maps, fit summaries) and
:mod:`~triplon.plotting.experiment` (gap distributions and spectra against experiment).
Takes Datasets from the rooms below; the only room that imports matplotlib.
"""

"""Parameter sweeps: from a configured grid to ``phase_diagram.nc``.

:mod:`~triplon.studies.sweeps.grid` (parameters, ranges, validation, resolved points),
:mod:`~triplon.studies.sweeps.quantities` (what is stored per point),
:mod:`~triplon.studies.sweeps.points` (one point, one chunk of points),
:mod:`~triplon.studies.sweeps.plan` (chunk plans and cluster resources),
:mod:`~triplon.studies.sweeps.store` (chunk jobs, manifests, chunk files) and
:mod:`~triplon.studies.sweeps.gather` (verification and the gathered file).
"""

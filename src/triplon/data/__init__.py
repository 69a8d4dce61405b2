"""Physics-free data helpers any room may use.

:mod:`~triplon.data.provenance` (labelled variables, the data contract's global
attributes, the library fingerprint) and :mod:`~triplon.data.netcdf` (deterministic
NetCDF writing, checked reading, provenance of a file). Imports no physics.
"""

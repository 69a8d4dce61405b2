"""Rule script: gap on the Fermi sheets, Eqs. 16/18 and full (results/paper/gap_structure.nc)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.data.netcdf import to_netcdf
from triplon.model.params import BandParams
from triplon.studies.paper import gap_structure_dataset

p = snakemake.params  # noqa: F821
g = p.point
ds = gap_structure_dataset(
    BandParams(**p.model), g["n_c"], g["lam"], g["kappa"], g["omega"], g["theta_points"], dict(p.shell)
)
to_netcdf(ds, snakemake.output[0], rule=snakemake.rule)  # noqa: F821

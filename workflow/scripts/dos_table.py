"""Rule script: tabulate mu, fillings, N, Ñ against n_c (results/paper/dos.nc).

The n_c grid is the configured uniform grid refined at the critical fillings
(triplon.studies.paper.n_c_grid); the file's attribute ``n_c_grid`` says how.
"""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.data.netcdf import to_netcdf
from triplon.model.params import BandParams
from triplon.studies.paper import dos_table

p = snakemake.params  # noqa: F821
g = p.grid
ds = dos_table(g["start"], g["stop"], g["num"], BandParams(**p.model), p.nodes)
to_netcdf(ds, snakemake.output[0], rule=snakemake.rule)  # noqa: F821

"""Rule script: gap ratio curves of Fig. 3b (results/paper/gap_ratio.nc)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

import numpy as np

from triplon.data.netcdf import to_netcdf
from triplon.studies.paper import gap_ratio_dataset

p = snakemake.params  # noqa: F821
r = p.fig3b["r"]
grid = np.round(np.linspace(r["start"], r["stop"], r["num"]), 12)
to_netcdf(gap_ratio_dataset(p.fig3b["lam"], grid), snakemake.output[0], rule=snakemake.rule)  # noqa: F821

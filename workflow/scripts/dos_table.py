"""Rule script: tabulate mu, fillings, N, Ñ against n_c (results/paper/dos.nc)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

import numpy as np

from triplon.dataset import dos_table_dataset, to_netcdf
from triplon.params import BandParams

p = snakemake.params  # noqa: F821
n_c = np.round(np.linspace(p.grid["start"], p.grid["stop"], p.grid["num"]), 10)
to_netcdf(dos_table_dataset(n_c, BandParams(**p.model), n=p.nodes), snakemake.output[0], rule=snakemake.rule)  # noqa: F821

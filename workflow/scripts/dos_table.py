"""Rule script: tabulate mu, fillings, N, Ñ against n_c (results/paper/dos.nc)."""

import numpy as np

from triplon.dataset import dos_table_dataset, to_netcdf
from triplon.params import BandParams

cfg = snakemake.config  # noqa: F821 (injected by Snakemake)
grid = cfg["paper"]["n_c_grid"]
n_c = np.round(np.linspace(grid["start"], grid["stop"], grid["num"]), 10)
ds = dos_table_dataset(n_c, BandParams(**cfg["model"]), n=cfg["numerics"]["quadrature_nodes"])
to_netcdf(ds, snakemake.output[0])  # noqa: F821

"""Rule script: static BCS against Eliashberg at the paper's point (results/paper/eliashberg.nc)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.data.netcdf import to_netcdf
from triplon.model.params import BandParams
from triplon.studies.eliashberg import eliashberg_comparison_dataset

p = snakemake.params  # noqa: F821
g, e = p.point, p.eliashberg
ds = eliashberg_comparison_dataset(
    BandParams(**p.model),
    g["n_c"],
    g["lam"],
    g["kappa"],
    g["omega"],
    e["omega_T"],
    e["mu_star"],
    (e["lam"]["start"], e["lam"]["stop"], e["lam"]["num"]),
    e["temperature_points"],
    numerics=dict(p.shell),
)
to_netcdf(ds, snakemake.output[0], rule=snakemake.rule)  # noqa: F821

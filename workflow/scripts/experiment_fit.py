"""Rule script: fit the model to one experiment (results/experiments/<fit>/fit.nc)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.data.netcdf import to_netcdf
from triplon.studies.experiment.fit import FitSpec, run_fit
from triplon.studies.experiment.results import fit_dataset

sm = snakemake  # noqa: F821
name, spec = sm.wildcards.fit, dict(sm.params.spec)
config = {"experiments": dict(sm.params.experiments), "fit": {name: spec}}
numerics = dict(sm.params.numerics)
result = run_fit(FitSpec.from_config(name, config), numerics, log=lambda m: print(m, file=sys.stderr))
ds = fit_dataset(result, numerics)
print(ds.attrs["verdict"], file=sys.stderr)
to_netcdf(ds, sm.output[0], rule=sm.rule)

"""Rule script: one figure of a fit (results/experiments/<fit>/figures/<fig>.{nc,pdf,png})."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.data.netcdf import load_checked, to_netcdf
from triplon.plotting.experiment import render_experiment_figure

sm = snakemake  # noqa: F821
fit = load_checked(sm.input[0])
ds = render_experiment_figure(sm.wildcards.fig, fit, dict(sm.params.numerics), sm.output.pdf, sm.output.png)
to_netcdf(ds, sm.output.nc, inputs=sm.input, rule=sm.rule)

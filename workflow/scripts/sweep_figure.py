"""Rule script: one sweep figure (results/sweeps/<name>/figures/<fig>.{nc,pdf,png})."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.data.netcdf import load_checked, to_netcdf
from triplon.plotting.sweeps import render_sweep_figure

sm = snakemake  # noqa: F821
pd = load_checked(sm.input[0])
mark = dict(sm.params.mark) if sm.params.mark else None
ds = render_sweep_figure(pd, dict(sm.params.figure), sm.params.overlay, mark, sm.output.pdf, sm.output.png)
to_netcdf(ds, sm.output.nc, inputs=sm.input, rule=sm.rule)

"""Rule script: one figure's data (.nc) and its PDF/PNG."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.data.netcdf import load_checked, to_netcdf
from triplon.plotting.paper import render

sm = snakemake  # noqa: F821
upstream = [load_checked(path) for path in sm.input]
ds = render(sm.wildcards.name, upstream, sm.output.pdf, sm.output.png)
to_netcdf(ds, sm.output.nc, inputs=sm.input, rule=sm.rule)

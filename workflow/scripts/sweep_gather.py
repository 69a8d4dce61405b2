"""Rule script: gather a sweep's chunks (results/sweeps/<name>/phase_diagram.nc)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.dataset import load_checked, to_netcdf
from triplon.sweep import gather, sweep_keys

sm = snakemake  # noqa: F821
spec, numerics = dict(sm.params.spec), dict(sm.params.numerics)
_, keys = sweep_keys(spec, numerics)
chunks = [load_checked(path) for path in sm.input]
ds = gather(spec, sm.wildcards.name, keys, chunks, numerics)
print(f"{len(keys)} points, converged fraction {ds.attrs['converged_fraction']:.4f}", file=sys.stderr)
to_netcdf(ds, sm.output[0], inputs=sm.input, rule=sm.rule)

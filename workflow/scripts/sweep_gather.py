"""Rule script: verify a sweep's chunks and gather them (results/sweeps/<name>/phase_diagram.nc)."""

import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.studies.sweeps.gather import GatherError, gather_sweep
from triplon.studies.sweeps.plan import plan_sweep

sm = snakemake  # noqa: F821
spec, numerics = dict(sm.params.spec), dict(sm.params.numerics)
plan = plan_sweep(sm.wildcards.name, spec, numerics)
try:
    gather_sweep(
        plan,
        spec,
        numerics,
        Path(sm.input.nc[0]).parent,
        sm.output[0],
        log=lambda msg: print(msg, file=sys.stderr, flush=True),
        configfiles=list(sm.params.configfiles),
        code=sm.params.code,
    )
except GatherError as err:  # named files and the command to recompute them, no traceback
    print(f"triplon: {err}", file=sys.stderr)
    sys.exit(1)

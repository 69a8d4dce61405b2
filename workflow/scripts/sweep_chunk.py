"""Rule script: compute one chunk of sweep points (results/sweeps/<name>/chunks/<id>.nc + .json)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

import json

from triplon.dataset import to_netcdf
from triplon.sweep import chunk_dataset, compute_chunk

sm = snakemake  # noqa: F821
entries = list(sm.params.entries)
print(f"chunk {sm.wildcards.chunk} of sweep {sm.wildcards.name}: {len(entries)} points", file=sys.stderr)
results = compute_chunk(
    [e["point"] for e in entries],
    dict(sm.params.numerics),
    log=lambda msg: print(msg, file=sys.stderr, flush=True),
)
to_netcdf(chunk_dataset([e["key"] for e in entries], results), sm.output.nc)
with open(sm.output.manifest, "w") as fh:  # written last: marks the chunk finished
    json.dump(entries, fh, sort_keys=True)

"""Rule script: compute one chunk of sweep points (results/sweeps/<name>/chunks/<id>.nc + .json)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

import json

from triplon.dataset import to_netcdf, with_provenance
from triplon.sweep import chunk_dataset, compute_chunk

sm = snakemake  # noqa: F821
entries = list(sm.params.entries)
print(f"chunk {sm.wildcards.chunk} of sweep {sm.wildcards.name}: {len(entries)} points", file=sys.stderr)
results = compute_chunk(
    [e["point"] for e in entries],
    dict(sm.params.numerics),
    log=lambda msg: print(msg, file=sys.stderr, flush=True),
)
ds = chunk_dataset([e["key"] for e in entries], results)
ds = with_provenance(
    ds,
    f"Sweep {sm.wildcards.name}, chunk {sm.wildcards.chunk}",
    {
        "sweep": sm.wildcards.name,
        "chunk": sm.wildcards.chunk,
        "numerics": dict(sm.params.numerics),
        "points": entries,
    },
)
to_netcdf(ds, sm.output.nc, rule=sm.rule)
with open(sm.output.manifest, "w") as fh:  # written last: marks the chunk finished
    json.dump(entries, fh, sort_keys=True)

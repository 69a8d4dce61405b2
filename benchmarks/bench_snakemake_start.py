"""Cost of one Snakemake start (a dry run of the shipped workflow) with and without SLURM_CONF=/dev/null.

With the SLURM executor plugin installed and a SLURM client whose configuration exists but
whose controller does not answer, every Snakemake start waits for the plugin's
``scontrol show config`` probe (10 s timeout). The test suite's local runs set
``SLURM_CONF=/dev/null`` (tests/conftest.py). This script measures the difference,
interleaving the two cases so that machine load affects both alike:

    .venv/bin/python benchmarks/bench_snakemake_start.py [--repeat 5] [--slurm-conf PATH]

``--slurm-conf`` (default: a throw-away configuration naming this host as controller,
where none runs) simulates a configured client without a controller.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def start_seconds(slurm_conf: str) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [SNAKEMAKE, "--cores", "2", "--dry-run", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "SLURM_CONF": slurm_conf},
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--slurm-conf", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        conf = args.slurm_conf
        if conf is None:
            conf = str(Path(tmp) / "slurm.conf")
            host = socket.gethostname().split(".")[0]
            Path(conf).write_text(
                f"ClusterName=bench\nSlurmctldHost={host}\nSlurmctldPort=9\nAuthType=auth/munge\n"
                f"NodeName={host} CPUs=1 State=UNKNOWN\nPartitionName=p Nodes=ALL Default=YES\n"
            )
        cases = {"configured client, no controller": conf, "SLURM_CONF=/dev/null": os.devnull}
        times = {name: [] for name in cases}
        for _ in range(args.repeat):
            for name, value in cases.items():
                times[name].append(start_seconds(value))
    base = statistics.median(times["SLURM_CONF=/dev/null"])
    print(f"Snakemake start (dry run of the shipped workflow), {args.repeat} runs each, interleaved")
    print(f"{'case':36s} {'median s':>9s} {'min s':>7s} {'ratio':>6s}")
    for name, t in times.items():
        med = statistics.median(t)
        print(f"{name:36s} {med:9.2f} {min(t):7.2f} {med / base:6.2f}")


if __name__ == "__main__":
    main()

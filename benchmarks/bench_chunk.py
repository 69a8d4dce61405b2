"""One chunk job's fixed costs and its scaling with processes (the rule script's run_chunk).

From the repository root, with the project installed (``pip install -e .``):

    .venv/bin/python benchmarks/bench_chunk.py                          # 25600 points, 1 2 4 8 16 processes
    .venv/bin/python benchmarks/bench_chunk.py --points 2500 --threads 1,2
    .venv/bin/python benchmarks/bench_chunk.py --repeat 3 --json out.json

Each run is a fresh process that imports the library as a chunk job does and calls
:func:`triplon.studies.sweeps.store.run_chunk` on block 0 of the sweep
n_c 0.2-0.9 (50) x lam 0.15-0.6 (100) x kappa 0-1 (20) (the 10^5-point sweep of
``bench_sweep.py``; a 2000-point quadrature group per n_c) with ``chunk_size`` =
``--points``. Reported per process count, against 1 process in the same run:

* wall s and its speed-up, from this driver (the whole process: start, imports, chunk);
* CPU s of the process and all its workers (``getrusage`` of the reaped children) and
  its ratio to 1 process: on fewer cores than processes (oversubscription) this is what
  still measures the overhead of more processes (target at 8: <= 1.15);
* the chunk log's own breakdown: job start (process start to run_chunk), set-up, band
  work (CPU, once per quadrature group), point solves (CPU), wait and write, and its
  useful-work speed-up / efficiency (one-process time estimate / wall).

A control run separates the machine from the pool: k independent one-process runs of
1/k of the chunk, all at once and then one after another (k = the largest process count
up to 8). Their CPU ratio is what oversubscribing the cores costs any k processes here
(cache and scheduler effects); the pool's own overhead is its CPU ratio divided by it.

Wall-time speed-ups need as many idle cores as processes (a 16-core machine for the
target >= 12x at 16); on 2 cores only the CPU ratio is meaningful beyond 2 processes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, tempfile, time
t0 = time.perf_counter()
from triplon.studies.sweeps.plan import plan_sweep
from triplon.studies.sweeps.store import run_chunk
t_import = time.perf_counter() - t0
spec, numerics, threads = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
plan = plan_sweep("bench", spec, numerics)
with tempfile.TemporaryDirectory() as d:
    stats = run_chunk(plan, 0, numerics, f"{d}/c.nc", f"{d}/c.json", threads=threads,
                      job_startup_s=time.perf_counter() - t0)
stats["import_s"] = t_import
print("STATS " + json.dumps(stats))
"""


def spec(points: int) -> dict:
    axes = {
        "n_c": {"start": 0.2, "stop": 0.9, "num": 50},
        "lam": {"start": 0.15, "stop": 0.6, "num": 100},
        "kappa": {"start": 0.0, "stop": 1.0, "num": 20},
    }
    return {"axes": axes, "chunk_size": points}


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _start(points: int, threads: int, numerics: dict) -> subprocess.Popen:
    cmd = [sys.executable, "-c", CHILD, json.dumps(spec(points)), json.dumps(numerics), str(threads)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _stats(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(err[-3000:])
    return json.loads(out.split("STATS ", 1)[1])


def run_once(points: int, threads: int, numerics: dict) -> dict:
    cpu, t = _children_cpu(), time.perf_counter()
    stats = _stats(_start(points, threads, numerics))
    wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
    return {"threads": threads, "process_wall_s": wall, "process_cpu_s": cpu, **stats}


def oversubscription_floor(points: int, k: int, numerics: dict) -> dict:
    """CPU of k independent one-process runs of points/k points: all at once vs one after another."""
    cpu = _children_cpu()
    for _ in range(k):
        _stats(_start(points // k, 1, numerics))
    sequential = _children_cpu() - cpu
    cpu = _children_cpu()
    for proc in [_start(points // k, 1, numerics) for _ in range(k)]:
        _stats(proc)
    together = _children_cpu() - cpu
    ratio = together / sequential
    return {"k": k, "sequential_cpu_s": sequential, "concurrent_cpu_s": together, "ratio": ratio}


def table(head, rows) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" for _ in head) + "|"]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=25600)
    p.add_argument("--threads", default="1,2,4,8,16")
    p.add_argument("--repeat", type=int, default=1, help="runs per process count (the fastest is kept)")
    p.add_argument("--json", help="also write the results here")
    a = p.parse_args(argv)
    numerics = yaml.safe_load((ROOT / "config.yaml").read_text())["numerics"]
    counts = [int(x) for x in a.threads.split(",")]
    if 1 not in counts:
        counts = [1, *counts]
    res = {}
    for t in counts:
        runs = [run_once(a.points, t, numerics) for _ in range(a.repeat)]
        res[t] = min(runs, key=lambda s: s["process_wall_s"])
    one = res[1]
    print(f"\n## One chunk of {a.points} points on {os.cpu_count()} CPUs (fresh process per run)\n")
    rows = []
    for t, s in res.items():
        rows.append(
            [
                t,
                f"{s['process_wall_s']:.2f}",
                f"{one['process_wall_s'] / s['process_wall_s']:.2f}",
                f"{s['process_cpu_s']:.2f}",
                f"{s['process_cpu_s'] / one['process_cpu_s']:.3f}",
                f"{s['import_s']:.2f}",
                f"{s['setup_s']:.2f}",
                f"{s['band_work_cpu_s']:.2f} / {s['work_tasks']}",
                f"{s['solve_cpu_s']:.2f} / {s['solve_tasks']}",
                f"{s['wait_s']:.2f}",
                f"{s['write_s']:.2f}",
                f"{s['speedup']:.2f}",
                f"{s['efficiency']:.2f}",
            ]
        )
    head = [
        "processes",
        "wall s",
        "speed-up",
        "CPU s",
        "CPU / 1 process",
        "imports s",
        "set-up s",
        "band work CPU s / tasks",
        "points CPU s / tasks",
        "wait s",
        "write s",
        "useful speed-up",
        "useful efficiency",
    ]
    print(table(head, rows))
    k = max(t for t in counts if t <= 8)
    floor = oversubscription_floor(a.points, k, numerics) if k > 1 else None
    if floor:
        print(
            f"\ncontrol: {k} independent one-process runs of {a.points // k} points, CPU all at once / one "
            f"after another = {floor['concurrent_cpu_s']:.2f} / {floor['sequential_cpu_s']:.2f} s = "
            f"{floor['ratio']:.3f} (what {k} processes on {os.cpu_count()} CPUs cost here, pool or not)"
        )
    if 8 in res:
        ratio = res[8]["process_cpu_s"] / one["process_cpu_s"]
        verdict = "PASS" if ratio <= 1.15 else "FAIL"
        print(f"target CPU at 8 processes <= 1.15 x CPU at 1 process: {ratio:.3f} {verdict}")
        if floor and k == 8:
            print(f"the pool's own share (ratio / control): {ratio / floor['ratio']:.3f}")
    if 16 in res and (os.cpu_count() or 1) >= 16:
        sp = one["process_wall_s"] / res[16]["process_wall_s"]
        print(f"target speed-up >= 12 at 16 processes (16 CPUs): {sp:.2f} {'PASS' if sp >= 12 else 'FAIL'}")
    elif 16 in res:
        print(f"speed-up at 16 processes not measured: {os.cpu_count()} CPUs here (the target needs 16)")
    if a.json:
        out = {"cpus": os.cpu_count(), "points": a.points, "runs": res, "control": floor}
        Path(a.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

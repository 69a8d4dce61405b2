"""Sweeps at scale: planning (dry run), chunk jobs end to end, and the gather's memory.

From the repository root, with the project installed (``pip install -e .``):

    .venv/bin/python benchmarks/bench_sweep.py                 # all three parts (~10 min on 2 cores)
    .venv/bin/python benchmarks/bench_sweep.py --only plan     # dry runs of 1e5, 1e6, 1e7 points
    .venv/bin/python benchmarks/bench_sweep.py --only e2e --e2e-points 1000000   # the 1e6 target
    .venv/bin/python benchmarks/bench_sweep.py --only e2e --e2e-points 1000000 \
        --e2e-chunk-size 100000 --no-baseline          # 1e6 in 10 chunk jobs, no 1-thread run (~4 min)
    .venv/bin/python benchmarks/bench_sweep.py --only gather --gather-points 10000000
    .venv/bin/python benchmarks/bench_sweep.py --only e2e --e2e-points 100000 --e2e-chunk-size 2500 \
        --threads 1 --before-src /tmp/old/src   # before/after: an older checkout's library, same run

1. plan: ``snakemake -n sweeps`` of one sweep of P points (chunk_size 20000) against
   ``snakemake --version`` on the same machine, in the same run: wall time and peak
   memory (``/usr/bin/time``). Targets for 1e7 points: <= 5 s beyond ``--version``,
   <= 500 MB.
2. e2e: ``snakemake --cores 2`` of a sweep's phase diagram; from the chunk logs: CPU
   seconds per point and the CPU efficiency CPU / (wall x threads) of the chunk jobs
   (target >= 0.8 with 2 threads), and the projected wall time of 1e6 points on 2 cores.
3. gather: synthetic chunk files of P points (smooth fields, 5% failed points), then the
   gather in a fresh process: wall time and peak memory (target for 1e6: <= 1 GB),
   against the size of one output variable and of all of them; then
   ``xr.open_dataset(path)`` (``chunks={}`` when dask is installed) and one line read along
   every axis.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SNAKEMAKE = str(BIN / "snakemake")


def timed(cmd, cwd=None, env=None) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, peak RSS MB, result) of a command under /usr/bin/time."""
    r = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e %M", *cmd], cwd=cwd, capture_output=True, text=True, env=env
    )
    m = re.findall(r"TIME ([0-9.]+) ([0-9]+)", r.stderr)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    wall, kb = m[-1]
    return float(wall), int(kb) / 1024, r


def project(path: Path, sweeps: dict, root: Path = ROOT) -> Path:
    """A project at ``path`` with the workflow and configuration of ``root`` and these sweeps."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "Snakefile", path)
    shutil.copytree(root / "workflow", path / "workflow", ignore=shutil.ignore_patterns("__pycache__"))
    config = yaml.safe_load((root / "config.yaml").read_text())
    config["sweeps"] = sweeps
    (path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def grid(points: int) -> dict:
    """n_c x lam x kappa axes with about ``points`` points (n_c varies slowest)."""
    n_lam = 100 if points < 10**7 else 1000
    n_kappa = max(1, min(100, points // (50 * n_lam)))  # 1e5: 50 n_c x 100 lam x 20 kappa
    n_nc = max(1, points // (n_lam * n_kappa))
    return {
        "n_c": {"start": 0.2, "stop": 0.9, "num": n_nc},
        "lam": {"start": 0.15, "stop": 0.6, "num": n_lam},
        "kappa": {"start": 0.0, "stop": 1.0, "num": n_kappa},
    }


def table(head, rows) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" for _ in head) + "|"]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


# ------------------------------------------------------------------ 1. planning


def bench_plan(tmp: Path, sizes, chunk_size: int) -> dict:
    base_wall, base_mb, _ = timed([SNAKEMAKE, "--version"])
    rows, out = [], {"version": {"wall_s": base_wall, "peak_mb": base_mb}, "sizes": {}}
    for p in sizes:
        spec = {"axes": grid(p), "chunk_size": chunk_size}
        proj = project(tmp / f"plan{p}", {"big": spec})
        n = math.prod(a["num"] for a in spec["axes"].values())
        wall, mb, r = timed([SNAKEMAKE, "-n", "--cores", "2", "sweeps"], cwd=proj)
        jobs = int(re.search(r"sweep_chunk\s+(\d+)", r.stdout + r.stderr).group(1))
        out["sizes"][n] = {"wall_s": wall, "peak_mb": mb, "chunks": jobs}
        rows.append(
            [
                f"{n:.0e}",
                jobs,
                f"{wall:.2f}",
                f"{wall - base_wall:.2f}",
                f"{wall / base_wall:.1f}",
                f"{mb:.0f}",
            ]
        )
    print(f"\n## 1. Planning: snakemake -n sweeps (chunk_size {chunk_size})\n")
    print(f"baseline `snakemake --version`: {base_wall:.2f} s, {base_mb:.0f} MB\n")
    print(
        table(["points", "chunk jobs", "wall s", "beyond --version s", "ratio to --version", "peak MB"], rows)
    )
    big = out["sizes"].get(max(out["sizes"]))
    ok = big["wall_s"] - base_wall <= 5 and big["peak_mb"] <= 500
    print(f"\ntarget (largest sweep: <= 5 s beyond --version, <= 500 MB): {'PASS' if ok else 'FAIL'}")
    return out


# ------------------------------------------------------------------ 2. end to end


def run_e2e(proj: Path, threads: int, src: str | None = None) -> dict:
    """``snakemake --cores max(2, threads)`` of the sweep; ``src``: the library from that source tree."""
    target = "results/sweeps/e2e/phase_diagram.nc"
    cmd = [SNAKEMAKE, target, "--cores", str(max(2, threads)), "--set-threads", f"sweep_chunk={threads}"]
    env = None if src is None else {**os.environ, "PYTHONPATH": str(Path(src).resolve())}
    wall, _, _ = timed(cmd, cwd=proj, env=env)
    stats = []
    for log in sorted((proj / "results/logs/sweeps/e2e").glob("chunk-*.log")):
        for line in log.read_text().splitlines():
            if line.startswith("chunk stats "):
                stats.append(json.loads(line.split("chunk stats ", 1)[1]))
    cpu = sum(s["cpu_s"] for s in stats)
    return {
        "threads": threads,
        "wall_s": wall,
        "chunk_wall_s": sum(s["wall_s"] for s in stats),
        "cpu_s": cpu,
        "cpu_efficiency": cpu / sum(s["wall_s"] * s["threads"] for s in stats),
        "chunks": stats,
        "phases": {k: sum(s.get(k, 0.0) for s in stats) for k in PHASES},
    }


PHASES = ("job_startup_s", "setup_s", "keys_s", "band_work_cpu_s", "solve_cpu_s", "wait_s", "write_s")
"""Per-phase sums over the chunk logs (chunk stats keys; absent in older versions: 0)."""


def bench_before_after(tmp: Path, points: int, chunk_size: int, threads: int, src: str) -> dict:
    """The same sweep with the library from another source tree (before) and this one (after)."""
    spec = {"axes": grid(points), "chunk_size": chunk_size}
    n = math.prod(a["num"] for a in spec["axes"].values())
    before = run_e2e(project(tmp / "before", {"e2e": spec}, Path(src).resolve().parent), threads, src)
    after = run_e2e(project(tmp / "after", {"e2e": spec}), threads)
    print(f"\n## Before / after: {n} points, chunk_size {chunk_size}, {threads} process(es) per chunk job\n")
    print(f"before: workflow and library of {Path(src).resolve().parent}; after: this checkout; one run\n")
    rows = []
    for name, r in (("before", before), ("after", after)):
        ph = r["phases"]
        rows.append(
            [
                name,
                f"{r['wall_s']:.1f}",
                f"{r['chunk_wall_s']:.1f}",
                f"{r['cpu_s']:.1f}",
                f"{1e3 * r['cpu_s'] / n:.2f}",
                *(f"{ph[k]:.1f}" for k in PHASES),
            ]
        )
    head = ["", "snakemake wall s", "chunk jobs wall s", "chunk CPU s", "CPU ms/point"]
    print(table(head + [k.removesuffix("_s") + " s" for k in PHASES], rows))
    print(f"\nend-to-end ratio before / after: {before['wall_s'] / after['wall_s']:.2f}")
    return {"points": n, "before": before, "after": after}


def bench_e2e(tmp: Path, points: int, chunk_size: int, threads: int, baseline: bool = True) -> dict:
    """The sweep with ``threads`` processes per chunk job, then with one (the baseline, same run)."""
    spec = {"axes": grid(points), "chunk_size": chunk_size}
    n = math.prod(a["num"] for a in spec["axes"].values())
    runs = [
        run_e2e(project(tmp / f"e2e{t}", {"e2e": spec}), t)
        for t in ((threads, 1) if baseline else (threads,))
    ]
    main, base = runs[0], runs[-1]
    per_point = main["cpu_s"] / n
    projected = 1e6 * per_point / (threads * main["cpu_efficiency"])
    parent = sum(s["cpu_parent_s"] for s in main["chunks"])
    workers = sum(s["cpu_workers_s"] for s in main["chunks"])
    print(f"\n## 2. End to end: {n} points, {len(main['chunks'])} chunks of <= {chunk_size}\n")
    rows = [
        [
            r["threads"],
            f"{r['wall_s']:.1f}",
            f"{r['chunk_wall_s']:.1f}",
            f"{r['cpu_s']:.1f}",
            f"{1e3 * r['cpu_s'] / n:.2f}",
            f"{r['cpu_efficiency']:.2f}",
        ]
        for r in runs
    ]
    print(table(["threads", "wall s", "chunk jobs wall s", "CPU s", "CPU ms/point", "CPU efficiency"], rows))
    print(
        f"\n{threads}-thread run: whole `snakemake` wall {main['wall_s']:.1f} s for {n} points "
        f"(chunk jobs {main['chunk_wall_s']:.1f} s; the rest: Snakemake and job start-up, gather); "
        f"chunk CPU: main processes {parent:.1f} s, workers {workers:.1f} s"
    )
    if not baseline:
        print(f"projected 1e6 points on {threads} CPUs: {projected:.0f} s at the measured efficiency")
        ok = projected <= 180
        print(f"target 1e6 points <= 180 s on 2 cores (projected): {'PASS' if ok else 'FAIL'}")
        return {"points": n, "runs": runs, "cpu_per_point_s": per_point, "projected_1e6_s": projected}
    rel = main["cpu_efficiency"] / base["cpu_efficiency"]
    print(
        f"\nchunk-job speed-up {threads} vs 1 thread: {base['chunk_wall_s'] / main['chunk_wall_s']:.2f}; "
        f"efficiency relative to 1 thread (load-independent): {rel:.2f}"
    )
    quiet = 1e6 * per_point / (threads * rel)
    print(
        f"projected 1e6 points on {threads} CPUs: {projected:.0f} s at the measured efficiency, "
        f"{quiet:.0f} s on an idle machine (efficiency = the relative one)"
    )
    print(
        f"target CPU efficiency >= 0.8 with 2 threads: {'PASS' if main['cpu_efficiency'] >= 0.8 else 'FAIL'}"
    )
    print(f"target 1e6 points <= 180 s on 2 cores (projected): {'PASS' if projected <= 180 else 'FAIL'}")
    return {"points": n, "runs": runs, "cpu_per_point_s": per_point, "projected_1e6_s": projected}


# ------------------------------------------------------------------ 3. gather


def synthetic_chunks(plan, chunk_dir: Path, numerics: dict) -> None:
    """Chunk files with smooth synthetic values of every quantity (every 20th point failed)."""
    import numpy as np

    from triplon.studies.sweeps.quantities import SCALARS, quantity_dtype
    from triplon.studies.sweeps.store import write_chunk

    chunk_dir.mkdir(parents=True, exist_ok=True)
    for b in range(plan.n_chunks):
        s, e = plan.bounds(b)
        i = np.arange(s, e)
        cols = {}
        for k, name in enumerate(SCALARS):
            dt = quantity_dtype(name)
            if np.dtype(dt).kind == "f":
                cols[name] = np.sin(i * (k + 1) * 1e-5) + 0.001 * k
            else:
                cols[name] = (i % (2 + k % 3)).astype(dt)
        status = np.where(i % 20 == 0, "gap below resolution: Delta < 1e-8 eV", "ok").astype(object)
        status[i % 97 == 0] = "not converged: Newton stalled"
        cols["status"] = status
        keys = [f"{x:020x}" for x in i]
        groups = [f"g{x // plan.group_size}" for x in i]
        name = plan.chunk_name(b)
        write_chunk(
            plan,
            b,
            keys,
            groups,
            cols,
            numerics,
            "synthetic",
            chunk_dir / f"{name}.nc",
            chunk_dir / f"{name}.json",
        )


GATHER = """
import sys, json
from triplon.studies.sweeps.plan import plan_sweep
from triplon.studies.sweeps.gather import gather_sweep
spec, numerics = json.loads(sys.argv[1]), json.loads(sys.argv[2])
plan = plan_sweep("g", spec, numerics)
print(json.dumps(gather_sweep(plan, spec, numerics, sys.argv[3], sys.argv[4])))
"""

OPEN = """
import importlib.util, sys, time, xarray as xr
lazy = {"chunks": {}} if importlib.util.find_spec("dask") else {}  # dask arrays with the extra
t = time.perf_counter()
ds = xr.open_dataset(sys.argv[1], **lazy)
t_open = time.perf_counter() - t
assert not ds["Tc"].variable._in_memory
times = []
for dim in ds["Tc"].dims:
    sel = {d: ds.sizes[d] // 2 for d in ds["Tc"].dims if d != dim}
    t = time.perf_counter()
    ds["Tc"].isel(sel).values
    times.append(round(time.perf_counter() - t, 3))
print(t_open, times)
"""


def bench_gather(tmp: Path, points: int, chunk_size: int) -> dict:
    from triplon.studies.sweeps.plan import plan_sweep

    numerics = yaml.safe_load((ROOT / "config.yaml").read_text())["numerics"]
    spec = {"axes": grid(points), "chunk_size": chunk_size}
    plan = plan_sweep("g", spec, numerics)
    t0 = time.perf_counter()
    synthetic_chunks(plan, tmp / "gather/chunks", numerics)
    t_make = time.perf_counter() - t0
    out = tmp / "gather/phase_diagram.nc"
    py = str(BIN / "python")
    wall, mb, r = timed(
        [py, "-c", GATHER, json.dumps(spec), json.dumps(numerics), str(tmp / "gather/chunks"), str(out)]
    )
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    t_open_wall, open_mb, r2 = timed([py, "-c", OPEN, str(out)])
    t_open, line_times = r2.stdout.split(" ", 1)
    one_var = plan.n_points * 8 / 2**20
    print(f"\n## 3. Gather: {plan.n_points} points from {plan.n_chunks} chunks (made in {t_make:.0f} s)\n")
    print(
        table(
            [
                "points",
                "wall s",
                "peak MB",
                "one variable MB",
                "all variables MB",
                "peak / one variable",
                "file MB",
                "failed",
            ],
            [
                [
                    plan.n_points,
                    f"{wall:.1f}",
                    f"{mb:.0f}",
                    f"{one_var:.0f}",
                    f"{38 * one_var:.0f}",
                    f"{mb / one_var:.1f}",
                    f"{out.stat().st_size / 2**20:.0f}",
                    summary["failed"],
                ]
            ],
        )
    )
    print(f"\nfailed by reason: {summary['failed_reasons']}")
    print(
        f"xr.open_dataset: {float(t_open):.2f} s, process peak {open_mb:.0f} MB; "
        f"one line of Tc along each axis: {line_times.strip()} s"
    )
    print(f"target peak <= 1 GB: {'PASS' if mb <= 1024 else 'FAIL'}")
    return {
        "points": plan.n_points,
        "wall_s": wall,
        "peak_mb": mb,
        "one_variable_mb": one_var,
        "file_mb": out.stat().st_size / 2**20,
        "open_s": float(t_open),
        "failed": summary,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", choices=["plan", "e2e", "gather"], action="append")
    p.add_argument("--sizes", default="1e5,1e6,1e7", help="points of the dry runs")
    p.add_argument("--chunk-size", type=int, default=20000)
    p.add_argument("--e2e-points", type=float, default=20000)
    p.add_argument("--e2e-chunk-size", type=int, default=5000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-baseline", action="store_true", help="e2e: skip the 1-thread run")
    p.add_argument(
        "--before-src", help="e2e: also run with the library of this source tree (e.g. an old checkout's src)"
    )
    p.add_argument("--gather-points", type=float, default=1e6)
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--keep", action="store_true", help="keep the temporary projects")
    a = p.parse_args(argv)
    parts = a.only or ["plan", "e2e", "gather"]
    tmp = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    res = {"cpus": os.cpu_count()}
    try:
        if "plan" in parts:
            res["plan"] = bench_plan(tmp, [int(float(x)) for x in a.sizes.split(",")], a.chunk_size)
        if "e2e" in parts and a.before_src:
            res["e2e"] = bench_before_after(tmp, int(a.e2e_points), a.e2e_chunk_size, a.threads, a.before_src)
        elif "e2e" in parts:
            res["e2e"] = bench_e2e(tmp, int(a.e2e_points), a.e2e_chunk_size, a.threads, not a.no_baseline)
        if "gather" in parts:
            res["gather"] = bench_gather(tmp, int(a.gather_points), a.chunk_size)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"\nkept {tmp}")
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Per-point CPU cost of sweep points: the per-point reference path against the batch path.

What is measured
----------------
A demo-like sweep: n_c in 10 values from 0.2 to 0.9 (10 band keys, i.e. 10
pairs of shell quadratures), lambda in 50 values from 0.15 to 0.6, kappa in
(0, 0.5, 0.75, 1.0), Omega = 0.3 eV, T = 0: 2000 points (``--quick``: 3 x 10
x 4 = 120). A second workload puts every point at T = 5 meV (a full solution
at T as well; 1 band key x 50 x 4 = 200 points, ``--quick``: 40).

For every band key the shared work is prepared once and timed apart
(:func:`triplon.studies.sweeps.points.band_work`: mu, Fermi-level N, Ñ, both shell
quadratures, the van Hove distance; the first call of the van Hove search per
band set is timed separately because it is cached across band keys); the
shell quadratures alone (:func:`triplon.pairing.point.prepare_shells`) are timed once
more and shown in parentheses. Then:

1. **Per point** -- the reference path of :func:`triplon.studies.sweeps.points.compute_point`:
   :func:`triplon.pairing.point.gap_summary` point after point (T = 0 solve by
   ``scipy.optimize.root``, T_c and the d-wave T_c by Brent's method).
2. **Batch** -- :mod:`triplon.pairing.batch` on all points of a band key at once
   (vectorised Newton solves, tabulated T_c bracket), including its own
   per-band-key set-up (:func:`triplon.pairing.shells.shell_arrays`,
   :func:`triplon.pairing.batch_tc.moment_table`).

Both paths end with the same record building (statuses, caveat flags). CPU
time (``time.process_time``) per point excludes the shared band work; the
ratio is per-point time of the reference over that of the batch. The maximum
relative difference is taken over every quantity of every point (NaN must
match NaN). Finally the end-to-end :func:`triplon.studies.sweeps.points.compute_chunk` over all
points (band work included) is compared with calling
:func:`triplon.studies.sweeps.points.compute_point` on each.

Usage::

    .venv/bin/python benchmarks/bench_points.py [--quick] [--json PATH]

This is a benchmark, not a test: nothing is asserted about the timings.
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings

import numpy as np
from _common import environment, environment_line, markdown
from _common import main as bench_main

from triplon.model.params import BANDS, BandParams
from triplon.pairing.batch_tc import moment_table
from triplon.pairing.bcs import resolution_floor
from triplon.pairing.caveats import critical_fillings
from triplon.pairing.point import prepare_shells
from triplon.pairing.shells import shell_arrays
from triplon.studies.sweeps.points import (
    _batch_solutions,
    _finish,
    _reference_solution,
    _van_hove_distance,
    band_key,
    band_work,
    check_point,
    compute_chunk,
    compute_point,
)
from triplon.studies.sweeps.quantities import SCALARS

NUMERICS = {"quadrature_nodes": 24, "shell": {}}
OMEGA = 0.3
KAPPAS = (0.0, 0.5, 0.75, 1.0)


def workloads(quick: bool) -> dict:
    n_c = np.round(np.linspace(0.2, 0.9, 3 if quick else 10), 12)
    lam = np.round(np.linspace(0.15, 0.6, 10 if quick else 50), 12)
    demo = [
        {"n_c": float(n), "lam": float(x), "kappa": k, "omega": OMEGA, "T": 0.0}
        for n in n_c
        for x in lam
        for k in KAPPAS
    ]
    warm = [
        {"n_c": 0.45, "lam": float(x), "kappa": k, "omega": OMEGA, "T": 0.005} for x in lam for k in KAPPAS
    ]
    return {"T = 0 (demo-like)": demo, "T = 5 meV": warm}


def _reference(work: dict, r: dict) -> dict | None:
    """The per-point path as compute_point runs it (None where the reference solver raises)."""
    try:
        return _finish(r, work, _reference_solution(work, r))
    except Exception:  # noqa: BLE001 - compute_point turns this into an 'error: ...' status
        return None


def _rel(a: float, b: float) -> float:
    if math.isnan(a) and math.isnan(b):
        return 0.0
    if math.isnan(a) or math.isnan(b):
        return math.inf
    return 0.0 if a == b else abs(a - b) / max(abs(b), 1e-300)


def measure(points: list[dict]) -> dict:
    """Shared band work, then per-point and batch CPU times and the largest difference."""
    resolved = [check_point(p) for p in points]
    groups: dict = {}
    for r in resolved:
        groups.setdefault(band_key(r), []).append(r)
    t_band = t_vh = t_ref = t_batch = t_setup = t_shell = 0.0
    diff, worst, n_ok, n_raised = 0.0, "", 0, 0
    for members in groups.values():
        r0 = members[0]
        t0 = time.process_time()
        _van_hove_distance(r0["band"], r0["n_c"])  # first call per band set: the search
        t_vh += time.process_time() - t0
        t0 = time.process_time()
        work = band_work(r0, NUMERICS)
        t_band += time.process_time() - t0
        t0 = time.process_time()  # the shell quadratures alone (a second time)
        prepare_shells(work["fermi"].mu, r0["omega"], BandParams(**r0["band"]), **NUMERICS["shell"])
        t_shell += time.process_time() - t0

        t0 = time.process_time()
        ref = [_reference(work, r) for r in members]
        t_ref += time.process_time() - t0

        t0 = time.process_time()
        w = dict(work)
        w["arrs"] = {b: shell_arrays(work["shells"][b]) for b in BANDS}
        w["table"] = moment_table(w["arrs"], resolution_floor(work["shells"]), OMEGA)
        t1 = time.process_time()
        got = [_finish(r, w, s) for r, s in zip(members, _batch_solutions(w, members), strict=True)]
        t2 = time.process_time()
        t_setup += t1 - t0
        t_batch += t2 - t0
        for a, b in zip(got, ref, strict=True):
            n_ok += a["converged"] == 1
            if b is None:
                n_raised += 1
                continue
            for k in SCALARS:
                d = _rel(float(a[k]), float(b[k]))
                if d > diff:
                    diff, worst = d, k
    n = len(points)
    return {
        "points": n,
        "band_keys": len(groups),
        "converged": n_ok,
        "reference_raised": n_raised,
        "band_work_s": t_band / len(groups),
        "shell_quadrature_s": t_shell / len(groups),
        "van_hove_first_s": t_vh,
        "batch_setup_ms": 1e3 * t_setup / len(groups),
        "per_point_ms": 1e3 * t_ref / n,
        "batch_ms": 1e3 * t_batch / n,
        "ratio": t_ref / t_batch,
        "max_rel_diff": diff,
        "worst_quantity": worst,
    }


def end_to_end(points: list[dict]) -> dict:
    """compute_chunk over all points against compute_point on each (band work included)."""
    critical_fillings.cache_clear()
    t0 = time.process_time()
    compute_chunk(points, NUMERICS)
    t_chunk = time.process_time() - t0
    critical_fillings.cache_clear()
    cache: dict = {}
    t0 = time.process_time()
    for p in sorted(points, key=lambda p: p["n_c"]):  # grouped by band key, as planned
        compute_point(p, cache, NUMERICS)
    t_point = time.process_time() - t0
    return {"compute_chunk_s": t_chunk, "compute_point_s": t_point, "ratio": t_point / t_chunk}


def run(quick: bool) -> dict:
    warnings.simplefilter("ignore", RuntimeWarning)  # overflow inside the reference solver on hard points
    env = environment(load_1min=os.getloadavg()[0])
    print(f"# Sweep points: per-point path vs batch path ({'quick' if quick else 'full'})\n")
    print(environment_line(env) + f"; load average {env['load_1min']:.2f} at start\n")
    results = {"environment": env, "workloads": {}}
    rows = []
    for name, points in workloads(quick).items():
        m = measure(points)
        results["workloads"][name] = m
        rows.append(
            [
                name,
                f"{m['points']} / {m['band_keys']}",
                f"{m['converged']} / {m['reference_raised']}",
                f"{m['per_point_ms']:.3f}",
                f"{m['batch_ms']:.3f}",
                f"{m['ratio']:.1f}x",
                f"{m['max_rel_diff']:.1e} ({m['worst_quantity'] or '-'})",
                f"{m['band_work_s']:.3f} ({m['shell_quadrature_s']:.3f})",
                f"{m['batch_setup_ms']:.1f}",
            ]
        )
    head = [
        "workload",
        "points / band keys",
        "converged / reference raised",
        "per-point path (ms/point)",
        "batch path (ms/point)",
        "speed-up",
        "max rel diff",
        "band work (shells) (s/key)",
        "batch set-up (ms/key)",
    ]
    print(markdown(head, rows, range(1, 9)))
    vh = next(iter(results["workloads"].values()))["van_hove_first_s"]
    print(f"\nvan Hove fillings of the band set (first call, then cached): {vh:.2f} s CPU")
    e2e = end_to_end(workloads(quick)["T = 0 (demo-like)"])
    results["end_to_end"] = e2e
    print(
        f"end to end, band work included: compute_point loop {e2e['compute_point_s']:.2f} s, "
        f"compute_chunk {e2e['compute_chunk_s']:.2f} s CPU (ratio {e2e['ratio']:.2f})"
    )
    return results


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, run, "3 band keys and 10 couplings instead of 10 and 50 (~1 min)"))

"""Accuracy against wall time of the Fermi-level DOS methods of :mod:`triplon.model.dos`.

What is measured
----------------
The table is n_c = 0.10, 0.11, ..., 1.00 (91 points; ``--quick`` takes every
5th point, 19 points, and fewer variants).

1. **Production** -- :func:`triplon.model.dos.fermi_level` at the shipped default n (PROD_N) for every n_c:
   the full table, i.e. the μ root finding, the fillings and N, Ñ (and the
   η^4 moment) of both bands. Its wall time (``time.perf_counter``, best of 3)
   is the *baseline* of every time ratio below. It is also timed at
   n = LOW_A, LOW_B and evaluated once at n = REF_N; the rows give the max
   and median relative error against n = REF_N (self-convergence), and the
   coarser rows' notes give the max error against n = PROD_N. (``fermi_level`` passes
   ``n`` to the fillings and moments only; :func:`triplon.model.fermi.mu_from_n_c`
   always uses its own default, so μ is the same in every row.)
2. **Other methods** -- with μ fixed at the production values (so only the
   DOS step differs), N and Ñ (``powers=(0, 2)``) of both bands at every
   point by

   * :func:`~triplon.model.dos.dos_moments_smeared` (Gaussian smearing, σ in eV, nk x nk grid),
   * :func:`~triplon.model.dos.dos_moments_triangles` (linear triangle method, nk x nk grid),
   * :func:`~triplon.model.dos.dos_moments_contour` (polar contour integral, ntheta angles).
     Evaluations that raise :class:`triplon.model.fermi.TopologyError` are recorded
     as NaN, counted, and left out of the error statistics.

   The time is for the whole table (all points, both bands) and the error is
   |x - x_ref| / |x_ref| against production n = PROD_N, over both bands and both N
   and Ñ. A "production, DOS step only" row (``dos_moments`` at the same μ,
   n = PROD_N) gives the like-for-like cost of the DOS step alone.

Timing: the production rows are best of 3; every other row is best of up to 3
passes, stopping once the passes have used ``REPEAT_BUDGET`` seconds (1 s with
``--quick``), so the slow variants run once. All rows are timed in the same
process and run, so the ratios are free of machine-to-machine differences.

Output: a Markdown table (method | resolution | time for table | time ratio vs
production | max rel err | median rel err | notes), the target check
"full table ≤ 1e-6 in ≤ 2 s" (production time at n = PROD_N, and its max relative
error against n = REF_N), and with ``--json PATH`` the same results as JSON.

Usage::

    .venv/bin/python benchmarks/bench_dos.py [--quick] [--json PATH]

This is a benchmark, not a test: nothing is asserted about the timings.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
from _common import best_time, environment, environment_line, fmt_err, markdown
from _common import main as bench_main

from triplon.model.dos import (
    DEFAULT_NODES,
    dos_moments,
    dos_moments_contour,
    dos_moments_smeared,
    dos_moments_triangles,
    fermi_level,
)
from triplon.model.fermi import TopologyError
from triplon.model.params import BANDS

PROD_N = DEFAULT_NODES  # the shipped default of triplon.model.dos
LOW_A, LOW_B = 8, 12  # coarser settings, to show convergence
REF_N = 48  # self-convergence reference (larger n only adds round-off)

POWERS = (0, 2)
"""Moments compared: N (p = 0) and Ñ (p = 2)."""

TARGET_ERR = 1e-6
TARGET_TIME = 2.0  # s
REPEAT_BUDGET = 3.0  # s spent on repeated passes of one non-production row (1 s with --quick)


@dataclass
class Row:
    """One line of the results table."""

    method: str
    resolution: str
    time_s: float
    ratio: float = float("nan")
    max_rel_err: float = float("nan")
    median_rel_err: float = float("nan")
    notes: str = ""
    extra: dict = field(default_factory=dict)


def n_c_table(quick: bool) -> np.ndarray:
    """The n_c points: 0.10, 0.11, ..., 1.00 (every 5th with ``quick``)."""
    n_c = np.round(np.arange(10, 101) / 100, 2)
    return n_c[::5] if quick else n_c


def production_table(n_c: np.ndarray, n: int):
    """``fermi_level`` at every n_c with n Gauss nodes (the full-table workload)."""
    return [fermi_level(n_c=float(x), n=n) for x in n_c]


def moments_array(levels) -> np.ndarray:
    """(points, band, moment) array of N and Ñ from a list of FermiLevel."""
    return np.array([[[fl.dos[b], fl.dos_eta2[b]] for b in BANDS] for fl in levels])


def fillings_array(levels) -> np.ndarray:
    """(points, band) array of the fillings from a list of FermiLevel."""
    return np.array([[fl.filling[b] for b in BANDS] for fl in levels])


def rel_err(x: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """|x - ref| / |ref|, elementwise (NaN where x is NaN)."""
    return np.abs(x - ref) / np.abs(ref)


def err_stats(x: np.ndarray, ref: np.ndarray) -> tuple[float, float]:
    """Max and median relative error over the finite entries of x."""
    e = rel_err(x, ref)
    e = e[np.isfinite(e)]
    if e.size == 0:
        return float("nan"), float("nan")
    return float(np.max(e)), float(np.median(e))


def method_table(method: Callable, mus: np.ndarray, **kwargs):
    """N and Ñ of both bands at every μ by ``method``; (values, number of TopologyErrors).

    Values are a (points, band, moment) array, NaN where the method raised
    :class:`TopologyError`.
    """
    out = np.full((mus.size, len(BANDS), len(POWERS)), np.nan)
    failures = 0
    for i, mu in enumerate(mus):
        for j, b in enumerate(BANDS):
            try:
                out[i, j] = method(b, float(mu), powers=POWERS, **kwargs)
            except TopologyError:
                failures += 1
    return out, failures


def variants(quick: bool) -> list[tuple[str, str, Callable, dict]]:
    """(method name, resolution label, function, keyword arguments) of the compared variants."""
    if quick:
        smeared = [(0.02, 512), (0.005, 512)]
        triangles = [128, 256]
        contour = [128, 512]
    else:
        smeared = [(0.05, 512), (0.02, 512), (0.01, 512), (0.005, 512), (0.005, 1024)]
        triangles = [128, 256, 512, 1024]
        contour = [128, 512, 2048]
    out = [("production, DOS step only", f"n={PROD_N}", dos_moments, {"n": PROD_N})]
    out += [
        ("Gaussian smearing", f"σ={s:g} eV, nk={nk}", dos_moments_smeared, {"sigma": s, "nk": nk})
        for s, nk in smeared
    ]
    out += [("triangles", f"nk={nk}", dos_moments_triangles, {"nk": nk}) for nk in triangles]
    out += [("contour", f"ntheta={nt}", dos_moments_contour, {"ntheta": nt}) for nt in contour]
    return out


def markdown_table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    head = [
        "method",
        "resolution",
        "time for table (s)",
        "time ratio vs production",
        "max rel err",
        "median rel err",
        "notes",
    ]
    table = []
    for r in rows:
        cells = [
            r.method,
            r.resolution,
            f"{r.time_s:.3f}",
            f"{r.ratio:.2f}",
            fmt_err(r.max_rel_err),
            fmt_err(r.median_rel_err),
            r.notes,
        ]
        table.append(cells)
    return markdown(head, table, range(2, 6))


def run(quick: bool, log=print) -> dict:
    """Run the benchmark; return the results as a JSON-serialisable dict."""
    n_c = n_c_table(quick)
    t_start = time.perf_counter()
    env = environment()
    log(
        f"# DOS benchmark: {n_c.size} points n_c = {n_c[0]:.2f} … {n_c[-1]:.2f}"
        f"{' (--quick)' if quick else ''}"
    )
    log(environment_line(env) + "\n")

    # 1. production: the shipped default n (baseline timing), convergence vs REF_N
    prod = {}
    for n in (LOW_A, LOW_B, PROD_N):
        prod[n] = best_time(lambda n=n: production_table(n_c, n), repeat=3)
        log(f"production n={n}: {prod[n][1]:.3f} s")
    prod[REF_N] = best_time(lambda: production_table(n_c, REF_N), repeat=1)
    log(f"production n={REF_N}: {prod[REF_N][1]:.3f} s")
    base_time = prod[PROD_N][1]
    ref64, ref128 = moments_array(prod[PROD_N][0]), moments_array(prod[REF_N][0])
    fill128 = fillings_array(prod[REF_N][0])
    mus = np.array([fl.mu for fl in prod[PROD_N][0]])

    rows = []
    self_err = float("nan")
    for n in (LOW_A, LOW_B, PROD_N, REF_N):
        levels, t = prod[n]
        x = moments_array(levels)
        if n == REF_N:
            mx, md, notes = float("nan"), float("nan"), "second reference"
        else:
            mx, md = err_stats(x, ref128)
            notes = f"errors vs n={REF_N}"
            if n != PROD_N:
                notes += f"; vs n={PROD_N}: max {fmt_err(err_stats(x, ref64)[0])}"
            else:
                notes += "; baseline (shipped default)"
                self_err = mx
        fill_err = float(np.max(np.abs(fillings_array(levels) - fill128)))
        rows.append(
            Row(
                "production `fermi_level` (full table)",
                f"n={n}",
                t,
                t / base_time,
                mx,
                md,
                notes,
                extra={"max_abs_filling_err_vs_reference": fill_err},
            )
        )

    # 2. other methods at the reference μ
    for name, res, fn, kwargs in variants(quick):
        (vals, fails), t = best_time(
            lambda fn=fn, kwargs=kwargs: method_table(fn, mus, **kwargs),
            repeat=3,
            budget=REPEAT_BUDGET / 3 if quick else REPEAT_BUDGET,
        )
        mx, md = err_stats(vals, ref64)
        notes = "same values as the reference" if fn is dos_moments else ""
        if fn is dos_moments_contour:
            notes = f"TopologyError at {fails} of {mus.size * len(BANDS)} (point, band) evaluations"
            if fails:
                bad = sorted({float(n_c[i]) for i in np.unique(np.nonzero(np.isnan(vals))[0])})
                notes += f" (n_c = {', '.join(f'{x:.2f}' for x in bad)}; excluded)"
        rows.append(
            Row(
                name,
                res,
                t,
                t / base_time,
                mx,
                md,
                notes,
                extra={"topology_errors": fails} if fn is dos_moments_contour else {},
            )
        )
        log(f"{name} {res}: {t:.3f} s, max rel err {fmt_err(mx)}")

    passed = base_time <= TARGET_TIME and self_err <= TARGET_ERR
    total = time.perf_counter() - t_start

    log("")
    log(markdown_table(rows))
    log("")
    log(
        f"Errors are |x - x_ref|/|x_ref| over N and Ñ of both bands at all {n_c.size} points; "
        f"reference: production n={PROD_N} (production rows: n={REF_N})."
    )
    log(
        f"Time ratio = row time / production full-table time at n={PROD_N} in this run "
        f"({base_time:.3f} s, best of 3)."
    )
    log(
        f"full table ≤ {TARGET_ERR:g} in ≤ {TARGET_TIME:g} s: {'PASS' if passed else 'FAIL'} "
        f"(time {base_time:.3f} s, max rel err vs n={REF_N} {fmt_err(self_err)})"
    )
    log(f"total benchmark runtime: {total:.1f} s")

    return {
        "quick": quick,
        "n_c": n_c.tolist(),
        "mu": mus.tolist(),
        "powers": list(POWERS),
        "bands": list(BANDS),
        "baseline_time_s": base_time,
        "target": {
            "max_rel_err": TARGET_ERR,
            "time_s": TARGET_TIME,
            "self_convergence_err": self_err,
            "pass": passed,
        },
        "rows": [asdict(r) for r in rows],
        "environment": env,
        "total_runtime_s": total,
    }


def main(argv=None) -> int:
    return bench_main(__doc__, run, "every 5th n_c point and fewer variants (< ~20 s)", argv)


if __name__ == "__main__":
    sys.exit(main())

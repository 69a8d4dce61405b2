"""Wall time of a whole fit to experiment (global search + chi2 map) and a dense-grid check of its minimum.

What is measured
----------------
The shipped fit ``stm_fan2025`` of ``config.yaml`` (STM on La2PrNi2O7,
arXiv:2506.01788: T_c, max|Delta_alpha|, max|Delta_beta|; free lam, kappa,
Omega at n_c = 0.45; coarse grid 9^3, chi2 map 61 x 61; with ``--quick``
grid 5^3 and map 21 x 21), run by :func:`triplon.studies.experiment.fit.run_fit` from a cold
cache, in this process.

1. **Fit** -- wall time of the whole fit (``time.perf_counter``), number of
   model evaluations and of shell quadratures built.
2. **Unit costs** -- one model evaluation with cached shells (a full T = 0
   solution + T_c; best of 20) and one without (shells built anew, as every
   evaluation would need without the cache; best of 3).
3. **Baseline** -- the cost of the same fit without the shell cache,
   extrapolated: evaluations x uncached evaluation time. The ratio baseline/fit
   uses times measured in the same run, so it does not depend on the machine.
4. **Dense grid** -- chi2 on a dense N^3 grid over the whole box (N = 16; 8
   with ``--quick``; geometric in lam and Omega, linear in kappa) with cached
   shells; its smallest chi2 must not be below the fit's (the fit is the global
   minimum). Reported: min over the grid - fit chi2 (>= 0 expected).

Target: a whole fit in <= 60 s on a 2-core machine. Run by hand:
``.venv/bin/python benchmarks/bench_fit.py [--quick] [--json PATH]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _common import best_time, environment, environment_line, markdown  # noqa: E402
from _common import main as bench_main  # noqa: E402

from triplon.studies.experiment.catalogue import chi2_value
from triplon.studies.experiment.fit import (
    FitSpec,
    axis_grid,
    run_fit,  # noqa: E402
)
from triplon.studies.experiment.model import ModelCache, model_quantities

ROOT = Path(__file__).resolve().parents[1]
FIT = "stm_fan2025"
TARGET_S = 60.0


def run(quick: bool) -> dict:
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    numerics = config["numerics"]
    if quick:
        config["fit"][FIT].update(grid=5, map=21)
    spec = FitSpec.from_config(FIT, config)
    env = environment()
    t0 = time.perf_counter()
    cache = ModelCache(numerics)
    result = run_fit(spec, numerics, cache)
    fit_s = time.perf_counter() - t0

    point = {**spec.fixed, **result.best}
    _, cached_s = best_time(lambda: model_quantities(point, cache), repeat=20)
    _, uncached_s = best_time(lambda: model_quantities(point, ModelCache(numerics)), repeat=3)
    baseline_s = result.evaluations * uncached_s

    n = 8 if quick else 16
    grids = [axis_grid(lo, hi, n) for _, lo, hi in spec.free]
    t0 = time.perf_counter()
    dense_cache = ModelCache(numerics, size=4)
    best_dense, at = np.inf, None
    for om in grids[2]:  # Omega outermost: one shell set per value
        for lam in grids[0]:
            for kap in grids[1]:
                p = {**spec.fixed, "lam": lam, "kappa": kap, "omega": om}
                c = chi2_value(model_quantities(p, dense_cache), spec.obs)
                if c < best_dense:
                    best_dense, at = c, p
    dense_s = time.perf_counter() - t0

    rows = [
        [
            "whole fit (grid + refinement + map)",
            f"{fit_s:.2f}",
            f"{result.evaluations}",
            f"{result.shell_builds}",
        ],
        ["one evaluation, cached shells", f"{cached_s * 1e3:.2f} ms", "1", "0"],
        ["one evaluation, shells built", f"{uncached_s:.3f}", "1", "1"],
        ["baseline: fit without the cache (extrapolated)", f"{baseline_s:.0f}", f"{result.evaluations}", "—"],
        [f"dense grid {n}^3", f"{dense_s:.2f}", f"{n**3}", f"{n}"],
    ]
    print(f"# bench_fit: fit '{FIT}' ({'quick' if quick else 'full'})")
    print(environment_line(env))
    print()
    print(markdown(["what", "wall time (s)", "evaluations", "shell builds"], rows, range(1, 4)))
    print()
    print(f"best fit: {result.best}, chi2 = {result.chi2:.6g}, dof = {result.dof}")
    print(f"verdict: {result.verdict_text()}")
    print(
        f"dense grid: min chi2 = {best_dense:.6g} at {at}; "
        f"min - fit = {best_dense - result.chi2:+.3g} (>= 0 expected)"
    )
    print(
        f"speed-up of the cache: {baseline_s / fit_s:.1f}x; target whole fit <= {TARGET_S:g} s: "
        f"{'pass' if fit_s <= TARGET_S else 'FAIL'}"
    )
    return {
        "fit": FIT,
        "quick": quick,
        "fit_s": fit_s,
        "evaluations": result.evaluations,
        "shell_builds": result.shell_builds,
        "cached_eval_s": cached_s,
        "uncached_eval_s": uncached_s,
        "baseline_s": baseline_s,
        "speedup": baseline_s / fit_s,
        "best": result.best,
        "chi2": result.chi2,
        "dof": result.dof,
        "dense_n": n,
        "dense_min_chi2": best_dense,
        "dense_min_at": at,
        "dense_s": dense_s,
        "target_s": TARGET_S,
        "pass": bool(fit_s <= TARGET_S and best_dense >= result.chi2 - 1e-9),
        "environment": env,
    }


def main(argv=None) -> int:
    return bench_main(__doc__, run, "grid 5^3, map 21^2, dense check 8^3 (< ~20 s)", argv)


if __name__ == "__main__":
    sys.exit(main())

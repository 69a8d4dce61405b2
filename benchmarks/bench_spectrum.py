"""Wall time and accuracy of one tunneling spectrum against a plain k-grid computation.

What is measured
----------------
The paper's point (n_c = 0.45, lambda = 0.5, kappa = 0.75, Omega = 0.3 eV) with the
full s± gaps of Eq. 14 at T = 2 meV (≈ 23 K), Dynes Gamma = 1 meV, 801 energies
in [-1.6 Delta_max, 1.6 Delta_max], both bands, weights 1, 1.

1. **Set-up** (timed once, not part of the target): the full solution at T
   (:func:`triplon.pairing.point.prepare_shells` + :func:`triplon.pairing.bcs.solve_full`) and the
   band data of :func:`triplon.observables.band_data.prepare_band` (energy step Gamma/2, as
   :func:`triplon.observables.spectrum.spectrum_point` uses).
2. **Production** -- :func:`triplon.observables.spectrum.spectrum_from_gaps` (Dynes DOS of both
   bands on the fine grid, thermal convolution, peaks, gap distributions), best
   of ``REPEATS``. Target: <= 50 ms.
3. **Reference** -- the same method at high resolution (energy step Gamma/4,
   128 eta^2 bins per line, 96 Fermi-line bins). Errors are those of dI/dV over
   the window: max |Δ| / max(dI/dV) and mean |Δ| / mean(dI/dV).
4. **Baseline** -- a plain k-grid computation written in this file: an N x N
   uniform grid (cell centres) over the BZ, xi_b(k), Delta_b(k) = A + B eta_k^2 in
   the shell |xi| < Omega (0 outside), E_k and u_k^2; the weights u^2 at +E_k and
   v^2 at -E_k are histogrammed on a 0.05 meV grid (20 x finer than Gamma) over the
   whole band, convolved with the Lorentzian of half-width Gamma (FFT) and then
   with the sech^2 kernel (same T). N = 256, 512, 1024, 2048 (512 with
   ``--quick``). Its error against the reference shows at which N it reaches the
   production accuracy; the table gives both times and their ratio.

Output: a Markdown table (method | resolution | time (ms) | ratio vs production |
max rel err | mean rel err), the target line, and with ``--json PATH`` the same
as JSON. Wall times in one process (``time.perf_counter``); the ratios are the
comparable numbers (the machine may be loaded; the 1-minute load average is
printed).

Usage::

    .venv/bin/python benchmarks/bench_spectrum.py [--quick] [--json PATH]

This is a benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings

import numpy as np
from _common import best_time, environment, environment_line, fmt_err, markdown
from _common import main as bench_main
from scipy.signal import fftconvolve

from triplon.model.bands import xi as xi_band
from triplon.model.dos import fermi_level
from triplon.model.params import BANDS
from triplon.observables.band_data import prepare_band
from triplon.observables.spectrum import spectrum_from_gaps
from triplon.observables.tunneling import tunneling_conductance
from triplon.pairing.analytic import GapWarning, V_from_lam
from triplon.pairing.bcs import solve_full
from triplon.pairing.point import prepare_shells

N_C, LAM, KAPPA, OMEGA = 0.45, 0.5, 0.75, 0.3
T = 2e-3  # eV
GAMMA = 1e-3  # eV
POINTS = 801
TARGET_MS = 50.0
REPEATS = 10
GRIDS = (256, 512, 1024, 2048)
GRIDS_QUICK = (512,)
HIST_STEP = 5e-5  # eV, histogram of the baseline


def setup():
    fl = fermi_level(n_c=N_C)
    V = V_from_lam(LAM, fl.dos["alpha"], fl.dos["beta"])
    shells = prepare_shells(fl.mu, OMEGA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GapWarning)
        sol = solve_full(shells, V, KAPPA, KAPPA, T)
    gaps = {b: (getattr(sol, f"A_{b}"), getattr(sol, f"B_{b}")) for b in BANDS}
    return fl, gaps


def baseline(n: int, fl, gaps, energy: np.ndarray) -> np.ndarray:
    """dI/dV on ``energy`` from a plain n x n k-grid (see the module docstring)."""
    k = (np.arange(n) + 0.5) * 2 * np.pi / n - np.pi
    kx, ky = k[:, None], k[None, :]
    eta2 = (np.cos(kx) - np.cos(ky)) ** 2
    lo, hi = -4.0, 4.0  # covers both bands relative to mu
    nb = int(round((hi - lo) / HIST_STEP))
    hist = np.zeros(nb)
    for b in BANDS:
        A, B = gaps[b]
        x = xi_band(kx, ky, b, fl.mu)
        d = np.where(np.abs(x) < OMEGA, A + B * eta2, 0.0)
        e = np.sqrt(x * x + d * d)
        u2 = 0.5 * (1.0 + x / np.where(e > 0, e, 1.0))
        for sign, w in ((1.0, u2), (-1.0, 1.0 - u2)):
            idx = np.clip(((sign * e - lo) / HIST_STEP).astype(np.int64), 0, nb - 1)
            hist += np.bincount(idx.ravel(), weights=w.ravel(), minlength=nb)
    dos = hist / (n * n * HIST_STEP)  # per spin, BZ-normalised, summed over bands
    centres = lo + (np.arange(nb) + 0.5) * HIST_STEP
    x = np.arange(-nb + 1, nb) * HIST_STEP
    lor = GAMMA / np.pi / (x * x + GAMMA**2) * HIST_STEP
    dyn = fftconvolve(dos, lor, mode="full")[nb - 1 : 2 * nb - 1]
    # thermal convolution on a uniform sub-grid of the histogram around the window
    step = 4
    sel = slice(None, None, step)
    grid, vals = centres[sel], dyn[sel]
    didv = tunneling_conductance(grid, vals, T)
    return np.interp(energy, grid, didv)


def errors(a, ref):
    d = np.abs(a - ref)
    return float(d.max() / np.abs(ref).max()), float(d.mean() / np.abs(ref).mean())


def run(quick: bool) -> dict:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    env = environment()
    print(f"# bench_spectrum: one spectrum (both bands, {POINTS} energies, T = {T} eV, Γ = {GAMMA} eV)")
    print(environment_line(env))
    print(f"1-minute load average at start: {load:.2f}\n")
    t0 = time.perf_counter()
    fl, gaps = setup()
    t_solve = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = {b: prepare_band(b, fl.mu, OMEGA, step=GAMMA / 2) for b in BANDS}
    t_prep = time.perf_counter() - t0
    ref_data = {
        b: prepare_band(b, fl.mu, OMEGA, step=GAMMA / 4, shell_bins=128, bins=96, n_line=96) for b in BANDS
    }
    reps = 3 if quick else REPEATS
    res, t_prod = best_time(lambda: spectrum_from_gaps(data, gaps, T, GAMMA, points=POINTS), repeat=reps)
    cpu = []
    for _ in range(reps):  # CPU time of the same call: insensitive to other load on the machine
        c0 = time.process_time()
        spectrum_from_gaps(data, gaps, T, GAMMA, points=POINTS)
        cpu.append(time.process_time() - c0)
    t_cpu = min(cpu)
    ref, t_ref = best_time(lambda: spectrum_from_gaps(ref_data, gaps, T, GAMMA, points=POINTS), repeat=2)
    e_prod = errors(res.didv, ref.didv)
    rows = [
        [
            "production (`spectrum_from_gaps`)",
            "step Γ/2, 64+48 η² bins",
            f"{t_prod * 1e3:.1f}",
            "1",
            *map(fmt_err, e_prod),
        ],
        [
            "reference (same method)",
            "step Γ/4, 128+96 η² bins",
            f"{t_ref * 1e3:.1f}",
            f"{t_ref / t_prod:.1f}",
            "0",
            "0",
        ],
    ]
    out = {
        "environment": env,
        "load_average": load,
        "setup_solve_s": t_solve,
        "setup_prepare_band_s": t_prep,
        "production_ms": t_prod * 1e3,
        "production_cpu_ms": t_cpu * 1e3,
        "production_err": e_prod,
        "reference_ms": t_ref * 1e3,
        "peaks_eV": res.peaks.tolist(),
        "baseline": [],
    }
    match = None
    for n in GRIDS_QUICK if quick else GRIDS:
        didv, t_n = best_time(lambda n=n: baseline(n, fl, gaps, res.energy), repeat=1)
        e_n = errors(didv, ref.didv)
        ratio = t_n / t_prod
        rows.append(
            [
                f"baseline k-grid {n}²",
                "Dynes per k, hist 0.05 meV",
                f"{t_n * 1e3:.0f}",
                f"{ratio:.1f}",
                *map(fmt_err, e_n),
            ]
        )
        out["baseline"].append({"n": n, "ms": t_n * 1e3, "ratio": ratio, "err": e_n})
        if match is None and e_n[0] <= e_prod[0] and e_n[1] <= e_prod[1]:
            match = (n, ratio)
    print(
        markdown(
            ["method", "resolution", "time (ms)", "ratio vs production", "max rel err", "mean rel err"],
            rows,
            range(2, 6),
        )
    )
    print(f"\nset-up (not in the target): full solution at T {t_solve:.2f} s, prepare_band {t_prep:.2f} s")
    if match:
        print(f"baseline reaches the production accuracy at N = {match[0]} (time ratio {match[1]:.1f}x)")
    else:
        print(
            "baseline does not reach the production accuracy at the grids tried (its ratio is a lower bound)"
        )
    verdict = "PASS" if t_prod * 1e3 <= TARGET_MS else "FAIL"
    print(
        f"target: one spectrum <= {TARGET_MS:.0f} ms once the gaps are known: {verdict} "
        f"(wall {t_prod * 1e3:.1f} ms, CPU {t_cpu * 1e3:.1f} ms)"
    )
    out["match"] = match
    out["target_pass"] = verdict == "PASS"
    return out


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, run, "one baseline grid (512^2) and fewer repeats"))

"""CPU time and accuracy of one Eliashberg point against a dense reference solver.

What is measured
----------------
The paper's point (n_c = 0.45, lambda = 0.5, kappa_a = kappa_b = 0.75, omega_T = 0.3 eV,
mu* = 0), both sheets, kappa > 0. One *point* is T_c (linearised equations) plus the
nonlinear Z and Delta of both sheets at T_c / 5.

1. **Production** -- :func:`triplon.pairing.eliashberg.critical_temperature` and
   :func:`triplon.pairing.eliashberg.solve_matsubara` (tail-corrected dense sum up to
   20 omega_T + 40 pi T, FFT kernel products, Arnoldi for T_c, Anderson mixing), the
   model built once (:func:`triplon.pairing.eliashberg.eliashberg_model`). CPU time
   (``time.process_time``), best of ``REPEATS``.
2. **Accuracy reference** -- the production solver at 8 x the Matsubara cutoff and
   tol 1e-13. Errors: |T_c - ref|/ref, max over sheets of |Z(i pi T) - ref|/ref and
   |Delta(i pi T) - ref|/ref at eta = 0.
3. **Baseline** -- a plain dense solver written in this file: the same equations
   with full N x N kernel matrices, no tail correction (so a cutoff of 160 omega_T for
   ~1e-5), T_c by bisection of the largest eigenvalue (``numpy.linalg.eigvals``) and
   damped (1/2) fixed-point iteration. Timed once.
4. **Sweep chunk** -- 32 eliashberg points (lambda in {0.3, 0.5, 0.7, 0.9} x kappa in
   {0, 0.5, 1, 1.5} x omega_T in {0.03, 0.3} eV) through the sweep's own
   :func:`triplon.studies.sweeps.points.compute_chunk` (T_c, the solve at T_c/5 and the
   real-axis scalars), CPU time per point, extrapolated to 10^4 points on 2 processes.

The ratios (baseline / production) come from one run on one machine.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import environment, environment_line  # noqa: E402

from triplon.model.dos import fermi_level  # noqa: E402
from triplon.observables.eliashberg import eliashberg_observables  # noqa: E402
from triplon.pairing.eliashberg import (  # noqa: E402
    critical_temperature,
    default_omega_max,
    eliashberg_model,
    solve_matsubara,
)
from triplon.pairing.point import resolve_V  # noqa: E402
from triplon.studies.sweeps.points import compute_chunk  # noqa: E402

REPEATS = 5


def cpu(fn):
    t0 = time.process_time()
    out = fn()
    return out, time.process_time() - t0


def production(model):
    tc = critical_temperature(model)
    s = solve_matsubara(model, 0.2 * tc)
    return tc, s


def observables(model, tc, s):
    z = max(abs(s.Z(b)[0]) for b in ("alpha", "beta"))
    return tc, {b: s.Z(b)[0] for b in ("alpha", "beta")}, {b: s.delta(b)[0] for b in ("alpha", "beta")}, z


def dense_reference(model, factor=160.0):
    """The equations with plain matrices, no tail correction, eigvals bisection, damped iteration."""
    bands = ("alpha", "beta")
    partner = {"alpha": "beta", "beta": "alpha"}

    def grid(T):
        N = int(math.ceil((factor * model.omega_T / (math.pi * T) - 1) / 2)) + 1
        n = np.arange(N)
        c = model.omega_T / (2 * math.pi * T)
        dm = c * c / ((n[:, None] - n[None, :]) ** 2 + c * c)
        dp = c * c / ((n[:, None] + n[None, :] + 1) ** 2 + c * c)
        return math.pi * T * (2 * n + 1), dm - dp, dm + dp

    def largest(T):
        w, odd, even = grid(T)
        N = w.size
        M = np.zeros((4 * N, 4 * N))
        for i, b in enumerate(bands):
            c = partner[b]
            u, wt = model.eta2[c]
            # normal state of sheet c: Z_c = 1 + z0_c (1 + kz2 <u>_b u), its partner being b
            z0 = math.pi * T / w * model.lam[c] * odd.sum(1)
            ubar_b = float(model.eta2[b][1] @ model.eta2[b][0])
            Zc = 1 + z0[None, :] * (1 + model.kappaZ2 * ubar_b * u[:, None])
            g = wt[:, None] / (Zc * w[None, :])
            m00, m02, m22 = g.sum(0), (g * u[:, None]).sum(0), (g * u[:, None] ** 2).sum(0)
            j = bands.index(c)
            pref = math.pi * T * model.lam[b] * even
            M[2 * i * N : (2 * i + 1) * N, 2 * j * N : (2 * j + 1) * N] = pref * m00
            M[2 * i * N : (2 * i + 1) * N, (2 * j + 1) * N : (2 * j + 2) * N] = pref * m02
            M[(2 * i + 1) * N : (2 * i + 2) * N, 2 * j * N : (2 * j + 1) * N] = pref * model.kappa2 * m02
            M[(2 * i + 1) * N : (2 * i + 2) * N, (2 * j + 1) * N : (2 * j + 2) * N] = (
                pref * model.kappa2 * m22
            )
        return float(np.max(np.linalg.eigvals(M).real))

    lo, hi = 0.01 * model.omega_T, 0.2 * model.omega_T
    while hi / lo > 1 + 1e-7:
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if largest(mid) > 1 else (lo, mid)
    tc = math.sqrt(lo * hi)
    T = 0.2 * tc
    w, odd, even = grid(T)
    st = {
        b: [np.full(w.size, model.lam[b]), np.zeros(w.size), np.full(w.size, 0.05), np.zeros(w.size)]
        for b in bands
    }
    for _ in range(5000):
        new = {}
        for b in bands:
            c = partner[b]
            u, wt = model.eta2[c]
            z0, z2, p0, p2 = st[c]
            Z = 1 + z0[None, :] + z2[None, :] * u[:, None]
            d = (p0[None, :] + p2[None, :] * u[:, None]) / Z
            r = 1 / np.sqrt(w[None, :] ** 2 + d * d)
            a = wt[:, None] * w[None, :] * r
            bb = wt[:, None] * d * r
            piT = math.pi * T
            new[b] = [
                piT / w * model.lam[b] * (odd @ a.sum(0)),
                piT / w * model.lam[b] * model.kappaZ2 * (odd @ (a * u[:, None]).sum(0)),
                piT * model.lam[b] * (even @ bb.sum(0)),
                piT * model.lam[b] * model.kappa2 * (even @ (bb * u[:, None]).sum(0)),
            ]
        change = max(float(np.max(np.abs(new[b][k] - st[b][k]))) for b in bands for k in range(4))
        st = {b: [0.5 * (new[b][k] + st[b][k]) for k in range(4)] for b in bands}
        if change < 1e-12:
            break
    Z = {b: 1 + st[b][0][0] for b in bands}
    return tc, Z, {b: st[b][2][0] / Z[b] for b in bands}


def main():
    fl = fermi_level(n_c=0.45)
    V = resolve_V(fl, lam=0.5)
    model = eliashberg_model(fl, V, 0.75, 0.75, 0.3)
    best = math.inf
    for _ in range(REPEATS):
        (tc, s), t = cpu(lambda: production(model))
        best = min(best, t)
    tc, Z, D, _ = observables(model, tc, s)
    tc_ref = critical_temperature(model, omega_max=8 * default_omega_max(model, tc))
    s_ref = solve_matsubara(
        model, 0.2 * tc_ref, omega_max=8 * default_omega_max(model, 0.2 * tc_ref), tol=1e-13
    )
    err_tc = abs(tc / tc_ref - 1)
    err_z = max(abs(Z[b] / s_ref.Z(b)[0] - 1) for b in Z)
    err_d = max(abs(D[b] / s_ref.delta(b)[0] - 1) for b in D)
    (tc_d, Z_d, D_d), t_dense = cpu(lambda: dense_reference(model))
    err_dense = max(abs(tc_d / tc_ref - 1), *(abs(D_d[b] / s_ref.delta(b)[0] - 1) for b in D_d))
    # the sweep's own path: one chunk of eliashberg points (T_c, the solve at T_c/5, the Padé
    # continuation: Z, gap edges, the dip), as a chunk job computes them
    points = [
        {"method": "eliashberg", "n_c": 0.45, "lam": lam, "kappa": kappa, "omega_T": w}
        for lam in (0.3, 0.5, 0.7, 0.9)
        for kappa in (0.0, 0.5, 1.0, 1.5)
        for w in (0.03, 0.3)
    ]
    compute_chunk(points[:1], {})  # imports and caches outside the timing
    records, t_chunk = cpu(lambda: compute_chunk(points, {}))
    assert all(r["status"] == "ok" for r in records), [r["status"] for r in records]
    per_point = t_chunk / len(points)
    (_, sol), t_mats = cpu(lambda: production(model))
    _, t_real = cpu(lambda: eliashberg_observables(model, sol, tc, fl.mu, None, fl.dos, spectrum=False))
    env = environment()
    print(f"# Eliashberg point: {environment_line(env)}")
    print("| solver | CPU per point | T_c error | Z error | Delta error |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| production (best of {REPEATS}) | {1e3 * best:.1f} ms | {err_tc:.1e} | {err_z:.1e} | {err_d:.1e} |"
    )
    print(f"| dense reference (baseline) | {1e3 * t_dense:.0f} ms | max {err_dense:.1e} | | |")
    print(f"\nratio baseline / production: {t_dense / best:.0f}")
    print(f"T_c = {tc * 11604.518:.3f} K; Z = {Z}; Delta(i pi T) = {D}")
    print(
        f"sweep chunk: {1e3 * per_point:.0f} ms CPU per point (mean of {len(points)}: lambda x kappa x "
        f"omega_T); 10^4 points on 2 processes ≈ {per_point * 1e4 / 2 / 60:.1f} min"
    )
    print(
        f"paper point: Matsubara (T_c + solve) {1e3 * t_mats:.0f} ms, "
        f"real-axis scalars (Padé, Z, gap edges, dip) {1e3 * t_real:.0f} ms"
    )


if __name__ == "__main__":
    main()

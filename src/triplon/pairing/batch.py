"""Vectorised gap solves for many points sharing one pair of shell quadratures.

Points with the same band set, filling n_c and cutoff Omega share the shell
quadratures (:func:`triplon.pairing.point.prepare_shells`) and differ only in V (or
lambda), kappa_a, kappa_b and T. This module solves all of them together and
returns, point by point, what :func:`triplon.pairing.point.gap_summary` returns one at a
time (same equations, same quadrature, same conventions; agreement to ~1e-12):

* Eq. 17 exactly (vectorised Newton on y = ln(Delta_alpha/Delta_beta)/2 in
  the closed form y = ln(r)/4 + asinh(lambda y)/2, bracketed as
  :func:`triplon.pairing.analytic.solve_eq17` brackets it);
* the full T = 0 (and T > 0) s± solution of Eq. 14: Newton in the unknowns
  (ln A_alpha, B_alpha/A_alpha, ln|A_beta|, B_beta/A_beta) of
  :func:`triplon.pairing.bcs.solve_full`, with the analytic Jacobian of the separable
  map and a per-point backtracking line search;
* T_c of the s± and the d-wave channel: the linear moments K_m(T) are
  tabulated once per shell pair on a grid in ln T (:func:`moment_table`),
  which brackets each point's root of eigenvalue(T) = 1 and gives a cubic
  (Hermite) first guess; a safeguarded Newton in ln T with the exact
  eigenvalue and its analytic derivative dK_m/dlnT =
  -<eta^(2m) sech^2(xi/2T)/(4T)> finishes (one or two evaluations);
* the solution at the point's T > 0 starts from its T = 0 solution times the
  BCS-like tanh(1.74 sqrt(T_c/T - 1)) at the exact T_c.

Determinism
-----------
A point's numbers do not depend on which other points share its batch, on the
batch size or on the order: every array operation is elementwise over the
point axis, each point iterates with its own convergence mask, step length
and iteration count, and every sum over quadrature nodes is a fixed pairwise
tree (:func:`tree_sum`) whose order depends only on the number of nodes (no
BLAS product, whose blocking depends on the shapes). Nodes are the leading
axis and points the trailing one, so every transcendental function sees
contiguous arrays.

Fault isolation
---------------
A point whose batch solve does not converge (iteration limit, line search
failure, non-finite values) is solved again by the per-point reference
solver of :mod:`triplon.pairing.bcs`; an exception there becomes that point's status.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from triplon.model.params import BANDS
from triplon.pairing.analytic import GapWarning, gap_ratio_eq18
from triplon.pairing.batch_tc import (
    _d_eig,
    _s_eig,
    d_wave_eigenvalues,
    moment_table,
    s_wave_eigenvalues,
    tabulated_critical_temperatures,
)
from triplon.pairing.bcs import resolution_floor, solve_full, thermal_factor
from triplon.pairing.shells import ShellArrays, _bracketed_newton, _scratch, _tree_sum_stack, shell_arrays

NEWTON_MAXIT = 60
"""Largest number of accepted Newton steps of one point's full solve."""
STEP_TOL = 1e-5
"""A Newton step below this (relative to max(1, |z|)) ends the iteration; it is then
applied, leaving an error of order STEP_TOL^2 (quadratic convergence)."""
NEWTON_BLOCK = 64
"""Points per block of the full solve (keeps the node x point arrays in cache; no effect on results)."""


# ------------------------------------------------------------------ Eq. 17


def eq17_batch(dos_ratio, lam, omega):
    """Exact Eq. 17 for arrays of (r, lambda, Omega); as :func:`triplon.pairing.analytic.solve_eq17`.

    With y = ln(Delta_alpha/Delta_beta)/2 the ratio of the two equations reads
    g(y) = y - ln(r)/4 - asinh(lambda y)/2 = 0 (the log of
    :func:`~triplon.pairing.analytic.solve_eq17` is 2 asinh(lambda y)); the root is searched
    on the side of y0 = ln(r)/4 away from 0, bracketed by the same marching.

    Returns
    -------
    dict of ndarray
        ``gap_alpha``, ``gap_beta``, ``ratio``, ``gap``, ``validity`` and
        ``ok`` (False where the search failed).
    """
    r = np.asarray(dos_ratio, dtype=float)
    lam = np.asarray(lam, dtype=float)
    omega = np.asarray(omega, dtype=float)
    n = r.size
    c = 0.25 * np.log(r)

    def g(y, i):
        return y - c[i] - 0.5 * np.arcsinh(lam[i] * y)

    y = c.copy()
    ok = np.ones(n, bool)
    g0 = g(c, slice(None))
    todo = np.nonzero(g0 != 0.0)[0]
    if todo.size:
        i = todo
        step = np.where(c[i] != 0, np.copysign(np.maximum(np.abs(c[i]), 0.1), c[i]), 0.1)
        lo, hi = c[i].copy(), c[i] + step
        glo, ghi = g0[i], g(hi, i)
        for _ in range(200):  # march outwards, as solve_eq17
            more = glo * ghi > 0
            if not more.any():
                break
            lo = np.where(more, hi, lo)
            glo = np.where(more, ghi, glo)
            hi = np.where(more, hi + step, hi)
            step = np.where(more, 2 * step, step)
            m = np.nonzero(more)[0]
            ghi[m] = g(hi[m], i[m])
        a, b = np.minimum(lo, hi), np.maximum(lo, hi)
        ga, gb = np.where(lo < hi, glo, ghi), np.where(lo < hi, ghi, glo)
        yy, ok_i = _bracketed_newton(
            lambda yv, k: (g(yv, i[k]), 1.0 - 0.5 * lam[i[k]] / np.sqrt(1.0 + (lam[i[k]] * yv) ** 2)),
            a,
            b,
            ga,
            gb,
            c[i],
            xtol=1e-15,
        )
        y[i] = yy
        ok[i] = ok_i
    ell = np.sqrt(1.0 / lam**2 + y * y)
    gap = 2.0 * omega * np.exp(-ell)
    return {
        "gap_alpha": gap * np.exp(y),
        "gap_beta": gap * np.exp(-y),
        "ratio": np.exp(2 * y),
        "gap": gap,
        "validity": lam * 2 * y,
        "ok": ok,
    }


# ----------------------------------------------------- the full s± solve


def _band_sums(sh: ShellArrays, A, B, T):
    """Map and Jacobian sums of one source band for the points' (A, B) at T (None: T = 0; else all > 0).

    Returns (Σ w d F, Σ w u d F, Σ w h', Σ w u h', Σ w u^2 h') with
    h(d) = d F(sqrt(xi^2 + d^2)), F = tanh(E/2T)/(2E) (1/(2E) at T = 0);
    at T = 0 the first two carry the factor 1/2 in the weights.
    """
    shape = (sh.u.shape[0], A.shape[0])
    d, E, q = (_scratch(k, shape) for k in ("bs_d", "bs_E", "bs_q"))
    buf = _scratch("bs_b", (5,) + shape)
    np.multiply(sh.u, B, out=d)
    d += A  # d = A + B u, (nodes, P)
    np.multiply(d, d, out=E)
    E += sh.xi2
    np.sqrt(E, out=E)
    if T is None:
        r = E
        np.divide(1.0, E, out=r)
        np.multiply(d, r, out=q)  # d / E
        np.multiply(r, r, out=d)
        d *= r  # 1 / E^3
        for i, (wgt, src) in enumerate(((sh.hw, q), (sh.hwu, q), (sh.cw, d), (sh.cwu, d), (sh.cwu2, d))):
            np.multiply(wgt, src, out=buf[i])
        return tuple(_tree_sum_stack(buf))
    th = _scratch("bs_th", shape)
    np.divide(E, 2.0 * T, out=th)
    np.tanh(th, out=th)
    r = E
    np.divide(1.0, E, out=r)
    F = _scratch("bs_F", shape)
    np.multiply(th, r, out=F)
    F *= 0.5  # tanh(E/2T) / (2E)
    # h' = r^2 (F xi^2 + d^2 (1 - th^2) / (4T)), built in th
    np.multiply(th, th, out=th)
    np.subtract(1.0, th, out=th)
    np.multiply(d, d, out=q)
    th *= q
    th /= 4.0 * T
    np.multiply(F, sh.xi2, out=q)
    th += q
    np.multiply(r, r, out=q)
    th *= q
    np.multiply(d, F, out=q)  # d F
    for i, (wgt, src) in enumerate(((sh.w, q), (sh.wu, q), (sh.w, th), (sh.wu, th), (sh.wu2, th))):
        np.multiply(wgt, src, out=buf[i])
    return tuple(_tree_sum_stack(buf))


def _residual_jacobian(arrs, V, k2, T, z):
    """Residual of :func:`triplon.pairing.bcs.solve_full` in z = (ln a, qa, ln b, qb) and its Newton step."""
    a, b = np.exp(z[0]), np.exp(z[2])
    x0, x1, x2, x3 = a, a * z[1], -b, -b * z[3]
    ya0, ya1, sa0, sa1, sa2 = _band_sums(arrs["beta"], x2, x3, T)  # feeds alpha
    yb0, yb1, sb0, sb1, sb2 = _band_sums(arrs["alpha"], x0, x1, T)  # feeds beta
    y0, y1 = -V * ya0, -V * k2 * ya1
    y2, y3 = -V * yb0, -V * k2 * yb1
    R = np.stack([y0 / x0 - 1.0, y1 / x0 - z[1], y2 / x2 - 1.0, y3 / x2 - z[3]])
    # d y_alpha / d (z2, z3) through x2 = -b, x3 = -b qb
    dy0_z2, dy0_z3 = -V * (sa0 * x2 + sa1 * x3), -V * sa1 * x2
    dy1_z2, dy1_z3 = -V * k2 * (sa1 * x2 + sa2 * x3), -V * k2 * sa2 * x2
    dy2_z0, dy2_z1 = -V * (sb0 * x0 + sb1 * x1), -V * sb1 * x0
    dy3_z0, dy3_z1 = -V * k2 * (sb1 * x0 + sb2 * x1), -V * k2 * sb2 * x0
    # J = [[Jaa, Jab], [Jba, Jbb]], Jaa = [[p, 0], [q, -1]], Jbb = [[p', 0], [q', -1]]
    p, q = -y0 / x0, -y1 / x0
    pb, qb = -y2 / x2, -y3 / x2
    jab = (dy0_z2 / x0, dy0_z3 / x0, dy1_z2 / x0, dy1_z3 / x0)
    jba = (dy2_z0 / x2, dy2_z1 / x2, dy3_z0 / x2, dy3_z1 / x2)
    # Jaa^-1 = [[1/p, 0], [q/p, -1]]
    ia = (1.0 / p, 0.0, q / p, -1.0)
    # Jaa^-1 Jab
    m00 = ia[0] * jab[0]
    m01 = ia[0] * jab[1]
    m10 = ia[2] * jab[0] - jab[2]
    m11 = ia[2] * jab[1] - jab[3]
    # Schur complement S = Jbb - Jba (Jaa^-1 Jab)
    s00 = pb - (jba[0] * m00 + jba[1] * m10)
    s01 = -(jba[0] * m01 + jba[1] * m11)
    s10 = qb - (jba[2] * m00 + jba[3] * m10)
    s11 = -1.0 - (jba[2] * m01 + jba[3] * m11)
    # rhs: J d = -R
    ra0, ra1, rb0, rb1 = -R[0], -R[1], -R[2], -R[3]
    u0 = ia[0] * ra0  # Jaa^-1 ra
    u1 = ia[2] * ra0 - ra1
    c0 = rb0 - (jba[0] * u0 + jba[1] * u1)
    c1 = rb1 - (jba[2] * u0 + jba[3] * u1)
    det = s00 * s11 - s01 * s10
    db0 = (s11 * c0 - s01 * c1) / det
    db1 = (s00 * c1 - s10 * c0) / det
    # Jaa da = ra - Jab db
    e0 = ra0 - (jab[0] * db0 + jab[1] * db1)
    e1 = ra1 - (jab[2] * db0 + jab[3] * db1)
    da0 = ia[0] * e0
    da1 = ia[2] * e0 - e1
    return R, np.stack([da0, da1, db0, db1])


def _newton_full(arrs, V, k2, T, z0):
    """Damped Newton per point from z0 (4, P); T None (T = 0) or an array (all > 0).

    Returns (z, ok).
    """
    n = z0.shape[1]
    z = z0.copy()
    ok = np.zeros(n, bool)
    done = np.zeros(n, bool)
    t = np.ones(n)
    nit = np.zeros(n, int)
    with np.errstate(all="ignore"):
        R, dz = _residual_jacobian(arrs, V, k2, T, z)
        merit = np.sum(R * R, axis=0)
        done |= ~(np.isfinite(merit) & np.all(np.isfinite(dz), axis=0))
        for _ in range(4 * NEWTON_MAXIT):
            k = np.nonzero(~done)[0]
            if not k.size:
                break
            zt = z[:, k] + t[k] * dz[:, k]
            Tk = None if T is None else T[k]
            Rt, dzt = _residual_jacobian(arrs, V[k], k2[k], Tk, zt)
            mt = Rt[0] * Rt[0] + Rt[1] * Rt[1] + Rt[2] * Rt[2] + Rt[3] * Rt[3]
            good = np.isfinite(mt) & (mt < merit[k]) & np.all(np.isfinite(dzt), axis=0)
            acc = k[good]
            z[:, acc] = zt[:, good]
            merit[acc] = mt[good]
            dz[:, acc] = dzt[:, good]
            t[acc] = 1.0
            nit[acc] += 1
            small = np.all(np.abs(dzt[:, good]) <= STEP_TOL * np.maximum(1.0, np.abs(zt[:, good])), axis=0)
            small &= np.max(np.abs(Rt[:, good]), axis=0) < 1e-8
            conv = acc[small]
            z[:, conv] += dz[:, conv]
            ok[conv] = done[conv] = True
            done[acc[nit[acc] >= NEWTON_MAXIT]] = True
            rej = k[~good]
            t[rej] *= 0.5
            done[rej[t[rej] < 1e-6]] = True
    return z, ok


def _guess_z(arrs, V, k2, T, e17):
    """Starting z from Eqs. 16–17 (with a BCS-like factor at T > 0), as the reference solver."""
    na, nb = arrs["alpha"].fermi_moments, arrs["beta"].fermi_moments
    scale = np.ones_like(V)
    if T is not None:
        tc = 0.567 * e17["gap"]
        scale = np.where(T < tc, 1.74 * np.sqrt(np.maximum(1.0 - T / tc, 1e-4)), 0.05)
        scale = np.minimum(scale, 1.0)
    qa = k2 * nb[1] / nb[0]
    qb = k2 * na[1] / na[0]
    return np.stack([np.log(e17["gap_alpha"] * scale), qa, np.log(e17["gap_beta"] * scale), qb])


# ------------------------------------------------------------- the points


def _reference_full(shells, V, ka, kb, T):
    """Per-point fallback: the reference solver, its failure turned into a status."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GapWarning)
            s = solve_full(shells, V, ka, kb, T)
        return s.A_alpha, s.B_alpha, s.A_beta, s.B_beta, s.converged, s.status
    except Exception as exc:  # the point's status, not the batch's failure
        return (math.nan,) * 4 + (False, f"not converged: {type(exc).__name__}: {exc}")


def solve_batch(shells, fermi, V, kappa_a, kappa_b, T, arrs=None, table=None) -> list[dict]:
    """All gap quantities of points sharing ``shells`` (what :func:`triplon.pairing.point.gap_summary` gives).

    Parameters
    ----------
    shells : dict
        {"alpha": ShellQuadrature, "beta": ShellQuadrature} at one mu, Omega.
    fermi : triplon.model.dos.FermiLevel
        Fermi-level N, Ñ at that mu (both N > 0).
    V, kappa_a, kappa_b, T : array_like, shape (P,)
        Pairing strength (eV), Kondo-to-Hund ratios and temperature (eV) per point.
    arrs : dict of ShellArrays, optional
        :func:`shell_arrays` of both bands, if already built.
    table : MomentTable, optional
        :func:`moment_table` of ``arrs``, if already built.

    Returns
    -------
    list of dict
        Per point: ``V``, ``lam``, ``kappa_a``, ``kappa_b``, ``omega``,
        ``ratio_eq17``, ``ratio_eq18``, ``ratio_sqrt``, ``validity_eq18``,
        ``A_alpha``, ``B_alpha``, ``A_beta``, ``B_beta``, ``gap_ratio``,
        ``anisotropy_alpha``, ``anisotropy_beta``, ``Tc`` (NaN below the
        floor), ``lambda_d_at_Tc``, ``Tc_d``, ``gap2_Tc_{alpha,beta}``,
        ``gap2_Tc_max_{alpha,beta}``, ``d_wave_leads``, ``A_alpha_T``,
        ``B_alpha_T``, ``A_beta_T``, ``B_beta_T`` (the solution at the
        point's T; the T = 0 one when T = 0), ``converged`` (bool: T = 0
        solution, T_c and the T solution) and ``status`` (the T = 0 solve's
        status, else the first failure).
    """
    arrs = arrs or {b: shell_arrays(shells[b]) for b in BANDS}
    V = np.asarray(V, dtype=float).reshape(-1)
    ka = np.asarray(kappa_a, dtype=float).reshape(-1)
    kb = np.asarray(kappa_b, dtype=float).reshape(-1)
    T = np.asarray(T, dtype=float).reshape(-1)
    n = V.size
    k2 = ka * kb
    omega = shells["alpha"].omega
    floor = resolution_floor(shells)
    Na, Nb = fermi.dos["alpha"], fermi.dos["beta"]
    r = Nb / Na
    lam = V * math.sqrt(Na * Nb)
    e17 = eq17_batch(np.full(n, r), lam, np.full(n, omega))
    status: list[str | None] = [None] * n
    for k in np.nonzero(~e17["ok"])[0]:
        status[k] = "not converged: Eq. 17 root search failed"

    # ---- critical temperatures (s± and d), lambda_d at T_c
    def s_eig(Tv, k, deriv):
        return s_wave_eigenvalues(arrs, V[k], k2[k], Tv, deriv)

    def d_eig(Tv, k, deriv):
        return d_wave_eigenvalues(arrs, V[k], ka[k] + kb[k], Tv, deriv)

    tab = table or moment_table(arrs, floor, omega)
    Ka, dKa = (x[:, :, None] for x in (tab.K["alpha"], tab.dK["alpha"]))
    Kb, dKb = (x[:, :, None] for x in (tab.K["beta"], tab.dK["beta"]))
    with np.errstate(all="ignore"):
        ls, dls = _s_eig(Ka, dKa, Kb, dKb, V, k2)
        ld, dld = _d_eig(Ka[1], dKa[1], Kb[1], dKb[1], V, ka + kb)
        tc, st_tc = tabulated_critical_temperatures(tab, ls, dls, s_eig, floor, omega)
        tc_d, st_d = tabulated_critical_temperatures(tab, ld, dld, d_eig, floor, omega)
    for k in range(n):  # the batch search failed: the reference one decides
        if st_tc[k] is not None:
            tc[k], st_tc[k] = _reference_tc(shells, V[k], ka[k], kb[k], "s")
        if st_d[k] is not None:
            tc_d[k], st_d[k] = _reference_tc(shells, V[k], ka[k], kb[k], "d")
    lam_floor = ls[0]
    has_tc = tc > 0
    lam_d = np.full(n, math.nan)
    if has_tc.any():
        k = np.nonzero(has_tc)[0]
        lam_d[k] = d_wave_eigenvalues(arrs, V[k], ka[k] + kb[k], tc[k], deriv=False)[0]

    # ---- full solutions at T = 0 and at the points' T > 0
    full = {key: np.full(n, math.nan) for key in ("A_alpha", "B_alpha", "A_beta", "B_beta")}
    full_T = full
    conv0 = np.zeros(n, bool)
    status0 = ["ok"] * n
    below = lam_floor < 1.0
    for k in np.nonzero(below)[0]:
        status0[k] = "gap below resolution (T_c < resolution floor)"
    _solve_into(shells, arrs, V, ka, kb, k2, None, e17, np.nonzero(~below)[0], full, conv0, status0, floor)

    pos_T = T > 0
    conv_T = np.ones(n, bool)
    if pos_T.any():
        full_T = {key: v.copy() for key, v in full.items()}
        solT = {key: np.full(n, math.nan) for key in ("A_alpha", "B_alpha", "A_beta", "B_beta")}
        convT = np.zeros(n, bool)
        statusT = ["ok"] * n
        kT = np.nonzero(pos_T)[0]
        lam_T = s_wave_eigenvalues(arrs, V[kT], k2[kT], np.maximum(T[kT], floor), deriv=False)[0]
        normal = kT[(lam_T < 1.0) & (T[kT] > floor)]
        for key in solT:
            solT[key][normal] = 0.0
        convT[normal] = True
        for k in kT[(lam_T < 1.0) & ~(T[kT] > floor)]:
            statusT[k] = "gap below resolution (T_c < resolution floor)"
        # start from the T = 0 solution scaled by the BCS-like tanh(1.74 sqrt(T_c/T - 1))
        with np.errstate(all="ignore"):
            fac = thermal_factor(tc, np.where(T > 0, T, 1.0))
            start = np.stack(
                [
                    np.log(np.abs(full["A_alpha"]) * fac),
                    full["B_alpha"] / full["A_alpha"],
                    np.log(np.abs(full["A_beta"]) * fac),
                    full["B_beta"] / full["A_beta"],
                ]
            )
        start[:, ~conv0] = np.nan
        hot = kT[lam_T >= 1.0]
        _solve_into(shells, arrs, V, ka, kb, k2, T, e17, hot, solT, convT, statusT, floor, start=start)
        for key in full_T:
            full_T[key][kT] = solT[key][kT]
        conv_T[kT] = convT[kT]
        for k in kT:
            if not convT[k] and status[k] is None:
                status[k] = f"{statusT[k]} (at T = {T[k]:.6g} eV)"

    out = []
    ratio18 = np.asarray(gap_ratio_eq18(r, lam), dtype=float).reshape(-1)
    ratio_sqrt = math.sqrt(r)
    ua, ub = arrs["alpha"].u_max, arrs["beta"].u_max
    for k in range(n):
        c = bool(conv0[k])
        Aa, Ba, Ab, Bb = (float(full[key][k]) for key in ("A_alpha", "B_alpha", "A_beta", "B_beta"))
        tck = float(tc[k]) if tc[k] > 0 else math.nan
        tcdk = float(tc_d[k])
        rec = {
            "V": float(V[k]),
            "lam": float(lam[k]),
            "kappa_a": float(ka[k]),
            "kappa_b": float(kb[k]),
            "omega": omega,
            "ratio_eq17": float(e17["ratio"][k]),
            "ratio_eq18": float(ratio18[k]),
            "ratio_sqrt": ratio_sqrt,
            "validity_eq18": float(e17["validity"][k]),
            "A_alpha": Aa,
            "B_alpha": Ba,
            "A_beta": Ab,
            "B_beta": Bb,
            "gap_ratio": abs(Aa / Ab) if c else math.nan,
            "anisotropy_alpha": _aniso(Aa, Ba, ua) if c else math.nan,
            "anisotropy_beta": _aniso(Ab, Bb, ub) if c else math.nan,
            "Tc": tck,
            "lambda_d_at_Tc": float(lam_d[k]),
            "Tc_d": tcdk,
            "d_wave_leads": int(tcdk > (tck if tck == tck else 0.0)),
            "A_alpha_T": float(full_T["A_alpha"][k]),
            "A_beta_T": float(full_T["A_beta"][k]),
            "B_alpha_T": float(full_T["B_alpha"][k]),
            "B_beta_T": float(full_T["B_beta"][k]),
        }
        for b, A, B, um in (("alpha", Aa, Ba, ua), ("beta", Ab, Bb, ub)):
            if c and tck > 0:
                rec[f"gap2_Tc_{b}"] = 2 * abs(A) / tck
                rec[f"gap2_Tc_max_{b}"] = 2 * (abs(A) + abs(B) * um) / tck
            else:
                rec[f"gap2_Tc_{b}"] = rec[f"gap2_Tc_max_{b}"] = math.nan
        rec["converged"] = bool(c and tck > 0 and conv_T[k] and status[k] is None)
        rec["status"] = status0[k] if status0[k] != "ok" or status[k] is None else status[k]
        for st in (st_tc[k], st_d[k]):
            if st is not None and rec["status"] == "ok":
                rec["status"] = st
                rec["converged"] = False
        out.append(rec)
    return out


def _aniso(A, B, u_max):
    g = np.abs([A, A + B * u_max])
    return float(g.max() / g.min())


def _reference_tc(shells, V, ka, kb, channel):
    """Per-point fallback of the T_c search; (T_c, None) or (NaN, status)."""
    from triplon.pairing.bcs import tc_d_wave, tc_s_wave

    try:
        if channel == "s":
            return tc_s_wave(shells, float(V), float(ka * kb)), None
        return tc_d_wave(shells, float(V), float(ka), float(kb)), None
    except Exception as exc:
        return math.nan, f"T_c not found: {type(exc).__name__}: {exc}"


def _solve_into(shells, arrs, V, ka, kb, k2, T, e17, idx, out, conv, status, floor, start=None):
    """Full s± solve of the points ``idx`` (T None: T = 0), results written into ``out``.

    ``start`` (4, n) optionally gives starting z per point (NaN: the Eq. 16–17 guess).
    """
    if not idx.size:
        return
    Tk = None if T is None else T[idx]
    sub = {key: v[idx] for key, v in e17.items()}
    with np.errstate(all="ignore"):
        z0 = _guess_z(arrs, V[idx], k2[idx], Tk, sub)
        if start is not None:
            zs = start[:, idx]
            z0 = np.where(np.all(np.isfinite(zs), axis=0), zs, z0)
        z, ok = np.empty_like(z0), np.zeros(idx.size, bool)
        for s in range(0, idx.size, NEWTON_BLOCK):
            j = slice(s, s + NEWTON_BLOCK)
            z[:, j], ok[j] = _newton_full(
                arrs, V[idx][j], k2[idx][j], None if Tk is None else Tk[j], z0[:, j]
            )
        a, b = np.exp(z[0]), np.exp(z[2])
    for j, k in enumerate(idx):
        if ok[j]:
            x = [float(a[j]), float(a[j] * z[1, j]), float(-b[j]), float(-b[j] * z[3, j])]
        else:  # the batch Newton failed for this point: the reference solver decides
            Aa, Ba, Ab, Bb, c, st = _reference_full(
                shells, V[k], ka[k], kb[k], 0.0 if T is None else float(T[k])
            )
            out["A_alpha"][k], out["B_alpha"][k], out["A_beta"][k], out["B_beta"][k] = Aa, Ba, Ab, Bb
            conv[k], status[k] = c, st
            continue
        if min(abs(x[0]), abs(x[2])) < floor:
            status[k] = f"gap below resolution ({min(abs(x[0]), abs(x[2])):.2e} eV < {floor:.1e} eV)"
            continue
        if k2[k] == 0.0:
            x[1] = x[3] = 0.0
        out["A_alpha"][k], out["B_alpha"][k], out["A_beta"][k], out["B_beta"][k] = x
        conv[k] = True
        status[k] = "ok"


__all__ = ["eq17_batch", "solve_batch"]

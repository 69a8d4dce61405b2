"""Critical temperatures of many points at once: the linearised gap equation's eigenvalues."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from triplon.model.params import BANDS
from triplon.pairing.shells import ShellArrays, _bracketed_newton, _scratch, _tree_sum_stack

ROOT_XTOL = 1e-12
"""Tolerance in ln T (relative accuracy of T_c), as :func:`triplon.pairing.bcs.critical_temperature`."""
TC_STEP_TOL = 1e-6
"""A Newton step in ln T below this ends the T_c search (applied: error of order 1e-12)."""


# ------------------------------------------------------ linearised problem


def _linear_moments(sh: ShellArrays, T, ms=(0, 1, 2), deriv=True):
    """K_m(T) = <eta^(2m) tanh(xi/2T)/(2 xi)> for each point's T, and dK_m/dlnT.

    Returns arrays of shape (len(ms), P).
    """
    ne, nm = sh.e.shape[0], len(ms)
    shape = (ne, np.shape(T)[0])
    t = _scratch("lm_t", shape)
    np.divide(sh.e, 2.0 * T, out=t)
    np.tanh(t, out=t)
    kern = _scratch("lm_k", shape)
    np.multiply(sh.ekw, t, out=kern)
    buf = _scratch("lm_b", (2 * nm if deriv else nm,) + shape)
    for i, m in enumerate(ms):
        np.multiply(sh.mom[m], kern, out=buf[i])
    if deriv:
        np.multiply(t, t, out=kern)  # -dK/dlnT integrand: ew (1 - t^2) / (4T)
        np.subtract(1.0, kern, out=kern)
        kern *= sh.ew4
        kern /= T
        for i, m in enumerate(ms):
            np.multiply(sh.mom[m], kern, out=buf[nm + i])
    sums = _tree_sum_stack(buf)
    if not deriv:
        return sums, None
    return sums[:nm], -sums[nm:]


def _s_eig(Ka, dKa, Kb, dKb, V, k2):
    """s± eigenvalue (and d/dlnT if dKa is not None) from the linear moments K_m of both bands."""
    # P = M_beta M_alpha, M = [[K0, K1], [k2 K1, k2 K2]]
    tr = Kb[0] * Ka[0] + Kb[1] * k2 * Ka[1] + k2 * Kb[1] * Ka[1] + k2 * Kb[2] * k2 * Ka[2]
    da = Ka[0] * Ka[2] - Ka[1] * Ka[1]
    db = Kb[0] * Kb[2] - Kb[1] * Kb[1]
    det = (k2 * k2) * da * db
    disc = np.maximum(0.25 * tr * tr - det, 0.0)
    sq = np.sqrt(disc)
    rho = 0.5 * tr + sq
    lam = V * np.sqrt(np.maximum(rho, 0.0))
    if dKa is None:
        return lam, None
    dtr = (
        dKb[0] * Ka[0]
        + Kb[0] * dKa[0]
        + 2 * k2 * (dKb[1] * Ka[1] + Kb[1] * dKa[1])
        + k2 * k2 * (dKb[2] * Ka[2] + Kb[2] * dKa[2])
    )
    dda = dKa[0] * Ka[2] + Ka[0] * dKa[2] - 2 * Ka[1] * dKa[1]
    ddb = dKb[0] * Kb[2] + Kb[0] * dKb[2] - 2 * Kb[1] * dKb[1]
    ddet = (k2 * k2) * (dda * db + da * ddb)
    with np.errstate(divide="ignore", invalid="ignore"):
        drho = 0.5 * dtr + np.where(sq > 0, (0.25 * tr * dtr - 0.5 * ddet) / np.where(sq > 0, sq, 1.0), 0.0)
        dlam = np.where(rho > 0, 0.5 * lam * drho / np.where(rho > 0, rho, 1.0), 0.0)
    return lam, dlam


def _d_eig(K1a, dK1a, K1b, dK1b, V, kappa_sum):
    """d-wave eigenvalue (and d/dlnT if dK1a is not None) from the K_1 moments of both bands."""
    prod = K1a * K1b
    lam = V * np.abs(kappa_sum) * np.sqrt(prod)
    if dK1a is None:
        return lam, None
    with np.errstate(divide="ignore", invalid="ignore"):
        dlam = np.where(prod > 0, 0.5 * lam * (dK1a * K1b + K1a * dK1b) / np.where(prod > 0, prod, 1.0), 0.0)
    return lam, dlam


def s_wave_eigenvalues(arrs, V, kappa2, T, deriv=True):
    """Leading s± eigenvalue V sqrt(rho(M_beta M_alpha)) (and d/dlnT) for arrays of points.

    As :func:`triplon.pairing.bcs.s_wave_eigenvalue`, with the closed form of the
    largest eigenvalue of a 2 x 2 product (real: M_b = diag(1, kappa^2) S_b
    with S_b positive semi-definite).
    """
    (Ka, dKa), (Kb, dKb) = (_linear_moments(arrs[b], T, deriv=deriv) for b in BANDS)
    return _s_eig(Ka, dKa, Kb, dKb, V, kappa2)


def d_wave_eigenvalues(arrs, V, kappa_sum, T, deriv=True):
    """d-wave eigenvalue V |kappa_a + kappa_b| sqrt(K1_alpha K1_beta) (and d/dlnT) for arrays of points."""
    (Ka, dKa), (Kb, dKb) = (_linear_moments(arrs[b], T, ms=(1,), deriv=deriv) for b in BANDS)
    return _d_eig(
        Ka[0], None if dKa is None else dKa[0], Kb[0], None if dKb is None else dKb[0], V, kappa_sum
    )


TABLE_STEP = 0.125
"""Spacing in ln T of the table of linear moments that brackets T_c."""


@dataclass(frozen=True)
class MomentTable:
    """K_m(T) and dK_m/dlnT of both bands on T_j = floor e^(h j), j = 0..G (T_G >= 2 Omega).

    Depends on the shells only; brackets each point's T_c between two grid
    temperatures and gives a cubic (Hermite) first guess inside.
    """

    T: np.ndarray
    s: np.ndarray
    K: dict
    dK: dict


def moment_table(arrs, floor: float, omega: float, h: float = TABLE_STEP) -> MomentTable:
    """Tabulate the linear moments of both bands (once per shell pair)."""
    G = max(1, int(math.ceil(math.log(2.0 * omega / floor) / h)))
    T = floor * np.exp(h * np.arange(G + 1))
    K, dK = {}, {}
    for b in BANDS:
        K[b], dK[b] = _linear_moments(arrs[b], T)
    return MomentTable(T=T, s=np.log(T), K=K, dK=dK)


def _tabulated_root(lam_grid, dlam_grid, s_grid):
    """Grid bracket and Hermite guess of eigenvalue = 1 per point (columns of lam_grid, shape (G+1, P)).

    Returns (j, s0) with j the last grid index where the eigenvalue is >= 1
    (-1: below the floor; G: above the table) and s0 the guess in ln T.
    """
    G1 = lam_grid.shape[0]
    above = lam_grid >= 1.0
    j = np.sum(above, axis=0) - 1  # decreasing eigenvalue: the first j + 1 entries are >= 1
    jj = np.clip(j, 0, G1 - 2)
    cols = np.arange(lam_grid.shape[1])
    f0, f1 = lam_grid[jj, cols] - 1.0, lam_grid[jj + 1, cols] - 1.0
    h = s_grid[jj + 1] - s_grid[jj]
    d0, d1 = dlam_grid[jj, cols] * h, dlam_grid[jj + 1, cols] * h
    with np.errstate(all="ignore"):
        t = np.clip(f0 / (f0 - f1), 0.0, 1.0)
        for _ in range(4):  # Newton on the Hermite cubic
            t2, t3 = t * t, t * t * t
            p = (2 * t3 - 3 * t2 + 1) * f0 + (t3 - 2 * t2 + t) * d0 + (-2 * t3 + 3 * t2) * f1 + (t3 - t2) * d1
            dp = (
                (6 * t2 - 6 * t) * f0
                + (3 * t2 - 4 * t + 1) * d0
                + (-6 * t2 + 6 * t) * f1
                + (3 * t2 - 2 * t) * d1
            )
            tn = t - p / dp
            t = np.where(np.isfinite(tn), np.clip(tn, 0.0, 1.0), t)
    return j, s_grid[jj] + t * h


def critical_temperatures(eig, floor: float, omega: float, guess=None, n=None):
    """T where each point's decreasing eigenvalue crosses 1 (eV); 0 where below ``floor``.

    As :func:`triplon.pairing.bcs.critical_temperature`: 0 if eigenvalue(floor) < 1,
    otherwise the upper end doubles from Omega until the eigenvalue is < 1, and
    the root is found in ln T (Newton with the analytic derivative, kept in
    the bracket, bisection where Newton leaves it) to ``ROOT_XTOL``.

    Parameters
    ----------
    eig : callable
        ``eig(T, k, deriv)`` -> (eigenvalue, d eigenvalue/d ln T) at
        temperatures ``T`` (shape (len(k),)) of the points ``k`` (index array).
    guess : ndarray, optional
        Starting T per point (eV).

    Returns
    -------
    tc : ndarray
    status : list of str or None
        None where found, otherwise why not.
    """
    all_k = np.arange(n)
    l0, _ = eig(np.full(n, floor), all_k, False)
    tc = np.zeros(n)
    status = [None] * n
    up = np.nonzero(l0 >= 1.0)[0]
    bad = np.nonzero(~np.isfinite(l0))[0]
    for k in bad:
        status[k] = f"eigenvalue at the resolution floor is {l0[k]}"
        tc[k] = math.nan
    if not up.size:
        return tc, status
    hi = np.full(up.size, float(omega))
    lhi, _ = eig(hi, up, False)
    while True:
        more = lhi >= 1.0
        if not more.any():
            break
        hi = np.where(more, 2 * hi, hi)
        over = more & (hi > 1e3)
        if over.any():
            for k in up[over]:
                status[k] = "eigenvalue stays above 1 at T = 1000 eV"
            lhi = np.where(over, 0.5, lhi)
            more &= ~over
        m = np.nonzero(more)[0]
        if m.size:
            lhi[m] = eig(hi[m], up[m], False)[0]
    slo, shi = np.full(up.size, math.log(floor)), np.log(hi)
    flo, fhi = l0[up] - 1.0, lhi - 1.0
    if guess is None:
        x0 = slo + flo / (flo - fhi) * (shi - slo)  # linear in ln T
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            x0 = np.log(np.asarray(guess, dtype=float)[up])

    def f(s, k):
        lam, dlam = eig(np.exp(s), up[k], True)
        return lam - 1.0, dlam

    s, ok = _bracketed_newton(f, slo, shi, flo, fhi, x0, xtol=ROOT_XTOL)
    for j, k in enumerate(up):
        if status[k] is not None:
            tc[k] = math.nan
        elif ok[j]:
            tc[k] = math.exp(s[j])
        else:
            tc[k] = math.nan
            status[k] = "T_c search did not converge"
    return tc, status


def tabulated_critical_temperatures(table: MomentTable, lam_grid, dlam_grid, eig, floor: float, omega: float):
    """T_c per point from the tabulated eigenvalues (G+1, P), then exact Newton in ln T.

    The grid brackets the root (the eigenvalue decreases with T), the Hermite
    cubic through the bracket gives the first guess, and
    :func:`_bracketed_newton` with the exact eigenvalue ``eig(T, k, deriv)``
    finishes to ``ROOT_XTOL`` (usually two evaluations). 0 where the
    eigenvalue at the floor is < 1 (as :func:`triplon.pairing.bcs.critical_temperature`);
    points with T_c above the table go through :func:`critical_temperatures`.

    Returns (tc, status) as :func:`critical_temperatures`.
    """
    n = lam_grid.shape[1]
    G = table.T.size - 1
    j, s0 = _tabulated_root(lam_grid, dlam_grid, table.s)
    tc = np.zeros(n)
    status = [None] * n
    for k in np.nonzero(~np.isfinite(lam_grid[0]))[0]:
        tc[k], status[k] = math.nan, f"eigenvalue at the resolution floor is {lam_grid[0, k]}"
    k = np.nonzero((j >= 0) & (j < G))[0]
    if k.size:
        jk = j[k]

        def f(sv, kk):
            lam, dlam = eig(np.exp(sv), k[kk], True)
            return lam - 1.0, dlam

        sr, ok = _bracketed_newton(
            f,
            table.s[jk],
            table.s[jk + 1],
            lam_grid[jk, k] - 1.0,
            lam_grid[jk + 1, k] - 1.0,
            s0[k],
            ROOT_XTOL,
            step_tol=TC_STEP_TOL,
        )
        tc[k] = np.where(ok, np.exp(sr), math.nan)
        for i in k[~ok]:
            status[i] = "T_c search did not converge"
    big = np.nonzero(j >= G)[0]
    if big.size:
        tcb, stb = critical_temperatures(lambda Tv, kk, d: eig(Tv, big[kk], d), floor, omega, n=big.size)
        tc[big] = tcb
        for i, st in zip(big, stb):
            status[i] = st
    return tc, status


__all__ = [
    "s_wave_eigenvalues",
    "d_wave_eigenvalues",
    "MomentTable",
    "moment_table",
    "critical_temperatures",
    "tabulated_critical_temperatures",
]

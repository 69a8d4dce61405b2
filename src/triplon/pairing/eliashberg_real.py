"""Real-frequency Eliashberg functions: Padé continuation and the exact iterative continuation.

Two routes from the Matsubara solution (:mod:`triplon.pairing.eliashberg`) to
Z_b(u, omega) and phi_b(u, omega) on the real axis (omega + i0+), u = eta_k^2:

* :func:`pade_continuation` -- the Vidberg–Serene continued fraction through the
  Matsubara values of the four coefficient functions z0, z2, p0, p2 of each sheet
  (as EPW and ebmb do), in extended precision;
* :func:`exact_continuation` -- the iterative analytic continuation of Marsiglio,
  Schossmann and Carbotte, Phys. Rev. B 37, 4965 (1988), written for the Einstein
  kernel D(z) = omega_T^2 / (omega_T^2 - z^2) of the triplon (alpha^2 F =
  (lambda omega_T / 2) delta(nu - omega_T)) and the two sheets::

      w Z_b(w) = w + i pi T Σ_m lam_b D(w - i omega_m) < ... omega_m / R_m >
                 + i pi (lam_b omega_T / 2) Σ_± [n(omega_T) + f(omega_T ∓ w)] < g_Z(w ∓ omega_T) >
      phi_b(w) = pi T Σ_m lam_b D(w - i omega_m) < ... Delta_m / R_m >
                 + i pi (lam_b omega_T / 2) Σ_± [n(omega_T) + f(omega_T ∓ w)] < g_phi(w ∓ omega_T) >

  with g_Z = omega Z / sqrt(omega^2 Z^2 - phi^2), g_phi = phi / sqrt(...) (Im sqrt > 0) of
  the partner sheet, averaged over its Fermi line with the kernels of the Matsubara
  equations. It is exact (no fit), iterated on a grid whose spacing divides omega_T.

The gap edge of a sheet at eta^2 = u is the solution of omega = Re Delta_b(u, omega).
Energies and temperatures in eV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from triplon.model.params import BANDS
from triplon.pairing.eliashberg import PARTNER

# ------------------------------------------------------------------ Padé


def pade_coefficients(z: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Coefficients a_i of the Vidberg–Serene continued fraction through (z_i, f_i)."""
    z = np.asarray(z, dtype=np.clongdouble)
    g = np.asarray(f, dtype=np.clongdouble).copy()
    n = z.size
    a = np.empty(n, dtype=np.clongdouble)
    a[0] = g[0]
    for i in range(1, n):
        with np.errstate(all="ignore"):
            g[i:] = (a[i - 1] - g[i:]) / ((z[i:] - z[i - 1]) * g[i:])
        a[i] = g[i]
    return a


def pade_evaluate(a: np.ndarray, zi: np.ndarray, z, rowwise: bool = False) -> np.ndarray:
    """Value at ``z`` of the continued fraction a_0 / (1 + a_1 (z - z_0) / (1 + ...)).

    The coefficients come in extended precision (:func:`pade_coefficients`); the
    three-term recursion of the numerator and denominator runs in double precision,
    rescaled every 16 steps against overflow. ``a`` may hold several continued
    fractions through the same ``zi`` as rows (shape (k, n)); the result then has
    shape ``(k, *z.shape)``, one recursion for all of them. ``rowwise``: ``z`` has
    shape (k, m), row r of ``z`` for row r of ``a``; the result has shape (k, m).
    """
    a = np.asarray(a, dtype=complex)
    rows = a.ndim == 2
    a = np.atleast_2d(a).T[:, :, None]  # (n, k, 1)
    zi = np.asarray(zi, dtype=complex)
    z = np.asarray(z, dtype=complex)
    if rowwise:
        if z.ndim != 2 or z.shape[0] != a.shape[1]:
            raise ValueError(f"rowwise: z must have shape ({a.shape[1]}, m), got {z.shape}")
        rows, zf = False, z
    else:
        zf = z.reshape(1, -1)
    A_prev, A = np.zeros((a.shape[1], zf.shape[1]), complex), np.broadcast_to(a[0], (a.shape[1], zf.shape[1]))
    B_prev, B = np.ones_like(A_prev), np.ones_like(A_prev)
    with np.errstate(all="ignore"):
        for i in range(1, a.shape[0]):
            step = (zf - zi[i - 1]) * a[i]
            A, A_prev = A + step * A_prev, A
            B, B_prev = B + step * B_prev, B
            if i % 16 == 0:
                s = np.abs(B) + 1e-300
                A, A_prev, B, B_prev = A / s, A_prev / s, B / s, B_prev / s
    out = A / B
    return out.reshape(-1, *z.shape) if rows else out.reshape(z.shape)


def pade_stack(z: np.ndarray, functions) -> np.ndarray:
    """Coefficients (k, n) of several functions through the same points ``z``, in one recursion.

    The rows are :func:`pade_coefficients` of each function; a function identically
    zero gets the zero row (its continued fraction is 0).
    """
    z = np.asarray(z, dtype=np.clongdouble)
    g = np.array([np.asarray(f)[: z.size] for f in functions], dtype=np.clongdouble)
    zero = ~np.any(g != 0, axis=1)
    g[zero] = 1.0  # any nonzero values: the row is replaced by zeros below
    a = np.empty_like(g)
    a[:, 0] = g[:, 0]
    for i in range(1, z.size):
        with np.errstate(all="ignore"):
            g[:, i:] = (a[:, i - 1 : i] - g[:, i:]) / ((z[i:] - z[i - 1]) * g[:, i:])
        a[:, i] = g[:, i]
    a[zero] = 0.0
    return a


PADE_POINTS = 128
"""Largest number of Matsubara points of a Padé continuation (the lowest frequencies)."""


@dataclass
class RealAxis:
    """Z_b(u, omega) = 1 + z0 + z2 u and phi_b = p0 + p2 u on a real grid (omega + i0+)."""

    omega: np.ndarray
    z0: dict
    z2: dict
    p0: dict
    p2: dict
    method: str
    converged: bool = True
    status: str = "ok"

    def Z(self, band: str, u=0.0):
        return 1.0 + self.z0[band] + self.z2[band] * u

    def phi(self, band: str, u=0.0):
        return self.p0[band] + self.p2[band] * u

    def delta(self, band: str, u=0.0):
        """Delta_b(u, omega) = phi / Z (complex, eV)."""
        return self.phi(band, u) / self.Z(band, u)


def pade_continuation(sol, omega, n_points: int = PADE_POINTS, eta: float = 0.0) -> RealAxis:
    """Z_b and phi_b on the real frequencies ``omega`` from a Matsubara solution by Padé.

    The coefficient functions of Z and phi (even in omega_n) are continued through the
    lowest ``n_points`` positive Matsubara frequencies.
    """
    n = min(n_points, sol.omega_n.size)
    zi = 1j * sol.omega_n[:n]
    z = np.asarray(omega, dtype=float) + 1j * eta
    keys = ("z0", "z2", "p0", "p2")
    out = {k: {} for k in keys}
    for b in BANDS:
        values = pade_evaluate(pade_stack(zi, [getattr(sol, k)[b][:n] for k in keys]), zi, z)
        for key, v in zip(keys, values):
            out[key][b] = v
    return RealAxis(np.asarray(omega, dtype=float), out["z0"], out["z2"], out["p0"], out["p2"], "pade")


# ------------------------------------------------------------------ exact continuation


def _sqrt_up(x):
    """Square root with Im >= 0 (the retarded branch)."""
    s = np.sqrt(x.astype(complex))
    return np.where(s.imag < 0, -s, s)


def exact_continuation(
    model,
    sol,
    h: float | None = None,
    omega_max: float | None = None,
    guess: RealAxis | None = None,
    tol: float = 1e-9,
    maxiter: int = 400,
    broadening: float | None = None,
) -> RealAxis:
    """Z_b and phi_b on a real grid by the exact iterative continuation (MSC 1988).

    Parameters
    ----------
    model : triplon.pairing.eliashberg.EliashbergModel
    sol : triplon.pairing.eliashberg.MatsubaraSolution
        The converged Matsubara solution at the same T.
    h : float, optional
        Grid spacing (eV); rounded so that omega_T / h is an integer (default omega_T / 200).
    omega_max : float, optional
        The grid is (j + 1/2) h for |omega| < omega_max (default 4 omega_T + 10 Delta).
    guess : RealAxis, optional
        Starting functions on the same grid (e.g. from Padé); default: Matsubara terms only.
    broadening : float, optional
        Imaginary part added to omega in the partner's g functions (default h): it
        regularises the inverse square-root edges, which a grid cannot hold.
    """
    T = sol.T
    wT = model.omega_T
    K = max(1, int(round(wT / (h or wT / 200.0))))
    h = wT / K
    d_top = float(max(np.max(np.abs(sol.delta(b))) for b in BANDS))
    omega_max = omega_max or (4.0 * wT + 10.0 * d_top)
    J = int(math.ceil(omega_max / h))
    w = (np.arange(-J, J) + 0.5) * h  # symmetric, no omega = 0
    wm = sol.omega_n
    piT = math.pi * T

    def D(z):
        return wT * wT / (wT * wT - z * z)

    Dm = D(w[:, None] - 1j * wm[None, :])
    Dp = D(w[:, None] + 1j * wm[None, :])
    # Matsubara moments of the partner sheets (fixed during the iteration)
    mats = {}
    for c in BANDS:
        u, wt = model.eta2[c]
        delta = sol.delta(c, u[:, None])
        r = np.sqrt(wm[None, :] ** 2 + delta**2)
        a = wt[:, None] * wm[None, :] / r
        bb = wt[:, None] * delta / r
        mats[c] = (a.sum(0), (a * u[:, None]).sum(0), bb.sum(0), (bb * u[:, None]).sum(0))
    fixed = {}
    for b in BANDS:
        c = PARTNER[b]
        a0, a2, b0, b2 = mats[c]
        lam = model.lam[b]
        fixed[b] = (
            1j * piT / w * lam * ((Dm - Dp) @ a0),
            1j * piT / w * lam * model.kappaZ2 * ((Dm - Dp) @ a2),
            piT * lam * ((Dm + Dp) @ b0),
            piT * lam * model.kappa2 * ((Dm + Dp) @ b2),
        )
        if model.mu_star:
            own = mats[b][2]
            coul = (wm < model.omega_c).astype(float)
            mu_term = 2.0 * piT * model.mu_star * float(np.dot(coul, own))
            fixed[b] = (fixed[b][0], fixed[b][1], fixed[b][2] - mu_term, fixed[b][3])
    # thermal factors n(omega_T) + f(omega_T -+ omega)
    nb = 1.0 / math.expm1(wT / T) if wT / T < 700 else 0.0

    def fermi(x):
        return 0.5 * (1.0 - np.tanh(x / (2.0 * T)))

    th_minus = nb + fermi(wT - w)  # with g(omega - omega_T)
    th_plus = nb + fermi(wT + w)  # with g(omega + omega_T)
    if guess is not None:
        state = {
            b: [guess.z0[b].copy(), guess.z2[b].copy(), guess.p0[b].copy(), guess.p2[b].copy()] for b in BANDS
        }
    else:
        state = {b: [f.copy() for f in fixed[b]] for b in BANDS}
    n = w.size
    delta_i = h if broadening is None else broadening
    converged, status = False, "not converged"
    for _ in range(maxiter):
        g = {}
        for c in BANDS:
            u, wt = model.eta2[c]
            z0, z2, p0, p2 = state[c]
            Z = 1.0 + z0[None, :] + z2[None, :] * u[:, None]
            phi = p0[None, :] + p2[None, :] * u[:, None]
            wc = w[None, :] + 1j * delta_i  # a small imaginary part regularises the edges
            root = _sqrt_up(wc**2 * Z**2 - phi**2)
            gz = wt[:, None] * wc * Z / root
            gp = wt[:, None] * phi / root
            g[c] = (gz.sum(0), (gz * u[:, None]).sum(0), gp.sum(0), (gp * u[:, None]).sum(0))

        def shifted(arr, sign, fill):
            """arr at omega - sign * omega_T on the grid (``fill`` outside)."""
            out = np.full(n, fill, dtype=complex)
            if sign > 0:
                out[K:] = arr[: n - K]
            else:
                out[: n - K] = arr[K:]
            return out

        new = {}
        for b in BANDS:
            c = PARTNER[b]
            lam = model.lam[b]
            pref = 1j * math.pi * lam * wT / 2.0
            ubar = float(np.dot(*model.eta2[c][::-1]))
            fills = (1.0, ubar, 0.0, 0.0)  # normal state beyond the grid
            parts = []
            for k in range(4):
                bos = th_minus * shifted(g[c][k], +1, fills[k]) + th_plus * shifted(g[c][k], -1, fills[k])
                coef = (1.0, model.kappaZ2, 1.0, model.kappa2)[k]
                term = pref * coef * bos
                parts.append(fixed[b][k] + (term / w if k < 2 else term))
            new[b] = parts
        change = max(
            float(np.max(np.abs(new[b][k] - state[b][k]))) / max(1.0, float(np.max(np.abs(new[b][k]))))
            for b in BANDS
            for k in range(4)
        )
        state = {b: [0.5 * (new[b][k] + state[b][k]) for k in range(4)] for b in BANDS}
        if change < tol:
            state = new
            converged, status = True, "ok"
            break
    return RealAxis(w, *({b: state[b][k] for b in BANDS} for k in range(4)), "exact", converged, status)


def gap_edge(axis: RealAxis, band: str, u: float = 0.0) -> float:
    """Delta_0: the smallest omega > 0 with omega = Re Delta_b(u, omega) (eV); NaN if none."""
    w = axis.omega
    pos = w > 0
    x = w[pos]
    f = x - axis.delta(band, u)[pos].real
    s = np.flatnonzero((f[:-1] <= 0) & (f[1:] > 0))
    if s.size == 0:
        return math.nan
    i = s[0]
    return float(x[i] - f[i] * (x[i + 1] - x[i]) / (f[i + 1] - f[i]))


__all__ = [
    "pade_coefficients",
    "pade_evaluate",
    "pade_stack",
    "PADE_POINTS",
    "RealAxis",
    "pade_continuation",
    "exact_continuation",
    "gap_edge",
]

"""The paper's analytic gap solution: Eqs. 16-18 and the coupling conventions.

lambda = N V (Eq. 17), the weak-coupling gaps of Eq. 17 solved self-consistently
with the Eq. 16 gap function Delta_b(k) = A_b + B_b eta_k^2, and the gap ratio of
Eq. 18. Energies in eV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from triplon.model.roots import brentq

BCS_RATIO = 2 * math.pi * math.exp(-0.5772156649015329)
"""Weak-coupling BCS value of 2 Delta / T_c = 2 pi e^(-gamma_E) = 3.5278."""


class GapWarning(UserWarning):
    """A gap solution that is not converged or lies below the resolution."""


# ------------------------------------------------------------- Eqs. 16–18


def lam_from_V(V: float, dos_alpha: float, dos_beta: float) -> float:
    """lambda = V sqrt(N_alpha N_beta) (below Eq. 18)."""
    return V * math.sqrt(dos_alpha * dos_beta)


def V_from_lam(lam: float, dos_alpha: float, dos_beta: float) -> float:
    """V = lambda / sqrt(N_alpha N_beta) (eV)."""
    return lam / math.sqrt(dos_alpha * dos_beta)


def gap_ratio_weak(dos_ratio):
    """lambda -> 0 limit of Eq. 18: Delta_alpha/Delta_beta = sqrt(N_beta/N_alpha)."""
    return np.sqrt(dos_ratio)


def gap_ratio_eq18(dos_ratio, lam):
    """Eq. 18: Delta_alpha/Delta_beta ≈ (N_beta/N_alpha)^(1/(2 - lambda)).

    The expansion is meaningless for lambda >= 2 (the exponent diverges at 2):
    NaN there, reported as a caveat by :func:`gap_summary`.
    """
    lam = np.asarray(lam, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = np.power(dos_ratio, 1.0 / (2.0 - lam))
    out = np.where(lam < 2.0 - 1e-9, out, np.nan)  # also the rounding of lambda = 2
    return out if out.ndim else float(out)


@dataclass(frozen=True)
class Eq17Solution:
    """Exact solution of the coupled Eq. 17 (diagonal gaps, eV).

    ``ratio`` depends on N_beta/N_alpha and lambda only: Omega drops out of it
    and only sets the scale ``gap`` = sqrt(Delta_alpha Delta_beta) = 2 Omega e^(-l).
    ``validity`` = lambda ln(Delta_alpha/Delta_beta); Eq. 18 holds while it is < 2.
    """

    gap_alpha: float
    gap_beta: float
    ratio: float
    gap: float
    validity: float


def solve_eq17(dos_ratio: float, lam: float, omega: float = 1.0) -> Eq17Solution:
    """Solve Eq. 17, Delta_alpha = V N_beta Delta_beta ln(2 Omega/Delta_beta) and
    alpha <-> beta, exactly.

    With y = ln(Delta_alpha/Delta_beta)/2 and l = ln(2 Omega/Delta), Delta =
    sqrt(Delta_alpha Delta_beta), the product of the two equations gives
    l^2 = 1/lambda^2 + y^2 and their ratio y = ln(r)/4 + ln((l + y)/(l - y))/4,
    r = N_beta/N_alpha: one equation in y, independent of Omega.

    Parameters
    ----------
    dos_ratio : float
        r = N_beta / N_alpha (> 0).
    lam : float
        lambda = V sqrt(N_alpha N_beta) (> 0).
    omega : float
        Cutoff Omega (eV), sets the absolute scale only.
    """
    if not (dos_ratio > 0 and lam > 0 and omega > 0):
        raise ValueError(f"need dos_ratio, lam, omega > 0; got {dos_ratio}, {lam}, {omega}")

    def ell(y):
        return math.sqrt(1.0 / lam**2 + y * y)

    def g(y):
        l_ = ell(y)
        return y - 0.25 * math.log(dos_ratio) - 0.25 * math.log((l_ + y) / (l_ - y))

    y0 = 0.25 * math.log(dos_ratio)
    # g(y0) has the sign of -y0 (or is 0); march outwards to bracket the root
    if g(y0) == 0.0:
        y = y0
    else:
        step = math.copysign(max(abs(y0), 0.1), y0 if y0 != 0 else 1.0)
        lo, hi = y0, y0 + step
        while g(lo) * g(hi) > 0:
            lo, hi = hi, hi + step
            step *= 2
        y = brentq(g, min(lo, hi), max(lo, hi), xtol=1e-15, rtol=1e-15)
    l_ = ell(y)
    gap = 2.0 * omega * math.exp(-l_)
    return Eq17Solution(
        gap_alpha=gap * math.exp(y),
        gap_beta=gap * math.exp(-y),
        ratio=math.exp(2 * y),
        gap=gap,
        validity=lam * 2 * y,
    )


def gap_eq16(eta2, gap_diag: float, dos_eta2_other: float, dos_other: float, kappa2: float):
    """Eq. 16: Delta_b(k) = Delta_b [1 + (Ñ_other/N_other) kappa^2 eta_k^2].

    The anisotropy of one band is set by the *other* band's Ñ/N (interband pairing).
    """
    return gap_diag * (1.0 + (dos_eta2_other / dos_other) * kappa2 * np.asarray(eta2))


__all__ = [
    "BCS_RATIO",
    "GapWarning",
    "lam_from_V",
    "V_from_lam",
    "gap_ratio_weak",
    "gap_ratio_eq18",
    "Eq17Solution",
    "solve_eq17",
    "gap_eq16",
]

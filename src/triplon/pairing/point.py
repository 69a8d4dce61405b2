"""One parameter point: its set-up, and every gap result of the paper side by side.

:func:`pairing_point` checks a point and prepares it (Fermi level, V, shell quadratures);
:func:`gap_summary` puts the analytic solution (Eqs. 16-18, :mod:`triplon.pairing.analytic`)
and the full one (Eq. 14, :mod:`triplon.pairing.bcs`) side by side with T_c, the d-wave
channel and the solver's caveats; :func:`gap_point` does both. Energies in eV.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np

from triplon.model.params import BANDS
from triplon.pairing.analytic import (
    GapWarning,
    V_from_lam,
    gap_ratio_eq18,
    gap_ratio_weak,
    lam_from_V,
    solve_eq17,
)
from triplon.pairing.bcs import d_wave_eigenvalue, solve_full, tc_d_wave, tc_s_wave, thermal_guess
from triplon.pairing.caveats import describe, point_flags, van_hove_distance

# ------------------------------------------------------- full solution


# ------------------------------------------------------------ summaries


@dataclass
class GapSummary:
    """Everything one parameter point gives (energies in eV)."""

    V: float
    lam: float
    kappa_a: float
    kappa_b: float
    omega: float
    T: float
    dos_ratio: float
    ratio_eq17: float
    ratio_eq18: float
    ratio_sqrt: float
    validity_eq18: float
    gap_eq17_alpha: float
    gap_eq17_beta: float
    A_alpha: float
    B_alpha: float
    A_beta: float
    B_beta: float
    gap_ratio: float
    anisotropy_alpha: float
    anisotropy_beta: float
    anisotropy_eq16_alpha: float
    anisotropy_eq16_beta: float
    B_over_A_alpha: float
    B_over_A_beta: float
    B_over_A_eq16_alpha: float
    B_over_A_eq16_beta: float
    gap_geometric: float
    gap_2omega_exp: float
    Tc: float
    lambda_d_at_Tc: float
    Tc_d: float
    leading_channel: str
    converged: bool
    status: str
    ratio_2gap_Tc: dict = field(default_factory=dict)
    solution_T: dict | None = None
    caveats: str = ""
    caveat_flags: int = 0
    """Every caveat bit of the point (:data:`triplon.pairing.caveats.FLAGS`): the solver's own,
    T_c's plausibility, the d-wave channel and the distance to a van Hove filling."""

    def as_dict(self):
        return asdict(self)


SOLVER_FLAGS = 1 | 2 | 4 | 8
"""Caveat bits (:data:`triplon.pairing.caveats.FLAGS`) that :func:`gap_summary` reports:
T_c or a gap above Omega, Eq. 18 undefined or outside its validity."""


def _gap_ends(full, band: str, u_max: float) -> tuple[float, float]:
    """Delta_b at eta^2 = 0 and at eta^2 = u_max."""
    A, B = getattr(full, f"A_{band}"), getattr(full, f"B_{band}")
    return A, A + B * u_max


def gap_summary(shells, fermi, V, kappa_a, kappa_b=None, T=0.0, params=None) -> GapSummary:
    """Analytic (Eqs. 16–18) and full (Eq. 14) results side by side at one point.

    Parameters
    ----------
    shells : dict of ShellQuadrature
    fermi : triplon.model.dos.FermiLevel
        Fermi-level N, Ñ at the same mu.
    V : float
        Pairing strength (eV).
    kappa_a, kappa_b : float
    T : float
        Temperature (eV) of the extra finite-T solution (``solution_T``).
    params : BandParams, optional
        The bands (default: the paper's), for the van Hove caveat.
    """
    kappa_b = kappa_a if kappa_b is None else kappa_b
    kappa2 = kappa_a * kappa_b
    Na, Nb = fermi.dos["alpha"], fermi.dos["beta"]
    r = Nb / Na
    lam = lam_from_V(V, Na, Nb)
    omega = shells["alpha"].omega
    e17 = solve_eq17(r, lam, omega)
    full = solve_full(shells, V, kappa_a, kappa_b, 0.0)
    tc = tc_s_wave(shells, V, kappa2)
    lam_d = d_wave_eigenvalue(shells, V, kappa_a, kappa_b, tc) if tc > 0 else math.nan
    if tc == 0.0:  # below the resolution floor: flagged through converged/status
        tc = math.nan
    tc_d = tc_d_wave(shells, V, kappa_a, kappa_b)
    leading = "d" if tc_d > (tc if tc == tc else 0.0) else "s+-"
    u_max = {b: shells[b].fermi_eta2_max for b in BANDS}

    def aniso(b):
        g = np.abs(_gap_ends(full, b, u_max[b]))
        return float(g.max() / g.min())

    other = {"alpha": "beta", "beta": "alpha"}
    ratios = {}
    if full.converged and tc > 0:  # False for NaN
        for b in BANDS:
            A, B = abs(getattr(full, f"A_{b}")), abs(getattr(full, f"B_{b}"))
            mom = shells[b].fermi_moments
            ratios[b] = {
                "diagonal": 2 * A / tc,
                "maximum": 2 * (A + B * u_max[b]) / tc,
                "average": float(2 * (A * mom[0] + B * mom[1]) / mom[0] / tc),
            }
    sol_T = (
        solve_full(shells, V, kappa_a, kappa_b, T, guess=thermal_guess(full, tc, T)).as_dict()
        if T > 0
        else None
    )
    gap_max = math.nan
    if full.converged:  # |Delta| is linear in eta^2: largest at eta = 0 or at the largest eta^2
        gap_max = max(abs(A) for b in BANDS for A in _gap_ends(full, b, u_max[b]))
    # the caveats of the solver itself (Omega, Eq. 18); T_c's plausibility, the d-wave
    # channel and van Hove fillings are flagged by the callers that know them
    bits = point_flags(Tc=tc, omega=omega, gap_max=gap_max, lam=lam, validity_eq18=e17.validity)
    caveats = describe(bits & SOLVER_FLAGS)
    for c in caveats:
        warnings.warn(f"gap_summary: {c}", GapWarning, stacklevel=2)
    return GapSummary(
        V=V,
        lam=lam,
        kappa_a=kappa_a,
        kappa_b=kappa_b,
        omega=omega,
        T=T,
        dos_ratio=r,
        ratio_eq17=e17.ratio,
        ratio_eq18=float(gap_ratio_eq18(r, lam)),
        ratio_sqrt=float(gap_ratio_weak(r)),
        validity_eq18=e17.validity,
        gap_eq17_alpha=e17.gap_alpha,
        gap_eq17_beta=e17.gap_beta,
        A_alpha=full.A_alpha,
        B_alpha=full.B_alpha,
        A_beta=full.A_beta,
        B_beta=full.B_beta,
        gap_ratio=abs(full.A_alpha / full.A_beta) if full.converged else math.nan,
        anisotropy_alpha=aniso("alpha") if full.converged else math.nan,
        anisotropy_beta=aniso("beta") if full.converged else math.nan,
        anisotropy_eq16_alpha=1
        + fermi.dos_eta2[other["alpha"]] / fermi.dos[other["alpha"]] * kappa2 * u_max["alpha"],
        anisotropy_eq16_beta=1
        + fermi.dos_eta2[other["beta"]] / fermi.dos[other["beta"]] * kappa2 * u_max["beta"],
        B_over_A_alpha=full.B_alpha / full.A_alpha if full.converged else math.nan,
        B_over_A_beta=full.B_beta / full.A_beta if full.converged else math.nan,
        B_over_A_eq16_alpha=kappa2 * fermi.dos_eta2["beta"] / fermi.dos["beta"],
        B_over_A_eq16_beta=kappa2 * fermi.dos_eta2["alpha"] / fermi.dos["alpha"],
        gap_geometric=math.sqrt(abs(full.A_alpha * full.A_beta)) if full.converged else math.nan,
        gap_2omega_exp=2 * omega * math.exp(-1 / lam),
        Tc=tc,
        lambda_d_at_Tc=lam_d,
        Tc_d=tc_d,
        leading_channel=leading,
        converged=bool(full.converged and tc > 0),
        status=full.status,
        ratio_2gap_Tc=ratios,
        solution_T=sol_T,
        caveats="; ".join(caveats),
        caveat_flags=point_flags(
            Tc=tc,
            omega=omega,
            gap_max=gap_max,
            lam=lam,
            validity_eq18=e17.validity,
            d_wave_leads=leading == "d",
            van_hove_distance=van_hove_distance(fermi.n_c, params),
        ),
    )


def prepare_shells(mu: float, omega: float, params=None, **numerics) -> dict:
    """Shell quadratures of both bands at mu (the band-structure-dependent part)."""
    from triplon.model.dos import shell_quadrature

    return {b: shell_quadrature(b, mu, omega, params, **numerics) for b in BANDS}


def resolve_V(fermi, lam=None, V=None, JH=None, Jc=None) -> float:
    """Pairing strength V (eV) from exactly one of: lambda, V, or (JH, Jc) via Eq. 13."""
    given = [lam is not None, V is not None, JH is not None or Jc is not None]
    if sum(given) != 1:
        raise ValueError("give exactly one of lam, V, or (JH, Jc)")
    if lam is not None:
        if not lam > 0:
            raise ValueError(f"lam must be > 0, got {lam}")
        return V_from_lam(lam, fermi.dos["alpha"], fermi.dos["beta"])
    if V is not None:
        if not V > 0:
            raise ValueError(f"V must be > 0 eV, got {V}")
        return float(V)
    if JH is None or Jc is None or not (JH > 0 and Jc > 0):
        raise ValueError(f"JH and Jc must both be given and > 0 eV, got JH={JH}, Jc={Jc}")
    return 3.0 * JH**2 / (2.0 * Jc)


def resolve_kappas(kappa=None, kappa_a=None, kappa_b=None) -> tuple[float, float]:
    """(kappa_a, kappa_b) of Eq. 11 from the ways a caller may give them.

    ``kappa`` alone means kappa_a = kappa_b = kappa; ``kappa_a`` alone means
    kappa_b = kappa_a; nothing means 0. Both must be finite and >= 0.
    """
    if kappa is not None and (kappa_a is not None or kappa_b is not None):
        raise ValueError("give kappa, or kappa_a and kappa_b, not both")
    if kappa is not None:
        kappa_a = kappa_b = kappa
    kappa_a = 0.0 if kappa_a is None else kappa_a
    kappa_b = kappa_a if kappa_b is None else kappa_b
    for name, val in (("kappa_a", kappa_a), ("kappa_b", kappa_b)):
        if not math.isfinite(val) or val < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {val!r}")
    return float(kappa_a), float(kappa_b)


@dataclass(frozen=True)
class PairingPoint:
    """One parameter point made ready for the gap equations (energies in eV)."""

    fermi: object
    """:class:`triplon.model.dos.FermiLevel` at the point's filling (mu, N, Ñ)."""
    V: float
    """Pairing strength V of Eq. 14."""
    kappa_a: float
    kappa_b: float
    omega: float
    """Pairing cutoff Omega."""
    T: float
    """Temperature k_B T."""
    shells: dict
    """Shell quadratures of both bands (:func:`prepare_shells`); None where not needed."""


def pairing_point(
    n_c=None,
    mu=None,
    params=None,
    lam=None,
    V=None,
    JH=None,
    Jc=None,
    kappa=None,
    kappa_a=None,
    kappa_b=None,
    omega=0.3,
    T=0.0,
    shells=True,
    **numerics,
) -> PairingPoint:
    """Check one parameter point and prepare it for the gap equations.

    The one set-up of every one-point entry (:func:`gap_point`,
    :func:`triplon.observables.spectrum.spectrum_point`, the fit figures).

    Parameters
    ----------
    n_c, mu : float
        Filling per Ni or chemical potential (eV), as :func:`triplon.model.dos.fermi_level`
        takes them.
    params : BandParams, optional
    lam, V, JH, Jc : float
        Pairing strength: exactly one of lambda, V (eV) or (JH, Jc) (Eq. 13).
    kappa, kappa_a, kappa_b : float
        Eq. 11's ratios (:func:`resolve_kappas`).
    omega, T : float
        Cutoff Omega (eV, > 0) and temperature k_B T (eV, >= 0).
    shells : bool
        False skips the shell quadratures (``PairingPoint.shells`` is then None; the
        Eliashberg equations need only the Fermi lines).
    **numerics
        Options of :func:`triplon.model.dos.shell_quadrature`.

    Raises
    ------
    ValueError
        An input outside its range, or a band without a Fermi surface.
    """
    from triplon.model.dos import fermi_level

    kappa_a, kappa_b = resolve_kappas(kappa, kappa_a, kappa_b)
    if not (omega > 0 and math.isfinite(omega)):
        raise ValueError(f"omega must be > 0 eV, got {omega!r}")
    if not (T >= 0 and math.isfinite(T)):
        raise ValueError(f"T must be >= 0 eV, got {T!r}")
    fermi = fermi_level(mu=mu, n_c=n_c, params=params)
    if min(fermi.dos.values()) <= 0.0:
        raise ValueError(
            f"a band has no Fermi surface at mu = {fermi.mu:.6g} eV: interband pairing needs both"
        )
    Vv = resolve_V(fermi, lam, V, JH, Jc)
    quadratures = prepare_shells(fermi.mu, omega, params, **numerics) if shells else None
    return PairingPoint(fermi, Vv, kappa_a, kappa_b, float(omega), float(T), quadratures)


def gap_point(
    n_c=None,
    mu=None,
    params=None,
    lam=None,
    V=None,
    JH=None,
    Jc=None,
    kappa=None,
    kappa_a=None,
    kappa_b=None,
    omega=0.3,
    T=0.0,
    **numerics,
) -> GapSummary:
    """All gap results at one parameter point (see :func:`gap_summary`).

    Arguments as for :func:`pairing_point`: kappa alone means kappa_a = kappa_b = kappa;
    kappa_a alone means kappa_b = kappa_a.
    """
    p = pairing_point(n_c, mu, params, lam, V, JH, Jc, kappa, kappa_a, kappa_b, omega, T, **numerics)
    return gap_summary(p.shells, p.fermi, p.V, p.kappa_a, p.kappa_b, T, params)


__all__ = [
    "GapSummary",
    "gap_summary",
    "prepare_shells",
    "resolve_V",
    "resolve_kappas",
    "PairingPoint",
    "pairing_point",
    "gap_point",
]

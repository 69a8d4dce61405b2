"""Caveats of a solution: where the model's numbers should not be taken at face value.

A caveat is not a failure: the numbers are converged, but they lie where the
model or one of its approximations stops being trustworthy. Caveats travel with
the data as a CF-style bit-flag variable (``caveat_flags`` with ``flag_masks``
and ``flag_meanings``) and are printed by the command line.

Critical fillings
-----------------
The Fermi-surface topology of a band changes where mu crosses one of its
critical energies (band edges, van Hove saddles; :func:`triplon.model.bands.van_hove_energies`).
:func:`critical_fillings` converts them to n_c = n_alpha + n_beta. Near a van
Hove filling N diverges logarithmically, so fixing lambda through the
Fermi-level N sends V -> 0 and the point is flagged.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from triplon.model.params import BANDS, BandParams

KELVIN_PER_EV = 1.0 / 8.617333262e-5
"""1 eV / k_B in kelvin (k_B = 8.617333262e-5 eV/K, CODATA 2018)."""

TC_PLAUSIBLE_K = 300.0
"""Plausibility bound on T_c (K): above room temperature and above the highest
T_c ever measured (about 250 K, LaH10 under pressure). A larger model T_c says
that the chosen lambda, Omega set an unphysical scale, not that it is a prediction."""

VAN_HOVE_WINDOW = 0.01
"""|n_c - n_vH| below which a point counts as near a van Hove filling (electrons per Ni)."""

OMEGA_T_MEASURED = (0.028, 0.075)
"""Boson scales measured in bilayer nickelates (eV): the 30 ± 2 meV STM mode to the ~73 meV
interlayer exchange; an omega_T outside is flagged (informational)."""

EQ18_VALIDITY = 2.0
"""Eq. 18 holds while lambda ln(Delta_alpha/Delta_beta) < 2."""

# bit: (name, sentence)
FLAGS = {
    1: ("Tc_exceeds_omega", "T_c exceeds Omega: the cutoff BCS treatment is not applicable"),
    2: ("gap_exceeds_omega", "a gap exceeds Omega: the cutoff BCS treatment is not applicable"),
    4: ("eq18_undefined", "lambda >= 2: Eq. 18 is undefined"),
    8: ("eq18_outside_validity", "lambda ln(Delta_alpha/Delta_beta) >= 2: Eq. 18 is outside its validity"),
    16: (
        "d_wave_leads",
        "the d-wave channel has the higher T_c: the s+- numbers are not the ground state",
    ),
    32: (
        "near_van_hove",
        f"within {VAN_HOVE_WINDOW} of a van Hove filling: N diverges there, V = lambda/sqrt(N_a N_b) -> 0",
    ),
    64: ("Tc_implausible", f"T_c above {TC_PLAUSIBLE_K:g} K: lambda and Omega set an unphysical scale"),
    128: (
        "continuation_failed",
        "the real-axis continuation fails its checks (Z(omega -> 0) < 1 or far from Z(i pi T), "
        "or no gap edge): the real-axis values are NaN",
    ),
    256: (
        "omega_T_unmeasured",
        "omega_T lies outside the measured boson scales 28-75 meV (informational)",
    ),
    512: (
        "dos_negative",
        "the quasiparticle DOS is negative somewhere (a numerical error of the spectrum, not physics): "
        "the spectrum is not trustworthy; change Gamma, the window or the filling",
    ),
    1024: (
        "cutoff_artefacts",
        "the hard cutoff puts steps or spikes into the spectrum at |E| ~ Omega: artefacts of the static "
        "model, not bosonic modes (use --method eliashberg for retarded exchange)",
    ),
}
"""Caveat bits of ``caveat_flags``: {mask: (flag meaning, sentence)}."""


def flag_attrs() -> dict:
    """CF attributes of a ``caveat_flags`` variable (``flag_masks``, ``flag_meanings``)."""
    return {
        "long_name": "caveats of the solution (bit flags, 0: none)",
        "units": "1",
        "flag_masks": np.array(sorted(FLAGS), dtype=np.int32),
        "flag_meanings": " ".join(FLAGS[m][0] for m in sorted(FLAGS)),
        "Tc_plausible_K": TC_PLAUSIBLE_K,
        "van_hove_window": VAN_HOVE_WINDOW,
    }


def _gt(x, bound) -> bool:
    """x > bound, False for NaN or None."""
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and x > bound


def point_flags(
    *,
    Tc=math.nan,
    omega=math.nan,
    gap_max=math.nan,
    lam=math.nan,
    validity_eq18=math.nan,
    d_wave_leads=False,
    van_hove_distance=math.inf,
    continuation_failed=False,
    omega_T=math.nan,
) -> int:
    """Caveat bits of one solution.

    Parameters
    ----------
    Tc : float
        s+- critical temperature k_B T_c (eV); NaN if unknown.
    omega : float
        Pairing cutoff Omega (eV).
    gap_max : float
        Largest |Delta| of the T = 0 solution on either Fermi sheet (eV).
    lam : float
        lambda = V sqrt(N_alpha N_beta).
    validity_eq18 : float
        lambda ln(Delta_alpha/Delta_beta) from the exact Eq. 17.
    d_wave_leads : bool
        Whether the d-wave channel has the higher T_c.
    van_hove_distance : float
        Distance |n_c - n_vH| to the nearest van Hove filling (per Ni).
    continuation_failed : bool
        Eliashberg: the real-axis continuation failed its checks.
    omega_T : float
        Eliashberg: the triplon energy (eV), checked against :data:`OMEGA_T_MEASURED`.

    Returns
    -------
    int
        Sum of the masks of :data:`FLAGS` that apply (0: no caveat).
    """
    bits = 0
    if _gt(Tc, omega):
        bits |= 1
    if _gt(gap_max, omega):
        bits |= 2
    if _gt(lam, EQ18_VALIDITY - 1e-9):
        bits |= 4
    elif validity_eq18 is not None and validity_eq18 >= EQ18_VALIDITY:  # False for NaN
        bits |= 8
    if d_wave_leads:
        bits |= 16
    if van_hove_distance < VAN_HOVE_WINDOW:
        bits |= 32
    if _gt(Tc * KELVIN_PER_EV if Tc is not None else math.nan, TC_PLAUSIBLE_K):
        bits |= 64
    if continuation_failed:
        bits |= 128
    if not (omega_T is None or math.isnan(omega_T)) and not (
        OMEGA_T_MEASURED[0] <= omega_T <= OMEGA_T_MEASURED[1]
    ):
        bits |= 256
    return bits


def describe(bits: int) -> list[str]:
    """Sentences of the caveats set in ``bits`` (empty for 0)."""
    return [FLAGS[m][1] for m in sorted(FLAGS) if int(bits) & m]


@dataclass(frozen=True)
class CriticalFilling:
    """A filling where one band's Fermi-surface topology changes."""

    n_c: float
    """Conduction electrons per Ni at which mu reaches ``energy``."""
    band: str
    energy: float
    """Critical energy of ``band`` (eV): a band edge or a van Hove energy."""
    kind: str
    """``"band edge"`` (global extremum), ``"Lifshitz"`` (local extremum: a pocket
    appears or vanishes) or ``"van Hove"`` (saddle: N diverges logarithmically)."""


def _kind(quad, cx: float, cy: float, e: float, lo: float, hi: float) -> str:
    """Classify a critical point of e(k) by sampling a small circle around it in k."""
    if e in (lo, hi):
        return "band edge"
    kx, ky = math.acos(max(-1.0, min(1.0, cx))), math.acos(max(-1.0, min(1.0, cy)))
    phi = np.linspace(0.0, 2 * np.pi, 16, endpoint=False)
    d = 1e-3
    around = quad(np.cos(kx + d * np.cos(phi)), np.cos(ky + d * np.sin(phi))) - e
    if np.all(around > 0) or np.all(around < 0):
        return "Lifshitz"
    return "van Hove"


@functools.lru_cache(maxsize=64)
def critical_fillings(params: BandParams | None = None, n: int = 24) -> tuple[CriticalFilling, ...]:
    """Fillings n_c in (0, 2) where mu reaches a critical energy of either band.

    Band edges and local extrema are Lifshitz points (a sheet or pocket
    appears or vanishes); saddles are van Hove points (N diverges
    logarithmically). Critical energies equal to 1e-12 eV are merged. Sorted by n_c.
    Cached per band set (the search costs ~0.4 s; BandParams is frozen).
    """
    from triplon.model.bands import quadratic_coefficients
    from triplon.model.fermi import fillings

    params = params or BandParams()
    out = []
    for b in BANDS:
        quad = quadratic_coefficients(b, params)
        pts = sorted(quad.critical_points(), key=lambda p: p[2])
        lo, hi = pts[0][2], pts[-1][2]
        seen: list[float] = []
        for cx, cy, e in pts:
            if any(abs(e - s) < 1e-12 for s in seen):
                continue
            seen.append(e)
            nc = sum(fillings(float(e), params, n=n).values())
            if 0.0 < nc < 2.0:
                out.append(CriticalFilling(float(nc), b, float(e), _kind(quad, cx, cy, e, lo, hi)))
    return tuple(sorted(out, key=lambda c: c.n_c))


def van_hove_distance(n_c: float, params: BandParams | None = None) -> float:
    """|n_c - n_vH| to the nearest van Hove filling of either band (inf if none)."""
    vh = [c.n_c for c in critical_fillings(params) if c.kind == "van Hove"]
    return min((abs(n_c - x) for x in vh), default=math.inf)


__all__ = [
    "KELVIN_PER_EV",
    "TC_PLAUSIBLE_K",
    "VAN_HOVE_WINDOW",
    "OMEGA_T_MEASURED",
    "EQ18_VALIDITY",
    "FLAGS",
    "flag_attrs",
    "point_flags",
    "describe",
    "CriticalFilling",
    "critical_fillings",
    "van_hove_distance",
]

"""Tunneling spectra of one parameter point: gaps solved, DOS and dI/dV, coherence peaks."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from triplon.model.params import BANDS, BandParams
from triplon.observables.band_data import gap_distribution, gap_extremes, prepare_band
from triplon.observables.tunneling import (
    find_coherence_peaks,
    quasiparticle_dos,
    spectrum_options,
    thermal_grid,
    tunneling_conductance,
)
from triplon.pairing.caveats import describe


class GapNotConverged(ValueError):
    """The gap equation has no converged solution at a valid point (no spectrum to give)."""


GAP_MODELS = ("full", "eq16")
"""Gap models of :func:`spectrum_point`: "full" (Eq. 15 solution), "eq16" (Eq. 16 with Eq. 17 gaps)."""


# ------------------------------------------------------------------ one point


@dataclass
class SpectrumResult:
    """Quasiparticle spectra and tunneling conductance at one parameter point (energies eV).

    ``dos_*`` are Dynes DOS per spin (1/eV, BZ-normalised like N), ``didv`` the
    thermally broadened weighted sum Σ_b w_b N_s,b (same units), ``peaks`` the
    positive energies of the coherence peaks of ``didv`` and ``peak_sources`` the
    nearest gap extremum of each ("alpha max", ...; "none" if none is close).

    Attributes
    ----------
    energy : ndarray, shape (points,)
        Energy grid E (eV, relative to E_F), also the bias eV of ``didv``.
    dos_alpha, dos_beta, dos_total : ndarray, shape (points,)
        Quasiparticle DOS N_s,b(E) of each band and their sum (1/eV per spin).
    didv : ndarray, shape (points,)
        Tunneling conductance Σ_b w_b N_s,b convolved with -∂f/∂E (1/eV per spin).
    gap_min_alpha, gap_max_alpha, gap_min_beta, gap_max_beta : float
        Smallest and largest |Delta_b| on each Fermi line (eV).
    peaks : ndarray
        Coherence-peak energies of ``didv`` at E > 0 (eV).
    peak_sources : list of str
        Nearest gap extremum of each peak, or "none".
    A_alpha, B_alpha, A_beta, B_beta : float
        Gap coefficients of Delta_b = A_b + B_b eta^2 (eV; B_b = 0 for kappa = 0).
    dos_normal_alpha, dos_normal_beta : float
        Normal-state N_b at the Fermi level (1/eV per spin).
    gap_hist_edges, gap_hist_weights : dict
        {band: ndarray}: |Delta| bin edges (eV) and Fermi-line DOS weight per bin (1/eV).
    T, gamma : float
        Temperature and Dynes broadening (eV).
    weights : (float, float)
        Band weights (w_alpha, w_beta) of ``didv``.
    matrix_element : {None, "eta4"}
        Matrix element of ``didv``.
    gap_model : {"full", "eq16"}
        Gap model used.
    status : str
        "ok", or why the gaps are missing or not converged (or that the DOS is negative).
    caveat_flags : int
        Caveat bits of the point and its spectrum (:data:`triplon.pairing.caveats.FLAGS`).
    caveats : list of str
        Their sentences.
    parameters : dict
        The parameters of the point (for provenance and ``--json``).
    """

    energy: np.ndarray
    dos_alpha: np.ndarray
    dos_beta: np.ndarray
    dos_total: np.ndarray
    didv: np.ndarray
    gap_min_alpha: float
    gap_max_alpha: float
    gap_min_beta: float
    gap_max_beta: float
    peaks: np.ndarray
    peak_sources: list = field(default_factory=list)
    A_alpha: float = 0.0
    B_alpha: float = 0.0
    A_beta: float = 0.0
    B_beta: float = 0.0
    dos_normal_alpha: float = math.nan
    dos_normal_beta: float = math.nan
    gap_hist_edges: dict = field(default_factory=dict)
    gap_hist_weights: dict = field(default_factory=dict)
    T: float = 0.0
    gamma: float = 1e-3
    weights: tuple = (1.0, 1.0)
    matrix_element: str | None = None
    gap_model: str = "full"
    status: str = "ok"
    caveat_flags: int = 0
    caveats: list = field(default_factory=list)
    parameters: dict = field(default_factory=dict)

    def as_json_dict(self) -> dict:
        """Plain JSON-ready dict (lists, floats, NaN -> None)."""

        def clean(v):
            if isinstance(v, np.ndarray):
                return [clean(x) for x in v.tolist()]
            if isinstance(v, (list, tuple)):
                return [clean(x) for x in v]
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, (float, np.floating)):
                return float(v) if math.isfinite(v) else None
            if isinstance(v, np.integer):
                return int(v)
            return v

        keys = [
            "energy",
            "dos_alpha",
            "dos_beta",
            "dos_total",
            "didv",
            "gap_min_alpha",
            "gap_max_alpha",
            "gap_min_beta",
            "gap_max_beta",
            "peaks",
            "peak_sources",
            "A_alpha",
            "B_alpha",
            "A_beta",
            "B_beta",
            "dos_normal_alpha",
            "dos_normal_beta",
            "T",
            "gamma",
            "weights",
            "matrix_element",
            "gap_model",
            "status",
            "caveat_flags",
            "caveats",
            "parameters",
        ]
        return {k: clean(getattr(self, k)) for k in keys}


def spectrum_from_gaps(
    data: dict,
    gaps: dict,
    T: float = 0.0,
    gamma: float = 1e-3,
    emax: float | None = None,
    points: int = 801,
    weights=None,
    matrix_element=None,
) -> SpectrumResult:
    """Spectra of both bands for given gap coefficients (the timed core of :func:`spectrum_point`).

    Parameters
    ----------
    data : dict
        {band: BandSpectralData}.
    gaps : dict
        {band: (A, B)} in eV.
    T : float
        Temperature (eV) of the tunneling convolution.
    gamma : float
        Dynes broadening (eV).
    emax : float, optional
        Largest |E| (eV); default 1.6 x the largest gap maximum (0.05 eV in the normal state).
    points : int
        Number of energies (odd keeps E = 0).
    weights : (w_alpha, w_beta), optional
        Band weights of the tunneling current (default 1, 1: dI/dV -> total N).
    matrix_element : {None, "eta4"}
        c-axis matrix element for dI/dV (the DOS outputs are always unweighted).

    Returns
    -------
    SpectrumResult
        DOS of each band, dI/dV, gap extremes and coherence peaks on ``points``
        energies in [-emax, emax] (eV).
    """
    w = spectrum_options(T, gamma, points, weights, matrix_element)
    ext = {b: gap_extremes(data[b], *gaps[b]) for b in BANDS}
    if emax is None:
        gmax = max(e[1] for e in ext.values())
        emax = 1.6 * gmax if gmax > 0 else 0.05
    if not (emax > 0 and math.isfinite(emax)):
        raise ValueError(f"emax must be > 0 eV, got {emax!r}")
    energy = np.linspace(-emax, emax, points)
    grid, take = thermal_grid(energy, gamma, T)
    dos, tot = {}, np.zeros(grid.size)
    for b, wb in zip(BANDS, w):
        on_grid = quasiparticle_dos(grid, data[b], *gaps[b], gamma=gamma)
        dos[b] = on_grid[take]
        if wb:
            tot += wb * (
                on_grid
                if matrix_element is None
                else quasiparticle_dos(grid, data[b], *gaps[b], gamma, matrix_element)
            )
    didv = tunneling_conductance(grid, tot, T)[take] if T > 0 else tot
    labels = {}
    for b in BANDS:
        if ext[b][1] > 0:
            labels[f"{b} min"] = ext[b][0]
            labels[f"{b} max"] = ext[b][1]
    omega = min(data[b].omega for b in BANDS)
    inside = energy < 0.98 * omega  # the hard cutoff makes steps near |E| ~ Omega
    peaks, sources = find_coherence_peaks(energy[inside], didv[inside], labels, tolerance=3 * gamma + 4 * T)
    hist = {b: gap_distribution(data[b], *gaps[b]) for b in BANDS}
    return SpectrumResult(
        energy=energy,
        dos_alpha=dos["alpha"],
        dos_beta=dos["beta"],
        dos_total=dos["alpha"] + dos["beta"],
        didv=didv,
        gap_min_alpha=ext["alpha"][0],
        gap_max_alpha=ext["alpha"][1],
        gap_min_beta=ext["beta"][0],
        gap_max_beta=ext["beta"][1],
        peaks=peaks,
        peak_sources=sources,
        A_alpha=float(gaps["alpha"][0]),
        B_alpha=float(gaps["alpha"][1]),
        A_beta=float(gaps["beta"][0]),
        B_beta=float(gaps["beta"][1]),
        dos_normal_alpha=data["alpha"].dos,
        dos_normal_beta=data["beta"].dos,
        gap_hist_edges={b: hist[b][0] for b in BANDS},
        gap_hist_weights={b: hist[b][1] for b in BANDS},
        T=float(T),
        gamma=float(gamma),
        weights=w,
        matrix_element=matrix_element,
    )


def spectrum_point(
    n_c=0.45,
    lam=0.5,
    kappa=None,
    omega=0.3,
    T=0.0,
    gamma=1e-3,
    emax=None,
    points=801,
    params=None,
    weights=None,
    matrix_element=None,
    gap_model="full",
    mu=None,
    V=None,
    JH=None,
    Jc=None,
    kappa_a=None,
    kappa_b=None,
    **numerics,
) -> SpectrumResult:
    """Quasiparticle DOS, dI/dV and gap distributions at one parameter point.

    Parameters
    ----------
    n_c, mu : float
        Filling per Ni (0 < n_c < 2) or chemical potential (eV); ``mu`` wins if given.
    lam, V, JH, Jc : float
        Pairing strength: exactly one of lambda, V (eV) or (JH, Jc) (Eq. 13); a
        given V or JH/Jc replaces the default lambda.
    kappa, kappa_a, kappa_b : float
        Kondo-to-Hund ratios (Eq. 11); kappa sets both; none given: the paper's 0.75.
    omega : float
        Pairing cutoff Omega (eV).
    T : float
        Temperature (eV): gaps A(T), B(T) of the full Eq. 14 solution (0 above T_c)
        and the thermal broadening of dI/dV.
    gamma : float
        Dynes broadening (eV).
    emax, points : float, int
        Energy window [-emax, emax] (eV) and number of energies.
    params : BandParams, optional
    weights : (w_alpha, w_beta), optional
        Band weights of dI/dV (default 1, 1).
    matrix_element : {None, "eta4"}
        c-axis tunneling matrix element |M|^2 ∝ eta^4 (docs: physics, "Tunneling spectra") for dI/dV.
    gap_model : {"full", "eq16"}
        "full": Delta_b = A_b + B_b eta^2 of the full solution of Eq. 14/15;
        "eq16": Eq. 16 anisotropy with the exact Eq. 17 diagonal magnitudes
        (s± signs), scaled at T > 0 by the full solution's A_b(T)/A_b(0).
    **numerics
        Options of the gap solver's shell quadrature (:func:`triplon.model.dos.shell_quadrature`).

    Returns
    -------
    SpectrumResult
    """
    from triplon.pairing.point import pairing_point

    if gap_model not in GAP_MODELS:
        raise ValueError(f"gap_model must be one of {GAP_MODELS}, got {gap_model!r}")
    spectrum_options(T, gamma, points, weights, matrix_element)  # before any solve
    if kappa is None and kappa_a is None and kappa_b is None:
        kappa = 0.75
    if V is not None or JH is not None or Jc is not None:
        lam = None
    n_c = None if mu is not None else n_c
    point = pairing_point(n_c, mu, params, lam, V, JH, Jc, kappa, kappa_a, kappa_b, omega, T, **numerics)
    summary = point_summary(point, params)
    gaps, status = point_gaps(point, gap_model, summary)
    return spectrum_at(
        point, gaps, status, gamma, emax, points, params, weights, matrix_element, gap_model, summary
    )


def point_summary(point, params=None):
    """:func:`triplon.pairing.point.gap_summary` of a prepared point (its caveats, T_c, gaps)."""
    from triplon.pairing.analytic import GapWarning
    from triplon.pairing.point import gap_summary

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GapWarning)
        return gap_summary(point.shells, point.fermi, point.V, point.kappa_a, point.kappa_b, point.T, params)


def point_gaps(point, gap_model: str = "full", summary=None) -> tuple[dict, str]:
    """Gap coefficients (A_b, B_b) of both bands at a prepared point and temperature.

    Parameters
    ----------
    point : triplon.pairing.point.PairingPoint
    gap_model : {"full", "eq16"}
        As in :func:`spectrum_point`.
    summary : GapSummary, optional
        :func:`point_summary` of ``point`` when already computed: its T = 0 and T
        solutions are used (the same solve as ``triplon gap``).

    Returns
    -------
    gaps : dict
        ``{band: (A, B)}`` of Delta_b(k) = A_b + B_b eta_k^2 (eV) at ``point.T``.
    status : str
        The full solver's status at ``point.T``.

    Raises
    ------
    GapNotConverged
        The full gap equation has no converged solution.
    """
    from triplon.pairing.analytic import solve_eq17
    from triplon.pairing.bcs import FullSolution

    if gap_model not in GAP_MODELS:
        raise ValueError(f"gap_model must be one of {GAP_MODELS}, got {gap_model!r}")
    Vv, fermi, T = point.V, point.fermi, point.T
    kappa_a, kappa_b = point.kappa_a, point.kappa_b
    summary = summary or point_summary(point)
    keys = ("A_alpha", "B_alpha", "A_beta", "B_beta")
    full0 = FullSolution(
        *(getattr(summary, k) for k in keys), T=0.0, converged=summary.status == "ok", status=summary.status
    )
    if T > 0:  # the same finite-T solve as triplon gap (started from T = 0 at the point's T_c)
        st = summary.solution_T
        fullT = FullSolution(*(st[k] for k in keys), T=T, converged=st["converged"], status=st["status"])
    else:
        fullT = full0
    if not fullT.converged:
        raise GapNotConverged(f"the gap equation has no usable solution here: {fullT.status}")
    kappa2 = kappa_a * kappa_b
    if gap_model == "full":
        return {b: (getattr(fullT, f"A_{b}"), getattr(fullT, f"B_{b}")) for b in BANDS}, fullT.status
    Na, Nb = fermi.dos["alpha"], fermi.dos["beta"]
    e17 = solve_eq17(Nb / Na, Vv * math.sqrt(Na * Nb), point.omega)
    other = {"alpha": "beta", "beta": "alpha"}
    gaps = {}
    for b, sign, mag in (("alpha", 1.0, e17.gap_alpha), ("beta", -1.0, e17.gap_beta)):
        a0 = getattr(full0, f"A_{b}")
        scale = getattr(fullT, f"A_{b}") / a0 if (full0.converged and a0) else 1.0
        A = sign * mag * scale
        o = other[b]
        gaps[b] = (A, A * kappa2 * fermi.dos_eta2[o] / fermi.dos[o])
    return gaps, fullT.status


def spectrum_at(
    point,
    gaps: dict,
    status: str = "",
    gamma: float = 1e-3,
    emax: float | None = None,
    points: int = 801,
    params=None,
    weights=None,
    matrix_element=None,
    gap_model: str = "full",
    summary=None,
) -> SpectrumResult:
    """The spectrum of a prepared point with given gaps (see :func:`spectrum_point`).

    Parameters
    ----------
    point : triplon.pairing.point.PairingPoint
    gaps : dict
        ``{band: (A, B)}`` (eV), e.g. from :func:`point_gaps`.
    status : str
        The gap solver's status, stored with the result.
    gamma, emax, points, params, weights, matrix_element, gap_model
        As in :func:`spectrum_point`.
    summary : GapSummary, optional
        :func:`point_summary` of ``point``: its caveats (T_c, Omega, d wave, van Hove) join
        the spectrum's own.
    """
    fermi, omega = point.fermi, point.omega
    # term (II) resolves its (cancelling) singular structure with an energy step of Gamma/2
    step = min(1e-3, max(gamma / 2, 2.5e-4), omega / 4)
    data = {b: prepare_band(b, fermi.mu, omega, params, step=step) for b in BANDS}
    res = spectrum_from_gaps(data, gaps, point.T, gamma, emax, points, weights, matrix_element)
    res.gap_model = gap_model
    res.status = status
    res.caveat_flags = spectrum_flags(res, omega) | (summary.caveat_flags if summary is not None else 0)
    res.caveats = describe(res.caveat_flags)
    if res.caveat_flags & 512:
        dmin = min(float(np.min(res.dos_alpha)), float(np.min(res.dos_beta)))
        res.status = f"{status or 'ok'}; DOS negative (down to {dmin:.3g} 1/eV): not trustworthy"
    res.parameters = {
        "n_c": float(fermi.n_c),
        "mu": float(fermi.mu),
        "V": float(point.V),
        "lam": float(point.V * math.sqrt(fermi.dos["alpha"] * fermi.dos["beta"])),
        "kappa_a": float(point.kappa_a),
        "kappa_b": float(point.kappa_b),
        "omega": float(omega),
        "T": float(point.T),
        "gamma": float(gamma),
        "gap_model": gap_model,
        "matrix_element": matrix_element or "none",
        "weights": list(res.weights),
        **(params or BandParams()).as_dict(),
    }
    return res


DOS_NEGATIVE_TOLERANCE = 1e-6
"""A DOS below -this x (N_alpha + N_beta) is flagged negative (rounding stays far below)."""


def spectrum_flags(res: SpectrumResult, omega: float) -> int:
    """Caveat bits of a spectrum itself: a negative DOS (512), the cutoff's artefacts in the window (1024)."""
    bits = 0
    scale = res.dos_normal_alpha + res.dos_normal_beta
    values = np.concatenate([res.dos_alpha, res.dos_beta, res.didv])
    if not np.all(np.isfinite(values)) or np.min(values) < -DOS_NEGATIVE_TOLERANCE * scale:
        bits |= 512
    if res.energy.size and np.max(np.abs(res.energy)) >= 0.98 * omega:
        bits |= 1024
    return bits


def spectrum_dataset(result: SpectrumResult):
    """The spectra of :func:`spectrum_point` as an xarray Dataset (docs: workflow, "Data contract").

    Dims ``energy`` (eV), ``band``, ``gap_bin``; variables ``dos`` (band, energy),
    ``dos_total``, ``didv`` (energy), ``gap_min``, ``gap_max``, ``gap_A``,
    ``gap_B``, ``dos_normal`` (band), ``gap_hist_weight``, ``gap_hist_centre``
    (band, gap_bin) and ``peak_energy`` (peak). Provenance attributes are added
    by the caller (:func:`triplon.data.provenance.with_provenance`).

    Parameters
    ----------
    result : SpectrumResult
        Output of :func:`spectrum_point` or :func:`spectrum_from_gaps`.

    Returns
    -------
    xarray.Dataset
        Every variable with ``units`` and ``long_name``; energies in eV, DOS in
        1/eV per spin.
    """
    import xarray as xr

    from triplon.data.provenance import var

    r = result
    bands = list(BANDS)
    hist_w = np.array([r.gap_hist_weights[b] for b in bands])
    edges = np.array([r.gap_hist_edges[b] for b in bands])
    ds = xr.Dataset(
        {
            "dos": var(
                ("band", "energy"),
                np.array([r.dos_alpha, r.dos_beta]),
                "1/eV",
                "quasiparticle density of states per spin (Dynes)",
            ),
            "dos_total": var(("energy",), r.dos_total, "1/eV", "sum of the quasiparticle DOS of both bands"),
            "didv": var(
                ("energy",),
                r.didv,
                "1/eV",
                "tunneling conductance dI/dV, sum_b w_b N_s,b convolved with -df/dE",
            ),
            "gap_min": var(
                ("band",), [r.gap_min_alpha, r.gap_min_beta], "eV", "smallest |Delta| on the Fermi sheet"
            ),
            "gap_max": var(
                ("band",), [r.gap_max_alpha, r.gap_max_beta], "eV", "largest |Delta| on the Fermi sheet"
            ),
            "gap_A": var(
                ("band",), [r.A_alpha, r.A_beta], "eV", "gap coefficient A_b of Delta_b = A_b + B_b eta^2"
            ),
            "gap_B": var(
                ("band",), [r.B_alpha, r.B_beta], "eV", "gap coefficient B_b of Delta_b = A_b + B_b eta^2"
            ),
            "dos_normal": var(
                ("band",),
                [r.dos_normal_alpha, r.dos_normal_beta],
                "1/eV",
                "normal-state N at the Fermi level",
            ),
            "gap_hist_weight": var(
                ("band", "gap_bin"), hist_w, "1/eV", "Fermi-line DOS weight in each |Delta| bin"
            ),
            "gap_hist_centre": var(
                ("band", "gap_bin"), 0.5 * (edges[:, 1:] + edges[:, :-1]), "eV", "centre of the |Delta| bin"
            ),
            "peak_energy": var(("peak",), r.peaks, "eV", "coherence-peak energies of dI/dV (E > 0)"),
        },
        coords={
            "energy": (
                "energy",
                r.energy,
                {"units": "eV", "long_name": "energy relative to the Fermi level"},
            ),
            "band": ("band", bands, {"long_name": "conduction band"}),
            "peak_source": ("peak", list(r.peak_sources), {"long_name": "nearest gap extremum of each peak"}),
        },
    )
    ds.attrs.update(
        {
            "T_eV": r.T,
            "gamma_eV": r.gamma,
            "band_weights": list(r.weights),
            "matrix_element": r.matrix_element or "none",
            "gap_model": r.gap_model,
            "gap_convention": "Delta_b(k) = A_b + B_b eta_k^2 for |xi| < Omega, 0 outside",
            "status": r.status,
            "caveat_flags": int(r.caveat_flags),
            "caveats": "; ".join(r.caveats) or "none",
        }
    )
    return ds


__all__ = [
    "GapNotConverged",
    "GAP_MODELS",
    "SpectrumResult",
    "spectrum_from_gaps",
    "spectrum_point",
    "point_gaps",
    "point_summary",
    "spectrum_at",
    "DOS_NEGATIVE_TOLERANCE",
    "spectrum_flags",
    "spectrum_dataset",
]

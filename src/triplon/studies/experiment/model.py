"""The model quantities an experiment measures, at one parameter point, with cached shells."""

from __future__ import annotations

import math
import warnings

from triplon.model.params import BANDS
from triplon.observables.fermi_line import fermi_line_eta2_range, gap_range
from triplon.studies.experiment.catalogue import K_B, QUANTITIES


class ModelCache:
    """Fermi levels and shell quadratures keyed by (band parameters, n_c[, Omega]).

    Holds at most ``size`` shell sets (least recently used dropped first).

    Parameters
    ----------
    numerics : dict, optional
        The ``numerics`` section of the configuration (``quadrature_nodes``,
        ``shell`` options of :func:`triplon.pairing.point.prepare_shells`).
    size : int
        Largest number of shell quadratures kept.
    """

    def __init__(self, numerics: dict | None = None, size: int = 64):
        self.numerics = dict(numerics or {})
        self.size = size
        self.fermi: dict = {}
        self.shells: dict = {}
        self.shell_builds = 0

    def fermi_level(self, band: dict, n_c: float):
        from triplon.model.dos import fermi_level
        from triplon.model.params import BandParams

        key = (tuple(sorted(band.items())), float(n_c))
        if key not in self.fermi:
            params = BandParams(**band)
            fl = fermi_level(n_c=n_c, params=params, n=self.numerics.get("quadrature_nodes", 24))
            lines = {b: fermi_line_eta2_range(b, fl.mu, params) for b in BANDS}
            self.fermi[key] = (fl, lines)
        return self.fermi[key]

    def shell_set(self, band: dict, n_c: float, omega: float):
        from triplon.model.params import BandParams
        from triplon.pairing.point import prepare_shells

        key = (tuple(sorted(band.items())), float(n_c), float(omega))
        if key in self.shells:
            self.shells[key] = self.shells.pop(key)  # most recently used last
            return self.shells[key]
        fl, _ = self.fermi_level(band, n_c)
        shells = prepare_shells(fl.mu, omega, BandParams(**band), **self.numerics.get("shell", {}))
        self.shell_builds += 1
        self.shells[key] = shells
        while len(self.shells) > self.size:
            self.shells.pop(next(iter(self.shells)))
        return shells


def model_quantities(point: dict, cache: ModelCache | None = None, need_gaps: bool = True) -> dict:
    """Every quantity of :data:`QUANTITIES` at one parameter point (canonical units).

    Parameters
    ----------
    point : dict
        Parameters named as in :data:`triplon.studies.sweeps.grid.PARAMETERS` (defaults of
        :func:`triplon.studies.sweeps.grid.resolve_point`: the paper's bands, n_c = 0.45,
        lam = 0.5, kappa = 0.75, Omega = 0.3 eV).
    cache : ModelCache, optional
    need_gaps : bool
        False computes only the fillings (no shell quadrature).

    Returns
    -------
    dict
        The quantities (NaN where undefined or not converged) plus ``A_alpha``,
        ``B_alpha``, ``A_beta``, ``B_beta`` (eV), ``Tc`` (eV), ``V`` (eV),
        ``mu`` (eV), ``eta2_range`` and ``status``.
    """
    from triplon.pairing.analytic import GapWarning
    from triplon.pairing.bcs import solve_full, tc_s_wave
    from triplon.pairing.point import resolve_V
    from triplon.studies.sweeps.grid import resolve_point

    cache = cache or ModelCache()
    r = resolve_point(point)
    out = dict.fromkeys(QUANTITIES, math.nan)
    fl, lines = cache.fermi_level(r["band"], r["n_c"])
    out.update(n_alpha=fl.filling["alpha"], n_beta=fl.filling["beta"], mu=fl.mu, status="ok")
    out["eta2_range"] = {b: list(lines[b]) for b in BANDS}
    if not need_gaps:
        return out
    if min(fl.dos.values()) <= 0.0:
        out["status"] = "a band has no Fermi surface"
        return out
    V = resolve_V(fl, lam=r.get("lam"), V=r.get("V"))
    if r.get("method") == "eliashberg":
        return _eliashberg_quantities(out, r, fl, V, cache)
    shells = cache.shell_set(r["band"], r["n_c"], r["omega"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GapWarning)
        sol = solve_full(shells, V, r["kappa_a"], r["kappa_b"], 0.0)
        tc = tc_s_wave(shells, V, r["kappa_a"] * r["kappa_b"])
    out.update(V=V, omega=r["omega"], Tc=tc)
    if not (sol.converged and tc > 0):
        out["status"] = sol.status if not sol.converged else "T_c below resolution"
        return out
    out["Tc_K"] = tc / K_B
    for b in BANDS:
        A, B = getattr(sol, f"A_{b}"), getattr(sol, f"B_{b}")
        out[f"A_{b}"], out[f"B_{b}"] = A, B
        umin, umax = lines[b]
        gmin, gmax = gap_range(A, B, umin, umax)
        out[f"gap_max_{b}"] = 1e3 * gmax
        out[f"gap_min_{b}"] = 1e3 * gmin
        out[f"gap_diag_{b}"] = 1e3 * abs(A) if umin == 0.0 else math.nan
        out[f"gap2_Tc_max_{b}"] = 2 * gmax / tc
        out[f"gap_edge_max_{b}"], out[f"gap_edge_min_{b}"] = out[f"gap_max_{b}"], out[f"gap_min_{b}"]
    out["gap_max_ratio"] = out["gap_max_alpha"] / out["gap_max_beta"]
    return out


def _eliashberg_quantities(out: dict, r: dict, fl, V: float, cache: ModelCache) -> dict:
    """The quantities of retarded exchange (:func:`triplon.observables.eliashberg.eliashberg_solve`).

    The gaps are the gap edges Delta_0 at T_c/5 (what tunneling measures; T_c/5 is T -> 0
    to ~exp(-1/0.2 x 2Delta_0/2T_c) ~ 1e-5 relative); ``mode_energy`` is the dip of
    the DOS minus the largest gap edge; ``gap_diag_*`` stay NaN.
    """
    from triplon.model.params import BandParams
    from triplon.observables.eliashberg import eliashberg_solve

    res = eliashberg_solve(
        fl,
        V,
        r["kappa_a"],
        r["kappa_b"],
        r["omega_T"],
        r["mu_star"],
        BandParams(**r["band"]),
        cache.numerics.get("quadrature_nodes", 24),
        spectrum=False,
    )
    out.update(V=V, omega_T=r["omega_T"], Tc=res.Tc)
    if not (res.converged and res.Tc > 0):
        out["status"] = res.status if res.Tc > 0 else "T_c below resolution"
        return out
    out["Tc_K"] = res.Tc / K_B
    for b in BANDS:
        lo, hi = res.gap_edge[b]
        out[f"gap_max_{b}"] = out[f"gap_edge_max_{b}"] = 1e3 * hi
        out[f"gap_min_{b}"] = out[f"gap_edge_min_{b}"] = 1e3 * lo
        out[f"gap2_Tc_max_{b}"] = 2 * hi / res.Tc
        out[f"Z_{b}"] = res.Z[b]
    out["gap_max_ratio"] = out["gap_max_alpha"] / out["gap_max_beta"]
    out["mode_energy"] = 1e3 * res.mode_energy
    if res.pade_failed:
        out["status"] = "continuation failed its checks"
    return out


__all__ = ["ModelCache", "model_quantities"]

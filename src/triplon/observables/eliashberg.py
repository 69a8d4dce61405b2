"""Observables of retarded triplon exchange: gap edges, Z, quasiparticle DOS, dI/dV, dip–hump.

From the Matsubara solution of :mod:`triplon.pairing.eliashberg` and its real-axis
continuation (:mod:`triplon.pairing.eliashberg_real`):

* the gap edge Delta_0,b(u) = Re Delta_b(u, Delta_0) of each sheet, its extremes on the
  Fermi line (the exact eta^2 range of :func:`triplon.observables.fermi_line.fermi_line_eta2_range`);
* the quasiparticle DOS per spin, Fermi-surface restricted (constant N_b near E_F, as the
  Eliashberg equations themselves),

      N_s,b(E) = N_b Re < z / sqrt(z^2 - Delta_b(u, E)^2) >_b,   z = E + i Gamma,

  with Dynes broadening Gamma; the c-axis matrix element weights the line by
  eta^4 / <eta^4> as in :mod:`triplon.observables.tunneling`, whose thermal kernel makes
  dI/dV from the band-weighted DOS;
* the dip–hump: retarded exchange puts a dip in the DOS above the coherence peak, near
  Delta_0 + omega_T, followed by a hump. ``dip`` is the lowest point of the total DOS in
  (Delta_0, Delta_0 + 2 omega_T] (to one energy step of the grid), ``hump`` the highest
  within omega_T above it (NaN where the DOS only rises to the window's edge),
  ``mode_energy`` = dip - Delta_0 (the STM "bosonic mode" convention: the mode energy
  counted from the gap edge).

Energies and temperatures in eV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq

from triplon.model.params import BANDS
from triplon.observables.fermi_line import fermi_line_eta2_range
from triplon.observables.tunneling import (
    spectrum_options,
    thermal_grid,
    tunneling_conductance,
)
from triplon.pairing.eliashberg import (
    T_FLOOR,
    EliashbergModel,
    MatsubaraSolution,
    critical_temperature,
    eliashberg_model,
    solve_matsubara,
)
from triplon.pairing.eliashberg_real import pade_coefficients, pade_evaluate


@dataclass
class PadeFunctions:
    """Padé continuations of the coefficient functions z0, z2, p0, p2 of both sheets."""

    zi: np.ndarray
    coef: dict  # (band, key) -> coefficients or None (identically 0)

    def value(self, band: str, key: str, omega) -> np.ndarray:
        a = self.coef[(band, key)]
        z = np.asarray(omega, dtype=complex)
        return np.zeros(z.shape, complex) if a is None else pade_evaluate(a, self.zi, z)

    def delta(self, band: str, u, omega) -> np.ndarray:
        """Delta_b(u, omega) on the real axis (complex, eV); ``u`` and ``omega`` broadcast."""
        Z = 1.0 + self.value(band, "z0", omega) + self.value(band, "z2", omega) * u
        phi = self.value(band, "p0", omega) + self.value(band, "p2", omega) * u
        return phi / Z

    def Z(self, band: str, u, omega) -> np.ndarray:
        return 1.0 + self.value(band, "z0", omega) + self.value(band, "z2", omega) * u


def pade_functions(sol: MatsubaraSolution, n_points: int = 128) -> PadeFunctions:
    """Continued fractions through the lowest ``n_points`` Matsubara values of each function."""
    n = min(n_points, sol.omega_n.size)
    zi = 1j * sol.omega_n[:n]
    coef = {}
    for b in BANDS:
        for key, vals in (("z0", sol.z0), ("z2", sol.z2), ("p0", sol.p0), ("p2", sol.p2)):
            f = vals[b][:n]
            coef[(b, key)] = pade_coefficients(zi, f) if np.any(f) else None
    return PadeFunctions(zi, coef)


def gap_edge_at(funcs: PadeFunctions, band: str, u: float, upper: float) -> float:
    """Delta_0 at eta^2 = u: the smallest omega in (0, upper] with omega = Re Delta(u, omega)."""

    def f(w):
        return w - float(funcs.delta(band, u, np.array([w]))[0].real)

    grid = np.linspace(upper * 1e-4, upper, 400)
    vals = grid - funcs.delta(band, u, grid).real
    s = np.flatnonzero((vals[:-1] <= 0) & (vals[1:] > 0))
    if s.size == 0:
        return math.nan
    i = s[0]
    return float(brentq(f, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-12))


@dataclass
class EliashbergResult:
    """One parameter point solved with retarded triplon exchange (energies in eV)."""

    omega_T: float
    mu_star: float
    lam_alpha_beta: float
    lam_beta_alpha: float
    Tc: float
    T: float
    converged: bool
    status: str
    Z: dict = field(default_factory=dict)
    """{band: Fermi-line average of Re Z_b(omega -> 0)} at T."""
    Z_matsubara: dict = field(default_factory=dict)
    """{band: Fermi-line average of Z_b(i pi T)} at T."""
    gap_edge: dict = field(default_factory=dict)
    """{band: (min, max) of the gap edge Delta_0 on the Fermi line} at T."""
    gap_matsubara: dict = field(default_factory=dict)
    """{band: (min, max) of Delta_b(i pi T) on the Fermi line} at T."""
    energy: np.ndarray | None = None
    dos: dict = field(default_factory=dict)
    dos_normal: dict = field(default_factory=dict)
    didv: np.ndarray | None = None
    dip: float = math.nan
    hump: float = math.nan
    mode_energy: float = math.nan
    gamma: float = math.nan
    dos_min: float = math.nan
    pade_failed: bool = False
    """The Padé continuation failed a check (Z(omega -> 0) < 1 or far from Z(i pi T))."""
    caveats: list = field(default_factory=list)

    @property
    def ratio_2gap_Tc(self) -> dict:
        """{band: 2 max Delta_0 / T_c}."""
        return {b: 2 * self.gap_edge[b][1] / self.Tc if self.Tc > 0 else math.nan for b in self.gap_edge}


OMEGA_T_MEASURED = (0.028, 0.075)
"""Boson scales measured in bilayer nickelates (eV): the 30 ± 2 meV STM mode to the ~73 meV
interlayer exchange; an omega_T outside is flagged (informational)."""


def eliashberg_observables(
    model: EliashbergModel,
    sol: MatsubaraSolution,
    Tc: float,
    mu: float,
    params=None,
    dos_normal: dict | None = None,
    gamma: float = 1e-3,
    emax: float | None = None,
    points: int = 801,
    weights=None,
    matrix_element=None,
) -> EliashbergResult:
    """Gap edges, Z, DOS, dI/dV and the dip–hump of a Matsubara solution (Padé continuation)."""
    w = spectrum_options(sol.T, gamma, points, weights, matrix_element)
    funcs = pade_functions(sol)
    res = EliashbergResult(
        model.omega_T,
        model.mu_star,
        model.lam["alpha"],
        model.lam["beta"],
        Tc,
        sol.T,
        sol.converged,
        sol.status,
    )
    top = 0.0
    for b in BANDS:
        u, wt = model.eta2[b]
        res.Z_matsubara[b] = float(np.dot(wt, sol.Z(b, u[:, None])[:, 0]) if u.size else math.nan)
        ul = (model.line or model.eta2)[b][0]
        d0 = sol.delta(b, ul[:, None])[:, 0]
        res.gap_matsubara[b] = (float(np.min(np.abs(d0))), float(np.max(np.abs(d0))))
        z_real = float(np.dot(wt, funcs.Z(b, u, np.full(u.shape, 1e-9 * model.omega_T)).real))
        # Z(omega -> 0) >= 1 and close to Z(i pi T) at T << omega_T; otherwise Padé failed
        if math.isfinite(z_real) and 1.0 - 1e-9 <= z_real <= 1.5 * res.Z_matsubara[b]:
            res.Z[b] = z_real
        else:
            res.Z[b] = math.nan
            res.pade_failed = True
        top = max(top, res.gap_matsubara[b][1])
    for b in BANDS:
        lo, hi = fermi_line_eta2_range(b, mu, params)
        edges = [gap_edge_at(funcs, b, x, 3.0 * top + 1e-12) if top > 0 else 0.0 for x in (lo, hi)]
        res.gap_edge[b] = (float(min(edges)), float(max(edges)))
    d_top = max(res.gap_edge[b][1] for b in BANDS)
    if emax is None:
        emax = (d_top if d_top == d_top else 0.0) + 2.5 * model.omega_T
    energy = np.linspace(-emax, emax, points)
    grid, take = thermal_grid(energy, gamma, sol.T)
    z = grid + 1j * gamma
    total = np.zeros(grid.size)
    for b, wb in zip(BANDS, w):
        # the DOS is singular in eta^2 at the gap edge: the dense Fermi-line nodes, not the rule
        u, wt = (model.line or model.eta2)[b]
        n_b = 1.0 if dos_normal is None else dos_normal[b]
        delta = funcs.delta(b, u[:, None], grid[None, :])
        ratio = (z[None, :] / np.sqrt(z[None, :] ** 2 - delta**2)).real
        ratio = np.where(ratio < 0, -ratio, ratio)  # the branch with Re >= 0 (retarded)
        dos_b = n_b * (wt @ ratio)
        res.dos[b] = dos_b[take]
        res.dos_normal[b] = n_b
        if wb:
            if matrix_element == "eta4":
                w4 = wt * u**2
                dos_b = n_b * (w4 @ ratio) / w4.sum()
            total += wb * dos_b
    res.energy = energy
    res.didv = tunneling_conductance(grid, total, sol.T)[take] if sol.T > 0 else total[take]
    res.gamma = float(gamma)
    tot = res.dos["alpha"] + res.dos["beta"]
    norm = res.dos_normal["alpha"] + res.dos_normal["beta"]
    res.dos_min = float(np.min(tot))
    if d_top > 0:
        win = (energy > d_top * 1.05) & (energy <= d_top + 2.0 * model.omega_T)
        if win.any():
            e_w, n_w = energy[win], tot[win] / norm
            i = int(np.argmin(n_w))
            if 0 < i < e_w.size - 1:
                res.dip = float(e_w[i])
                res.mode_energy = res.dip - d_top
                after = np.flatnonzero((e_w > res.dip) & (e_w <= res.dip + model.omega_T))
                if after.size > 2:  # the hump: a maximum within omega_T above the dip, not its edge
                    j = after[np.argmax(n_w[after])]
                    if j < after[-1]:
                        res.hump = float(e_w[j])
    res.caveats = eliashberg_caveats(res)
    return res


def eliashberg_caveats(res: EliashbergResult) -> list[str]:
    """Sentences of what makes a result untrustworthy or notable (empty if none)."""
    from triplon.pairing.caveats import KELVIN_PER_EV, TC_PLAUSIBLE_K

    out = []
    if not res.converged:
        out.append(f"the Matsubara iteration did not converge: {res.status}")
    if res.dos_min < -1e-9:
        out.append(f"the continuation fails its check: negative DOS ({res.dos_min:.3g} /eV)")
    if res.pade_failed:
        out.append("the Padé continuation fails its check: Z(omega -> 0) < 1 or far from Z(i pi T); Z is NaN")
    if any(not math.isfinite(x) for b in res.gap_edge for x in res.gap_edge[b]) and res.T < res.Tc:
        out.append("no gap edge found on the real axis (Padé continuation unreliable here)")
    if res.Tc * KELVIN_PER_EV > TC_PLAUSIBLE_K:
        out.append(f"T_c above {TC_PLAUSIBLE_K:g} K: lambda and omega_T set an unphysical scale")
    if not OMEGA_T_MEASURED[0] <= res.omega_T <= OMEGA_T_MEASURED[1]:
        out.append(
            f"omega_T = {1e3 * res.omega_T:.4g} meV lies outside the measured boson scales "
            f"{1e3 * OMEGA_T_MEASURED[0]:g}-{1e3 * OMEGA_T_MEASURED[1]:g} meV (informational)"
        )
    return out


def eliashberg_point(
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
    omega_T=None,
    mu_star=0.0,
    T=None,
    T_fraction=0.2,
    gamma=1e-3,
    emax=None,
    points=801,
    weights=None,
    matrix_element=None,
    n=24,
) -> EliashbergResult:
    """One parameter point with retarded triplon exchange: T_c, Z, gap edges, DOS, dI/dV, dip.

    Parameters
    ----------
    n_c, mu, params, lam, V, JH, Jc, kappa, kappa_a, kappa_b
        The point, as for :func:`triplon.pairing.point.pairing_point` (V is the
        zero-frequency interaction of Eq. 13).
    omega_T : float, optional
        Triplon energy (eV); default J_c when given, else the paper's Omega = 0.3 eV.
    mu_star : float
        Intraband Coulomb pseudopotential (default 0).
    T : float, optional
        Temperature (eV) of the gap solution; default ``T_fraction`` x T_c.
    gamma, emax, points, weights, matrix_element
        As for :func:`triplon.observables.spectrum.spectrum_point`.
    n : int
        Gauss nodes per piece of the Fermi-line quadrature.
    """
    from triplon.pairing.point import pairing_point

    if omega_T is None:
        omega_T = Jc if Jc is not None else 0.3
    if not (omega_T > 0 and math.isfinite(omega_T)):
        raise ValueError(f"omega_T must be > 0 eV, got {omega_T!r}")
    p = pairing_point(
        n_c, mu, params, lam, V, JH, Jc, kappa, kappa_a, kappa_b, omega_T, T or 0.0, shells=False
    )
    model = eliashberg_model(p.fermi, p.V, p.kappa_a, p.kappa_b, omega_T, params, n, mu_star)
    Tc = critical_temperature(model)
    if T is None:
        if Tc <= 0:  # nothing to solve at T_fraction x 0: the result says so
            res = EliashbergResult(
                omega_T,
                mu_star,
                model.lam["alpha"],
                model.lam["beta"],
                0.0,
                math.nan,
                False,
                f"T_c below the solver's resolution ({T_FLOOR:g} omega_T): give T explicitly",
            )
            res.caveats = eliashberg_caveats(res)
            return res
        T = T_fraction * Tc
    sol = solve_matsubara(model, T)
    return eliashberg_observables(
        model, sol, Tc, p.fermi.mu, params, p.fermi.dos, gamma, emax, points, weights, matrix_element
    )


__all__ = [
    "PadeFunctions",
    "pade_functions",
    "gap_edge_at",
    "EliashbergResult",
    "OMEGA_T_MEASURED",
    "eliashberg_observables",
    "eliashberg_caveats",
    "eliashberg_point",
]

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
  (1.05 Delta_0, Delta_0 + 1.5 omega_T] (smoothed over 0.02 omega_T), ``hump`` the highest
  within omega_T above it (NaN where the DOS only rises to the window's edge),
  ``mode_energy`` = dip - Delta_0 (the STM "bosonic mode" convention: the mode energy
  counted from the gap edge).

Energies and temperatures in eV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from triplon.model.params import BANDS
from triplon.observables.fermi_line import fermi_line_eta2_range
from triplon.observables.tunneling import (
    spectrum_options,
    thermal_grid,
    tunneling_conductance,
)
from triplon.pairing.caveats import OMEGA_T_MEASURED
from triplon.pairing.eliashberg import (
    T_FLOOR,
    EliashbergModel,
    MatsubaraSolution,
    critical_temperature,
    eliashberg_model,
    solve_matsubara,
)
from triplon.pairing.eliashberg_real import pade_evaluate, pade_stack

KEYS = ("z0", "z2", "p0", "p2")
"""The coefficient functions of Z_b = 1 + z0 + z2 u and phi_b = p0 + p2 u."""


@dataclass
class PadeFunctions:
    """Padé continuations of the coefficient functions z0, z2, p0, p2 of both sheets."""

    zi: np.ndarray
    coef: dict  # band -> coefficients (4, n) of z0, z2, p0, p2 (a zero row: identically 0)

    def parts(self, band: str, omega) -> np.ndarray:
        """z0, z2, p0, p2 of ``band`` at real ``omega`` (shape ``(4, *omega.shape)``), one recursion."""
        return pade_evaluate(self.coef[band], self.zi, np.asarray(omega, dtype=complex))

    def parts_rows(self, bands, omega) -> np.ndarray:
        """z0, z2, p0, p2 of ``bands[r]`` at ``omega[r]`` for each row r, one recursion for all.

        ``omega`` has shape (R, M); the result (R, 4, M). Several sheets and scans share the
        recursion's fixed cost (one evaluation instead of R).
        """
        omega = np.asarray(omega, dtype=complex)
        coef = np.concatenate([self.coef[b] for b in bands])  # (4R, n)
        values = pade_evaluate(coef, self.zi, np.repeat(omega, len(KEYS), axis=0), rowwise=True)
        return values.reshape(len(bands), len(KEYS), omega.shape[1])

    def value(self, band: str, key: str, omega) -> np.ndarray:
        return self.parts(band, omega)[KEYS.index(key)]

    def delta(self, band: str, u, omega) -> np.ndarray:
        """Delta_b(u, omega) on the real axis (complex, eV); ``u`` and ``omega`` broadcast."""
        return delta_from_parts(self.parts(band, omega), u)

    def Z(self, band: str, u, omega) -> np.ndarray:
        z0, z2, _, _ = self.parts(band, omega)
        return 1.0 + z0 + z2 * u


def delta_from_parts(parts, u) -> np.ndarray:
    """Delta = (p0 + p2 u) / (1 + z0 + z2 u) from the coefficient functions z0, z2, p0, p2 (axis 0)."""
    z0, z2, p0, p2 = parts
    return (p0 + p2 * u) / (1.0 + z0 + z2 * u)


def pade_functions(sol: MatsubaraSolution, n_points: int = 128) -> PadeFunctions:
    """Continued fractions through the lowest ``n_points`` Matsubara values of each function."""
    n = min(n_points, sol.omega_n.size)
    zi = 1j * sol.omega_n[:n]
    coef = pade_stack(zi, [getattr(sol, k)[b] for b in BANDS for k in KEYS])  # both sheets at once
    return PadeFunctions(zi, {b: coef[i * len(KEYS) : (i + 1) * len(KEYS)] for i, b in enumerate(BANDS)})


def _first_crossing(f: np.ndarray) -> np.ndarray:
    """Rows of ``f``: index of the first sign change from <= 0 to > 0, or -1."""
    up = (f[:, :-1] <= 0) & (f[:, 1:] > 0)
    return np.where(up.any(axis=1), np.argmax(up, axis=1), -1)


GAP_EDGE_NESTED = 21
"""Points of each nested scan of :func:`gap_edges`."""


def gap_edges(funcs: PadeFunctions, band, u, upper: float) -> np.ndarray:
    """Delta_0 at each eta^2 in ``u``: the smallest omega in (0, upper] with omega = Re Delta(u, omega).

    ``band``: one sheet for every ``u``, or a sequence naming the sheet of each ``u``
    (both sheets in one evaluation). A scan of 200 points brackets the first crossing,
    two nested scans of 21 points narrow the bracket to upper / (200 x 20 x 20) and a
    secant step inside it gives the root (equal to finer nested scans to ~1e-10 relative:
    omega - Re Delta is smooth at its crossing). All rows in one Padé evaluation
    per scan. NaN where there is no crossing.
    """
    u = np.atleast_1d(np.asarray(u, dtype=float))
    bands = [band] * u.size if isinstance(band, str) else list(band)
    x = np.broadcast_to(np.linspace(upper * 1e-4, upper, 200), (u.size, 200))
    for level in range(3):
        with np.errstate(invalid="ignore"):  # rows without a crossing are NaN
            f = x - delta_from_parts(np.moveaxis(funcs.parts_rows(bands, x), 1, 0), u[:, None]).real
        i = _first_crossing(f)
        if np.any(i < 0):  # no crossing for some eta^2: no gap edge there
            f = np.where((i < 0)[:, None], np.nan, f)
        k = np.maximum(i, 0)[:, None]
        lo, hi = np.take_along_axis(x, k, 1), np.take_along_axis(x, k + 1, 1)
        if level == 2:
            flo, fhi = np.take_along_axis(f, k, 1), np.take_along_axis(f, k + 1, 1)
            return (lo - flo * (hi - lo) / (fhi - flo))[:, 0]
        x = lo + (hi - lo) * np.linspace(0.0, 1.0, GAP_EDGE_NESTED)[None, :]
        x = np.where((i < 0)[:, None], np.nan, x)


def gap_edge_at(funcs: PadeFunctions, band: str, u: float, upper: float) -> float:
    """Delta_0 at eta^2 = u (:func:`gap_edges` at one eta^2)."""
    return float(gap_edges(funcs, band, [u], upper)[0])


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


def _line_dos(
    funcs: PadeFunctions,
    model: EliashbergModel,
    band: str,
    energy,
    gamma: float,
    weight=None,
    rule=False,
    parts=None,
):
    """N_s,b(E) / N_b = Re < z / sqrt(z^2 - Delta_b(u, E)^2) >_b, z = E + i Gamma (dense line nodes).

    ``weight`` (per node, optional) replaces the line's own weights (the eta^4 matrix element).
    ``rule``: the 8-point eta^2 rule instead, exact enough only well above every gap edge,
    where the integrand is smooth in eta^2. ``parts``: the sheet's z0, z2, p0, p2 at
    ``energy`` when already evaluated.
    """
    # the DOS is singular in eta^2 at the gap edge: the dense Fermi-line nodes, not the rule
    u, wt = (model.eta2 if rule or not model.line else model.line)[band]
    z = np.asarray(energy, dtype=float) + 1j * gamma
    parts = funcs.parts(band, z.real) if parts is None else parts
    delta = delta_from_parts(np.asarray(parts)[:, None, :], u[:, None])  # (nodes, energies)
    ratio = np.abs((z[None, :] / np.sqrt(z[None, :] ** 2 - delta**2)).real)  # the retarded branch
    w = wt if weight is None else weight
    return (w @ ratio) / w.sum()


def _smoothed(v: np.ndarray, width: float) -> np.ndarray:
    """``v`` convolved with a normalised Gaussian of ``width`` grid steps (edges: renormalised)."""
    k = np.arange(-int(4 * width) - 1, int(4 * width) + 2)
    g = np.exp(-0.5 * (k / width) ** 2)
    return np.convolve(v, g, "same") / np.convolve(np.ones_like(v), g, "same")


def _vertex(e: np.ndarray, v: np.ndarray, i: int) -> float:
    """The vertex of the parabola through grid points i-1, i, i+1 (an interior extreme)."""
    y0, y1, y2 = v[i - 1], v[i], v[i + 1]
    den = y0 - 2 * y1 + y2
    step = 0.5 * (y0 - y2) / den if den != 0 else 0.0
    return float(e[i] + np.clip(step, -1.0, 1.0) * (e[1] - e[0]))


DIP_POINTS = 241
"""Fewest points of the scan of the dip–hump window (1.05 Delta_0, Delta_0 + 1.5 omega_T]; more
where Gamma / 2 is the smaller step (up to :data:`DIP_POINTS_MAX`)."""
DIP_POINTS_MAX = 4001
"""Most points of the dip–hump scan."""
DIP_WINDOW = 1.5
"""Upper end of the dip window above the largest gap edge, in omega_T: it holds the one-triplon
features near Delta_0,b + omega_T of both sheets and excludes the two-triplon ones near 2 omega_T."""
DIP_SMOOTHING = 0.02
"""Gaussian width (in omega_T) over which the DOS is smoothed to locate the dip and hump."""


def dip_hump(
    funcs: PadeFunctions, model: EliashbergModel, dos_normal: dict, gamma: float, d_top: float, rule=True
):
    """The dip and hump of the total quasiparticle DOS above the largest gap edge ``d_top``.

    The dip is the lowest point of N_s,alpha + N_s,beta in (1.05 Delta_0, Delta_0 + 1.5 omega_T]
    (NaN when the lowest point is the window's edge: at strong coupling, Delta_0 ~ omega_T,
    the DOS falls through the whole window and its minimum moves beyond), the hump the highest point within
    omega_T above the dip (NaN where the DOS only rises to that edge). The DOS is scanned with
    a step of at most Gamma / 2 (at least :data:`DIP_POINTS` points) and smoothed over
    :data:`DIP_SMOOTHING` omega_T first: the
    Padé continuation puts wiggles of ~1 % into the DOS just above the one-triplon threshold,
    and the lowest wiggle would make the dip jump by ~1 meV between neighbouring points of a
    fit. The extreme is the vertex of the parabola through the three lowest scan points, a
    smooth function of the parameters. Returns (dip, hump) in eV.
    """
    if not d_top > 0:
        return math.nan, math.nan
    lo, hi = 1.05 * d_top, d_top + DIP_WINDOW * model.omega_T
    # the threshold structure is ~Gamma wide: a step of Gamma / 2 at least, or smoothing aliases it
    n = int(min(max(DIP_POINTS, math.ceil(2 * (hi - lo) / gamma) + 1), DIP_POINTS_MAX))
    e = np.linspace(lo, hi, n)
    parts = funcs.parts_rows(BANDS, np.broadcast_to(e, (len(BANDS), e.size)))
    v = sum(
        dos_normal[b] * _line_dos(funcs, model, b, e, gamma, rule=rule, parts=parts[i])
        for i, b in enumerate(BANDS)
    )
    v = _smoothed(v, DIP_SMOOTHING * model.omega_T / (e[1] - e[0]))
    i = int(np.argmin(v))
    if not 0 < i < e.size - 1:
        return math.nan, math.nan
    dip = _vertex(e, v, i)
    after = np.flatnonzero((e > dip) & (e <= dip + model.omega_T))
    hump = math.nan
    if after.size > 2:
        j = after[np.argmax(v[after])]
        if j < after[-1]:
            hump = _vertex(e, v, j)
    return dip, hump


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
    spectrum: bool = True,
    gamma_fraction: float | None = None,
) -> EliashbergResult:
    """Gap edges, Z, the dip–hump and (``spectrum``) the DOS and dI/dV of a Matsubara solution.

    One Padé continuation (:func:`pade_functions`) serves every real-axis quantity.
    ``spectrum=False`` skips the DOS and dI/dV arrays (a sweep's point); every scalar
    (Z, gap edges, dip, hump, mode energy, caveats) is the same either way.
    ``gamma_fraction``: Dynes Gamma = this fraction of the largest gap edge (instead of ``gamma``).
    """
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
        # at the lowest frequency i pi T only (not the whole Matsubara axis)
        z0, z2, p0, p2 = (f[b][0] for f in (sol.z0, sol.z2, sol.p0, sol.p2))
        res.Z_matsubara[b] = float(np.dot(wt, 1.0 + z0 + z2 * u) if u.size else math.nan)
        ul = (model.line or model.eta2)[b][0]
        d0 = delta_from_parts((z0, z2, p0, p2), ul)
        res.gap_matsubara[b] = (float(np.min(np.abs(d0))), float(np.max(np.abs(d0))))
        z_real = float(np.dot(wt, funcs.Z(b, u, np.array(1e-9 * model.omega_T)).real))
        # Z(omega -> 0) >= 1 and close to Z(i pi T) at T << omega_T; otherwise Padé failed
        if math.isfinite(z_real) and 1.0 - 1e-9 <= z_real <= 1.5 * res.Z_matsubara[b]:
            res.Z[b] = z_real
        else:
            res.Z[b] = math.nan
            res.pade_failed = True
        top = max(top, res.gap_matsubara[b][1])
    ends = [fermi_line_eta2_range(b, mu, params) for b in BANDS]
    rows = [b for b in BANDS for _ in range(2)]
    edges = gap_edges(funcs, rows, np.ravel(ends), 3.0 * top + 1e-12) if top > 0 else np.zeros(4)
    for i, b in enumerate(BANDS):
        res.gap_edge[b] = (float(min(edges[2 * i : 2 * i + 2])), float(max(edges[2 * i : 2 * i + 2])))
    d_top = max(res.gap_edge[b][1] for b in BANDS)
    if gamma_fraction is not None and d_top > 0:
        gamma = gamma_fraction * d_top
    n_b = {b: 1.0 if dos_normal is None else dos_normal[b] for b in BANDS}
    res.dos_normal = n_b
    res.gamma = float(gamma)
    res.dip, res.hump = dip_hump(funcs, model, n_b, gamma, d_top)
    res.mode_energy = res.dip - d_top
    if spectrum:
        if emax is None:
            emax = (d_top if d_top == d_top else 0.0) + 2.5 * model.omega_T
        energy = np.linspace(-emax, emax, points)
        grid, take = thermal_grid(energy, gamma, sol.T)
        total = np.zeros(grid.size)
        for b, wb in zip(BANDS, w):
            dos_b = n_b[b] * _line_dos(funcs, model, b, grid, gamma)
            res.dos[b] = dos_b[take]
            if wb:
                if matrix_element == "eta4":
                    u, wt = (model.line or model.eta2)[b]
                    dos_b = n_b[b] * _line_dos(funcs, model, b, grid, gamma, wt * u**2)
                total += wb * dos_b
        res.energy = energy
        res.didv = tunneling_conductance(grid, total, sol.T)[take] if sol.T > 0 else total[take]
        res.dos_min = float(np.min(res.dos["alpha"] + res.dos["beta"]))
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
    return eliashberg_solve(
        p.fermi,
        p.V,
        p.kappa_a,
        p.kappa_b,
        omega_T,
        mu_star,
        params,
        n,
        T,
        T_fraction,
        gamma=gamma,
        emax=emax,
        points=points,
        weights=weights,
        matrix_element=matrix_element,
    )


def eliashberg_solve(
    fermi,
    V: float,
    kappa_a: float,
    kappa_b: float,
    omega_T: float,
    mu_star: float = 0.0,
    params=None,
    n: int = 24,
    T: float | None = None,
    T_fraction: float = 0.2,
    spectrum: bool = True,
    **spectrum_kw,
) -> EliashbergResult:
    """T_c, the Matsubara solution at T and its real-axis observables, from a point's Fermi level.

    The one path of every entry point (:func:`eliashberg_point`, the CLI, sweeps, fits).
    ``T`` None: ``T_fraction`` x T_c; a T_c below the solver's resolution then gives a
    result with ``Tc`` = 0, ``converged`` False and the reason in ``status``.
    ``spectrum`` and ``spectrum_kw``: :func:`eliashberg_observables`.
    """
    model = eliashberg_model(fermi, V, kappa_a, kappa_b, omega_T, params, n, mu_star)
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
    # start from the BCS gap 1.76 k_B T_c (fewer iterations than the default 0.2 omega_T at weak coupling)
    sol = solve_matsubara(model, T, delta0=1.76 * Tc if Tc > 0 else None)
    return eliashberg_observables(
        model, sol, Tc, fermi.mu, params, fermi.dos, spectrum=spectrum, **spectrum_kw
    )


__all__ = [
    "PadeFunctions",
    "pade_functions",
    "delta_from_parts",
    "gap_edges",
    "gap_edge_at",
    "DIP_POINTS",
    "DIP_POINTS_MAX",
    "DIP_WINDOW",
    "DIP_SMOOTHING",
    "dip_hump",
    "EliashbergResult",
    "eliashberg_observables",
    "eliashberg_caveats",
    "eliashberg_point",
    "eliashberg_solve",
]

"""Quasiparticle DOS, tunneling conductance and gap distributions (PHYSICS.md §5, §8).

Per spin and BZ-normalised like N of :mod:`triplon.dos`, the quasiparticle DOS of
band b with the s± gap Delta_b(k) = A_b + B_b eta_k^2 of Eqs. 14–16 is

    N_s,b(E) = < u_k^2 delta(E - E_k) + v_k^2 delta(E + E_k) >_BZ,
    E_k = sqrt(xi_k^2 + Delta_b(k)^2),  u^2, v^2 = (1 ± xi/E)/2,

with Dynes broadening Gamma (E -> z = E + i Gamma). Each k state then contributes
u^2 L(E - E_k) + v^2 L(E + E_k), L a unit Lorentzian of half-width Gamma, so the
Dynes DOS is *exactly* the Lorentzian convolution of the Gamma = 0 DOS.

Convention for the gap outside the pairing shell. The cutoff model of Eq. 14 pairs
only states with |xi| < Omega, and its gap function is zero outside:
Delta_b(k) = A_b + B_b eta_k^2 for |xi_k| < Omega and 0 otherwise. This is the
only choice consistent with the gap equation (the same states that are paired
create the gap). For |E| << Omega the choice is immaterial (the states at
|xi| > Omega contribute at |E| > Omega only); it shows as a small step near
|E| ~ Omega, an artefact of the hard cutoff.

Method (exact in the limits tested in ``tests/test_spectrum.py``). Write the
joint density of (xi, eta^2) of a band as rho(xi, u) and rho_0(u) = rho(0, u),
the distribution of u = eta^2 on the Fermi line (total N). Then

    N_s(E) = ∫ du rho_0(u) Re[z / sqrt(z^2 - Delta(u)^2)]            (I)
           + [Lorentzian convolution of S_0](E)                        (II)

(I) is the Fermi-line (flat-DOS) term: the xi-integral of the BCS spectral
function at constant DOS done analytically over the whole real line. The
distribution rho_0(u) is known in closed form (the points where the Fermi conic
meets the lines cos ky = cos kx ± sqrt(u), with their Jacobian); it is
represented by a continuous piecewise-linear density in Delta on bins graded
towards the extremes of eta^2 on the Fermi line, and the Delta-integral of the
Dynes kernel against it is done in closed form (antiderivatives z arcsin(Delta/z)
and -z^2 sqrt(1 - Delta^2/z^2)). (I) is therefore smooth for every Gamma > 0 and
exact for kappa = 0 (B = 0), where it is the Dynes BCS form N Re[z/sqrt(z^2 - Delta^2)].

(II) carries the energy dependence of the normal-state DOS and the variation of
the eta^2 distribution (hence of the gap) away from the Fermi line: S_0 is the
Gamma = 0 spectrum of rho(xi, u) with the shell convention minus the flat
continuation rho_0(u) used in (I). The shell is cut into energy cells (a uniform
grid aligned with ±Omega, cells split at van Hove energies and band edges); the
constant-energy line at each cell centre is cut into eta^2 bins with exact
weights (the same closed-form density as in (I); where the line has several
pockets, its quadrature nodes with their cells instead). Each (xi cell, eta^2
bin) puts u^2 of its weight uniformly on its range of +E and v^2 on -E; the
boxes of neighbouring cells tile the E axis, so the histogram has no sampling
ripple. The same cells carry the flat part, so the coherence-peak singularities
of the two cancel in S_0 to O(xi). Outside the shell S_0 is the normal DOS
N(mu + E) minus the closed-form flat part. S_0 is convolved with the Lorentzian
integrated exactly over each bin (FFT). In the normal state (A = B = 0) the
method returns the Lorentzian-broadened exact DOS N(mu + E).

Accuracy (tests/test_spectrum.py): exact Dynes BCS for a flat band with
kappa = 0; the Gamma -> 0 BCS DOS of the real, particle-hole asymmetric band to
~1e-4; the exact normal DOS to ~2e-4 away from van Hove energies; a brute-force
1024^2 k-grid at Gamma = 8 meV to < 1 % of N (mean 0.1 %).
At Gamma = 1 meV the sharpest peaks (a van Hove saddle mapped to E > Delta)
are converged to ~1.5 % of the peak height, the rest to ~5e-4. Where the gap varies
normal to the Fermi line, S_0 is itself singular (it moves the coherence peak
from the Fermi-line maximum of |Delta| to the true minimum of E_k); its error
then scales as (step/Gamma)^2, about 1 % at the sharpest peaks with the default
step = Gamma/2 of :func:`spectrum_point`.

Tunneling (PHYSICS.md §8): dI/dV(V) = Σ_b w_b ∫ N_s,b(E) [-∂f/∂E](E - eV) dE,
done on a uniform energy grid (spacing <= Gamma/2) with the trapezoid rule, which
converges exponentially for the analytic integrand (or with the kernel
integrated exactly against the linear interpolant when T is below the spacing).
An optional c-axis matrix element |M_k|^2 ∝ eta_k^4 weights every state by
eta^4 / <eta^4>_FS, so that the weighted DOS still tends to N at the Fermi level
in the normal state.

Energies in eV, DOS in 1/eV per spin, temperatures in eV (k_B = 1).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import fftconvolve, find_peaks

from triplon._conic import fermi_line_nodes, real_roots_quadratic
from triplon.bands import band_range, quadratic_coefficients
from triplon.dos import dos_moments, gauss_rule_of_measure
from triplon.params import BANDS, BandParams

MATRIX_ELEMENTS = (None, "eta4")
"""Allowed c-axis tunneling matrix elements: None (|M_k|^2 = 1) or "eta4" (|M_k|^2 ∝ eta_k^4)."""
GAP_MODELS = ("full", "eq16")
"""Gap models of :func:`spectrum_point`: "full" (Eq. 15 solution), "eq16" (Eq. 16 with Eq. 17 gaps)."""


# ------------------------------------------------------------ Fermi-line data


def _eta2_line_density(quad, mu: float, u) -> np.ndarray:
    """Exact density of u = eta^2 on the Fermi line: <delta(u - eta_k^2) delta(xi_k)>_BZ.

    In cx = cos kx, cy = cos ky the BZ average is (1/pi^2) ∫∫ dcx dcy /
    sqrt((1 - cx^2)(1 - cy^2)) over the reduced square; the two delta functions
    pick the points where the Fermi conic meets the lines cy = cx ± sqrt(u), with
    the Jacobian J = ∂(xi, u)/∂(cx, cy) = -2 (cx - cy)(xi_x + xi_y).

    Returns 1/eV per unit eta^2 at each u > 0 (vectorised over u).
    """
    A, b0, b1, c1, c0 = quad.A, quad.b0, quad.b1, quad.c1, quad.c0 - mu
    u = np.asarray(u, dtype=float)
    s = np.sqrt(np.maximum(u, 0.0))
    out = np.zeros(u.shape)
    a2 = 2 * A + b1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for d in (s, -s):
            # xi(cx, cx + d) = a2 cx^2 + a1 cx + a0
            a1 = 2 * A * d + b0 + b1 * d + c1
            a0 = A * d * d + b0 * d + c0
            if a2 == 0.0:
                roots = [-a0 / a1]
            else:
                disc = a1 * a1 - 4 * a2 * a0
                sq = np.sqrt(np.where(disc >= 0, disc, np.nan))
                q = -0.5 * (a1 + np.copysign(sq, a1))
                roots = [q / a2, np.where(q != 0, a0 / q, np.nan)]
            for cx in roots:
                cy = cx + d
                ok = np.isfinite(cx) & (np.abs(cx) < 1) & (np.abs(cy) < 1)
                xx = 2 * A * cx + b1 * cy + c1
                xy = 2 * A * cy + b0 + b1 * cx
                jac = np.abs(2.0 * (cx - cy) * (xx + xy)) * np.sqrt((1 - cx * cx) * (1 - cy * cy))
                out += np.where(ok, 1.0 / jac, 0.0)
    return out / np.pi**2


def _line_bins(quad, mu, u_min, u_max, bins: int):
    """eta^2 bins graded towards both extremes, exact density at the edges and exact bin weights.

    The weights come from Gauss–Legendre in t, u = u_min + (u_max - u_min)(1 - cos pi t)/2,
    where du/dt cancels the 1/sqrt end-point singularities of the density.
    ``mu``, ``u_min``, ``u_max`` may be arrays of shape (n,) (one line each); the
    results then have a leading axis n.
    """
    mu, u_min, u_max = (np.asarray(x, dtype=float)[..., None] for x in (mu, u_min, u_max))
    t = np.linspace(0.0, 1.0, bins + 1)
    edges = u_min + (u_max - u_min) * 0.5 * (1.0 - np.cos(np.pi * t))
    dens = _eta2_line_density(quad, mu, edges)
    gx, gw = _GAUSS6
    tt = (t[:-1, None] + 0.5 * (gx + 1.0) / bins).ravel()
    uu = u_min + (u_max - u_min) * 0.5 * (1.0 - np.cos(np.pi * tt))
    dudt = (u_max - u_min) * 0.5 * np.pi * np.sin(np.pi * tt)
    w = _eta2_line_density(quad, mu, uu) * dudt * np.tile(gw, bins) * 0.5 / bins
    return edges, dens, w.reshape(*w.shape[:-1], bins, gx.size).sum(-1)


_GAUSS6 = np.polynomial.legendre.leggauss(6)


def _eta2_line_extremes(quad, mu: float, u_nodes: np.ndarray) -> tuple[float, float]:
    """Smallest and largest eta^2 on the Fermi line.

    Exact candidates: the crossing of the zone diagonal (cx = cy, eta = 0) and the
    crossings of the zone axes (cx = ±1 or cy = ±1); interior tangencies are
    represented by the dense quadrature nodes ``u_nodes``. The Fermi line need not
    cross the diagonal (then the minimum is > 0).
    """
    A, b0, b1, c1, c0 = quad.A, quad.b0, quad.b1, quad.c1, quad.c0 - mu
    cand = list(u_nodes)
    for c in real_roots_quadratic(2 * A + b1, b0 + c1, c0):  # diagonal
        if -1.0 <= c <= 1.0:
            cand.append(0.0)
    for s in (-1.0, 1.0):  # cy = s; by symmetry cx = s gives the same eta^2
        for cx in real_roots_quadratic(A, b1 * s + c1, A * s * s + b0 * s + c0):
            if -1.0 <= cx <= 1.0:
                cand.append((cx - s) ** 2)
    return float(min(cand)), float(max(cand))


@dataclass(frozen=True)
class BandSpectralData:
    """Band-structure data of one band for :func:`quasiparticle_dos` (independent of the gap).

    Attributes
    ----------
    band : str
    mu, omega : float
        Chemical potential and pairing cutoff (eV).
    dos, dos_eta4 : float
        N and <eta^4 delta(xi)> at the Fermi level (1/eV per spin).
    eta2_min, eta2_max : float
        Extremes of eta^2 on the Fermi line.
    line_eta2, line_weight : ndarray
        Dense Fermi-line nodes: eta^2 and weights (1/eV; sum N).
    edges : ndarray, shape (M + 1,)
        eta^2 bin edges graded towards both extremes.
    edge_density : ndarray, shape (M + 1,)
        Exact Fermi-line density of eta^2 at the edges (1/eV per unit eta^2);
        sets the slope of the density inside each interior bin.
    bin_mass : ndarray, shape (M,)
        Exact Fermi-line weight (1/eV) of each bin (sum N).
    step : float
        Energy bin width of the S_0 grid (eV); ±omega are bin edges.
    lo : float
        Lower edge of the S_0 grid (eV, relative to mu).
    nbins : int
        Number of S_0 bins.
    shell_xi, shell_dxi : ndarray, shape (ns,)
        Energy nodes of term (II) inside the shell and their widths (eV): the
        midpoints of the grid bins, with bins that contain a van Hove energy or
        band edge split there (midpoint rule exact for the steps of N).
        Bin centres inside the shell (eV).
    rule_eta2, rule_weight : ndarray, shape (ns, k)
        Gaussian rule in eta^2 of the constant-energy line at each shell_xi
        (weights 1/eV, sum N(mu + xi)).
    rule0_eta2, rule0_weight : ndarray, shape (k,)
        The same rule on the Fermi line.
    flat_eta2, flat_weight : ndarray
        8-node Gaussian rule in eta^2 of the Fermi line, for the smooth flat
        continuation outside the shell.
    rule_cells, rule0_cells : tuple of ndarray
        (lower, upper) eta^2 of the cell of each rule node (midpoints between
        nodes, the line's extremes at the ends); each node's weight is spread
        uniformly over its cell so that S_0 has no kinks at discrete gaps.
    outer_dos, outer_dos_eta4 : ndarray, shape (nbins,)
        N(mu + E) and its eta^4 moment at the bin centres outside the shell (0 inside).
    """

    band: str
    mu: float
    omega: float
    dos: float
    dos_eta4: float
    eta2_min: float
    eta2_max: float
    line_eta2: np.ndarray
    line_weight: np.ndarray
    edges: np.ndarray
    edge_density: np.ndarray
    bin_mass: np.ndarray
    step: float
    lo: float
    nbins: int
    shell_xi: np.ndarray
    shell_dxi: np.ndarray
    rule_eta2: np.ndarray
    rule_weight: np.ndarray
    rule0_eta2: np.ndarray
    rule0_weight: np.ndarray
    outer_dos: np.ndarray
    outer_dos_eta4: np.ndarray
    rule_cells: tuple = ()
    rule0_cells: tuple = ()
    flat_eta2: np.ndarray = field(default_factory=lambda: np.zeros(0))
    flat_weight: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def centres(self) -> np.ndarray:
        return self.lo + (np.arange(self.nbins) + 0.5) * self.step


def _cells(nodes: np.ndarray, lo: float, hi: float):
    """Cells [lower, upper] around sorted nodes: midpoints inside, lo and hi at the ends."""
    mid = 0.5 * (nodes[1:] + nodes[:-1])
    return np.concatenate([[lo], mid]), np.concatenate([mid, [hi]])


def prepare_band(
    band: str,
    mu: float,
    omega: float,
    params: BandParams | None = None,
    step: float = 1e-3,
    n_line: int = 64,
    n_eta: int = 0,
    n_shell: int = 8,
    shell_bins: int = 64,
    bins: int = 48,
    outer_step: float = 0.01,
) -> BandSpectralData:
    """Precompute the gap-independent data of one band (see :class:`BandSpectralData`).

    Parameters
    ----------
    band : {"alpha", "beta"}
    mu : float
        Chemical potential (eV).
    omega : float
        Pairing cutoff Omega (eV).
    params : BandParams, optional
    step : float
        Energy grid of term (II) (eV); rounded so that Omega/step is an integer.
    n_line : int
        Gauss nodes per smooth piece of the dense Fermi-line quadrature.
    n_eta : int
        0 (default): term (II) splits each constant-energy line into
        ``shell_bins`` eta^2 bins with exact weights (same construction as term
        (I)), each spread uniformly over its quasiparticle energies; > 0: a
        Gaussian rule in eta^2 with that many nodes instead (less exact).
    n_shell : int
        Gauss nodes per smooth piece of the constant-energy lines (their
        eta^2 extremes; the Gaussian rules).
    shell_bins : int
        eta^2 bins per constant-energy line of term (II).
    bins : int
        Number of eta^2 bins of term (I) (graded towards the extremes).
    outer_step : float
        Spacing (eV) of the exact DOS table outside the shell within 0.1 eV of it
        (5 x coarser beyond), interpolated linearly; it enters the window
        |E| < Omega only through Lorentzian tails.

    Returns
    -------
    BandSpectralData
        Gap-independent data of the band; reuse it for every gap at this mu and Omega.
    """
    if band not in BANDS:
        raise ValueError(f"band must be one of {BANDS}, got {band!r}")
    if not (omega > 0 and math.isfinite(omega)):
        raise ValueError(f"omega must be > 0 eV, got {omega!r}")
    if not (0 < step <= omega / 4):
        raise ValueError(f"step must be in (0, omega/4] eV, got {step!r}")
    quad = quadratic_coefficients(band, params)
    e_lo, e_hi = band_range(band, params)
    if not e_lo < mu < e_hi:
        raise ValueError(f"band {band} has no Fermi line at mu = {mu:.6g} eV")
    cx, cy, w = fermi_line_nodes(quad, mu, n_line)
    u = (cx - cy) ** 2
    N = float(w.sum())
    u_min, u_max = _eta2_line_extremes(quad, mu, u)
    # term (I): bins graded like a cosine map towards both extremes
    edges, dens, mass = _line_bins(quad, mu, u_min, u_max, bins)
    # term (II): energy grid aligned with ±omega
    nsh = max(2, int(round(omega / step)))
    h = omega / nsh
    n_below = int(math.ceil((omega - (e_lo - mu)) / h)) + 2
    n_above = int(math.ceil((e_hi - mu - omega) / h)) + 2
    lo = -omega - n_below * h
    nbins = n_below + 2 * nsh + n_above
    centres = lo + (np.arange(nbins) + 0.5) * h
    inside = np.abs(centres) < omega
    cuts = [c - mu for c in quad.critical_values() if abs(c - mu) < omega]
    pieces = []
    for c in centres[inside]:
        a, b = c - 0.5 * h, c + 0.5 * h
        inner = sorted(x for x in cuts if a < x < b)
        pts = [a, *inner, b]
        pieces += list(zip(pts[:-1], pts[1:]))
    pieces = np.array(pieces)
    shell_xi = pieces.mean(axis=1)
    shell_dxi = pieces[:, 1] - pieces[:, 0]
    inband = (e_lo < mu + shell_xi) & (mu + shell_xi < e_hi)
    k = n_eta or shell_bins
    ru, rw, rlo, rhi = (np.zeros((shell_xi.size, k)) for _ in range(4))

    def line(x, n):
        lcx, lcy, lw = fermi_line_nodes(quad, mu + x, n)
        lu = (lcx - lcy) ** 2
        return lu, lw, *_eta2_line_extremes(quad, mu + x, lu)

    if n_eta:
        for i in np.flatnonzero(inband):
            lu, lw, lo_u, hi_u = line(shell_xi[i], n_shell)
            nodes, wts = gauss_rule_of_measure(lu, lw, n_eta)
            m = nodes.size
            ru[i, :m], rw[i, :m] = nodes, wts
            rlo[i, :m], rhi[i, :m] = _cells(nodes, lo_u, hi_u)
    elif inband.any():
        # exact eta^2 bins of every constant-energy line, all lines at once, between the
        # exact extremes (zone diagonal and axes). Quadrature lines on a coarse subset
        # give N(xi); a line whose bins miss weight (an interior extremum of eta^2, or
        # several pockets with interior 1/sqrt points) is redone from its own nodes.
        idx = np.flatnonzero(inband)
        ext = np.array([_eta2_line_extremes(quad, mu + shell_xi[i], np.zeros(0)) for i in idx])
        ed, _, ms = _line_bins(quad, mu + shell_xi[idx], ext[:, 0], ext[:, 1], shell_bins)
        every = max(1, int(round(2e-3 / h)))
        sub = np.unique(np.concatenate([np.arange(0, idx.size, every), [idx.size - 1]]))
        n_sub = np.array([fermi_line_nodes(quad, mu + shell_xi[idx[j]], n_shell)[2].sum() for j in sub])
        n_est = np.interp(shell_xi[idx], shell_xi[idx[sub]], n_sub)
        for j in np.flatnonzero(np.abs(ms.sum(axis=1) / n_est - 1.0) > 1e-4):
            x = shell_xi[idx[j]]
            lu, lw, lo_u, hi_u = line(x, n_shell)
            e1, _, m1 = _line_bins(quad, mu + x, lo_u, hi_u, shell_bins)
            if abs(m1.sum() / lw.sum() - 1.0) > 1e-7:
                # weights of the bins from a dense quadrature (cumulative weight through
                # the midpoints between the sorted nodes)
                lu, lw, _, _ = line(x, 2 * n_line)
                o = np.argsort(lu)
                us = lu[o]
                mids = np.concatenate([[us[0]], 0.5 * (us[1:] + us[:-1]), [us[-1]]])
                cdf = np.concatenate([[0.0], np.cumsum(lw[o])])
                m1 = np.diff(np.interp(e1, mids, cdf))
            ed[j], ms[j] = e1, m1
        rw[idx] = ms
        rlo[idx], rhi[idx] = ed[:, :-1], ed[:, 1:]
        ru[idx] = 0.5 * (rlo[idx] + rhi[idx])
    if n_eta:
        r0u, r0w = gauss_rule_of_measure(u, w, n_eta)
        r0lo, r0hi = _cells(r0u, u_min, u_max)
    else:
        ed, _, r0w = _line_bins(quad, mu, u_min, u_max, shell_bins)
        r0u, r0lo, r0hi = 0.5 * (ed[1:] + ed[:-1]), ed[:-1], ed[1:]
    f_u, f_w = gauss_rule_of_measure(u, w, 8)
    # exact DOS outside the shell on a coarse table (only Lorentzian tails reach |E| < omega)
    out_c = centres[~inside]
    table_e = np.arange(lo, lo + nbins * h + 5 * outer_step, 5 * outer_step)  # far tails: coarse
    near = np.arange(-omega - 0.1, omega + 0.1 + outer_step / 2, outer_step)
    table_e = np.union1d(np.union1d(table_e, near), [e_lo - mu, e_hi - mu])
    table = np.array([dos_moments(band, mu + e, params, (0, 4), 12) for e in table_e])
    outer = np.zeros(nbins)
    outer4 = np.zeros(nbins)
    outer[~inside] = np.interp(out_c, table_e, table[:, 0])
    outer4[~inside] = np.interp(out_c, table_e, table[:, 1])
    return BandSpectralData(
        band=band,
        mu=float(mu),
        omega=float(omega),
        dos=N,
        dos_eta4=float(w @ (u * u)),
        eta2_min=u_min,
        eta2_max=u_max,
        line_eta2=u,
        line_weight=w,
        edges=edges,
        edge_density=dens,
        bin_mass=mass,
        step=h,
        lo=lo,
        nbins=nbins,
        shell_xi=shell_xi,
        shell_dxi=shell_dxi,
        rule_eta2=ru,
        rule_weight=rw,
        rule0_eta2=r0u,
        rule0_weight=r0w,
        rule_cells=(rlo, rhi),
        rule0_cells=(r0lo, r0hi),
        flat_eta2=f_u,
        flat_weight=f_w,
        outer_dos=outer,
        outer_dos_eta4=outer4,
    )


def flat_band_data(
    dos: float,
    omega: float,
    eta2_max: float = 1.0,
    step: float = 2e-3,
    bins: int = 48,
    n_eta: int = 12,
    width=2.0,
) -> BandSpectralData:
    """Synthetic band with an energy-independent DOS for closed-form checks.

    The normal DOS is ``dos`` for |E| < ``width`` (eV), and on every constant-energy
    line eta^2 = eta2_max cos^2(2 theta) with theta uniform (a circular Fermi
    line): the arcsine distribution, density dos / (pi sqrt(u (eta2_max - u))),
    with the 1/sqrt end points of a real Fermi line at both extremes.

    Parameters
    ----------
    dos : float
        Normal-state DOS (1/eV per spin), constant for |E| < ``width``.
    omega : float
        Pairing cutoff Omega (eV).
    eta2_max : float
        Largest eta^2 on every constant-energy line (dimensionless).
    step : float
        Energy grid of term (II) (eV); rounded so that Omega/step is an integer.
    bins : int
        Number of eta^2 bins of term (I).
    n_eta : int
        Nodes of the Gaussian rule in eta^2 of term (II).
    width : float
        Half-width of the band (eV): the DOS is zero for |E| > width.

    Returns
    -------
    BandSpectralData
        Data for :func:`quasiparticle_dos`, band label "alpha", mu = 0.
    """
    t = np.linspace(0.0, 1.0, bins + 1)
    edges = eta2_max * 0.5 * (1.0 - np.cos(np.pi * t))
    with np.errstate(divide="ignore"):
        dens = dos / (np.pi * np.sqrt(edges * (eta2_max - edges)))
    cdf = (2.0 / np.pi) * np.arcsin(np.sqrt(edges / eta2_max))
    mass = dos * np.diff(cdf)
    # Gauss rule of the arcsine law: Chebyshev nodes, equal weights
    th = (np.arange(n_eta) + 0.5) * np.pi / n_eta
    r_u = np.sort(eta2_max * 0.5 * (1.0 + np.cos(th)))
    r_w = np.full(n_eta, dos / n_eta)
    lo_c, hi_c = _cells(r_u, 0.0, eta2_max)
    nsh = max(2, int(round(omega / step)))
    h = omega / nsh
    n_out = int(math.ceil((width - omega) / h)) + 2
    lo = -omega - n_out * h
    nbins = 2 * n_out + 2 * nsh
    centres = lo + (np.arange(nbins) + 0.5) * h
    inside = np.abs(centres) < omega
    ns = int(inside.sum())
    outer = np.where(~inside & (np.abs(centres) < width), dos, 0.0)
    return BandSpectralData(
        band="alpha",
        mu=0.0,
        omega=float(omega),
        dos=float(dos),
        dos_eta4=float(dos * 3.0 / 8.0 * eta2_max**2),
        eta2_min=0.0,
        eta2_max=float(eta2_max),
        line_eta2=eta2_max * 0.5 * (1.0 - np.cos(np.pi * (np.arange(4000) + 0.5) / 4000)),
        line_weight=np.full(4000, dos / 4000),
        edges=edges,
        edge_density=dens,
        bin_mass=mass,
        step=h,
        lo=lo,
        nbins=nbins,
        shell_xi=centres[inside],
        shell_dxi=np.full(ns, h),
        rule_eta2=np.tile(r_u, (ns, 1)),
        rule_weight=np.tile(r_w, (ns, 1)),
        rule0_eta2=r_u,
        rule0_weight=r_w,
        outer_dos=outer,
        outer_dos_eta4=outer * 3.0 / 8.0 * eta2_max**2,
        rule_cells=(np.tile(lo_c, (ns, 1)), np.tile(hi_c, (ns, 1))),
        rule0_cells=(lo_c, hi_c),
        flat_eta2=r_u,
        flat_weight=r_w,
    )


# ------------------------------------------------------------ gap distribution


def gap_extremes(data: BandSpectralData, A: float, B: float) -> tuple[float, float]:
    """Smallest and largest |Delta| = |A + B eta^2| on the Fermi line (eV).

    Parameters
    ----------
    data : BandSpectralData
        Band data (its exact eta^2 range on the Fermi line).
    A, B : float
        Gap coefficients of Delta_b(k) = A_b + B_b eta_k^2 (eV, Eq. 15).

    Returns
    -------
    (float, float)
        min and max of |Delta| on the Fermi line (eV); the minimum is 0 when
        the gap changes sign on the line.
    """
    g = [abs(A + B * data.eta2_min), abs(A + B * data.eta2_max)]
    lo, hi = min(g), max(g)
    if B != 0 and data.eta2_min < -A / B < data.eta2_max:  # a node of the gap on the line
        lo = 0.0
    return float(lo), float(hi)


def gap_distribution(data: BandSpectralData, A: float, B: float, bins: int = 60):
    """Distribution of |Delta_b| on the Fermi line weighted by the local DOS dl/|∇xi|.

    Parameters
    ----------
    data : BandSpectralData
    A, B : float
        Gap coefficients Delta(k) = A + B eta_k^2 (eV).
    bins : int
        Number of equal bins between the smallest and the largest |Delta|.

    Returns
    -------
    edges : ndarray, shape (bins + 1,)
        Bin edges in |Delta| (eV).
    weights : ndarray, shape (bins,)
        Fermi-line weight in each bin (1/eV per spin); they sum to N.
    gap_min, gap_max : float
        Smallest and largest |Delta| on the Fermi sheet (eV).
    """
    gmin, gmax = gap_extremes(data, A, B)
    width = max(gmax - gmin, 1e-12 * max(gmax, 1e-300), 1e-300)
    edges = gmin + width * np.linspace(0.0, 1.0, bins + 1)
    g = np.abs(A + B * data.line_eta2)
    idx = np.clip(((g - gmin) / width * bins).astype(int), 0, bins - 1)
    weights = np.bincount(idx, weights=data.line_weight, minlength=bins)
    return edges, weights, gmin, gmax


# ------------------------------------------------------------- DOS kernels


def _term_one(z: np.ndarray, data: BandSpectralData, A: float, B: float, eta4: bool) -> np.ndarray:
    """∫ du rho_0(u) Re[z/sqrt(z^2 - Delta(u)^2)], density linear in Delta inside each bin.

    Each bin keeps its exact weight; interior bins take the slope of the exact
    density between their edges, the two end bins (1/sqrt end-point singularity)
    are flat.
    """
    e = data.edges
    du = np.diff(e)
    mid = 0.5 * (e[1:] + e[:-1])
    mass = data.bin_mass.copy()
    slope = np.zeros(mass.size)  # d(density)/du
    slope[1:-1] = np.diff(data.edge_density)[1:-1] / du[1:-1]
    if eta4:  # density times u^2: weight and slope of the product at the bin centre
        slope = slope * mid * mid + 2.0 * mid * mass / du
        mass = mass * (mid * mid + du * du / 12.0)
    z = z[:, None]
    if abs(B) * (e[-1] - e[0]) <= 1e-9 * max(abs(A), 1e-300):  # isotropic gap: the BCS form
        return np.real(1.0 / np.sqrt(1.0 - (A / z[:, 0]) ** 2)) * mass.sum()
    delta = A + B * e
    w = delta / z
    f0 = np.real(z * np.arcsin(w))  # ∫ K dDelta, K = Re[1/sqrt(1 - Delta^2/z^2)]
    f1 = np.real(-z * z * np.sqrt(1.0 - w * w))  # ∫ Delta K dDelta
    # density in u inside bin b: mass/du + slope (u - mid) = p + q Delta with Delta = A + B u
    q = slope / B
    p = mass / du - q * (A + B * mid)
    return ((p * np.diff(f0, axis=1) + q * np.diff(f1, axis=1)) / B).sum(axis=1)


def _hat_kernel(phi, n: int, h: float) -> np.ndarray:
    """c_j = ∫ hat(x - j h) k(x) dx, j = -n..n, from an antiderivative pair: phi'' = k."""
    x = np.arange(-n - 1, n + 2) * h
    p = phi(x)
    return (p[2:] - 2.0 * p[1:-1] + p[:-2]) / h


def _lorentz_phi(gamma):
    """Second antiderivative of the unit Lorentzian of half-width gamma."""

    def phi(x):
        return (x * np.arctan(x / gamma) - 0.5 * gamma * np.log(x * x + gamma * gamma)) / np.pi

    return phi


def _fermi_phi(T):
    """Second antiderivative of -∂f/∂x: Phi(x) = T log(1 + e^(-x/T)) (Phi'' = -f')."""

    def phi(x):
        return T * np.logaddexp(0.0, -x / T)

    return phi


def _term_two(data: BandSpectralData, A: float, B: float, gamma: float, eta4: bool):
    """Lorentzian-broadened S_0 on the bin centres of ``data`` (1/eV); returns (centres, values).

    Every rule node spreads its weight uniformly over the quasiparticle energies
    of its eta^2 cell ("box" deposition: bin masses of a piecewise-constant
    density, accumulated through second differences in O(nodes)).
    """
    h, lo, nb = data.step, data.lo, data.nbins
    xi = data.shell_xi[:, None]
    xa = (data.shell_xi - 0.5 * data.shell_dxi)[:, None]
    xb = (data.shell_xi + 0.5 * data.shell_dxi)[:, None]
    # |xi| range of each energy cell (0 if the cell contains xi = 0)
    x2min = np.where(xa * xb < 0, 0.0, np.minimum(xa * xa, xb * xb))
    x2max = np.maximum(xa * xa, xb * xb)
    idx, wts = [], []

    def add_boxes(ea, eb, weights):
        # each box spread uniformly over [ea, eb]: its cumulative weight is a difference
        # of two ramps, deposited as second differences at both ends (linear weights)
        width = np.maximum(eb - ea, 1e-9 * h)  # boxes of neighbouring xi cells tile the E axis
        for centre, w in weights:
            c = w * h / width
            for end, sg in ((centre - 0.5 * width, 1.0), (centre + 0.5 * width, -1.0)):
                q = np.clip((end - lo) / h, 0.0, nb)
                j = np.minimum(np.floor(q), nb - 1)
                f = (q - j).ravel()
                j = j.astype(np.intp).ravel()
                wv = (sg * c).ravel()
                idx.extend((j, j + 1))
                wts.extend((wv * (1.0 - f), wv * f))

    def e_range(cells, x2lo, x2hi):
        ca, cb = A + B * cells[0], A + B * cells[1]
        d2min = np.where(ca * cb < 0, 0.0, np.minimum(ca * ca, cb * cb))
        d2max = np.maximum(ca * ca, cb * cb)
        return np.sqrt(x2lo + d2min), np.sqrt(x2hi + d2max)

    # rho(xi, u) with the shell convention: u^2 at +E, v^2 at -E
    uu = data.rule_eta2
    ea, eb = e_range(data.rule_cells, x2min, x2max)
    delta = A + B * uu
    E = np.sqrt(xi * xi + delta * delta)
    u2 = 0.5 + 0.5 * np.divide(np.broadcast_to(xi, E.shape), E, out=np.zeros_like(E), where=E > 0)
    m = data.rule_weight * (uu * uu if eta4 else 1.0) * data.shell_dxi[:, None]
    mid = 0.5 * (ea + eb)
    add_boxes(ea, eb, ((mid, m * u2), (-mid, m * (1.0 - u2))))
    # minus the flat continuation rho_0(u) on the symmetric uniform cells: xi and -xi
    # give the same boxes with u^2 + v^2 = 1, so each positive cell puts its weight on ±E
    nsh = int(round(data.omega / h))
    xp = (np.arange(nsh) + 0.5)[:, None] * h
    ea, eb = e_range(data.rule0_cells, (xp - 0.5 * h) ** 2, (xp + 0.5 * h) ** 2)
    m0 = -np.broadcast_to(data.rule0_weight * (data.rule0_eta2**2 if eta4 else 1.0) * h, ea.shape)
    mid = 0.5 * (ea + eb)
    n_rho = len(idx)
    add_boxes(ea, eb, ((mid, m0),))  # +E only; -E is its mirror image on the grid
    dd = np.bincount(np.concatenate(idx[:n_rho]), weights=np.concatenate(wts[:n_rho]), minlength=nb + 2)
    d0 = np.bincount(np.concatenate(idx[n_rho:]), weights=np.concatenate(wts[n_rho:]), minlength=nb + 2)
    s0 = np.cumsum(dd)[:nb] / h
    flat_plus = np.cumsum(d0)[:nb] / h
    # bin j (centre c_j) mirrors to bin K - 1 - j (centre -c_j): ±omega are bin edges
    K = int(round(-2.0 * lo / h))
    j = np.arange(nb)
    jm = K - 1 - j
    ok = (jm >= 0) & (jm < nb)
    s0 += flat_plus
    s0[ok] += flat_plus[jm[ok]]
    c = data.centres
    s0 += data.outer_dos_eta4 if eta4 else data.outer_dos
    # flat continuation outside the shell:
    # -Σ_k W_k |E|/sqrt(E^2 - Delta_k^2) for |E| > sqrt(Omega^2 + Delta_k^2)
    d0 = A + B * data.flat_eta2
    w0 = data.flat_weight * (data.flat_eta2**2 if eta4 else 1.0)
    out = np.abs(c) > data.omega
    a = np.abs(c[out])[:, None]
    thr = np.sqrt(data.omega**2 + d0 * d0)
    with np.errstate(invalid="ignore", divide="ignore"):
        flat = np.where(a > thr, a / np.sqrt(np.maximum(a * a - d0 * d0, 1e-300)), 0.0)
    s0[out] -= flat @ w0
    total = (data.rule0_weight * (data.rule0_eta2**2 if eta4 else 1.0)).sum()
    # L * (S_0 + N0) on the grid, S_0 + N0 ≈ 0 beyond it; L * (-N0) = -N0
    ker = _hat_kernel(_lorentz_phi(gamma), nb - 1, h)
    conv = fftconvolve(s0 + total, ker, mode="full")[nb - 1 : 2 * nb - 1]
    return c, conv - total


def quasiparticle_dos(
    energy, data: BandSpectralData, A: float, B: float, gamma: float = 1e-3, matrix_element=None
) -> np.ndarray:
    """Dynes-broadened quasiparticle DOS N_s,b(E) of one band (PHYSICS.md §8, Eqs. 14–16).

    Parameters
    ----------
    energy : array_like
        Energies E relative to the Fermi level (eV), any shape.
    data : BandSpectralData
        From :func:`prepare_band`.
    A, B : float
        Gap Delta_b(k) = A + B eta_k^2 inside the shell (eV); 0, 0 for the normal state.
    gamma : float
        Dynes broadening Gamma > 0 (eV).
    matrix_element : {None, "eta4"}
        With "eta4" every state is weighted by eta_k^4 / <eta^4>_FS (c-axis tunneling).

    Returns
    -------
    ndarray, same shape as ``energy``
        N_s,b(E) in 1/eV per spin, BZ-normalised like N.
    """
    if not (gamma > 0 and math.isfinite(gamma)):
        raise ValueError(f"gamma must be > 0 eV, got {gamma!r}")
    if matrix_element not in MATRIX_ELEMENTS:
        raise ValueError(f"matrix_element must be one of {MATRIX_ELEMENTS}, got {matrix_element!r}")
    eta4 = matrix_element == "eta4"
    E = np.asarray(energy, dtype=float)
    z = E.ravel() + 1j * gamma
    one = _term_one(z, data, A, B, eta4)
    c, two = _term_two(data, A, B, gamma, eta4)
    out = one + np.interp(E.ravel(), c, two)
    if eta4:
        out = out / (data.dos_eta4 / data.dos)
    return out.reshape(E.shape)


def thermal_kernel(energy, T: float) -> np.ndarray:
    """-∂f/∂E = (1/4T) sech^2(E/2T) (1/eV), the thermal broadening of tunneling.

    Parameters
    ----------
    energy : array_like
        Energies E (eV).
    T : float
        Temperature k_B T (eV), > 0.

    Returns
    -------
    ndarray
        The kernel at ``energy`` (1/eV; unit area over E).
    """
    x = np.asarray(energy, dtype=float) / (2.0 * T)
    return 1.0 / (4.0 * T * np.cosh(np.clip(x, -350, 350)) ** 2)


def tunneling_conductance(energy, dos, T: float, trapezoid: bool | None = None) -> np.ndarray:
    """dI/dV(V) = ∫ N(E) [-∂f/∂E](E - eV) dE on a uniform energy grid (PHYSICS.md §8).

    Parameters
    ----------
    energy : ndarray, shape (n,)
        Uniform grid (eV); the result is given at V = energy (volts = eV/e).
        Beyond the grid the DOS is continued with its end values.
    dos : ndarray, shape (..., n)
        DOS on the grid (1/eV); the last axis is convolved.
    T : float
        Temperature (eV); T = 0 returns ``dos`` unchanged.
    trapezoid : bool, optional
        Trapezoid rule with kernel samples (exponentially accurate for analytic
        DOS when the spacing is below ~T) or, if False, the kernel integrated
        exactly against the piecewise-linear interpolant of the DOS. Default:
        trapezoid when the spacing is <= T.

    Returns
    -------
    ndarray, shape of ``dos``
        dI/dV in units of the DOS (normalised so that a constant DOS is unchanged).
    """
    e = np.asarray(energy, dtype=float)
    d = np.asarray(dos, dtype=float)
    if not (T >= 0 and math.isfinite(T)):
        raise ValueError(f"T must be >= 0 eV, got {T!r}")
    if T == 0:
        return d.copy()
    h = (e[-1] - e[0]) / (e.size - 1)
    if not np.allclose(np.diff(e), h, rtol=1e-6, atol=0):
        raise ValueError("tunneling_conductance needs a uniform energy grid")
    if trapezoid is None:
        trapezoid = h <= T
    npad = int(math.ceil(40.0 * T / h)) + 1  # sech^2 tail below e^-40 relative
    pad = [(0, 0)] * (d.ndim - 1) + [(npad, npad)]
    dp = np.pad(d, pad, mode="edge")
    if trapezoid:
        ker = h * thermal_kernel(np.arange(-npad, npad + 1) * h, T)
    else:
        ker = _hat_kernel(_fermi_phi(T), npad, h)
    ker = ker / ker.sum()  # exact normalisation of the discrete kernel
    shape = (1,) * (d.ndim - 1) + (ker.size,)
    out = fftconvolve(dp, ker.reshape(shape), mode="same", axes=-1)
    return out[..., npad : npad + e.size]


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
        "ok", or why the gaps are missing or not converged.
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
            "parameters",
        ]
        return {k: clean(getattr(self, k)) for k in keys}


def find_coherence_peaks(energy, didv, extremes: dict, prominence: float = 0.01, tolerance: float = 0.0):
    """Coherence peaks of a spectrum at E > 0 and the gap extremum nearest to each.

    Parameters
    ----------
    energy, didv : ndarray
        Spectrum (eV, any units).
    extremes : dict
        {label: energy (eV)} of the candidate gap extrema, e.g. {"alpha max": 0.22}.
    prominence : float
        Minimum prominence relative to the largest value of ``didv``.
    tolerance : float
        A peak farther than max(tolerance, 6 % of the extremum) (eV) from its
        nearest extremum is labelled "none" (e.g. a van Hove peak).

    Returns
    -------
    peaks : ndarray
        Positive peak energies (eV), ascending.
    sources : list of str
        Label of the nearest extremum for each peak.
    """
    e = np.asarray(energy)
    y = np.asarray(didv)
    pos = e > 0
    if not pos.any() or not np.all(np.isfinite(y)):
        return np.zeros(0), []
    idx, _ = find_peaks(y[pos], prominence=prominence * float(np.max(np.abs(y))))
    ep = e[pos]
    peaks = []
    for i in idx:  # parabolic refinement of the maximum
        if 0 < i < ep.size - 1:
            y0, y1, y2 = y[pos][i - 1 : i + 2]
            den = y0 - 2 * y1 + y2
            off = 0.5 * (y0 - y2) / den if den != 0 else 0.0
            peaks.append(ep[i] + off * (ep[1] - ep[0]))
        else:
            peaks.append(ep[i])
    labels = list(extremes)
    vals = np.array([extremes[k] for k in labels])
    sources = []
    for p in peaks:
        i = int(np.argmin(np.abs(vals - p))) if vals.size else -1
        near = i >= 0 and abs(vals[i] - p) <= max(tolerance, 0.06 * vals[i])
        sources.append(labels[i] if near else "none")
    return np.array(peaks), sources


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
    if not (T >= 0 and math.isfinite(T)):
        raise ValueError(f"T must be >= 0 eV, got {T!r}")
    if not (gamma > 0 and math.isfinite(gamma)):
        raise ValueError(f"gamma must be > 0 eV, got {gamma!r}")
    if not (isinstance(points, (int, np.integer)) and 3 <= points <= 100001):
        raise ValueError(f"points must be an integer in [3, 100001], got {points!r}")
    if matrix_element not in MATRIX_ELEMENTS:
        raise ValueError(f"matrix_element must be one of {MATRIX_ELEMENTS}, got {matrix_element!r}")
    w = (1.0, 1.0) if weights is None else tuple(float(x) for x in weights)
    if len(w) != 2 or not all(math.isfinite(x) and x >= 0 for x in w) or sum(w) == 0:
        raise ValueError(f"weights must be two numbers >= 0, not both 0, got {weights!r}")
    ext = {b: gap_extremes(data[b], *gaps[b]) for b in BANDS}
    if emax is None:
        gmax = max(e[1] for e in ext.values())
        emax = 1.6 * gmax if gmax > 0 else 0.05
    if not (emax > 0 and math.isfinite(emax)):
        raise ValueError(f"emax must be > 0 eV, got {emax!r}")
    energy = np.linspace(-emax, emax, points)
    if T > 0:
        # fine grid containing the output energies, spacing <= gamma/2, padded by the thermal tail
        m = min(64, max(1, int(math.ceil((energy[1] - energy[0]) / (0.5 * gamma)))))
        h = (energy[1] - energy[0]) / m
        npad = int(math.ceil(30.0 * T / h)) + 2  # sech^2 tail e^-30
        grid = energy[0] + h * np.arange(-npad, (points - 1) * m + npad + 1)
        take = slice(npad, npad + (points - 1) * m + 1, m)
    else:
        grid, take = energy, slice(None)
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
    kappa=0.75,
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
        Kondo-to-Hund ratios (Eq. 11); kappa sets both.
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
        c-axis tunneling matrix element |M|^2 ∝ eta^4 (PHYSICS.md §8) for dI/dV.
    gap_model : {"full", "eq16"}
        "full": Delta_b = A_b + B_b eta^2 of the full solution of Eq. 14/15;
        "eq16": Eq. 16 anisotropy with the exact Eq. 17 diagonal magnitudes
        (s± signs), scaled at T > 0 by the full solution's A_b(T)/A_b(0).

    Returns
    -------
    SpectrumResult
    """
    from triplon.dos import fermi_level
    from triplon.gap import GapWarning, prepare_shells, resolve_kappas, resolve_V, solve_eq17, solve_full

    if gap_model not in GAP_MODELS:
        raise ValueError(f"gap_model must be one of {GAP_MODELS}, got {gap_model!r}")
    kappa_a, kappa_b = resolve_kappas(kappa, kappa_a, kappa_b)
    if not (omega > 0 and math.isfinite(omega)):
        raise ValueError(f"omega must be > 0 eV, got {omega!r}")
    if not (T >= 0 and math.isfinite(T)):
        raise ValueError(f"T must be >= 0 eV, got {T!r}")
    if V is not None or JH is not None or Jc is not None:
        lam = None
    fermi = fermi_level(mu=mu, n_c=None if mu is not None else n_c, params=params)
    if min(fermi.dos.values()) <= 0.0:
        raise ValueError(
            f"a band has no Fermi surface at mu = {fermi.mu:.6g} eV: interband pairing needs both"
        )
    Vv = resolve_V(fermi, lam, V, JH, Jc)
    shells = prepare_shells(fermi.mu, omega, params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GapWarning)
        full0 = solve_full(shells, Vv, kappa_a, kappa_b, 0.0)
        fullT = solve_full(shells, Vv, kappa_a, kappa_b, T) if T > 0 else full0
    status = fullT.status
    if not fullT.converged:
        raise ValueError(f"the gap equation has no usable solution here: {fullT.status}")
    kappa2 = kappa_a * kappa_b
    if gap_model == "full":
        gaps = {b: (getattr(fullT, f"A_{b}"), getattr(fullT, f"B_{b}")) for b in BANDS}
    else:
        Na, Nb = fermi.dos["alpha"], fermi.dos["beta"]
        e17 = solve_eq17(Nb / Na, Vv * math.sqrt(Na * Nb), omega)
        other = {"alpha": "beta", "beta": "alpha"}
        gaps = {}
        for b, sign, mag in (("alpha", 1.0, e17.gap_alpha), ("beta", -1.0, e17.gap_beta)):
            a0 = getattr(full0, f"A_{b}")
            scale = getattr(fullT, f"A_{b}") / a0 if (full0.converged and a0) else 1.0
            A = sign * mag * scale
            o = other[b]
            gaps[b] = (A, A * kappa2 * fermi.dos_eta2[o] / fermi.dos[o])
    # term (II) resolves its (cancelling) singular structure with an energy step of Gamma/2
    step = min(1e-3, max(gamma / 2, 2.5e-4))
    data = {b: prepare_band(b, fermi.mu, omega, params, step=step) for b in BANDS}
    res = spectrum_from_gaps(data, gaps, T, gamma, emax, points, weights, matrix_element)
    res.gap_model = gap_model
    res.status = status
    res.parameters = {
        "n_c": float(fermi.n_c),
        "mu": float(fermi.mu),
        "V": float(Vv),
        "lam": float(Vv * math.sqrt(fermi.dos["alpha"] * fermi.dos["beta"])),
        "kappa_a": float(kappa_a),
        "kappa_b": float(kappa_b),
        "omega": float(omega),
        "T": float(T),
        "gamma": float(gamma),
        "gap_model": gap_model,
        "matrix_element": matrix_element or "none",
        "weights": list(res.weights),
        **(params or BandParams()).as_dict(),
    }
    return res


def spectrum_dataset(result: SpectrumResult):
    """The spectra of :func:`spectrum_point` as an xarray Dataset (data contract of DESIGN.md).

    Dims ``energy`` (eV), ``band``, ``gap_bin``; variables ``dos`` (band, energy),
    ``dos_total``, ``didv`` (energy), ``gap_min``, ``gap_max``, ``gap_A``,
    ``gap_B``, ``dos_normal`` (band), ``gap_hist_weight``, ``gap_hist_centre``
    (band, gap_bin) and ``peak_energy`` (peak). Provenance attributes are added
    by the caller (:func:`triplon.dataset.with_provenance`).

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

    from triplon.dataset import var

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
        }
    )
    return ds


__all__ = [
    "GAP_MODELS",
    "MATRIX_ELEMENTS",
    "BandSpectralData",
    "SpectrumResult",
    "find_coherence_peaks",
    "flat_band_data",
    "gap_distribution",
    "gap_extremes",
    "prepare_band",
    "quasiparticle_dos",
    "spectrum_dataset",
    "spectrum_from_gaps",
    "spectrum_point",
    "thermal_kernel",
    "tunneling_conductance",
]

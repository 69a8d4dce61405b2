"""The gap-independent data of one band for its spectrum (:class:`BandSpectralData`).

The Fermi-line term (I) and the shell term (II) of the quasiparticle DOS
(:mod:`triplon.observables.tunneling`) need, per band and (mu, Omega), the eta^2
distribution on the Fermi line and on the constant-energy lines of the pairing shell
(:mod:`triplon.observables.fermi_line`) and the normal DOS outside the shell. They are
computed once here and reused for every gap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from triplon.model.bands import band_range, quadratic_coefficients
from triplon.model.contour import fermi_line_nodes
from triplon.model.dos import dos_moments, gauss_rule_of_measure
from triplon.model.params import BANDS, BandParams
from triplon.observables.fermi_line import _line_bins, eta2_line_extremes, gap_histogram, gap_range

# ------------------------------------------------------------ Fermi-line data


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
    u_min, u_max = eta2_line_extremes(quad, mu, u)
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
        return lu, lw, *eta2_line_extremes(quad, mu + x, lu)

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
        ext = np.array([eta2_line_extremes(quad, mu + shell_xi[i], np.zeros(0)) for i in idx])
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


def gap_extremes(data: BandSpectralData, A: float, B: float) -> tuple[float, float]:
    """Smallest and largest |Delta| = |A + B eta^2| on the Fermi line of ``data`` (eV).

    :func:`gap_range` over the band's exact eta^2 range on the Fermi line.
    """
    return gap_range(A, B, data.eta2_min, data.eta2_max)


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
    return edges, gap_histogram(A, B, data.line_eta2, data.line_weight, edges), gmin, gmax


__all__ = ["BandSpectralData", "prepare_band", "flat_band_data", "gap_extremes", "gap_distribution"]

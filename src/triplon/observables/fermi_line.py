"""Fermi-line data of one band: the eta^2 distribution, its extremes and the gap on the sheet."""

from __future__ import annotations

import math

import numpy as np

from triplon.model.bands import quadratic_coefficients
from triplon.model.contour import real_roots_quadratic

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


def eta2_line_extremes(quad, mu: float, u_nodes=()) -> tuple[float, float]:
    """Smallest and largest eta^2 on the line xi = mu of a band (exact).

    In (cx, cy) = (cos kx, cos ky) the line is a conic inside the square
    [-1, 1]^2 (:class:`triplon.model.bands.Quadratic`). eta = cx - cy is extremal on it
    where it leaves the square (cx or cy = ±1), on the diagonal cx = cy (eta = 0)
    or where grad xi ∥ (1, -1), i.e. on the line cx + cy = -(b0 + c1)/(2A + b1).
    All are roots of quadratics; quadrature nodes ``u_nodes`` (eta^2 values on the
    line) are added as candidates as a safeguard. The line need not cross the
    diagonal (then the minimum is > 0).

    Parameters
    ----------
    quad : triplon.model.bands.Quadratic
        The band in (cos kx, cos ky).
    mu : float
        Energy of the line (eV; the chemical potential for the Fermi line).
    u_nodes : array_like
        eta^2 at quadrature nodes of the line (optional candidates).

    Returns
    -------
    (float, float)
        min and max of eta^2 on the line; (nan, nan) if there is no line.
    """
    A, b0, b1, c1, c0 = quad.A, quad.b0, quad.b1, quad.c1, quad.c0 - mu
    cand = list(np.asarray(u_nodes, dtype=float).ravel())
    inside = 1.0 + 1e-12
    for s in (-1.0, 1.0):  # cy = s (and cx = s by symmetry): A cx^2 + (c1 + b1 s) cx + (A s^2 + b0 s + c0)
        for x in real_roots_quadratic(A, c1 + b1 * s, A + b0 * s + c0):
            if abs(x) <= inside:
                cand.append((x - s) ** 2)
    for x in real_roots_quadratic(2 * A + b1, b0 + c1, c0):  # the diagonal cx = cy
        if abs(x) <= inside:
            cand.append(0.0)
    if 2 * A + b1 != 0.0:  # tangency of eta = const: cx = s0/2 + d, cy = s0/2 - d
        s0 = -(b0 + c1) / (2 * A + b1)
        # xi(s0/2 + d, s0/2 - d) = (2A - b1) d^2 + const (odd terms cancel by symmetry)
        const = quad(0.5 * s0, 0.5 * s0) - mu
        k2 = 2 * A - b1
        if k2 != 0.0 and -const / k2 >= 0.0:
            d = math.sqrt(-const / k2)
            if abs(0.5 * s0) + d <= inside:
                cand.append(4 * d * d)
    if not cand:
        return math.nan, math.nan
    return float(min(cand)), float(max(cand))


# ------------------------------------------------------------ gap distribution


def gap_range(A: float, B: float, eta2_min: float, eta2_max: float) -> tuple[float, float]:
    """Smallest and largest |Delta| = |A + B eta^2| for eta^2 in [eta2_min, eta2_max] (eV).

    Parameters
    ----------
    A, B : float
        Gap coefficients of Delta_b(k) = A_b + B_b eta_k^2 (eV, Eq. 15).
    eta2_min, eta2_max : float
        The eta^2 range of a Fermi line (:func:`fermi_line_eta2_range`).

    Returns
    -------
    (float, float)
        min and max of |Delta| (eV); the minimum is 0 when the gap changes sign
        inside the range.
    """
    g = [abs(A + B * eta2_min), abs(A + B * eta2_max)]
    lo, hi = min(g), max(g)
    if B != 0 and eta2_min < -A / B < eta2_max:  # a node of the gap on the line
        lo = 0.0
    return float(lo), float(hi)


def gap_histogram(A: float, B: float, eta2, weight, edges) -> np.ndarray:
    """Fermi-line weight in bins of |Delta| = |A + B eta^2|.

    Parameters
    ----------
    A, B : float
        Gap coefficients (eV).
    eta2, weight : ndarray
        eta^2 at the nodes of a Fermi-line quadrature and their weights
        (:func:`triplon.model.dos.fermi_line_quadrature`, 1/eV per spin).
    edges : ndarray, shape (m + 1,)
        Increasing bin edges of |Delta| (eV); values outside are counted in the end bins.

    Returns
    -------
    ndarray, shape (m,)
        Weight in each bin (1/eV per spin); they sum to the weight of the line.
    """
    g = np.abs(A + B * np.asarray(eta2))
    return np.histogram(np.clip(g, edges[0], edges[-1]), bins=edges, weights=weight)[0]


# ------------------------------------------------------------ model values


def fermi_line_eta2_range(band: str, mu: float, params=None, n: int = 24) -> tuple[float, float]:
    """Smallest and largest eta^2 on the Fermi line xi_band = 0 (exact, :func:`eta2_line_extremes`).

    Parameters
    ----------
    band : {"alpha", "beta"}
    mu : float
        Chemical potential (eV).
    params : BandParams, optional
        Band parameters (default: the paper's Fig. 2 set).
    n : int
        Gauss nodes per piece of the Fermi-line quadrature added as candidates.

    Returns
    -------
    (float, float)
        min and max of eta^2 = (cos kx - cos ky)^2 on the Fermi line (dimensionless);
        (nan, nan) without a Fermi line.
    """
    from triplon.model.dos import fermi_line_quadrature

    cx, cy, _ = fermi_line_quadrature(band, mu, params, n)
    if cx.size == 0:
        return math.nan, math.nan
    u = (cx - cy) ** 2
    return eta2_line_extremes(quadratic_coefficients(band, params), mu, u[[np.argmin(u), np.argmax(u)]])


__all__ = ["eta2_line_extremes", "gap_range", "gap_histogram", "fermi_line_eta2_range"]

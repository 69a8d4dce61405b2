"""Fermi-level densities of states N, Ñ and higher eta-moments.

The physics: docs, physics page, "Fermi-level densities of states".

Per spin, normalised to the BZ:

    N      = < delta(xi_k) >_BZ            (1/eV)
    Ñ      = < eta_k^2 delta(xi_k) >_BZ    (1/eV; "DOS weighted by eta^2", Fig. 4a)
    N^(4)  = < eta_k^4 delta(xi_k) >_BZ    (1/eV; needed by the full gap solver)

Four methods are provided; they share nothing but the dispersion:

* :func:`dos_moments` -- the production method: an exact line integral over the
  Fermi line in the variables (cos kx, cos ky), where xi is a quadratic
  polynomial (see :mod:`triplon.model.contour`). Exponential convergence, any Fermi
  surface topology, relative error ~1e-12 away from van Hove energies.
* :func:`dos_moments_contour` -- the line integral ∮ f dl/|∇xi| over each
  closed pocket, parametrised by the pocket-centred angle θ (trapezoid rule).
  Independent check; needs star-shaped pockets.
* :func:`dos_moments_triangles` -- linear tetrahedron (triangle) method on an
  n x n grid; error O(n^-2).
* :func:`dos_moments_smeared` -- Gaussian-smeared grid sum; a biased baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triplon.model.bands import band_energy, band_range, eta, quadratic_coefficients, uniform_grid
from triplon.model.contour import fermi_line_nodes
from triplon.model.fermi import filling, find_pockets, mu_from_n_c, pocket_integrals
from triplon.model.params import BANDS, BandParams

DEFAULT_NODES = 24
"""Gauss nodes per smooth piece used by :func:`dos_moments` (converged to ~1e-10 or better)."""


def fermi_line_quadrature(band: str, mu: float, params: BandParams | None = None, n: int = DEFAULT_NODES):
    """Points and weights on the Fermi line xi_band = 0.

    Returns
    -------
    cx, cy : ndarray
        cos kx, cos ky of the points (one quadrant; every function of
        cos kx, cos ky -- eta, gamma_i -- can be evaluated on them).
    w : ndarray
        Weights (1/eV): <f(k) delta(xi_k)>_BZ = Σ w f(cx, cy).
    """
    lo, hi = band_range(band, params)
    if not lo < mu < hi:
        empty = np.zeros(0)
        return empty, empty, empty
    return fermi_line_nodes(quadratic_coefficients(band, params), mu, n)


def dos_moments(
    band: str, mu: float, params: BandParams | None = None, powers=(0, 2, 4), n: int = DEFAULT_NODES
) -> np.ndarray:
    """<eta^p delta(xi_k)>_BZ for each p in ``powers`` (1/eV per spin).

    p = 0 is N, p = 2 is Ñ (Eq. 16), p = 4 the eta^4 moment of the full
    gap equation (Eq. 15). Exact line-integral method (module docstring).
    """
    cx, cy, w = fermi_line_quadrature(band, mu, params, n)
    et = cx - cy
    return np.array([np.dot(w, et**p) for p in powers])


@dataclass(frozen=True)
class FermiLevel:
    """Fermi-level data of both bands at one chemical potential.

    Attributes
    ----------
    mu : float
        Chemical potential (eV).
    filling : dict
        Filling per Ni of each band.
    dos, dos_eta2, dos_eta4 : dict
        N, Ñ and the eta^4 moment per band (1/eV per spin).
    """

    mu: float
    filling: dict
    dos: dict
    dos_eta2: dict
    dos_eta4: dict

    @property
    def n_c(self) -> float:
        return self.filling["alpha"] + self.filling["beta"]

    def as_flat_dict(self) -> dict[str, float]:
        """The keys of ``triplon bands --json``."""
        out = {"mu": self.mu, "n_c": self.n_c}
        for b in BANDS:
            out[f"n_{b}"] = self.filling[b]
        for b in BANDS:
            out[f"dos_{b}"] = self.dos[b]
        for b in BANDS:
            out[f"dos_eta2_{b}"] = self.dos_eta2[b]
        return out


def fermi_level(
    mu: float | None = None,
    n_c: float | None = None,
    params: BandParams | None = None,
    n: int = DEFAULT_NODES,
) -> FermiLevel:
    """Fillings, N, Ñ and the eta^4 moment of both bands at mu or at n_c.

    Exactly one of ``mu`` (eV) and ``n_c`` (electrons per Ni, 0 < n_c < 2)
    must be given.
    """
    if (mu is None) == (n_c is None):
        raise ValueError("give exactly one of mu and n_c")
    if mu is None:
        mu = mu_from_n_c(n_c, params)
    mu = float(mu)
    fill, d0, d2, d4 = {}, {}, {}, {}
    for b in BANDS:
        fill[b] = filling(b, mu, params, n)
        d0[b], d2[b], d4[b] = (float(x) for x in dos_moments(b, mu, params, (0, 2, 4), n))
    return FermiLevel(mu=mu, filling=fill, dos=d0, dos_eta2=d2, dos_eta4=d4)


# ------------------------------------------------------------ other methods


def dos_moments_contour(
    band: str, mu: float, params: BandParams | None = None, powers=(0, 2, 4), ntheta: int = 512
) -> np.ndarray:
    """Same as :func:`dos_moments` by polar line integrals over each pocket.

    (1/(2π)^2) Σ_pockets ∫ dθ eta^p r/|∂xi/∂r|; requires star-shaped pockets
    around Γ, X, Y or M (raises :class:`triplon.model.fermi.TopologyError` otherwise).
    """
    out = np.zeros(len(powers))
    weights = [(lambda kx, ky, p=p: eta(kx, ky) ** p) for p in powers]
    for pocket in find_pockets(band, mu, params):
        _, lines = pocket_integrals(pocket, mu, params, ntheta, weights)
        out += np.array(lines) / (2 * np.pi) ** 2
    return out


def filling_contour(band: str, mu: float, params: BandParams | None = None, ntheta: int = 512) -> float:
    """Filling per Ni from the pocket areas (independent of :func:`filling`)."""
    lo, hi = band_range(band, params)
    if mu <= lo:
        return 0.0
    if mu >= hi:
        return 1.0
    pockets = find_pockets(band, mu, params)
    frac = sum(pocket_integrals(p, mu, params, ntheta)[0] for p in pockets) / (2 * np.pi) ** 2
    return frac if pockets[0].kind == "electron" else 1.0 - frac


def _grid_values(band, mu, params, nk, powers):
    kx, ky = uniform_grid(nk)
    x = band_energy(kx, ky, band, params) - mu
    et = eta(kx, ky)
    return x, [et**p for p in powers]


def dos_moments_smeared(
    band: str,
    mu: float,
    params: BandParams | None = None,
    powers=(0, 2, 4),
    nk: int = 512,
    sigma: float = 0.02,
) -> np.ndarray:
    """Baseline: <eta^p g_sigma(xi)> on an nk x nk grid, g a unit Gaussian of width sigma (eV).

    Biased by O(sigma^2) (and by sampling noise when sigma is below the level
    spacing); provided only for comparison.
    """
    x, fs = _grid_values(band, mu, params, nk, powers)
    g = np.exp(-0.5 * (x / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma)
    return np.array([np.mean(g * f) for f in fs])


def dos_moments_triangles(
    band: str, mu: float, params: BandParams | None = None, powers=(0, 2, 4), nk: int = 512
) -> np.ndarray:
    """Linear tetrahedron (triangle) method on an nk x nk periodic grid.

    Each grid square is split into two triangles; xi and the weight eta^p are
    interpolated linearly, and the Fermi-line segment of each triangle is
    integrated exactly. Error O(nk^-2).
    """
    x, fs = _grid_values(band, mu, params, nk, powers)
    corners = [(0, 0), (1, 0), (1, 1), (0, 1)]
    tris = [(0, 1, 2), (0, 2, 3)]
    vals = [np.roll(np.roll(x, -i, 0), -j, 1).ravel() for i, j in corners]
    fvals = [[np.roll(np.roll(f, -i, 0), -j, 1).ravel() for i, j in corners] for f in fs]
    area = 1.0 / (2 * nk * nk)  # BZ fraction of one triangle
    res = np.zeros(len(powers))
    for tri in tris:
        e = np.stack([vals[c] for c in tri], axis=1)
        order = np.argsort(e, axis=1)
        e = np.take_along_axis(e, order, axis=1)
        e1, e2, e3 = e[:, 0], e[:, 1], e[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            lower = (e1 < 0) & (0 <= e2) & (e3 > e1)
            upper = (e2 < 0) & (0 <= e3) & (e3 > e1)
            g = np.zeros_like(e1)
            g[lower] = 2 * area * (-e1[lower]) / ((e2[lower] - e1[lower]) * (e3[lower] - e1[lower]))
            g[upper] = 2 * area * e3[upper] / ((e3[upper] - e1[upper]) * (e3[upper] - e2[upper]))
            s13 = np.where(e3 > e1, -e1 / (e3 - e1), 0.0)
            s12 = np.where(e2 > e1, -e1 / (e2 - e1), 0.0)
            s23 = np.where(e3 > e2, -e2 / (e3 - e2), 0.0)
        for i, fv in enumerate(fvals):
            f = np.take_along_axis(np.stack([fv[c] for c in tri], axis=1), order, axis=1)
            f13 = f[:, 0] + s13 * (f[:, 2] - f[:, 0])
            f12 = f[:, 0] + s12 * (f[:, 1] - f[:, 0])
            f23 = f[:, 1] + s23 * (f[:, 2] - f[:, 1])
            fend = np.where(lower, f12, f23)
            res[i] += np.sum(g * 0.5 * (f13 + fend))
    return res


# ------------------------------------------------------- shell quadrature


def graded_gauss(a: float, b: float, points, m: int = 8, ratio: float = 0.25):
    """Gauss–Legendre nodes on [a, b], graded geometrically towards given points.

    Parameters
    ----------
    a, b : float
    points : sequence of (p, min_scale)
        Each p in [a, b] becomes a breakpoint, and pieces of lengths
        L ratio^k (k = 1, 2, ...) are laid towards it from both sides down to
        its ``min_scale``, so that log, step or 1/x-type structure at p is
        integrated to near machine precision with m nodes per piece.
    m : int
        Gauss nodes per piece.
    ratio : float
        Geometric ratio of successive pieces.

    Returns
    -------
    x, w : ndarray
    """
    bps = {a, b}
    for p, min_scale in points:
        if not a <= p <= b:
            continue
        bps.add(p)
        for side, room in ((-1.0, p - a), (1.0, b - p)):
            h = room
            while h > min_scale:
                h *= ratio
                bps.add(p + side * h)
    bps = np.array(sorted(bps))
    bps = bps[np.concatenate([[True], np.diff(bps) > 0])]
    t, wt = np.polynomial.legendre.leggauss(m)
    lo, hi = bps[:-1, None], bps[1:, None]
    x = 0.5 * (lo + hi) + 0.5 * (hi - lo) * t
    w = 0.5 * (hi - lo) * wt
    return x.ravel(), w.ravel()


def gauss_rule_of_measure(u: np.ndarray, w: np.ndarray, k: int):
    """k-point Gaussian rule of the discrete measure Σ_i w_i delta(x - u_i).

    Stieltjes procedure for the recurrence coefficients and Golub–Welsch for
    nodes and weights: Σ_j W_j f(U_j) = Σ_i w_i f(u_i) for every polynomial f
    of degree < 2k. Used to compress the eta^2 distribution along a Fermi line
    to a few nodes (the gap kernels are smooth functions of eta^2).
    """
    total = float(w.sum())
    if total <= 0.0 or u.size == 0:
        return np.zeros(0), np.zeros(0)
    k = min(k, np.unique(np.round(u, 14)).size)
    alpha, beta = [], []
    p_prev, p = np.zeros_like(u), np.ones_like(u)
    norm_prev, norm = 1.0, total
    for j in range(k):
        a_j = float(np.dot(w, u * p * p)) / norm
        alpha.append(a_j)
        b_j = norm / norm_prev if j > 0 else 0.0
        p_prev, p = p, (u - a_j) * p - b_j * p_prev
        norm_prev, norm = norm, float(np.dot(w, p * p))
        if j + 1 < k:
            if norm <= 1e-300:
                break
            beta.append(norm / norm_prev)
    n = len(alpha)
    jac = np.diag(alpha) + np.diag(np.sqrt(beta[: n - 1]), 1) + np.diag(np.sqrt(beta[: n - 1]), -1)
    nodes, vecs = np.linalg.eigh(jac)
    return nodes, total * vecs[0] ** 2


@dataclass(frozen=True)
class ShellQuadrature:
    """Quadrature for averages over the pairing shell |xi_k| < Omega of one band.

    Sum over nodes: <g(xi_k, eta_k^2)>_{BZ, |xi| < Omega} = Σ_j weight_j g(xi_j, eta2_j).
    Built as energy nodes (graded towards xi = 0 and towards van Hove energies
    and band edges inside the shell) times the exact Fermi-line quadrature at
    each energy, so the joint distribution of (xi, eta^2) is exact.

    Attributes
    ----------
    band : str
    mu, omega, eps_min : float
        Chemical potential, shell half-width and the smallest energy scale
        resolved (eV).
    energy, energy_weight : ndarray, shape (ne,)
        Energy nodes xi (eV) and weights (eV).
    moments : ndarray, shape (3, ne)
        <eta^(2m) delta(xi_k - xi)> at each energy node, m = 0, 1, 2 (1/eV).
    xi, eta2, weight : ndarray, shape (nodes,)
        Flattened nodes: energy, eta^2 and BZ weight (dimensionless).
    fermi_moments : ndarray, shape (3,)
        N, Ñ and the eta^4 moment at the Fermi level (1/eV).
    fermi_eta2_max : float
        Largest eta^2 on the Fermi line (at an antinode).
    """

    band: str
    mu: float
    omega: float
    eps_min: float
    energy: np.ndarray
    energy_weight: np.ndarray
    moments: np.ndarray
    xi: np.ndarray
    eta2: np.ndarray
    weight: np.ndarray
    fermi_moments: np.ndarray
    fermi_eta2_max: float = 0.0

    def linear_moments(self, kernel) -> np.ndarray:
        """Σ_i energy_weight_i kernel(xi_i) N_m(xi_i) for m = 0, 1, 2 (eta^0, eta^2, eta^4)."""
        return self.moments @ (self.energy_weight * kernel(self.energy))


def shell_quadrature(
    band: str,
    mu: float,
    omega: float,
    params: BandParams | None = None,
    eps_min: float = 1e-8,
    m: int = 8,
    ratio: float = 0.25,
    n_line: int = 12,
    n_eta: int = 5,
) -> ShellQuadrature:
    """Build the :class:`ShellQuadrature` of ``band`` at chemical potential mu.

    Parameters
    ----------
    band : {"alpha", "beta"}
    mu : float
        Chemical potential (eV).
    omega : float
        Pairing cutoff Omega (eV): the shell is |xi| < Omega.
    eps_min : float
        Smallest energy scale resolved (eV); gaps and T_c below ~20 eps_min
        are reported as below resolution by the solvers.
    m, ratio : int, float
        Gauss nodes per energy piece and the geometric grading ratio.
    n_line : int
        Gauss nodes per smooth piece of each Fermi-line quadrature.
    n_eta : int
        Nodes of the Gaussian rule in eta^2 that replaces each Fermi line
        (exact for polynomials in eta^2 of degree < 2 n_eta).
    """
    if not (np.isfinite(omega) and omega > 0):
        raise ValueError(f"omega must be a positive number of eV, got {omega!r}")
    quad = quadratic_coefficients(band, params)
    # grade towards xi = 0 (the gap/temperature scale) down to eps_min, and towards
    # van Hove energies and band edges inside the shell (log / step structure of N)
    crit = [(float(e - mu), max(eps_min, 1e-5)) for e in quad.critical_values() if abs(e - mu) < omega]
    e_nodes, e_w = graded_gauss(-omega, omega, [(0.0, eps_min), *crit], m, ratio)
    xs, us, ws, mom = [], [], [], np.zeros((3, e_nodes.size))
    lo, hi = band_range(band, params)
    for i, (e, we) in enumerate(zip(e_nodes, e_w)):
        if not lo < mu + e < hi:
            continue
        cx, cy, w = fermi_line_nodes(quad, mu + e, n_line)
        u = (cx - cy) ** 2
        mom[:, i] = [w.sum(), w @ u, w @ (u * u)]
        un, wn = gauss_rule_of_measure(u, w, n_eta)
        xs.append(np.full(un.size, e))
        us.append(un)
        ws.append(we * wn)
    cx, cy, w = fermi_line_quadrature(band, mu, params)
    u = (cx - cy) ** 2
    return ShellQuadrature(
        band=band,
        mu=float(mu),
        omega=float(omega),
        eps_min=float(eps_min),
        energy=e_nodes,
        energy_weight=e_w,
        moments=mom,
        xi=np.concatenate(xs) if xs else np.zeros(0),
        eta2=np.concatenate(us) if us else np.zeros(0),
        weight=np.concatenate(ws) if ws else np.zeros(0),
        fermi_moments=np.array([w.sum(), w @ u, w @ (u * u)]),
        fermi_eta2_max=float(np.max(u)) if u.size else 0.0,
    )


def flat_shell(
    dos: float,
    omega: float,
    eta2=(0.0,),
    eta2_weight=(1.0,),
    band: str = "alpha",
    eps_min: float = 1e-8,
    m: int = 8,
    ratio: float = 0.25,
) -> ShellQuadrature:
    """A synthetic shell with an energy-independent density of states.

    The distribution of eta^2 on every constant-energy line is
    Σ_i eta2_weight_i delta(eta^2 - eta2_i) (weights normalised to 1), so that
    N = dos, Ñ = dos <eta^2>, at every energy in |xi| < omega. Used for
    closed-form BCS checks (flat DOS, hard cutoff).
    """
    u = np.asarray(eta2, dtype=float)
    p = np.asarray(eta2_weight, dtype=float)
    p = p / p.sum()
    e, we = graded_gauss(-omega, omega, [(0.0, eps_min)], m, ratio)
    mom = dos * np.array([np.full(e.size, p.sum()), np.full(e.size, p @ u), np.full(e.size, p @ (u * u))])
    return ShellQuadrature(
        band=band,
        mu=0.0,
        omega=float(omega),
        eps_min=float(eps_min),
        energy=e,
        energy_weight=we,
        moments=mom,
        xi=np.repeat(e, u.size),
        eta2=np.tile(u, e.size),
        weight=dos * np.outer(we, p).ravel(),
        fermi_moments=mom[:, 0].copy(),
        fermi_eta2_max=float(u.max()),
    )


__all__ = [
    "DEFAULT_NODES",
    "fermi_line_quadrature",
    "dos_moments",
    "FermiLevel",
    "fermi_level",
    "dos_moments_contour",
    "filling_contour",
    "dos_moments_smeared",
    "dos_moments_triangles",
    "graded_gauss",
    "gauss_rule_of_measure",
    "ShellQuadrature",
    "shell_quadrature",
    "flat_shell",
]

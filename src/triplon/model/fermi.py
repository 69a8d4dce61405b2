"""Fillings, chemical potential and Fermi contours of the Eq. 5 bands.

Filling convention (docs: physics, "Conventions"): each band holds two spins and a bilayer
cell two Ni, so the filling of a band *per Ni* equals the fraction of the BZ
where xi < 0; n_c = n_alpha + n_beta.

Fermi contours are found from the dispersion, never assumed: every
high-symmetry point (Γ, X, Y, M) is tried as the centre of a pocket, and a
pocket is accepted when every ray from the centre meets xi = 0 inside the
centre's own cell. θ is the polar angle around the pocket's own centre, θ = 0
along +kx (a zone axis, an antinode where eta^2 is maximal) and θ = π/4 along
the zone diagonal (eta = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triplon.model.bands import HIGH_SYMMETRY_POINTS, band_range, grad_xi, quadratic_coefficients, xi
from triplon.model.contour import occupied_fraction
from triplon.model.params import BANDS, BandParams, ParameterError
from triplon.model.roots import brentq

N_C_MIN, N_C_MAX = 0.0, 2.0
"""Open range of the achievable conduction-electron density per Ni."""


class TopologyError(RuntimeError):
    """The Fermi line is not a set of star-shaped pockets around Γ, X, Y or M."""


def filling(band: str, mu: float, params: BandParams | None = None, n: int = 24) -> float:
    """Filling per Ni of one band at chemical potential mu (T = 0).

    Equals the fraction of the BZ where xi_band < 0 (docs: physics, "Conventions"),
    computed by exact quadrature (relative error ~1e-12).

    Parameters
    ----------
    band : {"alpha", "beta"}
    mu : float
        Chemical potential (eV).
    params : BandParams, optional
    n : int
        Gauss nodes per smooth piece of the cx-integral.
    """
    lo, hi = band_range(band, params)
    if mu <= lo:
        return 0.0
    if mu >= hi:
        return 1.0
    return occupied_fraction(quadratic_coefficients(band, params), mu, n)


def fillings(mu: float, params: BandParams | None = None, n: int = 24) -> dict[str, float]:
    """{"alpha": n_alpha, "beta": n_beta} per Ni at chemical potential mu (eV)."""
    return {b: filling(b, mu, params, n) for b in BANDS}


def mu_from_n_c(n_c: float, params: BandParams | None = None, xtol: float = 1e-13) -> float:
    """Chemical potential (eV) at which n_alpha + n_beta = n_c.

    Raises
    ------
    ParameterError
        If n_c is outside the achievable open range 0 < n_c < 2.
    """
    n_c = float(n_c)
    if not (N_C_MIN < n_c < N_C_MAX) or not np.isfinite(n_c):
        raise ParameterError(f"n_c must satisfy 0 < n_c < 2 (electrons per Ni), got {n_c!r}")
    ranges = [band_range(b, params) for b in BANDS]
    lo = min(r[0] for r in ranges)
    hi = max(r[1] for r in ranges)

    def f(mu):
        return filling("alpha", mu, params) + filling("beta", mu, params) - n_c

    return float(brentq(f, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps, maxiter=200))


# ----------------------------------------------------------------- contours

_CENTRES = ("Gamma", "X", "Y", "M")


def _cell_radius(centre: str, theta: np.ndarray) -> np.ndarray:
    """Distance from the centre to the boundary of its own cell along theta.

    Γ and M own the square of half-width π around them; X and Y own the diamond
    |dkx| + |dky| <= π (the cell whose corners are the neighbouring Γ and M).
    """
    c, s = np.abs(np.cos(theta)), np.abs(np.sin(theta))
    if centre in ("Gamma", "M"):
        return np.pi / np.maximum(c, s)
    return np.pi / (c + s)


@dataclass(frozen=True)
class Pocket:
    """A closed Fermi pocket, star-shaped around a high-symmetry point.

    Attributes
    ----------
    band : str
    centre : str
        "Gamma", "X", "Y" or "M".
    kind : str
        "electron" (occupied inside) or "hole" (empty inside).
    """

    band: str
    centre: str
    kind: str

    @property
    def centre_k(self) -> tuple[float, float]:
        return HIGH_SYMMETRY_POINTS[self.centre]


def _first_crossing(band, mu, params, centre, theta, nsample=96):
    """Radius of the first xi = 0 crossing along each ray (NaN if none in the cell)."""
    k0 = np.array(HIGH_SYMMETRY_POINTS[centre])
    rmax = _cell_radius(centre, theta)
    u = np.linspace(0.0, 1.0, nsample + 1)[1:]
    r = rmax[:, None] * u[None, :]
    ct, st = np.cos(theta)[:, None], np.sin(theta)[:, None]
    x0 = xi(k0[0], k0[1], band, mu, params)
    vals = xi(k0[0] + r * ct, k0[1] + r * st, band, mu, params)
    change = np.sign(vals) != np.sign(x0)
    has = change.any(axis=1)
    j = np.argmax(change, axis=1)
    rows = np.arange(theta.size)
    hi = np.where(has, r[rows, j], np.nan)
    lo = np.where(has & (j > 0), r[rows, np.maximum(j - 1, 0)], 0.0)
    ct, st = ct[:, 0], st[:, 0]
    # vectorised bisection to machine precision, then Newton polish
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        vm = xi(k0[0] + mid * ct, k0[1] + mid * st, band, mu, params)
        same = np.sign(vm) == np.sign(x0)
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi), has


def find_pockets(band: str, mu: float, params: BandParams | None = None, ntheta: int = 256):
    """All closed, star-shaped Fermi pockets of a band at chemical potential mu.

    Returns
    -------
    list of Pocket
        Empty when the band is completely full or empty at mu.

    Raises
    ------
    TopologyError
        When a Fermi line exists but is not made of pockets around Γ, X, Y, M
        (open sheets exactly at a Lifshitz transition, or non-star-shaped
        pockets). Use :func:`triplon.model.dos.fermi_level` there, which needs no
        topology.
    """
    lo, hi = band_range(band, params)
    if mu <= lo or mu >= hi:
        return []
    theta = np.linspace(0.0, 2 * np.pi, ntheta, endpoint=False)
    pockets = []
    for c in _CENTRES:
        k0 = HIGH_SYMMETRY_POINTS[c]
        x0 = float(xi(k0[0], k0[1], band, mu, params))
        if x0 == 0.0:
            continue
        _, has = _first_crossing(band, mu, params, c, theta)
        if has.all():
            pockets.append(Pocket(band, c, "electron" if x0 < 0 else "hole"))
    if not pockets:
        raise TopologyError(
            f"band {band} at mu = {mu:.6g} eV: the Fermi line is not a set of closed pockets "
            "around Γ, X, Y or M"
        )
    kinds = {p.kind for p in pockets}
    if len(kinds) > 1:
        raise TopologyError(f"band {band} at mu = {mu:.6g} eV: both electron and hole pockets")
    _verify_pockets(band, mu, params, pockets)
    return pockets


def _verify_pockets(band, mu, params, pockets, nk=400, tol=4e-3):
    """Check that the pockets account for the whole Fermi sea (a coarse grid count).

    Catches Fermi seas that are not unions of star-shaped pockets around
    high-symmetry points, e.g. an annulus around Γ whose inner edge alone
    would look like a hole pocket.
    """
    theta = np.linspace(0.0, 2 * np.pi, 128, endpoint=False)
    area = 0.0
    for p in pockets:
        r, _ = _first_crossing(band, mu, params, p.centre, theta)
        area += 0.5 * np.sum(r**2) * (2 * np.pi / theta.size)
    frac = area / (2 * np.pi) ** 2
    implied = frac if pockets[0].kind == "electron" else 1.0 - frac
    k = np.linspace(-np.pi, np.pi, nk, endpoint=False) + np.pi / nk
    counted = float(np.mean(xi(k[:, None], k[None, :], band, mu, params) < 0.0))
    if abs(implied - counted) > tol:
        raise TopologyError(
            f"band {band} at mu = {mu:.6g} eV: pockets around {[p.centre for p in pockets]} hold "
            f"{implied:.4f} of the BZ but the Fermi sea holds {counted:.4f}; the Fermi line is not a "
            "set of star-shaped pockets around Γ, X, Y, M"
        )


def fermi_momentum(pocket: Pocket, theta, mu: float, params: BandParams | None = None):
    """k_F(θ): distance from the pocket centre to the Fermi line along angle θ.

    Parameters
    ----------
    pocket : Pocket
    theta : array_like
        Pocket-centred polar angle (rad), θ = 0 along +kx, θ = π/4 diagonal.
    mu : float
        Chemical potential (eV).

    Returns
    -------
    kF : ndarray (1/a)
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    r, has = _first_crossing(pocket.band, mu, params, pocket.centre, theta)
    if not has.all():
        raise TopologyError(f"{pocket} has no Fermi crossing for some θ at mu = {mu:.6g}")
    return r


def fermi_contour(pocket: Pocket, theta, mu: float, params: BandParams | None = None):
    """Fermi-line points (kx_F, ky_F) of a pocket at pocket-centred angles θ."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    r = fermi_momentum(pocket, theta, mu, params)
    k0 = pocket.centre_k
    return k0[0] + r * np.cos(theta), k0[1] + r * np.sin(theta)


def pocket_integrals(
    pocket: Pocket, mu: float, params: BandParams | None = None, ntheta: int = 512, weights=()
):
    """Line and area integrals of a pocket by the periodic trapezoid rule in θ.

    Returns the pocket area (1/a^2) and, for each weight function f(kx, ky) in
    ``weights``, the integral ∮ f dl/|∇xi| = ∫ f r/|∂xi/∂r| dθ (1/eV per 1/a^2).
    Spectrally accurate for smooth star-shaped pockets.
    """
    theta = np.linspace(0.0, 2 * np.pi, ntheta, endpoint=False)
    r = fermi_momentum(pocket, theta, mu, params)
    k0 = pocket.centre_k
    ct, st = np.cos(theta), np.sin(theta)
    kx, ky = k0[0] + r * ct, k0[1] + r * st
    gx, gy = grad_xi(kx, ky, pocket.band, params)
    dr = np.abs(gx * ct + gy * st)
    dtheta = 2 * np.pi / ntheta
    area = 0.5 * np.sum(r**2) * dtheta
    lines = [float(np.sum(f(kx, ky) * r / dr) * dtheta) for f in weights]
    return float(area), lines


def fermi_lines(band: str, mu: float, params: BandParams | None = None, nk: int = 256, newton_steps: int = 6):
    """All Fermi lines xi = 0 inside the BZ [-pi, pi]^2, for any topology.

    Needs no pocket centre, so it also traces annuli, open sheets at a Lifshitz
    transition and pockets away from high-symmetry points. The lines are traced on
    an nk x nk grid (contourpy, shipped with matplotlib) and every vertex is then
    moved onto xi = 0 by Newton steps along the gradient (|xi| ~ 1e-14 eV).
    Lines crossing the zone boundary are cut there.

    Returns
    -------
    list of (kx, ky) ndarray pairs
        One pair per connected line; a closed line ends where it starts.
    """
    import contourpy

    from triplon.model.bands import grad_xi

    k = np.linspace(-np.pi, np.pi, int(nk) + 1)
    kx, ky = np.meshgrid(k, k, indexing="xy")
    z = xi(kx, ky, band, mu, params)
    lines = contourpy.contour_generator(k, k, z, line_type="Separate").lines(0.0)
    out = []
    for seg in lines:
        x, y = seg[:, 0].copy(), seg[:, 1].copy()
        for _ in range(newton_steps):
            f = xi(x, y, band, mu, params)
            gx, gy = grad_xi(x, y, band, params)
            g2 = gx * gx + gy * gy
            step = np.where(g2 > 0, f / np.where(g2 > 0, g2, 1.0), 0.0)
            x, y = x - step * gx, y - step * gy
        out.append((np.clip(x, -np.pi, np.pi), np.clip(y, -np.pi, np.pi)))
    return out


__all__ = [
    "N_C_MAX",
    "N_C_MIN",
    "TopologyError",
    "filling",
    "fillings",
    "mu_from_n_c",
    "Pocket",
    "find_pockets",
    "fermi_momentum",
    "fermi_contour",
    "pocket_integrals",
    "fermi_lines",
]

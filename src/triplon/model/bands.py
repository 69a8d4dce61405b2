"""Band structure of Eq. 5: form factors, dispersions, grids and the Γ–X–M–Γ path.

    gamma1(k) = (cos kx + cos ky)/2
    gamma2(k) = cos kx cos ky
    gamma3(k) = (cos 2kx + cos 2ky)/2
    eta(k)    = cos kx - cos ky
    xi_band(k) = -4 (t1 gamma1 + t2 gamma2 + t3 gamma3) + eps_band eta^2 - mu   (Eq. 5)

In the variables ``cx = cos kx``, ``cy = cos ky`` the dispersion is a quadratic
polynomial, ``e(cx, cy) = A cy^2 + (b0 + b1 cx) cy + (A cx^2 + c1 cx + c0)``
(see :func:`quadratic_coefficients`); the Fermi-level integrals in
:mod:`triplon.model.dos` and :mod:`triplon.model.fermi` exploit this exactly.

Energies in eV, momenta in units of the inverse in-plane lattice constant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triplon.model.params import BANDS, BandParams

HIGH_SYMMETRY_POINTS = {
    "Gamma": (0.0, 0.0),
    "X": (np.pi, 0.0),
    "Y": (0.0, np.pi),
    "M": (np.pi, np.pi),
}
"""High-symmetry points of the square-lattice BZ (kx, ky)."""


def gamma1(kx, ky):
    """gamma1 = (cos kx + cos ky)/2 (Eq. 5)."""
    return 0.5 * (np.cos(kx) + np.cos(ky))


def gamma2(kx, ky):
    """gamma2 = cos kx cos ky (Eq. 5)."""
    return np.cos(kx) * np.cos(ky)


def gamma3(kx, ky):
    """gamma3 = (cos 2kx + cos 2ky)/2 (Eq. 5)."""
    return 0.5 * (np.cos(2 * kx) + np.cos(2 * ky))


def eta(kx, ky):
    """eta = cos kx - cos ky, the d-wave form factor (Eq. 2)."""
    return np.cos(kx) - np.cos(ky)


def band_energy(kx, ky, band: str, params: BandParams | None = None):
    """Band energy e_band(k) = xi_band(k) + mu of Eq. 5 (eV)."""
    p = params or BandParams()
    return (
        -4.0 * (p.t1 * gamma1(kx, ky) + p.t2 * gamma2(kx, ky) + p.t3 * gamma3(kx, ky))
        + p.eps(band) * eta(kx, ky) ** 2
    )


def xi(kx, ky, band: str, mu: float, params: BandParams | None = None):
    """Dispersion xi_band(k) = e_band(k) - mu of Eq. 5 (eV), for any array shapes.

    Parameters
    ----------
    kx, ky : array_like
        Momenta (broadcast against each other).
    band : {"alpha", "beta"}
    mu : float
        Chemical potential (eV).
    params : BandParams, optional
        Defaults to the paper's Fig. 2 set.
    """
    return band_energy(kx, ky, band, params) - mu


def grad_xi(kx, ky, band: str, params: BandParams | None = None):
    """Gradient (d xi/d kx, d xi/d ky) of Eq. 5 (eV)."""
    p = params or BandParams()
    e = p.eps(band)
    et = eta(kx, ky)
    sx, sy = np.sin(kx), np.sin(ky)
    cx, cy = np.cos(kx), np.cos(ky)
    gx = 2 * p.t1 * sx + 4 * p.t2 * sx * cy + 4 * p.t3 * np.sin(2 * kx) - 2 * e * et * sx
    gy = 2 * p.t1 * sy + 4 * p.t2 * cx * sy + 4 * p.t3 * np.sin(2 * ky) + 2 * e * et * sy
    return gx, gy


def uniform_grid(n: int, endpoint: bool = False):
    """Uniform n x n grid over the BZ [-pi, pi)^2 (``indexing="ij"``).

    Returns
    -------
    kx, ky : ndarray, shape (n, n)
    """
    if int(n) != n or n < 1:
        raise ValueError(f"grid size n must be a positive integer, got {n!r}")
    k = np.linspace(-np.pi, np.pi, int(n), endpoint=endpoint)
    return np.meshgrid(k, k, indexing="ij")


def xi_on_grid(n: int, band: str, mu: float, params: BandParams | None = None):
    """xi_band on the uniform n x n grid of :func:`uniform_grid` (eV)."""
    kx, ky = uniform_grid(n)
    return xi(kx, ky, band, mu, params)


@dataclass(frozen=True)
class KPath:
    """A piecewise-straight path through the BZ.

    Attributes
    ----------
    distance : ndarray
        Cumulative path length (1/a).
    kx, ky : ndarray
        Momenta along the path.
    labels : tuple of str
        High-symmetry labels of the corners.
    positions : tuple of float
        Path distance of each label.
    """

    distance: np.ndarray
    kx: np.ndarray
    ky: np.ndarray
    labels: tuple[str, ...]
    positions: tuple[float, ...]


def high_symmetry_path(points_per_unit: int = 60, corners=("Gamma", "X", "M", "Gamma")) -> KPath:
    """The path Γ(0,0) → X(π,0) → M(π,π) → Γ of Fig. 2a.

    Parameters
    ----------
    points_per_unit : int
        Sampling density per unit of path length; every corner is included
        exactly once.
    corners : sequence of str
        Keys of :data:`HIGH_SYMMETRY_POINTS`.
    """
    pts = [np.array(HIGH_SYMMETRY_POINTS[c]) for c in corners]
    kx, ky, dist, positions = [], [], [], [0.0]
    offset = 0.0
    for i, (a, b) in enumerate(zip(pts[:-1], pts[1:])):
        length = float(np.hypot(*(b - a)))
        m = max(2, int(np.ceil(points_per_unit * length)))
        s = np.linspace(0.0, 1.0, m + 1)
        if i > 0:
            s = s[1:]
        kx.append(a[0] + s * (b[0] - a[0]))
        ky.append(a[1] + s * (b[1] - a[1]))
        dist.append(offset + s * length)
        offset += length
        positions.append(offset)
    return KPath(
        distance=np.concatenate(dist),
        kx=np.concatenate(kx),
        ky=np.concatenate(ky),
        labels=tuple(corners),
        positions=tuple(positions),
    )


def bands_on_path(params: BandParams | None = None, mu: float = 0.0, points_per_unit: int = 60):
    """xi_alpha and xi_beta along Γ–X–M–Γ (Fig. 2a).

    Returns
    -------
    path : KPath
    xi : ndarray, shape (2, npath)
        Rows ordered as :data:`triplon.model.params.BANDS` (eV).
    """
    path = high_symmetry_path(points_per_unit)
    return path, np.stack([xi(path.kx, path.ky, b, mu, params) for b in BANDS])


@dataclass(frozen=True)
class Quadratic:
    """e_band(cx, cy) as a quadratic polynomial in cx = cos kx, cy = cos ky.

    e = A cy^2 + (b0 + b1 cx) cy + (A cx^2 + c1 cx + c0), symmetric under
    cx <-> cy, with

        A  = eps - 4 t3,   b0 = c1 = -2 t1,   b1 = -4 t2 - 2 eps,   c0 = 4 t3.
    """

    A: float
    b0: float
    b1: float
    c1: float
    c0: float

    def __call__(self, cx, cy):
        return self.A * cy * cy + (self.b0 + self.b1 * cx) * cy + (self.A * cx * cx + self.c1 * cx + self.c0)

    def in_cy(self, cx, mu: float = 0.0):
        """Coefficients (a, b, c) of xi = a cy^2 + b cy + c at fixed cx."""
        cx = np.asarray(cx, dtype=float)
        return self.A, self.b0 + self.b1 * cx, self.A * cx * cx + self.c1 * cx + self.c0 - mu

    def discriminant_in_cx(self, mu: float = 0.0):
        """Coefficients (p2, p1, p0) of D(cx) = b^2 - 4 a c, a quadratic in cx."""
        A, b0, b1, c1, c0 = self.A, self.b0, self.b1, self.c1, self.c0 - mu
        return b1 * b1 - 4 * A * A, 2 * b0 * b1 - 4 * A * c1, b0 * b0 - 4 * A * c0

    def critical_points(self) -> list[tuple[float, float, float]]:
        """Critical points (cx, cy, e) of e(k) on the BZ, including Γ, X, M.

        Stationary points of e(k) are the corners cx, cy = ±1 (Γ, X, M),
        stationary points of e along the edges of the square [-1, 1]^2 (where
        sin kx or sin ky vanishes) and an interior stationary point.
        """
        pts = [(sx, sy, self(sx, sy)) for sx in (-1.0, 1.0) for sy in (-1.0, 1.0)]
        for s in (-1.0, 1.0):  # edges cx = s, and cy = s by the cx <-> cy symmetry
            if self.A != 0.0:
                c = -(self.b0 + self.b1 * s) / (2 * self.A)
                if -1.0 < c < 1.0:
                    e = self(s, c)
                    pts += [(s, c, e), (c, s, e)]
        det = 4 * self.A * self.A - self.b1 * self.b1  # interior: grad = 0
        if det != 0.0:
            # 2A cx + b1 cy + c1 = 0 ; b1 cx + 2A cy + b0 = 0
            cx = (-self.c1 * 2 * self.A + self.b1 * self.b0) / det
            cy = (-self.b0 * 2 * self.A + self.b1 * self.c1) / det
            if -1.0 < cx < 1.0 and -1.0 < cy < 1.0:
                pts.append((cx, cy, self(cx, cy)))
        return [(float(a), float(b), float(e)) for a, b, e in pts]

    def critical_values(self) -> np.ndarray:
        """All critical values of e(k) on the BZ, sorted and unique (eV).

        These are the band edges and the van Hove energies.
        """
        return np.unique(np.asarray([e for _, _, e in self.critical_points()], dtype=float))


def quadratic_coefficients(band: str, params: BandParams | None = None) -> Quadratic:
    """Exact polynomial form of Eq. 5 in (cos kx, cos ky); see :class:`Quadratic`."""
    p = params or BandParams()
    e = p.eps(band)
    return Quadratic(A=e - 4 * p.t3, b0=-2 * p.t1, b1=-4 * p.t2 - 2 * e, c1=-2 * p.t1, c0=4 * p.t3)


def band_range(band: str, params: BandParams | None = None) -> tuple[float, float]:
    """(min, max) of e_band(k) over the BZ (eV), exact."""
    vals = quadratic_coefficients(band, params).critical_values()
    return float(vals[0]), float(vals[-1])


def van_hove_energies(band: str, params: BandParams | None = None) -> np.ndarray:
    """Critical energies of e_band strictly inside the band (saddles and local extrema)."""
    vals = quadratic_coefficients(band, params).critical_values()
    return vals[1:-1]


__all__ = [
    "HIGH_SYMMETRY_POINTS",
    "gamma1",
    "gamma2",
    "gamma3",
    "eta",
    "band_energy",
    "xi",
    "grad_xi",
    "uniform_grid",
    "xi_on_grid",
    "KPath",
    "high_symmetry_path",
    "bands_on_path",
    "Quadratic",
    "quadratic_coefficients",
    "band_range",
    "van_hove_energies",
]

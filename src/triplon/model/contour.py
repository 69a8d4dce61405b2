"""Exact quadrature over Fermi lines and Fermi seas of the Eq. 5 bands.

With cx = cos kx and cy = cos ky, xi(k) is a quadratic polynomial
a cy^2 + b(cx) cy + c(cx) (:class:`triplon.model.bands.Quadratic`). By the four
reflections kx -> -kx, ky -> -ky a BZ average of a function f(cx, cy) becomes

    <f>_BZ = (1/pi^2) ∫∫_[-1,1]^2 f dcx dcy / sqrt((1 - cx^2)(1 - cy^2))

so for each cx the ky-integral is done exactly (roots of a quadratic, arccos
measures). The remaining cx integrand is smooth except for inverse square-root
(or square-root) end-point singularities at cx = ±1, at the zeros of the
discriminant D(cx) (vertical tangents of the Fermi line) and where a root
cy(cx) reaches ±1 (the line crosses ky = 0 or ky = pi). All of these are roots
of quadratics in cx, known in closed form; between them the substitution
cx = m - h cos t removes the end-point singularities and Gauss–Legendre in t
converges exponentially (see tests/test_dos.py::test_convergence_*).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from triplon.model.bands import Quadratic


@lru_cache(maxsize=32)
def _gauss_cos_nodes(n: int):
    """Gauss–Legendre nodes on t in (0, pi) and the cos-map pieces (read-only)."""
    x, w = np.polynomial.legendre.leggauss(n)
    t = 0.5 * np.pi * (x + 1.0)
    w = 0.5 * np.pi * w
    # cx = a + (b - a) sin^2(t/2): distances to both ends without cancellation
    s2 = np.sin(0.5 * t) ** 2
    c2 = np.cos(0.5 * t) ** 2
    jac = 0.5 * np.sin(t) * w  # d cx = (b - a)/2 sin t dt
    for arr in (s2, c2, jac):
        arr.setflags(write=False)
    return s2, c2, jac


def real_roots_quadratic(a: float, b: float, c: float) -> list[float]:
    """Real roots of a x^2 + b x + c (any a, including 0), numerically stable."""
    if a == 0.0:
        return [] if b == 0.0 else [-c / b]
    d = b * b - 4.0 * a * c
    if d < 0.0:
        return []
    q = -0.5 * (b + np.copysign(np.sqrt(d), b))
    with np.errstate(over="ignore"):
        roots = [q / a]  # may overflow to ±inf for tiny a: then outside [-1, 1]
        if q != 0.0:
            roots.append(c / q)
    return [float(r) for r in roots]


SEPARATION = 1.0
"""Each quadrature piece is kept at least SEPARATION times its own length away
from every singular point that is not one of its end points."""

GRADING_RANGE = 0.5
"""Critical points closer than this (eV) to mu count as near-singular points."""


def breakpoints(quad: Quadratic, mu: float) -> np.ndarray:
    """Sorted cx in [-1, 1] splitting the cx-integral into smooth pieces.

    Exact singular points (module docstring) are end points of pieces, where
    the cosine substitution removes their square-root singularities. A
    critical point of e(k) (van Hove saddle, band extremum) at energy E_c acts
    as a near-singularity of width ~|mu - E_c|/4 at its cx. Every piece is then
    split geometrically until its distance to every other (near-)singular point
    is at least SEPARATION times its length, which keeps the Gauss rule in its
    exponentially convergent regime for every mu and every topology.
    """
    exact = [-1.0, 1.0]
    exact += real_roots_quadratic(*quad.discriminant_in_cx(mu))
    A, b0, b1, c1, c0 = quad.A, quad.b0, quad.b1, quad.c1, quad.c0 - mu
    for s in (-1.0, 1.0):  # xi(cx, cy = s) = 0
        exact += real_roots_quadratic(A, b1 * s + c1, A + b0 * s + c0)
    singular = {float(p): 0.0 for p in exact if -1.0 <= p <= 1.0}
    for cx_c, _, e_c in quad.critical_points():
        dist = abs(e_c - mu)
        if dist < GRADING_RANGE:  # may coincide with an exact point (a zone corner)
            w = max(dist / 4.0, 1e-15)
            singular[cx_c] = min(singular.get(cx_c, w) or w, w)
    where = sorted(singular)
    width = [singular[p] for p in where]
    pieces = []
    stack = list(zip(where[:-1], where[1:]))
    while stack:  # plain floats: these lists are short and numpy overhead dominates
        a, b = stack.pop()
        length = b - a
        if length <= 1e-15:
            continue
        best, s_best = np.inf, a
        for p, w in zip(where, width):
            if p <= a:
                d = a - p + w if (p < a or w > 0.0) else np.inf
            elif p >= b:
                d = p - b + w if (p > b or w > 0.0) else np.inf
            else:
                d = w
            if d < best:
                best, s_best = d, p
        if best >= SEPARATION * length:
            pieces.append(a)
            continue
        step = max(best / SEPARATION, 1e-15)
        cut = a + step if s_best <= 0.5 * (a + b) else b - step
        if not a < cut < b:
            pieces.append(a)
            continue
        stack += [(a, cut), (cut, b)]
    return np.array(sorted(pieces) + [1.0])


def cx_nodes(quad: Quadratic, mu: float, n: int):
    """Nodes cx and weights w with ∫_{-1}^{1} g(cx) dcx / sqrt(1 - cx^2) ≈ Σ w g(cx).

    1 - cx and 1 + cx in the weights are computed without cancellation.
    """
    s2, c2, jac = _gauss_cos_nodes(int(n))
    bp = breakpoints(quad, mu)
    a, b = bp[:-1, None], bp[1:, None]
    h = b - a
    cx = a + h * s2  # = a + (b - a) (1 - cos t)/2
    one_minus = (1.0 - b) + h * c2
    one_plus = (1.0 + a) + h * s2
    w = h * jac / np.sqrt(one_minus * one_plus)
    return cx.ravel(), w.ravel()


def _cy_roots(quad: Quadratic, cx: np.ndarray, mu: float):
    """Both roots cy of xi(cx, cy) = 0 (NaN where absent) and sqrt(D)."""
    a, b, c = quad.in_cy(cx, mu)
    d = b * b - 4.0 * a * c
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        sd = np.sqrt(np.where(d >= 0.0, d, np.nan))
        q = -0.5 * (b + np.copysign(sd, b))
        r1 = q / a if a != 0.0 else np.full_like(cx, np.nan)
        r2 = np.where(q != 0.0, c / q, np.nan)
    if a == 0.0:
        sd = np.abs(b) + 0.0 * sd
    return r1, r2, sd


def fermi_line_nodes(quad: Quadratic, mu: float, n: int = 48):
    """Quadrature on the Fermi line xi = 0 for BZ averages <f(k) delta(xi_k)>.

    Returns
    -------
    cx, cy : ndarray
        Points of the Fermi line (cos kx, cos ky) in the reduced quadrant.
    w : ndarray
        Weights such that <f delta(xi)>_BZ ≈ Σ w f(cx, cy) (1/eV).
    """
    cx, wx = cx_nodes(quad, mu, n)
    r1, r2, sd = _cy_roots(quad, cx, mu)
    out_cx, out_cy, out_w = [], [], []
    for r in (r1, r2):
        ok = np.isfinite(r) & (r > -1.0) & (r < 1.0) & (sd > 0.0)
        cy = r[ok]
        wy = 1.0 / (sd[ok] * np.sqrt((1.0 - cy) * (1.0 + cy)))
        out_cx.append(cx[ok])
        out_cy.append(cy)
        out_w.append(wx[ok] * wy / np.pi**2)
    return np.concatenate(out_cx), np.concatenate(out_cy), np.concatenate(out_w)


def occupied_fraction(quad: Quadratic, mu: float, n: int = 48) -> float:
    """Fraction of the BZ with xi < 0 (the filling per Ni of one band)."""
    cx, wx = cx_nodes(quad, mu, n)
    r1, r2, _ = _cy_roots(quad, cx, mu)
    lo = np.full_like(cx, -1.0)
    pts = np.stack(
        [
            lo,
            np.where(np.isfinite(r1), np.clip(r1, -1, 1), -1.0),
            np.where(np.isfinite(r2), np.clip(r2, -1, 1), -1.0),
            -lo,
        ]
    )
    pts.sort(axis=0)
    a, b, c = quad.in_cy(cx, mu)
    meas = np.zeros_like(cx)
    for i in range(3):
        p, q = pts[i], pts[i + 1]
        mid = 0.5 * (p + q)
        neg = (a * mid * mid + b * mid + c) < 0.0
        meas += np.where(neg & (q > p), np.arccos(p) - np.arccos(q), 0.0)
    return float(np.dot(wx, meas) / np.pi**2)


__all__ = [
    "real_roots_quadratic",
    "SEPARATION",
    "GRADING_RANGE",
    "breakpoints",
    "cx_nodes",
    "fermi_line_nodes",
    "occupied_fraction",
]

"""Fermi-line eta^2 extremes, gap extremes and gap histograms against dense brute force."""

import math

import numpy as np
import pytest

from triplon.model.bands import quadratic_coefficients
from triplon.model.contour import fermi_line_nodes
from triplon.model.dos import fermi_level, fermi_line_quadrature
from triplon.model.params import BandParams
from triplon.observables.fermi_line import (
    eta2_line_extremes,
    fermi_line_eta2_range,
    gap_histogram,
    gap_range,
)

# a band set whose beta line at mu = -0.7417 eV reaches its largest eta^2 at an interior
# tangency (grad xi parallel to (1, -1)), not where it leaves the square or crosses the diagonal
TANGENT = BandParams(
    t1=0.4547846749, t2=-0.1920853145, t3=-0.0918052952, eps_alpha=-0.4834723645, eps_beta=0.3132702392
)
TANGENT_MU = -0.7417235932


def _dense_eta2(band, mu, params, n=400):
    cx, cy, w = fermi_line_nodes(quadratic_coefficients(band, params), mu, n)
    return (cx - cy) ** 2, w


def test_eta2_extremes_exact_at_an_interior_tangency():
    quad = quadratic_coefficients("beta", TANGENT)
    cx, cy, _ = fermi_line_nodes(quad, TANGENT_MU, 400)
    u = (cx - cy) ** 2
    top = np.argmax(u)
    # the dense line's largest eta^2 lies inside the square, off the diagonal: a tangency
    assert max(abs(cx[top]), abs(cy[top])) < 0.995 and abs(cx[top] - cy[top]) > 0.5
    lo, hi = eta2_line_extremes(quad, TANGENT_MU)  # no nodes: the closed-form candidates alone
    assert hi >= u.max() - 1e-12 and hi - u.max() < 1e-8 * hi  # the exact maximum, tight
    assert lo <= u.min() + 1e-12


@pytest.mark.parametrize("n_c", [0.2, 0.45, 0.9, 1.4])
def test_fermi_line_eta2_range_contains_and_is_tight(n_c):
    mu = fermi_level(n_c=n_c).mu
    for band in ("alpha", "beta"):
        lo, hi = fermi_line_eta2_range(band, mu)
        u, _ = _dense_eta2(band, mu, None)
        if u.size == 0:
            assert math.isnan(lo) and math.isnan(hi)
            continue
        assert lo <= u.min() + 1e-12 and hi >= u.max() - 1e-12
        assert hi - u.max() < 1e-6 * max(hi, 1e-12) and u.min() - lo < 1e-4


@pytest.mark.parametrize("A, B", [(0.02, 0.01), (0.02, -0.01), (-0.01, 0.05), (0.0, 0.0), (0.03, 0.0)])
def test_gap_range_against_dense_line(A, B):
    mu = fermi_level(n_c=0.45).mu
    for band in ("alpha", "beta"):
        u, _ = _dense_eta2(band, mu, None, n=2000)
        g = np.abs(A + B * u)
        lo, hi = gap_range(A, B, *fermi_line_eta2_range(band, mu))
        assert hi == pytest.approx(g.max(), rel=1e-6, abs=1e-15)
        # a sign change on the line puts a node (|Delta| = 0) there
        if (A + B * u).min() < 0 < (A + B * u).max():
            assert lo == 0.0 and g.min() < 1e-4 * hi
        else:
            assert lo == pytest.approx(g.min(), rel=1e-4, abs=1e-15)


def test_gap_histogram_conserves_the_line_weight_and_matches_numpy():
    mu = fermi_level(n_c=0.45).mu
    cx, cy, w = fermi_line_quadrature("alpha", mu, None, 200)
    u = (cx - cy) ** 2
    A, B = 0.02, 0.015
    g = np.abs(A + B * u)
    edges = np.linspace(g.min(), g.max(), 31)
    h = gap_histogram(A, B, u, w, edges)
    assert h.sum() == pytest.approx(w.sum(), rel=1e-12)  # every node counted once
    ref, _ = np.histogram(g, bins=edges, weights=w)
    np.testing.assert_allclose(h, ref, rtol=1e-12, atol=1e-15)
    # values outside the edges fall into the end bins instead of being lost
    narrow = np.linspace(g.min(), 0.5 * (g.min() + g.max()), 11)
    assert gap_histogram(A, B, u, w, narrow).sum() == pytest.approx(w.sum(), rel=1e-12)

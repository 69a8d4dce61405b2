"""Fermi-level N, Ñ and the eta^4 moment: accuracy against independent methods."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import ellipk

from triplon.model.bands import band_range, van_hove_energies
from triplon.model.dos import (
    dos_moments,
    dos_moments_contour,
    dos_moments_smeared,
    dos_moments_triangles,
    fermi_level,
    fermi_line_quadrature,
)
from triplon.model.fermi import TopologyError, filling, find_pockets
from triplon.model.params import BANDS, BandParams

E_X, E_SADDLE = van_hove_energies("beta")  # -0.8 (minimum at X), -0.765 (saddle on Γ–X)


def rel(a, b):
    return np.max(np.abs(np.asarray(a) / np.asarray(b) - 1.0))


@pytest.mark.parametrize(
    "n_c, beta_centres",
    [
        (0.45, ["M"]),  # paper: β is an M-centred hole pocket
        (0.60, ["M"]),
        (1.00, ["M"]),
        (0.15, ["Gamma"]),  # below the Lifshitz transition: β closes around Γ
        (0.20, ["Gamma"]),
    ],
)
def test_two_independent_methods_agree(n_c, beta_centres):
    fl = fermi_level(n_c=n_c)
    assert sorted(p.centre for p in find_pockets("beta", fl.mu)) == beta_centres
    for band in BANDS:
        exact = dos_moments(band, fl.mu)
        contour = dos_moments_contour(band, fl.mu, ntheta=2048)
        assert rel(exact, contour) <= 1e-9  # issue target is 1e-6
        assert exact[0] == fl.dos[band] and exact[1] == fl.dos_eta2[band]


def test_two_methods_agree_in_the_x_pocket_window():
    mu = 0.5 * (E_X + E_SADDLE)  # Γ + X + Y pockets, 17 meV from both critical points
    assert sorted(p.centre for p in find_pockets("beta", mu)) == ["Gamma", "X", "Y"]
    assert rel(dos_moments("beta", mu), dos_moments_contour("beta", mu, ntheta=4096)) <= 1e-7


@pytest.mark.parametrize("E", [-1.9, -1.0, -0.3, 0.0 + 1e-3, 0.7, 1.5])
def test_nearest_neighbour_closed_form(E):
    """xi = -2t(cos kx + cos ky): N(E) = K(sqrt(1 - E^2/16t^2)) / (2 pi^2 t)."""
    t = 0.5
    p = BandParams(t1=t, t2=0.0, t3=0.0, eps_alpha=0.0, eps_beta=0.0)
    exact = ellipk(1.0 - E**2 / (16 * t * t)) / (2 * np.pi**2 * t)
    assert dos_moments("alpha", E, p, powers=(0,))[0] == pytest.approx(exact, rel=1e-10)


@pytest.mark.parametrize("E", [-1.5, -0.6, -0.05, 0.3, 1.2])
def test_eta_moments_of_nearest_neighbour_band_against_1d_integral(E):
    """xi = -2t(cx + cy) - E: the Fermi line is cx + cy = s = -E/2t, so
    <eta^p delta> = (1/pi^2) ∫ (cx - cy)^p dcx / (2t sqrt(1-cx^2) sqrt(1-cy^2)), cy = s - cx,
    an independent 1D integral done by QUADPACK with the algebraic end-point weight."""
    t = 0.5
    p = BandParams(t1=t, t2=0.0, t3=0.0, eps_alpha=0.0, eps_beta=0.0)
    s = -E / (2 * t)
    a, b = max(-1.0, s - 1.0), min(1.0, s + 1.0)

    def smooth(cx, power):  # integrand without the inverse square roots vanishing at a and b
        cy = s - cx
        if s >= 0:  # a = s - 1 (cy = 1), b = 1 (cx = 1)
            rest = np.sqrt(1 + cx) * np.sqrt(1 + cy)
        else:  # a = -1 (cx = -1), b = s + 1 (cy = -1)
            rest = np.sqrt(1 - cx) * np.sqrt(1 - cy)
        return (cx - cy) ** power / (2 * t * rest)

    for power in (0, 2, 4):
        ref = quad(smooth, a, b, args=(power,), weight="alg", wvar=(-0.5, -0.5), epsabs=0, epsrel=1e-13)[0]
        ref /= np.pi**2
        assert dos_moments("alpha", E, p, powers=(power,))[0] == pytest.approx(ref, rel=1e-11)


def test_convergence_exponential_in_nodes():
    """The production method's error falls exponentially with the quadrature nodes."""
    for band, mu in [("alpha", -0.65), ("beta", -0.65), ("beta", E_SADDLE + 2e-3), ("beta", -0.9)]:
        ref = dos_moments(band, mu, n=128)
        errs = [rel(dos_moments(band, mu, n=n), ref) for n in (3, 6, 12, 24)]
        assert errs[-1] < 1e-9
        assert errs[0] > errs[-1]
        assert all(e1 >= e2 or e2 < 1e-11 for e1, e2 in zip(errs, errs[1:]))


def test_triangle_method_converges_to_exact():
    """Linear tetrahedron (triangle) method: error falls with the grid (O(nk^-2) on average)."""
    mu = -0.65
    exact = dos_moments("beta", mu, powers=(0, 2))
    errs = [rel(dos_moments_triangles("beta", mu, powers=(0, 2), nk=nk), exact) for nk in (64, 256, 1024)]
    assert errs[0] > 5 * errs[2]
    assert errs[2] < 2e-3


def test_smearing_is_biased_but_close():
    """Gaussian smearing (baseline): within a few percent, not better than O(sigma^2)."""
    exact = dos_moments("alpha", -0.65, powers=(0,))
    smeared = dos_moments_smeared("alpha", -0.65, powers=(0,), nk=512, sigma=0.02)
    assert rel(smeared, exact) < 0.05


@pytest.mark.parametrize("band", BANDS)
def test_integrated_dos_reproduces_filling(band):
    lo, hi = band_range(band)
    for mu in (-0.9, -0.65, -0.3):
        # integrate piece by piece between critical energies (log or step singularities there)
        edges = [lo, *[e for e in van_hove_energies(band) if lo < e < mu], mu]
        integral = sum(
            quad(lambda e: dos_moments(band, e, powers=(0,))[0], x0, x1, limit=200, epsabs=1e-14)[0]
            for x0, x1 in zip(edges, edges[1:])
        )
        assert integral == pytest.approx(filling(band, mu), abs=1e-10)


@pytest.mark.parametrize("d", [1e-2, 1e-3, 1e-4, -1e-4, -1e-3])
def test_accuracy_near_the_van_hove_saddle(d):
    """Near the β saddle: the DOS integrates to the filling change across a window
    (independent: fillings use arccos measures, not the line weights), and the
    quadrature is self-converged to the stated accuracy."""
    mu = E_SADDLE + d
    w = abs(d) / 2
    integral, _ = quad(
        lambda e: dos_moments("beta", e, powers=(0,))[0],
        mu - w,
        mu + w,
        epsabs=1e-14,
        epsrel=1e-12,
        limit=200,
    )
    assert integral == pytest.approx(filling("beta", mu + w) - filling("beta", mu - w), rel=1e-8)
    assert rel(dos_moments("beta", mu, n=24), dos_moments("beta", mu, n=96)) < 1e-8


@pytest.mark.parametrize("d", [1e-6, -1e-6])
def test_stated_accuracy_one_microvolt_from_van_hove(d):
    mu = E_SADDLE + d
    assert rel(dos_moments("beta", mu, n=32), dos_moments("beta", mu, n=128)) < 1e-6


def test_quadrature_points_on_fermi_line():
    cx, cy, w = fermi_line_quadrature("beta", -0.65)
    from triplon.model.bands import quadratic_coefficients

    q = quadratic_coefficients("beta")
    assert np.max(np.abs(q(cx, cy) + 0.65)) < 1e-12
    assert np.all(w > 0) and np.all(np.abs(cx) <= 1) and np.all(np.abs(cy) <= 1)
    assert fermi_line_quadrature("alpha", 5.0)[2].size == 0  # above the band: no Fermi line


@given(t2=st.floats(-0.3, 0.1), t3=st.floats(-0.1, 0.1), eps=st.floats(-0.2, 0.6), frac=st.floats(0.02, 0.98))
def test_dos_methods_agree_for_random_bands(t2, t3, eps, frac):
    p = BandParams(t1=0.45, t2=t2, t3=t3, eps_alpha=eps, eps_beta=eps)
    lo, hi = band_range("alpha", p)
    mu = lo + frac * (hi - lo)
    assume(np.min(np.abs(van_hove_energies("alpha", p) - mu)) > 1e-2)
    try:
        ref = dos_moments_contour("alpha", mu, p, powers=(0, 2), ntheta=2048)
    except TopologyError:
        assume(False)
    assert rel(dos_moments("alpha", mu, p, powers=(0, 2)), ref) <= 1e-6


@given(
    t1=st.floats(0.1, 1.0),
    t2=st.floats(-0.5, 0.5),
    t3=st.floats(-0.2, 0.2),
    eps=st.floats(-0.5, 1.0),
    frac=st.floats(0.01, 0.99),
)
def test_dos_is_derivative_of_filling_for_random_bands(t1, t2, t3, eps, frac):
    """N = dn/dmu for any band topology (central difference of the exact filling)."""
    p = BandParams(t1=t1, t2=t2, t3=t3, eps_alpha=eps, eps_beta=eps)
    lo, hi = band_range("alpha", p)
    mu = lo + frac * (hi - lo)
    assume(np.min(np.abs(np.append(van_hove_energies("alpha", p), [lo, hi]) - mu)) > 2e-2 * (hi - lo))
    h = 1e-5 * (hi - lo)
    deriv = (filling("alpha", mu + h, p) - filling("alpha", mu - h, p)) / (2 * h)
    assert dos_moments("alpha", mu, p, powers=(0,))[0] == pytest.approx(deriv, rel=1e-5)

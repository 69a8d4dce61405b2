import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from triplon.model.bands import band_energy, band_range, uniform_grid, van_hove_energies, xi
from triplon.model.dos import filling_contour
from triplon.model.fermi import (
    TopologyError,
    fermi_contour,
    fermi_momentum,
    filling,
    fillings,
    find_pockets,
    mu_from_n_c,
)
from triplon.model.params import BANDS, BandParams, ParameterError

MU_PAPER = -0.65


def test_paper_fillings_at_paper_mu():
    """Paper (Fig. 2 caption, ARPES): n_alpha = 0.14, n_beta = 0.31 at mu = -0.65 eV."""
    f = fillings(MU_PAPER)
    assert round(f["alpha"], 2) == 0.14
    assert round(f["beta"], 2) == 0.31
    # converged values (two independent methods below agree to 1e-10)
    assert f["alpha"] == pytest.approx(0.1442198, abs=1e-7)
    assert f["beta"] == pytest.approx(0.3075360, abs=1e-7)


@pytest.mark.parametrize("mu", [-0.95, -0.9, -0.78, -0.7, MU_PAPER, -0.3, 0.1, 1.0])
@pytest.mark.parametrize("band", BANDS)
def test_filling_two_methods(band, mu):
    """Exact (cx, cy) quadrature against pocket areas from the polar k_F(θ)."""
    assert filling(band, mu) == pytest.approx(filling_contour(band, mu, ntheta=1024), abs=1e-10)


@pytest.mark.parametrize("mu", [-0.9, MU_PAPER, 0.5])
def test_filling_against_grid_count(mu):
    # crude but fully independent: occupied fraction of a 1200^2 grid (error ~ 1/1200)
    for band in BANDS:
        frac = np.mean(band_energy(*uniform_grid(1200), band) < mu)
        assert filling(band, mu) == pytest.approx(frac, abs=2e-3)


def test_filling_limits_and_monotonic():
    for band in BANDS:
        lo, hi = band_range(band)
        assert filling(band, lo - 0.1) == 0.0 and filling(band, hi + 0.1) == 1.0
        mus = np.linspace(lo, hi, 301)
        n = np.array([filling(band, m) for m in mus])
        assert np.all(np.diff(n) >= -1e-13)
        assert n[0] == pytest.approx(0, abs=1e-12) and n[-1] == pytest.approx(1, abs=1e-12)


@pytest.mark.parametrize("n_c", [0.01, 0.1, 0.29, 0.45, 1.0, 1.5, 1.99])
def test_mu_from_n_c_round_trip(n_c):
    mu = mu_from_n_c(n_c)
    f = fillings(mu)
    assert f["alpha"] + f["beta"] == pytest.approx(n_c, abs=1e-12)


@pytest.mark.parametrize("bad", [0.0, 2.0, -0.1, 2.5, float("nan"), float("inf")])
def test_mu_from_n_c_rejects_unreachable(bad):
    with pytest.raises(ParameterError, match="0 < n_c < 2"):
        mu_from_n_c(bad)


def test_topology_at_paper_mu():
    """α: electron pocket around Γ; β: hole pocket around M (X is occupied)."""
    assert [(p.centre, p.kind) for p in find_pockets("alpha", MU_PAPER)] == [("Gamma", "electron")]
    assert [(p.centre, p.kind) for p in find_pockets("beta", MU_PAPER)] == [("M", "hole")]
    assert xi(np.pi, 0, "beta", MU_PAPER) < 0


def test_topology_through_the_lifshitz_transition():
    """β below the saddle (-0.765 eV): Γ pocket + X, Y pockets; below X (-0.8): Γ only."""
    e_x, e_saddle = van_hove_energies("beta")
    mid = 0.5 * (e_x + e_saddle)
    centres = sorted(p.centre for p in find_pockets("beta", mid))
    assert centres == ["Gamma", "X", "Y"]
    assert [p.centre for p in find_pockets("beta", e_x - 0.05)] == ["Gamma"]
    assert [p.centre for p in find_pockets("beta", e_saddle + 0.05)] == ["M"]


@pytest.mark.parametrize("band", BANDS)
def test_contours_lie_on_fermi_line_and_have_c4v_symmetry(band):
    theta = np.linspace(0, 2 * np.pi, 721)
    for pocket in find_pockets(band, MU_PAPER):
        kx, ky = fermi_contour(pocket, theta, MU_PAPER)
        assert np.max(np.abs(xi(kx, ky, band, MU_PAPER))) < 1e-12
        kf = fermi_momentum(pocket, theta, MU_PAPER)
        # mirror about the diagonal: k_F(θ) = k_F(π/2 - θ); fourfold: k_F(θ) = k_F(θ + π/2)
        assert fermi_momentum(pocket, np.pi / 2 - theta, MU_PAPER) == pytest.approx(kf, rel=1e-12)
        assert fermi_momentum(pocket, theta + np.pi / 2, MU_PAPER) == pytest.approx(kf, rel=1e-12)


def test_open_sheet_is_reported_not_guessed():
    # nearest-neighbour band at half filling: the Fermi line is the square |kx| + |ky| = π,
    # it touches X and is not a closed pocket in any cell interior -> explicit error
    p = BandParams(t1=0.5, t2=0.0, t3=0.0, eps_alpha=0.0, eps_beta=0.0)
    with pytest.raises(TopologyError):
        for c in (1e-3,):
            find_pockets("alpha", c, p)
            find_pockets("alpha", -c, p)
            find_pockets("alpha", 0.0, p)


@given(t2=st.floats(-0.3, 0.1), t3=st.floats(-0.1, 0.1), eps=st.floats(0.0, 0.6), frac=st.floats(0.02, 0.98))
def test_filling_methods_agree_for_random_bands(t2, t3, eps, frac):
    p = BandParams(t1=0.45, t2=t2, t3=t3, eps_alpha=eps, eps_beta=eps)
    lo, hi = band_range("alpha", p)
    mu = lo + frac * (hi - lo)
    assume(np.min(np.abs(van_hove_energies("alpha", p) - mu)) > 1e-3)
    try:
        ref = filling_contour("alpha", mu, p, ntheta=1024)
    except TopologyError:
        assume(False)
    assert filling("alpha", mu, p) == pytest.approx(ref, abs=1e-8)


@pytest.mark.parametrize(
    "params, band, mu, n_lines",
    [
        (None, "alpha", MU_PAPER, 1),  # closed Γ pocket
        (None, "beta", MU_PAPER, 4),  # M hole pocket: cut by the zone boundary into 4 arcs
        (None, "beta", -0.7825, None),  # Γ + X + Y pockets
        (
            BandParams(t1=0.45, t2=-0.25, t3=-0.09375, eps_alpha=0.0, eps_beta=0.0),
            "alpha",
            None,
            None,
        ),  # annulus
    ],
)
def test_fermi_lines_any_topology(params, band, mu, n_lines):
    from triplon.model.fermi import fermi_lines

    if mu is None:  # the annulus case that the polar method refuses
        lo, hi = band_range(band, params)
        mu = lo + 0.0625 * (hi - lo)
        with pytest.raises(TopologyError):
            find_pockets(band, mu, params)
    lines = fermi_lines(band, mu, params)
    assert lines and (n_lines is None or len(lines) == n_lines)
    for x, y in lines:
        assert np.max(np.abs(xi(x, y, band, mu, params))) < 1e-12
        assert np.all(np.abs(x) <= np.pi) and np.all(np.abs(y) <= np.pi)


def test_brentq_is_scipys_brentq_step_for_step():
    """triplon.model.roots.brentq (no scipy.optimize import) returns SciPy's root bit for bit,
    and fails where SciPy fails."""
    import math

    from scipy.optimize import brentq as scipy_brentq

    from triplon.model.roots import RootNotConverged, brentq

    cases = [
        (lambda x: x**3 - 2 * x - 5, 2, 3),
        (lambda x: math.cos(x) - x, 0, 1),
        (lambda x: math.exp(x) - 3, 0, 2),
        (lambda x: math.tanh(20 * (x - 0.3)), -1, 1),
        (lambda x: x**9, -1, 2),
        (lambda x: math.log(x) + 0.5, 0.1, 3),
    ]
    rng = np.random.default_rng(7)
    for c in rng.normal(size=(60, 4)):
        cases.append((lambda x, c=c: c[0] + c[1] * x + c[2] * x**2 + c[3] * x**3, -3.0, 3.0))
    compared = 0
    for f, a, b in cases:
        if f(a) * f(b) > 0:
            with pytest.raises(ValueError, match="different signs"):
                brentq(f, a, b)
            continue
        for xtol, rtol in ((1e-15, 4 * np.finfo(float).eps), (1e-12, 1e-10), (1e-6, 1e-15)):
            try:
                want = scipy_brentq(f, a, b, xtol=xtol, rtol=rtol)
            except RuntimeError:
                with pytest.raises(RootNotConverged):
                    brentq(f, a, b, xtol=xtol, rtol=rtol)
                continue
            assert brentq(f, a, b, xtol=xtol, rtol=rtol) == want
            compared += 1
    assert compared > 100

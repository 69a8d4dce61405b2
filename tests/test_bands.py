import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from triplon.model.bands import (
    band_energy,
    band_range,
    bands_on_path,
    eta,
    grad_xi,
    high_symmetry_path,
    quadratic_coefficients,
    uniform_grid,
    van_hove_energies,
    xi,
)
from triplon.model.params import BANDS, BandParams

k = st.floats(-10, 10, allow_nan=False)
hop = st.floats(-1, 1, allow_nan=False)


def band_sets():
    return st.builds(
        BandParams,
        t1=st.floats(0.1, 1),
        t2=hop,
        t3=st.floats(-0.3, 0.3),
        eps_alpha=st.floats(-0.5, 1),
        eps_beta=st.floats(-0.5, 1),
    )


@given(kx=k, ky=k, p=band_sets(), band=st.sampled_from(BANDS))
def test_xi_symmetries(kx, ky, p, band):
    x = xi(kx, ky, band, -0.3, p)
    for kx2, ky2 in [(ky, kx), (-kx, ky), (kx, -ky), (kx + 2 * np.pi, ky), (kx, ky - 2 * np.pi)]:
        assert xi(kx2, ky2, band, -0.3, p) == pytest.approx(x, abs=1e-12)


@given(kx=k, ky=k)
def test_eta_odd_under_swap_even_under_reflections(kx, ky):
    assert eta(ky, kx) == pytest.approx(-eta(kx, ky), abs=1e-15)
    assert eta(-kx, ky) == pytest.approx(eta(kx, ky), abs=1e-15)
    assert eta(kx, -ky) == pytest.approx(eta(kx, ky), abs=1e-15)
    # eta vanishes on the zone diagonal
    assert eta(kx, kx) == 0.0


def test_high_symmetry_values_paper_set():
    # Γ: -4(t1+t2+t3); X: -4(-t2+t3) + 4 eps; M: -4(-t1+t2+t3)
    assert xi(0, 0, "beta", 0.0) == pytest.approx(-1.08)
    assert xi(np.pi, 0, "alpha", 0.0) == pytest.approx(0.4)
    assert xi(np.pi, 0, "beta", 0.0) == pytest.approx(-0.8)
    assert xi(np.pi, np.pi, "alpha", 0.0) == pytest.approx(2.52)


@given(p=band_sets(), band=st.sampled_from(BANDS), kx=k, ky=k)
def test_quadratic_form_is_exact(p, band, kx, ky):
    q = quadratic_coefficients(band, p)
    assert q(np.cos(kx), np.cos(ky)) == pytest.approx(band_energy(kx, ky, band, p), abs=1e-12)


@given(p=band_sets(), band=st.sampled_from(BANDS))
def test_band_range_brackets_a_fine_grid(p, band):
    lo, hi = band_range(band, p)
    e = band_energy(*uniform_grid(201), band, p)
    assert lo <= e.min() + 1e-12 and hi >= e.max() - 1e-12
    # and is attained to grid accuracy (a 201-grid misses extrema by O(h^2))
    assert e.min() - lo < 2e-3 * (hi - lo) and hi - e.max() < 2e-3 * (hi - lo)


def test_van_hove_energies_paper_set():
    # beta: local minimum at X (-0.8) and a saddle on Γ–X at -0.765 (found by brute force)
    kx = np.linspace(0, np.pi, 200001)
    e = band_energy(kx, 0 * kx, "beta")
    inner = e[1:-1]
    i = np.argmax(inner)
    assert van_hove_energies("beta") == pytest.approx([-0.8, inner[i]], abs=1e-9)


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    kx, ky = rng.uniform(-np.pi, np.pi, (2, 50))
    h = 1e-6
    for band in BANDS:
        gx, gy = grad_xi(kx, ky, band)
        fx = (band_energy(kx + h, ky, band) - band_energy(kx - h, ky, band)) / (2 * h)
        fy = (band_energy(kx, ky + h, band) - band_energy(kx, ky - h, band)) / (2 * h)
        assert np.allclose(gx, fx, atol=1e-8) and np.allclose(gy, fy, atol=1e-8)


def test_path_labels_and_positions():
    path = high_symmetry_path(40)
    assert path.labels == ("Gamma", "X", "M", "Gamma")
    assert path.positions == pytest.approx([0, np.pi, 2 * np.pi, 2 * np.pi + np.pi * np.sqrt(2)])
    for label, pos in zip(path.labels, path.positions):
        i = np.argmin(abs(path.distance - pos))
        assert path.distance[i] == pytest.approx(pos)
        target = {"Gamma": (0, 0), "X": (np.pi, 0), "M": (np.pi, np.pi)}[label]
        assert (path.kx[i], path.ky[i]) == pytest.approx(target)
    assert np.all(np.diff(path.distance) > 0)
    path60, x = bands_on_path(mu=-0.65, points_per_unit=60)
    assert x.shape == (2, path60.distance.size)
    assert x[:, 0] == pytest.approx([-1.08 + 0.65, -1.08 + 0.65])  # both bands at Γ
    i_x = np.argmin(abs(path60.distance - np.pi))
    assert x[:, i_x] == pytest.approx([0.4 + 0.65, -0.8 + 0.65])  # split by 4 (eps_a - eps_b) at X


def test_grid_rejects_bad_size():
    with pytest.raises(ValueError, match="positive integer"):
        uniform_grid(0)

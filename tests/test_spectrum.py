"""Quasiparticle DOS, tunneling conductance and gap distributions (triplon.observables.spectrum).

Every expectation is independent of the method under test: closed forms (Dynes BCS,
the Gamma = 0 BCS DOS of a particle-hole asymmetric band built from the exact normal
DOS, the sech^2 kernel), the exact normal DOS of triplon.model.dos, direct numerical
quadrature, sum rules, and a brute-force k-grid.
"""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from triplon.model.bands import quadratic_coefficients
from triplon.model.bands import xi as xi_band
from triplon.model.contour import fermi_line_nodes
from triplon.model.dos import dos_moments, fermi_level
from triplon.observables.band_data import flat_band_data, gap_distribution, gap_extremes, prepare_band
from triplon.observables.spectrum import spectrum_dataset, spectrum_from_gaps, spectrum_point
from triplon.observables.tunneling import (
    find_coherence_peaks,
    quasiparticle_dos,
    thermal_kernel,
    tunneling_conductance,
)

# full s± solution at the paper's point (n_c 0.45, lambda 0.5, kappa 0.75, Omega 0.3),
# rounded: the tests need a realistic anisotropic gap, not these exact numbers
PAPER_GAPS = {"alpha": (0.1371, 0.1349), "beta": (-0.07554, -0.01517)}


def dynes(E, gamma, delta):
    """Dynes BCS DOS per unit N: Re[z / sqrt(z^2 - Delta^2)], z = E + i Gamma (physical branch)."""
    z = np.asarray(E) + 1j * gamma
    return np.real(1.0 / np.sqrt(1.0 - (delta / z) ** 2))


def lorentz_tail(E, gamma, width):
    """Weight of a unit Lorentzian centred at E that lies outside [-width, width]."""
    return 1.0 - (np.arctan((width - E) / gamma) + np.arctan((width + E) / gamma)) / np.pi


@pytest.fixture(scope="module")
def paper():
    fl = fermi_level(n_c=0.45)
    return fl, {b: prepare_band(b, fl.mu, 0.3) for b in ("alpha", "beta")}


# ------------------------------------------------------------- flat bands


def test_flat_band_isotropic_gap_is_the_dynes_bcs_form():
    d = flat_band_data(0.5, 0.3, width=2.0)
    E = np.linspace(-0.15, 0.15, 61)
    for gamma in (1e-3, 1e-4):
        ns = quasiparticle_dos(E, d, 0.05, 0.0, gamma=gamma)
        ref = 0.5 * (dynes(E, gamma, 0.05) - lorentz_tail(E, gamma, 2.0))
        # what remains is the Lorentzian tail of the cutoff region |E| ~ Omega, O(Gamma Delta^2/Omega^2)
        assert np.max(np.abs(ns - ref)) / 0.5 < 0.05 * gamma


def test_flat_band_anisotropic_gap_matches_direct_quadrature():
    # circular Fermi line, eta^2 = cos^2(2 theta): Delta(theta) = A + B cos^2(2 theta)
    A, B, gamma = 0.05, 0.05, 1e-3
    d = flat_band_data(0.5, 0.3, width=2.0)
    E = np.array([-0.2, -0.12, -0.08, -0.06, -0.03, 0.0, 0.02, 0.055, 0.075, 0.09, 0.11, 0.15])
    ns = quasiparticle_dos(E, d, A, B, gamma=gamma)
    for e, n in zip(E, ns):
        z = e + 1j * gamma
        ref = quad(
            lambda t, z=z: dynes(z.real, gamma, A + B * math.cos(2 * t) ** 2), 0, math.pi / 2, limit=400
        )
        ref = 0.5 * (ref[0] / (math.pi / 2) - lorentz_tail(e, gamma, 2.0))
        assert abs(n - ref) / 0.5 < 3e-4, e


def test_flat_band_spectrum_is_particle_hole_symmetric():
    d = flat_band_data(0.7, 0.3)
    E = np.linspace(0.0, 0.25, 101)
    plus = quasiparticle_dos(E, d, 0.04, 0.03, gamma=5e-4)
    minus = quasiparticle_dos(-E, d, 0.04, 0.03, gamma=5e-4)
    assert np.max(np.abs(plus - minus)) < 1e-10


def test_peaks_and_edges_sit_at_the_gap_extremes_for_small_gamma():
    # log peak at the maximum of |Delta|, steepest rise (step) at the minimum
    A, B = 0.04, 0.03
    d = flat_band_data(0.5, 0.3)
    E = np.linspace(0.0, 0.1, 20001)
    for gamma in (2e-4, 5e-5):
        ns = quasiparticle_dos(E, d, A, B, gamma=gamma)
        peaks, src = find_coherence_peaks(E, ns, {"min": A, "max": A + B})
        assert src == ["max"]
        assert abs(peaks[0] - (A + B)) < 3 * gamma
        edge = E[np.argmax(np.gradient(ns, E))]
        assert abs(edge - A) < 3 * gamma


# ------------------------------------------------------------- real bands


def test_line_density_of_eta2_integrates_to_N_and_N_tilde(paper):
    fl, data = paper
    for b, d in data.items():
        assert d.bin_mass.sum() == pytest.approx(fl.dos[b], rel=1e-9)
        assert np.all(d.bin_mass > 0)
        # the first moment from the bins (mass x centre, corrected by the slope) is Ñ
        mid = 0.5 * (d.edges[1:] + d.edges[:-1])
        assert np.dot(d.bin_mass, mid) == pytest.approx(fl.dos_eta2[b], rel=2e-3)


@pytest.mark.parametrize("n_c", [0.2, 0.45, 0.9])
def test_eta2_extremes_on_the_fermi_line(n_c):
    fl = fermi_level(n_c=n_c)
    for b in ("alpha", "beta"):
        d = prepare_band(b, fl.mu, 0.3)
        cx, cy, _ = fermi_line_nodes(quadratic_coefficients(b), fl.mu, 400)
        u = (cx - cy) ** 2
        assert d.eta2_min <= u.min() + 1e-12 and d.eta2_min == pytest.approx(u.min(), abs=1e-5)
        assert d.eta2_max >= u.max() - 1e-12 and d.eta2_max == pytest.approx(u.max(), abs=1e-5)


def test_normal_state_is_the_exact_dos(paper):
    fl, data = paper
    # away from the beta van Hove energies
    E = np.array([-0.25, -0.2, -0.07, -0.05, 0.0, 0.03, 0.1, 0.2, 0.25])
    for b, d in data.items():
        ns = quasiparticle_dos(E, d, 0.0, 0.0, gamma=1e-5)
        exact = np.array([dos_moments(b, fl.mu + e, None, (0,))[0] for e in E])
        assert np.max(np.abs(ns / exact - 1)) < 2e-4
        assert quasiparticle_dos(0.0, d, 0.0, 0.0, gamma=1e-6) == pytest.approx(fl.dos[b], rel=5e-5)


def test_isotropic_gap_on_a_real_band_is_bcs_with_its_particle_hole_asymmetry(paper):
    # Gamma -> 0 with a constant gap: N_s(E) = [n(xi_E)(|E| ± xi_E) + n(-xi_E)(|E| ∓ xi_E)] / (2 xi_E),
    # xi_E = sqrt(E^2 - Delta^2), n the exact normal DOS: u^2 at +E, v^2 at -E
    fl, _ = paper
    delta = 0.05
    for b in ("alpha", "beta"):
        d = prepare_band(b, fl.mu, 0.3, step=5e-4)
        E = np.array([-0.2, -0.12, -0.08, 0.07, 0.1, 0.15, 0.2])
        if b == "beta":
            E = np.array([-0.06, 0.07, 0.1, 0.15, 0.2])  # no van Hove energy at ±xi_E
        ns = quasiparticle_dos(E, d, delta, 0.0, gamma=1e-5)
        for e, n in zip(E, ns):
            x = math.sqrt(e * e - delta * delta)
            n_p, n_m = (dos_moments(b, fl.mu + s, None, (0,))[0] for s in (x, -x))
            a = abs(e)
            ref = (
                (n_p * (a + x) + n_m * (a - x)) / (2 * x)
                if e > 0
                else (n_m * (a + x) + n_p * (a - x)) / (2 * x)
            )
            assert n == pytest.approx(ref, rel=1e-3), (b, e)
        # and it differs from the symmetric form N0 E/sqrt(E^2 - Delta^2) by the asymmetry of n
        sym = fl.dos[b] * dynes(E, 1e-5, delta)
        assert np.max(np.abs(ns / sym - 1)) > 1e-2


def test_spectral_weight_is_conserved(paper):
    fl, data = paper
    E = np.linspace(-0.6, 0.6, 4801)
    for b, d in data.items():
        ns = quasiparticle_dos(E, d, *PAPER_GAPS[b], gamma=1e-3)
        nn = quasiparticle_dos(E, d, 0.0, 0.0, gamma=1e-3)
        moved = np.trapezoid(np.abs(ns - nn), E)
        lost = np.trapezoid(ns - nn, E)
        assert moved > 0.02  # the gap really moves weight
        assert abs(lost) < 2e-3 * moved


def test_convergence_of_the_numerics(paper):
    fl, data = paper
    E = np.linspace(-0.28, 0.28, 561)
    for b, d in data.items():
        fine = prepare_band(b, fl.mu, 0.3, step=5e-4, n_line=96, shell_bins=64, bins=96)
        a = quasiparticle_dos(E, d, *PAPER_GAPS[b], gamma=2e-3)
        c = quasiparticle_dos(E, fine, *PAPER_GAPS[b], gamma=2e-3)
        # error ∝ (step/Gamma)^2 at the sharpest peaks, much smaller elsewhere
        assert np.max(np.abs(a - c)) / np.max(c) < 1e-2, b
        assert np.mean(np.abs(a - c)) / np.mean(c) < 1e-3, b


def test_agrees_with_a_brute_force_k_grid(paper):
    # plain Dynes sum over a 1024^2 grid with the same shell convention, Gamma = 8 meV
    fl, data = paper
    gamma, omega, n = 8e-3, 0.3, 1024
    k = np.linspace(-np.pi, np.pi, n, endpoint=False)
    kx, ky = k[:, None], k[None, :]
    E = np.array([-0.2, -0.14, -0.08, 0.0, 0.1, 0.14, 0.2, 0.25])
    for b in ("alpha", "beta"):
        x = xi_band(kx, ky, b, fl.mu).ravel()
        u = ((np.cos(kx) - np.cos(ky)) ** 2).ravel()
        A, B = PAPER_GAPS[b]
        dk = np.where(np.abs(x) < omega, A + B * u, 0.0)
        ek = np.sqrt(x * x + dk * dk)
        u2 = 0.5 * (1 + x / ek)
        brute = np.array(
            [
                np.mean(
                    u2 * gamma / np.pi / ((e - ek) ** 2 + gamma**2)
                    + (1 - u2) * gamma / np.pi / ((e + ek) ** 2 + gamma**2)
                )
                for e in E
            ]
        )
        ours = quasiparticle_dos(E, data[b], A, B, gamma=gamma)
        assert np.max(np.abs(ours - brute)) / fl.dos[b] < 1e-2, b
        assert np.mean(np.abs(ours - brute)) / fl.dos[b] < 2e-3, b


def test_coherence_peak_of_alpha_is_the_quasiparticle_saddle_not_the_fermi_line_maximum(paper):
    # Delta = A + B eta^2 also varies normal to the Fermi line: at the antinode
    # eta^2 = u_max(xi) grows with xi, so E^2 = xi^2 + (Delta0 + B u' xi)^2 has its minimum
    # Delta0 / sqrt(1 + (B u')^2) off the Fermi line. That is where the peak sits.
    fl, data = paper
    A, B = PAPER_GAPS["alpha"]
    quad_a = quadratic_coefficients("alpha")
    h = 1e-4
    umax = [max((cx - cy) ** 2) for cx, cy, _ in (fermi_line_nodes(quad_a, fl.mu + s, 200) for s in (-h, h))]
    du = (umax[1] - umax[0]) / (2 * h)
    d0 = A + B * data["alpha"].eta2_max
    saddle = d0 / math.sqrt(1 + (B * du) ** 2)
    E = np.linspace(0.15, 0.25, 4001)
    ns = quasiparticle_dos(E, data["alpha"], A, B, gamma=2e-4)
    peak = E[np.argmax(ns)]
    assert abs(peak - saddle) < 2e-3
    assert d0 - peak > 4e-3  # well below the Fermi-line maximum


def test_gap_distribution(paper):
    fl, data = paper
    for b, d in data.items():
        A, B = PAPER_GAPS[b]
        edges, w, gmin, gmax = gap_distribution(d, A, B, bins=40)
        assert w.sum() == pytest.approx(fl.dos[b], rel=1e-9)
        assert edges[0] == gmin and edges[-1] == pytest.approx(gmax)
        cx, cy, _ = fermi_line_nodes(quadratic_coefficients(b), fl.mu, 400)
        g = np.abs(A + B * (cx - cy) ** 2)
        assert gmin == pytest.approx(g.min(), abs=1e-6) and gmax == pytest.approx(g.max(), abs=1e-6)
    # a gap that changes sign on the line has minimum 0
    assert gap_extremes(data["alpha"], 0.05, -0.2)[0] == 0.0


# ----------------------------------------------------------------- tunneling


@pytest.mark.parametrize("T", [2e-3, 1e-4])
def test_thermal_broadening_of_a_delta_is_the_sech2_kernel(T):
    h = 5e-5
    E = np.arange(-2000, 2001) * h
    dos = np.zeros(E.size)
    dos[2000] = 1.0 / h
    out = tunneling_conductance(E, dos, T)
    ref = thermal_kernel(E, T)
    tol = 1e-9 if h <= T else 0.05
    assert np.max(np.abs(out - ref)) / ref.max() < tol
    assert np.sum(out) * h == pytest.approx(1.0, rel=1e-9)
    assert ref[2000] == pytest.approx(1 / (4 * T))


def test_thermal_broadening_keeps_linear_dos_and_returns_input_at_T0():
    E = np.linspace(-0.1, 0.1, 801)
    lin = 1.0 + 3.0 * E
    out = tunneling_conductance(E, lin, 2e-3)
    inner = np.abs(E) < 0.05
    assert np.max(np.abs(out[inner] - lin[inner])) < 1e-12
    assert np.array_equal(tunneling_conductance(E, lin, 0.0), lin)
    with pytest.raises(ValueError, match="uniform"):
        tunneling_conductance(E**3, lin, 1e-3)


def test_step_dos_gives_the_fermi_function():
    # ∫ Theta(E) [-f'(E - V)] dE = f(-V); the step sits half-way between grid points
    h, T = 1e-4, 3e-3
    E = (np.arange(-1500, 1500) + 0.5) * h
    out = tunneling_conductance(E, (E > 0).astype(float), T)
    ref = 1.0 / (np.exp(-E / T) + 1.0)
    assert np.max(np.abs(out - ref)[np.abs(E) < 0.1]) < 2e-3


# --------------------------------------------------------------- one point


@pytest.fixture(scope="module")
def point():
    return spectrum_point(T=2e-3, gamma=1e-3)


def test_spectrum_point_fields_and_consistency(point, paper):
    fl, data = paper
    r = point
    assert r.energy.size == 801 and r.energy[0] == -r.energy[-1]
    assert np.allclose(r.dos_total, r.dos_alpha + r.dos_beta)
    assert r.gap_max_alpha > r.gap_min_alpha > r.gap_max_beta > r.gap_min_beta > 0
    assert r.gap_min_alpha == pytest.approx(abs(r.A_alpha))
    assert r.dos_normal_alpha == pytest.approx(fl.dos["alpha"], rel=1e-9)
    assert all(p > 0 for p in r.peaks)
    assert "beta max" in r.peak_sources and "alpha max" in r.peak_sources
    # inside both gaps only the Dynes tail remains: N Gamma/Delta-like, far below the normal DOS
    inside = np.abs(r.energy) < 0.03
    assert np.all(r.didv[inside] < 2 * r.gamma / r.gap_min_beta * (fl.dos["alpha"] + fl.dos["beta"]))


def test_spectrum_point_didv_far_above_the_gaps_tends_to_the_normal_dos():
    r = spectrum_point(n_c=0.45, lam=0.2, kappa=0.75, T=1e-3, gamma=5e-4, emax=0.28)
    fl = fermi_level(n_c=0.45)
    exact = sum(dos_moments(b, fl.mu + 0.27, None, (0,))[0] for b in ("alpha", "beta"))
    i = np.argmin(np.abs(r.energy - 0.27))
    assert max(r.gap_max_alpha, r.gap_max_beta) < 0.03
    assert r.didv[i] == pytest.approx(exact, rel=1e-2)


def test_thermal_didv_equals_the_convolution_of_the_dos(paper):
    fl, data = paper
    T = 5e-3
    r = spectrum_from_gaps(data, PAPER_GAPS, T=T, gamma=1e-3, emax=0.3, points=601)
    # independent check: brute convolution of the T = 0 spectrum by the sech^2 kernel on a fine grid
    h = 1e-4
    fine = np.arange(-0.4, 0.4 + h / 2, h)
    tot = sum(quasiparticle_dos(fine, data[b], *PAPER_GAPS[b], gamma=1e-3) for b in data)
    for v in (-0.1, 0.0, 0.08, 0.13, 0.2):
        ref = np.trapezoid(tot * thermal_kernel(fine - v, T), fine)
        i = np.argmin(np.abs(r.energy - v))
        assert r.didv[i] == pytest.approx(ref, rel=1e-3, abs=1e-5)


def test_matrix_element_and_weights(paper):
    fl, data = paper
    base = spectrum_from_gaps(data, PAPER_GAPS, gamma=1e-3, emax=0.3, points=301)
    m4 = spectrum_from_gaps(data, PAPER_GAPS, gamma=1e-3, emax=0.3, points=301, matrix_element="eta4")
    only_a = spectrum_from_gaps(data, PAPER_GAPS, gamma=1e-3, emax=0.3, points=301, weights=(1, 0))
    assert np.array_equal(base.dos_alpha, m4.dos_alpha)
    assert not np.allclose(base.didv, m4.didv)
    assert np.allclose(only_a.didv, base.dos_alpha)
    # normal state with the eta^4 element: N at E_F for each band
    normal = {b: (0.0, 0.0) for b in data}
    n4 = spectrum_from_gaps(data, normal, gamma=1e-5, emax=0.05, points=101, matrix_element="eta4")
    assert n4.didv[50] == pytest.approx(fl.dos["alpha"] + fl.dos["beta"], rel=1e-3)


def test_eq16_model_and_normal_state_above_tc():
    r = spectrum_point(gap_model="eq16", gamma=1e-3, points=201)
    from triplon.pairing.analytic import solve_eq17

    fl = fermi_level(n_c=0.45)
    e17 = solve_eq17(fl.dos["beta"] / fl.dos["alpha"], 0.5, 0.3)
    assert r.gap_min_alpha == pytest.approx(e17.gap_alpha, rel=1e-9)
    assert r.gap_min_beta == pytest.approx(e17.gap_beta, rel=1e-9)
    hot = spectrum_point(T=0.1, gamma=1e-3, points=201, emax=0.1)  # T_c = 0.078 eV
    assert hot.gap_max_alpha == 0.0 and hot.gap_max_beta == 0.0 and hot.peaks.size == 0
    assert "normal" in hot.status


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"gamma": 0.0}, "gamma"),
        ({"gamma": -1e-3}, "gamma"),
        ({"T": -1.0}, "T must be"),
        ({"omega": 0.0}, "omega"),
        ({"gap_model": "bcs"}, "gap_model"),
        ({"matrix_element": "eta2"}, "matrix_element"),
        ({"points": 2}, "points"),
        ({"emax": -0.1}, "emax"),
        ({"weights": (1, -1)}, "weights"),
        ({"kappa": -0.5}, "kappa"),
    ],
)
def test_bad_input_is_a_clear_value_error(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        spectrum_point(**kwargs)


def test_dataset_has_units_and_long_names(point):
    ds = spectrum_dataset(point)
    assert ds["dos"].dims == ("band", "energy")
    assert ds.sizes["energy"] == 801
    for name in list(ds.data_vars) + ["energy"]:
        assert ds[name].attrs.get("units") or name in ("peak_source",), name
        assert ds[name].attrs.get("long_name"), name
    assert ds.attrs["gap_convention"].startswith("Delta_b(k) = A_b + B_b eta_k^2")


# ------------------------------------------------------ caveats and flagged failures


def test_caveats_on_every_output_of_the_paper_point(point):
    """The paper's point (T_c ~ 900 K) carries its caveat in the result, JSON and Dataset."""
    from triplon.pairing.caveats import KELVIN_PER_EV
    from triplon.pairing.point import gap_point

    s = gap_point(n_c=0.45, lam=0.5, kappa=0.75, omega=0.3)
    assert s.Tc * KELVIN_PER_EV > 300  # an independent solve: the caveat must apply
    assert point.caveat_flags & 64 and any("300 K" in c for c in point.caveats)
    assert point.caveat_flags & 1024  # the window holds |E| ~ Omega: the cutoff's steps are marked
    assert point.as_json_dict()["caveat_flags"] == point.caveat_flags
    ds = spectrum_dataset(point)
    assert ds.attrs["caveat_flags"] == point.caveat_flags and "300 K" in ds.attrs["caveats"]


def test_spectrum_inside_the_cutoff_has_no_artefact_flag():
    r = spectrum_point(emax=0.2, points=101)
    assert not r.caveat_flags & 1024


def test_a_negative_dos_is_flagged_never_ok(paper):
    """spectrum_flags against hand-made spectra: negative or non-finite values set bit 512."""
    from dataclasses import replace

    from triplon.observables.spectrum import DOS_NEGATIVE_TOLERANCE, spectrum_flags

    fl, data = paper
    good = spectrum_from_gaps(data, PAPER_GAPS, emax=0.25, points=101)
    assert np.min(good.dos_alpha) >= 0 and not spectrum_flags(good, 0.3) & 512
    scale = good.dos_normal_alpha + good.dos_normal_beta
    for bad in (-10 * DOS_NEGATIVE_TOLERANCE * scale, math.nan):
        d = good.dos_beta.copy()
        d[50] = bad
        assert spectrum_flags(replace(good, dos_beta=d), 0.3) & 512


@pytest.mark.parametrize("kwargs", [{"gamma": 1e-300}, {"gamma": 5e-324}, {"T": 1e-300}, {"T": 5e-324}])
def test_gamma_and_T_near_the_smallest_floats_are_rejected(kwargs):
    with pytest.raises(ValueError, match="gamma must be >= 1e-06|T must be 0 or in"):
        spectrum_point(**kwargs)


@pytest.mark.parametrize("kwargs", [{"gamma": 1e-6, "points": 201}, {"T": 1e-7, "points": 201}])
def test_smallest_allowed_gamma_and_T_give_finite_spectra(kwargs):
    r = spectrum_point(emax=0.25, **kwargs)
    assert all(np.all(np.isfinite(v)) for v in (r.dos_alpha, r.dos_beta, r.didv))


def test_a_real_negative_dos_is_flagged_in_status_and_caveats():
    """Eq. 16 gaps at strong coupling drive the out-of-shell term below zero: flagged, not ok."""
    r = spectrum_point(n_c=0.45, lam=1.0, kappa=3.0, gap_model="eq16", points=201)
    assert min(r.dos_alpha.min(), r.dos_beta.min()) < 0  # the case is real
    assert r.caveat_flags & 512 and r.status != "ok" and "DOS negative" in r.status
    assert any("negative" in c for c in r.caveats)

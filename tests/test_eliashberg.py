"""Retarded triplon exchange (Migdal–Eliashberg) against limits, textbook results and a second method."""

import math

import numpy as np
import pytest

from triplon.model.dos import fermi_level
from triplon.observables.eliashberg import eliashberg_point, gap_edge_at, pade_functions
from triplon.pairing.caveats import KELVIN_PER_EV
from triplon.pairing.eliashberg import (
    critical_temperature,
    default_omega_max,
    einstein_model,
    eliashberg_model,
    solve_matsubara,
)
from triplon.pairing.eliashberg_real import exact_continuation, gap_edge, pade_continuation
from triplon.pairing.point import resolve_V

W_E = 0.05  # Einstein energy of the single-band tests (eV)


def allen_dynes(lam, w, mu=0.0):
    """Allen & Dynes, PRB 12, 905 (1975), Einstein spectrum (omega_log = omega_2 = w, f2 = 1)."""
    f1 = (1 + (lam / (2.46 * (1 + 3.8 * mu))) ** 1.5) ** (1 / 3)
    return f1 * w / 1.2 * math.exp(-1.04 * (1 + lam) / (lam - mu * (1 + 0.62 * lam)))


# ------------------------------------------------------------------ T_c


@pytest.mark.parametrize("lam, mu", [(0.5, 0.0), (1.0, 0.0), (2.0, 0.0), (1.0, 0.1), (2.0, 0.1)])
def test_einstein_tc_against_allen_dynes(lam, mu):
    """The single-band Einstein model (two identical sheets, kappa = 0): Allen–Dynes with f1 is
    fitted to such solutions within a few per cent for lambda <~ 2 (their Table I)."""
    tc = critical_temperature(einstein_model(lam, W_E, mu, omega_c=10 * W_E))
    # mu* depends on its cutoff (here 10 omega_E): a wider tolerance where mu* > 0
    assert tc == pytest.approx(allen_dynes(lam, W_E, mu), rel=0.07 if mu == 0 else 0.12)


@pytest.mark.parametrize("lam", [0.5, 1.0])
def test_tc_converged_in_the_matsubara_cutoff(lam):
    m = einstein_model(lam, W_E)
    tc = critical_temperature(m)
    ref = critical_temperature(m, omega_max=8 * default_omega_max(m, tc))  # 8 x the frequencies
    assert tc == pytest.approx(ref, rel=1e-5)


@pytest.mark.parametrize(
    "lam, kappa, w, mu",
    [(0.5, 0.75, 0.3, 0.0), (0.1, 1.5, 0.03, 0.0), (2.0, 0.0, 0.03, 0.1), (10.0, 1.5, 0.05, 0.1)],
)
def test_tc_search_finds_the_root_brent_finds(lam, kappa, w, mu):
    """The secant / inverse-quadratic T_c search against Brent's method on the same eigenvalue."""
    from scipy.optimize import brentq

    from triplon.pairing.eliashberg import leading_eigenvalue

    fl = fermi_level(n_c=0.45)
    m = eliashberg_model(fl, resolve_V(fl, lam=lam), kappa, kappa, w, mu_star=mu)
    tc = critical_temperature(m)
    ref = math.exp(
        brentq(
            lambda x: math.log(leading_eigenvalue(m, math.exp(x))),
            math.log(1e-3 * w),
            math.log(2 * w),
            xtol=1e-14,
            rtol=1e-13,
        )
    )
    assert tc == pytest.approx(ref, rel=1e-10)


def test_tc_below_the_floor_is_zero():
    fl = fermi_level(n_c=0.45)
    m = eliashberg_model(fl, resolve_V(fl, lam=0.1), 0.0, 0.0, 0.3, mu_star=0.1)
    assert critical_temperature(m) == 0.0


@pytest.mark.parametrize("N", [40, 600])  # the matrix path and the FFT path
def test_batched_kernel_products_equal_the_dense_sums(N):
    from triplon.pairing.eliashberg import _kernels

    K = _kernels(einstein_model(0.5, W_E), 0.2 * W_E if N < 100 else 0.004 * W_E, N)
    n = np.arange(N)
    dm, dp = K.d[np.abs(n[:, None] - n[None, :])], K.d[n[:, None] + n[None, :] + 1]
    A = np.random.default_rng(1).random((3, N))
    signs = [1.0, -1.0, 1.0]
    ref = np.array([(dm + s * dp) @ a for a, s in zip(A, signs)])
    np.testing.assert_allclose(K.products(A, signs), ref, rtol=0, atol=1e-13 * np.abs(ref).max())


def test_weak_coupling_exponent_is_bcs_with_mass_renormalisation():
    """omega_T >> T_c: ln(T_c/omega_T) = const - (1 + lambda)/lambda (BCS with lambda/(1 + lambda))."""
    lams = np.array([0.25, 0.3, 0.35])
    x = (1 + lams) / lams
    y = [math.log(critical_temperature(einstein_model(lam, W_E)) / W_E) for lam in lams]
    slope = np.polyfit(x, y, 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.03)
    # and the prefactor T_c e^{(1 + lambda)/lambda} / omega_T is lambda-independent (~0.75 for
    # the Lorentzian D(i nu); 1.13 for a hard cutoff)
    pref = [math.exp(v + xx) for v, xx in zip(y, x)]
    assert max(pref) / min(pref) < 1.05


def test_weak_coupling_gap_ratio_is_bcs():
    m = einstein_model(0.25, W_E)
    tc = critical_temperature(m)
    s = solve_matsubara(m, 0.1 * tc)
    assert s.converged
    assert 2 * s.delta("alpha")[0] / tc == pytest.approx(3.528, rel=0.01)  # 2 Delta(0)/T_c of BCS


def test_linearised_tc_is_the_limit_of_the_nonlinear_solution():
    m = einstein_model(1.0, W_E)
    tc = critical_temperature(m)
    ts = tc * np.array([0.97, 0.98, 0.99])
    d2 = [solve_matsubara(m, t).delta("alpha")[0] ** 2 for t in ts]
    t_star = -np.polyfit(ts, d2, 1)[1] / np.polyfit(ts, d2, 1)[0]  # Delta^2 ∝ (T_c - T)
    assert t_star == pytest.approx(tc, rel=2e-3)
    above = solve_matsubara(m, 1.01 * tc)
    assert above.converged and np.max(np.abs(above.delta("alpha"))) < 1e-10 * W_E


# ------------------------------------------------------------------ the paper's point


@pytest.fixture(scope="module")
def paper_model():
    fl = fermi_level(n_c=0.45)
    V = resolve_V(fl, lam=0.5)
    return fl, V


def test_couplings_and_scale_at_the_paper_point(paper_model):
    """A held-out scale check (an independent solver): T_c ≈ 129 K, Z_alpha ≈ 1.77, Z_beta ≈ 1.33."""
    fl, V = paper_model
    m = eliashberg_model(fl, V, 0.0, 0.0, 0.3)
    assert m.lam["alpha"] * m.lam["beta"] == pytest.approx(0.25, rel=1e-12)  # lambda^2
    assert m.lam["alpha"] / m.lam["beta"] == pytest.approx(fl.dos["beta"] / fl.dos["alpha"], rel=1e-12)
    tc = critical_temperature(m)
    assert tc * KELVIN_PER_EV == pytest.approx(129, rel=0.01)
    s = solve_matsubara(m, 0.2 * tc)
    assert s.Z("alpha")[0] == pytest.approx(1.77, rel=0.01) and s.Z("beta")[0] == pytest.approx(
        1.33, rel=0.01
    )


def test_kappa_raises_tc_and_converges_in_the_fermi_line_quadrature(paper_model):
    fl, V = paper_model
    tcs = [critical_temperature(eliashberg_model(fl, V, 0.75, 0.75, 0.3, n=n)) for n in (12, 24, 48)]
    assert tcs[1] == pytest.approx(tcs[2], rel=1e-6) and tcs[0] == pytest.approx(tcs[2], rel=1e-4)
    assert tcs[2] > critical_temperature(eliashberg_model(fl, V, 0.0, 0.0, 0.3))


def test_kappa_z_form_factor_for_unequal_kappas(paper_model):
    """kz2 = (kappa_a^2 + kappa_b^2)/2 >= k2 = kappa_a kappa_b: more mass, lower T_c than kz2 = k2."""
    fl, V = paper_model
    m = eliashberg_model(fl, V, 0.4, 1.2, 0.3)
    assert m.kappa2 == pytest.approx(0.48) and m.kappaZ2 == pytest.approx(0.8)
    from dataclasses import replace

    assert critical_temperature(m) < critical_temperature(replace(m, kappaZ2=m.kappa2))


# ------------------------------------------------------------------ real axis


@pytest.fixture(scope="module")
def einstein_solution():
    m = einstein_model(1.0, W_E)
    tc = critical_temperature(m)
    return m, tc, solve_matsubara(m, 0.2 * tc)


def test_pade_and_exact_continuation_agree_on_the_gap_edge(einstein_solution):
    m, tc, s = einstein_solution
    exact = exact_continuation(m, s)
    assert exact.converged
    d_exact = gap_edge(exact, "alpha")
    d_pade = gap_edge_at(pade_functions(s), "alpha", 0.0, 3 * s.delta("alpha")[0])
    assert d_pade == pytest.approx(d_exact, rel=3e-3)  # the exact grid has h = omega_T/200
    assert 2 * d_exact / tc == pytest.approx(4.2, abs=0.15)  # strong coupling: above BCS 3.53
    # Z(omega -> 0) from both routes, and near the Matsubara Z(i pi T) at T << omega_E
    mid = exact.omega.size // 2
    z0 = exact.Z("alpha")[mid].real
    assert z0 == pytest.approx(pade_continuation(s, exact.omega).Z("alpha")[mid].real, rel=1e-3)
    assert z0 == pytest.approx(s.Z("alpha")[0], rel=0.01)


def test_spectral_representation_recovers_the_matsubara_gap(einstein_solution):
    """phi(i omega_n) = (1/pi) ∫ Im phi(omega) / (omega - i omega_n) d omega from the exact real axis."""
    m, tc, s = einstein_solution
    ax = exact_continuation(m, s, omega_max=12 * W_E)
    w, h = ax.omega, ax.omega[1] - ax.omega[0]
    for n in (0, 3, 10):
        rec = (np.sum(ax.p0["alpha"].imag / (w - 1j * s.omega_n[n])) * h / math.pi).real
        assert rec == pytest.approx(s.p0["alpha"][n], rel=0.02)


def test_dos_conserves_spectral_weight_and_shows_the_dip_hump():
    r = eliashberg_point(n_c=0.45, lam=0.5, kappa=0.0, omega_T=0.05, gamma=5e-4, points=2001)
    assert r.converged and not any("negative DOS" in c for c in r.caveats)
    e = r.energy
    norm = r.dos_normal["alpha"] + r.dos_normal["beta"]
    excess = np.trapezoid((r.dos["alpha"] + r.dos["beta"]) / norm - 1.0, e)
    assert abs(excess) < 0.05 * max(r.gap_edge["alpha"][1], 1e-9)  # weight moved, not created
    top = max(r.gap_edge[b][1] for b in ("alpha", "beta"))
    assert r.dip == pytest.approx(top + 0.05, abs=0.012)  # the dip near Delta_0 + omega_T
    assert r.mode_energy == pytest.approx(0.05, abs=0.012)
    assert math.isnan(r.hump) or r.dip < r.hump <= r.dip + 0.05
    # the dip: the lowest point of the DOS smoothed over 0.02 omega_T = 1 meV (Gaussian),
    # found again here on the spectrum's own grid (step 0.13 meV)
    tot = r.dos["alpha"] + r.dos["beta"]
    step = e[1] - e[0]
    k = np.arange(-40, 41)
    g = np.exp(-0.5 * (k * step / 1e-3) ** 2)
    smooth = np.convolve(tot, g, "same") / np.convolve(np.ones_like(tot), g, "same")
    window = (e > 1.05 * top) & (e <= top + 1.5 * 0.05)
    assert abs(e[window][np.argmin(smooth[window])] - r.dip) < 2 * step


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"omega_T": 0.0}, "omega_T must be > 0"),
        ({"omega_T": math.nan}, "omega_T must be > 0"),
        ({"mu_star": -0.1}, "mu_star must be >= 0"),
        ({"T": -1e-3}, "T must be"),
    ],
)
def test_bad_input_is_rejected(kw, match):
    with pytest.raises(ValueError, match=match):
        eliashberg_point(n_c=0.45, lam=0.5, **kw)


def test_comparison_dataset_against_the_solvers():
    from triplon.model.params import BandParams
    from triplon.pairing.bcs import tc_s_wave
    from triplon.pairing.point import prepare_shells
    from triplon.studies.eliashberg import eliashberg_comparison_dataset

    ds = eliashberg_comparison_dataset(
        BandParams(), 0.45, 0.5, 0.75, 0.3, 0.3, lam_grid=(0.3, 0.5, 3), t_points=3, energy_points=101
    )
    fl = fermi_level(n_c=0.45)
    V = resolve_V(fl, lam=0.5)
    tce = critical_temperature(eliashberg_model(fl, V, 0.75, 0.75, 0.3))
    tcb = tc_s_wave(prepare_shells(fl.mu, 0.3), V, 0.75**2)
    assert float(ds.Tc_eliashberg.sel(lam=0.5)) == pytest.approx(tce * KELVIN_PER_EV, rel=1e-9)
    assert float(ds.Tc_bcs.sel(lam=0.5)) == pytest.approx(tcb * KELVIN_PER_EV, rel=1e-9)
    assert ds.attrs["Tc_bcs_K"] > 4 * ds.attrs["Tc_eliashberg_K"]  # retardation and mass cut T_c
    assert np.all(np.diff(ds.gap_eliashberg.values, axis=1) < 0)  # gaps close as T -> T_c
    assert float(ds.dos_eliashberg.min()) >= 0 and float(ds.dos_bcs.min()) >= 0
    assert ds.attrs["mode_energy_meV"] == pytest.approx(300, rel=0.05)


def test_too_many_frequencies_is_a_clear_error():
    from triplon.pairing.eliashberg import MAX_MATSUBARA

    with pytest.raises(ValueError, match=f"more than {MAX_MATSUBARA}"):
        solve_matsubara(einstein_model(1.0, W_E), 1e-9 * W_E)


def test_above_tc_the_continuation_is_checked_not_trusted():
    """Far above T_c few Matsubara points remain: a Z(omega -> 0) that fails its check is NaN and said."""
    r = eliashberg_point(n_c=0.45, lam=0.5, kappa=0.0, omega_T=0.05, T=1.0, points=21, gamma=0.05)
    assert r.status.startswith("normal state")
    # at T >> omega_T only D(0) contributes: Z(i pi T) -> 1 + lambda_bb'; the few Matsubara
    # points left do not fix the real axis, and the check says so
    assert r.Z_matsubara["alpha"] == pytest.approx(1 + r.lam_alpha_beta, rel=0.01)
    assert all(math.isnan(r.Z[b]) for b in ("alpha", "beta"))
    assert any("Padé continuation fails its check" in c for c in r.caveats)

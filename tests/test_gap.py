"""Gap solvers: analytic Eqs. 16–18 and the full separable BCS problem (Eq. 14/15)."""

import math
import warnings

import numpy as np
import pytest
from scipy.integrate import quad

from triplon.model.dos import fermi_level, flat_shell
from triplon.model.params import BANDS, BandParams
from triplon.pairing.analytic import (
    BCS_RATIO,
    GapWarning,
    V_from_lam,
    gap_eq16,
    gap_ratio_eq18,
    gap_ratio_weak,
    solve_eq17,
)
from triplon.pairing.bcs import (
    d_wave_eigenvalue,
    gap_vs_temperature,
    s_wave_eigenvalue,
    solve_full,
    tc_d_wave,
    tc_s_wave,
)
from triplon.pairing.point import gap_point, prepare_shells

# ------------------------------------------------------------------ Eq. 17/18


@pytest.mark.parametrize("r", [1.0, 1.5, 2.355, 4.0, 0.5])
@pytest.mark.parametrize("lam", [0.05, 0.3, 0.6, 1.0, 1.5])
def test_eq17_solution_satisfies_eq17(r, lam):
    """Plug the solution back into both equations of Eq. 17 (N_alpha = 1, N_beta = r)."""
    omega = 0.3
    s = solve_eq17(r, lam, omega)
    V = lam / math.sqrt(r)
    assert s.gap_alpha == pytest.approx(V * r * s.gap_beta * math.log(2 * omega / s.gap_beta), rel=1e-12)
    assert s.gap_beta == pytest.approx(V * 1.0 * s.gap_alpha * math.log(2 * omega / s.gap_alpha), rel=1e-12)
    assert s.ratio == pytest.approx(s.gap_alpha / s.gap_beta, rel=1e-14)


def test_omega_drops_out_of_the_ratio():
    a, b = solve_eq17(2.5, 0.6, 0.3), solve_eq17(2.5, 0.6, 0.07)
    assert a.ratio == pytest.approx(b.ratio, rel=1e-14)
    assert a.gap / b.gap == pytest.approx(0.3 / 0.07, rel=1e-12)


@pytest.mark.parametrize("r", [1.5, 2.5, 5.0])
def test_weak_coupling_limit_of_the_ratio(r):
    assert gap_ratio_eq18(r, 0.0) == pytest.approx(math.sqrt(r), rel=1e-15)
    assert gap_ratio_weak(r) == math.sqrt(r)
    errs = [abs(solve_eq17(r, lam).ratio / math.sqrt(r) - 1) for lam in (0.1, 0.01, 0.001)]
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-3


@pytest.mark.parametrize("r", [1.5, 2.5, 5.0])
def test_eq18_against_exact_eq17_for_small_lambda(r):
    """Eq. 18 is the first-order expansion of Eq. 17: the error falls faster than lambda."""
    errs = [abs(gap_ratio_eq18(r, lam) / solve_eq17(r, lam).ratio - 1) for lam in (0.4, 0.2, 0.1, 0.05)]
    assert all(e2 < 0.5 * e1 for e1, e2 in zip(errs, errs[1:]))
    assert errs[-1] < 1e-4


def test_geometric_mean_gap_against_2_omega_exp():
    """Delta = sqrt(Delta_a Delta_b) ≈ 2 Omega exp(-1/lambda); exact: l^2 = 1/lambda^2 + y^2."""
    for lam in (0.1, 0.2):
        s = solve_eq17(2.0, lam, 0.3)
        assert s.gap == pytest.approx(0.6 * math.exp(-1 / lam), rel=0.05)
        y = 0.5 * math.log(s.ratio)
        assert math.log(0.6 / s.gap) == pytest.approx(math.sqrt(1 / lam**2 + y * y), rel=1e-13)


def test_eq16_anisotropy_uses_other_band():
    g = gap_eq16(np.array([0.0, 4.0]), 1.0, dos_eta2_other=0.5, dos_other=1.0, kappa2=0.25)
    assert g == pytest.approx([1.0, 1.5])


# --------------------------------------------------------------- flat DOS BCS


def flat_pair(lam, omega=0.3, eta2=(0.0,), w=(1.0,)):
    return {b: flat_shell(1.0, omega, eta2, w, band=b) for b in BANDS}, lam  # N = 1/eV: V = lam


@pytest.mark.parametrize("lam", [0.2, 0.35, 0.6])
def test_flat_dos_t0_gap_closed_form(lam):
    """Equal flat bands, kappa = 0: |Delta| = Omega / sinh(1/lambda) exactly (hard cutoff)."""
    shells, V = flat_pair(lam)
    s = solve_full(shells, V, 0.0)
    assert s.converged
    assert s.A_alpha == pytest.approx(0.3 / math.sinh(1 / lam), rel=1e-7)
    assert s.A_beta == pytest.approx(-s.A_alpha, rel=1e-12)  # s±, equal magnitudes
    assert s.B_alpha == 0.0 and s.B_beta == 0.0


@pytest.mark.parametrize("lam", [0.2, 0.35])
def test_flat_dos_tc_against_direct_integral(lam):
    """1 = lambda ∫_0^Omega tanh(e/2T_c)/e de, solved independently with QUADPACK."""
    shells, V = flat_pair(lam)
    tc = tc_s_wave(shells, V, 0.0)
    integral = quad(lambda e: math.tanh(e / (2 * tc)) / e, 0, 0.3, epsabs=0, epsrel=1e-13, limit=200)[0]
    assert lam * integral == pytest.approx(1.0, rel=1e-7)


def test_bcs_ratio_weak_coupling():
    """2 Delta / T_c -> 2 pi e^-gamma = 3.528 as lambda -> 0 (flat DOS, equal bands)."""
    ratios = []
    for lam in (0.4, 0.25, 0.15):
        shells, V = flat_pair(lam)
        ratios.append(2 * solve_full(shells, V, 0.0).A_alpha / tc_s_wave(shells, V, 0.0))
    assert abs(ratios[-1] - BCS_RATIO) < 1e-3
    assert abs(ratios[0] - BCS_RATIO) > abs(ratios[-1] - BCS_RATIO)


def test_symmetric_real_bands_give_equal_gaps():
    p = BandParams(eps_alpha=0.25, eps_beta=0.25)
    fl = fermi_level(n_c=0.5, params=p)
    shells = prepare_shells(fl.mu, 0.3, p)
    s = solve_full(shells, V_from_lam(0.4, fl.dos["alpha"], fl.dos["beta"]), 0.75)
    assert s.A_alpha == pytest.approx(-s.A_beta, rel=1e-10)
    assert s.B_alpha == pytest.approx(-s.B_beta, rel=1e-10)


# ------------------------------------------------------------- real bands

FL = fermi_level(n_c=0.45)
SHELLS = prepare_shells(FL.mu, 0.3)
R = FL.dos["beta"] / FL.dos["alpha"]


def V_of(lam):
    return V_from_lam(lam, FL.dos["alpha"], FL.dos["beta"])


def test_kappa_zero_gives_isotropic_gaps():
    s = solve_full(SHELLS, V_of(0.5), 0.0)
    assert s.converged and s.B_alpha == 0.0 and s.B_beta == 0.0
    assert s.A_alpha > 0 > s.A_beta  # s±


def test_paper_claims_hold_in_the_full_solution():
    """Delta_alpha > Delta_beta although N_alpha < N_beta; minima on the diagonal."""
    s = solve_full(SHELLS, V_of(0.5), 0.75)
    assert FL.dos["alpha"] < FL.dos["beta"] and abs(s.A_alpha) > abs(s.A_beta)
    assert s.B_alpha / s.A_alpha > 0 and s.B_beta / s.A_beta > 0  # |Delta| grows away from eta = 0


def test_full_solution_satisfies_the_gap_equation_pointwise():
    """Delta_alpha(k) on k-points of the alpha Fermi line from a direct shell sum of Eq. 15."""
    s = solve_full(SHELLS, V_of(0.5), 0.75)
    sb = SHELLS["beta"]
    d = s.A_beta + s.B_beta * sb.eta2
    F = sb.weight * d / (2 * np.sqrt(sb.xi**2 + d**2))
    for eta_k2 in (0.0, 0.5, 2.0):
        rhs = -V_of(0.5) * np.sum((1 + 0.5625 * eta_k2 * sb.eta2) * F)
        assert s.gap("alpha", eta_k2) == pytest.approx(rhs, rel=1e-10)


def leading_log_limit(kappa):
    """lambda -> 0 limit of the full solution: the Perron vector of the Fermi-level moment matrices."""
    k2 = kappa**2
    N = {b: [FL.dos[b], FL.dos_eta2[b], FL.dos_eta4[b]] for b in BANDS}
    M = {b: np.array([[N[b][0], N[b][1]], [k2 * N[b][1], k2 * N[b][2]]]) for b in BANDS}
    ev, vec = np.linalg.eig(M["beta"] @ M["alpha"])
    i = np.argmax(ev.real)
    qa = vec[1, i].real / vec[0, i].real
    ratio = math.sqrt(ev[i].real) / (N["alpha"][0] + N["alpha"][1] * qa)
    return qa, ratio


def extrapolate_to_zero(kappa, key):
    lams = (0.1, 0.08)
    vals = []
    for lam in lams:
        s = solve_full(SHELLS, V_of(lam), kappa)
        vals.append(s.B_alpha / s.A_alpha if key == "q" else abs(s.A_alpha / s.A_beta))
    return vals[1] + (vals[1] - vals[0]) * lams[1] / (lams[0] - lams[1])


def test_kappa0_full_ratio_tends_to_sqrt_dos_ratio():
    assert extrapolate_to_zero(0.0, "ratio") == pytest.approx(math.sqrt(R), rel=3e-3)


@pytest.mark.parametrize("kappa", [0.2, 0.75])
def test_full_solution_tends_to_leading_log_limit(kappa):
    qa, ratio = leading_log_limit(kappa)
    assert extrapolate_to_zero(kappa, "q") == pytest.approx(qa, rel=5e-3)
    assert extrapolate_to_zero(kappa, "ratio") == pytest.approx(ratio, rel=5e-3)


def test_leading_log_limit_is_eq16_to_order_kappa2():
    """Eq. 16 drops the anisotropy of Delta_p inside the sum: exact only to O(kappa^2)."""
    eq16 = {k: k**2 * FL.dos_eta2["beta"] / FL.dos["beta"] for k in (0.05, 0.1, 0.2)}
    rel_err = {k: abs(leading_log_limit(k)[0] / eq16[k] - 1) for k in eq16}
    assert rel_err[0.05] < 1e-3
    assert rel_err[0.1] / rel_err[0.05] == pytest.approx(4.0, rel=0.05)  # relative error ∝ kappa^2


# ------------------------------------------------------------- T_c, channels


def test_tc_is_where_the_linearised_eigenvalue_is_one():
    tc = tc_s_wave(SHELLS, V_of(0.5), 0.5625)
    assert s_wave_eigenvalue(SHELLS, V_of(0.5), 0.5625, tc) == pytest.approx(1.0, abs=1e-9)
    assert s_wave_eigenvalue(SHELLS, V_of(0.5), 0.5625, 0.9 * tc) > 1.0


def test_gap_closes_at_tc():
    tc = tc_s_wave(SHELLS, V_of(0.5), 0.5625)
    sols = gap_vs_temperature(
        SHELLS, V_of(0.5), 0.75, temperatures=[0.0, 0.5 * tc, 0.9 * tc, 0.99 * tc, 1.1 * tc]
    )
    a = [s.A_alpha for s in sols]
    assert all(s.converged for s in sols)
    assert a[0] > a[1] > a[2] > a[3] > 0 and a[4] == 0.0
    # mean-field: Delta^2 ∝ (T_c - T) just below T_c
    assert (a[3] / a[2]) ** 2 == pytest.approx(0.01 / 0.1, rel=0.1)


def test_d_wave_channel_sign_and_eigenvalue():
    """lambda_d = V (kappa_a + kappa_b) sqrt(K1_a K1_b): depends on kappa_a + kappa_b only."""
    tc = tc_s_wave(SHELLS, V_of(0.5), 0.5625)
    l1 = d_wave_eigenvalue(SHELLS, V_of(0.5), 1.0, 0.5625, tc)
    l2 = d_wave_eigenvalue(SHELLS, V_of(0.5), 0.78125, 0.78125, tc)
    assert l1 == pytest.approx(l2, rel=1e-14)
    assert d_wave_eigenvalue(SHELLS, V_of(0.5), 0.0, 0.0, tc) == 0.0
    tcd = tc_d_wave(SHELLS, V_of(0.5), 1.0, 0.5625)
    assert (tcd < tc) == (l1 < 1.0)  # the channel with the larger eigenvalue at T_c has the higher T_c


def test_d_wave_leads_for_large_kappa_sum():
    s = gap_point(n_c=0.45, lam=0.5, kappa_a=3.0, kappa_b=0.1)
    assert s.leading_channel == "d" and s.Tc_d > s.Tc and s.lambda_d_at_Tc > 1.0


# ------------------------------------------------------------- convergence


def test_resolution_convergence_of_A_and_B():
    """A and B converge to <= 1e-5 relative under refinement of every resolution knob."""
    V = V_of(0.3)
    base = solve_full(SHELLS, V, 0.75)
    fine = solve_full(prepare_shells(FL.mu, 0.3, m=12, ratio=0.15, n_line=24, n_eta=7, eps_min=1e-9), V, 0.75)
    coarse = solve_full(prepare_shells(FL.mu, 0.3, m=6, ratio=0.35, n_line=8, n_eta=4), V, 0.75)
    x = np.array([base.A_alpha, base.B_alpha, base.A_beta, base.B_beta])
    xf = np.array([fine.A_alpha, fine.B_alpha, fine.A_beta, fine.B_beta])
    xc = np.array([coarse.A_alpha, coarse.B_alpha, coarse.A_beta, coarse.B_beta])
    err, err_c = np.max(np.abs(x / xf - 1)), np.max(np.abs(xc / xf - 1))
    assert err < 1e-6 < err_c or err < err_c
    assert err < 1e-5


# ------------------------------------------------------------- flags


def test_gap_below_resolution_is_flagged():
    with pytest.warns(GapWarning, match="below resolution"):
        s = solve_full(SHELLS, V_of(0.04), 0.75)
    assert not s.converged and math.isnan(s.A_alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GapWarning)
        p = gap_point(n_c=0.45, lam=0.04, kappa=0.75)
    assert not p.converged and math.isnan(p.Tc) and "below resolution" in p.status


def test_non_convergence_is_flagged():
    with pytest.warns(GapWarning, match="not converged"):
        s = solve_full(SHELLS, V_of(0.5), 0.75, guess=[1.0, 0.0, -1e-3, 0.0], maxfev=3)
    assert not s.converged and math.isnan(s.A_alpha) and "not converged" in s.status


def test_above_tc_is_normal_state_not_an_error():
    tc = tc_s_wave(SHELLS, V_of(0.5), 0.5625)
    s = solve_full(SHELLS, V_of(0.5), 0.75, T=1.2 * tc)
    assert s.converged and s.A_alpha == 0.0 and "normal" in s.status


def test_side_by_side_summary_fields():
    s = gap_point(n_c=0.45, lam=0.5, kappa=0.75, omega=0.3)
    assert s.converged
    assert s.B_over_A_alpha == pytest.approx(s.B_alpha / s.A_alpha)
    assert s.B_over_A_eq16_alpha == pytest.approx(0.5625 * FL.dos_eta2["beta"] / FL.dos["beta"], rel=1e-9)
    assert s.B_over_A_eq16_beta == pytest.approx(0.5625 * FL.dos_eta2["alpha"] / FL.dos["alpha"], rel=1e-9)
    assert s.gap_geometric == pytest.approx(math.sqrt(abs(s.A_alpha * s.A_beta)))
    assert s.gap_2omega_exp == pytest.approx(0.6 * math.exp(-2.0))
    assert s.ratio_eq17 == pytest.approx(solve_eq17(R, 0.5).ratio, rel=1e-9)
    # 2Δ/T_c: the FS maximum exceeds the average, which exceeds the diagonal value (anisotropic s±)
    for b in BANDS:
        r = s.ratio_2gap_Tc[b]
        assert r["maximum"] > r["average"] > r["diagonal"] > 0


@pytest.mark.parametrize("points", [32, 33, 34, 60, 61])
def test_temperature_grids_converge_everywhere(points):
    """hybr can stop at a residual of a few ulps with 'not making good progress': still a solution."""
    from triplon.model.params import BandParams
    from triplon.studies.paper import gap_temperature_dataset

    ds = gap_temperature_dataset(BandParams(), 0.45, 0.5, 0.75, 0.3, points=points)
    assert not np.isnan(ds["gap"].values).any()


def test_underflowing_eq17_guess_starts_at_the_floor():
    """lambda = 0.02 with kappa = 10: the Eq. 17 guess underflows, the full problem is still solved."""
    from triplon.pairing.bcs import _s_wave_map

    fl = fermi_level(n_c=0.45)
    shells = prepare_shells(fl.mu, 0.3)
    V = V_from_lam(0.02, fl.dos["alpha"], fl.dos["beta"])
    sol = solve_full(shells, V, 10.0, 10.0)
    if sol.converged:  # then it solves the gap equations
        x = np.array([sol.A_alpha, sol.B_alpha, sol.A_beta, sol.B_beta])
        assert np.allclose(_s_wave_map(shells, V, 100.0, 0.0, x), x, rtol=1e-8)
    else:
        assert "below resolution" in sol.status


@pytest.mark.parametrize(
    "kw, fragment",
    [
        ({"kappa": -0.1}, "kappa_a must be a finite number >= 0"),
        ({"kappa_a": 0.5, "kappa_b": float("nan")}, "kappa_b must be a finite number >= 0"),
        ({"kappa": 0.5, "kappa_a": 0.5}, "not both"),
    ],
)
def test_gap_point_rejects_bad_kappas(kw, fragment):
    """kappa < 0 is rejected by the library as by the CLI and the sweep schema."""
    with pytest.raises(ValueError, match=fragment):
        gap_point(n_c=0.45, lam=0.5, **kw)

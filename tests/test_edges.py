"""Numerical edges: every point gives finite numbers or an explicit flag and a warning."""

import math
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triplon.model.bands import van_hove_energies
from triplon.model.dos import fermi_level
from triplon.model.params import ParameterError
from triplon.pairing.analytic import GapWarning
from triplon.pairing.point import gap_point

NUMBERS = (
    "V",
    "lam",
    "ratio_eq17",
    "ratio_eq18",
    "ratio_sqrt",
    "validity_eq18",
    "gap_eq17_alpha",
    "gap_eq17_beta",
    "anisotropy_eq16_alpha",
    "anisotropy_eq16_beta",
    "Tc_d",
)
FULL = (
    "A_alpha",
    "B_alpha",
    "A_beta",
    "B_beta",
    "gap_ratio",
    "anisotropy_alpha",
    "anisotropy_beta",
    "Tc",
    "lambda_d_at_Tc",
)


def check_point(**kw):
    """Run one point; assert the contract; return the summary and the warnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = gap_point(**kw)
    gap_warnings = [w for w in caught if issubclass(w.category, GapWarning)]
    for name in NUMBERS:
        if name == "ratio_eq18" and s.lam >= 2 - 1e-9:  # undefined there: NaN with a caveat and a warning
            assert math.isnan(s.ratio_eq18) and "Eq. 18 is undefined" in s.caveats
            continue
        assert math.isfinite(getattr(s, name)), (name, kw)
    if s.converged:
        for name in FULL:
            assert math.isfinite(getattr(s, name)), (name, kw)
        assert s.A_alpha > 0 > s.A_beta and s.Tc > 0
    else:  # flagged: NaN values, a reason and a warning
        assert s.status and s.status != "ok"
        assert math.isnan(s.A_alpha) and gap_warnings, kw
    if s.caveats:
        assert gap_warnings
    return s, gap_warnings


E_SADDLE = van_hove_energies("beta")[1]


@pytest.mark.parametrize(
    "kw, expect",
    [
        (dict(n_c=0.45, lam=0.03, kappa=0.75), "flagged"),  # lambda -> 0: gap below resolution
        (dict(n_c=0.45, lam=1.5, kappa=0.75), "converged"),  # large lambda
        (dict(n_c=0.45, lam=3.0, kappa=0.75), "converged"),  # Eq. 18 undefined: NaN + caveat
        (dict(n_c=0.002, lam=0.5, kappa=0.75), "converged"),  # n_c near 0
        (dict(n_c=1.998, lam=0.5, kappa=0.75), "converged"),  # n_c near 2
        (dict(mu=E_SADDLE, lam=0.5, kappa=0.75), "converged"),  # exactly at the beta van Hove energy
        (dict(n_c=0.45, lam=0.5, kappa=0.0), "converged"),  # kappa = 0
        # Omega smaller than the gap: Delta = Omega/sinh(1/lambda) > Omega needs lambda > 1.13
        (dict(n_c=0.45, lam=2.0, kappa=0.75, omega=0.005), "converged"),
        (dict(n_c=0.45, lam=0.5, kappa=0.75, T=1.0), "converged"),  # T above T_c: normal state
        (dict(n_c=0.45, lam=0.5, kappa=5.0), "caveat"),  # T_c far above Omega
    ],
)
def test_named_edges(kw, expect):
    s, w = check_point(**kw)
    if expect == "flagged":
        assert not s.converged and "resolution" in s.status
    else:
        assert s.converged
    if expect == "caveat":
        assert "T_c exceeds Omega" in s.caveats and w
    if kw.get("T", 0) > 0:
        assert s.solution_T["A_alpha"] == 0.0 and "normal state" in s.solution_T["status"]
    if kw.get("omega", 1) < 0.01:
        assert "gap exceeds Omega" in s.caveats


def test_van_hove_point_dos_is_finite_and_large():
    fl = fermi_level(mu=E_SADDLE)
    assert math.isfinite(fl.dos["beta"]) and fl.dos["beta"] > 5 * fl.dos["alpha"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_c=st.floats(0.001, 1.999),
    lam=st.floats(0.005, 3.0),
    kappa_a=st.floats(0.0, 5.0),
    kappa_b=st.floats(0.0, 5.0),
    omega=st.floats(0.003, 2.0),
    T=st.one_of(st.just(0.0), st.floats(0.0, 1.0)),
    eps_beta=st.floats(-0.3, 0.6),
)
def test_whole_parameter_box(n_c, lam, kappa_a, kappa_b, omega, T, eps_beta):
    from triplon.model.params import BandParams

    try:
        check_point(
            n_c=n_c,
            lam=lam,
            kappa_a=kappa_a,
            kappa_b=kappa_b,
            omega=omega,
            T=T,
            params=BandParams(eps_beta=eps_beta),
        )
    except (ParameterError, ValueError) as exc:  # an explicit refusal is allowed, with a reason
        assert "Fermi surface" in str(exc) or "n_c" in str(exc), exc

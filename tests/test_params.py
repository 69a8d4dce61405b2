import math

import pytest

from triplon.model.params import BandParams, MicroParams, ParameterError


def test_paper_band_set_is_default():
    p = BandParams()
    assert (p.t1, p.t2, p.t3, p.eps_alpha, p.eps_beta) == (0.45, -0.24, 0.06, 0.4, 0.1)
    assert p.eps("alpha") == 0.4 and p.eps("beta") == 0.1
    with pytest.raises(ParameterError, match="band must be one of"):
        p.eps("gamma")


def test_microscopic_mappings_closed_form():
    m = MicroParams(tc=0.6, U=5.0, txz=0.3, Ea=1.0, JH=0.5)
    assert m.Jc == pytest.approx(4 * 0.36 / 5)  # Jc = 4 tc^2/U = 0.288
    assert m.Eb == pytest.approx(2.2)  # default Ea + 2 tc
    assert m.eps_alpha == pytest.approx(0.36 * (1 - 1 / 6))  # Eq. 3
    assert m.eps_beta == pytest.approx(0.36 * (1 / 2.2 - 1 / 7.2))
    assert m.JK_a == pytest.approx(0.36 * (1 + 1 / 6))  # Eq. 10
    assert m.JK_b == pytest.approx(0.36 * (1 / 2.2 + 1 / 7.2))
    assert m.kappa_a == pytest.approx(m.JK_a / 0.5)
    assert m.kappa2 == pytest.approx(m.JK_a * m.JK_b / 0.25)
    assert m.V == pytest.approx(3 * 0.25 / (2 * 0.288))  # Eq. 13
    assert m.omega == m.Jc
    # the physical ordering stated in the paper: eps_alpha > eps_beta, JK_a > JK_b
    assert m.eps_alpha > m.eps_beta and m.JK_a > m.JK_b


def test_default_microscopic_set_reproduces_paper_band_and_kappa():
    m = MicroParams()
    assert m.eps_alpha == pytest.approx(0.4, abs=1e-8)
    assert m.eps_beta == pytest.approx(0.1, abs=1e-8)
    assert m.kappa == pytest.approx(0.75, abs=1e-8)
    assert m.Jc == pytest.approx(0.288)
    b = m.band_params()
    assert b.eps_alpha == m.eps_alpha


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"U": 0.0}, "U"),
        ({"U": -1.0}, "U"),
        ({"Ea": 0.0}, "Ea"),
        ({"Ea": -0.2}, "Ea"),
        ({"Eb": -1.0}, "Eb"),
        ({"tc": 0.0}, "tc"),
        ({"JH": 0.0}, "JH"),
        ({"txz": math.nan}, "txz"),
        ({"U": math.inf}, "U"),
        ({"JH": "abc"}, "JH"),
    ],
)
def test_impossible_microscopic_values_rejected(kwargs, key):
    with pytest.raises(ParameterError, match=key):
        MicroParams(**kwargs)


def test_band_params_rejects_non_finite_and_flat():
    with pytest.raises(ParameterError, match="t2"):
        BandParams(t2=math.nan)
    with pytest.raises(ParameterError, match="no dispersion"):
        BandParams(t1=0, t2=0, t3=0, eps_alpha=0.0)

"""Caveat flags and critical fillings (triplon.pairing.caveats)."""

import math

import numpy as np
import pytest

from triplon.model.dos import fermi_level
from triplon.model.fermi import mu_from_n_c
from triplon.pairing.caveats import (
    FLAGS,
    KELVIN_PER_EV,
    critical_fillings,
    describe,
    flag_attrs,
    point_flags,
    van_hove_distance,
)


def test_kelvin_from_boltzmann_constant():
    assert KELVIN_PER_EV * 8.617333262e-5 == pytest.approx(1.0, rel=1e-15)


def test_critical_fillings_of_the_paper_bands():
    crit = critical_fillings()
    kinds = [(c.band, c.kind) for c in crit]
    assert kinds == [("beta", "Lifshitz"), ("beta", "van Hove"), ("alpha", "van Hove")]
    for c in crit:  # mu at that filling is the critical energy itself
        assert mu_from_n_c(c.n_c) == pytest.approx(c.energy, abs=1e-9)


def test_van_hove_filling_is_a_log_peak_of_N():
    vh = next(c for c in critical_fillings() if c.kind == "van Hove" and c.band == "beta")
    dos = [fermi_level(n_c=vh.n_c + d).dos["beta"] for d in (1e-2, 1e-3, 1e-4)]
    steps = np.diff(dos)  # logarithmic divergence: equal steps per decade
    assert dos[0] < dos[1] < dos[2]
    assert steps[1] == pytest.approx(steps[0], rel=0.1)


def test_lifshitz_filling_is_a_step_of_N():
    lif = next(c for c in critical_fillings() if c.kind == "Lifshitz")
    below = fermi_level(n_c=lif.n_c - 1e-6).dos["beta"]
    above = fermi_level(n_c=lif.n_c + 1e-6).dos["beta"]
    # two pockets at X (and Y) appear: N jumps by 2 x m*/(2 pi) of the parabolic X pocket
    assert above - below > 0.05 * below


def test_van_hove_distance():
    vh = next(c.n_c for c in critical_fillings() if c.kind == "van Hove")
    assert van_hove_distance(vh + 0.003) == pytest.approx(0.003, abs=1e-12)
    assert van_hove_distance(0.45) > 0.15


@pytest.mark.parametrize(
    "kwargs, bit",
    [
        ({"Tc": 0.004, "omega": 0.003}, 1),
        ({"gap_max": 0.31, "omega": 0.3}, 2),
        ({"lam": 2.0}, 4),
        ({"lam": 0.5, "validity_eq18": 2.5}, 8),
        ({"d_wave_leads": True}, 16),
        ({"van_hove_distance": 0.001}, 32),
        ({"Tc": 301 / KELVIN_PER_EV, "omega": 1.0}, 64),
    ],
)
def test_each_flag(kwargs, bit):
    assert point_flags(**kwargs) == bit
    assert describe(bit) == [FLAGS[bit][1]]


def test_nan_sets_no_flag():
    assert point_flags(Tc=math.nan, omega=0.3, gap_max=math.nan, lam=math.nan, validity_eq18=math.nan) == 0
    assert describe(0) == []


def test_flag_attrs_are_cf_style():
    a = flag_attrs()
    assert len(a["flag_masks"]) == len(a["flag_meanings"].split()) == len(FLAGS)


# ------------------------------------------- caveats on figures and figure data (T_c > 300 K)


@pytest.mark.parametrize("kind", ["heatmap", "lines"])
def test_sweep_tc_map_marks_the_implausible_region(kind):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import xarray as xr

    from triplon.plotting.sweeps import sweep_figure_plot

    lam, kappa = np.linspace(0.2, 0.6, 5), np.linspace(0.0, 1.0, 4)
    tc = 50.0 * np.exp(4 * lam)[:, None] * (1 + kappa[None, :])  # 110 K .. 1100 K: crosses 300 K
    ds = xr.Dataset({"Tc_K": (("lam", "kappa"), tc)}, coords={"lam": lam, "kappa": kappa})
    fig = {"name": "t", "quantity": "Tc_K", "x": "kappa", "y": "lam", "kind": kind}
    f = sweep_figure_plot(ds, fig, plt)
    labels = [t.get_text() for leg in f.legends for t in leg.get_texts()]
    assert any("300" in t and "unphysical" in t for t in labels), labels
    cool = ds.assign(Tc_K=ds.Tc_K.clip(max=250.0))
    g = sweep_figure_plot(cool, fig, plt)
    assert not any("unphysical" in t.get_text() for leg in g.legends for t in leg.get_texts())
    plt.close("all")


def test_gap_temperature_data_carries_the_caveat():
    from triplon.model.params import BandParams
    from triplon.plotting.paper import fig6_data
    from triplon.studies.paper import gap_temperature_dataset

    gt = gap_temperature_dataset(BandParams(), 0.45, 0.5, 0.75, 0.3, points=6)
    assert gt.attrs["Tc_kelvin"] > 300 and "300 K" in gt.attrs["caveats"]
    assert fig6_data(gt).attrs["caveats"] == gt.attrs["caveats"]

"""Experiments as data and fits of the model (triplon.studies.experiment)."""

import copy
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml
from projects import smk

from triplon.config import config_errors
from triplon.model.dos import fermi_level, fermi_line_quadrature
from triplon.observables.eliashberg import eliashberg_point
from triplon.observables.fermi_line import fermi_line_eta2_range
from triplon.pairing.caveats import KELVIN_PER_EV
from triplon.pairing.point import gap_point
from triplon.studies.experiment.catalogue import (
    PENALTY,
    QUANTITIES,
    ExperimentError,
    Observable,
    chi2_value,
    residuals,
    to_canonical,
    validate_experiments,
)
from triplon.studies.experiment.fit import FitSpec, run_fit
from triplon.studies.experiment.model import ModelCache, model_quantities
from triplon.studies.experiment.results import fit_dataset

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


# ------------------------------------------------------------------ units


def test_unit_conversion():
    assert to_canonical("gap_max_alpha", 0.019, "eV") == pytest.approx(19.0, rel=1e-15)
    assert to_canonical("gap_max_alpha", 19.0, "meV") == 19.0
    # 1 meV / k_B = 11.604518 K (k_B = 8.617333262e-5 eV/K)
    assert to_canonical("Tc_K", 1.0, "meV") == pytest.approx(11.604518, rel=1e-7)
    assert to_canonical("Tc_K", 1e-3, "eV") == pytest.approx(11.604518, rel=1e-7)
    assert to_canonical("gap_diag_beta", 11.604518, "K") == pytest.approx(1.0, rel=1e-7)
    assert to_canonical("n_alpha", 0.14, "1") == 0.14
    with pytest.raises(ExperimentError, match="unit 'K' does not fit n_alpha"):
        to_canonical("n_alpha", 0.14, "K")
    with pytest.raises(ExperimentError, match="unit '1' does not fit Tc_K"):
        to_canonical("Tc_K", 40, "1")
    with pytest.raises(ExperimentError, match="unknown quantity"):
        to_canonical("gap_average", 1, "meV")


def test_shipped_catalogue_values_and_ratio():
    exps = CONFIG["experiments"]
    stm = {o["quantity"]: o for o in exps["stm_fan2025"]["observables"]}
    assert "2506.01788" in exps["stm_fan2025"]["citation"]
    assert stm["Tc_K"]["value"] == 41.5 and stm["gap_max_alpha"]["value"] == 19.0
    assert stm["gap_max_beta"]["value"] == 7.0 and stm["gap_max_beta"]["sigma"] == 1.0  # 6-8 meV
    lo, hi = 19 / 8, 19 / 6  # the quoted ratio range 2.4-3.2
    r = stm["gap_max_ratio"]
    assert r["value"] - r["sigma"] == pytest.approx(2.4) and r["value"] + r["sigma"] == pytest.approx(3.2)
    assert lo < r["value"] < hi
    arpes = {o["quantity"]: o["value"] for o in exps["arpes_sun2025"]["observables"]}
    assert arpes == {"n_alpha": 0.14, "n_beta": 0.31}
    assert validate_experiments(CONFIG) == [] and config_errors(CONFIG, SCHEMA) == []


# -------------------------------------------------------------------- chi2


def test_chi2_against_hand_computed_value():
    obs = [
        Observable("gap_max_alpha", 10.0, 2.0),
        Observable("Tc_K", 40.0, 4.0),
        Observable("n_alpha", 0.10, 0.02, "lower"),
        Observable("n_beta", 0.30, 0.05, "upper"),
    ]
    model = {"gap_max_alpha": 13.0, "Tc_K": 34.0, "n_alpha": 0.12, "n_beta": 0.40}
    # (13-10)/2 = 1.5, (34-40)/4 = -1.5, lower bound satisfied: 0, upper violated: (0.4-0.3)/0.05 = 2
    assert chi2_value(model, obs) == pytest.approx(1.5**2 + 1.5**2 + 0 + 2**2, rel=1e-14)
    np.testing.assert_allclose(residuals(model, obs), [1.5, -1.5, 0.0, 2.0], rtol=1e-14)
    model["n_alpha"] = 0.06  # lower bound violated
    assert residuals(model, obs)[2] == pytest.approx(-2.0)
    model["Tc_K"] = math.nan  # no solution: penalised, never silently zero
    assert residuals(model, obs)[1] == PENALTY


# ----------------------------------------------------------- model values


@pytest.mark.parametrize("n_c", [0.3, 0.45, 0.7])
def test_eta2_range_against_dense_fermi_line(n_c):
    mu = fermi_level(n_c=n_c).mu
    for band in ("alpha", "beta"):
        lo, hi = fermi_line_eta2_range(band, mu)
        cx, cy, _ = fermi_line_quadrature(band, mu, n=400)
        u = (cx - cy) ** 2
        assert lo <= u.min() + 1e-12 and hi >= u.max() - 1e-12  # the exact range contains every point
        assert hi - u.max() < 1e-6 * hi and u.min() - lo < 1e-4  # and is tight
        assert lo == 0.0  # both sheets cross the zone diagonal at these fillings


def test_model_quantities_against_gap_summary():
    cache = ModelCache()
    point = {"n_c": 0.45, "lam": 0.5, "kappa": 0.75, "omega": 0.3}
    m = model_quantities(point, cache)
    s = gap_point(n_c=0.45, lam=0.5, kappa=0.75, omega=0.3)
    assert m["Tc_K"] == pytest.approx(s.Tc * 11604.51812, rel=1e-8)
    assert m["gap_diag_alpha"] == pytest.approx(1e3 * abs(s.A_alpha), rel=1e-9)
    assert m["gap_diag_beta"] == pytest.approx(1e3 * abs(s.A_beta), rel=1e-9)
    assert m["gap_min_alpha"] == m["gap_diag_alpha"]  # minimum on the diagonal (paper claim 2)
    assert m["gap2_Tc_max_alpha"] == pytest.approx(s.ratio_2gap_Tc["alpha"]["maximum"], rel=1e-5)
    assert m["gap_max_ratio"] == pytest.approx(m["gap_max_alpha"] / m["gap_max_beta"])
    assert m["n_alpha"] + m["n_beta"] == pytest.approx(0.45, abs=1e-12)
    assert m["Tc_K"] == pytest.approx(905, rel=2e-3)  # 0.078 eV ≈ 905 K (k_B = 8.617333262e-5 eV/K)
    iso = model_quantities({**point, "kappa": 0.0}, cache)  # kappa = 0: isotropic gaps
    for b in ("alpha", "beta"):
        assert iso[f"gap_min_{b}"] == iso[f"gap_max_{b}"] == iso[f"gap_diag_{b}"]
    assert cache.shell_builds == 1  # kappa changes reuse the shells


def test_gap_extremes_against_a_dense_fermi_line():
    """The model's gap extremes against |A + B eta^2| on a dense Fermi-line quadrature."""
    m = model_quantities({"n_c": 0.45, "lam": 0.3, "kappa": 1.2, "omega": 0.1})
    for b in ("alpha", "beta"):
        cx, cy, _ = fermi_line_quadrature(b, m["mu"], n=2000)
        g = 1e3 * np.abs(m[f"A_{b}"] + m[f"B_{b}"] * (cx - cy) ** 2)
        assert m[f"gap_max_{b}"] == pytest.approx(g.max(), rel=1e-6)
        assert m[f"gap_min_{b}"] == pytest.approx(g.min(), rel=1e-4, abs=1e-9)


def test_paper_fillings_match_arpes_at_paper_point():
    m = model_quantities({"n_c": 0.45}, need_gaps=False)
    assert m["n_alpha"] == pytest.approx(0.14, abs=0.005) and m["n_beta"] == pytest.approx(0.31, abs=0.005)


# --------------------------------------------------------------------- fit


def _config(observables, free, fixed, grid=5, map_=9, experiment="synthetic"):
    return {
        "experiments": {
            experiment: {
                "citation": "synthetic data, arXiv:0000.00000",
                "material": "model",
                "method": "model",
                "observables": observables,
            }
        },
        "fit": {"f": {"experiment": experiment, "free": free, "fixed": fixed, "grid": grid, "map": map_}},
    }


def _obs(model, quantities, rel=0.05, shift=None):
    shift = shift or {}
    return [
        {
            "quantity": q,
            "value": float(model[q] * (1 + shift.get(q, 0.0))),
            "sigma": float(rel * model[q]),
            "unit": QUANTITIES[q][1],
        }
        for q in quantities
    ]


FREE3 = [
    {"name": "lam", "bounds": [0.1, 0.8]},
    {"name": "kappa", "bounds": [0.0, 1.5]},
    {"name": "omega", "bounds": [0.05, 0.4]},
]


def test_synthetic_fit_recovers_known_parameters():
    """'Measured' values made by the model at a known point are fitted back to that point.

    T_c and the two gap maxima alone do not fix (lam, kappa, Omega) uniquely (a second
    exact solution exists near lam 0.48, kappa 0.77, Omega 0.082); the gap minima do.
    """
    truth = {"lam": 0.3, "kappa": 1.0, "omega": 0.12}
    m = model_quantities({"n_c": 0.45, **truth})
    quantities = ["Tc_K", "gap_max_alpha", "gap_max_beta", "gap_min_alpha", "gap_min_beta"]
    cfg = _config(_obs(m, quantities), FREE3, {"n_c": 0.45})
    r = run_fit(FitSpec.from_config("f", cfg), CONFIG["numerics"])
    assert r.chi2 < 1e-8
    for k, v in truth.items():
        assert r.best[k] == pytest.approx(v, rel=1e-4), k
    assert r.dof == 2 and r.consistent


def test_eliashberg_fit_recovers_omega_T_from_the_mode():
    """Retarded exchange: 'measured' T_c, gap and mode made at a known (lam, omega_T) are fitted back.

    The mode fixes omega_T (the dip sits near Delta_0 + omega_T), T_c/omega_T then lam.
    """
    truth = {"lam": 0.4, "omega_T": 0.04}
    point = {"n_c": 0.45, "kappa": 0.5, "method": "eliashberg", **truth}
    m = model_quantities(point)
    ref = eliashberg_point(n_c=0.45, lam=0.4, kappa=0.5, omega_T=0.04, points=101)
    assert m["Tc_K"] == pytest.approx(ref.Tc * KELVIN_PER_EV, rel=1e-9)
    assert m["gap_max_alpha"] == pytest.approx(1e3 * ref.gap_edge["alpha"][1], rel=1e-9)
    assert m["mode_energy"] == pytest.approx(40.0, rel=0.05)  # one triplon above the gap edge
    quantities = ["Tc_K", "gap_max_alpha", "mode_energy"]
    free = [{"name": "lam", "bounds": [0.1, 1.0]}, {"name": "omega_T", "bounds": [0.01, 0.1]}]
    cfg = _config(_obs(m, quantities), free, {"n_c": 0.45, "kappa": 0.5}, grid=4, map_=2)
    cfg["fit"]["f"]["method"] = "eliashberg"
    assert validate_experiments(cfg) == []
    r = run_fit(FitSpec.from_config("f", cfg), CONFIG["numerics"])
    # T_c and the gap fix only the valley T_c/omega_T(lam), 2Delta/T_c(lam) (nearly flat in lam);
    # the mode picks the point on it, to its resolution (±4 % of omega_T at this weak coupling:
    # the Padé DOS, docs: physics); the best coarse-grid point has chi2 = 138
    assert r.chi2 < 1.0
    assert r.best["omega_T"] == pytest.approx(truth["omega_T"], rel=0.08)
    assert r.best["lam"] == pytest.approx(truth["lam"], rel=0.05)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda f: f.update(observables=["Tc_K", "gap_max_alpha", "gap_max_beta", "mode_energy"]),
            "config key 'fit.stm_fan2025.observables': mode_energy needs retarded exchange",
        ),
        (
            lambda f: f["fixed"].update(omega_T=0.03),
            "config key 'fit.stm_fan2025': 'omega_T' is read only by method eliashberg",
        ),
        (lambda f: f.update(method="migdal"), "config key 'fit.stm_fan2025.method': 'migdal'"),
    ],
)
def test_method_errors_name_the_key(edit, expected):
    errors = _errors(lambda c: edit(c["fit"]["stm_fan2025"]))
    assert any(e.startswith(expected) for e in errors), errors


def test_synthetic_fillings_fit():
    m = model_quantities({"n_c": 0.6}, need_gaps=False)
    cfg = _config(_obs(m, ["n_alpha", "n_beta"]), [{"name": "n_c", "bounds": [0.2, 0.9]}], {})
    r = run_fit(FitSpec.from_config("f", cfg))
    assert r.best["n_c"] == pytest.approx(0.6, abs=1e-6) and r.chi2 < 1e-10 and r.dof == 1


def test_no_better_point_on_a_dense_grid():
    """With inconsistent 'data' (chi2 > 0) the fit is the global minimum of the box."""
    m = model_quantities({"n_c": 0.45, "lam": 0.3, "kappa": 0.8, "omega": 0.3})
    obs = _obs(m, ["Tc_K", "gap_max_alpha", "gap_max_beta"], shift={"gap_max_alpha": 0.4, "Tc_K": -0.2})
    free = [{"name": "lam", "bounds": [0.1, 0.8]}, {"name": "kappa", "bounds": [0.0, 2.0]}]
    cfg = _config(obs, free, {"n_c": 0.45, "omega": 0.3})
    spec = FitSpec.from_config("f", cfg)
    r = run_fit(spec, CONFIG["numerics"])
    assert r.chi2 > 1.0 and r.dof == 1
    cache = ModelCache(CONFIG["numerics"])
    dense = [
        chi2_value(model_quantities({"n_c": 0.45, "omega": 0.3, "lam": lam, "kappa": k}, cache), spec.obs)
        for lam in np.geomspace(0.1, 0.8, 40)
        for k in np.linspace(0.0, 2.0, 40)
    ]
    assert min(dense) >= r.chi2 - 1e-9
    assert np.nanmin(r.chi2_map) >= r.chi2 - 1e-9 and r.chi2_grid_min >= r.chi2


def test_fit_dataset_contract():
    m = model_quantities({"n_c": 0.45, "lam": 0.3, "kappa": 0.8, "omega": 0.3})
    obs = _obs(m, ["Tc_K", "gap_max_alpha", "gap_max_beta"], shift={"gap_max_alpha": 0.3})
    free = [{"name": "lam", "bounds": [0.1, 0.8]}, {"name": "kappa", "bounds": [0.0, 2.0]}]
    r = run_fit(FitSpec.from_config("f", _config(obs, free, {"n_c": 0.45, "omega": 0.3}, map_=6)))
    ds = fit_dataset(r, CONFIG["numerics"])
    for name, v in ds.variables.items():  # coordinates included
        assert "units" in v.attrs and "long_name" in v.attrs, name
    for a in ("title", "source", "history", "references", "config_sha256", "verdict"):
        assert ds.attrs[a]
    assert ds["lam"].attrs["units"] == "1" and list(ds["lam"].attrs["fit_bounds"]) == [0.1, 0.8]
    assert ds["chi2_map"].dims == ("lam_map", "kappa_map") and ds["chi2_map"].shape == (6, 6)
    assert list(ds.observable.values) == ["Tc_K", "gap_max_alpha", "gap_max_beta"]
    assert list(ds.observable_units.values) == ["K", "meV", "meV"]
    assert float(ds.chi2) == pytest.approx(float((ds.pull**2).sum()), rel=1e-12)
    np.testing.assert_allclose(ds.pull, (ds.model - ds.measured) / ds.sigma, rtol=1e-12)
    assert int(ds.dof) == 1
    assert ds.attrs["verdict"].startswith(("consistent", "in tension"))


# -------------------------------------------------------------- validation


FINITE = "is not a finite number; NaN and infinities are not allowed anywhere (rule: finite)"
"""The class-wide rejection of non-finite numbers (triplon.config), which names the exact key."""


def _errors(edit):
    cfg = copy.deepcopy(CONFIG)
    edit(cfg)
    return config_errors(cfg, SCHEMA)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda c: c["fit"]["stm_fan2025"].update(experiment="stm_nope"),
            "config key 'fit.stm_fan2025.experiment': unknown experiment 'stm_nope'",
        ),
        (
            lambda c: c["fit"]["stm_fan2025"]["free"].append({"name": "lam", "bounds": [0.1, 0.2]}),
            "config key 'fit.stm_fan2025.free.3.name': parameter lam is freed twice",
        ),
        (
            lambda c: c["fit"]["stm_fan2025"]["free"][0].update(name="lambda"),
            "config key 'fit.stm_fan2025.free.0.name'",
        ),
        (
            lambda c: c["fit"]["stm_fan2025"]["free"][0].update(bounds=[0.5, 0.5]),
            "config key 'fit.stm_fan2025.free.0.bounds': lo < hi required",
        ),
        (
            lambda c: c["fit"]["stm_fan2025"]["free"][0].update(bounds=[0.1, float("nan")]),
            f"config key 'fit.stm_fan2025.free.0.bounds.1': nan {FINITE}",
        ),
        (
            lambda c: c["fit"]["stm_fan2025"]["fixed"].update(lam=0.3),
            "config key 'fit.stm_fan2025.fixed.lam': lam is both free and fixed",
        ),
        (
            lambda c: c["fit"]["stm_fan2025"]["fixed"].update(n_c=float("inf")),
            f"config key 'fit.stm_fan2025.fixed.n_c': inf {FINITE}",
        ),
        (
            lambda c: c["fit"]["stm_fan2025"].update(observables=["Tc_K", "gap_max_alpha"]),
            "config key 'fit.stm_fan2025.free': 3 free parameters but only 2 measured",
        ),
        (
            lambda c: c["fit"]["stm_fan2025"].update(observables=["Tc_K", "gap_min_alpha"]),
            "config key 'fit.stm_fan2025.observables.1': 'gap_min_alpha' is not an observable",
        ),
        (
            lambda c: c["experiments"]["stm_fan2025"]["observables"][0].update(
                unit="meV", quantity="n_alpha"
            ),
            "config key 'experiments.stm_fan2025.observables.0.unit': 'meV' is not a unit of n_alpha",
        ),
        (
            lambda c: c["experiments"]["stm_fan2025"]["observables"][1].update(sigma=float("nan")),
            f"config key 'experiments.stm_fan2025.observables.1.sigma': nan {FINITE}",
        ),
        (
            lambda c: c["experiments"]["arpes_sun2025"]["observables"].append(
                {"quantity": "n_beta", "value": 0.3, "sigma": 0.1, "unit": "1"}
            ),
            "config key 'experiments.arpes_sun2025.observables.2.quantity': n_beta given twice",
        ),
        (
            lambda c: c["experiments"]["arpes_sun2025"].update(citation="Sun et al."),
            "config key 'experiments.arpes_sun2025.citation': must contain an arXiv id",
        ),
        (
            lambda c: c["fit"]["stm_fan2025"]["free"][2].update(bounds=[0.0, 0.5]),
            "config key 'fit.stm_fan2025.free.2.bounds': 0 outside the allowed range of omega",
        ),
    ],
)
def test_validation_errors_name_the_key(edit, expected):
    errors = _errors(edit)
    assert any(e.startswith(expected) for e in errors), errors
    assert all("\n" not in e for e in errors)


# ---------------------------------------------------------------- workflow


@pytest.mark.workflow
def test_experiments_rule(shared_project):
    """``snakemake experiments`` (in the session's shared run: the two fits of projects.small_fits)."""
    project = shared_project
    for fit, figs in (
        ("stm_fan2025", ["chi2_map", "summary", "gap_distribution", "spectrum"]),
        ("arpes_sun2025", ["chi2_map", "summary"]),
    ):
        ds = xr.load_dataset(project / f"results/experiments/{fit}/fit.nc")
        for name, v in ds.data_vars.items():
            assert "units" in v.attrs and "long_name" in v.attrs, (fit, name)
        assert ds.attrs["workflow_rule"] == "experiment_fit" and ds.attrs["source"].startswith("triplon ")
        assert float(ds.chi2) == pytest.approx(float((ds.pull**2).sum()), rel=1e-12)
        for fig in figs:
            for ext in ("nc", "pdf", "png"):
                assert (project / f"results/experiments/{fit}/figures/{fig}.{ext}").stat().st_size > 500
            with xr.open_dataset(project / f"results/experiments/{fit}/figures/{fig}.nc") as f:
                for name, v in f.data_vars.items():
                    assert "units" in v.attrs and "long_name" in v.attrs, (fit, fig, name)
    ds = xr.load_dataset(project / "results/experiments/arpes_sun2025/fit.nc")
    assert float(ds.n_c) == pytest.approx(0.45, abs=0.01) and ds.attrs["consistent"] == 1
    r = smk(project, "--dry-run", "experiments")
    assert "Nothing to be done" in r.stdout, r.stdout[-2000:]

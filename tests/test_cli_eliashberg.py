"""`triplon gap|spectrum --method eliashberg`: the same numbers as the library, strict JSON, clear errors."""

import math

import pytest
from console import in_process, strict_json

from triplon.observables.eliashberg import eliashberg_point
from triplon.pairing.caveats import KELVIN_PER_EV


@pytest.fixture(scope="module")
def gap_json():
    r = in_process("gap", "--method", "eliashberg", "--kappa", "0", "--omega-T", "0.05", "--json")
    assert r.returncode == 0, r.stderr
    return strict_json(r.stdout)


def test_gap_json_matches_the_library(gap_json):
    d = gap_json
    lib = eliashberg_point(n_c=0.45, lam=0.5, kappa=0.0, omega_T=0.05)
    assert d["method"] == "eliashberg" and d["converged"] is True
    assert d["Tc"] == pytest.approx(lib.Tc, rel=1e-12) and d["Tc_K"] == pytest.approx(lib.Tc * KELVIN_PER_EV)
    assert d["T"] == pytest.approx(0.2 * lib.Tc, rel=1e-12)  # --T 0: T_c / 5
    for b in ("alpha", "beta"):
        assert d["Z"][b] == pytest.approx(lib.Z[b], rel=1e-9)
        assert d["gap_edge_max"][b] == pytest.approx(lib.gap_edge[b][1], rel=1e-9)
        assert d["ratio_2gap_Tc"][b] == pytest.approx(2 * d["gap_edge_max"][b] / d["Tc"], rel=1e-9)
    assert d["lam"] == pytest.approx(0.5, rel=1e-12)
    assert d["lam_alpha_beta"] > d["lam"] > d["lam_beta_alpha"]  # N_beta > N_alpha
    assert d["mode_energy"] == pytest.approx(0.05, rel=0.1)  # the dip sits omega_T above the gap edge


def test_gap_text_names_what_it_prints():
    r = in_process("gap", "--method", "eliashberg", "--kappa", "0", "--omega-T", "0.05")
    assert r.returncode == 0, r.stderr
    for text in ("Migdal-Eliashberg", "T_c = ", "Z(w->0)", "Delta_0 max", "mode energy", "caveats: none"):
        assert text in r.stdout, text


def test_spectrum_json_arrays():
    r = in_process("spectrum", "--method", "eliashberg", "--omega-T", "0.05", "--points", "201", "--json")
    assert r.returncode == 0, r.stderr
    d = strict_json(r.stdout)
    assert len(d["energy"]) == len(d["didv"]) == len(d["dos_alpha"]) == 201
    assert min(d["dos_alpha"]) >= 0 and min(d["didv"]) >= 0
    assert d["didv"][100] < 0.3 * d["didv"][0]  # gapped at E = 0 (Gamma = 1 meV, Delta_0 ~ 4 meV)


def test_unresolved_tc_is_said_not_printed_as_zero():
    r = in_process("gap", "--method", "eliashberg", "--lam", "0.05", "--omega-T", "0.05")
    assert r.returncode == 0 and "below the solver's resolution" in r.stdout and "0 K" not in r.stdout
    d = strict_json(
        in_process("gap", "--method", "eliashberg", "--lam", "0.05", "--omega-T", "0.05", "--json").stdout
    )
    assert d["Tc"] is None and d["converged"] is False


@pytest.mark.parametrize(
    "args, option",
    [
        (["--omega-T", "0"], "--omega-T"),
        (["--omega-T", "nan"], "--omega-T"),
        (["--omega-T", "-0.1"], "--omega-T"),
        (["--mu-star", "1.5"], "--mu-star"),
        (["--omega-T", "1e-300"], "--omega-T"),
        (["--T", "1e-9"], "--T"),
        (["--method", "migdal"], "--method"),
    ],
)
def test_bad_options_exit_2_naming_the_option(args, option):
    r = (
        in_process("gap", "--method", "eliashberg", *args)
        if args[0] != "--method"
        else in_process("gap", *args)
    )
    assert r.returncode == 2 and option in r.stderr and len(r.stderr.splitlines()) == 1


def test_omega_t_defaults_to_jc_when_given():
    d = strict_json(
        in_process("gap", "--method", "eliashberg", "--JH", "0.2", "--Jc", "0.1", "--json").stdout
    )
    assert d["omega_T"] == 0.1 and math.isfinite(d["Tc"])

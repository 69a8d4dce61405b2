"""`triplon spectrum`: the default spectrum from the real console script (a new process), the
other cases through :func:`triplon.cli.app.main` in this process (the same code, ~1 s less each)."""

import math

import pytest
from console import console_script, in_process, strict_json

from triplon.model.dos import fermi_level

KEYS = [
    "energy",
    "dos_alpha",
    "dos_beta",
    "dos_total",
    "didv",
    "gap_min_alpha",
    "gap_max_alpha",
    "gap_min_beta",
    "gap_max_beta",
    "peaks",
]


def run(*args):
    return in_process("spectrum", *args)


@pytest.fixture(scope="module")
def default_json():
    r = console_script("spectrum", "--json", "--points", "401")
    assert r.returncode == 0, r.stderr
    return strict_json(r.stdout)


def test_json_keys_types_and_physics(default_json):
    d = default_json
    for k in KEYS:
        assert k in d, k
    n = len(d["energy"])
    assert n == 401
    for k in ("dos_alpha", "dos_beta", "dos_total", "didv"):
        assert len(d[k]) == n and all(isinstance(x, float) for x in d[k])
    assert all(abs(d["dos_total"][i] - d["dos_alpha"][i] - d["dos_beta"][i]) < 1e-12 for i in range(n))
    # the paper's point: alpha has the larger gap, both anisotropic, magnitudes in eV
    assert d["gap_max_alpha"] > d["gap_min_alpha"] > d["gap_max_beta"] > d["gap_min_beta"] > 0
    assert d["gap_max_alpha"] < 0.3
    assert d["peaks"] and all(p > 0 for p in d["peaks"])
    # a coherence peak at the largest beta gap (the Fermi-line maximum is also the quasiparticle one)
    assert min(abs(p - d["gap_max_beta"]) for p in d["peaks"]) < 3e-3


def test_json_dos_tends_to_the_normal_dos_of_triplon_bands():
    # small lambda: gaps ~ meV, so at 0.25 eV the DOS is the normal one
    r = run("--json", "--lam", "0.2", "--emax", "0.25", "--points", "51", "--gamma", "1e-4")
    assert r.returncode == 0, r.stderr
    d = strict_json(r.stdout)
    from triplon.model.dos import dos_moments

    fl = fermi_level(n_c=0.45)
    for b in ("alpha", "beta"):
        exact = dos_moments(b, fl.mu + 0.25, None, (0,))[0]
        assert d[f"dos_{b}"][-1] == pytest.approx(exact, rel=2e-3)


def test_no_nan_in_json_above_tc():
    r = run("--json", "--T", "0.1", "--points", "51", "--emax", "0.05")  # T_c = 0.078 eV
    assert r.returncode == 0, r.stderr
    d = strict_json(r.stdout)
    assert d["gap_max_alpha"] == 0.0 and d["peaks"] == []
    assert "normal" in d["status"]


def test_human_output_in_mev():
    r = run("--points", "201")
    assert r.returncode == 0, r.stderr
    assert "gap max (meV)" in r.stdout and "coherence peaks" in r.stdout and "meV" in r.stdout
    assert "alpha" in r.stdout and "beta" in r.stdout


def test_options_change_the_result(default_json):
    eq16 = strict_json(run("--json", "--points", "401", "--gap-model", "eq16").stdout)
    assert eq16["gap_min_alpha"] != default_json["gap_min_alpha"]
    m4 = strict_json(run("--json", "--points", "401", "--matrix-element", "eta4").stdout)
    assert m4["dos_alpha"] == default_json["dos_alpha"] and m4["didv"] != default_json["didv"]
    hot = strict_json(run("--json", "--points", "401", "--T", "0.01").stdout)
    assert hot["gap_max_alpha"] < default_json["gap_max_alpha"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--gamma", "0"], "--gamma: gamma in [1e-06, 1] eV required, got 0"),
        (["--gamma=-1e-3"], "--gamma: gamma in [1e-06, 1] eV required"),
        (["--gamma", "2"], "--gamma: gamma in [1e-06, 1] eV required, got 2"),
        (["--T=-0.01"], "--T: T in [0, 1) eV required"),
        (["--points", "2"], "--points: an integer in [3, 100001] required, got 2"),
        (["--points", "abc"], "--points: not an integer: 'abc'"),
        (["--emax=-1"], "--emax: emax in (0, 10] eV required"),
        (["--n-c", "3"], "0 < n_c < 2"),
        (["--omega", "nan"], "not a finite number"),
        (["--gap-model", "bcs"], "invalid choice"),
        (["--lam", "0.5", "--V", "1"], "give exactly one of lam, V or JH with Jc"),
        (["--kappa", "0.5", "--kappa-a", "0.3"], "not both"),
        (["--weights", "1"], "expected 2 arguments"),
        (["--weights", "0", "0"], "--weights: at least one band weight must be > 0"),
        (["--weights", "1", "-1"], "--weights: weight in [0, 1e+06] required"),
        (["--kappa=-1"], "--kappa: kappa in [0, 10] required, got -1"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, fragment):
    r = run(*args)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], r.stderr


def test_json_values_are_finite(default_json):
    for k in ("gap_min_alpha", "gap_max_alpha", "gap_min_beta", "gap_max_beta"):
        assert math.isfinite(default_json[k])


# ------------------------------------------------- the same rules as `triplon gap`


def test_kappa_a_and_kappa_b_work_as_for_gap():
    r = run("--kappa-a", "0.5", "--kappa-b", "0.7", "--json", "--points", "51")
    g = in_process("gap", "--kappa-a", "0.5", "--kappa-b", "0.7", "--json")
    assert r.returncode == 0 and g.returncode == 0, (r.stderr, g.stderr)
    d, s = strict_json(r.stdout), strict_json(g.stdout)
    assert d["parameters"]["kappa_a"] == 0.5 and d["parameters"]["kappa_b"] == 0.7
    assert d["A_alpha"] == pytest.approx(s["A_alpha"], rel=1e-12)
    assert d["B_beta"] == pytest.approx(s["B_beta"], rel=1e-12)


def test_a_small_omega_gives_a_spectrum_not_an_internal_error():
    r = run("--omega", "0.001", "--points", "51")
    assert r.returncode == 0, r.stderr
    assert "step" not in r.stderr and "caveats" in r.stdout


@pytest.mark.parametrize("json_out", [False, True])
def test_no_converged_gap_is_a_result_with_exit_0_like_gap(json_out):
    extra = ["--json"] if json_out else []
    r = run("--lam", "0.05", "--points", "11", *extra)
    g = in_process("gap", "--lam", "0.05", *extra)
    assert r.returncode == g.returncode == 0, (r.stderr, g.stderr)
    if json_out:
        assert strict_json(r.stdout)["converged"] is False and strict_json(g.stdout)["converged"] is False
    else:
        assert "converged: False" in r.stdout and "converged: False" in g.stdout


def test_caveats_are_printed_in_text_and_json(default_json):
    assert default_json["caveat_flags"] & 64 and any("300 K" in c for c in default_json["caveats"])
    r = run("--points", "51")
    assert "caveats (flags" in r.stdout and "T_c above 300 K" in r.stdout

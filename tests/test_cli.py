"""The `triplon` command: each subcommand once as the real console script (a new process),
the other cases through :func:`triplon.cli.app.main` in this process (the same code, ~1 s less each)."""

import json

import pytest
from console import console_script
from console import in_process as run

from triplon.model.dos import fermi_level

BANDS_KEYS = ["mu", "n_c", "n_alpha", "n_beta", "dos_alpha", "dos_beta", "dos_eta2_alpha", "dos_eta2_beta"]


def test_bands_json_keys_and_values():
    r = console_script("bands", "--n-c", "0.45", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert list(out) == BANDS_KEYS
    assert all(isinstance(v, float) for v in out.values())
    assert out["n_c"] == pytest.approx(0.45, abs=1e-12)
    assert out["n_alpha"] + out["n_beta"] == pytest.approx(0.45, abs=1e-12)
    ref = fermi_level(n_c=0.45)
    assert out["dos_beta"] == pytest.approx(ref.dos["beta"], rel=1e-12)


def test_bands_at_paper_mu_matches_paper_fillings():
    out = json.loads(run("bands", "--mu", "-0.65", "--json").stdout)
    assert round(out["n_alpha"], 2) == 0.14 and round(out["n_beta"], 2) == 0.31
    assert out["mu"] == -0.65


def test_bands_table_is_readable():
    r = run("bands", "--mu", "-0.65")
    assert r.returncode == 0
    assert "alpha" in r.stdout and "beta" in r.stdout and "N (1/eV)" in r.stdout


def test_band_options_change_the_model():
    a = json.loads(run("bands", "--mu", "-0.65", "--json").stdout)
    b = json.loads(run("bands", "--mu", "-0.65", "--eps-beta", "0.2", "--json").stdout)
    assert a["n_alpha"] == b["n_alpha"] and a["n_beta"] != b["n_beta"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["bands", "--n-c", "3"], "0 < n_c < 2"),
        (["bands", "--n-c", "0"], "0 < n_c < 2"),
        (["bands", "--n-c", "-0.1"], "0 < n_c < 2"),
        (["bands", "--n-c", "abc"], "not a number"),
        (["bands", "--n-c", "nan"], "not a finite number"),
        (["bands", "--mu", "inf"], "not a finite number"),
        (["bands", "--n-c", "0.4", "--foo"], "unrecognized arguments: --foo"),
        (["bands", "--n-c", "0.4", "--mu", "-0.6"], "not allowed"),
        (["bands", "--n-c"], "expected one argument"),
        (["bands", "--n-c", "0.4", "--t1", "x"], "not a number"),
        (["bands", "--mu", "0", "--t1", "0", "--t2", "0", "--t3", "0", "--eps-alpha", "0"], "no dispersion"),
        (["nonsense"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_input_one_line_exit_2(args, fragment):
    r = run(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert lines[0].startswith("triplon: error:") and fragment in lines[0]


GAP_KEYS = {
    "V",
    "lam",
    "ratio_eq17",
    "ratio_eq18",
    "ratio_sqrt",
    "A_alpha",
    "B_alpha",
    "A_beta",
    "B_beta",
    "Tc",
    "lambda_d_at_Tc",
    "Tc_d",
    "leading_channel",
    "converged",
}


def test_gap_json_keys_and_consistency():
    r = console_script("gap", "--n-c", "0.45", "--lam", "0.5", "--kappa", "0.75", "--omega", "0.3", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert GAP_KEYS <= set(out)
    assert out["converged"] is True and out["leading_channel"] in ("s+-", "d")
    assert out["lam"] == pytest.approx(0.5, rel=1e-12)
    assert out["ratio_eq18"] == pytest.approx(out["ratio_sqrt"] ** (2 / 1.5), rel=1e-12)  # r^(1/(2-lam))
    assert out["A_alpha"] > 0 > out["A_beta"] and out["Tc"] > 0


def test_gap_kappa_a_b_and_V_options():
    a = json.loads(
        run("gap", "--n-c", "0.45", "--lam", "0.5", "--kappa-a", "1", "--kappa-b", "0.5625", "--json").stdout
    )
    b = json.loads(run("gap", "--n-c", "0.45", "--lam", "0.5", "--kappa", "0.75", "--json").stdout)
    # the s-wave sector depends on kappa_a kappa_b only, the d-wave channel on kappa_a + kappa_b
    assert a["A_alpha"] == pytest.approx(b["A_alpha"], rel=1e-10)
    assert a["lambda_d_at_Tc"] == pytest.approx(b["lambda_d_at_Tc"] * 1.5625 / 1.5, rel=1e-10)
    c = json.loads(run("gap", "--n-c", "0.45", "--V", str(b["V"]), "--kappa", "0.75", "--json").stdout)
    assert c["A_alpha"] == pytest.approx(b["A_alpha"], rel=1e-10)
    d = json.loads(run("gap", "--n-c", "0.45", "--JH", "0.5", "--Jc", "0.3", "--json").stdout)
    assert d["V"] == pytest.approx(3 * 0.25 / 0.6)


def test_gap_below_resolution_is_flagged_in_json():
    out = json.loads(run("gap", "--n-c", "0.45", "--lam", "0.04", "--kappa", "0.75", "--json").stdout)
    assert out["converged"] is False and out["A_alpha"] is None and out["Tc"] is None


def test_gap_readable_summary():
    r = run("gap", "--n-c", "0.45", "--lam", "0.5", "--kappa", "0.75", "--T", "0.01")
    assert (
        r.returncode == 0
        and "Eq. 17 exact" in r.stdout
        and "T_c (s+-)" in r.stdout
        and "full (Eq. 14) solution at T = 0.01 eV = 10 meV = 116 K" in r.stdout
    )
    # the full solution at T: A and B of both bands, |A| in meV and K, Delta/T
    at_T = r.stdout.split("full (Eq. 14) solution at T")[1]
    for band in ("alpha", "beta"):
        line = next(x for x in at_T.splitlines() if x.strip().startswith(band))
        assert "A = " in line and "B = " in line and "meV" in line and "Delta/T = " in line
    j = json.loads(run("gap", "--T", "0.01", "--json").stdout)
    A = abs(j["solution_T"]["A_alpha"])
    assert f"|A| = {A:.6g} eV = {A * 1e3:.6g} meV" in at_T and f"Delta/T = {A / 0.01:.4f}" in at_T
    # T_c in eV and K with k_B = 8.617333262e-5 eV/K
    line = next(x for x in r.stdout.splitlines() if x.startswith("T_c (s+-)"))
    assert f"= {j['Tc'] / 8.617333262e-5:.4g} K" in line


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["gap", "--n-c", "0.45", "--JH", "0.5", "--Jc", "0.3", "--V", "1"], "give exactly one of lam, V"),
        (["gap", "--n-c", "0.45", "--lam", "0.5", "--V", "1"], "give exactly one of lam, V"),
        (["gap", "--n-c", "0.45", "--lam", "-0.5"], "argument --lam: lam in [0.01, 3] required"),
        (["gap", "--n-c", "0.45", "--V", "0"], "argument --V: V in [0.001, 50] eV required"),
        (["gap", "--n-c", "0.45", "--JH", "0.5"], "--JH and --Jc go together"),
        (
            ["gap", "--n-c", "0.45", "--lam", "0.5", "--omega", "0"],
            "argument --omega: omega in [1e-06, 5] eV",
        ),
        (["gap", "--n-c", "0.45", "--lam", "0.5", "--T", "-1"], "argument --T: T in [0, 1) eV required"),
        (["gap", "--n-c", "0.45", "--lam", "0.5", "--kappa", "1", "--kappa-a", "1"], "not both"),
        (["gap", "--n-c", "2.5", "--lam", "0.5"], "0 < n_c < 2"),
        (["gap", "--lam", "0.5", "--kappa-b", "0.5"], "--kappa-b needs --kappa-a"),
        (["gap", "--n-c", "0.45", "--lam", "x"], "not a number"),
        (["gap", "--mu", "-3", "--lam", "0.5"], "no Fermi surface"),
    ],
)
def test_gap_bad_input(args, fragment):
    r = run(*args)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr and fragment in lines[0], r.stderr


def test_provenance_of_a_workflow_file(tmp_path):
    import xarray as xr

    from triplon.data.netcdf import to_netcdf
    from triplon.data.provenance import with_provenance

    src = tmp_path / "in.nc"
    xr.Dataset({"a": ("x", [1.0], {"units": "1", "long_name": "a"})}).to_netcdf(src)
    ds = with_provenance(
        xr.Dataset({"b": ("x", [2.0], {"units": "eV", "long_name": "b"})}), "T", {"lam": 0.5}
    )
    out = tmp_path / "out.nc"
    to_netcdf(ds, out, inputs=[src], rule="figure")
    r = console_script("provenance", str(out))
    assert r.returncode == 0
    assert "lam = 0.5" in r.stdout and "workflow rule 'figure'" in r.stdout and str(src) in r.stdout
    j = json.loads(run("provenance", str(out), "--json").stdout)
    assert j["parameters"] == {"lam": 0.5} and j["inputs"][0]["path"] == str(src) and j["config_sha256"]
    assert j["source"].startswith("triplon ")


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda p: None, "no such file"),
        (lambda p: p.write_text("not netcdf"), "not a readable NetCDF file"),
        (lambda p: __import__("xarray").Dataset({"a": ("x", [1.0])}).to_netcdf(p), "no triplon provenance"),
    ],
)
def test_provenance_bad_input(tmp_path, make, fragment):
    path = tmp_path / "f.nc"
    make(path)
    r = run("provenance", str(path))
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in r.stderr


def test_provenance_needs_a_file():
    r = run("provenance")
    assert r.returncode == 2 and "required: file" in r.stderr


def test_gap_defaults_are_the_papers_point():
    default = json.loads(run("gap", "--json").stdout)
    explicit = json.loads(
        run("gap", "--n-c", "0.45", "--lam", "0.5", "--kappa", "0.75", "--omega", "0.3", "--json").stdout
    )
    assert default == explicit
    assert default["kappa_a"] == default["kappa_b"] == 0.75 and default["omega"] == 0.3
    assert default["n_c"] == pytest.approx(0.45, abs=1e-12) and default["lam"] == pytest.approx(0.5)
    # a pairing option replaces lambda = 0.5 instead of clashing with it
    v = json.loads(run("gap", "--V", str(default["V"]), "--json").stdout)
    assert v["A_alpha"] == pytest.approx(default["A_alpha"], rel=1e-10)
    helptext = " ".join(run("gap", "--help").stdout.split())
    assert "n_c = 0.45, lambda = 0.5, kappa = 0.75, Omega = 0.3 eV" in helptext
    assert "(default: 0.3)" in helptext


def test_gap_caveats_listed_in_text_and_json():
    from triplon.pairing.caveats import FLAGS, describe

    j = json.loads(run("gap", "--json").stdout)
    # the paper's point: T_c = 0.0779 eV = 904 K is above the 300 K plausibility bound
    assert j["caveat_flags"] == 64 and j["caveats"] == [FLAGS[64][1]]
    assert j["Tc"] / 8.617333262e-5 > 300
    # d-wave leads at large kappa_a + kappa_b with small kappa_a kappa_b
    d = json.loads(run("gap", "--kappa-a", "3", "--kappa-b", "0", "--json").stdout)
    assert d["leading_channel"] == "d" and d["caveat_flags"] & 16
    assert "the d-wave channel has the higher T_c: the s+- numbers are not the ground state" in d["caveats"]
    text = run("gap", "--kappa-a", "3", "--kappa-b", "0").stdout
    for sentence in describe(d["caveat_flags"]):
        assert f"  - {sentence}" in text


# ------------------------------------------------- a command line that forgives (issue 21)

K_B = 8.617333262e-5  # eV/K (CODATA 2018), independent of the package's constant


def one_error_line(args) -> str:
    """The single stderr line of a bad command line (exit 2, nothing on stdout)."""
    r = run(*args)
    assert r.returncode == 2 and r.stdout == "", (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("triplon: error: ") and "Traceback" not in r.stderr
    return lines[0]


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["gap", "--kapa", "0.5"], ["unrecognized arguments: --kapa 0.5", "did you mean --kappa?"]),
        (["spectrum", "--gama", "0.002"], ["--gama 0.002", "did you mean --gamma?"]),
        (["gap", "--omga=0.2"], ["--omga=0.2", "did you mean --omega?"]),
        (["bands", "--n_c", "0.4"], ["--n_c 0.4", "did you mean --n-c?"]),
        (["gap", "--jh", "0.5", "--Jc", "0.3"], ["--jh 0.5", "did you mean --JH?"]),  # case only
        (["gap", "-T", "0.01"], ["-T 0.01", "did you mean --T?"]),
        (["gap", "--kappa-c", "1"], ["did you mean --kappa-a or --kappa-b?"]),  # a tie: both
        (
            ["gap", "--kapa", "0.5", "--omga", "0.2"],
            ["--kapa: did you mean --kappa?", "--omga: did you mean --omega?"],
        ),
        # an option of another subcommand is named as such, not "corrected" to a near option
        (["bands", "--lam", "0.5"], ["--lam 0.5", "--lam is an option of triplon gap and spectrum"]),
        # abbreviations: an ambiguous prefix lists the candidates, and a case slip is pointed out
        (["gap", "--kap", "1"], ["ambiguous option: --kap could match --kappa, --kappa-a, --kappa-b"]),
        (["gap", "--t", "0.01"], ["could match --t1, --t2, --t3", "did you mean --T?"]),
    ],
)
def test_mistyped_option_gets_a_suggestion(args, fragments):
    line = one_error_line(args)
    for f in fragments:
        assert f in line, line


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["gapp"], ["argument COMMAND: invalid choice: 'gapp'", "did you mean 'gap'?"]),
        (["spectra", "--T", "0"], ["invalid choice: 'spectra'", "did you mean 'spectrum'?"]),
        (["provenence", "f.nc"], ["did you mean 'provenance'?"]),
        (["gap", "--method", "eliashbreg"], ["--method: invalid choice", "did you mean 'eliashberg'?"]),
    ],
)
def test_mistyped_subcommand_or_choice_gets_a_suggestion(args, fragments):
    line = one_error_line(args)
    for f in fragments:
        assert f in line, line


def test_no_suggestion_when_nothing_is_close():
    assert one_error_line(["gap", "--foo", "1"]) == "triplon: error: unrecognized arguments: --foo 1"
    assert "did you mean" not in one_error_line(["nonsense"])


def test_suggestion_from_the_console_script():
    r = console_script("gap", "--kapa", "0.5")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == "triplon: error: unrecognized arguments: --kapa 0.5 (did you mean --kappa?)\n"


def test_unique_prefix_of_a_long_option_is_accepted():
    full = run("bands", "--eps-beta", "0.2", "--json")
    short = run("bands", "--eps-b", "0.2", "--json")
    assert full.returncode == short.returncode == 0 and short.stdout == full.stdout


def test_bands_without_options_is_the_papers_point():
    default = run("bands", "--json")
    explicit = run("bands", "--n-c", "0.45", "--json")
    assert default.returncode == 0 and default.stderr == ""
    assert json.loads(default.stdout) == json.loads(explicit.stdout)
    assert json.loads(default.stdout)["n_c"] == pytest.approx(0.45, abs=1e-12)  # the paper's n_c
    assert run("bands").stdout == run("bands", "--n-c", "0.45").stdout
    # the filling of bands is that of gap (one code path): the same mu at the default point
    assert json.loads(default.stdout)["mu"] == pytest.approx(json.loads(run("gap", "--json").stdout)["mu"])
    assert json.loads(run("bands", "--mu", "-0.65", "--json").stdout)["mu"] == -0.65
    assert "default 0.45 unless --mu is given" in " ".join(run("bands", "--help").stdout.split())


@pytest.mark.parametrize("command", ["gap", "spectrum"])
@pytest.mark.parametrize(
    "value, ev", [("40", "0.003447"), ("4.2", "0.0003619"), ("1", "8.617e-05"), ("300", "0.02585")]
)
def test_temperature_in_kelvin_gets_the_conversion(command, value, ev):
    assert f"{float(value) * K_B:.4g}" == ev  # the expected eV value is k_B times the kelvin
    line = one_error_line([command, "--T", value])
    assert line.startswith("triplon: error: argument --T: T is k_B T in eV")
    assert f"{value} K is --T {ev}" in line and "kelvin" in line, line


def test_kelvin_hint_threshold():
    # with --method eliashberg too: the hint is given while reading --T
    assert "0.003447" in one_error_line(["gap", "--method", "eliashberg", "--T", "40"])
    # below 1 eV the value is taken as eV; far above, no kelvin reading fits: the plain range
    assert run("gap", "--T", "0.5", "--json").returncode == 0
    for value in ("20000", "-1"):
        line = one_error_line(["gap", "--T", value])
        assert "T in [0, 1) eV required" in line and "kelvin" not in line, line
    helptext = " ".join(run("spectrum", "--help").stdout.split())
    assert "0 <= T < 1 eV (a larger value is taken for kelvin" in helptext


def test_unresolved_point_prints_no_channel_and_no_zero_tc_d():
    # lambda = 0.01: Delta ~ 2 Omega exp(-100), far below any resolution
    j = json.loads(run("gap", "--lam", "0.01", "--json").stdout)
    assert j["converged"] is False
    assert j["leading_channel"] is None and j["Tc_d"] is None and j["Tc"] is None
    assert j["lambda_d_at_Tc"] is None
    text = run("gap", "--lam", "0.01").stdout
    d_line = next(x for x in text.splitlines() if x.startswith("d-wave:"))
    assert d_line == "d-wave: lambda_d(T_c) = —, T_c,d = not resolved;  leading channel: not resolved"
    assert "T_c (s+-) = not resolved" in text
    assert "T_c,d = 0" not in text and "leading channel: s+-" not in text and "nan" not in text
    assert "alpha: A = — eV  B = — eV" in text  # null in JSON is "—" in the text


def test_resolved_s_wave_with_no_d_wave_channel():
    # kappa = 0: the d-wave coupling V (kappa_a + kappa_b) vanishes, so there is no T_c,d,
    # while the s+- gap is resolved and leads
    j = json.loads(run("gap", "--kappa", "0", "--json").stdout)
    assert j["converged"] is True and j["Tc"] > 0
    assert j["Tc_d"] is None and j["leading_channel"] == "s+-"
    text = run("gap", "--kappa", "0").stdout
    assert "T_c,d = not resolved;  leading channel: s+-" in text and "T_c,d = 0" not in text
    # the paper's point: both channels resolved, s+- leads
    d = json.loads(run("gap", "--json").stdout)
    assert 0 < d["Tc_d"] < d["Tc"] and d["leading_channel"] == "s+-"


def test_full_solution_is_called_full_eq14():
    texts = {
        "triplon --help": run("--help").stdout,
        "gap --help": run("gap", "--help").stdout,
        "spectrum --help": run("spectrum", "--help").stdout,
        "gap": run("gap", "--T", "0.01").stdout,
        "spectrum": run("spectrum", "--points", "51").stdout,
    }
    for name, text in texts.items():
        flat = " ".join(text.split())
        assert "full (Eq. 14)" in flat, name
        for old in ("full solution", "full bcs", "full eq. 14"):
            assert old not in flat.lower(), (name, old)
    assert (
        "full (Eq. 14) solution Delta_b(k) = A_b + B_b eta_k^2 at T = 0 (its s-wave form, Eq. 15):"
        in (texts["gap"])
    )
    assert "full (Eq. 14) solution at T = 0.01 eV" in texts["gap"]
    assert "gap model: full (Eq. 14)" in texts["spectrum"]

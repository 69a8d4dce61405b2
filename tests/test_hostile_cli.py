"""Hostile command lines: exit status 2 and one stderr line for bad input, 1 for solver failures,
strict JSON always, damaged provenance files named.

Most cases call :func:`triplon.cli.app.main` in-process (fast); a few run the real
console script to check that nothing else reaches stderr.
"""

import contextlib
import io

import numpy as np
import pytest
import xarray as xr
from console import console_script, strict_json
from hypothesis import given, settings
from hypothesis import strategies as st

from triplon import cli
from triplon.pairing.caveats import FLAGS, critical_fillings


def call(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def bad_input(capsys, args, *fragments):
    code, out, err = call(capsys, *args)
    assert code == 2 and out == "", (code, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("triplon: error: "), err
    assert "Traceback" not in err
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


# ------------------------------------------------------------ overflow scales

OVERFLOW = [
    (["gap", "--t1", "1e300"], "argument --t1: t1 in [-5, 5] eV required, got 1e+300"),
    (["gap", "--t2=-1e300"], "argument --t2: t2 in [-5, 5] eV required"),
    (["gap", "--t2", "-1e300"], "argument --t2: expected one argument"),
    (["gap", "--t3", "1e300"], "argument --t3:"),
    (["gap", "--eps-alpha", "1e300"], "argument --eps-alpha: eps_alpha in [-5, 5] eV"),
    (["gap", "--eps-beta", "-1e300"], "argument --eps-beta:"),
    (["gap", "--kappa", "1e300"], "argument --kappa: kappa in [0, 10] required"),
    (["gap", "--kappa-a", "1e300"], "argument --kappa-a: kappa_a in [0, 10]"),
    (["gap", "--kappa-a", "1", "--kappa-b", "1e300"], "argument --kappa-b: kappa_b in [0, 10]"),
    (["gap", "--JH", "1e300", "--Jc", "0.3"], "argument --JH: JH in (0, 10] eV"),
    (["gap", "--JH", "0.5", "--Jc", "1e300"], "argument --Jc: Jc in (0, 5] eV"),
    (["gap", "--V", "1e300"], "argument --V: V in [0.001, 50] eV"),
    (["gap", "--lam", "1e300"], "argument --lam: lam in [0.01, 3]"),
    (["gap", "--omega", "1e300"], "argument --omega: omega in [1e-06, 5] eV"),
    (["gap", "--T", "1e300"], "argument --T: T in [0, 1) eV"),
    (["gap", "--mu", "1e300"], "argument --mu: mu in [-200, 200] eV"),
    (["gap", "--n-c", "1e300"], "argument --n-c: 0 < n_c < 2 required"),
    (["bands", "--n-c", "0.4", "--t1", "1e300"], "argument --t1:"),
    (["bands", "--mu", "-1e300"], "argument --mu:"),
]


@pytest.mark.parametrize("args, fragment", OVERFLOW, ids=[" ".join(a) for a, _ in OVERFLOW])
def test_overflow_scales_are_bad_input(capsys, args, fragment):
    bad_input(capsys, args, fragment)


# --------------------------------------------------- underflow and tiny scales

UNDERFLOW = [
    (["gap", "--V", "1e-300"], "argument --V: V in [0.001, 50] eV required, got 1e-300"),
    (["gap", "--lam", "1e-300"], "argument --lam: lam in [0.01, 3] required"),
    (["gap", "--omega", "1e-300"], "argument --omega: omega in [1e-06, 5] eV"),
    (["gap", "--JH", "1e-9", "--Jc", "5"], "--JH/--Jc gives V = 3e-19 eV outside [0.001, 50] eV"),
    (["gap", "--JH", "10", "--Jc", "1e-300"], "--JH/--Jc gives V = 1.5e+302 eV outside"),
    (
        ["gap", "--V", "0.001"],
        "--V gives lambda = V sqrt(N_a N_b) = 0.000482 at this filling, outside [0.01, 3]",
    ),
    (["gap", "--T=-1e-300"], "argument --T: T in [0, 1) eV"),
    (["gap", "--n-c", "0"], "0 < n_c < 2"),
    (["gap", "--n-c", "2"], "0 < n_c < 2"),
    (["gap", "--mu", "-3"], "a band has no Fermi surface at mu = -3 eV"),
    (["gap", "--t1", "0", "--t2", "0", "--t3", "1e-300", "--eps-alpha", "1e-300"], "no Fermi surface"),
]


@pytest.mark.parametrize("args, fragment", UNDERFLOW, ids=[" ".join(a) for a, _ in UNDERFLOW])
def test_underflow_scales_are_bad_input(capsys, args, fragment):
    bad_input(capsys, args, fragment)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["gap", "--kappa", "-1"], "argument --kappa: kappa in [0, 10] required, got -1"),
        (["gap", "--kappa-a", "-0.1"], "argument --kappa-a:"),
        (["gap", "--kappa-a", "0.5", "--kappa-b", "-0.1"], "argument --kappa-b:"),
    ],
)
def test_negative_kappa_is_rejected(capsys, args, fragment):
    bad_input(capsys, args, fragment)


# ------------------------------------------------------------- not numbers


@pytest.mark.parametrize(
    "option, text, fragment",
    [
        ("--lam", "nan", "not a finite number: 'nan'"),
        ("--V", "inf", "not a finite number: 'inf'"),
        ("--omega", "-inf", "not a finite number: '-inf'"),
        ("--kappa", "", "not a number: ''"),
        ("--t1", "1e", "not a number: '1e'"),
        ("--T", "0x10", "not a number: '0x10'"),
        ("--n-c", "0,45", "not a number: '0,45'"),
    ],
)
def test_not_a_number(capsys, option, text, fragment):
    bad_input(capsys, ["gap", f"{option}={text}"], f"argument {option}: {fragment}")


# ------------------------------------------------------- conflicting options


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["gap", "--lam", "0.5", "--V", "1"], "give exactly one of lam, V or JH with Jc; got --lam and --V"),
        (["gap", "--lam", "0.5", "--JH", "0.5", "--Jc", "0.3"], "got --lam and --JH/--Jc"),
        (["gap", "--JH", "0.5"], "--JH and --Jc go together"),
        (["gap", "--Jc", "0.3"], "--JH and --Jc go together"),
        (["gap", "--kappa", "1", "--kappa-a", "1"], "give --kappa, or --kappa-a and --kappa-b, not both"),
        (["gap", "--kappa-b", "0.5"], "--kappa-b needs --kappa-a"),
        (["gap", "--n-c", "0.45", "--mu", "-0.6"], "argument --mu: not allowed with argument --n-c"),
    ],
)
def test_conflicting_options(capsys, args, fragment):
    bad_input(capsys, args, fragment)


# ------------------------------------- results that cannot be resolved: exit 0, flagged


@pytest.mark.parametrize(
    "args, status",
    [
        (["--lam", "0.01"], "gap below resolution"),
        (["--omega", "1e-6", "--lam", "0.05"], "gap below resolution"),
        (["--lam", "0.02", "--omega", "1e-4"], "gap below resolution"),
    ],
)
def test_unresolvable_point_is_a_flagged_result(capsys, args, status):
    code, out, err = call(capsys, "gap", *args, "--json")
    assert code == 0 and err == ""
    d = strict_json(out)
    assert d["converged"] is False and d["status"].startswith(status)
    assert d["A_alpha"] is None and d["gap_ratio"] is None
    code, out, err = call(capsys, "gap", *args)
    assert code == 0 and err == "" and "converged: False" in out


def test_solver_failure_is_exit_1_with_one_line(capsys, monkeypatch):
    import triplon.pairing.point

    def broken(**kw):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(triplon.pairing.point, "gap_point", broken)
    code, out, err = call(capsys, "gap")
    assert code == 1 and out == "" and len(err.splitlines()) == 1
    assert err.startswith("triplon: internal error: the gap solver failed at n_c = 0.45")
    assert "ZeroDivisionError: float division by zero" in err


def test_unforeseen_bug_is_exit_1_with_one_line(capsys, monkeypatch):
    import triplon.model.dos

    def broken(**kw):
        raise KeyError("boom")

    monkeypatch.setattr(triplon.model.dos, "fermi_level", broken)
    code, out, err = call(capsys, "bands", "--n-c", "0.4")
    assert code == 1 and out == "" and err == "triplon: internal error: KeyError: 'boom'\n"


# --------------------------------------------------------------- JSON validity


@pytest.mark.parametrize(
    "args",
    [
        ["gap", "--json"],
        ["gap", "--lam", "0.01", "--json"],
        ["gap", "--mu", "-0.65", "--T", "0.99", "--lam", "3", "--omega", "5", "--json"],
        ["gap", "--n-c", "1.9999", "--json"],
        ["bands", "--n-c", "1.9999", "--json"],
        ["bands", "--mu", "0.9", "--json"],
    ],
    ids=["default", "unresolved", "extreme", "nearly-full", "bands-full", "bands-edge"],
)
def test_json_is_strict_rfc8259(capsys, args):
    code, out, err = call(capsys, *args)
    assert code == 0 and err == ""
    d = strict_json(out)
    assert isinstance(d, dict)
    if args[0] == "gap":
        assert isinstance(d["caveat_flags"], int) and isinstance(d["caveats"], list)
        assert all(isinstance(c, str) for c in d["caveats"])


def test_near_van_hove_caveat(capsys):
    n_vh = next(c.n_c for c in critical_fillings() if c.kind == "van Hove" and c.band == "alpha")
    code, out, _ = call(capsys, "gap", "--n-c", f"{n_vh + 0.002:.6f}", "--json")
    d = strict_json(out)
    assert code == 0 and d["caveat_flags"] & 32 and FLAGS[32][1] in d["caveats"]


# ---------------------------------------------------- provenance of damaged files


def triplon_file(path, params=None, **attrs):
    from triplon.data.netcdf import to_netcdf
    from triplon.data.provenance import with_provenance

    ds = with_provenance(
        xr.Dataset({"b": ("x", [2.0], {"units": "eV", "long_name": "b"})}), "T", params or {"lam": 0.5}
    )
    to_netcdf(ds, path, rule="figure")
    if attrs:
        ds = xr.load_dataset(path)
        for k, v in attrs.items():
            if v is None:
                del ds.attrs[k]
            else:
                ds.attrs[k] = v
        ds.to_netcdf(path)
    return path


@pytest.mark.parametrize(
    "attrs, fragment",
    [
        ({"parameters": "{lam: 0.5"}, "malformed provenance attribute 'parameters' or 'inputs' (not JSON"),
        ({"parameters": "[1, 2]"}, "malformed provenance attribute 'parameters' (not a JSON object)"),
        ({"inputs": "[{"}, "malformed provenance attribute 'parameters' or 'inputs'"),
        ({"inputs": '{"a": 1}'}, "malformed provenance attribute 'inputs' (not a list of {path, sha256})"),
        ({"inputs": '[{"path": "x"}]'}, "malformed provenance attribute 'inputs'"),
        ({"source": None}, "no triplon provenance"),
    ],
    ids=["params-not-json", "params-list", "inputs-not-json", "inputs-dict", "inputs-no-sha", "no-source"],
)
def test_malformed_provenance_names_the_file(capsys, tmp_path, attrs, fragment):
    path = triplon_file(tmp_path / "damaged.nc", **attrs)
    for extra in ([], ["--json"]):
        line = bad_input(capsys, ["provenance", str(path), *extra], fragment)
        assert str(path) in line


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda p: p.write_bytes(b""), "not a readable NetCDF file"),
        (lambda p: p.mkdir(), "no such file"),
        (
            lambda p: p.write_bytes(triplon_file(p.with_name("ok.nc")).read_bytes()[:300]),
            "not a readable NetCDF",
        ),
    ],
    ids=["empty", "directory", "truncated"],
)
def test_unreadable_provenance_file(capsys, tmp_path, make, fragment):
    path = tmp_path / "f.nc"
    make(path)
    line = bad_input(capsys, ["provenance", str(path)], fragment)
    assert str(path) in line


def test_provenance_json_has_no_nonfinite_numbers_and_keeps_integers(capsys, tmp_path):
    params = {"lam": float("nan"), "r": [1.0, float("inf")], "nodes": np.int64(24), "eps_min": 1e-8}
    path = triplon_file(tmp_path / "nonfinite.nc", params)
    code, out, err = call(capsys, "provenance", str(path), "--json")
    assert code == 0 and err == ""
    d = strict_json(out)
    assert d["parameters"] == {"lam": None, "r": [1, None], "nodes": 24, "eps_min": 1e-8}
    assert isinstance(d["parameters"]["nodes"], int)
    code, out, err = call(capsys, "provenance", str(path))
    assert code == 0 and "nodes = 24\n" in out and "24.0" not in out and "lam = null" in out


# -------------------------------------------------------------------- help


def test_help_is_current(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert "later" not in out and all(c in out for c in ("bands", "gap", "provenance", "Exit status"))


# ----------------------------------------- the real console script: stderr is one line


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["gap", "--kappa", "1e300"], 2, "triplon: error: argument --kappa"),
        (["gap", "--JH", "10", "--Jc", "1e-300"], 2, "triplon: error: --JH/--Jc gives V"),
        (["gap", "--lam", "0.01", "--json"], 0, None),
    ],
)
def test_console_script_writes_one_line_or_nothing(args, code, fragment):
    r = console_script(*args)
    assert r.returncode == code
    if fragment is None:
        assert r.stderr == "" and strict_json(r.stdout)["converged"] is False
    else:
        assert r.stdout == "" and len(r.stderr.splitlines()) == 1 and r.stderr.startswith(fragment)


# ------------------------------------------------------------------------ fuzz

GAP_OPTIONS = [
    "--n-c",
    "--mu",
    "--lam",
    "--V",
    "--kappa",
    "--kappa-a",
    "--omega",
    "--T",
    "--t1",
    "--eps-beta",
]
values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1e-300, 1e300, -1e-300, 0.45, 0.5, 2.0, 5.0, 1e-6, 0.01]),
    st.text(max_size=5),
)


@settings(max_examples=25, deadline=None)
@given(options=st.dictionaries(st.sampled_from(GAP_OPTIONS), values, max_size=4))
def test_fuzz_gap_exit_status_one_line_strict_json(options):
    args = [
        "gap",
        "--json",
        *[f"{k}={v!r}" if isinstance(v, float) else f"{k}={v}" for k, v in options.items()],
    ]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    assert code in (0, 1, 2)
    assert len(err.getvalue().splitlines()) == (0 if code == 0 else 1) and "Traceback" not in err.getvalue()
    if code == 0:
        assert isinstance(strict_json(out.getvalue())["caveat_flags"], int)

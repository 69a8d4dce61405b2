"""The `triplon` console script, run as a real subprocess."""

import json
import shutil
import subprocess
import sys

import pytest

from triplon.dos import fermi_level

EXE = shutil.which("triplon") or str(__import__("pathlib").Path(sys.executable).with_name("triplon"))

BANDS_KEYS = ["mu", "n_c", "n_alpha", "n_beta", "dos_alpha", "dos_beta", "dos_eta2_alpha", "dos_eta2_beta"]


def run(*args):
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=60)


def test_bands_json_keys_and_values():
    r = run("bands", "--n-c", "0.45", "--json")
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
        (["bands"], "give --n-c"),
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

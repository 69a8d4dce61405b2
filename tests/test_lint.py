"""Code style is part of the test command: ruff (lint and format), snakefmt and Snakemake's lint."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from projects import local_snakemake_env

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name):
    path = BIN / name
    return str(path) if path.exists() else shutil.which(name)


@pytest.mark.parametrize(
    "cmd",
    [
        ["ruff", "check", "src", "tests", "workflow", "benchmarks"],
        ["ruff", "format", "--check", "src", "tests", "workflow", "benchmarks"],
        ["snakefmt", "--check", "Snakefile", "workflow/rules"],
        ["snakemake", "--lint"],
    ],
    ids=["ruff", "ruff-format", "snakefmt", "snakemake-lint"],
)
def test_lint(cmd):
    exe = tool(cmd[0])
    if exe is None:
        pytest.fail(f"{cmd[0]} is not installed (pip install -e '.[test]')")
    r = subprocess.run([exe, *cmd[1:]], cwd=ROOT, capture_output=True, text=True, env=local_snakemake_env())
    assert r.returncode == 0, r.stdout + r.stderr
    if cmd[0] == "snakemake":  # and names no lint
        assert "Congratulations, your workflow is in a good condition!" in r.stdout + r.stderr, r.stdout

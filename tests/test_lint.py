"""Code style is part of the test command: ruff and snakefmt must pass."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name):
    path = BIN / name
    return str(path) if path.exists() else shutil.which(name)


@pytest.mark.parametrize(
    "cmd",
    [
        ["ruff", "check", "src", "tests", "workflow", "benchmarks"],
        ["snakefmt", "--check", "Snakefile", "workflow/rules"],
    ],
    ids=["ruff", "snakefmt"],
)
def test_lint(cmd):
    exe = tool(cmd[0])
    if exe is None:
        pytest.fail(f"{cmd[0]} is not installed (pip install -e '.[test]')")
    r = subprocess.run([exe, *cmd[1:]], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

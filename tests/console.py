"""The ``triplon`` command, called in this process or run as the real console script."""

import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from projects import user_env

from triplon import cli

EXE = shutil.which("triplon") or str(Path(sys.executable).with_name("triplon"))


def in_process(*args) -> subprocess.CompletedProcess:
    """``triplon ARGS`` through :func:`triplon.cli.app.main`, which the console script calls.

    Returns what :func:`console_script` returns (exit status, stdout, stderr) without
    starting a Python process (~1 s each); ``--help`` exits through argparse as it does there.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return subprocess.CompletedProcess(["triplon", *args], code, out.getvalue(), err.getvalue())


def console_script(*args, timeout=120) -> subprocess.CompletedProcess:
    """``triplon ARGS`` run as the installed console script, in a new process."""
    return subprocess.run(
        [EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=user_env()
    )


def strict_json(text: str):
    """``json.loads`` that fails the test on NaN, Infinity or -Infinity (not RFC 8259 JSON)."""

    def bad(constant):
        pytest.fail(f"non-standard JSON constant {constant} in {text[:200]}")

    return json.loads(text, parse_constant=bad)

"""Helpers shared by the benchmark scripts (timing, formatting, command line)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

import numpy as np


def source_digest() -> str:
    """Version and source fingerprint of the ``triplon`` being measured."""
    from triplon.data.provenance import source_fingerprint

    return source_fingerprint()


def environment(**extra) -> dict:
    """Versions and machine facts recorded with every benchmark result."""
    import os
    import platform

    import scipy

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "triplon": source_digest(),
        **extra,
    }


def environment_line(env: dict) -> str:
    return (
        f"Python {env['python']}, NumPy {env['numpy']}, SciPy {env['scipy']}, {env['machine']}, "
        f"{env['cpus']} CPUs; triplon {env['triplon']}"
    )


def best_time(fn: Callable[[], object], repeat: int = 3, budget: float | None = None):
    """Run ``fn`` up to ``repeat`` times; return (result of the first run, best wall time in s).

    With ``budget`` (s), no further pass is started once the passes so far have
    taken that long in total.
    """
    result, best, spent = None, np.inf, 0.0
    for i in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        if i == 0:
            result = out
        best, spent = min(best, dt), spent + dt
        if budget is not None and spent >= budget:
            break
    return result, best


def fmt_err(x: float) -> str:
    return "—" if not np.isfinite(x) else f"{x:.2e}"


def markdown(head: list[str], rows: list[list[str]], numeric: range) -> str:
    """A Markdown table; columns in ``numeric`` are right-aligned."""
    align = ["---:" if i in numeric else "---" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)


def main(doc: str, run: Callable[[bool], dict], quick_help: str, argv=None) -> int:
    """Command line shared by the benchmarks: ``[--quick] [--json PATH]``."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--quick", action="store_true", help=quick_help)
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = p.parse_args(argv)
    results = run(args.quick)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2, allow_nan=True)
            fh.write("\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit("this module is imported by the benchmark scripts")

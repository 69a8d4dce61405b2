"""Command-line interface: ``triplon bands``, ``gap``, ``spectrum`` and ``provenance``.

Exit status and messages:

* 0 -- a result was printed. A point whose gap cannot be resolved or whose
  solver did not converge is a result: it is printed with ``converged: false``
  and the reason (``status``).
* 2 -- bad input (unknown option, not a number, a value outside its physical
  range, a file that is not a triplon NetCDF file): exactly one line
  ``triplon: error: ...`` on stderr naming the option and the allowed range. A
  mistyped option, subcommand or choice gets the nearest one ("did you mean
  --kappa?"); a temperature ``--T`` >= 1 eV is taken for kelvin and refused with its
  value in eV.
* 1 -- an internal failure: exactly one line ``triplon: internal error: ...``.

Nothing else is written to stderr (numerical warnings are captured; their
content reaches the output through the convergence flags). ``--json`` output is
strict RFC 8259 JSON: non-finite numbers are written as ``null``.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from triplon.cli.commands import (
    SolverFailure,
    _count,
    _one_line,
    cmd_bands,
    cmd_gap,
    cmd_provenance,
    cmd_spectrum,
)
from triplon.cli.options import (
    UsageError,
    _add_band_options,
    _add_filling_options,
    _add_method_options,
    _add_pairing_options,
    _Formatter,
    _Parser,
    _range_help,
    _ranged,
    _temperature,
    _temperature_help,
)
from triplon.model.params import ParameterError
from triplon.studies.sweeps.grid import PAPER_POINT


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="triplon",
        description="Bands, gaps and provenance of the bilayer-nickelate triplon model (arXiv:2602.23989).",
        epilog="Exit status: 0 result printed, 2 bad input (one line on stderr), 1 internal failure.",
    )
    from triplon import __version__

    parser.add_argument("--version", action="version", version=f"triplon {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    parser.commands = sub.choices  # for "did you mean" of the subcommand's options

    b = sub.add_parser(
        "bands",
        help="fillings, N and Ñ of both bands at one n_c or mu",
        description="Fillings, Fermi-level N and Ñ of both bands at one filling n_c or chemical "
        "potential mu. Default: the paper's point n_c = 0.45 with the Fig. 2 bands.",
        formatter_class=_Formatter,
    )
    _add_filling_options(b)
    _add_band_options(b)
    b.add_argument("--json", action="store_true", help="print one JSON object")
    b.set_defaults(func=cmd_bands)

    g = sub.add_parser(
        "gap",
        help="analytic (Eqs. 16-18) and full (Eq. 14) gaps, T_c, d-wave channel, caveats",
        description="Analytic (Eqs. 16-18) and full (Eq. 14) gaps, T_c, the d-wave channel and the "
        "caveats of one point. Defaults: the paper's point n_c = 0.45, lambda = 0.5, kappa = 0.75, "
        "Omega = 0.3 eV (Fig. 4b).",
        formatter_class=_Formatter,
    )
    _add_pairing_options(g)
    g.add_argument(
        "--T",
        type=_temperature,
        default=PAPER_POINT["T"],
        metavar="T",
        help=_temperature_help(
            "temperature of an extra full (Eq. 14) solve (eliashberg: of the solution, 0 = T_c/5)"
        ),
    )
    _add_method_options(g)
    _add_band_options(g)
    g.add_argument("--json", action="store_true", help="print one JSON object")
    g.set_defaults(func=cmd_gap)

    _add_spectrum_parser(sub)

    v = sub.add_parser(
        "provenance",
        help="parameters, config hash, code version and inputs of a NetCDF file",
        description="Parameters, config hash, code version and inputs of a NetCDF file written by triplon.",
        formatter_class=_Formatter,
    )
    v.add_argument("file", help="a NetCDF file written by triplon (e.g. results/figures/fig5.nc)")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.set_defaults(func=cmd_provenance)
    return parser


def _add_spectrum_parser(sub) -> None:
    s = sub.add_parser(
        "spectrum",
        help="quasiparticle DOS, tunneling dI/dV and gap extremes (docs: physics, 'Tunneling spectra')",
        description="Quasiparticle DOS of both bands, simulated tunneling conductance dI/dV and the gap "
        "extremes on each Fermi sheet at one point (docs: physics, 'Tunneling spectra'). "
        "Defaults: the paper's point "
        "n_c = 0.45, lambda = 0.5, kappa = 0.75, Omega = 0.3 eV.",
        formatter_class=_Formatter,
    )
    _add_pairing_options(s)
    t = s.add_argument_group("spectrum")
    t.add_argument(
        "--T",
        type=_temperature,
        default=PAPER_POINT["T"],
        metavar="T",
        help=_temperature_help("temperature: gaps at T and thermal dI/dV (eliashberg: 0 = T_c/5)"),
    )
    t.add_argument(
        "--gamma",
        type=_ranged("gamma"),
        default=1e-3,
        metavar="GAMMA",
        help=f"Dynes broadening Gamma, {_range_help('gamma')}",
    )
    t.add_argument(
        "--emax",
        type=_ranged("emax"),
        metavar="EMAX",
        help=f"energy window [-emax, emax], {_range_help('emax')}; default 1.6 x the largest gap",
    )
    t.add_argument("--points", type=_count(3, 100001), default=801, help="number of energies")
    t.add_argument(
        "--weights",
        type=_ranged("weight"),
        nargs=2,
        metavar=("W_ALPHA", "W_BETA"),
        help="band weights w_b of dI/dV, >= 0, not both 0 (default: 1 1)",
    )
    t.add_argument(
        "--matrix-element",
        choices=("none", "eta4"),
        default="none",
        help="c-axis tunneling matrix element |M_k|^2 ∝ eta^4",
    )
    t.add_argument(
        "--gap-model",
        choices=("full", "eq16"),
        default="full",
        help="gaps of the full (Eq. 14) solution or of Eq. 16 with exact Eq. 17 magnitudes",
    )
    _add_method_options(s)
    _add_band_options(s)
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_spectrum)


def main(argv=None) -> int:
    """Run the command line; returns the exit status (0 result, 2 bad input, 1 internal failure)."""
    import numpy as np

    parser = build_parser()
    with warnings.catch_warnings(record=True), np.errstate(all="ignore"):
        warnings.simplefilter("always")  # recorded, never printed: stderr stays one line
        try:
            args = parser.parse_args(argv)
            out = args.func(args)
        except (UsageError, ParameterError, ValueError) as exc:
            print(f"triplon: error: {_one_line(exc)}", file=sys.stderr)
            return 2
        except SolverFailure as exc:
            print(f"triplon: internal error: {_one_line(exc)}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("triplon: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # a bug or an unforeseen numerical failure: still one line
            print(f"triplon: internal error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
            return 1
    print(out)
    return 0


# the interface of the cli modules is the command line (docs/cli.rst)
__all__: list[str] = []

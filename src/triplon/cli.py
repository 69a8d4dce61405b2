"""Command-line interface: ``triplon bands`` (and more subcommands later).

Bad input (unknown option, non-number, out-of-range value) gives a one-line
message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from triplon.params import BANDS, BandParams, ParameterError


class UsageError(Exception):
    """Bad command-line input; reported on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise UsageError(message)


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _add_band_options(p: argparse.ArgumentParser) -> None:
    d = BandParams()
    g = p.add_argument_group("band structure (Eq. 5, eV; defaults: the paper's Fig. 2 set)")
    g.add_argument("--t1", type=_finite_float, default=d.t1, help=f"first-neighbour hopping [{d.t1}]")
    g.add_argument("--t2", type=_finite_float, default=d.t2, help=f"second-neighbour hopping [{d.t2}]")
    g.add_argument("--t3", type=_finite_float, default=d.t3, help=f"third-neighbour hopping [{d.t3}]")
    g.add_argument(
        "--eps-alpha",
        type=_finite_float,
        default=d.eps_alpha,
        help=f"eta^2 shift of the alpha band [{d.eps_alpha}]",
    )
    g.add_argument(
        "--eps-beta",
        type=_finite_float,
        default=d.eps_beta,
        help=f"eta^2 shift of the beta band [{d.eps_beta}]",
    )


def _add_filling_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--n-c", type=_finite_float, help="conduction electrons per Ni, 0 < n_c < 2")
    g.add_argument("--mu", type=_finite_float, help="chemical potential (eV)")


def _require_filling(args) -> None:
    if args.n_c is None and args.mu is None:
        raise UsageError("give --n-c (electrons per Ni, 0 < n_c < 2) or --mu (eV)")


def _band_params(args) -> BandParams:
    return BandParams(t1=args.t1, t2=args.t2, t3=args.t3, eps_alpha=args.eps_alpha, eps_beta=args.eps_beta)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="triplon", description=__doc__.splitlines()[0])
    from triplon import __version__

    parser.add_argument("--version", action="version", version=f"triplon {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    b = sub.add_parser("bands", help="fillings, N and Ñ of both bands at one n_c or mu")
    _add_filling_options(b)
    _add_band_options(b)
    b.add_argument("--json", action="store_true", help="print one JSON object")
    b.set_defaults(func=cmd_bands)
    return parser


def cmd_bands(args) -> str:
    from triplon.dos import fermi_level

    _require_filling(args)
    fl = fermi_level(mu=args.mu, n_c=args.n_c, params=_band_params(args))
    if args.json:
        return json.dumps(fl.as_flat_dict())
    lines = [
        f"mu  = {fl.mu:+.10f} eV      n_c = {fl.n_c:.10f} per Ni",
        "",
        f"{'band':<6} {'filling':>14} {'N (1/eV)':>14} {'Ñ (1/eV)':>14} {'Ñ/N':>12}",
    ]
    for band in BANDS:
        ratio = fl.dos_eta2[band] / fl.dos[band] if fl.dos[band] else math.nan
        lines.append(
            f"{band:<6} {fl.filling[band]:>14.10f} {fl.dos[band]:>14.10f} "
            f"{fl.dos_eta2[band]:>14.10f} {ratio:>12.8f}"
        )
    lines.append("")
    lines.append(
        "N, Ñ per spin at the Fermi level, BZ-normalised; N_beta/N_alpha = "
        f"{fl.dos['beta'] / fl.dos['alpha'] if fl.dos['alpha'] else math.nan:.8f}"
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        out = args.func(args)
    except (UsageError, ParameterError, ValueError) as exc:
        msg = " ".join(str(exc).split())
        print(f"triplon: error: {msg}", file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

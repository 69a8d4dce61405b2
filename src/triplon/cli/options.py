"""Options of the ``triplon`` command line: ranged numbers, band, filling and pairing options."""

from __future__ import annotations

import argparse
import json
import math

from triplon.model.params import BandParams
from triplon.observables.tunneling import GAMMA_MIN
from triplon.studies.sweeps.grid import PAPER_POINT, PARAMETERS, in_range, range_text

# options without a sweep parameter: (lower, upper, lower inclusive, upper inclusive, units, long name)
EXTRA_RANGES = {
    "mu": (-200.0, 200.0, True, True, "eV", "chemical potential"),
    "Jc": (0.0, 5.0, False, True, "eV", "dimer exchange Jc"),
    "gamma": (GAMMA_MIN, 1.0, True, True, "eV", "Dynes broadening Gamma"),
    "emax": (0.0, 10.0, False, True, "eV", "half-width of the energy window"),
    "weight": (0.0, 1e6, True, True, "1", "band weight of dI/dV"),
    "omega_T": (1e-3, 5.0, True, True, "eV", "triplon energy omega_T"),
    "mu_star": (0.0, 1.0, True, False, "1", "Coulomb pseudopotential mu*"),
}


class UsageError(Exception):
    """Bad command-line input; reported on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise UsageError(message)


class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows defaults, except where there is none (None)."""

    def _get_help_string(self, action):
        if action.default is None or action.default is argparse.SUPPRESS or action.default is False:
            return action.help
        return super()._get_help_string(action)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _ranged(name: str):
    """argparse type: a finite number inside the range of parameter ``name`` (one source of truth)."""
    table = PARAMETERS if name in PARAMETERS else EXTRA_RANGES

    def parse(text: str) -> float:
        value = _number(text)
        if not in_range(name, value, table):
            text = "0 < n_c < 2" if name == "n_c" else f"{name} in {range_text(name, table)}"
            raise argparse.ArgumentTypeError(f"{text} required, got {value:g}")
        return value

    parse.__name__ = name
    return parse


def _range_help(name: str) -> str:
    return range_text(name, PARAMETERS if name in PARAMETERS else EXTRA_RANGES)


def _add_band_options(p: argparse.ArgumentParser) -> None:
    d = BandParams()
    g = p.add_argument_group("band structure (Eq. 5, eV; defaults: the paper's Fig. 2 set)")
    for name, text in (
        ("t1", "first-neighbour hopping"),
        ("t2", "second-neighbour hopping"),
        ("t3", "third-neighbour hopping"),
        ("eps_alpha", "eta^2 shift of the alpha band"),
        ("eps_beta", "eta^2 shift of the beta band"),
    ):
        g.add_argument(
            "--" + name.replace("_", "-"),
            type=_ranged(name),
            default=getattr(d, name),
            metavar=name.upper(),
            help=f"{text}, {_range_help(name)}",
        )


def _add_filling_options(p: argparse.ArgumentParser, default_n_c: float | None) -> None:
    g = p.add_mutually_exclusive_group()
    extra = f"; default {default_n_c} unless --mu is given" if default_n_c is not None else ""
    g.add_argument(
        "--n-c", type=_ranged("n_c"), metavar="N_C", help=f"conduction electrons per Ni, 0 < n_c < 2{extra}"
    )
    g.add_argument("--mu", type=_ranged("mu"), metavar="MU", help=f"chemical potential, {_range_help('mu')}")


def _require_filling(args) -> None:
    if args.n_c is None and args.mu is None:
        raise UsageError("give --n-c (electrons per Ni, 0 < n_c < 2) or --mu (eV)")


def _band_params(args) -> BandParams:
    return BandParams(t1=args.t1, t2=args.t2, t3=args.t3, eps_alpha=args.eps_alpha, eps_beta=args.eps_beta)


def _add_pairing_options(p: argparse.ArgumentParser) -> None:
    """Filling, pairing strength, Kondo ratios and cutoff: the point of ``gap`` and ``spectrum``."""
    _add_filling_options(p, PAPER_POINT["n_c"])
    c = p.add_argument_group(
        "pairing (Eqs. 13-15); give one of --lam, --V or --JH with --Jc (default: lambda = 0.5)"
    )
    c.add_argument(
        "--lam", type=_ranged("lam"), metavar="LAM", help=f"lambda = V sqrt(N_a N_b), {_range_help('lam')}"
    )
    c.add_argument("--V", type=_ranged("V"), metavar="V", help=f"pairing strength V, {_range_help('V')}")
    c.add_argument(
        "--JH",
        type=_ranged("JH"),
        metavar="JH",
        help=f"Hund's coupling, V = 3 JH^2/(2 Jc), {_range_help('JH')}",
    )
    c.add_argument(
        "--Jc", type=_ranged("Jc"), metavar="JC", help=f"dimer exchange, with --JH, {_range_help('Jc')}"
    )
    k = p.add_argument_group("Kondo ratios (Eq. 11); default kappa_a = kappa_b = 0.75")
    k.add_argument(
        "--kappa",
        type=_ranged("kappa"),
        metavar="KAPPA",
        help=f"kappa_a = kappa_b = kappa, {_range_help('kappa')}",
    )
    k.add_argument(
        "--kappa-a",
        type=_ranged("kappa_a"),
        metavar="KAPPA_A",
        help=f"kappa_a = JK_a/JH, {_range_help('kappa_a')}",
    )
    k.add_argument(
        "--kappa-b",
        type=_ranged("kappa_b"),
        metavar="KAPPA_B",
        help=f"kappa_b = JK_b/JH (default kappa_a), {_range_help('kappa_b')}",
    )
    c.add_argument(
        "--omega",
        type=_ranged("omega"),
        default=PAPER_POINT["omega"],
        metavar="OMEGA",
        help=f"pairing cutoff Omega, {_range_help('omega')}",
    )


def _add_method_options(p: argparse.ArgumentParser) -> None:
    """BCS (the paper's static Eq. 14) or retarded exchange (Migdal–Eliashberg)."""
    m = p.add_argument_group(
        "method: the paper's static BCS (Eqs. 14-18) or retarded triplon exchange (Migdal-Eliashberg, "
        "docs: physics, 'Retarded triplon exchange')"
    )
    m.add_argument("--method", choices=("bcs", "eliashberg"), default="bcs", help="gap equations to solve")
    m.add_argument(
        "--omega-T",
        type=_ranged("omega_T"),
        metavar="OMEGA_T",
        help=f"eliashberg: triplon energy omega_T, {_range_help('omega_T')}; default --Jc if given, "
        "else --omega (the paper's Omega)",
    )
    m.add_argument(
        "--mu-star",
        type=_ranged("mu_star"),
        default=0.0,
        metavar="MU_STAR",
        help=f"eliashberg: intraband Coulomb pseudopotential mu*, {_range_help('mu_star')}",
    )


# --------------------------------------------------------------- helpers


def _json_value(v):
    """A JSON-safe copy: non-finite floats -> None, numpy scalars and arrays -> Python values."""
    try:
        import numpy as np

        if isinstance(v, np.ndarray):
            return [_json_value(x) for x in v.tolist()]
        if isinstance(v, np.generic):
            v = v.item()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {str(k): _json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_value(x) for x in v]
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if v is None or isinstance(v, (bool, int, str)):
        return v
    return str(v)


def _dumps(obj, **kw) -> str:
    return json.dumps(_json_value(obj), allow_nan=False, **kw)


def _kelvin(e: float) -> float:
    from triplon.pairing.caveats import KELVIN_PER_EV

    return e * KELVIN_PER_EV


def _energy(e: float, digits: int = 6) -> str:
    """'x eV = y meV = z K' for a finite energy, 'not resolved' otherwise."""
    if e is None or not math.isfinite(e):
        return "not resolved"
    return f"{e:.{digits}g} eV = {e * 1e3:.{digits}g} meV = {_kelvin(e):.4g} K"


# the interface of the cli modules is the command line (docs/cli.rst)
__all__: list[str] = []

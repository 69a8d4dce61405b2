"""Options of the ``triplon`` command line: ranged numbers, band, filling and pairing options."""

from __future__ import annotations

import argparse
import difflib
import json
import math
import re

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


SUGGEST_CUTOFF = 0.7
"""Least :class:`difflib.SequenceMatcher` ratio (case ignored) of a "did you mean" suggestion."""

KELVIN_HINT_EV = 1.0
"""``--T`` at or above this many eV (11605 K) is refused as a value meant in kelvin.

k_B T of the model is of order 1e-3 to 1e-1 eV (T_c ~ 2 Omega exp(-1/lambda), Omega ~ J_c);
the 1 to 50 K of an experiment typed as eV would lie above every pairing scale of the model.
"""


class UsageError(Exception):
    """Bad command-line input; reported on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """One-line errors (exit status 2) that suggest the nearest option, command or choice.

    Unique prefixes of long options are accepted (argparse's ``allow_abbrev``: ``--gam`` is
    ``--gamma``); an ambiguous prefix is an error listing the candidates. ``commands`` maps
    each subcommand to its parser (set by :func:`triplon.cli.app.build_parser`), so that an
    unknown option is matched against the options of the subcommand it was given to.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commands: dict[str, argparse.ArgumentParser] = {}

    def error(self, message):  # one line, exit 2
        raise UsageError(message + _case_hint(message, _option_strings(self)))

    def parse_args(self, args=None, namespace=None):
        ns, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = self.commands.get(getattr(ns, "command", None), self)
            self.error(_unrecognized(extras, parser, self.commands))
        return ns

    def _check_value(self, action, value):
        # argparse's check of ``choices``, the subcommand's name included: add the nearest choice
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as exc:
            close = _closest(str(value), [str(c) for c in action.choices])
            if not close:
                raise
            raise argparse.ArgumentError(
                action, f"{exc.message}; did you mean {_either([repr(c) for c in close])}?"
            ) from None


# ------------------------------------------------------- did you mean


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [s for action in parser._actions for s in action.option_strings]


def _either(words: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _closest(word: str, candidates: list[str]) -> list[str]:
    """The candidates nearest to ``word`` by :func:`difflib.get_close_matches`, case ignored.

    Parameters
    ----------
    word : str
        What was typed (``--kapa``, ``gapp``).
    candidates : list of str
        Option strings, subcommands or choices.

    Returns
    -------
    list of str
        The best match and any tied with it, in the order of ``candidates`` (``--kappa-c``:
        ``--kappa-a``, ``--kappa-b``); empty when none reaches :data:`SUGGEST_CUTOFF`.
    """
    folded = word.lower()
    close = difflib.get_close_matches(folded, [c.lower() for c in candidates], n=5, cutoff=SUGGEST_CUTOFF)
    if not close:
        return []

    def ratio(c: str) -> float:
        return difflib.SequenceMatcher(None, folded, c).ratio()

    best = ratio(close[0])
    return [c for c in candidates if c.lower() in close and ratio(c.lower()) == best]


def _is_option(arg: str) -> bool:
    """An option-like word (``-x``, ``--xy``, ``--xy=1``), not a negative number."""
    if not arg.startswith("-") or arg == "-":
        return False
    try:
        float(arg)
    except ValueError:
        return True
    return False


def _option_hint(name: str, parser, commands: dict) -> str:
    """'did you mean --kappa?' or '--kappa is an option of triplon gap and spectrum' or ''."""
    owners = [c for c, p in commands.items() if p is not parser and name in _option_strings(p)]
    if owners:
        return f"{name} is an option of triplon {_either(owners).replace(' or ', ' and ')}"
    close = _closest(name, [s for s in _option_strings(parser) if s.startswith("--")])
    return f"did you mean {_either(close)}?" if close else ""


def _unrecognized(extras: list[str], parser, commands: dict) -> str:
    """argparse's 'unrecognized arguments' message with a suggestion for each unknown option.

    Parameters
    ----------
    extras : list of str
        The words argparse did not recognise (``['--kapa', '0.5']``).
    parser : argparse.ArgumentParser
        The parser of the subcommand they were given to.
    commands : dict
        Every subcommand's parser, to name an option that belongs to another subcommand.

    Returns
    -------
    str
        E.g. ``unrecognized arguments: --kapa 0.5 (did you mean --kappa?)``.
    """
    names = [a.split("=", 1)[0] for a in extras if _is_option(a)]
    hints = {n: h for n in names if (h := _option_hint(n, parser, commands))}
    text = f"unrecognized arguments: {' '.join(extras)}"
    if len(hints) == 1 and len(names) == 1:
        return f"{text} ({next(iter(hints.values()))})"
    if hints:
        return f"{text} ({'; '.join(f'{n}: {h}' for n, h in hints.items())})"
    return text


def _case_hint(message: str, options: list[str]) -> str:
    """For argparse's 'ambiguous option: --t could match ...': the option differing in case only."""
    m = re.match(r"ambiguous option: (-[^\s=]+)", message)
    same = [o for o in options if m and o.lower() == m.group(1).lower() and o != m.group(1)]
    return f"; options are case-sensitive: did you mean {_either(same)}?" if same else ""


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


def _temperature(text: str) -> float:
    """argparse type of ``--T``: k_B T in eV, 0 <= T < :data:`KELVIN_HINT_EV`.

    Parameters
    ----------
    text : str
        The value given to ``--T``.

    Returns
    -------
    float
        T in eV.

    Raises
    ------
    argparse.ArgumentTypeError
        For T >= :data:`KELVIN_HINT_EV` whose kelvin reading lies below that bound: the message
        gives that many kelvin in eV (k_B = 8.617333262e-5 eV/K). For any other T outside
        [0, :data:`KELVIN_HINT_EV`) or outside the sweeps' range of ``T``
        (:data:`triplon.studies.sweeps.grid.PARAMETERS`): the range.
    """
    from triplon.pairing.caveats import KELVIN_PER_EV

    value = _number(text)
    as_kelvin = value / KELVIN_PER_EV
    if value >= KELVIN_HINT_EV and as_kelvin < KELVIN_HINT_EV:
        raise argparse.ArgumentTypeError(
            f"T is k_B T in eV, and {value:g} eV = {value * KELVIN_PER_EV:.4g} K is surely meant in "
            f"kelvin: {value:g} K is --T {as_kelvin:.4g} (k_B = {1 / KELVIN_PER_EV:.10g} eV/K; "
            f"T >= {KELVIN_HINT_EV:g} eV is refused)"
        )
    if not (in_range("T", value, PARAMETERS) and value < KELVIN_HINT_EV):
        lo = PARAMETERS["T"][0]
        raise argparse.ArgumentTypeError(f"T in [{lo:g}, {KELVIN_HINT_EV:g}) eV required, got {value:g}")
    return value


def _temperature_help(text: str) -> str:
    """Help of ``--T``: ``text``, then the accepted range and the kelvin rule."""
    return (
        f"{text}; k_B T in eV, 0 <= T < {KELVIN_HINT_EV:g} eV (a larger value is taken for kelvin and "
        "refused with its eV equivalent)"
    )


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


def _add_filling_options(p: argparse.ArgumentParser) -> None:
    """--n-c or --mu; neither: the paper's n_c (see :func:`_filling`)."""
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--n-c",
        type=_ranged("n_c"),
        metavar="N_C",
        help=f"conduction electrons per Ni, 0 < n_c < 2; default {PAPER_POINT['n_c']} unless --mu is given",
    )
    g.add_argument("--mu", type=_ranged("mu"), metavar="MU", help=f"chemical potential, {_range_help('mu')}")


def _filling(args) -> dict:
    """The filling of every subcommand: ``--mu``, else ``--n-c``, else the paper's n_c = 0.45.

    Returns
    -------
    dict
        ``n_c`` and ``mu`` (one of them None), keyword arguments of
        :func:`triplon.model.dos.fermi_level` and of the point functions.
    """
    if args.mu is not None:
        return {"n_c": None, "mu": args.mu}
    return {"n_c": PAPER_POINT["n_c"] if args.n_c is None else args.n_c, "mu": None}


def _band_params(args) -> BandParams:
    return BandParams(t1=args.t1, t2=args.t2, t3=args.t3, eps_alpha=args.eps_alpha, eps_beta=args.eps_beta)


def _add_pairing_options(p: argparse.ArgumentParser) -> None:
    """Filling, pairing strength, Kondo ratios and cutoff: the point of ``gap`` and ``spectrum``."""
    _add_filling_options(p)
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

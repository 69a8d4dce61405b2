"""Command-line interface: ``triplon bands``, ``gap``, ``spectrum`` and ``provenance``.

Exit status and messages:

* 0 -- a result was printed. A point whose gap cannot be resolved or whose
  solver did not converge is a result: it is printed with ``converged: false``
  and the reason (``status``).
* 2 -- bad input (unknown option, not a number, a value outside its physical
  range, a file that is not a triplon NetCDF file): exactly one line
  ``triplon: error: ...`` on stderr naming the option and the allowed range.
* 1 -- an internal failure: exactly one line ``triplon: internal error: ...``.

Nothing else is written to stderr (numerical warnings are captured; their
content reaches the output through the convergence flags). ``--json`` output is
strict RFC 8259 JSON: non-finite numbers are written as ``null``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings

from triplon.params import BANDS, BandParams, ParameterError
from triplon.sweep import PARAMETERS, _in_range, _range_text

PAPER_POINT = {"n_c": 0.45, "lam": 0.5, "kappa": 0.75, "omega": 0.3, "T": 0.0}
"""Defaults of ``triplon gap``: the paper's point of Fig. 4b (Omega in eV)."""

# options without a sweep parameter: (lower, upper, lower inclusive, upper inclusive, units, long name)
EXTRA_RANGES = {
    "mu": (-200.0, 200.0, True, True, "eV", "chemical potential"),
    "Jc": (0.0, 5.0, False, True, "eV", "dimer exchange Jc"),
    "gamma": (0.0, 1.0, False, True, "eV", "Dynes broadening Gamma"),
    "emax": (0.0, 10.0, False, True, "eV", "half-width of the energy window"),
    "weight": (0.0, 1e6, True, True, "1", "band weight of dI/dV"),
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
        if name in PARAMETERS:
            ok, where = _in_range(name, value), _range_text(name)
        else:
            lo, hi, lo_in, hi_in, units, _ = table[name]
            ok = (value >= lo if lo_in else value > lo) and (value <= hi if hi_in else value < hi)
            where = f"{'[' if lo_in else '('}{lo:g}, {hi:g}{']' if hi_in else ')'}" + (
                f" {units}" if units != "1" else ""
            )
        if not ok:
            text = "0 < n_c < 2" if name == "n_c" else f"{name} in {where}"
            raise argparse.ArgumentTypeError(f"{text} required, got {value:g}")
        return value

    parse.__name__ = name
    return parse


def _range_help(name: str) -> str:
    if name in PARAMETERS:
        return _range_text(name)
    lo, hi, lo_in, hi_in, units, _ = EXTRA_RANGES[name]
    return f"{'[' if lo_in else '('}{lo:g}, {hi:g}{']' if hi_in else ')'}" + (
        f" {units}" if units != "1" else ""
    )


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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="triplon",
        description="Bands, gaps and provenance of the bilayer-nickelate triplon model (arXiv:2602.23989).",
        epilog="Exit status: 0 result printed, 2 bad input (one line on stderr), 1 internal failure.",
    )
    from triplon import __version__

    parser.add_argument("--version", action="version", version=f"triplon {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    b = sub.add_parser(
        "bands",
        help="fillings, N and Ñ of both bands at one n_c or mu",
        description="Fillings, Fermi-level N and Ñ of both bands at one filling n_c or chemical "
        "potential mu.",
        formatter_class=_Formatter,
    )
    _add_filling_options(b, None)
    _add_band_options(b)
    b.add_argument("--json", action="store_true", help="print one JSON object")
    b.set_defaults(func=cmd_bands)

    g = sub.add_parser(
        "gap",
        help="analytic (Eqs. 16-18) and full BCS gaps, T_c, d-wave channel, caveats",
        description="Analytic (Eqs. 16-18) and full (Eq. 14) gaps, T_c, the d-wave channel and the "
        "caveats of one point. Defaults: the paper's point n_c = 0.45, lambda = 0.5, kappa = 0.75, "
        "Omega = 0.3 eV (Fig. 4b).",
        formatter_class=_Formatter,
    )
    _add_pairing_options(g)
    g.add_argument(
        "--T",
        type=_ranged("T"),
        default=PAPER_POINT["T"],
        metavar="T",
        help=f"temperature k_B T of an extra full solve, {_range_help('T')}",
    )
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
    from triplon.caveats import KELVIN_PER_EV

    return e * KELVIN_PER_EV


def _energy(e: float, digits: int = 6) -> str:
    """'x eV = y meV = z K' for a finite energy, 'not resolved' otherwise."""
    if e is None or not math.isfinite(e):
        return "not resolved"
    return f"{e:.{digits}g} eV = {e * 1e3:.{digits}g} meV = {_kelvin(e):.4g} K"


# ---------------------------------------------------------------- bands


def cmd_bands(args) -> str:
    from triplon.dos import fermi_level

    _require_filling(args)
    fl = fermi_level(mu=args.mu, n_c=args.n_c, params=_band_params(args))
    if args.json:
        return _dumps(fl.as_flat_dict())
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


# ------------------------------------------------------------------ gap


def _pairing(args) -> dict:
    """Exactly one of lam, V, (JH, Jc); lambda = 0.5 when none is given."""
    if (args.JH is None) != (args.Jc is None):
        raise UsageError("--JH and --Jc go together: V = 3 JH^2/(2 Jc) needs both")
    given = [n for n, v in (("--lam", args.lam), ("--V", args.V), ("--JH/--Jc", args.JH)) if v is not None]
    if len(given) > 1:
        raise UsageError(f"give exactly one of lam, V or JH with Jc; got {' and '.join(given)}")
    if not given:
        return {"lam": PAPER_POINT["lam"]}
    return {"lam": args.lam, "V": args.V, "JH": args.JH, "Jc": args.Jc}


def _kappas(args) -> dict:
    if args.kappa is not None and (args.kappa_a is not None or args.kappa_b is not None):
        raise UsageError("give --kappa, or --kappa-a and --kappa-b, not both")
    if args.kappa is None and args.kappa_a is None and args.kappa_b is None:
        return {"kappa": PAPER_POINT["kappa"]}
    if args.kappa_a is None and args.kappa_b is not None:
        raise UsageError("--kappa-b needs --kappa-a")
    return {"kappa": args.kappa, "kappa_a": args.kappa_a, "kappa_b": args.kappa_b}


def gap_caveats(s, fermi, n_c: float, params: BandParams) -> int:
    """Caveat bits (:data:`triplon.caveats.FLAGS`) of one ``triplon gap`` result."""
    import numpy as np

    from triplon.caveats import point_flags, van_hove_distance
    from triplon.dos import fermi_line_quadrature

    gap_max = math.nan
    if s.converged:
        gaps = []
        for b in BANDS:
            cx, cy, _ = fermi_line_quadrature(b, fermi.mu, params)
            eta2 = (cx - cy) ** 2 if cx.size else np.zeros(1)
            A, B = getattr(s, f"A_{b}"), getattr(s, f"B_{b}")
            gaps.append(float(np.max(np.abs(A + B * eta2))))
        gap_max = max(gaps)
    return point_flags(
        Tc=s.Tc,
        omega=s.omega,
        gap_max=gap_max,
        lam=s.lam,
        validity_eq18=s.validity_eq18,
        d_wave_leads=s.leading_channel == "d",
        van_hove_distance=van_hove_distance(n_c, params),
    )


class SolverFailure(Exception):
    """The numerics failed at a valid point; reported on one line with exit status 1."""


def _check_coupling(pairing: dict, fermi) -> None:
    """The derived V and lambda must lie in their ranges (else the gap under- or overflows)."""
    from triplon.gap import resolve_V

    V = resolve_V(fermi, **{k: v for k, v in pairing.items() if v is not None})
    lam = V * math.sqrt(fermi.dos["alpha"] * fermi.dos["beta"])
    src = "--JH/--Jc" if pairing.get("JH") is not None else "--V" if pairing.get("V") is not None else "--lam"
    if not _in_range("V", V):
        raise UsageError(f"{src} gives V = {V:.4g} eV outside {_range_text('V')}")
    if not _in_range("lam", lam):
        raise UsageError(
            f"{src} gives lambda = V sqrt(N_a N_b) = {lam:.4g} at this filling, outside {_range_text('lam')}"
        )


def cmd_gap(args) -> str:
    from triplon.caveats import describe
    from triplon.gap import gap_point

    point, fermi = _point(args)
    try:  # the input is valid from here on: any failure is the solver's
        s = gap_point(**point, omega=args.omega, T=args.T)
    except (ArithmeticError, ValueError, RuntimeError) as exc:
        raise SolverFailure(
            f"the gap solver failed at n_c = {fermi.n_c:.6g}, mu = {fermi.mu:.6g} eV: "
            f"{type(exc).__name__}: {_one_line(exc)}"
        ) from None
    bits = gap_caveats(s, fermi, fermi.n_c, point["params"])
    caveats = describe(bits)
    if args.json:
        d = s.as_dict()  # its "caveats" (a sentence string) is replaced by the full list
        d.update(mu=fermi.mu, n_c=fermi.n_c, caveat_flags=bits, caveats=caveats)
        return _dumps(d)
    return "\n".join(_gap_text(s, fermi, bits, caveats))


def _gap_text(s, fermi, bits: int, caveats: list[str]) -> list[str]:
    lines = [
        f"n_c = {fermi.n_c:.6f} per Ni   mu = {fermi.mu:+.6f} eV",
        f"V = {s.V:.6f} eV   lambda = {s.lam:.6f}   kappa_a = {s.kappa_a:g}   kappa_b = {s.kappa_b:g}   "
        f"Omega = {s.omega:g} eV   N_beta/N_alpha = {s.dos_ratio:.6f}",
        "",
        "Gap ratio Delta_alpha/Delta_beta on the diagonal (theta = pi/4):",
        f"  Eq. 17 exact {s.ratio_eq17:.6f}   Eq. 18 {s.ratio_eq18:.6f}   sqrt(N_b/N_a) {s.ratio_sqrt:.6f}   "
        f"full solution {s.gap_ratio:.6f}",
        f"  validity lambda ln(Delta_a/Delta_b) = {s.validity_eq18:.4f} (Eq. 18 needs < 2)",
        "",
        "Full solution Delta_b(k) = A_b + B_b eta_k^2 at T = 0:",
        f"  alpha: A = {s.A_alpha:+.6e} eV  B = {s.B_alpha:+.6e} eV   max/min on FS {s.anisotropy_alpha:.4f} "
        f"(Eq. 16: {s.anisotropy_eq16_alpha:.4f})",
        f"  beta : A = {s.A_beta:+.6e} eV  B = {s.B_beta:+.6e} eV   max/min on FS {s.anisotropy_beta:.4f} "
        f"(Eq. 16: {s.anisotropy_eq16_beta:.4f})",
        f"  diagonal gaps |A|: alpha {_energy(abs(s.A_alpha))}",
        f"                     beta  {_energy(abs(s.A_beta))}",
        f"  B/A: alpha {s.B_over_A_alpha:.6f} (Eq. 16: {s.B_over_A_eq16_alpha:.6f})   "
        f"beta {s.B_over_A_beta:.6f} (Eq. 16: {s.B_over_A_eq16_beta:.6f})",
        f"  Eq. 17 diagonal gaps: alpha {s.gap_eq17_alpha:.6e} eV  beta {s.gap_eq17_beta:.6e} eV",
        f"  sqrt(Delta_a Delta_b): full {s.gap_geometric:.6e} eV   "
        f"Eq. 17 {math.sqrt(abs(s.gap_eq17_alpha * s.gap_eq17_beta)):.6e} eV   "
        f"2 Omega exp(-1/lambda) {s.gap_2omega_exp:.6e} eV",
        "",
        f"T_c (s+-) = {_energy(s.Tc)}",
        f"d-wave: lambda_d(T_c) = {s.lambda_d_at_Tc:.4f}, T_c,d = {_energy(s.Tc_d)};  "
        f"leading channel: {s.leading_channel}",
    ]
    for band, r in s.ratio_2gap_Tc.items():
        lines.append(
            f"  2Delta/T_c {band:<5}: diagonal {r['diagonal']:.4f}  FS maximum {r['maximum']:.4f}  "
            f"FS average {r['average']:.4f}"
        )
    if s.solution_T:
        st = s.solution_T
        lines.append(f"Full solution at T = {_energy(s.T)} ({st['status']}):")
        for b in BANDS:
            A, B = st[f"A_{b}"], st[f"B_{b}"]
            ratio = abs(A) / s.T if s.T > 0 and math.isfinite(A) else math.nan
            lines.append(
                f"  {b:<5}: A = {A:+.6e} eV  B = {B:+.6e} eV   |A| = {_energy(abs(A))}   "
                f"Delta/T = {ratio:.4f}"
            )
    lines.append(f"converged: {s.converged} ({s.status})")
    if caveats:
        lines.append(f"caveats (flags {bits}):")
        lines += [f"  - {c}" for c in caveats]
    else:
        lines.append("caveats: none")
    return lines


# ------------------------------------------------------------- spectrum


def _count(lo: int, hi: int):
    """argparse type: an integer in [lo, hi]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"an integer in [{lo}, {hi}] required, got {value}")
        return value

    parse.__name__ = "integer"
    return parse


def _add_spectrum_parser(sub) -> None:
    s = sub.add_parser(
        "spectrum",
        help="quasiparticle DOS, tunneling dI/dV and gap extremes (PHYSICS.md §8)",
        description="Quasiparticle DOS of both bands, simulated tunneling conductance dI/dV and the gap "
        "extremes on each Fermi sheet at one point (PHYSICS.md §8). Defaults: the paper's point "
        "n_c = 0.45, lambda = 0.5, kappa = 0.75, Omega = 0.3 eV.",
        formatter_class=_Formatter,
    )
    _add_pairing_options(s)
    t = s.add_argument_group("spectrum")
    t.add_argument(
        "--T",
        type=_ranged("T"),
        default=PAPER_POINT["T"],
        metavar="T",
        help=f"temperature k_B T: gaps at T and thermal dI/dV, {_range_help('T')}",
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
        help="gaps from the full Eq. 14 solution or from Eq. 16 with exact Eq. 17 magnitudes",
    )
    _add_band_options(s)
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_spectrum)


def _point(args) -> tuple[dict, object]:
    """The validated point of ``gap`` and ``spectrum``: keyword arguments and the Fermi level."""
    from triplon.dos import fermi_level

    n_c = args.n_c if args.n_c is not None or args.mu is not None else PAPER_POINT["n_c"]
    pairing, kappas = _pairing(args), _kappas(args)
    params = _band_params(args)
    fermi = fermi_level(mu=args.mu, n_c=None if args.mu is not None else n_c, params=params)
    if min(fermi.dos.values()) <= 0.0:
        raise UsageError(
            f"a band has no Fermi surface at mu = {fermi.mu:.6g} eV (n_c = {fermi.n_c:.6g}): "
            "interband pairing needs both; change --n-c/--mu or the band options"
        )
    _check_coupling(pairing, fermi)
    point = {"n_c": None if args.mu is not None else n_c, "mu": args.mu, "params": params}
    point.update({k: v for k, v in {**pairing, **kappas}.items() if v is not None})
    return point, fermi


def cmd_spectrum(args) -> str:
    import numpy as np

    from triplon.spectrum import spectrum_point

    if args.weights is not None and not any(args.weights):
        raise UsageError("--weights: at least one band weight must be > 0")
    point, _ = _point(args)
    try:  # the input is valid from here on: any failure is the solver's
        r = spectrum_point(
            **point,
            omega=args.omega,
            T=args.T,
            gamma=args.gamma,
            emax=args.emax,
            points=args.points,
            weights=args.weights,
            matrix_element=None if args.matrix_element == "none" else args.matrix_element,
            gap_model=args.gap_model,
        )
    except (ArithmeticError, RuntimeError, np.linalg.LinAlgError) as exc:
        raise SolverFailure(f"spectrum at this point failed: {type(exc).__name__}: {exc}") from None
    if args.json:
        return _dumps(r.as_json_dict())
    meV = 1e3
    p = r.parameters
    lines = [
        f"n_c = {p['n_c']:.6f}  mu = {p['mu']:+.6f} eV  lambda = {p['lam']:.4f}  kappa_a = {p['kappa_a']:g}  "
        f"kappa_b = {p['kappa_b']:g}  Omega = {p['omega']:g} eV  gap model: {r.gap_model}",
        f"T = {r.T:g} eV ({_kelvin(r.T):.1f} K)  Gamma = {r.gamma * meV:g} meV  "
        f"weights = {r.weights[0]:g}, {r.weights[1]:g}  matrix element: {r.matrix_element or 'none'}",
        f"gap solution: {r.status}",
        "",
        f"{'band':<6} {'A (meV)':>10} {'B (meV)':>10} {'gap min (meV)':>14} {'gap max (meV)':>14} "
        f"{'N (1/eV)':>10}",
    ]
    for b in ("alpha", "beta"):
        lines.append(
            f"{b:<6} {getattr(r, f'A_{b}') * meV:>10.3f} {getattr(r, f'B_{b}') * meV:>10.3f} "
            f"{getattr(r, f'gap_min_{b}') * meV:>14.3f} {getattr(r, f'gap_max_{b}') * meV:>14.3f} "
            f"{getattr(r, f'dos_normal_{b}'):>10.5f}"
        )
    lines.append("")
    if r.peaks.size:
        peaks = ", ".join(f"{e * meV:.2f} meV ({s})" for e, s in zip(r.peaks, r.peak_sources))
        lines.append(f"coherence peaks of dI/dV (E > 0): {peaks}")
    else:
        lines.append("coherence peaks of dI/dV (E > 0): none")
    i0 = int(np.argmin(np.abs(r.energy)))
    lines.append(
        f"dI/dV at E = 0: {r.didv[i0]:.5f} 1/eV;  window ±{r.energy[-1] * meV:.1f} meV, "
        f"{r.energy.size} energies (use --json for the spectra)"
    )
    return "\n".join(lines)


# ----------------------------------------------------------- provenance


def _provenance(path: str) -> dict:
    """read_provenance with every malformed attribute reported as bad input naming the file."""
    from triplon.dataset import CorruptFileError, read_provenance

    try:
        p = read_provenance(path)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except CorruptFileError as exc:
        raise UsageError(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}: malformed provenance attribute 'parameters' or 'inputs' (not JSON: {exc.msg})"
        ) from None
    if not isinstance(p.get("parameters"), dict):
        raise UsageError(f"{path}: malformed provenance attribute 'parameters' (not a JSON object)")
    inputs = p.get("inputs")
    if not isinstance(inputs, list) or not all(
        isinstance(i, dict) and isinstance(i.get("path"), str) and isinstance(i.get("sha256"), str)
        for i in inputs
    ):
        raise UsageError(f"{path}: malformed provenance attribute 'inputs' (not a list of {{path, sha256}})")
    for key in ("title", "source", "history", "references", "config_sha256", "workflow_rule"):
        p[key] = _json_value(p.get(key, ""))
        if not isinstance(p[key], str):
            p[key] = json.dumps(p[key])
    p["parameters"] = _integral(p["parameters"])
    return p


def _integral(v):
    """Integral floats as integers (NetCDF attributes store counts such as 24 as 24.0)."""
    if isinstance(v, float) and math.isfinite(v) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if isinstance(v, dict):
        return {k: _integral(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_integral(x) for x in v]
    return v


def cmd_provenance(args) -> str:
    p = _provenance(args.file)
    if args.json:
        return _dumps(p, sort_keys=True)
    lines = [
        f"file:           {p['file']}",
        f"title:          {p['title']}",
        f"made by:        {p['source']}"
        + (f", workflow rule '{p['workflow_rule']}'" if p["workflow_rule"] else ""),
        f"config sha256:  {p['config_sha256']}",
        f"references:     {p['references']}",
        "parameters:",
    ]
    for key, value in sorted(p["parameters"].items()):
        text = json.dumps(_json_value(value), sort_keys=True)
        lines.append(f"  {key} = {text if len(text) < 200 else text[:197] + '...'}")
    lines.append("inputs:" if p["inputs"] else "inputs:         none (computed from the parameters alone)")
    for item in p["inputs"]:
        lines.append(f"  {item['path']}  sha256 {item['sha256']}")
    if p["workflow_rule"]:
        lines.append(
            f"recreate:       snakemake --cores 2 {p['file']}  (with these parameters in config.yaml "
            f"and triplon {p['source'].split()[-1]})"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------ main


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

# the interface of this module is the command line (docs/cli.rst); main and build_parser
# join __all__ once they have docstrings
__all__: list[str] = []

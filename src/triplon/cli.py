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

    g = sub.add_parser("gap", help="analytic (Eqs. 16-18) and full BCS gaps, T_c, d-wave channel")
    _add_filling_options(g)
    c = g.add_argument_group("pairing (Eqs. 13-15)")
    c.add_argument("--lam", type=_finite_float, help="lambda = V sqrt(N_alpha N_beta)")
    c.add_argument("--V", type=_finite_float, help="pairing strength V (eV)")
    c.add_argument("--JH", type=_finite_float, help="Hund's coupling (eV); V = 3 JH^2/(2 Jc)")
    c.add_argument("--Jc", type=_finite_float, help="dimer exchange (eV), with --JH")
    c.add_argument("--kappa", type=_finite_float, help="kappa_a = kappa_b = kappa")
    c.add_argument("--kappa-a", type=_finite_float, help="kappa_a = JK_a/JH")
    c.add_argument("--kappa-b", type=_finite_float, help="kappa_b = JK_b/JH (default kappa_a)")
    c.add_argument("--omega", type=_finite_float, default=0.3, help="pairing cutoff Omega (eV) [0.3]")
    c.add_argument("--T", type=_finite_float, default=0.0, help="temperature (eV) for an extra solve [0]")
    _add_band_options(g)
    g.add_argument("--json", action="store_true", help="print one JSON object")
    g.set_defaults(func=cmd_gap)

    v = sub.add_parser("provenance", help="parameters, config hash, code version and inputs of a NetCDF file")
    v.add_argument("file", help="a NetCDF file written by triplon (e.g. results/figures/fig5.nc)")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.set_defaults(func=cmd_provenance)
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


def _json_value(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _json_value(x) for k, x in v.items()}
    return v


def cmd_gap(args) -> str:
    import warnings

    from triplon.gap import GapWarning, gap_point

    _require_filling(args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GapWarning)  # reported through "converged"/"status"
        s = gap_point(
            n_c=args.n_c,
            mu=args.mu,
            params=_band_params(args),
            lam=args.lam,
            V=args.V,
            JH=args.JH,
            Jc=args.Jc,
            kappa=args.kappa,
            kappa_a=args.kappa_a,
            kappa_b=args.kappa_b,
            omega=args.omega,
            T=args.T,
        )
    d = s.as_dict()
    if args.json:
        return json.dumps({k: _json_value(v) for k, v in d.items()})
    K = 11604.518  # kelvin per eV
    lines = [
        f"V = {s.V:.6f} eV   lambda = {s.lam:.6f}   kappa_a = {s.kappa_a:g}   kappa_b = {s.kappa_b:g}   "
        f"Omega = {s.omega:g} eV   N_beta/N_alpha = {s.dos_ratio:.6f}",
        "",
        "Gap ratio Delta_alpha/Delta_beta on the diagonal (theta = pi/4):",
        f"  Eq. 17 exact {s.ratio_eq17:.6f}   Eq. 18 {s.ratio_eq18:.6f}   sqrt(N_b/N_a) {s.ratio_sqrt:.6f}   "
        f"full solution {s.gap_ratio:.6f}",
        f"  validity lambda ln(Delta_a/Delta_b) = {s.validity_eq18:.4f} (Eq. 18 needs < 2)",
        "",
        "Full solution Delta_b(k) = A_b + B_b eta_k^2 at T = 0 (eV):",
        f"  alpha: A = {s.A_alpha:+.6e}  B = {s.B_alpha:+.6e}   max/min on FS {s.anisotropy_alpha:.4f} "
        f"(Eq. 16: {s.anisotropy_eq16_alpha:.4f})",
        f"  beta : A = {s.A_beta:+.6e}  B = {s.B_beta:+.6e}   max/min on FS {s.anisotropy_beta:.4f} "
        f"(Eq. 16: {s.anisotropy_eq16_beta:.4f})",
        f"  B/A: alpha {s.B_over_A_alpha:.6f} (Eq. 16: {s.B_over_A_eq16_alpha:.6f})   "
        f"beta {s.B_over_A_beta:.6f} (Eq. 16: {s.B_over_A_eq16_beta:.6f})",
        f"  Eq. 17 diagonal gaps: alpha {s.gap_eq17_alpha:.6e}  beta {s.gap_eq17_beta:.6e}",
        f"  sqrt(Delta_a Delta_b): full {s.gap_geometric:.6e}   "
        f"Eq. 17 {math.sqrt(s.gap_eq17_alpha * s.gap_eq17_beta):.6e}   "
        f"2 Omega exp(-1/lambda) {s.gap_2omega_exp:.6e}",
        "",
        f"T_c (s+-) = {s.Tc:.6e} eV = {s.Tc * K:.3f} K;  d-wave: lambda_d(T_c) = {s.lambda_d_at_Tc:.4f}, "
        f"T_c,d = {s.Tc_d:.6e} eV;  leading channel: {s.leading_channel}",
    ]
    for band, r in s.ratio_2gap_Tc.items():
        lines.append(
            f"  2Delta/T_c {band:<5}: diagonal {r['diagonal']:.4f}  FS maximum {r['maximum']:.4f}  "
            f"FS average {r['average']:.4f}"
        )
    if s.solution_T:
        st = s.solution_T
        lines.append(
            f"At T = {s.T:g} eV: A_alpha = {st['A_alpha']:.6e}, A_beta = {st['A_beta']:.6e} ({st['status']})"
        )
    lines.append(f"converged: {s.converged} ({s.status})")
    if s.caveats:
        lines.append(f"caveats: {s.caveats}")
    return "\n".join(lines)


def cmd_provenance(args) -> str:
    from triplon.dataset import CorruptFileError, read_provenance

    try:
        p = read_provenance(args.file)
    except (FileNotFoundError, CorruptFileError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        return json.dumps(p, sort_keys=True)
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
        text = json.dumps(value, sort_keys=True)
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


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        out = args.func(args)
    except (UsageError, ParameterError, ValueError) as exc:
        msg = " ".join(str(exc).split())
        print(f"triplon: error: {msg}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug or an unforeseen numerical failure: still one line
        msg = " ".join(str(exc).split())
        print(f"triplon: internal error: {type(exc).__name__}: {msg}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

# the interface of this module is the command line (docs/cli.rst); main and build_parser
# join __all__ once they have docstrings
__all__: list[str] = []

"""The subcommands of ``triplon``: bands, gap, spectrum and provenance."""

from __future__ import annotations

import argparse
import json
import math

from triplon.cli.options import (
    UsageError,
    _band_params,
    _dumps,
    _energy,
    _filling,
    _json_value,
    _kelvin,
)
from triplon.model.params import BANDS
from triplon.studies.sweeps.grid import PAPER_POINT, in_range, range_text

# ---------------------------------------------------------------- bands


def cmd_bands(args) -> str:
    from triplon.model.dos import fermi_level

    fl = fermi_level(**_filling(args), params=_band_params(args))
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


class SolverFailure(Exception):
    """The numerics failed at a valid point; reported on one line with exit status 1."""


def _check_coupling(pairing: dict, fermi) -> None:
    """The derived V and lambda must lie in their ranges (else the gap under- or overflows)."""
    from triplon.pairing.point import resolve_V

    V = resolve_V(fermi, **{k: v for k, v in pairing.items() if v is not None})
    lam = V * math.sqrt(fermi.dos["alpha"] * fermi.dos["beta"])
    src = "--JH/--Jc" if pairing.get("JH") is not None else "--V" if pairing.get("V") is not None else "--lam"
    if not in_range("V", V):
        raise UsageError(f"{src} gives V = {V:.4g} eV outside {range_text('V')}")
    if not in_range("lam", lam):
        raise UsageError(
            f"{src} gives lambda = V sqrt(N_a N_b) = {lam:.4g} at this filling, outside {range_text('lam')}"
        )


def cmd_gap(args) -> str:
    from triplon.pairing.caveats import describe
    from triplon.pairing.point import gap_point

    if args.method == "eliashberg":
        return _eliashberg(args, spectrum=False)
    point, fermi = _point(args)
    try:  # the input is valid from here on: any failure is the solver's
        s = gap_point(**point, omega=args.omega, T=args.T)
    except (ArithmeticError, ValueError, RuntimeError) as exc:
        raise SolverFailure(
            f"the gap solver failed at n_c = {fermi.n_c:.6g}, mu = {fermi.mu:.6g} eV: "
            f"{type(exc).__name__}: {_one_line(exc)}"
        ) from None
    bits = s.caveat_flags
    caveats = describe(bits)
    if args.json:
        d = s.as_dict()  # its "caveats" (a sentence string) is replaced by the full list
        d.update(mu=fermi.mu, n_c=fermi.n_c, caveat_flags=bits, caveats=caveats, **_channels(s))
        return _dumps(d)
    return "\n".join(_gap_text(s, fermi, bits, caveats))


def _resolved(e: float) -> bool:
    """A temperature or gap that is a result: finite and > 0 (0 and NaN mark 'below resolution')."""
    return e is not None and math.isfinite(e) and e > 0


def _channels(s) -> dict:
    """``Tc``, ``Tc_d`` and ``leading_channel`` of a gap summary, None where not resolved.

    The d-wave T_c is 0 and the s+- T_c NaN below the solver's resolution floor; the leading
    channel compares the two and is None when neither is resolved.
    """
    tc = s.Tc if _resolved(s.Tc) else None
    tc_d = s.Tc_d if _resolved(s.Tc_d) else None
    return {"Tc": tc, "Tc_d": tc_d, "leading_channel": s.leading_channel if tc or tc_d else None}


def _channel_text(s) -> str:
    """The d-wave line of ``triplon gap``: '—' and 'not resolved' where there is no result."""
    c = _channels(s)
    lam_d = f"{s.lambda_d_at_Tc:.4f}" if math.isfinite(s.lambda_d_at_Tc) else "—"
    return (
        f"d-wave: lambda_d(T_c) = {lam_d}, T_c,d = {_energy(c['Tc_d'])};  "
        f"leading channel: {c['leading_channel'] or 'not resolved'}"
    )


class _Num(float):
    """A number of the text output: shown as '—' when not finite (``null`` in JSON)."""

    def __format__(self, spec: str) -> str:
        return super().__format__(spec) if math.isfinite(self) else "—"


class _Shown:
    """Attribute view of a result whose float fields format as :class:`_Num`."""

    def __init__(self, result):
        self._result = result

    def __getattr__(self, name):
        value = getattr(self._result, name)
        return _Num(value) if isinstance(value, float) else value


def _gap_text(summary, fermi, bits: int, caveats: list[str]) -> list[str]:
    s = _Shown(summary)
    lines = [
        f"n_c = {fermi.n_c:.6f} per Ni   mu = {fermi.mu:+.6f} eV",
        f"V = {s.V:.6f} eV   lambda = {s.lam:.6f}   kappa_a = {s.kappa_a:g}   kappa_b = {s.kappa_b:g}   "
        f"Omega = {s.omega:g} eV   N_beta/N_alpha = {s.dos_ratio:.6f}",
        "",
        "Gap ratio Delta_alpha/Delta_beta on the diagonal (theta = pi/4):",
        f"  Eq. 17 exact {s.ratio_eq17:.6f}   Eq. 18 {s.ratio_eq18:.6f}   sqrt(N_b/N_a) {s.ratio_sqrt:.6f}   "
        f"full (Eq. 14) {s.gap_ratio:.6f}",
        f"  validity lambda ln(Delta_a/Delta_b) = {s.validity_eq18:.4f} (Eq. 18 needs < 2)",
        "",
        "full (Eq. 14) solution Delta_b(k) = A_b + B_b eta_k^2 at T = 0 (its s-wave form, Eq. 15):",
        f"  alpha: A = {s.A_alpha:+.6e} eV  B = {s.B_alpha:+.6e} eV   max/min on FS {s.anisotropy_alpha:.4f} "
        f"(Eq. 16: {s.anisotropy_eq16_alpha:.4f})",
        f"  beta : A = {s.A_beta:+.6e} eV  B = {s.B_beta:+.6e} eV   max/min on FS {s.anisotropy_beta:.4f} "
        f"(Eq. 16: {s.anisotropy_eq16_beta:.4f})",
        f"  diagonal gaps |A|: alpha {_energy(abs(s.A_alpha))}",
        f"                     beta  {_energy(abs(s.A_beta))}",
        f"  B/A: alpha {s.B_over_A_alpha:.6f} (Eq. 16: {s.B_over_A_eq16_alpha:.6f})   "
        f"beta {s.B_over_A_beta:.6f} (Eq. 16: {s.B_over_A_eq16_beta:.6f})",
        f"  Eq. 17 diagonal gaps: alpha {s.gap_eq17_alpha:.6e} eV  beta {s.gap_eq17_beta:.6e} eV",
        f"  sqrt(Delta_a Delta_b): full (Eq. 14) {s.gap_geometric:.6e} eV   "
        f"Eq. 17 {math.sqrt(abs(s.gap_eq17_alpha * s.gap_eq17_beta)):.6e} eV   "
        f"2 Omega exp(-1/lambda) {s.gap_2omega_exp:.6e} eV",
        "",
        f"T_c (s+-) = {_energy(s.Tc)}",
        _channel_text(summary),
    ]
    for band, r in s.ratio_2gap_Tc.items():
        lines.append(
            f"  2Delta/T_c {band:<5}: diagonal {r['diagonal']:.4f}  FS maximum {r['maximum']:.4f}  "
            f"FS average {r['average']:.4f}"
        )
    if s.solution_T:
        st = s.solution_T
        lines.append(f"full (Eq. 14) solution at T = {_energy(s.T)} ({st['status']}):")
        for b in BANDS:
            A, B = _Num(st[f"A_{b}"]), _Num(st[f"B_{b}"])
            ratio = _Num(abs(A) / s.T if s.T > 0 and math.isfinite(A) else math.nan)
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


def _point(args) -> tuple[dict, object]:
    """The validated point of ``gap`` and ``spectrum``: keyword arguments and the Fermi level."""
    from triplon.model.dos import fermi_level

    filling, pairing, kappas = _filling(args), _pairing(args), _kappas(args)
    params = _band_params(args)
    fermi = fermi_level(**filling, params=params)
    if min(fermi.dos.values()) <= 0.0:
        raise UsageError(
            f"a band has no Fermi surface at mu = {fermi.mu:.6g} eV (n_c = {fermi.n_c:.6g}): "
            "interband pairing needs both; change --n-c/--mu or the band options"
        )
    _check_coupling(pairing, fermi)
    point = {**filling, "params": params}
    point.update({k: v for k, v in {**pairing, **kappas}.items() if v is not None})
    return point, fermi


GAP_MODELS = {"full": "full (Eq. 14)", "eq16": "Eq. 16 with Eq. 17 gaps"}
"""Text names of ``--gap-model`` (its JSON value stays the option's word)."""


def cmd_spectrum(args) -> str:
    import numpy as np

    from triplon.observables.spectrum import GapNotConverged, spectrum_point

    if args.weights is not None and not any(args.weights):
        raise UsageError("--weights: at least one band weight must be > 0")
    if args.method == "eliashberg":
        return _eliashberg(args, spectrum=True)
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
    except GapNotConverged as exc:  # like `triplon gap`: a result (converged: false), exit 0
        if args.json:
            return _dumps({"converged": False, "status": str(exc), "caveats": []})
        return f"converged: False ({exc}); no spectrum without a gap solution"
    except (ArithmeticError, RuntimeError, np.linalg.LinAlgError) as exc:
        raise SolverFailure(f"spectrum at this point failed: {type(exc).__name__}: {exc}") from None
    if args.json:
        return _dumps(r.as_json_dict())
    meV = 1e3
    p = r.parameters
    lines = [
        f"n_c = {p['n_c']:.6f}  mu = {p['mu']:+.6f} eV  lambda = {p['lam']:.4f}  kappa_a = {p['kappa_a']:g}  "
        f"kappa_b = {p['kappa_b']:g}  Omega = {p['omega']:g} eV  gap model: {GAP_MODELS[r.gap_model]}",
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
    if r.caveats:
        lines.append(f"caveats (flags {r.caveat_flags}):")
        lines += [f"  - {c}" for c in r.caveats]
    else:
        lines.append("caveats: none")
    return "\n".join(lines)


# ----------------------------------------------------------- eliashberg


def _eliashberg(args, spectrum: bool) -> str:
    """``gap`` and ``spectrum`` with ``--method eliashberg``: one retarded-exchange solution."""
    import numpy as np

    from triplon.observables.eliashberg import eliashberg_point

    point, fermi = _point(args)
    omega_T = args.omega_T or (args.Jc if args.Jc is not None else args.omega)
    if 0 < args.T < 1e-3 * omega_T:
        raise UsageError(
            f"--T: with --method eliashberg T must be 0 (T_c/5) or >= 1e-3 omega_T "
            f"= {1e-3 * omega_T:.4g} eV, got {args.T:g}"
        )
    extra = {}
    if spectrum:
        extra = dict(
            gamma=args.gamma,
            emax=args.emax,
            points=args.points,
            weights=args.weights,
            matrix_element=None if args.matrix_element == "none" else args.matrix_element,
        )
    try:  # the input is valid from here on: any failure is the solver's
        r = eliashberg_point(
            **point, omega_T=omega_T, mu_star=args.mu_star, T=args.T if args.T > 0 else None, **extra
        )
    except (ArithmeticError, ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
        raise SolverFailure(
            f"the Eliashberg solver failed at n_c = {fermi.n_c:.6g}, mu = {fermi.mu:.6g} eV: "
            f"{type(exc).__name__}: {_one_line(exc)}"
        ) from None
    d = {
        "method": "eliashberg",
        "n_c": fermi.n_c,
        "mu": fermi.mu,
        "lam": math.sqrt(r.lam_alpha_beta * r.lam_beta_alpha),
        "lam_alpha_beta": r.lam_alpha_beta,
        "lam_beta_alpha": r.lam_beta_alpha,
        "omega_T": r.omega_T,
        "mu_star": r.mu_star,
        "Tc": r.Tc if r.Tc > 0 else None,
        "Tc_K": _kelvin(r.Tc) if r.Tc > 0 else None,
        "T": r.T,
        "T_K": _kelvin(r.T),
        "Z": r.Z,
        "Z_matsubara": r.Z_matsubara,
        "gap_edge_min": {b: v[0] for b, v in r.gap_edge.items()},
        "gap_edge_max": {b: v[1] for b, v in r.gap_edge.items()},
        "ratio_2gap_Tc": r.ratio_2gap_Tc,
        "dip": r.dip,
        "hump": r.hump,
        "mode_energy": r.mode_energy,
        "converged": r.converged,
        "status": r.status,
        "caveats": r.caveats,
    }
    if spectrum:
        d.update(
            gamma=r.gamma,
            energy=r.energy,
            dos_alpha=r.dos.get("alpha"),
            dos_beta=r.dos.get("beta"),
            didv=r.didv,
        )
    if args.json:
        return _dumps(d)
    meV = 1e3
    lines = [
        f"n_c = {fermi.n_c:.6f} per Ni   mu = {fermi.mu:+.6f} eV   method: Migdal-Eliashberg "
        f"(retarded triplon exchange)",
        f"lambda = {d['lam']:.6f}   lambda_ab = V N_beta = {r.lam_alpha_beta:.6f}   "
        f"lambda_ba = V N_alpha = {r.lam_beta_alpha:.6f}   omega_T = {r.omega_T:g} eV   mu* = {r.mu_star:g}",
        "",
        f"T_c = {_energy(r.Tc)}" if r.Tc > 0 else "T_c: below the solver's resolution",
    ]
    if r.gap_edge:
        lines += [
            f"at T = {_energy(r.T)}:",
            f"{'band':<6} {'Z(w->0)':>8} {'Z(i pi T)':>10} {'Delta_0 min':>12} {'Delta_0 max':>12} "
            f"{'2Delta_0/T_c':>13}",
        ]
        for b in BANDS:
            lo, hi = r.gap_edge[b]
            lines.append(
                f"{b:<6} {r.Z[b]:>8.4f} {r.Z_matsubara[b]:>10.4f} {lo * meV:>9.3f} meV {hi * meV:>8.3f} meV "
                f"{r.ratio_2gap_Tc[b]:>13.4f}"
            )
        if math.isfinite(r.dip):
            hump = f"hump at {r.hump * meV:.2f} meV" if math.isfinite(r.hump) else "no hump within omega_T"
            lines.append(
                f"dip of the DOS at {r.dip * meV:.2f} meV, {hump}; mode energy "
                f"(dip - largest Delta_0) = {r.mode_energy * meV:.2f} meV"
            )
        else:
            lines.append("dip of the DOS: none found within Delta_0 + 2 omega_T")
    if spectrum and r.energy is not None:
        i0 = int(np.argmin(np.abs(r.energy)))
        lines.append(
            f"dI/dV at E = 0: {r.didv[i0]:.5f} 1/eV;  window ±{r.energy[-1] * meV:.1f} meV, "
            f"{r.energy.size} energies, Gamma = {r.gamma * meV:g} meV (use --json for the spectra)"
        )
    lines.append(f"converged: {r.converged} ({r.status})")
    if r.caveats:
        lines.append("caveats:")
        lines += [f"  - {c}" for c in r.caveats]
    else:
        lines.append("caveats: none")
    return "\n".join(lines)


# ----------------------------------------------------------- provenance


def _provenance(path: str) -> dict:
    """read_provenance with every malformed attribute reported as bad input naming the file."""
    from triplon.data.netcdf import CorruptFileError, read_provenance

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


# the interface of the cli modules is the command line (docs/cli.rst)
__all__: list[str] = []

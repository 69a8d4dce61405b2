"""Parameter sweeps: axes, validation, per-point computation, chunks and gathering.

A sweep is a grid over named axes (``n_c``, ``lam`` or ``V``, ``kappa`` or
``kappa_a``/``kappa_b``, ``omega``, ``T``, band parameters ``t1``, ``t2``,
``t3``, ``eps_alpha``, ``eps_beta`` and the microscopic ``tc``, ``U``,
``txz``, ``Ea``, ``JH``) plus fixed values. Every point computes mu, fillings,
N and Ñ, the analytic ratios (Eqs. 17, 18) and validity indicator, the full
T = 0 solution, anisotropies, T_c, 2Delta/T_c, the d-wave eigenvalue and the
leading channel, with convergence flags.

Points are identified by a key (SHA-256 of their resolved parameters, the
numerics and the library fingerprint), so results can be reused when a sweep
grows. Work that depends only on the band structure, mu and Omega (the shell
quadratures) is computed once per chunk and shared by all points needing it.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import time
import warnings

import numpy as np

from triplon.caveats import KELVIN_PER_EV
from triplon.dataset import source_fingerprint
from triplon.params import BANDS, BandParams, MicroParams

# name: (lower, upper, lower inclusive, upper inclusive, units, long name).
# The one source of the physical ranges of sweeps (validate_sweep) and of the
# command line (triplon.cli). Lower bounds of lam (0.01), V (1 meV) and Omega
# (1 micro-eV): below them the gap 2 Omega exp(-1/lambda) underflows any resolution.
PARAMETERS = {
    "n_c": (0.0, 2.0, False, False, "1", "conduction electrons per Ni"),
    "lam": (0.01, 3.0, True, True, "1", "coupling lambda = V sqrt(N_alpha N_beta)"),
    "V": (0.001, 50.0, True, True, "eV", "pairing strength V (Eq. 13)"),
    "kappa": (0.0, 10.0, True, True, "1", "kappa_a = kappa_b"),
    "kappa_a": (0.0, 10.0, True, True, "1", "kappa_a = JK_a/JH"),
    "kappa_b": (0.0, 10.0, True, True, "1", "kappa_b = JK_b/JH"),
    "omega": (1e-6, 5.0, True, True, "eV", "pairing cutoff Omega"),
    "T": (0.0, 5.0, True, True, "eV", "temperature k_B T"),
    "t1": (-5.0, 5.0, True, True, "eV", "first-neighbour hopping t1"),
    "t2": (-5.0, 5.0, True, True, "eV", "second-neighbour hopping t2"),
    "t3": (-5.0, 5.0, True, True, "eV", "third-neighbour hopping t3"),
    "eps_alpha": (-5.0, 5.0, True, True, "eV", "eta^2 shift eps_alpha (Eq. 3)"),
    "eps_beta": (-5.0, 5.0, True, True, "eV", "eta^2 shift eps_beta (Eq. 3)"),
    "tc": (0.0, 10.0, False, True, "eV", "interlayer hopping tc"),
    "U": (0.0, 50.0, False, True, "eV", "Coulomb repulsion U"),
    "txz": (0.0, 10.0, True, True, "eV", "inter-orbital hopping txz"),
    "Ea": (0.0, 50.0, False, True, "eV", "antibonding z excitation energy Ea"),
    "JH": (0.0, 10.0, False, True, "eV", "Hund's coupling JH"),
}
"""Sweepable parameters: {name: (lower, upper, lower inclusive, upper inclusive, units, long name)}."""
MICRO = ("tc", "U", "txz", "Ea", "JH")
"""Microscopic parameters (Eqs. 3, 10, 13); they derive eps_alpha, eps_beta, kappa_a, kappa_b, V, Omega."""
BAND_KEYS = ("t1", "t2", "t3", "eps_alpha", "eps_beta")
"""Parameters of the band set of Eq. 5 (eV)."""
EXCLUSIVE = [("lam", "V"), ("kappa", "kappa_a"), ("kappa", "kappa_b")]
"""Pairs of parameters that can never be given together (one derives the other)."""
DEFAULTS = {"omega": 0.3, "T": 0.0, "kappa": 0.75, "lam": 0.5}
"""Values of parameters neither swept nor fixed: the paper's point (Omega and T in eV)."""

EXPERIMENT = {
    "name": "STM on La2PrNi2O7 thin films",
    "reference": "S. Fan et al., arXiv:2506.01788 (2025)",
    "gap_large_meV": 19.0,
    "gap_small_meV": (6.0, 8.0),
    "gap_ratio_range": (19.0 / 8.0, 19.0 / 6.0),
    "Tc_onset_K": 41.5,
}
"""Two-gap STM data the demonstration sweep is compared with (PHYSICS.md §7)."""


class SweepError(ValueError):
    """An invalid sweep specification."""


# ------------------------------------------------------------------- axes

MAX_NAME = 64
"""Longest sweep or figure name (characters); names become parts of paths under results/."""
MAX_POINTS = 100_000_000
"""Most points one sweep may hold (planning costs O(chunks); the gather holds one variable at a time)."""
MAX_CHUNKS = 10_000
"""Most chunk jobs one sweep may plan (points / chunk_size)."""
MAX_FIGURES = 100
"""Most figures one sweep may declare."""


def axis_values(spec) -> np.ndarray:
    """Values of one axis, sorted ascending.

    ``spec`` is a list of numbers (any order; returned sorted, so the gathered
    coordinates are monotonic) or {start, stop, num[, log]} (log: geometric
    spacing).
    """
    if isinstance(spec, dict):
        start, stop, num = float(spec["start"]), float(spec["stop"]), int(spec["num"])
        if spec.get("log", False):
            values = np.geomspace(start, stop, num)
        else:
            values = np.round(np.linspace(start, stop, num), 12)
    else:
        values = np.asarray(spec, dtype=float).reshape(-1)
    return np.sort(values)


def _in_range(name, x):
    lo, hi, lo_in, hi_in, *_ = PARAMETERS[name]
    ok_lo = x >= lo if lo_in else x > lo
    ok_hi = x <= hi if hi_in else x < hi
    return bool(ok_lo and ok_hi and math.isfinite(x))


def _range_text(name):
    lo, hi, lo_in, hi_in, units, _ = PARAMETERS[name]
    return f"{'[' if lo_in else '('}{lo:g}, {hi:g}{']' if hi_in else ')'}" + (
        f" {units}" if units != "1" else ""
    )


def _safe(key) -> str:
    """A key for a message path: control characters escaped so the message stays one line."""
    text = str(key)
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _name_errors(path: str, name, what: str) -> list[str]:
    import re

    if not isinstance(name, str):
        return [f"{path}: {what} name must be a string, got {name!r} (rule: type)"]
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        return [f"{path}: {what} name {name[:80]!r} must match [A-Za-z0-9_-]+ (rule: pattern)"]
    if len(name) > MAX_NAME:
        return [f"{path}: {what} name is {len(name)} characters long, at most {MAX_NAME} (rule: maxLength)"]
    return []


def _axis_errors(path: str, key: str, spec_) -> list[str]:
    """Problems of one axis specification (list of numbers or {start, stop, num[, log]})."""
    if isinstance(spec_, dict):
        extra = sorted(set(map(str, spec_)) - {"start", "stop", "num", "log"})
        if extra:
            return [f"{path}: unknown key '{extra[0]}'; allowed: start, stop, num, log (rule: keys)"]
        for k in ("start", "stop"):
            if not _is_number(spec_.get(k)):
                return [f"{path}.{k}: a finite number is required, got {spec_.get(k)!r} (rule: type)"]
        num = spec_.get("num")
        if not isinstance(num, int) or isinstance(num, bool):
            return [f"{path}.num: an integer is required, got {num!r} (rule: type)"]
        if num < 1:
            return [f"{path}.num: must be >= 1, got {num} (rule: minimum)"]
        if num > MAX_POINTS:
            return [f"{path}.num: must be <= {MAX_POINTS}, got {num} (rule: maximum)"]
        if not isinstance(spec_.get("log", False), bool):
            return [f"{path}.log: true or false, got {spec_.get('log')!r} (rule: type)"]
        if num > 1 and not spec_["start"] < spec_["stop"]:
            return [
                f"{path}: start < stop required, got start={spec_['start']}, "
                f"stop={spec_['stop']} (rule: start<stop)"
            ]
        if spec_.get("log") and not (spec_["start"] > 0 and spec_["stop"] > 0):
            return [f"{path}: log spacing needs start, stop > 0 (rule: log)"]
    elif isinstance(spec_, list):
        if not spec_:
            return [f"{path}: an empty list; give at least one value (rule: minItems)"]
        if len(spec_) > MAX_POINTS:
            return [f"{path}: {len(spec_)} values, at most {MAX_POINTS} (rule: maxItems)"]
        for i, x in enumerate(spec_):
            if not _is_number(x):
                return [f"{path}.{i}: a finite number is required, got {x!r} (rule: type)"]
    else:
        return [
            f"{path}: a list of numbers or {{start, stop, num}} is required, "
            f"got a {type(spec_).__name__} (rule: type)"
        ]
    values = axis_values(spec_)
    out = []
    bad = [float(x) for x in values if not _in_range(key, float(x))]
    if bad:
        out.append(f"{path}: value {bad[0]:g} outside the allowed range {_range_text(key)} (rule: range)")
    if np.unique(values).size != values.size:
        out.append(f"{path}: repeated values (rule: unique)")
    return out


def _micro_errors(where: str, fixed: dict) -> list[str]:
    """Derived values of fixed microscopic parameters (Eqs. 3, 10, 13) must lie in their ranges."""
    from triplon.params import ParameterError

    given = {k: float(fixed[k]) for k in MICRO if k in fixed}
    try:
        m = MicroParams(**given)
        derived = {
            "eps_alpha": m.eps_alpha,
            "eps_beta": m.eps_beta,
            "kappa_a": m.kappa_a,
            "kappa_b": m.kappa_b,
            "V": m.V,
        }
        if "omega" not in fixed:
            derived["omega"] = m.omega
    except (ParameterError, ArithmeticError) as exc:
        return [f"{where}.fixed: the microscopic parameters give no valid model: {exc} (rule: derived)"]
    names = ", ".join(f"{k}={v:g}" for k, v in given.items())
    out = []
    for key, value in derived.items():
        if not _in_range(key, value):
            what = "omega = Jc = 4 tc^2/U" if key == "omega" else key
            out.append(
                f"{where}.fixed: {names} give {what} = {value:.6g}, outside the allowed range "
                f"{_range_text(key)} (rule: derived {key})"
            )
    return out


def validate_sweep(name, spec) -> list[str]:
    """Physical and cross-field checks of one sweep; returns readable messages (empty if valid).

    Every message reads ``"<key path>: <problem> (rule: ...)"``. Never raises,
    whatever ``name`` and ``spec`` hold.
    """
    where = f"sweeps.{_safe(name)}"
    errors = _name_errors(where, name, "sweep")
    if errors:
        where = "sweeps.<invalid name>"
    if not isinstance(spec, dict):
        got = type(spec).__name__
        return [*errors, f"{where}: a mapping with 'axes' is required, got {got} (rule: type)"]
    axes = spec.get("axes")
    fixed = spec.get("fixed") or {}
    if not isinstance(axes, dict) or not axes:
        return [*errors, f"{where}.axes: a mapping of at least one axis is required (rule: required)"]
    if not isinstance(fixed, dict):
        return [*errors, f"{where}.fixed: a mapping of parameter values is required (rule: type)"]
    for section, allowed in ((axes, "axis"), (fixed, "parameter")):
        for key in section:
            if key not in PARAMETERS:
                part = "axes" if section is axes else "fixed"
                errors.append(
                    f"{where}.{part}.{_safe(key)}: unknown {allowed}; allowed: {', '.join(PARAMETERS)} "
                    "(rule: enum)"
                )
    if errors:
        return errors
    for key in sorted(set(axes) & set(fixed)):
        errors.append(f"{where}: '{key}' is both an axis and fixed (rule: exclusive)")
    given = set(axes) | set(fixed)
    for a, b in EXCLUSIVE:
        if a in given and b in given:
            errors.append(f"{where}: give '{a}' or '{b}', not both (rule: exclusive)")
    micro = given & set(MICRO)
    if micro:
        for key in sorted(given & {"eps_alpha", "eps_beta", "kappa", "kappa_a", "kappa_b", "lam", "V"}):
            errors.append(
                f"{where}: '{key}' is derived from the microscopic parameters {sorted(micro)}; "
                "remove it or the microscopic ones (rule: exclusive)"
            )
    sizes = []
    for key, spec_ in axes.items():
        axis_err = _axis_errors(f"{where}.axes.{key}", key, spec_)
        errors += axis_err
        if not axis_err:
            sizes.append(axis_values(spec_).size)
    fixed_ok = True
    for key, value in fixed.items():
        path = f"{where}.fixed.{key}"
        if not _is_number(value):
            errors.append(f"{path}: must be a finite number, got {value!r} (rule: type)")
            fixed_ok = False
        elif not _in_range(key, float(value)):
            errors.append(
                f"{path}: value {value:g} outside the allowed range {_range_text(key)} (rule: range)"
            )
            fixed_ok = False
    if fixed_ok and micro and not (micro & set(axes)):
        errors += _micro_errors(where, fixed)
    if len(sizes) == len(axes):
        total = math.prod(sizes)
        chunk = spec.get("chunk_size", 500)
        if total > MAX_POINTS:
            errors.append(
                f"{where}.axes: {' x '.join(map(str, sizes))} = {total} points, at most {MAX_POINTS} "
                "per sweep; split it into several sweeps or coarsen an axis (rule: total points)"
            )
        elif isinstance(chunk, int) and not isinstance(chunk, bool) and chunk >= 1:
            if -(-total // chunk) > MAX_CHUNKS:
                errors.append(
                    f"{where}.chunk_size: {total} points in chunks of {chunk} make "
                    f"{-(-total // chunk)} jobs, at most {MAX_CHUNKS}; raise chunk_size (rule: total chunks)"
                )
    chunk = spec.get("chunk_size", 500)
    if not isinstance(chunk, int) or isinstance(chunk, bool) or chunk < 1:
        errors.append(f"{where}.chunk_size: must be an integer >= 1, got {chunk!r} (rule: minimum)")
    figures = spec.get("figures") or []
    if not isinstance(figures, list):
        errors.append(f"{where}.figures: a list of figure specifications is required (rule: type)")
        figures = []
    if len(figures) > MAX_FIGURES:
        errors.append(f"{where}.figures: {len(figures)} figures, at most {MAX_FIGURES} (rule: maxItems)")
    names_seen = {}
    for i, fig in enumerate(figures):
        path = f"{where}.figures.{i}"
        if not isinstance(fig, dict):
            errors.append(f"{path}: a mapping with name, quantity and x is required (rule: type)")
            continue
        name_err = _name_errors(f"{path}.name", fig.get("name"), "figure")
        errors += name_err
        if not name_err:
            if fig["name"] in names_seen:
                errors.append(
                    f"{path}.name: the figure name {fig['name']!r} is already used by figure "
                    f"{names_seen[fig['name']]} of this sweep (rule: unique)"
                )
            names_seen.setdefault(fig["name"], i)
        quantity = fig.get("quantity")
        if not isinstance(quantity, str) or quantity not in SCALARS:
            errors.append(
                f"{path}.quantity: unknown quantity {quantity!r}; allowed: {', '.join(SCALARS)} (rule: enum)"
            )
        for role in ("x", "y", "facet"):
            if role in fig and (not isinstance(fig[role], str) or fig[role] not in axes):
                errors.append(
                    f"{path}.{role}: {fig[role]!r} is not an axis of this sweep "
                    f"({', '.join(axes)}) (rule: axis)"
                )
    mark = spec.get("mark") or {}
    if not isinstance(mark, dict):
        errors.append(f"{where}.mark: a mapping of axis values is required (rule: type)")
        mark = {}
    for key, value in mark.items():
        if key not in axes:
            errors.append(
                f"{where}.mark.{_safe(key)}: not an axis of this sweep ({', '.join(axes)}) (rule: axis)"
            )
        elif not _is_number(value):
            errors.append(f"{where}.mark.{key}: must be a finite number, got {value!r} (rule: type)")
    return errors


# ------------------------------------------------------------------ points


def sweep_axes(spec: dict) -> dict[str, np.ndarray]:
    """{axis name: values} in the configured order."""
    return {k: axis_values(v) for k, v in spec["axes"].items()}


def sweep_points(spec: dict):
    """All points as (index tuple, {parameter: value}) in C order of the axes."""
    axes = sweep_axes(spec)
    fixed = {k: float(v) for k, v in (spec.get("fixed") or {}).items()}
    names = list(axes)
    for idx in itertools.product(*(range(len(v)) for v in axes.values())):
        point = dict(fixed)
        point.update({n: float(axes[n][i]) for n, i in zip(names, idx)})
        yield idx, point


def resolve_point(point: dict) -> dict:
    """Physical parameters of one point, with defaults and the microscopic mapping (Eqs. 3, 10, 13).

    Returns a dict with ``band`` (BandParams fields), ``n_c``, ``omega``, ``T``,
    ``kappa_a``, ``kappa_b`` and exactly one of ``lam``, ``V``.
    """
    p = dict(point)
    out = {"n_c": p.get("n_c", 0.45), "T": p.get("T", DEFAULTS["T"])}
    band = {k: p[k] for k in BAND_KEYS if k in p}
    micro_given = {k: p[k] for k in MICRO if k in p}
    if micro_given:
        m = MicroParams(**micro_given)
        band.update(eps_alpha=m.eps_alpha, eps_beta=m.eps_beta)
        out.update(kappa_a=m.kappa_a, kappa_b=m.kappa_b, V=m.V, omega=p.get("omega", m.omega))
    else:
        if "kappa" in p:
            out["kappa_a"] = out["kappa_b"] = p["kappa"]
        else:
            out["kappa_a"] = p.get("kappa_a", DEFAULTS["kappa"])
            out["kappa_b"] = p.get("kappa_b", out["kappa_a"])
        if "V" in p:
            out["V"] = p["V"]
        else:
            out["lam"] = p.get("lam", DEFAULTS["lam"])
        out["omega"] = p.get("omega", DEFAULTS["omega"])
    # defaults filled in without validation: a bad band set becomes the point's status in
    # compute_chunk ("invalid parameters"), not an exception while planning
    out["band"] = {**_default_band(), **{k: float(v) for k, v in band.items()}}
    return out


@functools.lru_cache(maxsize=1)
def _default_band_items() -> tuple:
    return tuple(BandParams().as_dict().items())


def _default_band() -> dict:
    """The default band set as a new dict (BandParams built once: dataclass asdict is slow)."""
    return dict(_default_band_items())


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=float).encode()).hexdigest()


def point_key(resolved: dict, numerics: dict, code: str | None = None) -> str:
    """Identity of a point's result: resolved parameters, numerics and library fingerprint."""
    return _digest({"p": resolved, "n": numerics, "code": code or source_fingerprint()})[:20]


def point_key_function(numerics: dict, code: str | None = None):
    """A fast :func:`point_key` for fixed ``numerics`` and ``code`` (the same keys).

    The canonical JSON of ``{"code", "n", "p"}`` is the fixed text of the first two
    members followed by that of the point, so only the point is encoded per call.
    """
    head = json.dumps({"code": code or source_fingerprint(), "n": numerics}, sort_keys=True, default=float)
    head = head[:-1] + ', "p": '
    enc = json.JSONEncoder(sort_keys=True, default=float).encode
    sha = hashlib.sha256

    def key(resolved: dict) -> str:
        return sha((head + enc(resolved) + "}").encode()).hexdigest()[:20]

    return key


def band_key(resolved: dict) -> str:
    """Identity of the work shared by points: band structure, filling and cutoff."""
    return _digest({"b": resolved["band"], "n_c": resolved["n_c"], "omega": resolved["omega"]})


# Chunk plans, the point store, chunk files and the gather: triplon.sweep_plan.


# ----------------------------------------------------------- computation

SCALARS = {
    # name: (units, long name)
    "mu": ("eV", "chemical potential"),
    "n_alpha": ("1", "alpha filling per Ni"),
    "n_beta": ("1", "beta filling per Ni"),
    "dos_alpha": ("1/eV", "Fermi-level DOS N_alpha per spin"),
    "dos_beta": ("1/eV", "Fermi-level DOS N_beta per spin"),
    "dos_eta2_alpha": ("1/eV", "eta^2-weighted DOS Ñ_alpha"),
    "dos_eta2_beta": ("1/eV", "eta^2-weighted DOS Ñ_beta"),
    "V": ("eV", "pairing strength V"),
    "lam": ("1", "coupling lambda = V sqrt(N_alpha N_beta)"),
    "kappa_a": ("1", "kappa_a"),
    "kappa_b": ("1", "kappa_b"),
    "omega": ("eV", "pairing cutoff Omega"),
    "ratio_eq17": ("1", "Delta_alpha/Delta_beta from Eq. 17 (exact)"),
    "ratio_eq18": ("1", "Delta_alpha/Delta_beta from Eq. 18"),
    "ratio_sqrt": ("1", "sqrt(N_beta/N_alpha), lambda -> 0 limit"),
    "validity_eq18": ("1", "lambda ln(Delta_alpha/Delta_beta); Eq. 18 valid while < 2"),
    "A_alpha": ("eV", "full solution: A_alpha (gap on the diagonal), T = 0"),
    "B_alpha": ("eV", "full solution: B_alpha (coefficient of eta^2), T = 0"),
    "A_beta": ("eV", "full solution: A_beta (gap on the diagonal), T = 0"),
    "B_beta": ("eV", "full solution: B_beta (coefficient of eta^2), T = 0"),
    "gap_ratio": ("1", "|Delta_alpha/Delta_beta| on the diagonal, full solution"),
    "anisotropy_alpha": ("1", "max/min of |Delta| on the alpha Fermi surface, full solution"),
    "anisotropy_beta": ("1", "max/min of |Delta| on the beta Fermi surface, full solution"),
    "Tc": ("eV", "s+- critical temperature k_B T_c"),
    "Tc_K": ("K", "s+- critical temperature T_c"),
    "gap2_Tc_alpha": ("1", "2 Delta_alpha/T_c (diagonal gap)"),
    "gap2_Tc_beta": ("1", "2 Delta_beta/T_c (diagonal gap)"),
    "gap2_Tc_max_alpha": ("1", "2 max_FS |Delta_alpha| / T_c"),
    "gap2_Tc_max_beta": ("1", "2 max_FS |Delta_beta| / T_c"),
    "lambda_d_at_Tc": ("1", "d-wave eigenvalue at the s+- T_c"),
    "Tc_d": ("eV", "d-wave critical temperature (0: below resolution)"),
    "d_wave_leads": ("1", "1 if the d-wave channel has the higher T_c"),
    "converged": ("1", "1 if every quantity of the point converged"),
    "A_alpha_T": ("eV", "full solution at temperature T: A_alpha"),
    "A_beta_T": ("eV", "full solution at temperature T: A_beta"),
    "caveat_flags": ("1", "caveats of the solution (bit flags, 0: none)"),
}
"""Quantities of every sweep point: {name: (units, long name)}."""

INTEGER_QUANTITIES = {"converged": np.int8, "d_wave_leads": np.int8, "caveat_flags": np.int32}
"""Quantities stored as integers (the others are float64)."""

STATUS_REASONS = (
    "ok",
    "invalid point",
    "out of range",
    "invalid parameters",
    "filling unreachable",
    "no Fermi surface",
    "shell quadrature failed",
    "gap below resolution",
    "not converged",
    "T_c not found",
    "error",
)
"""Groups of point statuses: a status is "ok" or starts with one of these reasons."""

_DERIVED = {
    "eps_alpha": "4 txz^2 (1/Ea - 1/(Ea + U))",
    "eps_beta": "4 txz^2 (1/Eb - 1/(Eb + U))",
    "kappa_a": "JK_a/JH",
    "kappa_b": "JK_b/JH",
    "V": "3 JH^2/(2 J_c)",
    "omega": "J_c",
}
"""Quantities derived from the microscopic set (Eqs. 3, 10, 13) and their formulas."""


def quantity_attrs(name: str) -> dict:
    """CF attributes of a per-point quantity: ``units`` and ``long_name``.

    ``caveat_flags`` gets the CF flag attributes of :func:`triplon.caveats.flag_attrs`,
    ``status`` the list of its reasons.
    """
    from triplon.caveats import flag_attrs

    if name == "caveat_flags":
        return flag_attrs()
    if name == "status":
        return {
            "units": "1",
            "long_name": "solver status: 'ok' or '<reason>: <details>'",
            "reasons": ", ".join(STATUS_REASONS),
        }
    units, long_name = SCALARS[name]
    return {"units": units, "long_name": long_name}


def quantity_dtype(name: str):
    """NumPy dtype of a per-point quantity (int8/int32 for flags, float64 otherwise)."""
    return INTEGER_QUANTITIES.get(name, np.float64)


def status_reason(status: str) -> str:
    """The group of a point status (one of :data:`STATUS_REASONS`), for counting failures by reason."""
    s = str(status)
    for reason in STATUS_REASONS:
        if s == reason or s.startswith(reason + ":") or s.startswith(reason + " ("):
            return reason
    return "error"


class PointError(Exception):
    """A point that cannot be computed; ``status`` says why ('<reason>: <details>')."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


def _range_message(name: str, value, derived: str | None = None) -> str | None:
    """None if ``value`` is in the allowed range of ``name``, else the out-of-range status."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return f"invalid point: {name} must be a number, got {value!r}"
    if _in_range(name, x):
        return None
    units = PARAMETERS[name][4]
    unit = f" {units}" if units != "1" else ""
    what = f"derived {name} = {derived} = {x:.6g}{unit}" if derived else f"{name} = {x:.6g}{unit}"
    return f"out of range: {what} outside {_range_text(name)}"


def _is_resolved(point: dict) -> bool:
    return isinstance(point.get("band"), dict)


def check_point(point: dict) -> dict:
    """Resolve a raw point (or accept a resolved one) and range-check it; raises :class:`PointError`.

    Raw points ({parameter: value}) are checked against :data:`PARAMETERS`
    (names, numbers, ranges, exclusive pairs), resolved with
    :func:`resolve_point`, and the quantities derived from the microscopic set
    (eps_alpha, eps_beta by Eq. 3, kappa_a, kappa_b by Eqs. 10-11, V by Eq. 13
    and Omega = J_c) are checked against the same ranges. A resolved point is
    checked field by field.
    """
    if _is_resolved(point):
        checks = [(k, point["band"].get(k)) for k in BAND_KEYS]
        checks += [
            (k, point.get(k)) for k in ("n_c", "T", "omega", "kappa_a", "kappa_b", "lam", "V") if k in point
        ]
        if ("lam" in point) == ("V" in point):
            raise PointError("invalid point: a resolved point has exactly one of 'lam' and 'V'")
        for k, v in checks:
            msg = _range_message(k, v)
            if msg:
                raise PointError(msg)
        return point
    for key, value in point.items():
        if key not in PARAMETERS:
            raise PointError(f"invalid point: unknown parameter '{key}'")
        if isinstance(value, bool):
            raise PointError(f"invalid point: {key} must be a number, got {value!r}")
        msg = _range_message(key, value)
        if msg:
            raise PointError(msg)
    for a, b in EXCLUSIVE:
        if a in point and b in point:
            raise PointError(f"invalid point: give '{a}' or '{b}', not both")
    micro = set(point) & set(MICRO)
    if micro:
        clash = set(point) & {"eps_alpha", "eps_beta", "kappa", "kappa_a", "kappa_b", "lam", "V"}
        if clash:
            raise PointError(f"invalid point: {sorted(clash)} derived from the microscopic parameters")
    try:
        resolved = resolve_point(point)
    except (ValueError, TypeError) as exc:
        raise PointError(f"invalid parameters: {exc}") from None
    if micro:
        values = {"omega": resolved["omega"], "V": resolved["V"], "kappa_a": resolved["kappa_a"]}
        values.update(
            kappa_b=resolved["kappa_b"], **{k: resolved["band"][k] for k in ("eps_alpha", "eps_beta")}
        )
        for name in ("eps_alpha", "eps_beta", "kappa_a", "kappa_b", "V", "omega"):
            if name == "omega" and "omega" in point:
                continue
            msg = _range_message(name, values[name], _DERIVED[name])
            if msg:
                raise PointError(msg)
    return resolved


def _van_hove_distance(band: dict, n_c: float) -> float:
    """:func:`triplon.caveats.van_hove_distance` (cached per band set there); inf if it fails."""
    from triplon.caveats import van_hove_distance

    try:
        return van_hove_distance(n_c, BandParams(**band))
    except Exception:  # a caveat must not fail a point
        return math.inf


def band_work(resolved: dict, numerics: dict) -> dict:
    """Work shared by all points of one band key: mu, Fermi-level N, Ñ, shells, van Hove distance.

    Raises :class:`PointError` with the reason ("invalid parameters",
    "filling unreachable", "no Fermi surface", "shell quadrature failed").
    Returns a dict with ``fermi`` (FermiLevel, always), ``shells``, ``vh``.
    """
    from triplon.dos import fermi_level
    from triplon.gap import prepare_shells

    try:
        params = BandParams(**resolved["band"])
    except (ValueError, TypeError) as exc:
        raise PointError(f"invalid parameters: {exc}") from None
    n_c = resolved["n_c"]
    try:
        fl = fermi_level(n_c=n_c, params=params, n=numerics.get("quadrature_nodes", 24))
    except Exception as exc:
        raise PointError(f"filling unreachable: n_c = {n_c:g} ({type(exc).__name__}: {exc})") from None
    work = {"fermi": fl, "vh": _van_hove_distance(resolved["band"], n_c)}
    empty = [b for b in BANDS if not fl.dos[b] > 0]
    if empty:
        bands = " and ".join(empty)
        work["status"] = f"no Fermi surface: band {bands} at mu = {fl.mu:.6g} eV (pairing needs both)"
        return work
    try:
        work["shells"] = prepare_shells(fl.mu, resolved["omega"], params, **numerics.get("shell", {}))
    except Exception as exc:
        work["status"] = f"shell quadrature failed: {type(exc).__name__}: {exc}"
    return work


STATUS_MAX = 200
"""Longest status text kept (characters); solver messages are cut there."""


def _short(status: str) -> str:
    """A status on one line, at most STATUS_MAX characters (the reason prefix always survives)."""
    text = " ".join(str(status).split())
    return text if len(text) <= STATUS_MAX else text[: STATUS_MAX - 3] + "..."


def _blank(status: str, resolved: dict | None = None, work: dict | None = None) -> dict:
    """A point's record before (or without) a solution: NaN values, integers 0, the inputs known so far."""
    out = {k: (0 if k in INTEGER_QUANTITIES else math.nan) for k in SCALARS}
    out["status"] = _short(status)
    if resolved is not None:
        out.update(kappa_a=float(resolved["kappa_a"]), kappa_b=float(resolved["kappa_b"]))
        out["omega"] = float(resolved["omega"])
        for k in ("lam", "V"):
            if k in resolved:
                out[k] = float(resolved[k])
    if work is not None:
        fl = work["fermi"]
        out.update(
            mu=fl.mu,
            n_alpha=fl.filling["alpha"],
            n_beta=fl.filling["beta"],
            dos_alpha=fl.dos["alpha"],
            dos_beta=fl.dos["beta"],
            dos_eta2_alpha=fl.dos_eta2["alpha"],
            dos_eta2_beta=fl.dos_eta2["beta"],
        )
        if resolved is not None:
            out["caveat_flags"] = _flags(out, work)
    return out


def _flags(out: dict, work: dict) -> int:
    """Caveat bits of a point record (:func:`triplon.caveats.point_flags`)."""
    from triplon.caveats import point_flags

    gap_max = math.nan
    if out["converged"] and "shells" in work:
        u = {b: work["shells"][b].fermi_eta2_max for b in BANDS}
        gap_max = max(abs(out[f"A_{b}"] + x * out[f"B_{b}"]) for b in BANDS for x in (0.0, u[b]))
    return int(
        point_flags(
            Tc=out["Tc"],
            omega=out["omega"],
            gap_max=gap_max,
            lam=out["lam"],
            validity_eq18=out["validity_eq18"],
            d_wave_leads=bool(out["d_wave_leads"]),
            van_hove_distance=work["vh"],
        )
    )


_SOLUTION_KEYS = (
    "V",
    "lam",
    "kappa_a",
    "kappa_b",
    "omega",
    "ratio_eq17",
    "ratio_eq18",
    "ratio_sqrt",
    "validity_eq18",
    "A_alpha",
    "B_alpha",
    "A_beta",
    "B_beta",
    "gap_ratio",
    "anisotropy_alpha",
    "anisotropy_beta",
    "Tc",
    "lambda_d_at_Tc",
    "Tc_d",
    "gap2_Tc_alpha",
    "gap2_Tc_beta",
    "gap2_Tc_max_alpha",
    "gap2_Tc_max_beta",
    "d_wave_leads",
    "A_alpha_T",
    "A_beta_T",
)


def _finish(resolved: dict, work: dict, sol: dict) -> dict:
    """A point's record from its solution (the keys of :func:`triplon.batch.solve_batch`)."""
    rec = work.get("record")
    if rec is None:  # the NaN record with the band key's Fermi-level values, built once per key
        rec = work["record"] = _blank("ok", None, work)
    out = dict(rec)  # the solution carries every input of the point (V, lam, kappa_a, kappa_b, omega)
    for k in _SOLUTION_KEYS:
        out[k] = sol[k]
    out["d_wave_leads"] = int(sol["d_wave_leads"])
    out["Tc_K"] = sol["Tc"] * KELVIN_PER_EV
    out["converged"] = int(bool(sol["converged"]))
    out["status"] = _short(sol["status"])
    if out["status"] == "ok" and not out["converged"]:
        out["status"] = "not converged: a quantity of the point did not converge"
    out["caveat_flags"] = _flags(out, work)
    return out


def _reference_solution(work: dict, resolved: dict) -> dict:
    """One point by the per-point solvers of :mod:`triplon.gap` (:func:`~triplon.gap.gap_summary`)."""
    from triplon.gap import GapWarning, gap_summary, resolve_V

    fl, shells = work["fermi"], work["shells"]
    V = resolve_V(fl, lam=resolved.get("lam"), V=resolved.get("V"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GapWarning)
        s = gap_summary(shells, fl, V, resolved["kappa_a"], resolved["kappa_b"], resolved["T"])
    sol = {k: getattr(s, k) for k in _SOLUTION_KEYS if hasattr(s, k)}
    for b in BANDS:
        r = s.ratio_2gap_Tc.get(b, {})
        sol[f"gap2_Tc_{b}"] = r.get("diagonal", math.nan)
        sol[f"gap2_Tc_max_{b}"] = r.get("maximum", math.nan)
    sol["d_wave_leads"] = int(s.leading_channel == "d")
    status = s.status
    if s.solution_T:
        sol["A_alpha_T"], sol["A_beta_T"] = s.solution_T["A_alpha"], s.solution_T["A_beta"]
        conv_T = s.solution_T["converged"]
        if status == "ok" and not conv_T:
            status = f"{s.solution_T['status']} (at T = {resolved['T']:.6g} eV)"
    else:
        sol["A_alpha_T"], sol["A_beta_T"] = sol["A_alpha"], sol["A_beta"]
        conv_T = True
    sol["converged"] = bool(s.converged and conv_T)
    sol["status"] = status
    return sol


def _error_status(exc: Exception) -> str:
    return f"error: {type(exc).__name__}: {exc}"


def compute_point(resolved: dict, shells_cache: dict, numerics: dict) -> dict:
    """All quantities of one point by the per-point reference solvers (:func:`triplon.gap.gap_summary`).

    ``resolved`` may be raw ({parameter: value}) or resolved (:func:`resolve_point`).
    Never raises: a failure is the point's ``status`` ('<reason>: <details>',
    grouped by :func:`status_reason`), with NaN values and ``converged`` = 0.
    ``shells_cache`` keeps the band work of the last band key.
    """
    try:
        resolved = check_point(resolved)
    except PointError as exc:
        return _blank(exc.status)
    except Exception as exc:  # noqa: BLE001 - a point's failure is its status
        return _blank(_error_status(exc))
    try:
        bk = band_key(resolved)
        if bk not in shells_cache:
            try:
                work = band_work(resolved, numerics)
            except PointError as exc:
                work = {"status": exc.status}
            shells_cache.clear()  # points are ordered by band key: keep only the current one
            shells_cache[bk] = work
        work = shells_cache[bk]
        if "fermi" not in work:
            return _blank(work["status"], resolved)
        if "status" in work:
            return _blank(work["status"], resolved, work)
        return _finish(resolved, work, _reference_solution(work, resolved))
    except Exception as exc:  # noqa: BLE001
        return _blank(_error_status(exc), resolved)


BATCH_SIZE = 256
"""Points solved together by :func:`triplon.batch.solve_batch` (no effect on the results)."""


def _batch_solutions(work: dict, members: list[dict]) -> list:
    """Solutions of points sharing ``work``: together, else one by one (None: that point failed)."""
    from triplon.batch import solve_batch
    from triplon.gap import resolve_V

    fl = work["fermi"]
    try:
        V = [resolve_V(fl, lam=r.get("lam"), V=r.get("V")) for r in members]
        args = [
            V,
            [r["kappa_a"] for r in members],
            [r["kappa_b"] for r in members],
            [r["T"] for r in members],
        ]
        return solve_batch(work["shells"], fl, *args, arrs=work.get("arrs"), table=work.get("table"))
    except Exception:  # noqa: BLE001 - isolate the point that fails
        if len(members) == 1:
            return [None]
    return [_batch_solutions(work, [r])[0] for r in members]


def compute_chunk(points: list[dict], numerics: dict, log=None) -> list[dict]:
    """Compute points (raw or resolved), solving those that share band work together.

    Each result has every key of :data:`SCALARS` plus ``status``. Deterministic
    per point: its numbers do not depend on the other points of the chunk or on
    their order (:mod:`triplon.batch`). A failure is confined to its point
    (``status``, NaN values, ``converged`` = 0). Progress goes to ``log``.
    """
    from triplon.batch import moment_table, shell_arrays
    from triplon.gap import resolution_floor

    n = len(points)
    results: list = [None] * n
    groups: dict = {}
    keys: dict = {}  # (band items, n_c, omega) -> band_key: one digest per band key, not per point
    for i, p in enumerate(points):
        try:
            r = check_point(p)
            q = (tuple(r["band"].items()), r["n_c"], r["omega"])
            bk = keys.get(q)
            if bk is None:
                bk = keys[q] = band_key(r)
            groups.setdefault(bk, []).append((i, r))
        except PointError as exc:
            results[i] = _blank(exc.status)
        except Exception as exc:  # noqa: BLE001
            results[i] = _blank(_error_status(exc))
    t0 = time.perf_counter()
    done = n - sum(len(m) for m in groups.values())
    for members in groups.values():
        first = members[0][1]
        try:
            work = band_work(first, numerics)
        except PointError as exc:
            work = {"status": exc.status}
        except Exception as exc:  # noqa: BLE001
            work = {"status": _error_status(exc)}
        if "shells" in work and "status" not in work:
            try:  # the batch's own set-up; without it the points are solved one by one
                sh = work["shells"]
                arrs = {b: shell_arrays(sh[b]) for b in BANDS}
                work["table"] = moment_table(arrs, resolution_floor(sh), sh["alpha"].omega)
                work["arrs"] = arrs
            except Exception:  # noqa: BLE001
                work.pop("table", None)
        for s in range(0, len(members), BATCH_SIZE):
            block = members[s : s + BATCH_SIZE]
            if "status" in work:
                for i, r in block:
                    results[i] = _blank(work["status"], r, work if "fermi" in work else None)
                continue
            sols = _batch_solutions(work, [r for _, r in block])
            for (i, r), sol in zip(block, sols, strict=True):
                try:
                    if sol is None:
                        sol = _reference_solution(work, r)
                    results[i] = _finish(r, work, sol)
                except Exception as exc:  # noqa: BLE001
                    results[i] = _blank(_error_status(exc), r, work)
        done += len(members)
        if log:
            el = time.perf_counter() - t0
            left = el / max(done, 1) * (n - done)
            log(f"[{done}/{n}] {el:.1f} s elapsed, ~{left:.1f} s left")
    return results


__all__ = [
    "BAND_KEYS",
    "BATCH_SIZE",
    "DEFAULTS",
    "EXCLUSIVE",
    "EXPERIMENT",
    "INTEGER_QUANTITIES",
    "MAX_CHUNKS",
    "MAX_FIGURES",
    "MAX_NAME",
    "MAX_POINTS",
    "MICRO",
    "PARAMETERS",
    "SCALARS",
    "STATUS_MAX",
    "STATUS_REASONS",
    "PointError",
    "SweepError",
    "axis_values",
    "band_key",
    "band_work",
    "check_point",
    "compute_chunk",
    "compute_point",
    "point_key",
    "point_key_function",
    "quantity_attrs",
    "quantity_dtype",
    "resolve_point",
    "status_reason",
    "sweep_axes",
    "sweep_points",
    "validate_sweep",
]

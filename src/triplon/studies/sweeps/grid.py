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
import itertools
import math

import numpy as np

from triplon.model.params import BandParams, MicroParams
from triplon.studies.sweeps.quantities import SCALARS

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
    "omega_T": (1e-3, 5.0, True, True, "eV", "triplon energy omega_T (method eliashberg)"),
    "mu_star": (0.0, 1.0, True, False, "1", "Coulomb pseudopotential mu* (method eliashberg)"),
}
"""Sweepable parameters: {name: (lower, upper, lower inclusive, upper inclusive, units, long name)}."""
METHODS = ("bcs", "eliashberg")
"""Gap solvers of a sweep point: the static BCS equations (Eq. 14) or retarded triplon exchange."""
METHOD_ATTRS = {
    "units": "1",
    "long_name": "gap solver: bcs (static exchange, Eq. 14) or eliashberg (retarded triplon exchange)",
}
"""Attributes of the ``method`` coordinate (a sweep axis of strings, or a fixed string)."""
ELIASHBERG_ONLY = ("omega_T", "mu_star")
"""Parameters only the eliashberg method reads (BCS points ignore them)."""
MICRO = ("tc", "U", "txz", "Ea", "JH")
"""Microscopic parameters (Eqs. 3, 10, 13); they derive eps_alpha, eps_beta, kappa_a, kappa_b, V, Omega."""
BAND_KEYS = ("t1", "t2", "t3", "eps_alpha", "eps_beta")
"""Parameters of the band set of Eq. 5 (eV)."""
EXCLUSIVE = [("lam", "V"), ("kappa", "kappa_a"), ("kappa", "kappa_b")]
"""Pairs of parameters that can never be given together (one derives the other)."""
PAPER_POINT = {"n_c": 0.45, "lam": 0.5, "kappa": 0.75, "omega": 0.3, "T": 0.0}
"""The paper's parameter point (Figs. 4b, 5): n_c, lambda, kappa, Omega (eV) and T (eV)."""

DEFAULTS = {name: PAPER_POINT[name] for name in ("omega", "T", "kappa", "lam")}
"""Values of parameters neither swept nor fixed: the paper's point (Omega and T in eV)."""

EXPERIMENT = {
    "name": "STM on La2PrNi2O7 thin films",
    "reference": "S. Fan et al., arXiv:2506.01788 (2025)",
    "gap_large_meV": 19.0,
    "gap_small_meV": (6.0, 8.0),
    "gap_ratio_range": (19.0 / 8.0, 19.0 / 6.0),
    "Tc_onset_K": 41.5,
}
"""Two-gap STM data the demonstration sweep is compared with (docs: physics, "Comparison with experiment")."""


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
    coordinates are monotonic), {start, stop, num[, log]} (log: geometric
    spacing) or, for the ``method`` axis, a list of names (sorted).
    """
    if isinstance(spec, list) and spec and all(isinstance(x, str) for x in spec):
        return np.array(sorted(spec))  # the method axis: names in alphabetical order
    if isinstance(spec, dict):
        start, stop, num = float(spec["start"]), float(spec["stop"]), int(spec["num"])
        if spec.get("log", False):
            values = np.geomspace(start, stop, num)
        else:
            values = np.round(np.linspace(start, stop, num), 12)
    else:
        values = np.asarray(spec, dtype=float).reshape(-1)
    return np.sort(values)


def in_range(name: str, x: float, table: dict | None = None) -> bool:
    """Whether ``x`` is finite and inside the range of ``name``.

    Parameters
    ----------
    name : str
        A key of ``table``.
    x : float
    table : dict, optional
        Rows ``(lower, upper, lower inclusive, upper inclusive, units, long name)``
        by name; default :data:`PARAMETERS`, the one source of the physical ranges.
    """
    lo, hi, lo_in, hi_in, *_ = (PARAMETERS if table is None else table)[name]
    ok_lo = x >= lo if lo_in else x > lo
    ok_hi = x <= hi if hi_in else x < hi
    return bool(ok_lo and ok_hi and math.isfinite(x))


def range_text(name: str, table: dict | None = None) -> str:
    """The range of ``name`` as an interval with units, e.g. ``(0, 5] eV`` (``table``: :func:`in_range`)."""
    lo, hi, lo_in, hi_in, units, _ = (PARAMETERS if table is None else table)[name]
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
    bad = [float(x) for x in values if not in_range(key, float(x))]
    if bad:
        out.append(f"{path}: value {bad[0]:g} outside the allowed range {range_text(key)} (rule: range)")
    if np.unique(values).size != values.size:
        out.append(f"{path}: repeated values (rule: unique)")
    return out


def _method_errors(where: str, axes: dict, fixed: dict) -> list[str]:
    """The ``method`` axis or fixed value, and the Eliashberg-only parameters it allows."""
    out, methods = [], {"bcs"}
    allowed = ", ".join(METHODS)
    if "method" in axes:
        spec_ = axes["method"]
        path = f"{where}.axes.method"
        if not isinstance(spec_, list) or not spec_:
            out.append(f"{path}: a non-empty list of methods ({allowed}) is required (rule: type)")
        else:
            bad = [x for x in spec_ if not isinstance(x, str) or x not in METHODS]
            if bad:
                out.append(f"{path}: unknown method {_safe(bad[0])!r}; allowed: {allowed} (rule: enum)")
            elif len(set(spec_)) != len(spec_):
                out.append(f"{path}: repeated values (rule: unique)")
            else:
                methods = set(spec_)
    if "method" in fixed:
        value = fixed["method"]
        if not isinstance(value, str) or value not in METHODS:
            out.append(
                f"{where}.fixed.method: unknown method {_safe(value)!r}; allowed: {allowed} (rule: enum)"
            )
        else:
            methods = {value}
    if "eliashberg" not in methods and not out:
        for key in ELIASHBERG_ONLY:
            if key in axes or key in fixed:
                out.append(
                    f"{where}: '{key}' is read only by method eliashberg; set fixed.method: eliashberg "
                    "or axes.method: [bcs, eliashberg] (rule: method)"
                )
    return out


def _micro_errors(where: str, fixed: dict) -> list[str]:
    """Derived values of fixed microscopic parameters (Eqs. 3, 10, 13) must lie in their ranges."""
    from triplon.model.params import ParameterError

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
        if not in_range(key, value):
            what = "omega = Jc = 4 tc^2/U" if key == "omega" else key
            out.append(
                f"{where}.fixed: {names} give {what} = {value:.6g}, outside the allowed range "
                f"{range_text(key)} (rule: derived {key})"
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
            if key not in PARAMETERS and key != "method":
                part = "axes" if section is axes else "fixed"
                errors.append(
                    f"{where}.{part}.{_safe(key)}: unknown {allowed}; allowed: method, "
                    f"{', '.join(PARAMETERS)} (rule: enum)"
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
    errors += _method_errors(where, axes, fixed)
    for key, spec_ in axes.items():
        if key == "method":
            if isinstance(spec_, list) and spec_:
                sizes.append(len(spec_))
            continue
        axis_err = _axis_errors(f"{where}.axes.{key}", key, spec_)
        errors += axis_err
        if not axis_err:
            sizes.append(axis_values(spec_).size)
    fixed_ok = True
    for key, value in fixed.items():
        path = f"{where}.fixed.{key}"
        if key == "method":
            continue
        if not _is_number(value):
            errors.append(f"{path}: must be a finite number, got {value!r} (rule: type)")
            fixed_ok = False
        elif not in_range(key, float(value)):
            errors.append(
                f"{path}: value {value:g} outside the allowed range {range_text(key)} (rule: range)"
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
            elif role in ("x", "y") and fig.get(role) == "method":
                errors.append(
                    f"{path}.{role}: 'method' is an axis of names; use it as the facet, "
                    "x and y need numbers (rule: numeric axis)"
                )
        roles = [r for r in ("x", "y", "facet") if isinstance(fig.get(r), str)]
        for j, role in enumerate(roles):
            first = next((r for r in roles[:j] if fig[r] == fig[role]), None)
            if first is not None:
                errors.append(
                    f"{path}.{role}: {fig[role]!r} is already the figure's {first}; x, y and facet "
                    "must be different axes (rule: distinct)"
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
    fixed = fixed_values(spec)
    names = list(axes)
    for idx in itertools.product(*(range(len(v)) for v in axes.values())):
        point = dict(fixed)
        point.update({n: axes[n][i].item() for n, i in zip(names, idx)})
        yield idx, point


def fixed_values(spec: dict) -> dict:
    """The sweep's fixed values: floats, the method a name."""
    return {k: v if k == "method" else float(v) for k, v in (spec.get("fixed") or {}).items()}


def resolve_point(point: dict) -> dict:
    """Physical parameters of one point, with defaults and the microscopic mapping (Eqs. 3, 10, 13).

    Returns a dict with ``band`` (BandParams fields), ``n_c``, ``omega``, ``T``,
    ``kappa_a``, ``kappa_b`` and exactly one of ``lam``, ``V``; an eliashberg point
    also ``method``, ``omega_T`` (default: Omega, which is J_c for a microscopic
    point) and ``mu_star`` (default 0).
    """
    p = dict(point)
    out = {"n_c": p.get("n_c", PAPER_POINT["n_c"]), "T": p.get("T", DEFAULTS["T"])}
    method = p.get("method", "bcs")
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
    if method != "bcs":  # a BCS point keeps the keys it always had (its key does not change)
        out.update(method=method, omega_T=p.get("omega_T", out["omega"]), mu_star=p.get("mu_star", 0.0))
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


__all__ = [
    "PARAMETERS",
    "METHODS",
    "METHOD_ATTRS",
    "ELIASHBERG_ONLY",
    "MICRO",
    "BAND_KEYS",
    "EXCLUSIVE",
    "PAPER_POINT",
    "DEFAULTS",
    "EXPERIMENT",
    "SweepError",
    "MAX_NAME",
    "MAX_POINTS",
    "MAX_CHUNKS",
    "MAX_FIGURES",
    "axis_values",
    "in_range",
    "range_text",
    "validate_sweep",
    "sweep_axes",
    "sweep_points",
    "fixed_values",
    "resolve_point",
]

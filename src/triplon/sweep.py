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

import hashlib
import itertools
import json
import math
import time
import warnings

import numpy as np
import xarray as xr

from triplon.dataset import source_fingerprint, var, with_provenance
from triplon.params import BANDS, BandParams, MicroParams

KELVIN_PER_EV = 11604.518

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
MICRO = ("tc", "U", "txz", "Ea", "JH")
BAND_KEYS = ("t1", "t2", "t3", "eps_alpha", "eps_beta")
# parameters that can never be given together (one derives the other)
EXCLUSIVE = [("lam", "V"), ("kappa", "kappa_a"), ("kappa", "kappa_b")]
DEFAULTS = {"omega": 0.3, "T": 0.0, "kappa": 0.75, "lam": 0.5}

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
MAX_POINTS = 1_000_000
"""Most points one sweep may hold (the plan hashes every point when the workflow starts)."""
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
    out["band"] = BandParams(**band).as_dict()
    return out


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=float).encode()).hexdigest()


def point_key(resolved: dict, numerics: dict, code: str | None = None) -> str:
    """Identity of a point's result: resolved parameters, numerics and library fingerprint."""
    return _digest({"p": resolved, "n": numerics, "code": code or source_fingerprint()})[:20]


def band_key(resolved: dict) -> str:
    """Identity of the work shared by points: band structure, filling and cutoff."""
    return _digest({"b": resolved["band"], "n_c": resolved["n_c"], "omega": resolved["omega"]})


def plan_chunks(keys_in_order: list[str], band_keys: list[str], done: set, chunk_size: int):
    """Group the points not yet ``done`` into chunks, points sharing band work kept together.

    Returns a list of lists of positions into ``keys_in_order``.
    """
    todo = [i for i, k in enumerate(keys_in_order) if k not in done]
    todo.sort(key=lambda i: band_keys[i])  # stable: shared band work lands in one chunk
    return [todo[i : i + chunk_size] for i in range(0, len(todo), chunk_size)]


def chunk_id(keys: list[str]) -> str:
    return _digest(sorted(keys))[:16]


def sweep_keys(spec: dict, numerics: dict, code: str | None = None):
    """Resolved points and their keys, in C order of the axes."""
    code = code or source_fingerprint()
    resolved = [resolve_point(p) for _, p in sweep_points(spec)]
    return resolved, [point_key(r, numerics, code) for r in resolved]


def plan_sweep(spec: dict, numerics: dict, chunk_dir, code: str | None = None) -> dict:
    """Which chunk files a sweep needs, reusing finished chunks found in ``chunk_dir``.

    A finished chunk leaves ``<id>.nc`` and, written last, ``<id>.json`` (its
    points). Points found in finished chunks are not planned again, so growing
    an axis computes only the new points.

    Returns
    -------
    dict
        {chunk id: [{"key": ..., "point": resolved point}, ...]} for every
        chunk (old or new) holding at least one point of the sweep.
    """
    from pathlib import Path

    resolved, keys = sweep_keys(spec, numerics, code)
    wanted = set(keys)
    plan, done = {}, set()
    chunk_dir = Path(chunk_dir)
    for manifest in sorted(chunk_dir.glob("*.json")) if chunk_dir.is_dir() else []:
        if not manifest.with_suffix(".nc").exists():
            continue
        try:
            entries = json.loads(manifest.read_text())
        except (OSError, ValueError):
            continue  # unreadable manifest: its points are simply planned again
        if any(e["key"] in wanted for e in entries):
            plan[manifest.stem] = entries
            done.update(e["key"] for e in entries)
    bks = [band_key(r) for r in resolved]
    for group in plan_chunks(keys, bks, done, int(spec.get("chunk_size", 500))):
        entries = [{"key": keys[i], "point": resolved[i]} for i in group]
        # canonical form, identical to what a manifest reads back: the rule's params
        # must not look changed once the chunk is finished
        plan[chunk_id([e["key"] for e in entries])] = json.loads(json.dumps(entries, sort_keys=True))
    return plan


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
}


def compute_point(resolved: dict, shells_cache: dict, numerics: dict) -> dict:
    """All quantities of one point (NaN with ``converged`` = 0 where a solve failed)."""
    from triplon.dos import fermi_level
    from triplon.gap import GapWarning, gap_summary, prepare_shells, resolve_V

    out = dict.fromkeys(SCALARS, math.nan)
    out["converged"] = 0
    out["status"] = "ok"
    try:
        params = BandParams(**resolved["band"])
        bk = band_key(resolved)
        if bk not in shells_cache:
            fl = fermi_level(n_c=resolved["n_c"], params=params, n=numerics.get("quadrature_nodes", 24))
            shells = prepare_shells(fl.mu, resolved["omega"], params, **numerics.get("shell", {}))
            shells_cache.clear()  # points are ordered by band key: keep only the current one
            shells_cache[bk] = (fl, shells)
        fl, shells = shells_cache[bk]
        out.update(
            mu=fl.mu,
            n_alpha=fl.filling["alpha"],
            n_beta=fl.filling["beta"],
            dos_alpha=fl.dos["alpha"],
            dos_beta=fl.dos["beta"],
            dos_eta2_alpha=fl.dos_eta2["alpha"],
            dos_eta2_beta=fl.dos_eta2["beta"],
        )
        if min(fl.dos.values()) <= 0:
            out["status"] = "a band has no Fermi surface"
            return out
        V = resolve_V(fl, lam=resolved.get("lam"), V=resolved.get("V"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GapWarning)
            s = gap_summary(shells, fl, V, resolved["kappa_a"], resolved["kappa_b"], resolved["T"])
        out.update(
            {
                k: getattr(s, k)
                for k in (
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
                )
            }
        )
        out["Tc_K"] = s.Tc * KELVIN_PER_EV
        for b in BANDS:
            r = s.ratio_2gap_Tc.get(b, {})
            out[f"gap2_Tc_{b}"] = r.get("diagonal", math.nan)
            out[f"gap2_Tc_max_{b}"] = r.get("maximum", math.nan)
        out["d_wave_leads"] = int(s.leading_channel == "d")
        if s.solution_T:
            out["A_alpha_T"], out["A_beta_T"] = s.solution_T["A_alpha"], s.solution_T["A_beta"]
            converged_T = s.solution_T["converged"]
        else:
            out["A_alpha_T"], out["A_beta_T"] = out["A_alpha"], out["A_beta"]
            converged_T = True
        out["converged"] = int(s.converged and converged_T)
        out["status"] = s.status
    except Exception as exc:  # one bad point must not lose the chunk: flag it
        out["status"] = f"{type(exc).__name__}: {exc}"
    return out


def compute_chunk(points: list[dict], numerics: dict, log=None) -> list[dict]:
    """Compute resolved points in order (sorted by band key), reporting progress to ``log``."""
    cache: dict = {}
    results = []
    t0 = time.perf_counter()
    for i, p in enumerate(points):
        results.append(compute_point(p, cache, numerics))
        if log and ((i + 1) % max(1, len(points) // 20) == 0 or i + 1 == len(points)):
            el = time.perf_counter() - t0
            left = el / (i + 1) * (len(points) - i - 1)
            log(f"[{i + 1}/{len(points)}] {el:.1f} s elapsed, ~{left:.1f} s left")
    return results


def chunk_dataset(keys: list[str], results: list[dict]) -> xr.Dataset:
    """One chunk's results as a Dataset over dimension ``point`` (coordinate: point key)."""
    data = {}
    for name, (units, long_name) in SCALARS.items():
        dtype = np.int8 if name in ("converged", "d_wave_leads") else float
        data[name] = var(("point",), np.array([r[name] for r in results], dtype=dtype), units, long_name)
    data["status"] = (
        ("point",),
        np.array([r["status"] for r in results], dtype=object),
        {"long_name": "solver status", "units": "1"},
    )
    return xr.Dataset(data, coords={"point": ("point", np.array(keys, dtype=object))})


def gather(spec: dict, name: str, keys: list[str], chunks: list[xr.Dataset], numerics: dict) -> xr.Dataset:
    """Assemble the phase diagram: one dimension per axis (config order), every quantity a variable."""
    axes = sweep_axes(spec)
    shape = tuple(len(v) for v in axes.values())
    merged = xr.concat(chunks, dim="point") if len(chunks) > 1 else chunks[0]
    where = {k: i for i, k in enumerate(merged["point"].values.tolist())}
    missing = [k for k in keys if k not in where]
    if missing:
        raise RuntimeError(f"sweep {name}: {len(missing)} points missing from the chunks")
    order = np.array([where[k] for k in keys])
    dims = tuple(axes)
    data = {}
    for v in merged.data_vars:
        if v in axes:  # an axis is a coordinate, not a variable
            continue
        values = merged[v].values[order].reshape(shape)
        data[v] = (dims, values, dict(merged[v].attrs))
    coords = {k: (k, v, {"units": PARAMETERS[k][4], "long_name": PARAMETERS[k][5]}) for k, v in axes.items()}
    ds = xr.Dataset(data, coords=coords)
    ds["leading_channel"] = (
        dims,
        np.where(ds["d_wave_leads"].values == 1, "d", "s+-").astype(object),
        {"long_name": "leading pairing channel", "units": "1"},
    )
    params = {
        "sweep": name,
        "axes": {k: v.tolist() for k, v in axes.items()},
        "fixed": spec.get("fixed") or {},
        "numerics": numerics,
    }
    ds = with_provenance(ds, f"Phase diagram of sweep '{name}'", params)
    ds.attrs["converged_fraction"] = float(np.mean(ds["converged"].values))
    return ds


__all__ = [
    "EXPERIMENT",
    "SweepError",
    "axis_values",
    "band_key",
    "chunk_dataset",
    "compute_chunk",
    "compute_point",
    "gather",
    "plan_chunks",
    "plan_sweep",
    "point_key",
    "resolve_point",
    "sweep_axes",
    "sweep_keys",
    "sweep_points",
    "validate_sweep",
]

"""Experiments as data, the model quantities they measure, and fits of the model to them.

Docs: physics, "Comparison with experiment". An *experiment* is a catalogue entry (``experiments:`` in the
configuration): a citation, material, method and a list of observables
``{quantity, value, sigma, unit[, bound]}``. A *fit* (``fit:``) names an
experiment, the free parameters with bounds (any sweep parameter of
:data:`triplon.studies.sweeps.grid.PARAMETERS` except ``T``) and fixed values, and finds the
global minimum of

    chi2 = Σ_i ((model_i - measured_i) / sigma_i)^2

in the box. An observable with ``bound: lower`` (``upper``) is a one-sided
limit: it adds ((model - value)/sigma)^2 only when the model lies below (above)
the value, and it is not counted in the degrees of freedom
``dof = (two-sided observables) - (free parameters)``.

Model quantities (T -> 0, magnitudes, from the full s± solution
Delta_b(k) = A_b + B_b eta_k^2 of Eq. 15; extremes over the Fermi line, whose
eta^2 range is found exactly, see :func:`fermi_line_eta2_range`):

==================== ===== ==================================================
gap_max_alpha/beta   meV   max |Delta_b| on the Fermi line of band b
gap_min_alpha/beta   meV   min |Delta_b| on the Fermi line (0 at a sign change)
gap_diag_alpha/beta  meV   |A_b|, the gap on the zone diagonal (eta = 0);
                           NaN if the diagonal does not cross that sheet
gap_max_ratio        1     gap_max_alpha / gap_max_beta
Tc_K                 K     s± T_c (linearised Eq. 14), k_B = 8.617333262e-5 eV/K
n_alpha, n_beta      1     band fillings per Ni
gap2_Tc_max_alpha/b  1     2 max|Delta_b| / (k_B T_c)
==================== ===== ==================================================

The search is a coarse grid over the box followed by bounded least squares
(:func:`scipy.optimize.least_squares`). Parameters that only enter the kernel
(``lam``, ``V``, ``kappa``, ``kappa_a``, ``kappa_b``) are cheap: a full
solution plus T_c costs ~1 ms. Every other parameter (``omega``, ``n_c``, band
and microscopic parameters) changes the shell quadrature (~0.2 s), so those are
searched on the grid and refined on the profile chi2 (cheap parameters fitted
inside), with shells cached by (band parameters, n_c, Omega).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from triplon.pairing.caveats import KELVIN_PER_EV

K_B = 1.0 / KELVIN_PER_EV
"""Boltzmann constant (eV/K)."""

# name: (dimension, canonical unit, long name)
QUANTITIES = {
    "gap_max_alpha": ("energy", "meV", "largest |Delta_alpha| on the alpha Fermi line, T -> 0"),
    "gap_max_beta": ("energy", "meV", "largest |Delta_beta| on the beta Fermi line, T -> 0"),
    "gap_min_alpha": ("energy", "meV", "smallest |Delta_alpha| on the alpha Fermi line, T -> 0"),
    "gap_min_beta": ("energy", "meV", "smallest |Delta_beta| on the beta Fermi line, T -> 0"),
    "gap_diag_alpha": ("energy", "meV", "|Delta_alpha| on the zone diagonal (eta = 0), T -> 0"),
    "gap_diag_beta": ("energy", "meV", "|Delta_beta| on the zone diagonal (eta = 0), T -> 0"),
    "gap_max_ratio": ("ratio", "1", "gap_max_alpha / gap_max_beta"),
    "Tc_K": ("temperature", "K", "s+- critical temperature T_c"),
    "n_alpha": ("ratio", "1", "alpha filling per Ni"),
    "n_beta": ("ratio", "1", "beta filling per Ni"),
    "gap2_Tc_max_alpha": ("ratio", "1", "2 max|Delta_alpha| / (k_B T_c)"),
    "gap2_Tc_max_beta": ("ratio", "1", "2 max|Delta_beta| / (k_B T_c)"),
    "gap_edge_max_alpha": (
        "energy",
        "meV",
        "largest gap edge Delta_0 on the alpha line (BCS: gap_max_alpha)",
    ),
    "gap_edge_max_beta": ("energy", "meV", "largest gap edge Delta_0 on the beta line (BCS: gap_max_beta)"),
    "gap_edge_min_alpha": (
        "energy",
        "meV",
        "smallest gap edge Delta_0 on the alpha line (BCS: gap_min_alpha)",
    ),
    "gap_edge_min_beta": ("energy", "meV", "smallest gap edge Delta_0 on the beta line (BCS: gap_min_beta)"),
    "mode_energy": (
        "energy",
        "meV",
        "dip of the quasiparticle DOS minus the largest gap edge (the STM bosonic mode; method eliashberg)",
    ),
}
"""Model quantities an observable may name: {name: (dimension, canonical unit, long name)}."""

# unit: (dimension, factor to the canonical unit of that dimension); temperatures
# may also be given as energies k_B T (and energies as temperatures E/k_B)
UNITS = {
    "meV": ("energy", 1.0),
    "eV": ("energy", 1e3),
    "K": ("temperature", 1.0),
    "1": ("ratio", 1.0),
}
"""Units an observable may be given in: {unit: (dimension, factor to meV, K or 1)}."""
ALLOWED_UNITS = {"energy": ("meV", "eV", "K"), "temperature": ("K", "meV", "eV"), "ratio": ("1",)}
"""{dimension: units accepted for a quantity of that dimension} (K for an energy means E/k_B)."""
BOUNDS = ("none", "lower", "upper")
"""Values of an observable's ``bound``: two-sided, or a one-sided lower/upper limit."""
CHEAP = ("lam", "V", "kappa", "kappa_a", "kappa_b")
"""Fit parameters that leave the shell quadrature unchanged."""
ELIASHBERG_ONLY = ("mode_energy",)
"""Quantities only retarded exchange gives (a fit of them needs ``method: eliashberg``)."""
FILLING_ONLY = ("n_alpha", "n_beta")
"""Quantities that need no gap solution (a fit of only these has no gap figures)."""
PENALTY = 1.0e3
"""Residual (in sigma) given to an observable the model cannot produce at a point (solver failure)."""
P_CONSISTENT = 0.05
"""A fit is 'consistent' when the chi2 p-value is at least this."""
SIGMA_MIN_RELATIVE = 1e-6
"""Smallest sigma / |value| accepted (a finer error bar is not a measurement; its pulls overflow)."""
SIGMA_MIN = 1e-9
"""Smallest sigma accepted, in the observable's own unit."""
PHYSICAL = {"n_alpha": (0.0, 1.0), "n_beta": (0.0, 1.0)}
"""Physical range of a measured value (canonical units) where it is not [0, inf)."""
FIT_GRID_MAX = {"bcs": 20_000, "eliashberg": 2_000}
"""Most coarse-grid points (grid ** number of free parameters) per method (beyond: hours of CPU)."""
FIT_MAP_MAX = {"bcs": 201, "eliashberg": 45}
"""Largest chi2-map size per axis per method."""


class ExperimentError(ValueError):
    """An invalid experiment catalogue or fit specification."""


# ------------------------------------------------------------------- units


def to_canonical(quantity: str, value: float, unit: str) -> float:
    """Convert ``value`` given in ``unit`` to the canonical unit of ``quantity``.

    Energies go to meV, temperatures to K; a temperature given as an energy is
    k_B T (and an energy given in K is E/k_B), k_B = 8.617333262e-5 eV/K.

    Parameters
    ----------
    quantity : str
        A key of :data:`QUANTITIES`.
    value : float
        The value in ``unit``.
    unit : {"meV", "eV", "K", "1"}

    Returns
    -------
    float
        The value in meV (energies), K (temperatures) or 1 (ratios).

    Raises
    ------
    ExperimentError
        Unknown quantity or unit, or a unit of the wrong dimension.
    """
    if quantity not in QUANTITIES:
        raise ExperimentError(f"unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
    dim = QUANTITIES[quantity][0]
    if unit not in ALLOWED_UNITS[dim]:
        raise ExperimentError(
            f"unit {unit!r} does not fit {quantity} ({dim}); allowed: {', '.join(ALLOWED_UNITS[dim])}"
        )
    udim, factor = UNITS[unit]
    x = float(value) * factor
    if udim == dim:
        return x
    if dim == "temperature":  # x is k_B T in meV
        return x * 1e-3 / K_B
    return x * K_B * 1e3  # dim energy, x in K -> meV


# ---------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Observable:
    """One measured value in canonical units (meV, K or 1).

    Attributes
    ----------
    quantity : str
        A key of :data:`QUANTITIES`.
    value, sigma : float
        Measured value and its standard error, in the canonical unit of the
        quantity (``unit``: meV for gaps, K for ``Tc_K``, 1 for ratios and fillings).
    bound : {"none", "lower", "upper"}
        Two-sided value or one-sided limit.
    """

    quantity: str
    value: float
    sigma: float
    bound: str = "none"

    @property
    def unit(self) -> str:
        return QUANTITIES[self.quantity][1]


def observables(entry: dict, names=None) -> list[Observable]:
    """The observables of one catalogue entry (canonical units), optionally a subset by quantity.

    Parameters
    ----------
    entry : dict
        Catalogue entry with ``observables``: a list of
        ``{quantity, value, sigma, unit[, bound]}``.
    names : list of str, optional
        Keep only these quantities, in this order.

    Returns
    -------
    list of Observable
        Values and sigmas converted by :func:`to_canonical`.

    Raises
    ------
    ExperimentError
        Unknown quantity or a unit that does not fit it.
    """
    out = []
    for o in entry["observables"]:
        if names is not None and o["quantity"] not in names:
            continue
        out.append(
            Observable(
                o["quantity"],
                to_canonical(o["quantity"], o["value"], o["unit"]),
                to_canonical(o["quantity"], o["sigma"], o["unit"]),
                o.get("bound", "none"),
            )
        )
    if names is not None:
        order = {q: i for i, q in enumerate(names)}
        out.sort(key=lambda o: order[o.quantity])
    return out


def chi2_value(model: dict, obs: list[Observable]) -> float:
    """chi2 = Σ ((model - measured)/sigma)^2 (one-sided for bounds); NaN model -> PENALTY^2.

    Parameters
    ----------
    model : dict
        {quantity: model value} in canonical units (as from :func:`model_quantities`).
    obs : list of Observable

    Returns
    -------
    float
        chi2 (dimensionless), the sum of the squares of :func:`residuals`.
    """
    return float(np.sum(residuals(model, obs) ** 2))


def residuals(model: dict, obs: list[Observable]) -> np.ndarray:
    """(model - measured)/sigma per observable; 0 for a satisfied bound; PENALTY where undefined.

    Parameters
    ----------
    model : dict
        {quantity: model value} in canonical units; a missing or non-finite
        value gets the residual :data:`PENALTY`.
    obs : list of Observable

    Returns
    -------
    ndarray, shape (len(obs),)
        Pulls (dimensionless, in units of sigma).
    """
    r = np.empty(len(obs))
    for i, o in enumerate(obs):
        m = model.get(o.quantity, math.nan)
        if not math.isfinite(m):
            r[i] = PENALTY
            continue
        d = (m - o.value) / o.sigma
        if (o.bound == "lower" and d > 0) or (o.bound == "upper" and d < 0):
            d = 0.0
        r[i] = d
    return r


# ------------------------------------------------------------- validation


def _num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(float(x))


def _key(*parts) -> str:
    return ".".join(str(p) for p in parts)


def _experiment_errors(name, entry) -> list[str]:
    where = _key("experiments", name)
    errors = []
    if not re.fullmatch(r"[A-Za-z0-9_-]+", str(name)):
        errors.append(f"config key '{where}': name must match [A-Za-z0-9_-]+ (rule: pattern)")
    if not isinstance(entry, dict):
        return [*errors, f"config key '{where}': must be a mapping (rule: type)"]
    for k in ("citation", "material", "method"):
        if not isinstance(entry.get(k), str) or not entry.get(k, "").strip():
            errors.append(f"config key '{_key(where, k)}': a non-empty text is required (rule: required)")
    if isinstance(entry.get("citation"), str) and not re.search(r"arXiv:\d{4}\.\d{4,5}", entry["citation"]):
        errors.append(f"config key '{_key(where, 'citation')}': must contain an arXiv id (rule: citation)")
    obs = entry.get("observables")
    if not isinstance(obs, list) or not obs:
        return [
            *errors,
            f"config key '{_key(where, 'observables')}': a non-empty list is required (rule: required)",
        ]
    seen = set()
    for i, o in enumerate(obs):
        w = _key(where, "observables", i)
        if not isinstance(o, dict):
            errors.append(f"config key '{w}': must be a mapping (rule: type)")
            continue
        q = o.get("quantity")
        if q not in QUANTITIES:
            errors.append(
                f"config key '{_key(w, 'quantity')}': unknown quantity {q!r}; "
                f"allowed: {', '.join(QUANTITIES)} "
                "(rule: enum)"
            )
            continue
        if q in seen:
            errors.append(f"config key '{_key(w, 'quantity')}': {q} given twice (rule: unique)")
        seen.add(q)
        for k in ("value", "sigma"):
            if not _num(o.get(k)):
                errors.append(
                    f"config key '{_key(w, k)}': must be a finite number, got {o.get(k)!r} (rule: type)"
                )
        if _num(o.get("sigma")):
            floor = max(SIGMA_MIN, SIGMA_MIN_RELATIVE * abs(o["value"]) if _num(o.get("value")) else 0.0)
            if not o["sigma"] >= floor:
                errors.append(
                    f"config key '{_key(w, 'sigma')}': must be >= {floor:.3g} "
                    f"(1e-6 x |value|, at least {SIGMA_MIN:g}), got {o['sigma']!r} (rule: minimum)"
                )
        dim = QUANTITIES[q][0]
        if o.get("unit") not in ALLOWED_UNITS[dim]:
            errors.append(
                f"config key '{_key(w, 'unit')}': {o.get('unit')!r} is not a unit of {q}; allowed: "
                f"{', '.join(ALLOWED_UNITS[dim])} (rule: unit)"
            )
        elif _num(o.get("value")):
            lo, hi = PHYSICAL.get(q, (0.0, math.inf))
            if not lo <= to_canonical(q, float(o["value"]), o["unit"]) <= hi:
                allowed = f"[{lo:g}, {hi:g}]" if math.isfinite(hi) else f">= {lo:g}"
                errors.append(
                    f"config key '{_key(w, 'value')}': {o['value']!r} {o['unit']} is not a possible {q} "
                    f"(allowed: {allowed} in {QUANTITIES[q][1]}) (rule: physical)"
                )
        if o.get("bound", "none") not in BOUNDS:
            errors.append(
                f"config key '{_key(w, 'bound')}': {o.get('bound')!r}; "
                f"allowed: {', '.join(BOUNDS)} (rule: enum)"
            )
    return errors


def _fit_errors(name, spec, experiments) -> list[str]:
    from triplon.studies.sweeps.grid import (
        ELIASHBERG_ONLY as ELIASHBERG_ONLY_PARAMETERS,
    )
    from triplon.studies.sweeps.grid import EXCLUSIVE, METHODS, MICRO, PARAMETERS, in_range, range_text

    where = _key("fit", name)
    errors = []
    if not re.fullmatch(r"[A-Za-z0-9_-]+", str(name)):
        errors.append(f"config key '{where}': name must match [A-Za-z0-9_-]+ (rule: pattern)")
    if not isinstance(spec, dict):
        return [*errors, f"config key '{where}': must be a mapping (rule: type)"]
    exp = spec.get("experiment")
    names_ = exp if isinstance(exp, list) else [exp]
    entry = None
    unknown = [e for e in names_ if not isinstance(e, str) or e not in experiments]
    twice = sorted({e for e in names_ if isinstance(e, str) and names_.count(e) > 1})
    if twice:
        errors.append(
            f"config key '{_key(where, 'experiment')}': {', '.join(twice)} listed more than once "
            "(its observables would count twice in chi2) (rule: unique)"
        )
        names_ = [e for i, e in enumerate(names_) if not (isinstance(e, str) and e in names_[:i])]
    if unknown or not names_:
        errors.append(
            f"config key '{_key(where, 'experiment')}': "
            f"unknown experiment {unknown[0] if unknown else exp!r}; "
            f"allowed: {', '.join(map(str, experiments)) or '(none defined)'} (rule: enum)"
        )
    elif all(isinstance(experiments[e], dict) for e in names_):
        entry = combined_entry(experiments, names_)
        seen = {}
        for e in names_:
            for o in experiments[e].get("observables") or []:
                q = o.get("quantity") if isinstance(o, dict) else None
                if q in seen and seen[q] != e:
                    errors.append(
                        f"config key '{_key(where, 'experiment')}': "
                        f"{q} is measured by both {seen[q]} and {e}; "
                        "a joint fit takes each quantity once (rule: unique)"
                    )
                seen.setdefault(q, e)
    known = (
        [o.get("quantity") for o in entry.get("observables", []) if isinstance(o, dict)]
        if isinstance(entry, dict)
        else []
    )
    chosen = spec.get("observables")
    if chosen is not None:
        if not isinstance(chosen, list) or not chosen:
            errors.append(f"config key '{_key(where, 'observables')}': a non-empty list (rule: type)")
            chosen = None
        else:
            for i, q in enumerate(chosen):
                if entry is not None and q not in known:
                    errors.append(
                        f"config key '{_key(where, 'observables', i)}': {q!r} is not an observable of "
                        f"experiment {exp!r} ({', '.join(map(str, known))}) (rule: enum)"
                    )
            if len(set(map(str, chosen))) != len(chosen):
                errors.append(f"config key '{_key(where, 'observables')}': repeated quantity (rule: unique)")
    method = spec.get("method", "bcs")
    if method not in METHODS:
        errors.append(
            f"config key '{_key(where, 'method')}': unknown method {method!r}; allowed: "
            f"{', '.join(METHODS)} (rule: enum)"
        )
        method = None
    if method == "bcs":
        fitted = [
            o.get("quantity")
            for o in (entry or {}).get("observables", [])
            if isinstance(o, dict) and (chosen is None or o.get("quantity") in chosen)
        ]
        for q in sorted({q for q in fitted if q in ELIASHBERG_ONLY}):
            errors.append(
                f"config key '{_key(where, 'observables')}': {q} needs retarded exchange: set "
                f"'{_key(where, 'method')}: eliashberg' or leave {q} out of the fit (rule: method)"
            )
    free = spec.get("free")
    names = []
    if not isinstance(free, list) or not free:
        errors.append(
            f"config key '{_key(where, 'free')}': a non-empty list of {{name, bounds}} (rule: required)"
        )
        free = []
    for i, f in enumerate(free):
        w = _key(where, "free", i)
        if not isinstance(f, dict):
            errors.append(f"config key '{w}': must be a mapping {{name, bounds}} (rule: type)")
            continue
        p = f.get("name")
        if p not in PARAMETERS or p == "T":
            allowed = ", ".join(k for k in PARAMETERS if k != "T")
            errors.append(
                f"config key '{_key(w, 'name')}': unknown parameter {p!r}; allowed: {allowed} (rule: enum)"
            )
            continue
        if p in names:
            errors.append(f"config key '{_key(w, 'name')}': parameter {p} is freed twice (rule: unique)")
        names.append(p)
        b = f.get("bounds")
        if not (isinstance(b, list) and len(b) == 2 and all(_num(x) for x in b)):
            errors.append(
                f"config key '{_key(w, 'bounds')}': must be [lo, hi], two finite numbers, "
                f"got {b!r} (rule: type)"
            )
            continue
        if not b[0] < b[1]:
            errors.append(f"config key '{_key(w, 'bounds')}': lo < hi required, got {b} (rule: bounds)")
        for x in b:
            if not in_range(p, float(x)):
                errors.append(
                    f"config key '{_key(w, 'bounds')}': {x:g} outside the allowed range of {p} "
                    f"{range_text(p)} "
                    "(rule: range)"
                )
                break
    fixed = spec.get("fixed") or {}
    if not isinstance(fixed, dict):
        errors.append(f"config key '{_key(where, 'fixed')}': must be a mapping (rule: type)")
        fixed = {}
    for p, v in fixed.items():
        w = _key(where, "fixed", p)
        if p not in PARAMETERS or p == "T":
            allowed = ", ".join(k for k in PARAMETERS if k != "T")
            errors.append(f"config key '{w}': unknown parameter; allowed: {allowed} (rule: enum)")
        elif not _num(v):
            errors.append(f"config key '{w}': must be a finite number, got {v!r} (rule: type)")
        elif not in_range(p, float(v)):
            errors.append(f"config key '{w}': {v:g} outside the allowed range {range_text(p)} (rule: range)")
        if p in names:
            errors.append(f"config key '{w}': {p} is both free and fixed (rule: exclusive)")
    given = set(names) | set(fixed)
    for a, b in EXCLUSIVE:
        if a in given and b in given:
            errors.append(f"config key '{where}': give '{a}' or '{b}', not both (rule: exclusive)")
    if method == "bcs":
        for k in sorted(given & set(ELIASHBERG_ONLY_PARAMETERS)):
            errors.append(
                f"config key '{where}': '{k}' is read only by method eliashberg; set "
                f"'{_key(where, 'method')}: eliashberg' (rule: method)"
            )
    micro = given & set(MICRO)
    for k in sorted(
        given & {"eps_alpha", "eps_beta", "kappa", "kappa_a", "kappa_b", "lam", "V"} if micro else []
    ):
        errors.append(
            f"config key '{where}': '{k}' is derived from the microscopic parameters "
            f"{sorted(micro)} (rule: exclusive)"
        )
    for k in ("grid", "map"):
        v = spec.get(k, 2)
        if not (isinstance(v, int) and not isinstance(v, bool) and 2 <= v <= 201):
            errors.append(f"config key '{_key(where, k)}': an integer in [2, 201], got {v!r} (rule: range)")
        elif method in FIT_GRID_MAX and k == "grid" and names and v ** len(names) > FIT_GRID_MAX[method]:
            most = int(FIT_GRID_MAX[method] ** (1 / len(names)) + 1e-9)
            errors.append(
                f"config key '{_key(where, k)}': {v}^{len(names)} = {v ** len(names)} coarse-grid points "
                f"(hours of CPU); with {len(names)} free parameters and method {method} allowed: "
                f"[2, {most}] (at most {FIT_GRID_MAX[method]} points) (rule: cost)"
            )
        elif method in FIT_MAP_MAX and k == "map" and v > FIT_MAP_MAX[method]:
            errors.append(
                f"config key '{_key(where, k)}': {v} x {v} chi2-map points with method {method}; "
                f"allowed: [2, {FIT_MAP_MAX[method]}] (rule: cost)"
            )
    if entry is not None and isinstance(entry.get("observables"), list) and names:
        obs = [
            o
            for o in entry["observables"]
            if isinstance(o, dict) and (chosen is None or o.get("quantity") in chosen)
        ]
        two_sided = sum(1 for o in obs if o.get("bound", "none") == "none")
        if two_sided < len(names):
            errors.append(
                f"config key '{_key(where, 'free')}': {len(names)} free parameters but only {two_sided} "
                "measured (two-sided) values: free fewer parameters or fit more observables (rule: dof)"
            )
    return errors


def validate_experiments(config: dict) -> list[str]:
    """Cross-field checks of the ``experiments:`` and ``fit:`` sections (one line per problem).

    Parameters
    ----------
    config : dict
        The whole configuration.

    Returns
    -------
    list of str
        One message per problem, each naming its key path (empty when valid).
    """
    errors = []
    experiments = config.get("experiments") or {}
    if not isinstance(experiments, dict):
        return ["config key 'experiments': must be a mapping (rule: type)"]
    for name, entry in experiments.items():
        errors += _experiment_errors(name, entry)
    fits = config.get("fit") or {}
    if not isinstance(fits, dict):
        return [*errors, "config key 'fit': must be a mapping (rule: type)"]
    for name, spec in fits.items():
        errors += _fit_errors(name, spec, experiments)
    return errors


def combined_entry(experiments: dict, names) -> dict:
    """One catalogue entry, or the union of several (a joint fit of independent measurements).

    Parameters
    ----------
    experiments : dict
        The ``experiments:`` catalogue.
    names : str or list of str
        Catalogue name(s).

    Returns
    -------
    dict
        The entry; for several, citations, materials and methods joined by "; "
        and all observables.
    """
    names = names if isinstance(names, list) else [names]
    if len(names) == 1:
        return experiments[names[0]]
    entries = [experiments[n] for n in names]
    return {
        "citation": "; ".join(e["citation"] for e in entries),
        "material": "; ".join(e["material"] for e in entries),
        "method": "; ".join(e["method"] for e in entries),
        "observables": [o for e in entries for o in e["observables"]],
    }


__all__ = [
    "K_B",
    "QUANTITIES",
    "UNITS",
    "ALLOWED_UNITS",
    "BOUNDS",
    "CHEAP",
    "ELIASHBERG_ONLY",
    "FILLING_ONLY",
    "PENALTY",
    "P_CONSISTENT",
    "ExperimentError",
    "to_canonical",
    "Observable",
    "observables",
    "chi2_value",
    "residuals",
    "validate_experiments",
    "combined_entry",
]

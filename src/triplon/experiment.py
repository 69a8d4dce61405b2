"""Experiments as data, the model quantities they measure, and fits of the model to them.

PHYSICS.md §7–8. An *experiment* is a catalogue entry (``experiments:`` in the
configuration): a citation, material, method and a list of observables
``{quantity, value, sigma, unit[, bound]}``. A *fit* (``fit:``) names an
experiment, the free parameters with bounds (any sweep parameter of
:data:`triplon.sweep.PARAMETERS` except ``T``) and fixed values, and finds the
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

import itertools
import json
import math
import re
import warnings
from dataclasses import dataclass, field

import numpy as np

from triplon.caveats import KELVIN_PER_EV
from triplon.params import BANDS

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
FILLING_ONLY = ("n_alpha", "n_beta")
"""Quantities that need no gap solution (a fit of only these has no gap figures)."""
PENALTY = 1.0e3
"""Residual (in sigma) given to an observable the model cannot produce at a point (solver failure)."""
P_CONSISTENT = 0.05
"""A fit is 'consistent' when the chi2 p-value is at least this."""


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


# ------------------------------------------------------------ model values


def fermi_line_eta2_range(band: str, mu: float, params=None, n: int = 24) -> tuple[float, float]:
    """Smallest and largest eta^2 on the Fermi line xi_band = 0 (exact).

    In (cx, cy) = (cos kx, cos ky) the Fermi line is a conic inside the square
    [-1, 1]^2 (:class:`triplon.bands.Quadratic`). eta = cx - cy is extremal on it
    where it leaves the square (cx or cy = ±1), on the diagonal cx = cy (eta = 0)
    or where grad xi ∥ (1, -1), i.e. on the line cx + cy = -(b0 + c1)/(2A + b1).
    All are roots of quadratics; the Fermi-line Gauss nodes are added as
    candidates as a safeguard. Returns (nan, nan) without a Fermi line.

    Parameters
    ----------
    band : {"alpha", "beta"}
    mu : float
        Chemical potential (eV).
    params : BandParams, optional
        Band parameters (default: the paper's Fig. 2 set).
    n : int
        Gauss nodes per piece of the Fermi-line quadrature added as candidates.

    Returns
    -------
    (float, float)
        min and max of eta^2 = (cos kx - cos ky)^2 on the Fermi line (dimensionless).
    """
    from triplon._conic import real_roots_quadratic
    from triplon.bands import quadratic_coefficients
    from triplon.dos import fermi_line_quadrature

    cx, cy, _ = fermi_line_quadrature(band, mu, params, n)
    if cx.size == 0:
        return math.nan, math.nan
    cand = list(((cx - cy) ** 2)[[np.argmin((cx - cy) ** 2), np.argmax((cx - cy) ** 2)]])
    q = quadratic_coefficients(band, params)
    A, b0, b1, c1, c0 = q.A, q.b0, q.b1, q.c1, q.c0 - mu
    inside = 1.0 + 1e-12
    for s in (-1.0, 1.0):  # cy = s (and cx = s by symmetry): A cx^2 + (c1 + b1 s) cx + (A s^2 + b0 s + c0)
        for x in real_roots_quadratic(A, c1 + b1 * s, A + b0 * s + c0):
            if abs(x) <= inside:
                cand.append((x - s) ** 2)
    for x in real_roots_quadratic(2 * A + b1, b0 + c1, c0):  # the diagonal cx = cy
        if abs(x) <= inside:
            cand.append(0.0)
    if 2 * A + b1 != 0.0:  # tangency of eta = const: cx = s0/2 + d, cy = s0/2 - d
        s0 = -(b0 + c1) / (2 * A + b1)
        # xi(s0/2 + d, s0/2 - d) = (2A - b1) d^2 + const (odd terms cancel by symmetry)
        const = q(0.5 * s0, 0.5 * s0) - mu
        k2 = 2 * A - b1
        if k2 != 0.0 and -const / k2 >= 0.0:
            d = math.sqrt(-const / k2)
            if abs(0.5 * s0) + d <= inside:
                cand.append(4 * d * d)
    return float(min(cand)), float(max(cand))


def _extremes(A: float, B: float, umin: float, umax: float):
    """min and max of |A + B u| for u in [umin, umax]."""
    lo, hi = A + B * umin, A + B * umax
    gmax = max(abs(lo), abs(hi))
    gmin = 0.0 if lo * hi <= 0.0 else min(abs(lo), abs(hi))
    return gmin, gmax


class ModelCache:
    """Fermi levels and shell quadratures keyed by (band parameters, n_c[, Omega]).

    Holds at most ``size`` shell sets (least recently used dropped first).

    Parameters
    ----------
    numerics : dict, optional
        The ``numerics`` section of the configuration (``quadrature_nodes``,
        ``shell`` options of :func:`triplon.gap.prepare_shells`).
    size : int
        Largest number of shell quadratures kept.
    """

    def __init__(self, numerics: dict | None = None, size: int = 64):
        self.numerics = dict(numerics or {})
        self.size = size
        self.fermi: dict = {}
        self.shells: dict = {}
        self.shell_builds = 0

    def fermi_level(self, band: dict, n_c: float):
        from triplon.dos import fermi_level
        from triplon.params import BandParams

        key = (tuple(sorted(band.items())), float(n_c))
        if key not in self.fermi:
            params = BandParams(**band)
            fl = fermi_level(n_c=n_c, params=params, n=self.numerics.get("quadrature_nodes", 24))
            lines = {b: fermi_line_eta2_range(b, fl.mu, params) for b in BANDS}
            self.fermi[key] = (fl, lines)
        return self.fermi[key]

    def shell_set(self, band: dict, n_c: float, omega: float):
        from triplon.gap import prepare_shells
        from triplon.params import BandParams

        key = (tuple(sorted(band.items())), float(n_c), float(omega))
        if key in self.shells:
            self.shells[key] = self.shells.pop(key)  # most recently used last
            return self.shells[key]
        fl, _ = self.fermi_level(band, n_c)
        shells = prepare_shells(fl.mu, omega, BandParams(**band), **self.numerics.get("shell", {}))
        self.shell_builds += 1
        self.shells[key] = shells
        while len(self.shells) > self.size:
            self.shells.pop(next(iter(self.shells)))
        return shells


def model_quantities(point: dict, cache: ModelCache | None = None, need_gaps: bool = True) -> dict:
    """Every quantity of :data:`QUANTITIES` at one parameter point (canonical units).

    Parameters
    ----------
    point : dict
        Parameters named as in :data:`triplon.sweep.PARAMETERS` (defaults of
        :func:`triplon.sweep.resolve_point`: the paper's bands, n_c = 0.45,
        lam = 0.5, kappa = 0.75, Omega = 0.3 eV).
    cache : ModelCache, optional
    need_gaps : bool
        False computes only the fillings (no shell quadrature).

    Returns
    -------
    dict
        The quantities (NaN where undefined or not converged) plus ``A_alpha``,
        ``B_alpha``, ``A_beta``, ``B_beta`` (eV), ``Tc`` (eV), ``V`` (eV),
        ``mu`` (eV), ``eta2_range`` and ``status``.
    """
    from triplon.gap import GapWarning, resolve_V, solve_full, tc_s_wave
    from triplon.sweep import resolve_point

    cache = cache or ModelCache()
    r = resolve_point(point)
    out = dict.fromkeys(QUANTITIES, math.nan)
    fl, lines = cache.fermi_level(r["band"], r["n_c"])
    out.update(n_alpha=fl.filling["alpha"], n_beta=fl.filling["beta"], mu=fl.mu, status="ok")
    out["eta2_range"] = {b: list(lines[b]) for b in BANDS}
    if not need_gaps:
        return out
    if min(fl.dos.values()) <= 0.0:
        out["status"] = "a band has no Fermi surface"
        return out
    shells = cache.shell_set(r["band"], r["n_c"], r["omega"])
    V = resolve_V(fl, lam=r.get("lam"), V=r.get("V"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GapWarning)
        sol = solve_full(shells, V, r["kappa_a"], r["kappa_b"], 0.0)
        tc = tc_s_wave(shells, V, r["kappa_a"] * r["kappa_b"])
    out.update(V=V, omega=r["omega"], Tc=tc)
    if not (sol.converged and tc > 0):
        out["status"] = sol.status if not sol.converged else "T_c below resolution"
        return out
    out["Tc_K"] = tc / K_B
    for b in BANDS:
        A, B = getattr(sol, f"A_{b}"), getattr(sol, f"B_{b}")
        out[f"A_{b}"], out[f"B_{b}"] = A, B
        umin, umax = lines[b]
        gmin, gmax = _extremes(A, B, umin, umax)
        out[f"gap_max_{b}"] = 1e3 * gmax
        out[f"gap_min_{b}"] = 1e3 * gmin
        out[f"gap_diag_{b}"] = 1e3 * abs(A) if umin == 0.0 else math.nan
        out[f"gap2_Tc_max_{b}"] = 2 * gmax / tc
    out["gap_max_ratio"] = out["gap_max_alpha"] / out["gap_max_beta"]
    return out


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
        if _num(o.get("sigma")) and not o["sigma"] > 0:
            errors.append(f"config key '{_key(w, 'sigma')}': must be > 0, got {o['sigma']} (rule: minimum)")
        dim = QUANTITIES[q][0]
        if o.get("unit") not in ALLOWED_UNITS[dim]:
            errors.append(
                f"config key '{_key(w, 'unit')}': {o.get('unit')!r} is not a unit of {q}; allowed: "
                f"{', '.join(ALLOWED_UNITS[dim])} (rule: unit)"
            )
        if o.get("bound", "none") not in BOUNDS:
            errors.append(
                f"config key '{_key(w, 'bound')}': {o.get('bound')!r}; "
                f"allowed: {', '.join(BOUNDS)} (rule: enum)"
            )
    return errors


def _fit_errors(name, spec, experiments) -> list[str]:
    from triplon.sweep import EXCLUSIVE, MICRO, PARAMETERS, _in_range, _range_text

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
            if not _in_range(p, float(x)):
                errors.append(
                    f"config key '{_key(w, 'bounds')}': {x:g} outside the allowed range of {p} "
                    f"{_range_text(p)} "
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
        elif not _in_range(p, float(v)):
            errors.append(f"config key '{w}': {v:g} outside the allowed range {_range_text(p)} (rule: range)")
        if p in names:
            errors.append(f"config key '{w}': {p} is both free and fixed (rule: exclusive)")
    given = set(names) | set(fixed)
    for a, b in EXCLUSIVE:
        if a in given and b in given:
            errors.append(f"config key '{where}': give '{a}' or '{b}', not both (rule: exclusive)")
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


# --------------------------------------------------------------------- fit


@dataclass
class FitSpec:
    """A resolved fit: observables in canonical units, free parameters, fixed values.

    Build it with ``FitSpec.from_config(name, config)``, which validates the
    configuration first (:class:`ExperimentError` on any problem).

    Attributes
    ----------
    name : str
        Key of the fit under ``fit:``.
    experiment : str
        Catalogue name(s) of the experiment(s), joined by "+".
    entry : dict
        The (combined) catalogue entry.
    obs : list of Observable
        The fitted observables (canonical units).
    free : list of (str, float, float)
        Free parameters with their bounds (units of :data:`triplon.sweep.PARAMETERS`,
        eV for energies).
    fixed : dict
        Fixed parameter values.
    grid, map : int
        Coarse-search points per free parameter; chi2-map points per axis.
    """

    name: str
    experiment: str
    entry: dict
    obs: list
    free: list  # [(name, lo, hi)]
    fixed: dict
    grid: int = 9
    map: int = 41

    @classmethod
    def from_config(cls, name: str, config: dict) -> FitSpec:
        errors = validate_experiments(config)
        if errors:
            raise ExperimentError("; ".join(errors))
        spec = config["fit"][name]
        entry = combined_entry(config["experiments"], spec["experiment"])
        return cls(
            name=name,
            experiment="+".join(fit_experiments(config, name)),
            entry=entry,
            obs=observables(entry, spec.get("observables")),
            free=[(f["name"], float(f["bounds"][0]), float(f["bounds"][1])) for f in spec["free"]],
            fixed={k: float(v) for k, v in (spec.get("fixed") or {}).items()},
            grid=int(spec.get("grid", 9)),
            map=int(spec.get("map", 41)),
        )

    @property
    def names(self) -> list[str]:
        return [f[0] for f in self.free]

    @property
    def dof(self) -> int:
        return sum(1 for o in self.obs if o.bound == "none") - len(self.free)

    @property
    def need_gaps(self) -> bool:
        return any(o.quantity not in FILLING_ONLY for o in self.obs)


def axis_grid(lo: float, hi: float, num: int) -> np.ndarray:
    """Grid over [lo, hi]: geometric when lo > 0 and hi/lo >= 5, else linear (end points included).

    Parameters
    ----------
    lo, hi : float
        Bounds (units of the parameter), lo < hi.
    num : int
        Number of points.

    Returns
    -------
    ndarray, shape (num,)
        The grid, with exactly ``lo`` and ``hi`` at its ends.
    """
    if lo > 0 and hi / lo >= 5:
        g = np.geomspace(lo, hi, num)
    else:
        g = np.linspace(lo, hi, num)
    g[0], g[-1] = lo, hi
    return g


def _to_unit(x, lo, hi):
    return (math.log(x / lo) / math.log(hi / lo)) if (lo > 0 and hi / lo >= 5) else (x - lo) / (hi - lo)


def _from_unit(z, lo, hi):
    z = min(max(float(z), 0.0), 1.0)
    return lo * (hi / lo) ** z if (lo > 0 and hi / lo >= 5) else lo + z * (hi - lo)


@dataclass
class FitResult:
    """Outcome of :func:`run_fit` (model values in canonical units).

    ``dof``, ``p_value`` and ``consistent`` (p >= :data:`P_CONSISTENT`) are
    properties; ``verdict_text()`` is the sentence stored as the ``verdict``
    attribute of ``fit.nc``.

    Attributes
    ----------
    spec : FitSpec
    best : dict
        Best-fit values of the free parameters.
    chi2 : float
        chi2 at the best fit.
    model : dict
        :func:`model_quantities` at the best fit (meV, K, 1; A_b, B_b in eV).
    residuals : ndarray
        Pull of each observable at the best fit (units of sigma).
    map_axes, map_values : list
        Names of the (up to two) chi2-map parameters and their grids.
    chi2_map : ndarray
        chi2 on the map grid (first axis = first map parameter), the other
        free parameters at the best fit; NaN where no gap is resolved.
    chi2_grid_min : float
        Smallest chi2 of the coarse grid.
    evaluations, shell_builds : int
        Model evaluations and shell quadratures built.
    reach : dict
        {quantity: (min, max)} of ``gap2_Tc_max_alpha`` and ``gap_max_ratio``
        over all points evaluated.
    starts : list
        Starting points of the local searches.
    """

    spec: FitSpec
    best: dict
    chi2: float
    model: dict
    residuals: np.ndarray
    map_axes: list
    map_values: list
    chi2_map: np.ndarray
    chi2_grid_min: float
    evaluations: int
    shell_builds: int
    reach: dict = field(default_factory=dict)
    starts: list = field(default_factory=list)

    @property
    def dof(self) -> int:
        return self.spec.dof

    @property
    def p_value(self) -> float:
        from scipy.stats import chi2 as chi2_dist

        return float(chi2_dist.sf(self.chi2, max(self.dof, 1)))

    @property
    def consistent(self) -> bool:
        return self.p_value >= P_CONSISTENT

    def verdict_text(self) -> str:
        dof_note = "" if self.dof >= 1 else " (dof 0: p-value taken with 1 degree of freedom)"
        head = "consistent" if self.consistent else "in tension"
        text = (
            f"{head}: chi2 = {self.chi2:.3g} for dof = {self.dof}, p = {self.p_value:.2g}{dof_note}; "
            f"threshold p >= {P_CONSISTENT}"
        )
        pulls = ", ".join(f"{o.quantity} {r:+.2f}" for o, r in zip(self.spec.obs, self.residuals))
        text += f"; pulls: {pulls}"
        edge = []
        for n, lo, hi in self.spec.free:
            tol = 1e-6 * (hi - lo)
            if self.best[n] <= lo + tol or self.best[n] >= hi - tol:
                side = "lower" if self.best[n] <= lo + tol else "upper"
                edge.append(f"{n} = {self.best[n]:.4g} at its {side} bound")
        if edge:
            text += "; best fit on the box edge: " + ", ".join(edge)
        m = measured_gap2_tc(self.spec.obs)
        if m is not None and "gap2_Tc_max_alpha" in self.reach:
            lo, hi = self.reach["gap2_Tc_max_alpha"]
            text += (
                f"; 2 max|Delta_alpha|/k_B T_c: measured {m:.3g}, "
                f"model {self.model['gap2_Tc_max_alpha']:.3g} "
                f"at the best fit, at most {hi:.3g} over the {self.evaluations} points evaluated in the box"
            )
        if "gap_max_ratio" in self.reach and any(o.quantity.startswith("gap_max") for o in self.spec.obs):
            lo, hi = self.reach["gap_max_ratio"]
            mr = measured_ratio(self.spec.obs)
            if mr is not None:
                text += (
                    f"; gap_max_alpha/gap_max_beta: measured {mr:.3g}, "
                    f"model range over the points evaluated [{lo:.3g}, {hi:.3g}]"
                )
        return text


def measured_gap2_tc(obs) -> float | None:
    """2 gap_max_alpha / (k_B Tc) of the measurement, if both are measured (two-sided).

    Parameters
    ----------
    obs : list of Observable

    Returns
    -------
    float or None
        The dimensionless ratio, or None when the α gap or T_c is missing.
    """
    d = {o.quantity: o for o in obs if o.bound == "none"}
    if "gap_max_alpha" in d and "Tc_K" in d:
        return 2 * d["gap_max_alpha"].value * 1e-3 / (K_B * d["Tc_K"].value)
    return None


def measured_ratio(obs) -> float | None:
    """Measured gap_max_alpha / gap_max_beta: given directly, or from both measured gaps.

    Parameters
    ----------
    obs : list of Observable
        Only two-sided observables are used.

    Returns
    -------
    float or None
        The dimensionless ratio, or None when it is not measured.
    """
    d = {o.quantity: o for o in obs if o.bound == "none"}
    if "gap_max_ratio" in d:
        return d["gap_max_ratio"].value
    if "gap_max_alpha" in d and "gap_max_beta" in d:
        return d["gap_max_alpha"].value / d["gap_max_beta"].value
    return None


class Objective:
    """chi2 of a fit as a function of the free parameters, counting evaluations.

    ``point(x)``, ``model(x)``, ``residuals(x)`` and ``chi2(x)`` take the free
    parameters ``x`` in the order of ``spec.free`` (units of the parameters);
    ``reach`` records the range of ``gap2_Tc_max_alpha`` and ``gap_max_ratio``
    seen so far.

    Parameters
    ----------
    spec : FitSpec
    cache : ModelCache
    """

    def __init__(self, spec: FitSpec, cache: ModelCache):
        self.spec = spec
        self.cache = cache
        self.evaluations = 0
        self.reach: dict = {}

    def point(self, x) -> dict:
        p = dict(self.spec.fixed)
        p.update({n: float(v) for n, v in zip(self.spec.names, x)})
        return p

    def model(self, x) -> dict:
        self.evaluations += 1
        try:
            m = model_quantities(self.point(x), self.cache, self.spec.need_gaps)
        except (ValueError, RuntimeError, ArithmeticError) as exc:  # e.g. mu outside the bands
            m = dict.fromkeys(QUANTITIES, math.nan)
            m["status"] = f"{type(exc).__name__}: {exc}"
        for q in ("gap2_Tc_max_alpha", "gap_max_ratio"):
            v = m.get(q, math.nan)
            if isinstance(v, float) and math.isfinite(v):
                lo, hi = self.reach.get(q, (math.inf, -math.inf))
                self.reach[q] = (min(lo, v), max(hi, v))
        return m

    def residuals(self, x) -> np.ndarray:
        return residuals(self.model(x), self.spec.obs)

    def chi2(self, x) -> float:
        return float(np.sum(self.residuals(x) ** 2))


def _least_squares(obj: Objective, x0, idx, base):
    """Bounded least squares over the parameters ``idx`` (others from ``base``), unit-box scaled."""
    from scipy.optimize import least_squares

    spec = obj.spec
    lo = [spec.free[i][1] for i in idx]
    hi = [spec.free[i][2] for i in idx]

    def full(z):
        x = list(base)
        for j, i in enumerate(idx):
            x[i] = _from_unit(z[j], lo[j], hi[j])
        return x

    z0 = np.array([_to_unit(x0[i], lo[j], hi[j]) for j, i in enumerate(idx)])
    z0 = np.clip(z0, 0.0, 1.0)
    res = least_squares(
        lambda z: obj.residuals(full(z)),
        z0,
        bounds=(0.0, 1.0),
        method="trf",
        diff_step=1e-6,
        x_scale=1.0,
        xtol=1e-10,
        ftol=1e-12,
        gtol=1e-12,
        max_nfev=200,
    )
    x = full(res.x)
    return x, float(np.sum(res.fun**2))


def run_fit(
    spec: FitSpec, numerics: dict | None = None, cache: ModelCache | None = None, log=None
) -> FitResult:
    """Global minimum of chi2 in the box, and the chi2 map over the two leading free parameters.

    1. Coarse grid (``spec.grid`` points per free parameter, geometric for
       positive ranges spanning a factor >= 5).
    2. Parameters that change the shell quadrature ("expensive": everything but
       lam, V, kappa*) are held at each of their grid values while the cheap ones
       are fitted by bounded least squares from the best grid point: the profile
       chi2 on the expensive grid. Without expensive parameters: least squares
       from the three best grid points.
    3. The best expensive grid point is refined (bounded 1-D Brent search of the
       profile for one expensive parameter, Nelder–Mead in the unit box for more),
       then all parameters are polished together by least squares.
    4. The chi2 map over the two leading free parameters, the others at their
       best-fit values. If any map or grid point beats the fit (it must not), the
       fit is restarted there.

    Parameters
    ----------
    spec : FitSpec
    numerics : dict, optional
        The ``numerics`` section of the configuration.
    cache : ModelCache, optional
        Shared shell cache (a new one by default).
    log : callable, optional
        Called with one progress line at a time.

    Returns
    -------
    FitResult
    """
    from scipy.optimize import minimize, minimize_scalar

    cache = cache or ModelCache(numerics)
    obj = Objective(spec, cache)
    say = log or (lambda msg: None)
    names = spec.names
    n = len(names)
    expensive = [i for i, nm in enumerate(names) if nm not in CHEAP] if spec.need_gaps else []
    cheap = [i for i in range(n) if i not in expensive]
    grids = [axis_grid(lo, hi, spec.grid) for _, lo, hi in spec.free]

    # 1. coarse grid, looping the expensive parameters outermost (one shell set each)
    order = expensive + cheap
    vals = {}
    for combo in itertools.product(*(range(len(grids[i])) for i in order)):
        x = [0.0] * n
        for i, k in zip(order, combo):
            x[i] = float(grids[i][k])
        vals[tuple(x)] = obj.chi2(x)
    grid_pts = sorted(vals, key=vals.get)
    chi2_grid_min = vals[grid_pts[0]]
    say(f"grid: {len(vals)} points, best chi2 {chi2_grid_min:.4g} at {dict(zip(names, grid_pts[0]))}")

    best_x, best_c = list(grid_pts[0]), chi2_grid_min
    starts = []

    def consider(x, c, label):
        nonlocal best_x, best_c
        starts.append({"start": label, "chi2": c, **dict(zip(names, map(float, x)))})
        if c < best_c:
            best_x, best_c = list(x), c

    # 2. profile over the expensive grid / multi-start over cheap parameters
    if expensive and cheap:
        profile = {}
        for ecombo in itertools.product(*(grids[i] for i in expensive)):
            pts = [p for p in grid_pts if all(p[i] == v for i, v in zip(expensive, ecombo))]
            x, c = _least_squares(obj, pts[0], cheap, pts[0])
            profile[tuple(ecombo)] = (x, c)
            consider(x, c, "profile-grid")
        # 3. refine the expensive parameters on the profile
        e_best = min(profile, key=lambda k: profile[k][1])
        x_warm = list(profile[e_best][0])

        def prof(e_vals):
            nonlocal x_warm
            x = list(x_warm)
            for i, v in zip(expensive, e_vals):
                x[i] = float(v)
            x, c = _least_squares(obj, x, cheap, x)
            consider(x, c, "profile-refine")
            if c <= best_c:
                x_warm = list(x)
            return c

        if len(expensive) == 1:
            i = expensive[0]
            g = list(grids[i])
            k = g.index(e_best[0])
            lo, hi = spec.free[i][1], spec.free[i][2]
            a = _to_unit(g[max(k - 1, 0)], lo, hi)
            b = _to_unit(g[min(k + 1, len(g) - 1)], lo, hi)
            minimize_scalar(
                lambda z: prof([_from_unit(z, lo, hi)]),
                bounds=(a, b),
                method="bounded",
                options={"xatol": 1e-4, "maxiter": 25},
            )
        else:
            z0 = [_to_unit(v, spec.free[i][1], spec.free[i][2]) for i, v in zip(expensive, e_best)]
            minimize(
                lambda z: prof(
                    [_from_unit(zz, spec.free[i][1], spec.free[i][2]) for zz, i in zip(z, expensive)]
                ),
                z0,
                method="Nelder-Mead",
                options={"xatol": 1e-4, "fatol": 1e-8, "maxfev": 60, "initial_simplex": None},
            )
    else:
        for p in grid_pts[:3]:
            x, c = _least_squares(obj, p, list(range(n)), p)
            consider(x, c, "grid-start")
    # polish everything together
    x, c = _least_squares(obj, best_x, list(range(n)), best_x)
    consider(x, c, "polish")
    say(f"fit: chi2 {best_c:.6g} at {dict(zip(names, best_x))} ({obj.evaluations} evaluations)")

    # 4. chi2 map over the two leading free parameters, others at the best fit
    map_idx = list(range(min(2, n)))
    map_axes = [names[i] for i in map_idx]
    map_values = [axis_grid(spec.free[i][1], spec.free[i][2], spec.map) for i in map_idx]
    shape = tuple(len(v) for v in map_values)
    cmap = np.empty(shape)
    for idx in itertools.product(*(range(s) for s in shape)):
        xm = list(best_x)
        for j, k in zip(map_idx, idx):
            xm[j] = float(map_values[j][k])
        r = obj.residuals(xm)
        cmap[idx] = np.nan if np.any(r == PENALTY) else float(np.sum(r**2))
    if np.nanmin(cmap) < best_c - 1e-9:  # a better point on the map: restart there (should not happen)
        k = np.unravel_index(np.nanargmin(cmap), shape)
        xm = list(best_x)
        for j, kk in zip(map_idx, k):
            xm[j] = float(map_values[j][kk])
        say(f"map point {xm} beats the fit ({float(np.nanmin(cmap)):.6g} < {best_c:.6g}); refitting from it")
        x, c = _least_squares(obj, xm, list(range(n)), xm)
        consider(xm, float(np.nanmin(cmap)), "map")
        consider(x, c, "map-polish")
    model = obj.model(best_x)
    return FitResult(
        spec=spec,
        best=dict(zip(names, map(float, best_x))),
        chi2=float(best_c),
        model=model,
        residuals=residuals(model, spec.obs),
        map_axes=map_axes,
        map_values=map_values,
        chi2_map=cmap,
        chi2_grid_min=float(chi2_grid_min),
        evaluations=obj.evaluations,
        shell_builds=cache.shell_builds,
        reach=dict(obj.reach),
        starts=starts,
    )


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


def fit_experiments(config: dict, name: str) -> dict:
    """{experiment name: catalogue entry} of the experiments a fit uses.

    Parameters
    ----------
    config : dict
        The whole configuration.
    name : str
        Key of the fit under ``fit:``.

    Returns
    -------
    dict
    """
    exp = config["fit"][name]["experiment"]
    return {e: config["experiments"][e] for e in (exp if isinstance(exp, list) else [exp])}


def fit_figure_names(config: dict, name: str) -> list[str]:
    """Figures of one fit: the chi2 map and summary, plus gap figures when gaps are fitted.

    Parameters
    ----------
    config : dict
        The whole configuration.
    name : str
        Key of the fit under ``fit:``.

    Returns
    -------
    list of str
        ``chi2_map``, ``summary`` and, unless only fillings are fitted,
        ``gap_distribution`` and ``spectrum``.
    """
    spec = config["fit"][name]
    entry = combined_entry(config["experiments"], spec["experiment"])
    chosen = spec.get("observables")
    quantities = [o["quantity"] for o in entry["observables"] if chosen is None or o["quantity"] in chosen]
    names = ["chi2_map", "summary"]
    if any(q not in FILLING_ONLY for q in quantities):
        names += ["gap_distribution", "spectrum"]
    return names


PAPER_POINT = {"n_c": 0.45, "lam": 0.5, "kappa": 0.75, "omega": 0.3}
"""The paper's parameter point (Figs. 4b, 5; PHYSICS.md §5)."""


def fit_dataset(result: FitResult, numerics: dict | None = None):
    """The fit as a labelled Dataset (``results/experiments/<fit>/fit.nc``).

    Variables: one scalar per free parameter (named as the parameter, attribute
    ``fit_bounds`` = [lo, hi]; ``bounds`` is reserved by CF), ``chi2``, ``dof``,
    ``p_value``; along ``observable`` the
    ``measured``, ``sigma``, ``model`` values (canonical units per observable,
    listed in ``observable_units``) and the ``pull``; ``chi2_map`` over
    ``<p1>_map``, ``<p2>_map`` (other free parameters at the best fit).

    Parameters
    ----------
    result : FitResult
    numerics : dict, optional
        The ``numerics`` section of the configuration (recorded in the provenance).

    Returns
    -------
    xarray.Dataset
        Every variable with ``units`` and ``long_name``; the verdict, best fit
        and model values at it are attributes (``verdict``, ``best_fit_point``,
        ``best_fit_quantities``, ``model_reach``).
    """
    import xarray as xr

    from triplon.dataset import var, with_provenance
    from triplon.sweep import PARAMETERS

    spec = result.spec
    data = {}
    for name, lo, hi in spec.free:
        units, long_name = PARAMETERS[name][4], PARAMETERS[name][5]
        data[name] = var((), result.best[name], units, f"best fit: {long_name}", fit_bounds=[lo, hi])
    data["chi2"] = var((), result.chi2, "1", "chi2 = sum((model - measured)/sigma)^2 at the best fit")
    data["dof"] = var(
        (), np.int64(result.dof), "1", "degrees of freedom: two-sided observables - free parameters"
    )
    data["p_value"] = var((), result.p_value, "1", "chi2 p-value (dof 0 taken as 1)")
    data["chi2_grid_min"] = var((), result.chi2_grid_min, "1", "smallest chi2 on the coarse search grid")
    obs = spec.obs
    mixed = "mixed: see observable_units"
    data["measured"] = var(("observable",), [o.value for o in obs], mixed, "measured value")
    data["sigma"] = var(("observable",), [o.sigma for o in obs], mixed, "one-standard-deviation uncertainty")
    data["model"] = var(
        ("observable",), [result.model[o.quantity] for o in obs], mixed, "model value at the best fit"
    )
    data["pull"] = var(
        ("observable",), result.residuals, "1", "(model - measured)/sigma (0 for a satisfied bound)"
    )
    data["observable_units"] = (
        ("observable",),
        np.array([o.unit for o in obs], dtype=object),
        {"units": "1", "long_name": "units of measured, sigma and model"},
    )
    data["bound"] = (
        ("observable",),
        np.array([o.bound for o in obs], dtype=object),
        {"units": "1", "long_name": "none: measured value; lower/upper: one-sided limit"},
    )
    map_dims = tuple(f"{a}_map" for a in result.map_axes)
    data["chi2_map"] = var(
        map_dims,
        result.chi2_map,
        "1",
        f"chi2 over {', '.join(result.map_axes)}, other free parameters at their best fit",
    )
    coords = {
        "observable": (
            "observable",
            np.array([o.quantity for o in obs], dtype=object),
            {"units": "1", "long_name": "model quantity measured"},
        )
    }
    for a, d, v in zip(result.map_axes, map_dims, result.map_values):
        coords[d] = (
            d,
            np.asarray(v),
            {"units": PARAMETERS[a][4], "long_name": f"{PARAMETERS[a][5]} (chi2 map axis)"},
        )
    ds = xr.Dataset(data, coords=coords)
    model = {
        k: v
        for k, v in result.model.items()
        if isinstance(v, float) and (k in QUANTITIES or k[:2] in ("A_", "B_"))
    }
    params = {
        "fit": spec.name,
        "experiment": spec.experiment,
        "citation": spec.entry["citation"],
        "material": spec.entry["material"],
        "method": spec.entry["method"],
        "free": [{"name": n, "bounds": [lo, hi]} for n, lo, hi in spec.free],
        "fixed": spec.fixed,
        "grid": spec.grid,
        "map": spec.map,
        "numerics": numerics or {},
    }
    ds = with_provenance(ds, f"Fit '{spec.name}' of the model to {spec.experiment}", params)
    ds.attrs.update(
        verdict=result.verdict_text(),
        consistent=int(result.consistent),
        chi2_map_fixed="other free parameters at their best-fit values",
        best_fit=json.dumps(result.best, sort_keys=True),
        best_fit_point=json.dumps({**spec.fixed, **result.best}, sort_keys=True),
        best_fit_quantities=json.dumps(model, sort_keys=True, default=float),
        model_reach=json.dumps({k: list(v) for k, v in result.reach.items()}, sort_keys=True),
        paper_point=json.dumps(PAPER_POINT, sort_keys=True),
        evaluations=int(result.evaluations),
        shell_builds=int(result.shell_builds),
        gap_convention=(
            "magnitudes |Delta| at T -> 0 from Delta_b = A_b + B_b eta^2, extremes over the Fermi line"
        ),
        k_B_eV_per_K=K_B,
    )
    m = measured_gap2_tc(obs)
    if m is not None:
        ds.attrs["measured_gap2_Tc_max_alpha"] = m
    return ds


__all__ = [
    "ALLOWED_UNITS",
    "BOUNDS",
    "CHEAP",
    "FILLING_ONLY",
    "K_B",
    "PAPER_POINT",
    "PENALTY",
    "P_CONSISTENT",
    "QUANTITIES",
    "UNITS",
    "ExperimentError",
    "FitResult",
    "FitSpec",
    "ModelCache",
    "Objective",
    "Observable",
    "axis_grid",
    "chi2_value",
    "combined_entry",
    "fermi_line_eta2_range",
    "fit_dataset",
    "fit_experiments",
    "fit_figure_names",
    "measured_gap2_tc",
    "measured_ratio",
    "model_quantities",
    "observables",
    "residuals",
    "run_fit",
    "to_canonical",
    "validate_experiments",
]

"""Fits of the model to the catalogue: the chi2 search and its result."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from triplon.studies.experiment.catalogue import (
    CHEAP,
    FILLING_ONLY,
    K_B,
    P_CONSISTENT,
    PENALTY,
    QUANTITIES,
    ExperimentError,
    combined_entry,
    observables,
    residuals,
    validate_experiments,
)
from triplon.studies.experiment.model import ModelCache, model_quantities

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
        Free parameters with their bounds (units of :data:`triplon.studies.sweeps.grid.PARAMETERS`,
        eV for energies).
    fixed : dict
        Fixed parameter values.
    grid, map : int
        Coarse-search points per free parameter; chi2-map points per axis.
    method : {"bcs", "eliashberg"}
        Gap solver of the model (default bcs).
    """

    name: str
    experiment: str
    entry: dict
    obs: list
    free: list  # [(name, lo, hi)]
    fixed: dict
    grid: int = 9
    map: int = 41
    method: str = "bcs"

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
            method=str(spec.get("method", "bcs")),
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
        chi2 at the best fit; NaN when an observable has no model value there (no result).
    model : dict
        :func:`model_quantities` at the best fit (meV, K, 1; A_b, B_b in eV).
    residuals : ndarray
        Pull of each observable at the best fit (units of sigma); NaN without a model value.
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
        if not math.isfinite(self.chi2):
            lost = [o.quantity for o, r in zip(self.spec.obs, self.residuals) if not math.isfinite(r)]
            return (
                "no result: no point of the box gives a model value for "
                f"{', '.join(lost)} (gap below resolution, T_c = 0 or no dip); widen the bounds"
            )
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
        if self.spec.method != "bcs":
            p["method"] = self.spec.method
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
        # the Padé-continued mode energy wiggles by ~1 % of omega_T between nearby points:
        # a wider difference step keeps its derivative from being noise
        diff_step=1e-3 if spec.method == "eliashberg" else 1e-6,
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
       lam, V, kappa*; none with ``method: eliashberg``) are held at each of
       their grid values while the cheap ones are fitted by bounded least
       squares from the best grid point: the profile chi2 on the expensive grid.
       Without expensive parameters: least squares from the three best grid points.
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
    # with retarded exchange every point costs one Matsubara solve: no parameter is "expensive"
    cheap_only = not spec.need_gaps or spec.method == "eliashberg"
    expensive = [] if cheap_only else [i for i, nm in enumerate(names) if nm not in CHEAP]
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
    # an observable without a model value carries the internal PENALTY: reported as NaN, never as a pull
    missing = np.array([not math.isfinite(model.get(o.quantity, math.nan)) for o in spec.obs])
    return FitResult(
        spec=spec,
        best=dict(zip(names, map(float, best_x))),
        chi2=math.nan if missing.any() else float(best_c),
        model=model,
        residuals=np.where(missing, np.nan, residuals(model, spec.obs)),
        map_axes=map_axes,
        map_values=map_values,
        chi2_map=cmap,
        chi2_grid_min=float(chi2_grid_min),
        evaluations=obj.evaluations,
        shell_builds=cache.shell_builds,
        reach=dict(obj.reach),
        starts=starts,
    )


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


__all__ = [
    "FitSpec",
    "axis_grid",
    "FitResult",
    "measured_gap2_tc",
    "measured_ratio",
    "Objective",
    "run_fit",
    "fit_experiments",
]

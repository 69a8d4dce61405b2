"""Fit results as labelled Datasets and the figure names of each fit."""

from __future__ import annotations

import json

import numpy as np

from triplon.studies.experiment.catalogue import FILLING_ONLY, K_B, QUANTITIES, combined_entry
from triplon.studies.experiment.fit import FitResult, measured_gap2_tc
from triplon.studies.sweeps.grid import PAPER_POINT


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
        ``gap_distribution`` (not with ``method: eliashberg``) and ``spectrum``.
    """
    spec = config["fit"][name]
    entry = combined_entry(config["experiments"], spec["experiment"])
    chosen = spec.get("observables")
    quantities = [o["quantity"] for o in entry["observables"] if chosen is None or o["quantity"] in chosen]
    names = ["chi2_map", "summary"]
    if any(q not in FILLING_ONLY for q in quantities):
        # retarded exchange: no A + B eta^2 gap to histogram; its spectrum shows the gap edges
        names += ["spectrum"] if spec.get("method") == "eliashberg" else ["gap_distribution", "spectrum"]
    return names


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

    from triplon.data.provenance import var, with_provenance
    from triplon.studies.sweeps.grid import PARAMETERS

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
        "solver": spec.method,
        "numerics": numerics or {},
    }
    # fits are at T -> 0: the paper's point without T; with retarded exchange omega_T = Omega
    paper = {k: v for k, v in PAPER_POINT.items() if k != "T"}
    best_point = {**spec.fixed, **result.best}
    if spec.method != "bcs":
        paper.update(method=spec.method, omega_T=paper.pop("omega"))  # no cutoff: omega_T = Omega
        best_point["method"] = spec.method
    ds = with_provenance(ds, f"Fit '{spec.name}' of the model to {spec.experiment}", params)
    ds.attrs.update(
        verdict=result.verdict_text(),
        consistent=int(result.consistent),
        chi2_map_fixed="other free parameters at their best-fit values",
        best_fit=json.dumps(result.best, sort_keys=True),
        best_fit_point=json.dumps(best_point, sort_keys=True),
        best_fit_quantities=json.dumps(model, sort_keys=True, default=float),
        model_reach=json.dumps({k: list(v) for k, v in result.reach.items()}, sort_keys=True),
        paper_point=json.dumps(paper, sort_keys=True),
        evaluations=int(result.evaluations),
        shell_builds=int(result.shell_builds),
        gap_convention=(
            "magnitudes |Delta| at T -> 0 from Delta_b = A_b + B_b eta^2, extremes over the Fermi line"
            if spec.method == "bcs"
            else "gap edges Delta_0 at T_c/5 (Padé continuation), extremes over the Fermi line"
        ),
        k_B_eV_per_K=K_B,
    )
    m = measured_gap2_tc(obs)
    if m is not None:
        ds.attrs["measured_gap2_Tc_max_alpha"] = m
    return ds


__all__ = ["fit_figure_names", "fit_dataset"]

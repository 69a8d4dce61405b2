"""Figures of a fit: the chi2 map and the measured-against-model summary."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from triplon.data.provenance import var, with_provenance
from triplon.plotting.style import WIDTH, paper_point_mismatch

AXIS = {
    "n_c": r"$n_c$",
    "lam": r"$\lambda$",
    "V": r"$V$ (eV)",
    "kappa": r"$\kappa$",
    "kappa_a": r"$\kappa_a$",
    "kappa_b": r"$\kappa_b$",
    "omega": r"$\Omega$ (eV)",
    "omega_T": r"$\omega_T$ (eV)",
    "mu_star": r"$\mu^*$",
}
"""Axis labels (matplotlib mathtext, with units) of the fit parameters."""
QLABEL = {
    "gap_max_alpha": r"max$|\Delta_\alpha|$",
    "gap_max_beta": r"max$|\Delta_\beta|$",
    "gap_min_alpha": r"min$|\Delta_\alpha|$",
    "gap_min_beta": r"min$|\Delta_\beta|$",
    "gap_diag_alpha": r"$|\Delta_\alpha(\eta=0)|$",
    "gap_diag_beta": r"$|\Delta_\beta(\eta=0)|$",
    "gap_max_ratio": r"max$|\Delta_\alpha|$/max$|\Delta_\beta|$",
    "Tc_K": r"$T_c$",
    "n_alpha": r"$n_\alpha$",
    "n_beta": r"$n_\beta$",
    "gap2_Tc_max_alpha": r"$2\Delta_\alpha^{max}/k_BT_c$",
    "gap2_Tc_max_beta": r"$2\Delta_\beta^{max}/k_BT_c$",
    "gap_edge_max_alpha": r"max $\Delta_{0,\alpha}$",
    "gap_edge_max_beta": r"max $\Delta_{0,\beta}$",
    "gap_edge_min_alpha": r"min $\Delta_{0,\alpha}$",
    "gap_edge_min_beta": r"min $\Delta_{0,\beta}$",
    "mode_energy": r"mode (dip $-\Delta_0$)",
}
"""Labels (matplotlib mathtext) of :data:`triplon.studies.experiment.catalogue.QUANTITIES`."""
DCHI2 = (2.30, 6.18)
"""chi2_min + these: 68 % and 95 % regions for two parameters."""


def _fmt(name: str, v) -> str:
    if isinstance(v, str):  # the method
        return f"{name} = {v}"
    eV = " eV" if name in ("omega", "V", "omega_T") else ""
    return f"{_symbol(name)} = {v:.3g}{eV}"


def _symbol(name: str) -> str:
    """The mathtext symbol of a fit parameter (its axis label without units)."""
    return AXIS.get(name, name).split(" (")[0]


def _map_values(fit: xr.Dataset, axes: list[str]) -> dict:
    """The values a chi2 map holds fixed: the fit's fixed values, other free ones at their best fit."""
    fixed = json.loads(fit.attrs.get("param_fixed", "{}"))
    best = json.loads(fit.attrs["best_fit"])
    values = {**fixed, **{k: v for k, v in best.items() if k not in axes}}
    solver = fit.attrs.get("param_solver", "bcs")
    if solver != "bcs":
        values["method"] = solver
    return values


def _fixed_text(fit: xr.Dataset, shown: list[str]) -> str:
    """The parameters held fixed in a figure: the fit's fixed values and free ones at their best fit."""
    fixed = json.loads(fit.attrs.get("param_fixed", "{}"))
    best = json.loads(fit.attrs["best_fit"])
    parts = [_fmt(k, v) for k, v in fixed.items()]
    parts += [_fmt(k, v) + " (best fit)" for k, v in best.items() if k not in shown]
    return ", ".join(parts) if parts else "paper's bands"


def _figure_dataset(ds: xr.Dataset, title: str, fit: xr.Dataset) -> xr.Dataset:
    params = {k[6:]: v for k, v in fit.attrs.items() if k.startswith("param_")}
    params["upstream_config_sha256"] = fit.attrs.get("config_sha256", "")
    out = with_provenance(ds, title, params)
    for k in ("verdict", "best_fit", "best_fit_point", "paper_point"):
        out.attrs[k] = fit.attrs[k]
    return out


def _measured(fit: xr.Dataset, energy_only: bool = False) -> xr.Dataset:
    """measured, sigma (and bound) along ``observable``; gap observables only if ``energy_only``."""
    obs = [str(o) for o in fit.observable.values]
    keep = [o for o in obs if not energy_only or o.startswith("gap_") and not o.startswith("gap2")]
    keep = [o for o in keep if o != "gap_max_ratio"] if energy_only else keep
    sub = fit[["measured", "sigma", "model", "pull", "observable_units", "bound"]].sel(observable=keep)
    return sub


# --------------------------------------------------------------- chi2 map


def chi2_map_data(fit: xr.Dataset) -> xr.Dataset:
    """Data of the ``chi2_map`` figure: chi2 over the two leading free parameters.

    Parameters
    ----------
    fit : xarray.Dataset
        A fit file (``results/experiments/<fit>/fit.nc``,
        :func:`triplon.studies.experiment.results.fit_dataset`).

    Returns
    -------
    xarray.Dataset
        ``chi2_map`` (dimensionless) over ``<p1>_map``, ``<p2>_map`` (units of
        the parameters; the other free parameters at their best fit), the
        best fit ``best_<p>`` and the paper's point ``paper_<p>`` of each axis,
        and ``chi2`` at the best fit; attribute ``contour_levels_chi2`` =
        chi2_min + :data:`DCHI2`.
    """
    dims = fit["chi2_map"].dims
    axes = [d[: -len("_map")] for d in dims]
    ds = xr.Dataset({"chi2_map": fit["chi2_map"]})
    best = json.loads(fit.attrs["best_fit"])
    paper = json.loads(fit.attrs["paper_point"])
    from triplon.studies.sweeps.grid import PARAMETERS

    for a in axes:
        u, ln = PARAMETERS[a][4], PARAMETERS[a][5]
        ds[f"best_{a}"] = var((), best[a], u, f"best fit: {ln}")
        if a in paper:
            ds[f"paper_{a}"] = var((), paper[a], u, f"the paper's point: {ln}")
    ds["chi2"] = fit["chi2"]
    ds.attrs["axes"] = ",".join(axes)
    ds.attrs["contour_levels_chi2"] = [float(fit["chi2"]) + d for d in DCHI2]
    ds.attrs["fixed_text"] = _fixed_text(fit, axes)
    # the paper's point is marked only where the map holds the paper's values fixed
    differs = paper_point_mismatch(_map_values(fit, axes), {k: v for k, v in paper.items() if k not in axes})
    outside = [
        a for a in axes if a not in paper or not ds[f"{a}_map"].min() <= paper[a] <= ds[f"{a}_map"].max()
    ]
    ds.attrs["paper_point_differs"] = json.dumps({k: list(v) for k, v in differs.items()}, sort_keys=True)
    ds.attrs["paper_point_outside"] = ",".join(outside)
    ds.attrs["paper_point_on_map"] = int(not differs and not outside)
    return _figure_dataset(ds, f"chi2 map of fit '{fit.attrs['param_fit']}'", fit)


def _paper_note(ds: xr.Dataset) -> str:
    """Why a chi2 map does not mark the paper's point ("" when it does)."""
    if int(ds.attrs.get("paper_point_on_map", 0)):
        return ""
    differs = json.loads(ds.attrs.get("paper_point_differs", "{}"))
    parts = [
        f"this map has {_fmt(k, v)}"
        + (" (not a parameter of the paper)" if want is None else "")
        + ("" if want is None else f" (paper: {_fmt(k, want).split(' = ')[1]})")
        for k, (v, want) in differs.items()
    ]
    outside = [a for a in ds.attrs.get("paper_point_outside", "").split(",") if a]
    if outside:
        parts.append("the paper's " + ", ".join(_symbol(a) for a in outside) + " lies outside the map")
    return "paper's point not marked: " + "; ".join(parts)


def chi2_map_plot(ds: xr.Dataset, plt):
    """Draw :func:`chi2_map_data`: log-colour map with 68 %/95 % contours (a curve for one parameter).

    Parameters
    ----------
    ds : xarray.Dataset
        The figure's data, as returned by the matching ``*_data`` function.
    plt : module
        :mod:`matplotlib.pyplot`, styled by :mod:`triplon.plotting`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.colors import LogNorm
    from matplotlib.lines import Line2D

    axes = ds.attrs["axes"].split(",")
    c = ds["chi2_map"]
    title = f"{ds.attrs['param_fit']}: fixed {ds.attrs['fixed_text']}"
    if len(axes) == 1:
        fig, ax = plt.subplots(figsize=(WIDTH, 2.6))
        x = ds[f"{axes[0]}_map"].values
        floor = 1e-3  # exact fits reach chi2 ~ 1e-30: drawn at this floor
        ax.plot(x, np.maximum(c.values, floor), color="k", label=r"$\chi^2$ (floored at $10^{-3}$)")
        ax.plot(
            float(ds[f"best_{axes[0]}"]),
            max(float(ds["chi2"]), floor),
            "*",
            color="gold",
            mec="k",
            ms=10,
            label=f"best fit, $\\chi^2$ = {float(ds.chi2):.2g}",
        )
        if int(ds.attrs.get("paper_point_on_map", 0)):
            ax.axvline(float(ds[f"paper_{axes[0]}"]), color="0.4", ls="--", lw=1.0, label="paper's point")
        ax.set_yscale("log")
        ax.set_xlabel(AXIS.get(axes[0], axes[0]))
        ax.set_ylabel(r"$\chi^2$")
        ax.legend(frameon=False, fontsize=7)
        ax.set_title(title + ("\n" + note if (note := _paper_note(ds)) else ""), fontsize=6.5, wrap=True)
        return fig
    fig, ax = plt.subplots(figsize=(WIDTH + 0.6, 3.0))
    x = ds[f"{axes[0]}_map"].values
    y = ds[f"{axes[1]}_map"].values
    z = c.transpose(f"{axes[1]}_map", f"{axes[0]}_map").values
    finite = z[np.isfinite(z) & (z > 0)]
    vmin = max(float(finite.min()), 1e-2) if finite.size else 1e-2
    vmax = max(float(finite.max()), 10 * vmin) if finite.size else 1.0
    cmap = plt.get_cmap("viridis_r").with_extremes(bad="0.55")
    im = ax.pcolormesh(x, y, np.clip(z, vmin, vmax), shading="nearest", norm=LogNorm(vmin, vmax), cmap=cmap)
    fig.colorbar(im, ax=ax, label=r"$\chi^2$")
    handles = []
    if np.isnan(z).any():
        from matplotlib.patches import Patch

        handles.append(
            Patch(color="0.55", label="no model value for an observable (gap not converged, no dip)")
        )
    levels = list(ds.attrs["contour_levels_chi2"])
    ax.contour(x, y, z, levels=levels, colors=["k", "k"], linestyles=["-", "--"], linewidths=0.9)
    handles += [
        Line2D([], [], color="k", ls="-", lw=0.9, label=r"$\chi^2_{min}+2.30$ (68%)"),
        Line2D([], [], color="k", ls="--", lw=0.9, label=r"$\chi^2_{min}+6.18$ (95%)"),
    ]
    bx, by = float(ds[f"best_{axes[0]}"]), float(ds[f"best_{axes[1]}"])
    (h,) = ax.plot(
        bx, by, "*", color="gold", mec="k", ms=11, label=f"best fit, $\\chi^2$ = {float(ds.chi2):.3g}"
    )
    handles.append(h)
    if int(ds.attrs.get("paper_point_on_map", 0)):
        px, py = float(ds[f"paper_{axes[0]}"]), float(ds[f"paper_{axes[1]}"])
        others = {k: v for k, v in json.loads(ds.attrs["paper_point"]).items() if k not in axes}
        note = ", ".join(_fmt(k, v) for k, v in others.items())
        (h,) = ax.plot(px, py, "D", color="w", mec="k", ms=6, label=f"paper's point ({note})")
        handles.append(h)
    if x[0] > 0 and x[-1] / x[0] >= 5:
        ax.set_xscale("log")
    if y[0] > 0 and y[-1] / y[0] >= 5:
        ax.set_yscale("log")
    ax.set_xlabel(AXIS.get(axes[0], axes[0]))
    ax.set_ylabel(AXIS.get(axes[1], axes[1]))
    ax.legend(
        handles=handles, fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, frameon=False
    )
    ax.set_title(title + ("\n" + note if (note := _paper_note(ds)) else ""), fontsize=6.5, wrap=True)
    return fig


# ---------------------------------------------------------------- summary


def summary_data(fit: xr.Dataset) -> xr.Dataset:
    """Data of the ``summary`` figure: pulls, best-fit values, chi2, dof and p-value.

    Parameters
    ----------
    fit : xarray.Dataset
        A fit file (``results/experiments/<fit>/fit.nc``,
        :func:`triplon.studies.experiment.results.fit_dataset`).

    Returns
    -------
    xarray.Dataset
        Along ``observable``: ``measured``, ``sigma``, ``model`` (canonical
        units in ``observable_units``), ``pull`` (sigma) and ``bound``; scalars
        ``best_<p>`` (units of the parameter, attribute ``fit_bounds``),
        ``chi2``, ``dof``, ``p_value``.
    """
    from triplon.studies.sweeps.grid import PARAMETERS

    meas = _measured(fit)
    ds = xr.Dataset({v: meas[v] for v in ("measured", "sigma", "model", "pull", "observable_units", "bound")})
    best = json.loads(fit.attrs["best_fit"])
    for k, v in best.items():
        ds[f"best_{k}"] = var(
            (), v, PARAMETERS[k][4], f"best fit: {PARAMETERS[k][5]}", fit_bounds=fit[k].attrs["fit_bounds"]
        )
    for v in ("chi2", "dof", "p_value"):
        ds[v] = fit[v]
    ds.attrs["fixed_text"] = _fixed_text(fit, list(best))
    ds.attrs["consistent"] = int(fit.attrs["consistent"])
    model = json.loads(fit.attrs["best_fit_quantities"])
    reach = json.loads(fit.attrs["model_reach"])
    if "measured_gap2_Tc_max_alpha" in fit.attrs and "gap2_Tc_max_alpha" in reach:
        ds.attrs["gap2_Tc_max_alpha_check"] = json.dumps(
            {
                "measured": float(fit.attrs["measured_gap2_Tc_max_alpha"]),
                "best_fit": float(model["gap2_Tc_max_alpha"]),
                "largest_evaluated": float(reach["gap2_Tc_max_alpha"][1]),
            }
        )
    return _figure_dataset(ds, f"Summary of fit '{fit.attrs['param_fit']}'", fit)


def chi2_text(chi2: float, dof: int, p: float) -> list[str]:
    """chi2, degrees of freedom and p-value in words, as the fit defines them.

    dof = two-sided observables - free parameters
    (:attr:`triplon.studies.experiment.fit.FitResult.p_value`); for dof = 0 (as many free
    parameters as measured values) no chi2 distribution exists, and the fit takes p from the
    one with 1 degree of freedom, a convention that the text states.
    """
    head = rf"$\chi^2$ = {chi2:.3g}, dof = {dof} (two-sided observables $-$ free parameters)"
    if dof >= 1:
        return [head, f"p-value = {p:.2g}"]
    return [
        head,
        rf"p-value = {p:.2g}, taken with 1 dof: for dof = {dof} (as many free parameters as",
        r"measured values) no $\chi^2$ distribution exists; p and the verdict are a convention",
    ]


def summary_lines(ds: xr.Dataset) -> list[str]:
    """The table of :func:`summary_plot`, line by line (matplotlib mathtext)."""
    from triplon.studies.experiment.catalogue import P_CONSISTENT

    lines = [f"experiment: {ds.attrs['param_experiment']}", "best fit:"]
    for k in [v[5:] for v in ds.data_vars if v.startswith("best_")]:
        lo, hi = ds[f"best_{k}"].attrs["fit_bounds"]
        u = ds[f"best_{k}"].attrs["units"]
        unit = "" if u == "1" else " " + u
        lines.append(
            f"    {_symbol(k)} = {float(ds[f'best_{k}']):.4g}{unit}   (bounds [{lo:g}, {hi:g}]{unit})"
        )
    lines += chi2_text(float(ds.chi2), int(ds.dof), float(ds.p_value))
    lines.append(
        "verdict: "
        + (
            f"consistent (p \N{GREATER-THAN OR EQUAL TO} {P_CONSISTENT:g})"
            if ds.attrs["consistent"]
            else f"in tension (p < {P_CONSISTENT:g})"
        )
    )
    if "gap2_Tc_max_alpha_check" in ds.attrs:
        c = json.loads(ds.attrs["gap2_Tc_max_alpha_check"])
        lines.append(
            rf"{QLABEL['gap2_Tc_max_alpha']}: measured {c['measured']:.3g}, best fit {c['best_fit']:.3g}, "
            f"largest evaluated {c['largest_evaluated']:.3g}"
        )
    lines.append(r"measured $\pm\sigma$ against the best-fit model:")
    for o in [str(o) for o in ds.observable.values]:
        u = str(ds.observable_units.sel(observable=o).values)
        unit = "" if u == "1" else f" {u}"
        bound = str(ds.bound.sel(observable=o).values)
        m, sig = float(ds.measured.sel(observable=o)), float(ds.sigma.sel(observable=o))
        lines.append(
            f"    {QLABEL.get(o, o)}"
            + ("" if bound == "none" else f" ({bound} bound)")
            + rf": {m:.3g} $\pm$ {sig:.2g}{unit}, model {float(ds.model.sel(observable=o)):.3g}{unit}"
        )
    return lines


def summary_plot(ds: xr.Dataset, plt):
    """Draw :func:`summary_data`: a pull chart and a table of the fit.

    Parameters
    ----------
    ds : xarray.Dataset
        The figure's data, as returned by the matching ``*_data`` function.
    plt : module
        :mod:`matplotlib.pyplot`, styled by :mod:`triplon.plotting`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import Patch

    fig, (ax, tx) = plt.subplots(1, 2, figsize=(2 * WIDTH, 2.4), gridspec_kw={"width_ratios": [1.0, 1.25]})
    obs = [str(o) for o in ds.observable.values]
    y = np.arange(len(obs))[::-1]
    ax.axvspan(-2, 2, color="0.9", lw=0)
    ax.axvspan(-1, 1, color="0.8", lw=0)
    pulls = ds.pull.values
    ax.barh(y, pulls, color=["#c8102e" if abs(p) > 2 else "#1f4fbf" for p in pulls], height=0.5)
    ax.axvline(0, color="k", lw=0.6)
    ax.set_yticks(
        y,
        [
            QLABEL.get(o, o) + (" (bound)" if str(ds.bound.sel(observable=o).values) != "none" else "")
            for o in obs
        ],
    )
    lim = max(3.0, float(np.max(np.abs(pulls))) * 1.15)
    ax.set_xlim(-lim, lim)
    ax.set_xlabel(r"pull (model $-$ measured)/$\sigma$")
    ax.legend(
        handles=[
            Patch(color="0.8", label=r"$\pm1\sigma$"),
            Patch(facecolor="0.9", edgecolor="0.6", lw=0.5, label=r"$\pm2\sigma$"),
            Patch(color="#1f4fbf", label=r"$|$pull$|\leq2$"),
            Patch(color="#c8102e", label=r"$|$pull$|>2$"),
        ],
        fontsize=6,
        frameon=False,
        loc="lower right",
    )
    tx.axis("off")
    tx.text(
        0.0,
        1.0,
        "\n".join(summary_lines(ds)),
        va="top",
        ha="left",
        fontsize=6.5,
        linespacing=1.35,
        transform=tx.transAxes,
    )
    fig.suptitle(f"{ds.attrs['param_fit']}: fixed {ds.attrs['fixed_text']}", fontsize=7, y=1.02)
    return fig


__all__ = [
    "AXIS",
    "QLABEL",
    "DCHI2",
    "chi2_map_data",
    "chi2_map_plot",
    "chi2_text",
    "summary_data",
    "summary_lines",
    "summary_plot",
]

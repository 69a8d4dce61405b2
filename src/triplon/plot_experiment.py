"""Figures of the fits to experiment, each rendered from a Dataset holding exactly its data.

``render_experiment_figure(name, fit, numerics, pdf, png)`` builds the figure's
Dataset from a fit file (``results/experiments/<fit>/fit.nc``, see
:func:`triplon.experiment.fit_dataset`), draws it in the paper style of
:mod:`triplon.plotting` and returns the Dataset. Figures:

* ``chi2_map``: chi2 over the two leading free parameters (other free
  parameters at their best fit), Δchi2 = 2.30 and 6.18 contours, best fit and
  the paper's point marked (a curve for a single free parameter);
* ``gap_distribution``: Fermi-line weight at each |Delta_b| (T -> 0) at the best
  fit and at the paper's point, with the measured gaps;
* ``spectrum``: quasiparticle DOS (:func:`triplon.spectrum.spectrum_point`) at
  the best fit and at the paper's point, with the measured gaps;
* ``summary``: pulls and the table of best-fit values, chi2, dof, p-value.

Gaps in meV, temperatures in K.
"""

from __future__ import annotations

import json
import math

import numpy as np
import xarray as xr

from triplon.dataset import var, with_provenance
from triplon.plotting import COLORS, LABELS, WIDTH, _style, save_figure

AXIS = {
    "n_c": r"$n_c$",
    "lam": r"$\lambda$",
    "V": r"$V$ (eV)",
    "kappa": r"$\kappa$",
    "kappa_a": r"$\kappa_a$",
    "kappa_b": r"$\kappa_b$",
    "omega": r"$\Omega$ (eV)",
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
}
"""Labels (matplotlib mathtext) of the quantities of :data:`triplon.experiment.QUANTITIES`."""
DCHI2 = (2.30, 6.18)
"""chi2_min + these: 68 % and 95 % regions for two parameters."""


def _fmt(name: str, v: float) -> str:
    return f"{AXIS.get(name, name).split(' (')[0]} = {v:.3g}" + (" eV" if name in ("omega", "V") else "")


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
        A fit file (``results/experiments/<fit>/fit.nc``, :func:`triplon.experiment.fit_dataset`).

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
    from triplon.sweep import PARAMETERS

    for a in axes:
        u, ln = PARAMETERS[a][4], PARAMETERS[a][5]
        ds[f"best_{a}"] = var((), best[a], u, f"best fit: {ln}")
        if a in paper:
            ds[f"paper_{a}"] = var((), paper[a], u, f"the paper's point: {ln}")
    ds["chi2"] = fit["chi2"]
    ds.attrs["axes"] = ",".join(axes)
    ds.attrs["contour_levels_chi2"] = [float(fit["chi2"]) + d for d in DCHI2]
    ds.attrs["fixed_text"] = _fixed_text(fit, axes)
    return _figure_dataset(ds, f"chi2 map of fit '{fit.attrs['param_fit']}'", fit)


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
        if f"paper_{axes[0]}" in ds:
            ax.axvline(float(ds[f"paper_{axes[0]}"]), color="0.4", ls="--", lw=1.0, label="paper's point")
        ax.set_yscale("log")
        ax.set_xlabel(AXIS.get(axes[0], axes[0]))
        ax.set_ylabel(r"$\chi^2$")
        ax.legend(frameon=False, fontsize=7)
        ax.set_title(title, fontsize=6.5, wrap=True)
        return fig
    fig, ax = plt.subplots(figsize=(WIDTH + 0.6, 3.0))
    x = ds[f"{axes[0]}_map"].values
    y = ds[f"{axes[1]}_map"].values
    z = c.transpose(f"{axes[1]}_map", f"{axes[0]}_map").values
    finite = z[np.isfinite(z) & (z > 0)]
    vmin = max(float(finite.min()), 1e-2) if finite.size else 1e-2
    vmax = max(float(finite.max()), 10 * vmin) if finite.size else 1.0
    cmap = plt.get_cmap("viridis_r").copy()
    cmap.set_bad("0.55")
    im = ax.pcolormesh(x, y, np.clip(z, vmin, vmax), shading="nearest", norm=LogNorm(vmin, vmax), cmap=cmap)
    fig.colorbar(im, ax=ax, label=r"$\chi^2$")
    handles = []
    if np.isnan(z).any():
        from matplotlib.patches import Patch

        handles.append(Patch(color="0.55", label="no converged gap"))
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
    if f"paper_{axes[0]}" in ds and f"paper_{axes[1]}" in ds:
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
    ax.set_title(title, fontsize=6.5, wrap=True)
    return fig


# ------------------------------------------------------- gap distribution


def _solution(point: dict, numerics: dict):
    """Model quantities, band parameters and Fermi-level data at a point."""
    from triplon.experiment import ModelCache, model_quantities
    from triplon.sweep import resolve_point

    cache = ModelCache(numerics)
    m = model_quantities(point, cache)
    return m, resolve_point(point)


def gap_histogram(A: float, B: float, band: str, mu: float, params, edges, n: int = 1500):
    """rho_b(Delta): Fermi-line weight per |Delta_b| = |A + B eta^2| (eV) in bins ``edges`` (meV).

    Normalised to unit area (1/meV); weights of the exact Fermi-line quadrature
    with ``n`` Gauss nodes per piece. Returns rho at the bin centres.

    Parameters
    ----------
    A, B : float
        Gap coefficients of Delta_b = A_b + B_b eta^2 (eV, Eq. 15).
    band : {"alpha", "beta"}
    mu : float
        Chemical potential (eV).
    params : BandParams
        Band parameters.
    edges : ndarray, shape (m + 1,)
        Bin edges of |Delta| (meV).
    n : int
        Gauss nodes per piece of the Fermi-line quadrature.

    Returns
    -------
    ndarray, shape (m,)
        Weight per |Delta| (1/meV), unit area.
    """
    from triplon.dos import fermi_line_quadrature

    cx, cy, w = fermi_line_quadrature(band, mu, params, n)
    g = 1e3 * np.abs(A + B * (cx - cy) ** 2)
    rho, _ = np.histogram(g, bins=edges, weights=w)
    return rho / (w.sum() * np.diff(edges))


def gap_distribution_data(fit: xr.Dataset, numerics: dict, bins: int = 120) -> xr.Dataset:
    """Data of the ``gap_distribution`` figure: Fermi-line weight per |Delta_b| (T -> 0).

    At the best fit and at the paper's point (suffix ``_best``, ``_paper``).

    Parameters
    ----------
    fit : xarray.Dataset
        A fit file (``results/experiments/<fit>/fit.nc``, :func:`triplon.experiment.fit_dataset`).
    numerics : dict
        The ``numerics`` section of the configuration.
    bins : int
        Number of |Delta| bins, from 0 to 1.05 x the largest gap (or measured gap + sigma).

    Returns
    -------
    xarray.Dataset
        ``rho_<tag>`` (band, ``gap_<tag>``; 1/meV, unit area per band) with the
        bin centres ``gap_<tag>`` (meV); scalars ``gap_min_<b>_<tag>``,
        ``gap_max_<b>_<tag>`` (meV) and ``Tc_K_<tag>`` (K); the measured gaps
        ``measured``, ``sigma`` (meV) along ``observable``.

    Raises
    ------
    RuntimeError
        The gap equation has no converged solution at one of the two points.
    """
    from triplon.params import BANDS, BandParams

    data, coords = {}, {}
    points = (
        ("best", json.loads(fit.attrs["best_fit_point"])),
        ("paper", json.loads(fit.attrs["paper_point"])),
    )
    for tag, point in points:
        m, r = _solution(point, numerics)
        if not all(math.isfinite(m.get(f"A_{b}", math.nan)) for b in BANDS):
            raise RuntimeError(f"no converged gap at the {tag} point {point}: {m['status']}")
        top = max(m[f"gap_max_{b}"] for b in BANDS)
        if tag == "best":
            meas = _measured(fit, energy_only=True)
            top = max([top, *(meas.measured + meas.sigma).values.tolist()])
        edges = np.linspace(0.0, 1.05 * top, bins + 1)
        params = BandParams(**r["band"])
        rows = [gap_histogram(m[f"A_{b}"], m[f"B_{b}"], b, m["mu"], params, edges) for b in BANDS]
        data[f"rho_{tag}"] = var(
            ("band", f"gap_{tag}"),
            np.array(rows),
            "1/meV",
            f"Fermi-line weight per |Delta| (unit area per band), {tag} point",
        )
        centres = 0.5 * (edges[1:] + edges[:-1])
        coords[f"gap_{tag}"] = (
            f"gap_{tag}",
            centres,
            {"units": "meV", "long_name": f"|Delta| ({tag} point)"},
        )
        for b in BANDS:
            data[f"gap_min_{b}_{tag}"] = var((), m[f"gap_min_{b}"], "meV", f"min |Delta_{b}|, {tag} point")
            data[f"gap_max_{b}_{tag}"] = var((), m[f"gap_max_{b}"], "meV", f"max |Delta_{b}|, {tag} point")
        data[f"Tc_K_{tag}"] = var((), m["Tc_K"], "K", f"T_c, {tag} point")
    coords["band"] = ("band", list(BANDS), {"long_name": "conduction band"})
    ds = xr.Dataset(data, coords=coords)
    meas = _measured(fit, energy_only=True)
    for v in ("measured", "sigma"):
        ds[v] = meas[v].assign_attrs(units="meV")
    ds.attrs["fixed_text"] = _fixed_text(fit, [])
    return _figure_dataset(ds, f"Gap distributions of fit '{fit.attrs['param_fit']}'", fit)


def _measured_lines(ax, ds, handles):
    from matplotlib.patches import Patch

    shades = {"alpha": COLORS["alpha"], "beta": COLORS["beta"]}
    for o in ds.observable.values:
        o = str(o)
        band = "alpha" if o.endswith("alpha") else "beta"
        m, s = float(ds.measured.sel(observable=o)), float(ds.sigma.sel(observable=o))
        ax.axvspan(m - s, m + s, color=shades[band], alpha=0.15, lw=0)
        ax.axvline(m, color=shades[band], ls=":", lw=1.0)
    if ds.observable.size:
        handles.append(Patch(color="0.5", alpha=0.3, label=r"measured (dotted) $\pm\sigma$"))


def gap_distribution_plot(ds: xr.Dataset, plt):
    """Draw :func:`gap_distribution_data`: two panels, best fit and paper's point, measured gaps ± sigma.

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
    fig, axs = plt.subplots(1, 2, figsize=(2 * WIDTH, 2.6))
    for ax, tag, name in ((axs[0], "best", "best fit"), (axs[1], "paper", "paper's point")):
        handles = []
        for b in ds.band.values:
            (h,) = ax.plot(ds[f"gap_{tag}"], ds[f"rho_{tag}"].sel(band=b), color=COLORS[b], label=LABELS[b])
            handles.append(h)
        if tag == "best":
            _measured_lines(ax, ds, handles)
        ax.set_xlabel(r"$|\Delta|$ (meV)")
        ax.set_ylabel(r"$\rho(|\Delta|)$ (1/meV)")
        ax.set_xlim(0, float(ds[f"gap_{tag}"].max()))
        ax.set_ylim(bottom=0)
        ax.set_title(f"{name}: $T_c$ = {float(ds[f'Tc_K_{tag}']):.3g} K", fontsize=7.5)
        ax.legend(
            handles=handles,
            frameon=False,
            fontsize=6.5,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.2),
            ncol=3,
        )
    fig.suptitle(f"{ds.attrs['param_fit']}: fixed {ds.attrs['fixed_text']}", fontsize=7, y=1.04)
    return fig


# ---------------------------------------------------------------- summary


def summary_data(fit: xr.Dataset) -> xr.Dataset:
    """Data of the ``summary`` figure: pulls, best-fit values, chi2, dof and p-value.

    Parameters
    ----------
    fit : xarray.Dataset
        A fit file (``results/experiments/<fit>/fit.nc``, :func:`triplon.experiment.fit_dataset`).

    Returns
    -------
    xarray.Dataset
        Along ``observable``: ``measured``, ``sigma``, ``model`` (canonical
        units in ``observable_units``), ``pull`` (sigma) and ``bound``; scalars
        ``best_<p>`` (units of the parameter, attribute ``fit_bounds``),
        ``chi2``, ``dof``, ``p_value``.
    """
    from triplon.sweep import PARAMETERS

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
        ds.attrs["gap2_Tc_line"] = (
            f"2max|D_a|/kTc: measured {fit.attrs['measured_gap2_Tc_max_alpha']:.3g}, "
            f"fit {model['gap2_Tc_max_alpha']:.3g}, largest seen {reach['gap2_Tc_max_alpha'][1]:.3g}"
        )
    return _figure_dataset(ds, f"Summary of fit '{fit.attrs['param_fit']}'", fit)


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
    lines = [f"experiment: {ds.attrs['param_experiment']}"]
    for k in [v[5:] for v in ds.data_vars if v.startswith("best_")]:
        lo, hi = ds[f"best_{k}"].attrs["fit_bounds"]
        u = ds[f"best_{k}"].attrs["units"]
        lines.append(f"{k} = {float(ds[f'best_{k}']):.4g}{'' if u == '1' else ' ' + u}   in [{lo:g}, {hi:g}]")
    lines.append(
        f"chi2 = {float(ds.chi2):.3g},  dof = {int(ds.dof)},  p = {float(ds.p_value):.2g}"
        + ("" if int(ds.dof) >= 1 else " (1 dof)")
    )
    lines.append("verdict: " + ("consistent" if ds.attrs["consistent"] else "in tension"))
    if "gap2_Tc_line" in ds.attrs:
        lines.append(ds.attrs["gap2_Tc_line"])
    for o in obs:
        u = str(ds.observable_units.sel(observable=o).values)
        unit = "" if u == "1" else f" {u}"
        lines.append(
            f"{o}: {float(ds.measured.sel(observable=o)):.3g} ± {float(ds.sigma.sel(observable=o)):.2g}{unit}"
            f" vs model {float(ds.model.sel(observable=o)):.3g}"
        )
    tx.text(
        0.0,
        1.0,
        "\n".join(lines),
        va="top",
        ha="left",
        fontsize=6.5,
        family="monospace",
        transform=tx.transAxes,
    )
    fig.suptitle(f"{ds.attrs['param_fit']}: fixed {ds.attrs['fixed_text']}", fontsize=7, y=1.02)
    return fig


# --------------------------------------------------------------- spectrum


GAMMA_FRACTION = 0.03
"""Dynes broadening of the spectrum figure: this fraction of the largest model gap."""


def _spectrum_at(point: dict, emax: float | None, gamma: float | None):
    """:func:`triplon.spectrum.spectrum_point` at a fit-style parameter point (T -> 0)."""
    from triplon.params import BandParams
    from triplon.spectrum import spectrum_point
    from triplon.sweep import resolve_point

    r = resolve_point(point)
    kw = {"lam": r["lam"]} if "lam" in r else {"lam": None, "V": r["V"]}
    return spectrum_point(
        n_c=r["n_c"],
        kappa=None,
        kappa_a=r["kappa_a"],
        kappa_b=r["kappa_b"],
        omega=r["omega"],
        T=0.0,
        gamma=gamma,
        emax=emax,
        points=801,
        params=BandParams(**r["band"]),
        **kw,
    )


def spectrum_data(fit: xr.Dataset, numerics: dict) -> xr.Dataset:
    """Data of the ``spectrum`` figure: quasiparticle DOS at the best fit and at the paper's point.

    Per spin, relative to the normal-state N_alpha + N_beta, from
    :func:`triplon.spectrum.spectrum_point` with Dynes broadening
    :data:`GAMMA_FRACTION` x the largest gap, T -> 0.

    Parameters
    ----------
    fit : xarray.Dataset
        A fit file (``results/experiments/<fit>/fit.nc``, :func:`triplon.experiment.fit_dataset`).
    numerics : dict
        The ``numerics`` section of the configuration.

    Returns
    -------
    xarray.Dataset
        ``dos_<tag>`` (band, ``energy_<tag>``) and ``dos_total_<tag>``
        (``energy_<tag>``), dimensionless, over ``energy_<tag>`` (meV),
        tag ``best`` or ``paper``; scalars ``gamma_<tag>``,
        ``gap_min_<b>_<tag>``, ``gap_max_<b>_<tag>`` (meV); the measured gaps
        ``measured``, ``sigma`` (meV) along ``observable``.

    Raises
    ------
    RuntimeError
        The gap equation has no converged solution at one of the two points.
    """
    from triplon.params import BANDS

    data, coords = {}, {}
    meas = _measured(fit, energy_only=True)
    points = (
        ("best", json.loads(fit.attrs["best_fit_point"])),
        ("paper", json.loads(fit.attrs["paper_point"])),
    )
    for tag, point in points:
        m, _ = _solution(point, numerics)
        gmax = max(m[f"gap_max_{b}"] for b in BANDS) * 1e-3  # eV
        if not math.isfinite(gmax):
            raise RuntimeError(f"no converged gap at the {tag} point {point}: {m['status']}")
        top = gmax
        if tag == "best" and meas.observable.size:
            top = max(top, float((meas.measured + meas.sigma).max()) * 1e-3)
        gamma = GAMMA_FRACTION * gmax
        s = _spectrum_at(point, 1.5 * top, gamma)
        norm = s.dos_normal_alpha + s.dos_normal_beta
        e = f"energy_{tag}"
        coords[e] = (e, 1e3 * s.energy, {"units": "meV", "long_name": f"energy E ({tag} point)"})
        data[f"dos_{tag}"] = var(
            ("band", e),
            np.array([s.dos_alpha, s.dos_beta]) / norm,
            "1",
            f"quasiparticle DOS per band / (N_alpha + N_beta), {tag} point",
        )
        data[f"dos_total_{tag}"] = var(
            (e,), s.dos_total / norm, "1", f"total quasiparticle DOS / normal state, {tag}"
        )
        data[f"gamma_{tag}"] = var((), 1e3 * gamma, "meV", f"Dynes broadening, {tag} point")
        for b in BANDS:
            for k in ("min", "max"):
                data[f"gap_{k}_{b}_{tag}"] = var(
                    (), 1e3 * getattr(s, f"gap_{k}_{b}"), "meV", f"{k} |Delta_{b}|, {tag}"
                )
    coords["band"] = ("band", list(BANDS), {"long_name": "conduction band"})
    ds = xr.Dataset(data, coords=coords)
    for v in ("measured", "sigma"):
        ds[v] = meas[v].assign_attrs(units="meV")
    ds.attrs["fixed_text"] = _fixed_text(fit, [])
    ds.attrs["temperature"] = "T -> 0 (no thermal broadening)"
    return _figure_dataset(ds, f"Quasiparticle spectra of fit '{fit.attrs['param_fit']}'", fit)


def spectrum_plot(ds: xr.Dataset, plt):
    """Draw :func:`spectrum_data`: two panels, best fit and paper's point, measured gaps ± sigma.

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
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, axs = plt.subplots(1, 2, figsize=(2 * WIDTH, 2.6))
    for ax, tag, name in ((axs[0], "best", "best fit"), (axs[1], "paper", "paper's point")):
        e = ds[f"energy_{tag}"]
        ax.plot(e, ds[f"dos_total_{tag}"], color="k", lw=1.2)
        for b in ds.band.values:
            ax.plot(e, ds[f"dos_{tag}"].sel(band=b), color=COLORS[b], lw=0.9)
        handles = [
            Line2D([], [], color="k", label="total"),
            *(Line2D([], [], color=COLORS[b], lw=0.9, label=LABELS[b]) for b in ds.band.values),
        ]
        if tag == "best" and ds.observable.size:
            for o in ds.observable.values:
                o = str(o)
                c = COLORS["alpha" if o.endswith("alpha") else "beta"]
                mv, sv = float(ds.measured.sel(observable=o)), float(ds.sigma.sel(observable=o))
                for sgn in (-1, 1):
                    ax.axvspan(sgn * mv - sv, sgn * mv + sv, color=c, alpha=0.15, lw=0)
                    ax.axvline(sgn * mv, color=c, ls=":", lw=1.0)
            handles.append(Patch(color="0.5", alpha=0.3, label=r"measured gap (dotted) $\pm\sigma$"))
        ax.set_xlim(float(e[0]), float(e[-1]))
        ax.set_ylim(bottom=0)
        ax.set_xlabel(r"$E$ (meV)")
        ax.set_ylabel(r"$N_s(E)/(N_\alpha+N_\beta)$")
        ax.set_title(f"{name}: Dynes $\\Gamma$ = {float(ds[f'gamma_{tag}']):.2g} meV, $T\\to0$", fontsize=7.5)
        ax.legend(
            handles=handles,
            frameon=False,
            fontsize=6.5,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.2),
            ncol=4,
        )
    fig.suptitle(f"{ds.attrs['param_fit']}: fixed {ds.attrs['fixed_text']}", fontsize=7, y=1.04)
    return fig


# ------------------------------------------------------------------ render

EXPERIMENT_FIGURES = {
    "chi2_map": (lambda fit, numerics: chi2_map_data(fit), chi2_map_plot),
    "gap_distribution": (gap_distribution_data, gap_distribution_plot),
    "summary": (lambda fit, numerics: summary_data(fit), summary_plot),
    "spectrum": (spectrum_data, spectrum_plot),
}
"""name -> (data builder (fit, numerics), plotter)."""


def render_experiment_figure(name: str, fit: xr.Dataset, numerics: dict, pdf: str, png: str) -> xr.Dataset:
    """Build one fit figure's Dataset and save the PDF and PNG drawn from it.

    Parameters
    ----------
    name : str
        A key of :data:`EXPERIMENT_FIGURES`.
    fit : xarray.Dataset
        A fit file (``results/experiments/<fit>/fit.nc``, :func:`triplon.experiment.fit_dataset`).
    numerics : dict
        The ``numerics`` section of the configuration.
    pdf, png : str
        Output paths.

    Returns
    -------
    xarray.Dataset
        Exactly the plotted data, with provenance; the caller writes it as the figure's ``.nc``.
    """
    build, draw = EXPERIMENT_FIGURES[name]
    ds = build(fit, numerics)
    plt = _style()
    save_figure(draw(ds, plt), plt, pdf, png, bbox_inches="tight")
    return ds


__all__ = [
    "AXIS",
    "DCHI2",
    "EXPERIMENT_FIGURES",
    "GAMMA_FRACTION",
    "QLABEL",
    "chi2_map_data",
    "chi2_map_plot",
    "gap_distribution_data",
    "gap_distribution_plot",
    "gap_histogram",
    "render_experiment_figure",
    "spectrum_data",
    "spectrum_plot",
    "summary_data",
    "summary_plot",
]

"""Figures of the fits to experiment, each rendered from a Dataset holding exactly its data.

``render_experiment_figure(name, fit, numerics, pdf, png)`` builds the figure's
Dataset from a fit file (``results/experiments/<fit>/fit.nc``, see
:func:`triplon.studies.experiment.results.fit_dataset`), draws it in the paper style of
:mod:`triplon.plotting` and returns the Dataset. Figures:

* ``chi2_map``: chi2 over the two leading free parameters (other free
  parameters at their best fit), Δchi2 = 2.30 and 6.18 contours, best fit marked and
  the paper's point where the map holds the paper's values fixed, else a note says
  why not (a curve for a single free parameter);
* ``gap_distribution``: Fermi-line weight at each |Delta_b| (T -> 0) at the best
  fit and at the paper's point, with the measured gaps;
* ``spectrum``: quasiparticle DOS (:func:`triplon.observables.spectrum.spectrum_point`) at
  the best fit and at the paper's point, with the measured gaps; each panel's Dynes Gamma
  in its title and a note when the two differ;
* ``summary``: pulls and the table of best-fit values, chi2, dof, p-value.

Gaps in meV, temperatures in K.
"""

from __future__ import annotations

import json
import math

import numpy as np
import xarray as xr

from triplon.data.provenance import var
from triplon.plotting.fits import (
    _figure_dataset,
    _fixed_text,
    _measured,
    chi2_map_data,
    chi2_map_plot,
    summary_data,
    summary_plot,
)
from triplon.plotting.style import COLORS, LABELS, WIDTH, _style, save_figure

# ------------------------------------------------------- gap distribution


def _solution(point: dict, numerics: dict):
    """Model quantities, band parameters and Fermi-level data at a point."""
    from triplon.studies.experiment.model import ModelCache, model_quantities
    from triplon.studies.sweeps.grid import resolve_point

    cache = ModelCache(numerics)
    m = model_quantities(point, cache)
    return m, resolve_point(point)


def _gap_density(A: float, B: float, band: str, mu: float, params, edges, n: int = 1500):
    """Fermi-line weight per |Delta_b| (1/meV, unit area) in bins ``edges`` (meV).

    :func:`triplon.observables.fermi_line.gap_histogram` over the exact Fermi-line
    quadrature with ``n`` Gauss nodes per piece, at the bin centres.
    """
    from triplon.model.dos import fermi_line_quadrature
    from triplon.observables.fermi_line import gap_histogram

    cx, cy, w = fermi_line_quadrature(band, mu, params, n)
    rho = gap_histogram(A, B, (cx - cy) ** 2, w, 1e-3 * edges)
    return rho / (w.sum() * np.diff(edges))


def gap_distribution_data(fit: xr.Dataset, numerics: dict, bins: int = 120) -> xr.Dataset:
    """Data of the ``gap_distribution`` figure: Fermi-line weight per |Delta_b| (T -> 0).

    At the best fit and at the paper's point (suffix ``_best``, ``_paper``).

    Parameters
    ----------
    fit : xarray.Dataset
        A fit file (``results/experiments/<fit>/fit.nc``,
        :func:`triplon.studies.experiment.results.fit_dataset`).
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
    from triplon.model.params import BANDS, BandParams

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
        rows = [_gap_density(m[f"A_{b}"], m[f"B_{b}"], b, m["mu"], params, edges) for b in BANDS]
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


def _tc_caveat(ds, tag: str) -> str:
    """A second title line when the point's T_c is above the plausible scale (caveat bit 64)."""
    from triplon.pairing.caveats import TC_PLAUSIBLE_K

    tc = float(ds[f"Tc_K_{tag}"]) if f"Tc_K_{tag}" in ds else math.nan
    if tc > TC_PLAUSIBLE_K:
        return "\n" + rf"(caveat: $T_c$ = {tc:.0f} K > {TC_PLAUSIBLE_K:.0f} K, an unphysical scale)"
    return ""


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
        ax.set_title(f"{name}: $T_c$ = {float(ds[f'Tc_K_{tag}']):.3g} K" + _tc_caveat(ds, tag), fontsize=7.5)
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


# --------------------------------------------------------------- spectrum


def _point_tc_K(point: dict, numerics: dict) -> float:
    """T_c (K) of a fit-style point, by the fits' own model (for the caveat of the figure)."""
    from triplon.studies.experiment.model import ModelCache, model_quantities

    return float(model_quantities(point, ModelCache(numerics)).get("Tc_K", math.nan))


GAMMA_FRACTION = 0.03
"""Dynes broadening of the spectrum figure: this fraction of the largest model gap."""


def _spectrum_at(point: dict, numerics: dict, top: float | None = None):
    """Spectrum at a fit-style parameter point (T -> 0), its gaps solved once.

    Gamma is :data:`GAMMA_FRACTION` x the largest model gap on either Fermi line, the
    window 1.5 x the larger of that gap and ``top`` (eV). Returns the
    :class:`~triplon.observables.spectrum.SpectrumResult` and Gamma (eV).
    """
    from triplon.model.params import BANDS, BandParams
    from triplon.observables.fermi_line import fermi_line_eta2_range, gap_range
    from triplon.observables.spectrum import point_gaps, point_summary, spectrum_at
    from triplon.pairing.point import pairing_point
    from triplon.studies.sweeps.grid import resolve_point

    r = resolve_point(point)
    params = BandParams(**r["band"])
    if r.get("method") == "eliashberg":
        return _eliashberg_spectrum_at(r, params, numerics)
    strength = {"lam": r["lam"]} if "lam" in r else {"V": r["V"]}
    try:
        p = pairing_point(
            n_c=r["n_c"],
            params=params,
            kappa_a=r["kappa_a"],
            kappa_b=r["kappa_b"],
            omega=r["omega"],
            T=0.0,
            **strength,
            **numerics.get("shell", {}),
        )
        summary = point_summary(p, params)
        gaps, status = point_gaps(p, summary=summary)
    except ValueError as exc:
        raise RuntimeError(f"no converged gap at the point {point}: {exc}") from None
    n = numerics.get("quadrature_nodes", 24)
    gmax = max(gap_range(*gaps[b], *fermi_line_eta2_range(b, p.fermi.mu, params, n))[1] for b in BANDS)
    if not math.isfinite(gmax):
        raise RuntimeError(f"no Fermi-line gap at the point {point}: {status}")
    gamma = GAMMA_FRACTION * gmax
    window = 1.5 * max(gmax, top or 0.0)
    return spectrum_at(p, gaps, status, gamma, window, 801, params, summary=summary), gamma


def _eliashberg_spectrum_at(r: dict, params, numerics: dict):
    """The spectrum of retarded exchange at a resolved point (T_c/5; the window holds the dip).

    :func:`triplon.observables.eliashberg.eliashberg_solve` with Gamma =
    :data:`GAMMA_FRACTION` x the largest gap edge; returned with the fields of a
    :class:`~triplon.observables.spectrum.SpectrumResult` that the figure reads, and Gamma.
    """
    from types import SimpleNamespace

    from triplon.model.dos import fermi_level
    from triplon.model.params import BANDS
    from triplon.observables.eliashberg import eliashberg_solve
    from triplon.pairing.point import resolve_V

    n = numerics.get("quadrature_nodes", 24)
    fl = fermi_level(n_c=r["n_c"], params=params, n=n)
    V = resolve_V(fl, lam=r.get("lam"), V=r.get("V"))
    res = eliashberg_solve(
        fl,
        V,
        r["kappa_a"],
        r["kappa_b"],
        r["omega_T"],
        r["mu_star"],
        params,
        n,
        gamma_fraction=GAMMA_FRACTION,
    )
    if not (res.converged and res.Tc > 0 and res.energy is not None):
        raise RuntimeError(f"no converged Eliashberg gap at the point {r}: {res.status}")
    out = SimpleNamespace(energy=res.energy, dos_total=res.dos["alpha"] + res.dos["beta"])
    for b in BANDS:
        setattr(out, f"dos_{b}", res.dos[b])
        setattr(out, f"dos_normal_{b}", res.dos_normal[b])
        setattr(out, f"gap_min_{b}", res.gap_edge[b][0])
        setattr(out, f"gap_max_{b}", res.gap_edge[b][1])
    return out, res.gamma


def spectrum_data(fit: xr.Dataset, numerics: dict) -> xr.Dataset:
    """Data of the ``spectrum`` figure: quasiparticle DOS at the best fit and at the paper's point.

    Per spin, relative to the normal-state N_alpha + N_beta, from
    :func:`triplon.observables.spectrum.spectrum_point` with Dynes broadening
    :data:`GAMMA_FRACTION` x the largest gap, T -> 0.

    Parameters
    ----------
    fit : xarray.Dataset
        A fit file (``results/experiments/<fit>/fit.nc``,
        :func:`triplon.studies.experiment.results.fit_dataset`).
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
    from triplon.model.params import BANDS

    data, coords = {}, {}
    meas = _measured(fit, energy_only=True)
    points = (
        ("best", json.loads(fit.attrs["best_fit_point"])),
        ("paper", json.loads(fit.attrs["paper_point"])),
    )
    for tag, point in points:
        top = None
        if tag == "best" and meas.observable.size:
            top = float((meas.measured + meas.sigma).max()) * 1e-3  # eV
        s, gamma = _spectrum_at(point, numerics, top)
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
        data[f"Tc_K_{tag}"] = var((), _point_tc_K(point, numerics), "K", f"T_c, {tag} point")
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

    fig, axs = plt.subplots(1, 2, figsize=(2 * WIDTH, 2.6), layout="constrained")
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
        ax.set_title(
            f"{name}: Dynes $\\Gamma$ = {float(ds[f'gamma_{tag}']):.2g} meV, $T\\to0$" + _tc_caveat(ds, tag),
            fontsize=7.5,
        )
        ax.legend(
            handles=handles,
            frameon=False,
            fontsize=6.5,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.24),
            ncol=4,
        )
    fig.suptitle(f"{ds.attrs['param_fit']}: fixed {ds.attrs['fixed_text']}" + _gamma_note(ds), fontsize=7)
    return fig


def _gamma_note(ds: xr.Dataset) -> str:
    """A second title line when the two panels have different Dynes broadening ("" otherwise)."""
    best, paper = float(ds["gamma_best"]), float(ds["gamma_paper"])
    if math.isclose(best, paper, rel_tol=1e-3):
        return ""
    return (
        f"\nnote: Dynes broadening differs between the panels ($\\Gamma$ = {GAMMA_FRACTION:.0%} of each"
        f" point's largest gap): $\\Gamma$ = {best:.2g} meV (best fit), {paper:.2g} meV (paper's point);"
        "\npeak widths and heights do not compare directly"
    )


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
        A fit file (``results/experiments/<fit>/fit.nc``,
        :func:`triplon.studies.experiment.results.fit_dataset`).
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
    "gap_distribution_data",
    "gap_distribution_plot",
    "GAMMA_FRACTION",
    "spectrum_data",
    "spectrum_plot",
    "EXPERIMENT_FIGURES",
    "render_experiment_figure",
]

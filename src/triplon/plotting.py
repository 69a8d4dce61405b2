"""Paper-style figures rendered from the Dataset that holds exactly the plotted data.

For each figure name, :data:`FIGURES` gives the upstream files it needs, a
function turning them into the figure's Dataset (``results/figures/<name>.nc``)
and a function drawing that Dataset. Colours follow the paper: alpha blue,
beta red. Sized for a single journal column (3.4 in wide).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from triplon.dataset import var, with_provenance

COLORS = {"alpha": "#1f4fbf", "beta": "#c8102e"}
LABELS = {"alpha": r"$\alpha$", "beta": r"$\beta$"}
WIDTH = 3.4  # inches, single column
TICK_LABELS = {"Gamma": r"$\Gamma$", "X": "X", "M": "M", "Y": "Y"}


def _style():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 8,
            "axes.labelsize": 9,
            "legend.fontsize": 7,
            "xtick.direction": "in",
            "ytick.direction": "in",
            "xtick.top": True,
            "ytick.right": True,
            "lines.linewidth": 1.4,
            "savefig.dpi": 300,
            "pdf.fonttype": 42,
            "svg.hashsalt": "triplon",
            "axes.linewidth": 0.8,
        }
    )
    return plt


def _figure_dataset(ds: xr.Dataset, title: str, upstream: list[xr.Dataset]) -> xr.Dataset:
    params = {}
    for u in upstream:
        params.update({k[6:]: v for k, v in u.attrs.items() if k.startswith("param_")})
    params["upstream_config_sha256"] = ",".join(u.attrs.get("config_sha256", "") for u in upstream)
    return with_provenance(ds, title, params)


# ------------------------------------------------------------- data


def fig2a_data(bands):
    ds = bands[["xi"]].copy()
    ds.attrs = {k: bands.attrs[k] for k in ("high_symmetry_labels", "high_symmetry_positions")}
    return _figure_dataset(ds, "Fig. 2a: band dispersions along Gamma-X-M-Gamma", [bands])


def fig2b_data(fs):
    ds = fs[["kx_F", "ky_F"]].copy()
    ds.attrs = {k: fs.attrs[k] for k in ("pocket_centres", "pocket_kinds", "theta_convention")}
    return _figure_dataset(ds, "Fig. 2b: Fermi surfaces at the paper's chemical potential", [fs])


def fig3a_data(dos):
    ratio = dos["dos"].sel(band="beta") / dos["dos"].sel(band="alpha")
    ds = xr.Dataset(
        {"dos_ratio": var(("n_c",), ratio.values, "1", "N_beta/N_alpha at the Fermi level")},
        coords={"n_c": dos["n_c"]},
    )
    return _figure_dataset(ds, "Fig. 3a: DOS ratio N_beta/N_alpha against n_c", [dos])


def fig3b_data(gr):
    ds = gr[["gap_ratio", "gap_ratio_exact", "gap_ratio_weak"]].copy()
    return _figure_dataset(ds, "Fig. 3b: gap ratio against DOS ratio (Eqs. 17, 18)", [gr])


def fig4a_data(dos):
    ratio = dos["dos_eta2"] / dos["dos"]
    ds = xr.Dataset(
        {"dos_eta2_ratio": var(("band", "n_c"), ratio.values, "1", "Ñ/N (eta^2-weighted over bare DOS)")},
        coords={"band": dos["band"], "n_c": dos["n_c"]},
    )
    return _figure_dataset(ds, "Fig. 4a: Ñ/N against n_c", [dos])


def fig4b_data(gs):
    ds = gs[["gap"]].copy()
    ds.attrs = {"theta_convention": gs.attrs["theta_convention"]}
    return _figure_dataset(ds, "Fig. 4b: gap anisotropy from Eqs. 16 and 18", [gs])


def fig5_data(gs):
    ds = gs[["gap_full", "gap_eq16"]].copy()
    ds.attrs = {
        "theta_convention": gs.attrs["theta_convention"],
        "ratio_full": gs.attrs["ratio_full"],
        "ratio_eq18": gs.attrs["ratio_eq18"],
    }
    return _figure_dataset(ds, "Fig. 5: gap anisotropy, full solution against Eq. 16", [gs])


def fig6_data(gt):
    ds = gt[["gap"]].copy()
    ds.attrs = {"Tc": gt.attrs["Tc"], "Tc_kelvin": gt.attrs["Tc_kelvin"]}
    return _figure_dataset(ds, "Fig. 6: gap against temperature, full solution", [gt])


# ------------------------------------------------------------- plots


def _legend(ax, **kw):
    ax.legend(frameon=False, **kw)


def fig2a_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.6))
    for b in ds.band.values:
        ax.plot(ds.path, ds.xi.sel(band=b), color=COLORS[b], label=LABELS[b])
    pos = list(ds.attrs["high_symmetry_positions"])
    labels = str(ds.attrs["high_symmetry_labels"]).split(",")
    for x in pos[1:-1]:
        ax.axvline(x, color="0.6", lw=0.6)
    ax.axhline(0, color="k", lw=0.6, ls="--")
    ax.set_xticks(pos, [TICK_LABELS.get(t, t) for t in labels])
    ax.set_xlim(pos[0], pos[-1])
    ax.set_ylabel(r"$\xi_{\mathbf{k}}$ (eV)")
    _legend(ax, loc="upper left")
    return fig


def fig2b_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, WIDTH))
    for b in ds.band.values:
        x, y = ds.kx_F.sel(band=b).values, ds.ky_F.sel(band=b).values
        for sx in (-2 * np.pi, 0, 2 * np.pi):  # periodic images, clipped to the BZ
            for sy in (-2 * np.pi, 0, 2 * np.pi):
                ax.plot(
                    (x + sx) / np.pi,
                    (y + sy) / np.pi,
                    color=COLORS[b],
                    label=LABELS[b] if sx == sy == 0 else None,
                )
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_aspect("equal")
    ax.plot([-1, 1], [-1, 1], color="0.6", lw=0.6, ls=":")
    ax.set_xlabel(r"$k_x/\pi$")
    ax.set_ylabel(r"$k_y/\pi$")
    _legend(ax, loc="lower left")
    return fig


def fig3a_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.4))
    ax.plot(ds.n_c, ds.dos_ratio, color="k")
    ax.set_xlabel(r"$n_c$ (electrons per Ni)")
    ax.set_ylabel(r"$N_\beta/N_\alpha$")
    ax.set_xlim(float(ds.n_c[0]), float(ds.n_c[-1]))
    return fig


def fig3b_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.6))
    shades = plt.cm.viridis(np.linspace(0.15, 0.75, ds.lam.size))
    for lam, c in zip(ds.lam.values, shades):
        ax.plot(ds.r, ds.gap_ratio.sel(lam=lam), color=c, label=rf"Eq. 18, $\lambda={lam:g}$")
        ax.plot(
            ds.r,
            ds.gap_ratio_exact.sel(lam=lam),
            color=c,
            ls=":",
            lw=1.0,
            label=rf"Eq. 17 exact, $\lambda={lam:g}$",
        )
    ax.plot(ds.r, ds.gap_ratio_weak, color="k", ls="--", lw=1.0, label=r"$\sqrt{N_\beta/N_\alpha}$")
    ax.set_xlabel(r"$N_\beta/N_\alpha$")
    ax.set_ylabel(r"$\Delta_\alpha/\Delta_\beta$")
    ax.set_xlim(float(ds.r[0]), float(ds.r[-1]))
    _legend(ax, loc="upper left")
    return fig


def fig4a_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.4))
    for b in ds.band.values:
        ax.plot(ds.n_c, ds.dos_eta2_ratio.sel(band=b), color=COLORS[b], label=LABELS[b])
    ax.set_xlabel(r"$n_c$ (electrons per Ni)")
    ax.set_ylabel(r"$\tilde N/N$")
    ax.set_xlim(float(ds.n_c[0]), float(ds.n_c[-1]))
    _legend(ax)
    return fig


def _theta_axis(ax):
    ticks = np.arange(5) * np.pi / 8
    ax.set_xticks(ticks, ["0", r"$\pi/8$", r"$\pi/4$", r"$3\pi/8$", r"$\pi/2$"])
    ax.set_xlim(0, np.pi / 2)
    ax.set_xlabel(r"$\theta$ (around the pocket centre)")


def fig4b_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.4))
    for b in ds.band.values:
        ax.plot(ds.theta, ds.gap.sel(band=b), color=COLORS[b], label=LABELS[b])
    _theta_axis(ax)
    ax.set_ylabel(r"$\Delta(\theta)/\Delta_\alpha(0)$")
    _legend(ax)
    return fig


def fig5_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.4))
    for b in ds.band.values:
        ax.plot(ds.theta, ds.gap_full.sel(band=b), color=COLORS[b], label=f"{LABELS[b]} full")
        ax.plot(
            ds.theta, ds.gap_eq16.sel(band=b), color=COLORS[b], ls="--", lw=1.0, label=f"{LABELS[b]} Eq. 16"
        )
    _theta_axis(ax)
    ax.set_ylabel(r"$\Delta(\theta)/\Delta_\alpha(0)$")
    _legend(ax, ncol=2)
    return fig


def fig6_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.4))
    tc = float(ds.attrs["Tc"])
    for b in ds.band.values:
        ax.plot(
            ds["T"] * 1e3, ds.gap.sel(band=b) * 1e3, color=COLORS[b], label=rf"$\Delta_{LABELS[b][1:-1]}$"
        )
    ax.axvline(tc * 1e3, color="0.4", ls=":", lw=1.0)
    ax.annotate(r"$T_c$", (tc * 1e3, 0), xytext=(3, 5), textcoords="offset points")
    ax.set_xlabel(r"$k_BT$ (meV)")
    ax.set_ylabel(r"$|\Delta(\theta=\pi/4)|$ (meV)")
    ax.set_xlim(0, float(ds["T"].max()) * 1e3)
    ax.set_ylim(bottom=0)
    _legend(ax)
    return fig


FIGURES = {
    "fig2a": (["bands"], fig2a_data, fig2a_plot),
    "fig2b": (["fermi_surface"], fig2b_data, fig2b_plot),
    "fig3a": (["dos"], fig3a_data, fig3a_plot),
    "fig3b": (["gap_ratio"], fig3b_data, fig3b_plot),
    "fig4a": (["dos"], fig4a_data, fig4a_plot),
    "fig4b": (["gap_structure"], fig4b_data, fig4b_plot),
    "fig5": (["gap_structure"], fig5_data, fig5_plot),
    "fig6": (["gap_temperature"], fig6_data, fig6_plot),
}
"""name -> (upstream intermediates, data builder, plotter)."""


def render(name: str, upstream: list[xr.Dataset], pdf: str, png: str) -> xr.Dataset:
    """Build the figure's Dataset and save the PDF and PNG drawn from it."""
    _, build, draw = FIGURES[name]
    ds = build(*upstream)
    plt = _style()
    fig = draw(ds, plt)
    fig.tight_layout()
    fig.savefig(pdf, metadata={"CreationDate": None, "ModDate": None})
    fig.savefig(png, metadata={"Software": None})
    plt.close(fig)
    return ds


# ------------------------------------------------------------- sweeps

SWEEP_QUANTITIES = {
    "Tc_K": r"$T_c$ (K)",
    "Tc": r"$k_BT_c$ (eV)",
    "gap_ratio": r"$\Delta_\alpha/\Delta_\beta$ (full)",
    "ratio_eq17": r"$\Delta_\alpha/\Delta_\beta$ (Eq. 17)",
    "ratio_eq18": r"$\Delta_\alpha/\Delta_\beta$ (Eq. 18)",
    "anisotropy_alpha": r"$\max|\Delta_\alpha|/\min|\Delta_\alpha|$",
    "anisotropy_beta": r"$\max|\Delta_\beta|/\min|\Delta_\beta|$",
    "d_wave_leads": "leading channel",
    "lambda_d_at_Tc": r"$\lambda_d(T_c)$",
    "A_alpha": r"$\Delta_\alpha$ (eV)",
    "A_beta": r"$|\Delta_\beta|$ (eV)",
}
AXIS_LABELS = {
    "n_c": r"$n_c$",
    "lam": r"$\lambda$",
    "kappa": r"$\kappa$",
    "omega": r"$\Omega$ (eV)",
    "V": r"$V$ (eV)",
    "T": r"$T$ (eV)",
}


def default_sweep_figures(axes: list[str]) -> list[dict]:
    """Heat maps over the first two axes (faceted by the third) or lines for one axis."""
    quantities = [
        "Tc_K",
        "gap_ratio",
        "anisotropy_alpha",
        "anisotropy_beta",
        "lambda_d_at_Tc",
        "d_wave_leads",
    ]
    if len(axes) == 1:
        return [{"name": q, "quantity": q, "x": axes[0], "kind": "lines"} for q in quantities]
    base = {"x": axes[0], "y": axes[1], "kind": "heatmap"}
    if len(axes) > 2:
        base["facet"] = axes[2]
    return [{"name": q, "quantity": q, **base} for q in quantities]


def sweep_figure_data(pd: xr.Dataset, fig: dict, overlay: str | None, mark: dict | None) -> xr.Dataset:
    """The data of one sweep figure: the quantity over (facet, y, x), other axes at their first value."""
    from triplon.sweep import EXPERIMENT

    keep = [d for d in (fig.get("facet"), fig.get("y"), fig["x"]) if d]
    sel = {d: 0 for d in pd[fig["quantity"]].dims if d not in keep}
    q = pd[fig["quantity"]].isel(sel).transpose(*keep)
    ds = xr.Dataset({fig["quantity"]: q})
    ds.attrs["fixed_axes_at"] = json.dumps({d: float(pd[d].values[0]) for d in sel})
    if overlay == "stm" and fig.get("y"):
        lo, hi = EXPERIMENT["gap_ratio_range"]
        ratio = pd["gap_ratio"].isel(sel).transpose(*keep)
        ds["experiment_match"] = var(
            ratio.dims,
            ((ratio >= lo) & (ratio <= hi)).values.astype(np.int8),
            "1",
            "1 where the full gap ratio lies in the STM range",
        )
        r17 = pd["ratio_eq17"].isel(sel).transpose(*keep)
        ds["experiment_match_eq17"] = var(
            r17.dims,
            ((r17 >= lo) & (r17 <= hi)).values.astype(np.int8),
            "1",
            "1 where the Eq. 17 gap ratio lies in the STM range",
        )
        ds["Tc_K"] = pd["Tc_K"].isel(sel).transpose(*keep)
        ds.attrs.update(
            experiment=EXPERIMENT["name"],
            experiment_reference=EXPERIMENT["reference"],
            experiment_gap_ratio_range=list(EXPERIMENT["gap_ratio_range"]),
            experiment_Tc_onset_K=EXPERIMENT["Tc_onset_K"],
        )
    if mark:
        ds.attrs["marked_point"] = json.dumps(mark)
    return ds


def sweep_figure_plot(ds: xr.Dataset, fig: dict, plt):
    from triplon.sweep import EXPERIMENT

    q = ds[fig["quantity"]]
    facet = fig.get("facet")
    facets = list(q[facet].values) if facet else [None]
    n = len(facets)
    f, axs = plt.subplots(1, n, figsize=(min(WIDTH * n * 0.8, 12), 2.6), squeeze=False, sharey=True)
    label = SWEEP_QUANTITIES.get(fig["quantity"], fig["quantity"])
    mark = json.loads(ds.attrs["marked_point"]) if "marked_point" in ds.attrs else {}
    finite = q.values[np.isfinite(q.values)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0, 1)
    from matplotlib.colors import ListedColormap, LogNorm, Normalize

    cmap, norm, ticks = "viridis", Normalize(vmin, vmax), None
    if fig["quantity"] == "d_wave_leads":  # categorical
        cmap, norm, ticks = ListedColormap(["#9ecae1", "#fc9272"]), Normalize(-0.5, 1.5), [0, 1]
    elif fig["quantity"] in ("Tc", "Tc_K") and vmin > 0:
        norm = LogNorm(vmin, vmax)
    for ax, fv in zip(axs[0], facets):
        d = q.sel({facet: fv}) if facet else q
        if fig.get("kind", "heatmap") == "heatmap" and fig.get("y"):
            im = ax.pcolormesh(d[fig["x"]], d[fig["y"]], d.values, shading="nearest", cmap=cmap, norm=norm)
            if "experiment_match_eq17" in ds:
                m17 = ds["experiment_match_eq17"].sel({facet: fv}) if facet else ds["experiment_match_eq17"]
                if m17.values.any() and not m17.values.all():
                    ax.contour(
                        d[fig["x"]],
                        d[fig["y"]],
                        m17.values,
                        levels=[0.5],
                        colors="w",
                        linewidths=0.8,
                        linestyles=":",
                    )
            if "experiment_match" in ds:
                m = ds["experiment_match"].sel({facet: fv}) if facet else ds["experiment_match"]
                if m.values.any():
                    ax.contourf(
                        d[fig["x"]], d[fig["y"]], m.values, levels=[0.5, 1.5], colors="none", hatches=["////"]
                    )
                    ax.contour(d[fig["x"]], d[fig["y"]], m.values, levels=[0.5], colors="w", linewidths=0.8)
                tk = ds["Tc_K"].sel({facet: fv}) if facet else ds["Tc_K"]
                if np.nanmin(tk.values) < EXPERIMENT["Tc_onset_K"] < np.nanmax(tk.values):
                    ax.contour(
                        d[fig["x"]],
                        d[fig["y"]],
                        tk.values,
                        levels=[EXPERIMENT["Tc_onset_K"]],
                        colors="orange",
                        linewidths=1.0,
                        linestyles="--",
                    )
            if mark and fig["x"] in mark and fig["y"] in mark:
                ax.plot(mark[fig["x"]], mark[fig["y"]], marker="*", color="w", mec="k", ms=9)
            ax.set_ylabel(AXIS_LABELS.get(fig["y"], fig["y"]) if ax is axs[0][0] else "")
        else:
            for b in [None] if not fig.get("y") else list(d[fig["y"]].values):
                line = d if b is None else d.sel({fig["y"]: b})
                ax.plot(line[fig["x"]], line.values, label=None if b is None else f"{fig['y']} = {b:g}")
            ax.set_ylabel(label if ax is axs[0][0] else "")
        ax.set_xlabel(AXIS_LABELS.get(fig["x"], fig["x"]))
        if facet:
            ax.set_title(f"{AXIS_LABELS.get(facet, facet)} = {fv:g}", fontsize=8)
    if fig.get("kind", "heatmap") == "heatmap" and fig.get("y"):
        cb = f.colorbar(im, ax=axs[0].tolist(), label=label, shrink=0.9, ticks=ticks)
        if ticks:
            cb.ax.set_yticklabels([r"s$\pm$", "d"])
    return f


def render_sweep_figure(pd: xr.Dataset, fig: dict, overlay, mark, pdf: str, png: str) -> xr.Dataset:
    """Build one sweep figure's Dataset and save its PDF and PNG."""
    ds = sweep_figure_data(pd, fig, overlay, mark)
    ds = _figure_dataset(ds, f"Sweep figure {fig['name']}: {fig['quantity']}", [pd])
    plt = _style()
    f = sweep_figure_plot(ds, fig, plt)
    f.savefig(pdf, metadata={"CreationDate": None, "ModDate": None}, bbox_inches="tight")
    f.savefig(png, metadata={"Software": None}, bbox_inches="tight")
    plt.close(f)
    return ds


__all__ = [
    "FIGURES",
    "default_sweep_figures",
    "render",
    "render_sweep_figure",
    "sweep_figure_data",
]

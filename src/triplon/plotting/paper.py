"""Paper-style figures rendered from the Dataset that holds exactly the plotted data.

For each figure name, :data:`FIGURES` gives the upstream files it needs, a
function turning them into the figure's Dataset (``results/figures/<name>.nc``)
and a function drawing that Dataset. Colours follow the paper: alpha blue,
beta red. Sized for a single journal column (3.4 in wide).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from triplon.data.provenance import var
from triplon.plotting.eliashberg import ELIASHBERG_FIGURES
from triplon.plotting.style import (
    COLORS,
    CRITICAL_STYLE,
    LABELS,
    MEV_PER_EV,
    PLOTTED_GAP_MEV,
    PLOTTED_T_KELVIN,
    S_PM_TEXT,
    TICK_LABELS,
    WIDTH,
    _band_text,
    _figure_dataset,
    _legend,
    _num,
    _p,
    _point_text,
    _style,
    _title,
    save_figure,
)

# ------------------------------------------------------------- data


def fig2a_data(bands):
    ds = bands[["xi"]].copy()
    ds.attrs = {k: bands.attrs[k] for k in ("high_symmetry_labels", "high_symmetry_positions")}
    return _figure_dataset(ds, "Fig. 2a: band dispersions along Gamma-X-M-Gamma", [bands])


def fig2b_data(fs):
    ds = fs[["kx_F", "ky_F"]].copy()
    ds.attrs = {k: fs.attrs[k] for k in ("pocket_centres", "pocket_kinds", "theta_convention")}
    return _figure_dataset(ds, "Fig. 2b: Fermi surfaces at the paper's chemical potential", [fs])


def _with_critical(ds, dos):
    if "n_c_critical" in dos:
        ds["n_c_critical"] = dos["n_c_critical"]
    for k in ("n_c_grid", "n_c_grid_uniform"):
        if k in dos.attrs:
            ds.attrs[k] = dos.attrs[k]
    return ds


def fig3a_data(dos):
    ratio = dos["dos"].sel(band="beta") / dos["dos"].sel(band="alpha")
    ds = xr.Dataset(
        {"dos_ratio": var(("n_c",), ratio.values, "1", "N_beta/N_alpha at the Fermi level")},
        coords={"n_c": dos["n_c"]},
    )
    return _figure_dataset(_with_critical(ds, dos), "Fig. 3a: DOS ratio N_beta/N_alpha against n_c", [dos])


def fig3b_data(gr):
    ds = gr[["gap_ratio", "gap_ratio_exact", "gap_ratio_weak"]].copy()
    return _figure_dataset(ds, "Fig. 3b: gap ratio against DOS ratio (Eqs. 17, 18)", [gr])


def fig4a_data(dos):
    ratio = dos["dos_eta2"] / dos["dos"]
    ds = xr.Dataset(
        {"dos_eta2_ratio": var(("band", "n_c"), ratio.values, "1", "Ñ/N (eta^2-weighted over bare DOS)")},
        coords={"band": dos["band"], "n_c": dos["n_c"]},
    )
    return _figure_dataset(_with_critical(ds, dos), "Fig. 4a: Ñ/N against n_c", [dos])


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
    ds["gap"].attrs["plotted_as"] = PLOTTED_GAP_MEV
    ds["T"].attrs["plotted_as"] = PLOTTED_T_KELVIN
    ds.attrs = {
        "Tc": gt.attrs["Tc"],
        "Tc_kelvin": gt.attrs["Tc_kelvin"],
        "caveats": gt.attrs.get("caveats", ""),
    }
    if "T_grid" in gt.attrs:
        ds.attrs["T_grid"] = gt.attrs["T_grid"]
    return _figure_dataset(ds, "Fig. 6: gap against temperature, full solution", [gt])


def _critical_lines(ax, ds):
    """Thin vertical lines at the critical fillings, labelled for the legend."""
    if "n_c_critical" not in ds:
        return
    for i in range(ds.sizes["critical"]):
        c = ds["n_c_critical"].isel(critical=i)
        kind = str(c["critical_kind"].values) if "critical_kind" in c.coords else "critical"
        band = str(c["critical_band"].values) if "critical_band" in c.coords else ""
        x = float(c)
        if not float(ds.n_c[0]) <= x <= float(ds.n_c[-1]):
            continue
        style = CRITICAL_STYLE.get(kind, {"ls": "--", "color": "0.5"})
        ax.axvline(x, lw=0.7, zorder=0, **style, label=f"{kind} ({LABELS.get(band, band)}), $n_c={x:.3f}$")


def fig2a_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.7))
    for b in ds.band.values:
        ax.plot(ds.path, ds.xi.sel(band=b), color=COLORS[b], label=LABELS[b])
    pos = list(ds.attrs["high_symmetry_positions"])
    labels = str(ds.attrs["high_symmetry_labels"]).split(",")
    for x in pos[1:-1]:
        ax.axvline(x, color="0.6", lw=0.6)
    mu = _p(ds, "mu")
    ax.axhline(0, color="k", lw=0.7, ls="--", label=r"$E_F$ ($\xi=0$)")
    ax.set_xticks(pos, [TICK_LABELS.get(t, t) for t in labels])
    ax.set_xlim(pos[0], pos[-1])
    ax.set_ylabel(r"$\xi_{\mathbf{k}}=\varepsilon_{\mathbf{k}}-\mu$ (eV)")
    ax.set_xlabel("wave vector (path in the Brillouin zone)")
    _title(
        ax, "bands of Eq. 5 at " + (rf"$\mu={_num(mu)}$ eV" if mu is not None else "") + "\n" + _band_text(ds)
    )
    _legend(ax, loc="upper left")
    return fig


def fig2b_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, WIDTH + 0.15))
    kinds = str(ds.attrs.get("pocket_kinds", "")).split(",")
    centres = str(ds.attrs.get("pocket_centres", "")).split(",")
    for i, b in enumerate(ds.band.values):
        x, y = ds.kx_F.sel(band=b).values, ds.ky_F.sel(band=b).values
        what = (
            f" ({kinds[i]} pocket around {TICK_LABELS.get(centres[i], centres[i])})" if i < len(kinds) else ""
        )
        for sx in (-2 * np.pi, 0, 2 * np.pi):  # periodic images, clipped to the BZ
            for sy in (-2 * np.pi, 0, 2 * np.pi):
                ax.plot(
                    (x + sx) / np.pi,
                    (y + sy) / np.pi,
                    color=COLORS[b],
                    label=LABELS[b] + what if sx == sy == 0 else None,
                )
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_aspect("equal")
    ax.plot([-1, 1], [-1, 1], color="0.6", lw=0.6, ls=":", label=r"zone diagonal ($\theta=\pi/4$, $\eta=0$)")
    for (x, y), t, off, ha, va in (
        ((0, 0), r"$\Gamma$", (4, 3), "left", "bottom"),
        ((1, 0), "X", (-4, 0), "right", "center"),
        ((0, 1), "Y", (0, -4), "center", "top"),
        ((1, 1), "M", (-4, -4), "right", "top"),
        ((-1, -1), "M", (4, 4), "left", "bottom"),
    ):
        ax.plot(x, y, "o", color="k", ms=2.5, clip_on=False, zorder=5)
        ax.annotate(t, (x, y), xytext=off, textcoords="offset points", ha=ha, va=va, fontsize=9)
    ax.set_xlabel(r"$k_x/\pi$ (lattice constant $a=1$)")
    ax.set_ylabel(r"$k_y/\pi$")
    _title(ax, rf"Fermi surfaces $\xi=0$ at $\mu={_num(_p(ds, 'mu'))}$ eV" + "\n" + _band_text(ds))
    _legend(ax, loc="lower right", fontsize=6, bbox_to_anchor=(1.0, 0.0), framealpha=0.9, frameon=True)
    return fig


def _n_c_axis(ax, ds):
    ax.set_xlabel(r"$n_c$ (conduction electrons per Ni)")
    ax.set_xlim(float(ds.n_c[0]), float(ds.n_c[-1]))


def _clip_van_hove(ax, ds, y):
    """Top of the y axis above the curve away from a van Hove filling, where N diverges.

    The curve is drawn to 1e-9 from the van Hove filling (its log peak leaves the
    frame); the limit is 1.3 times the largest value farther than 1e-3 from it.
    """
    if "n_c_critical" not in ds or "critical_kind" not in ds.coords:
        return
    vh = ds["n_c_critical"].values[ds["critical_kind"].values == "van Hove"]
    if vh.size == 0:
        return
    far = np.min(np.abs(ds.n_c.values[:, None] - vh[None, :]), axis=1) > 1e-3
    if far.any():
        top = 1.3 * float(np.nanmax(y.values[..., far]))
        ax.set_ylim(top=top)
        for x in vh:
            ax.annotate(
                r"$\propto\ln|n_c-n_{vH}|^{-1}$",
                (x, top),
                xytext=(3, -3),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=6.5,
            )


def fig3a_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.7))
    _critical_lines(ax, ds)
    ax.plot(ds.n_c, ds.dos_ratio, color="k", label=r"$N_\beta/N_\alpha$", zorder=3)
    _n_c_axis(ax, ds)
    ax.set_ylabel(r"$N_\beta/N_\alpha$ (Fermi level)")
    _clip_van_hove(ax, ds, ds.dos_ratio)
    _title(ax, r"bands of Fig. 2 with $\mu$ varied" + "\n" + _band_text(ds))
    _legend(ax, loc="center right", bbox_to_anchor=(1.0, 0.6))
    return fig


def fig3b_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.8))
    shades = ["#1b9e77", "#7570b3", "#d95f02", "#e7298a"]
    every = max(ds.r.size // 10, 1)
    ax.plot(
        ds.r, ds.gap_ratio_weak, color="k", ls="--", lw=1.0, label=r"$\lambda\to0$: $\sqrt{N_\beta/N_\alpha}$"
    )
    for i, lam in enumerate(ds.lam.values):
        c = shades[i % len(shades)]
        ax.plot(
            ds.r, ds.gap_ratio.sel(lam=lam), color=c, lw=1.6, zorder=2, label=rf"Eq. 18, $\lambda={lam:g}$"
        )
        ax.plot(
            ds.r,
            ds.gap_ratio_exact.sel(lam=lam),
            color=c,
            ls="none",
            marker="o",
            mfc="w",
            mew=0.9,
            ms=3.5,
            markevery=(every // 2, every),
            zorder=3,
            label=rf"Eq. 17 exact, $\lambda={lam:g}$",
        )
    ax.set_xlabel(r"$N_\beta/N_\alpha$")
    ax.set_ylabel(r"$\Delta_\alpha/\Delta_\beta$ (diagonal gaps)")
    ax.set_xlim(float(ds.r[0]), float(ds.r[-1]))
    _title(ax, r"two-band gap ratio; independent of $\Omega$")
    _legend(ax, loc="upper left", fontsize=6.5)
    return fig


def fig4a_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.7))
    _critical_lines(ax, ds)
    for b in ds.band.values:
        ax.plot(ds.n_c, ds.dos_eta2_ratio.sel(band=b), color=COLORS[b], label=LABELS[b], zorder=3)
    _n_c_axis(ax, ds)
    ax.set_ylabel(r"$\tilde N/N$ ($\eta^2$-weighted over bare DOS)")
    _title(ax, r"$\eta=\cos k_x-\cos k_y$; bands of Fig. 2 with $\mu$ varied" + "\n" + _band_text(ds))
    _legend(ax, loc="upper right", fontsize=6)
    return fig


def _theta_axis(ax):
    ticks = np.arange(5) * np.pi / 8
    ax.set_xticks(ticks, ["0", r"$\pi/8$", r"$\pi/4$", r"$3\pi/8$", r"$\pi/2$"])
    ax.set_xlim(0, np.pi / 2)
    ax.set_xlabel(r"$\theta$ (around the pocket centre; $\pi/4$: diagonal)")


def _s_pm(ax, where=(0.5, 0.29)):
    ax.axhline(0, color="0.5", lw=0.6, zorder=0)
    ax.text(*where, S_PM_TEXT, transform=ax.transAxes, ha="center", va="center", fontsize=8)


def fig4b_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.8))
    for b in ds.band.values:
        ax.plot(ds.theta, ds.gap.sel(band=b), color=COLORS[b], label=LABELS[b])
    _theta_axis(ax)
    _s_pm(ax)
    ax.set_ylabel(r"$\Delta(\theta)/\Delta_\alpha(0)$")
    _title(ax, "Eqs. 16, 18: " + _point_text(ds, omega=False))
    _legend(ax, loc="center", bbox_to_anchor=(0.5, 0.55), ncol=2)
    return fig


def fig5_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.8))
    for b in ds.band.values:  # thick light full solution under the thin dashed Eq. 16
        ax.plot(
            ds.theta,
            ds.gap_full.sel(band=b),
            color=COLORS[b],
            lw=3.2,
            alpha=0.35,
            zorder=2,
            solid_capstyle="butt",
            label=f"{LABELS[b]} full (Eq. 14)",
        )
    for b in ds.band.values:
        ax.plot(
            ds.theta,
            ds.gap_eq16.sel(band=b),
            color=COLORS[b],
            ls="--",
            lw=1.0,
            zorder=3,
            label=f"{LABELS[b]} Eq. 16",
        )
    _theta_axis(ax)
    _s_pm(ax)
    ax.set_ylabel(r"$\Delta(\theta)/\Delta_\alpha(0)$ (each normalised)")
    _title(ax, _point_text(ds))
    _legend(ax, ncol=2, loc="center", bbox_to_anchor=(0.5, 0.55), fontsize=6.5)
    return fig


def fig6_plot(ds, plt):
    from triplon.pairing.caveats import KELVIN_PER_EV, TC_PLAUSIBLE_K

    fig, ax = plt.subplots(figsize=(WIDTH, 2.9))
    tc = float(ds.attrs["Tc"])
    T_K = ds["T"].values * KELVIN_PER_EV
    for b in ds.band.values:
        ax.plot(
            T_K,
            ds.gap.sel(band=b) * MEV_PER_EV,
            color=COLORS[b],
            label=rf"$\Delta_{LABELS[b][1:-1]}(\theta=\pi/4)$",
        )
    ax.axhline(0, color="0.5", lw=0.6, zorder=0)
    ax.axvline(
        tc * KELVIN_PER_EV,
        color="0.3",
        ls=":",
        lw=1.0,
        label=rf"$T_c={tc * KELVIN_PER_EV:.0f}$ K ($k_BT_c={tc * MEV_PER_EV:.1f}$ meV)",
    )
    ax.set_xlabel(r"$T$ (K)")
    ax.set_ylabel(r"$\Delta$ (meV)")
    ax.set_xlim(0, float(T_K.max()))
    top = ax.secondary_xaxis(
        "top", functions=(lambda t: t / KELVIN_PER_EV * MEV_PER_EV, lambda e: e / MEV_PER_EV * KELVIN_PER_EV)
    )
    top.set_xlabel(r"$k_BT$ (meV)", fontsize=8)
    top.tick_params(direction="in")
    ax.tick_params(top=False)
    ax.text(0.5, 0.3, S_PM_TEXT, transform=ax.transAxes, ha="center", va="center", fontsize=8)
    title = "full (Eq. 14): " + _point_text(ds)
    if tc * KELVIN_PER_EV > TC_PLAUSIBLE_K:  # a caveat, not a silent number
        bound = f"{TC_PLAUSIBLE_K:.0f}"
        title += "\n" + rf"(caveat: $T_c$ > {bound} K; $\lambda$, $\Omega$ set ratios, not the scale)"
    ax.set_title(title, fontsize=6.5, loc="left", pad=14)
    _legend(ax, loc="center left", bbox_to_anchor=(0.0, 0.55), fontsize=6.5)
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
    **ELIASHBERG_FIGURES,
}
"""name -> (upstream intermediates, data builder, plotter)."""


def render(name: str, upstream: list[xr.Dataset], pdf: str, png: str) -> xr.Dataset:
    """Build the figure's Dataset and save the PDF and PNG drawn from it."""
    _, build, draw = FIGURES[name]
    ds = build(*upstream)
    plt = _style()
    fig = draw(ds, plt)
    fig.tight_layout()
    save_figure(fig, plt, pdf, png)
    return ds


__all__ = ["FIGURES", "render"]

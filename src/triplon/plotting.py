"""Paper-style figures rendered from the Dataset that holds exactly the plotted data.

For each figure name, :data:`FIGURES` gives the upstream files it needs, a
function turning them into the figure's Dataset (``results/figures/<name>.nc``)
and a function drawing that Dataset. Colours follow the paper: alpha blue,
beta red. Sized for a single journal column (3.4 in wide).
"""

from __future__ import annotations

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

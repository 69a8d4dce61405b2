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


MEV_PER_EV = 1e3
PLOTTED_GAP_MEV = "plotted in meV: value (eV) x 1000"
PLOTTED_T_KELVIN = "plotted in K: value (eV) / k_B, k_B = 8.617333262e-5 eV/K (top axis: meV)"
S_PM_TEXT = r"s$\pm$: $\Delta_\beta<0$"
CRITICAL_STYLE = {"Lifshitz": {"ls": "-.", "color": "0.45"}, "van Hove": {"ls": ":", "color": "0.25"}}


def _p(ds, key, default=None):
    """A parameter of the figure (``param_<key>`` attribute, inherited from its upstream files)."""
    v = ds.attrs.get(f"param_{key}", default)
    return float(v) if isinstance(v, (int, float, np.number)) else v


def _num(x) -> str:
    """A number for a label: :g with a typographic minus."""
    return f"{float(x):g}".replace("-", "\N{MINUS SIGN}")


def _band_text(ds) -> str:
    keys = [
        ("t1", "t_1"),
        ("t2", "t_2"),
        ("t3", "t_3"),
        ("eps_alpha", r"\epsilon_\alpha"),
        ("eps_beta", r"\epsilon_\beta"),
    ]
    parts = [f"${tex}={_num(_p(ds, k))}$" for k, tex in keys if _p(ds, k) is not None]
    return ", ".join(parts) + " eV" if parts else ""


def _point_text(ds, omega=True) -> str:
    parts = [
        rf"$n_c={_num(_p(ds, 'n_c'))}$",
        rf"$\lambda={_num(_p(ds, 'lam'))}$",
        rf"$\kappa={_num(_p(ds, 'kappa'))}$",
    ]
    if omega:
        parts.append(rf"$\Omega={_num(_p(ds, 'omega'))}$ eV")
    return ", ".join(parts)


def _title(ax, text, size=7):
    ax.set_title(text, fontsize=size, loc="left", pad=4)


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
    ds.attrs = {"Tc": gt.attrs["Tc"], "Tc_kelvin": gt.attrs["Tc_kelvin"]}
    if "T_grid" in gt.attrs:
        ds.attrs["T_grid"] = gt.attrs["T_grid"]
    return _figure_dataset(ds, "Fig. 6: gap against temperature, full solution", [gt])


# ------------------------------------------------------------- plots


def _legend(ax, **kw):
    kw.setdefault("frameon", False)
    return ax.legend(**kw)


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
            label=f"{LABELS[b]} full (Eq. 15)",
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
    from triplon.caveats import KELVIN_PER_EV, TC_PLAUSIBLE_K

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
    title = "full solution of Eq. 14, " + _point_text(ds)
    if tc * KELVIN_PER_EV > TC_PLAUSIBLE_K:  # a caveat, not a silent number (PHYSICS.md §8)
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
}
"""name -> (upstream intermediates, data builder, plotter)."""


def save_figure(fig, plt, pdf: str, png: str, **kw) -> None:
    """Write ``fig`` as PDF and PNG without creation times (byte-identical reruns), then close it.

    ``kw`` goes to ``savefig`` (e.g. ``bbox_inches="tight"``).
    """
    fig.savefig(pdf, metadata={"CreationDate": None, "ModDate": None}, **kw)
    fig.savefig(png, metadata={"Software": None}, **kw)
    plt.close(fig)


def render(name: str, upstream: list[xr.Dataset], pdf: str, png: str) -> xr.Dataset:
    """Build the figure's Dataset and save the PDF and PNG drawn from it."""
    _, build, draw = FIGURES[name]
    ds = build(*upstream)
    plt = _style()
    fig = draw(ds, plt)
    fig.tight_layout()
    save_figure(fig, plt, pdf, png)
    return ds


# ------------------------------------------------------------- sweeps

SWEEP_QUANTITIES = {
    "Tc_K": r"$T_c$ (K)",
    "Tc": r"$k_BT_c$ (meV)",
    "gap_ratio": r"$\Delta_\alpha/\Delta_\beta$ (full solution, diagonal gaps)",
    "ratio_eq17": r"$\Delta_\alpha/\Delta_\beta$ (Eq. 17)",
    "ratio_eq18": r"$\Delta_\alpha/\Delta_\beta$ (Eq. 18)",
    "anisotropy_alpha": r"$\max|\Delta_\alpha|/\min|\Delta_\alpha|$ on the $\alpha$ sheet",
    "anisotropy_beta": r"$\max|\Delta_\beta|/\min|\Delta_\beta|$ on the $\beta$ sheet",
    "d_wave_leads": "leading pairing channel",
    "lambda_d_at_Tc": r"d-wave eigenvalue $\lambda_d(T_c)$ (d leads if $>1$)",
    "A_alpha": r"$\Delta_\alpha(\theta=\pi/4)$ (meV)",
    "A_beta": r"$\Delta_\beta(\theta=\pi/4)$ (meV; s$\pm$: $<0$)",
}
SWEEP_SCALE = {"Tc": MEV_PER_EV, "A_alpha": MEV_PER_EV, "A_beta": MEV_PER_EV}
"""Quantities stored in eV and plotted in meV (factor)."""
AXIS_LABELS = {
    "n_c": r"$n_c$ (electrons per Ni)",
    "lam": r"$\lambda$",
    "kappa": r"$\kappa$",
    "kappa_a": r"$\kappa_a$",
    "kappa_b": r"$\kappa_b$",
    "omega": r"$\Omega$ (eV)",
    "V": r"$V$ (eV)",
    "T": r"$k_BT$ (eV)",
    "t1": r"$t_1$ (eV)",
    "t2": r"$t_2$ (eV)",
    "t3": r"$t_3$ (eV)",
    "eps_alpha": r"$\epsilon_\alpha$ (eV)",
    "eps_beta": r"$\epsilon_\beta$ (eV)",
    "tc": r"$t_c$ (eV)",
    "U": r"$U$ (eV)",
    "txz": r"$t_{xz}$ (eV)",
    "Ea": r"$E_a$ (eV)",
    "JH": r"$J_H$ (eV)",
}
_SYMBOLS = {k: v.split(" (")[0] for k, v in AXIS_LABELS.items()}
_UNITS = {k: (" eV" if "(eV)" in v else "") for k, v in AXIS_LABELS.items()}
CATEGORIES = {0: (r"s$\pm$ leads", "#9ecae1"), 1: ("d leads", "#fc9272")}
"""d_wave_leads: value -> (legend label, colour)."""


def _assign(name, value) -> str:
    """``symbol = value unit`` for a title or legend."""
    return f"{_SYMBOLS.get(name, name)} = {_num(value)}{_UNITS.get(name, '')}"


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


def _fixed_parameters(pd: xr.Dataset, at: dict) -> dict:
    """Values held fixed in a sweep figure: the sweep's ``fixed``, then axes not shown (first value)."""
    try:
        fixed = json.loads(pd.attrs.get("param_fixed", "{}")) or {}
    except (TypeError, ValueError):
        fixed = {}
    return {**{k: float(v) for k, v in fixed.items() if isinstance(v, (int, float))}, **at}


def sweep_figure_data(pd: xr.Dataset, fig: dict, overlay: str | None, mark: dict | None) -> xr.Dataset:
    """The data of one sweep figure: the quantity over (facet, y, x), other axes at their first value.

    Values stay in the sweep's units (eV for energies); a variable plotted in
    other units says so in its ``plotted_as`` attribute. The attribute
    ``fixed_parameters`` (JSON) holds the values not shown on an axis.
    """
    from triplon.sweep import EXPERIMENT

    keep = [d for d in (fig.get("facet"), fig.get("y"), fig["x"]) if d]
    sel = {d: 0 for d in pd[fig["quantity"]].dims if d not in keep}
    q = pd[fig["quantity"]].isel(sel).transpose(*keep)
    ds = xr.Dataset({fig["quantity"]: q})
    if fig["quantity"] in SWEEP_SCALE:
        ds[fig["quantity"]].attrs["plotted_as"] = PLOTTED_GAP_MEV
    at = {d: float(pd[d].values[0]) for d in sel}
    ds.attrs["fixed_axes_at"] = json.dumps(at)
    ds.attrs["fixed_parameters"] = json.dumps(_fixed_parameters(pd, at), sort_keys=True)
    if "param_sweep" in pd.attrs:
        ds.attrs["sweep"] = str(pd.attrs["param_sweep"])
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


def cell_edges(values) -> np.ndarray:
    """Edges of heat-map cells centred on ``values``, clipped to [first, last].

    Inner edges are midpoints; the outer cells are half cells, so the map spans
    exactly the data range. A single value gets a cell of width 1 (or 2|v|/10).
    """
    v = np.asarray(values, dtype=float)
    if v.size == 1:
        h = abs(v[0]) / 10 if v[0] else 0.5
        return np.array([v[0] - h, v[0] + h])
    return np.concatenate([[v[0]], (v[1:] + v[:-1]) / 2, [v[-1]]])


def _stroke(plt, color="k", width=2.2):
    import matplotlib.patheffects as pe

    return [pe.withStroke(linewidth=width, foreground=color)]


def _sweep_title(ds, fig, label) -> str:
    name = ds.attrs.get("sweep")
    head = (f"sweep '{name}': " if name else "") + label
    fixed = json.loads(ds.attrs.get("fixed_parameters", "{}"))
    for k in list(fixed):
        if k == fig.get("facet"):
            fixed.pop(k)
    parts = [_assign(k, v) for k, v in fixed.items()]
    shown = {fig["x"], fig.get("y"), fig.get("facet")}
    if "T" not in fixed and "T" not in shown:
        parts.append(r"$k_BT$ = 0")
    if not {"t1", "t2", "t3", "eps_alpha", "eps_beta", "tc", "U", "txz", "Ea", "JH"} & (set(fixed) | shown):
        parts.append("bands of Fig. 2")
    return head + ("\nfixed: " + ", ".join(parts) if parts else "")


def sweep_figure_plot(ds: xr.Dataset, fig: dict, plt):
    """Draw one sweep figure (heat maps per facet, or lines); returns the Figure."""
    from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm, Normalize
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from triplon.sweep import EXPERIMENT

    quantity = fig["quantity"]
    scale = SWEEP_SCALE.get(quantity, 1.0)
    q = ds[quantity] * scale
    facet = fig.get("facet")
    facets = list(q[facet].values) if facet else [None]
    n = len(facets)
    heat = fig.get("kind", "heatmap") == "heatmap" and bool(fig.get("y"))
    f, axs = plt.subplots(
        1, n, figsize=(min(WIDTH * n * 0.8, 12), 3.4), squeeze=False, sharey=True, layout="constrained"
    )
    label = SWEEP_QUANTITIES.get(quantity, quantity)
    mark = json.loads(ds.attrs["marked_point"]) if "marked_point" in ds.attrs else {}
    finite = q.values[np.isfinite(q.values)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    categorical = quantity == "d_wave_leads"
    cmap, norm = "viridis", Normalize(vmin, vmax)
    if categorical:
        cmap = ListedColormap([CATEGORIES[0][1], CATEGORIES[1][1]])
        norm = BoundaryNorm([-0.5, 0.5, 1.5], 2)
    elif quantity in ("Tc", "Tc_K") and vmin > 0:
        norm = LogNorm(vmin, vmax)
    handles, drawn = [], set()
    im = None
    for ax, fv in zip(axs[0], facets):
        d = q.sel({facet: fv}) if facet else q

        def part(name, d=d, fv=fv):
            return ds[name].sel({facet: fv}) if facet else ds[name]

        if heat:
            xv, yv = d[fig["x"]].values, d[fig["y"]].values
            im = ax.pcolormesh(cell_edges(xv), cell_edges(yv), d.values, cmap=cmap, norm=norm)
            ax.set_xlim(xv.min(), xv.max())
            ax.set_ylim(yv.min(), yv.max())
            if "experiment_match_eq17" in ds:
                m17 = part("experiment_match_eq17").values
                if m17.any() and not m17.all():
                    cs = ax.contour(xv, yv, m17, levels=[0.5], colors="w", linewidths=0.9, linestyles=":")
                    cs.set(path_effects=_stroke(plt, "0.3", 2.0))
                    drawn.add("eq17")
            if "experiment_match" in ds:
                m = part("experiment_match").values
                if m.any():
                    ax.contourf(xv, yv, m, levels=[0.5, 1.5], colors="none", hatches=["////"])
                    ax.contour(xv, yv, m, levels=[0.5], colors="w", linewidths=0.8)
                    drawn.add("stm")
                tk = part("Tc_K").values
                if np.nanmin(tk) < EXPERIMENT["Tc_onset_K"] < np.nanmax(tk):
                    ax.contour(
                        xv,
                        yv,
                        tk,
                        levels=[EXPERIMENT["Tc_onset_K"]],
                        colors="orange",
                        linewidths=1.1,
                        linestyles="--",
                    )
                    drawn.add("tc")
            if mark and fig["x"] in mark and fig["y"] in mark:
                ax.plot(mark[fig["x"]], mark[fig["y"]], marker="*", color="w", mec="k", ms=9, ls="none")
                drawn.add("mark")
            if categorical:
                vals = set(np.unique(d.values[np.isfinite(d.values)]).astype(int).tolist())
                if len(vals) == 1:
                    ax.text(
                        0.5,
                        0.08,
                        CATEGORIES[vals.pop()][0] + " everywhere",
                        transform=ax.transAxes,
                        ha="center",
                        fontsize=8,
                        bbox={"fc": "w", "ec": "0.5", "lw": 0.5, "pad": 2},
                    )
            if ax is axs[0][0]:
                ax.set_ylabel(AXIS_LABELS.get(fig["y"], fig["y"]))
        else:
            ys = [None] if not fig.get("y") else list(d[fig["y"]].values)
            for b in ys:
                line = d if b is None else d.sel({fig["y"]: b})
                kw = {"drawstyle": "steps-mid"} if categorical else {}
                ax.plot(line[fig["x"]], line.values, label=None if b is None else _assign(fig["y"], b), **kw)
            xv = d[fig["x"]].values
            ax.set_xlim(xv.min(), xv.max())
            if categorical:
                ax.set_yticks([0, 1], [CATEGORIES[0][0], CATEGORIES[1][0]])
                ax.set_ylim(-0.3, 1.3)
            if mark and fig["x"] in mark:
                ax.axvline(mark[fig["x"]], color="0.3", ls=":", lw=1.0)
                drawn.add("mark_line")
            if ax is axs[0][0]:
                ax.set_ylabel(label)
        ax.set_xlabel(AXIS_LABELS.get(fig["x"], fig["x"]))
        if facet:
            ax.set_title(_assign(facet, fv), fontsize=8)
    mark_text = ", ".join(_assign(k, v) for k, v in mark.items())
    if not heat and fig.get("y"):
        handles += axs[0][0].get_legend_handles_labels()[0]
    if "mark" in drawn:
        handles.append(
            Line2D(
                [], [], marker="*", color="w", mec="k", ms=9, ls="none", label=f"paper's point ({mark_text})"
            )
        )
    if "mark_line" in drawn:
        handles.append(Line2D([], [], color="0.3", ls=":", lw=1.0, label=f"paper's point ({mark_text})"))
    if heat and "experiment_match" in ds:
        lo, hi = ds.attrs["experiment_gap_ratio_range"]
        rng = f"{lo:.2f}–{hi:.2f}"
        handles.append(
            Patch(
                fc="0.8",
                ec="k",
                hatch="////",
                label=rf"full $\Delta_\alpha/\Delta_\beta$ in STM range {rng}"
                + ("" if "stm" in drawn else " (nowhere in this sweep)"),
            )
        )
        if "eq17" in drawn:
            handles.append(
                Line2D(
                    [],
                    [],
                    color="w",
                    ls=":",
                    lw=0.9,
                    path_effects=_stroke(plt, "0.3", 2.0),
                    label="Eq. 17 ratio in STM range (border)",
                )
            )
        t_on = ds.attrs["experiment_Tc_onset_K"]
        handles.append(
            Line2D(
                [],
                [],
                color="orange",
                ls="--",
                lw=1.1,
                label=rf"$T_c={t_on:g}$ K (STM onset)" + ("" if "tc" in drawn else " (not reached)"),
            )
        )
    if categorical and heat:
        handles += [Patch(fc=CATEGORIES[k][1], ec="0.4", lw=0.5, label=CATEGORIES[k][0]) for k in (0, 1)]
    elif heat and im is not None:
        f.colorbar(im, ax=axs[0].tolist(), label=label, shrink=0.95)
    if handles:
        f.legend(
            handles=handles,
            loc="outside lower center",
            ncol=min(len(handles), 2 if n <= 2 else 4),
            frameon=False,
            fontsize=7,
        )
    f.suptitle(_sweep_title(ds, fig, label), fontsize=8)
    return f


def render_sweep_figure(pd: xr.Dataset, fig: dict, overlay, mark, pdf: str, png: str) -> xr.Dataset:
    """Build one sweep figure's Dataset and save its PDF and PNG."""
    ds = sweep_figure_data(pd, fig, overlay, mark)
    ds = _figure_dataset(ds, f"Sweep figure {fig['name']}: {fig['quantity']}", [pd])
    plt = _style()
    save_figure(sweep_figure_plot(ds, fig, plt), plt, pdf, png, bbox_inches="tight")
    return ds


__all__ = [
    "FIGURES",
    "default_sweep_figures",
    "render",
    "render_sweep_figure",
    "save_figure",
    "sweep_figure_data",
]

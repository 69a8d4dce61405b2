"""Phase-diagram figures of a sweep: maps and line cuts of phase_diagram.nc."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from triplon.data.provenance import var
from triplon.plotting.style import (
    MEV_PER_EV,
    PLOTTED_GAP_MEV,
    WIDTH,
    _figure_dataset,
    _num,
    _style,
    paper_point_mismatch,
    save_figure,
)

# ------------------------------------------------------------- sweeps

SWEEP_QUANTITIES = {
    "Tc_K": r"$T_c$ (K)",
    "Tc": r"$k_BT_c$ (meV)",
    "gap_ratio": r"$\Delta_\alpha/\Delta_\beta$, full (Eq. 14), diagonal gaps",
    "ratio_eq17": r"$\Delta_\alpha/\Delta_\beta$ (Eq. 17)",
    "ratio_eq18": r"$\Delta_\alpha/\Delta_\beta$ (Eq. 18)",
    "anisotropy_alpha": r"$\max|\Delta_\alpha|/\min|\Delta_\alpha|$ on the $\alpha$ sheet",
    "anisotropy_beta": r"$\max|\Delta_\beta|/\min|\Delta_\beta|$ on the $\beta$ sheet",
    "d_wave_leads": "leading pairing channel",
    "lambda_d_at_Tc": r"d-wave eigenvalue $\lambda_d(T_c)$ (d leads if $>1$)",
    "A_alpha": r"$\Delta_\alpha(\theta=\pi/4)$ (meV)",
    "A_beta": r"$\Delta_\beta(\theta=\pi/4)$ (meV; s$\pm$: $<0$)",
    "Z_alpha": r"$Z_\alpha(\omega\to 0)$ (Eliashberg)",
    "Z_beta": r"$Z_\beta(\omega\to 0)$ (Eliashberg)",
    "gap_edge_max_alpha": r"largest gap edge $\Delta_{0,\alpha}$ (meV, Eliashberg)",
    "gap_edge_max_beta": r"largest gap edge $\Delta_{0,\beta}$ (meV, Eliashberg)",
    "gap2_Tc_max_alpha": r"$2\max\Delta_\alpha/k_BT_c$",
    "gap2_Tc_max_beta": r"$2\max\Delta_\beta/k_BT_c$",
    "mode_energy": r"dip $-$ gap edge (meV, Eliashberg)",
}
SWEEP_SCALE = {
    "Tc": MEV_PER_EV,
    "A_alpha": MEV_PER_EV,
    "A_beta": MEV_PER_EV,
    "gap_edge_max_alpha": MEV_PER_EV,
    "gap_edge_max_beta": MEV_PER_EV,
    "mode_energy": MEV_PER_EV,
}
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
    "omega_T": r"$\omega_T$ (eV)",
    "mu_star": r"$\mu^*$",
    "method": "method",
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
    values = {
        k: v if isinstance(v, str) else float(v) for k, v in fixed.items() if isinstance(v, (int, float, str))
    }
    return {**values, **at}


def sweep_figure_data(pd: xr.Dataset, fig: dict, overlay: str | None, mark: dict | None) -> xr.Dataset:
    """The data of one sweep figure: the quantity over (facet, y, x), other axes at their first value.

    Values stay in the sweep's units (eV for energies); a variable plotted in
    other units says so in its ``plotted_as`` attribute. The attribute
    ``fixed_parameters`` (JSON) holds the values not shown on an axis.
    """
    from triplon.studies.sweeps.grid import EXPERIMENT

    keep = [d for d in (fig.get("facet"), fig.get("y"), fig["x"]) if d]
    sel = {d: 0 for d in pd[fig["quantity"]].dims if d not in keep}
    q = pd[fig["quantity"]].isel(sel).transpose(*keep)
    ds = xr.Dataset({fig["quantity"]: q})
    if fig["quantity"] in SWEEP_SCALE:
        ds[fig["quantity"]].attrs["plotted_as"] = PLOTTED_GAP_MEV
    at = {d: pd[d].values[0].item() for d in sel}
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


def _paper_panels(ds, fig, facets, heat) -> tuple[dict, list, str]:
    """Where a sweep figure may mark the paper's point: (point, panel flags, note).

    The point is :data:`~triplon.studies.sweeps.grid.PAPER_POINT` with the figure's
    ``marked_point`` (its coordinates on the x and y axes) over it. A panel shows it only
    when every value the panel holds fixed (the sweep's ``fixed``, axes not shown, the
    facet value; for lines over ``y``, one of the lines) is the paper's and the marked
    coordinates lie in the plotted range. ``note`` says why no panel shows it ("" if one does).
    """
    from triplon.studies.sweeps.grid import PAPER_POINT

    mark = json.loads(ds.attrs["marked_point"]) if "marked_point" in ds.attrs else {}
    on_axes = [fig["x"], fig.get("y")] if heat else [fig["x"]]
    if not mark or any(a not in mark for a in on_axes):
        return mark, [False] * len(facets), ""
    paper = {k: v for k, v in {**PAPER_POINT, **mark}.items() if k not in on_axes}
    fixed = {k: v for k, v in json.loads(ds.attrs.get("fixed_parameters", "{}")).items() if k not in on_axes}
    facet, quantity = fig.get("facet"), ds[fig["quantity"]]
    inside = all(quantity[a].values.min() <= mark[a] <= quantity[a].values.max() for a in on_axes)
    flags, missed, every = [], {}, None
    for fv in facets:
        values = {**fixed, **({facet: fv.item() if hasattr(fv, "item") else fv} if facet else {})}
        miss = paper_point_mismatch(values, paper)
        if not heat and fig.get("y"):  # lines over y: one of them must be the paper's
            lines = [paper_point_mismatch({fig["y"]: b.item()}, paper) for b in quantity[fig["y"]].values]
            if all(lines):
                miss.update(lines[0])
        flags.append(not miss and inside)
        for k, (_, want) in miss.items():
            missed[k] = want
        every = set(miss) if every is None else every & set(miss)
    what = ", ".join(_assign(k, v) for k, v in mark.items())
    if any(flags):
        return mark, flags, ""
    if missed:
        if every:  # what no panel has (else what each misses)
            missed = {k: v for k, v in missed.items() if k in every}
        parts = [
            _assign(k, want) if want is not None else f"{_SYMBOLS.get(k, k)} (not a parameter of the paper)"
            for k, want in missed.items()
        ]
        return mark, flags, f"paper's point ({what}) not drawn: {', '.join(parts)} not in this slice"
    return mark, flags, f"paper's point ({what}) not drawn: outside the plotted range"


def sweep_figure_plot(ds: xr.Dataset, fig: dict, plt):
    """Draw one sweep figure (heat maps per facet, or lines); returns the Figure."""
    from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm, Normalize
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from triplon.pairing.caveats import KELVIN_PER_EV, TC_PLAUSIBLE_K
    from triplon.studies.sweeps.grid import EXPERIMENT

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
    mark, mark_panels, mark_note = _paper_panels(ds, fig, facets, heat)
    notes = [mark_note] if mark_note else []
    finite = q.values[np.isfinite(q.values)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    categorical = quantity == "d_wave_leads"
    cmap, norm = "viridis", Normalize(vmin, vmax)
    if categorical:
        cmap = ListedColormap([CATEGORIES[0][1], CATEGORIES[1][1]])
        norm = BoundaryNorm([-0.5, 0.5, 1.5], 2)
    elif quantity in ("Tc", "Tc_K") and vmin > 0:
        norm = LogNorm(vmin, vmax)
    handles, drawn, marked_at = [], set(), None
    im, seen, tc_range, eq17_all = None, set(), [np.inf, -np.inf], []
    for ax, fv, with_mark in zip(axs[0], facets, mark_panels):
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
                eq17_all.append(bool(m17.all()) if m17.all() or not m17.any() else None)
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
                tc_range = [min(tc_range[0], np.nanmin(tk)), max(tc_range[1], np.nanmax(tk))]
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
            if quantity in ("Tc", "Tc_K"):  # the caveat of bit 64 drawn on the map
                tk = d.values * (1.0 if quantity == "Tc_K" else KELVIN_PER_EV)
                with np.errstate(invalid="ignore"):
                    hot = np.where(np.isfinite(tk), (tk > TC_PLAUSIBLE_K).astype(float), 0.0)
                if hot.any():
                    if not hot.all():
                        ax.contour(xv, yv, hot, levels=[0.5], colors="r", linewidths=1.0, linestyles="--")
                    ax.contourf(xv, yv, hot, levels=[0.5, 1.5], colors="none", hatches=["xx"])
                    drawn.add("implausible")
            if with_mark:  # only on a panel at the paper's values (see _paper_panels)
                ax.plot(
                    mark[fig["x"]],
                    mark[fig["y"]],
                    marker="*",
                    color="w",
                    mec="k",
                    ms=9,
                    ls="none",
                    clip_on=False,  # whole on the frame at the range's edge
                    zorder=5,
                )
                drawn.add("mark")
                marked_at = fv
            if categorical:
                vals = set(np.unique(d.values[np.isfinite(d.values)]).astype(int).tolist())
                seen |= vals
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
            if quantity in ("Tc", "Tc_K"):
                limit = TC_PLAUSIBLE_K if quantity == "Tc_K" else TC_PLAUSIBLE_K / KELVIN_PER_EV * scale
                if np.nanmax(np.where(np.isfinite(d.values), d.values * scale, -np.inf)) > limit:
                    ax.axhline(limit, color="r", ls="--", lw=1.0)
                    drawn.add("implausible_line")
            if with_mark:
                ax.axvline(mark[fig["x"]], color="0.3", ls=":", lw=1.0)
                drawn.add("mark_line")
                marked_at = fv
            if ax is axs[0][0]:
                ax.set_ylabel(label)
        ax.set_xlabel(AXIS_LABELS.get(fig["x"], fig["x"]))
        if facet:
            ax.set_title(_assign(facet, fv), fontsize=8)
    mark_text = ", ".join(_assign(k, v) for k, v in mark.items())
    if facet and marked_at is not None:
        mark_text += f"; panel {_assign(facet, marked_at)}"
    if not heat and fig.get("y"):
        handles += axs[0][0].get_legend_handles_labels()[0]
    if "mark" in drawn:
        handles.append(
            Line2D(
                [], [], marker="*", color="w", mec="k", ms=9, ls="none", label=f"paper's point ({mark_text})"
            )
        )
    if drawn & {"implausible", "implausible_line"}:
        kw = {"fc": "none", "ec": "r", "hatch": "xx"} if "implausible" in drawn else {}
        text = rf"$T_c > {TC_PLAUSIBLE_K:.0f}$ K: unphysical scale (caveat bit 64)"
        handles.append(Patch(**kw, label=text) if kw else Line2D([], [], color="r", ls="--", label=text))
    if "mark_line" in drawn:
        handles.append(Line2D([], [], color="0.3", ls=":", lw=1.0, label=f"paper's point ({mark_text})"))
    if heat and "experiment_match" in ds:
        lo, hi = ds.attrs["experiment_gap_ratio_range"]
        in_range = rf"full (Eq. 14) $\Delta_\alpha/\Delta_\beta$ in STM range {lo:.2f}–{hi:.2f}"
        if "stm" in drawn:
            handles.append(Patch(fc="0.8", ec="k", hatch="////", label=in_range))
        else:
            notes.append(in_range + " nowhere in this slice")
        if eq17_all and all(a is not None for a in eq17_all) and len(set(eq17_all)) == 1:
            notes.append("Eq. 17 ratio in STM range " + ("everywhere" if eq17_all[0] else "nowhere"))
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
        if "tc" in drawn:
            handles.append(
                Line2D([], [], color="orange", ls="--", lw=1.1, label=rf"$T_c={t_on:g}$ K (STM onset)")
            )
        elif np.isfinite(tc_range[0]):
            if tc_range[1] <= t_on or tc_range[0] >= t_on:
                side = "<" if tc_range[1] <= t_on else ">"
                notes.append(rf"$T_c {side} {t_on:g}$ K (STM onset) everywhere: no $T_c={t_on:g}$ K line")
            else:
                notes.append(rf"$T_c={t_on:g}$ K (STM onset) lies between panels: no line drawn")
    if categorical and heat:
        handles += [
            Patch(fc=CATEGORIES[k][1], ec="0.4", lw=0.5, label=CATEGORIES[k][0]) for k in (0, 1) if k in seen
        ]
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
    title = _sweep_title(ds, fig, label)
    f.suptitle(title + "".join("\nnote: " + n for n in notes), fontsize=8)
    return f


def render_sweep_figure(pd: xr.Dataset, fig: dict, overlay, mark, pdf: str, png: str) -> xr.Dataset:
    """Build one sweep figure's Dataset and save its PDF and PNG."""
    ds = sweep_figure_data(pd, fig, overlay, mark)
    ds = _figure_dataset(ds, f"Sweep figure {fig['name']}: {fig['quantity']}", [pd])
    plt = _style()
    save_figure(sweep_figure_plot(ds, fig, plt), plt, pdf, png, bbox_inches="tight")
    return ds


__all__ = ["default_sweep_figures", "sweep_figure_data", "render_sweep_figure"]

"""Figures beside Figs. 5-6: the paper's static BCS against retarded triplon exchange.

Each takes ``results/paper/eliashberg.nc``
(:func:`triplon.studies.eliashberg.eliashberg_comparison_dataset`):

* ``eliashberg_tc``: T_c against lambda, both methods, the paper's lambda marked;
* ``eliashberg_gap``: the largest gap of each Fermi sheet against T / T_c, both methods;
* ``eliashberg_dos``: the quasiparticle DOS at the paper's point, both methods, with the
  Eliashberg dip and hump marked at about Delta_0 + omega_T.
"""

from __future__ import annotations

import numpy as np

from triplon.plotting.style import COLORS, LABELS, WIDTH, _figure_dataset, _legend, _num

METHOD_STYLE = {
    "bcs": {"ls": "-", "label": "static BCS, full (Eq. 14)", "color": "k"},
    "eliashberg": {"ls": "--", "label": "Eliashberg", "color": "#1b9e77"},
}


def _point(ds) -> str:
    return (
        rf"$n_c={_num(ds.attrs['param_n_c'])}$, $\kappa={_num(ds.attrs['param_kappa'])}$, "
        rf"$\Omega={_num(ds.attrs['param_omega'])}$ eV, $\omega_T={_num(ds.attrs['param_omega_T'])}$ eV"
    )


def _panel(el, quantity: str, title: str, keep=("param_", "Tc_")):
    """The figure's Dataset: ``<quantity>_bcs``, ``<quantity>_eliashberg`` and the attributes kept."""
    ds = el[[f"{quantity}_bcs", f"{quantity}_eliashberg"]].copy()
    ds.attrs = {k: v for k, v in el.attrs.items() if k.startswith(keep) or k.endswith("meV")}
    return _figure_dataset(ds, title, [el])


def tc_data(el):
    return _panel(el, "Tc", "T_c against lambda: static BCS and Eliashberg")


def tc_plot(ds, plt):
    from triplon.pairing.caveats import TC_PLAUSIBLE_K

    fig, ax = plt.subplots(figsize=(WIDTH, 2.8))
    for m in ("bcs", "eliashberg"):
        st = METHOD_STYLE[m]
        ax.plot(ds.lam, ds[f"Tc_{m}"], color=st["color"], ls=st["ls"], label=st["label"])
    lam0 = float(ds.attrs["param_lam"])
    ax.axvline(lam0, color="0.6", lw=0.7, ls=":", label=rf"paper's $\lambda={_num(lam0)}$")
    ax.axhline(TC_PLAUSIBLE_K, color="#d95f02", lw=0.8, ls="-.", label=rf"{TC_PLAUSIBLE_K:.0f} K")
    ax.set_xlabel(r"$\lambda=V\sqrt{N_\alpha N_\beta}$")
    ax.set_ylabel(r"$T_c$ (K)")
    ax.set_xlim(float(ds.lam[0]), float(ds.lam[-1]))
    ax.set_ylim(bottom=0)
    gaps = [m for m in ("bcs", "eliashberg") if bool(np.isnan(ds[f"Tc_{m}"].values).any())]
    note = ""
    if gaps:  # a line with holes: say where they come from
        which = " and ".join("static BCS" if m == "bcs" else "Eliashberg" for m in gaps)
        note = f"\n({which}: no point where $T_c$ is below the solver's resolution)"
    ax.set_title(_point(ds) + note, fontsize=6.5, loc="left")
    _legend(ax, loc="upper left", fontsize=6.5)
    return fig


def gap_data(el):
    return _panel(el, "gap", "Largest gap per Fermi sheet against T/T_c: static BCS and Eliashberg")


def gap_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.8))
    for m in ("bcs", "eliashberg"):
        st = METHOD_STYLE[m]
        tc = float(ds.attrs[f"Tc_{m}_K"])
        for b in ds.band.values:
            ax.plot(
                ds.t,
                ds[f"gap_{m}"].sel(band=b),
                color=COLORS[b],
                ls=st["ls"],
                marker="o" if m == "eliashberg" else None,
                ms=2.5,
                label=f"{LABELS[b]} {st['label']} ($T_c={tc:.0f}$ K)",
            )
    ax.set_xlabel(r"$T/T_c$ (each method's own $T_c$)")
    ax.set_ylabel(r"largest gap on the sheet (meV)")
    ax.set_xlim(0, 1)
    ax.set_yscale("log")
    ax.set_title(
        _point(ds) + "\nBCS: max $|A+B\\eta^2|$; Eliashberg: gap edge $\\Delta_0$", fontsize=6.5, loc="left"
    )
    _legend(ax, loc="lower left", fontsize=6)
    return fig


def dos_data(el):
    ds = _panel(el, "dos", "Quasiparticle DOS at the paper's point: static BCS and Eliashberg")
    ds.attrs["dos_temperatures"] = el.attrs["dos_temperatures"]
    return ds


def dos_plot(ds, plt):
    fig, ax = plt.subplots(figsize=(WIDTH, 2.8))
    e = ds.energy
    dip, hump = float(ds.attrs["dip_meV"]), float(ds.attrs["hump_meV"])
    d0 = float(ds.attrs["largest_gap_edge_meV"])
    labels = {
        "bcs": "static BCS, full (Eq. 14), band DOS",
        "eliashberg": rf"Eliashberg, flat normal DOS ($\Delta_0={d0:.0f}$ meV)",
    }
    for m in ("bcs", "eliashberg"):
        st = METHOD_STYLE[m]
        ax.plot(e, ds[f"dos_{m}"], color=st["color"], ls=st["ls"], lw=1.0, label=labels[m])
    if np.isfinite(dip):
        for x in (dip, -dip):
            ax.axvline(x, color="#7570b3", lw=0.7, ls=":")
        ax.annotate(
            rf"dip {dip:.0f} meV $\approx\Delta_0+\omega_T$",
            (dip, float(ds.dos_eliashberg.sel(energy=dip, method="nearest"))),
            xytext=(-4, -24),
            textcoords="offset points",
            ha="right",
            fontsize=6.5,
            color="#7570b3",
        )
    if np.isfinite(hump):
        y = float(ds.dos_eliashberg.sel(energy=hump, method="nearest"))
        ax.plot([hump], [y], "v", color="#7570b3", ms=3, label="hump")
    ax.axhline(1.0, color="0.6", lw=0.6, zorder=0)
    ax.set_xlabel(r"$E$ (meV)")
    ax.set_ylabel(r"$N_s(E)/(N_\alpha+N_\beta)$")
    ax.set_xlim(float(e[0]), float(e[-1]))
    ax.set_ylim(0, min(4.0, 1.15 * float(np.nanmax([ds.dos_bcs.max(), ds.dos_eliashberg.max()]))))
    temps = str(ds.attrs["dos_temperatures"]).replace("T_c/5", "$T_c/5$")
    gamma = rf"$\Gamma={_num(ds.attrs['gamma_meV'])}$ meV; "
    ax.set_title(_point(ds) + "\n" + gamma + temps, fontsize=6.5, loc="left")
    _legend(ax, loc="upper left", fontsize=6)
    return fig


ELIASHBERG_FIGURES = {
    "eliashberg_tc": (["eliashberg"], tc_data, tc_plot),
    "eliashberg_gap": (["eliashberg"], gap_data, gap_plot),
    "eliashberg_dos": (["eliashberg"], dos_data, dos_plot),
}
"""name -> (upstream intermediates, data builder, plotter), as :data:`triplon.plotting.paper.FIGURES`."""


__all__ = ["ELIASHBERG_FIGURES"]

"""The house style of every figure: colours, labels, widths, text helpers and saving."""

from __future__ import annotations

import numpy as np
import xarray as xr

from triplon.data.provenance import with_provenance

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
    """A number for a label: :g with a typographic minus (a name, e.g. a method, as it is)."""
    if isinstance(x, (str, np.str_)):
        return str(x)
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


# ------------------------------------------------------------- plots


def _legend(ax, **kw):
    kw.setdefault("frameon", False)
    return ax.legend(**kw)


def save_figure(fig, plt, pdf: str, png: str, **kw) -> None:
    """Write ``fig`` as PDF and PNG without creation times (byte-identical reruns), then close it.

    ``kw`` goes to ``savefig`` (e.g. ``bbox_inches="tight"``).
    """
    fig.savefig(pdf, metadata={"CreationDate": None, "ModDate": None}, **kw)
    fig.savefig(png, metadata={"Software": None}, **kw)
    plt.close(fig)


__all__ = ["save_figure"]

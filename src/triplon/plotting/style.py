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


IGNORED_BY_BCS = ("omega_T", "mu_star")
"""Parameters that only retarded exchange reads: they do not move a static BCS point."""


def paper_point_mismatch(values: dict, paper: dict) -> dict:
    """The parameters of ``values`` that differ from the paper's point ``paper``: {name: (value, paper's)}.

    ``values`` are the values a figure (or one panel of it) holds fixed; a parameter not
    in ``values`` is at its default, the paper's. The paper's point is ``paper`` (e.g.
    ``n_c``, ``lam``, ``kappa``, ``omega``), its band set that of Fig. 2
    (:class:`~triplon.model.params.BandParams`), its ``kappa_a`` and ``kappa_b`` equal to
    its ``kappa`` and its method the static ``bcs`` unless ``paper`` names one. A parameter
    the paper's point does not name (``V``, a microscopic parameter) differs (paper's value
    None). ``omega_T`` and ``mu_star`` do not move a BCS point, nor ``omega`` a point of
    retarded exchange whose ``omega_T`` is given (its mu* is 0 unless set).
    """
    from dataclasses import asdict

    from triplon.model.params import BandParams

    ref = {**asdict(BandParams()), "method": "bcs", **paper}
    if "kappa" in paper:
        ref.setdefault("kappa_a", paper["kappa"])
        ref.setdefault("kappa_b", paper["kappa"])
    bcs = values.get("method", ref["method"]) == "bcs"
    if not bcs:  # retarded exchange: mu* 0 unless set, no cutoff when omega_T is given
        ref.setdefault("mu_star", 0.0)
    out = {}
    for k, v in values.items():
        want = ref.get(k)
        if (bcs and k in IGNORED_BY_BCS) or (not bcs and k == "omega" and "omega_T" in ref):
            continue
        if want is None:
            out[k] = (v, None)
        elif isinstance(v, str) or isinstance(want, str):
            if str(v) != str(want):
                out[k] = (v, want)
        elif not np.isclose(float(v), float(want), rtol=1e-9, atol=1e-12):
            out[k] = (v, want)
    return out


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

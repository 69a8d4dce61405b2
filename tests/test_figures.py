"""Figures: what is drawn (grids, steps, extents, legends, signs), on small data, without the pipeline."""

import json

import numpy as np
import pytest
import xarray as xr
from scipy.stats import chi2 as chi2_dist

from triplon.model.dos import fermi_level
from triplon.model.params import BandParams
from triplon.pairing.caveats import KELVIN_PER_EV, critical_fillings
from triplon.plotting.experiment import spectrum_plot
from triplon.plotting.fits import chi2_map_data, chi2_map_plot, summary_data, summary_plot
from triplon.plotting.paper import (
    FIGURES,
    fig2a_data,
    fig2a_plot,
    fig2b_data,
    fig2b_plot,
    fig3a_data,
    fig3a_plot,
    fig3b_data,
    fig3b_plot,
    fig4a_data,
    fig4a_plot,
    fig6_data,
    fig6_plot,
)
from triplon.plotting.style import _style, paper_point_mismatch
from triplon.plotting.sweeps import cell_edges, sweep_figure_data, sweep_figure_plot
from triplon.studies.experiment.catalogue import QUANTITIES
from triplon.studies.experiment.fit import FitSpec, run_fit
from triplon.studies.experiment.model import model_quantities
from triplon.studies.experiment.results import fit_dataset
from triplon.studies.paper import (
    CRITICAL_DELTA,
    band_path_dataset,
    dos_table,
    fermi_surface_dataset,
    gap_ratio_dataset,
    gap_structure_dataset,
    gap_temperature_dataset,
    n_c_grid,
)

PARAMS = BandParams()
DELTA = CRITICAL_DELTA


@pytest.fixture(scope="module")
def plt():
    return _style()


@pytest.fixture(scope="module")
def lifshitz():
    """The beta band's Lifshitz filling, from mu = -0.8 eV (its local minimum at X) by the fillings."""
    fl = fermi_level(mu=-0.8, params=PARAMS)
    return sum(fl.filling.values())


@pytest.fixture(scope="module")
def dos():
    """A small DOS table around the Lifshitz step and the van Hove peak of the beta band."""
    return dos_table(0.2, 0.3, 3, PARAMS, 24)


def labelled(ax):
    return [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]


def legend_texts(ax_or_fig):
    legends = ax_or_fig.legends if hasattr(ax_or_fig, "legends") and ax_or_fig.legends else []
    if not legends and ax_or_fig.get_legend() is not None:
        legends = [ax_or_fig.get_legend()]
    return [t.get_text() for lg in legends for t in lg.get_texts()]


# ------------------------------------------------------------------ n_c grid


def test_n_c_grid_holds_critical_fillings_and_both_sides(lifshitz):
    grid, critical = n_c_grid(0.1, 1.0, 91, PARAMS)
    assert np.all(np.diff(grid) > 0)
    uniform = np.round(np.linspace(0.1, 1.0, 91), 10)
    assert np.isin(uniform, grid).all()
    # the Lifshitz filling from the fillings at mu = -0.8 eV (independent of critical_fillings)
    assert np.min(np.abs(grid - lifshitz)) < 1e-9
    assert np.any((grid < lifshitz) & (grid > lifshitz - 2e-9))
    assert np.any((grid > lifshitz) & (grid < lifshitz + 2e-9))
    kinds = {c.kind for c in critical}
    assert {"Lifshitz", "van Hove"} <= kinds
    for c in critical:
        assert np.min(np.abs(grid - c.n_c)) <= DELTA * (1 + 1e-6)
        below, above = grid[grid < c.n_c], grid[grid > c.n_c]
        assert c.n_c - below.max() <= DELTA * (1 + 1e-6) and above.min() - c.n_c <= DELTA * (1 + 1e-6)
    vh = next(c.n_c for c in critical if c.kind == "van Hove")
    d = np.abs(grid - vh)
    for lo in 10.0 ** np.arange(-9, -2):  # at least two points per decade on both sides
        for side in (grid < vh, grid > vh):
            assert np.count_nonzero(side & (d >= lo) & (d < 10 * lo)) >= 2, lo


def test_dos_table_documents_its_grid(dos):
    assert "non-uniform" in dos.attrs["n_c_grid"] and "non-uniform" in dos["n_c"].attrs["grid"]
    assert dos["n_c_critical"].attrs["units"] == "1" and dos["n_c_critical"].attrs["long_name"]
    assert set(dos["critical_kind"].values) == {"Lifshitz", "van Hove"}


def test_fig3a_draws_the_lifshitz_step_vertical(dos, lifshitz, plt):
    ds = fig3a_data(dos)
    n = ds.n_c.values
    i = int(np.searchsorted(n, lifshitz + DELTA / 2))  # first point above the step
    assert 0 < n[i] - lifshitz <= 1.01 * DELTA and 0 < lifshitz - n[i - 2] <= 1.01 * DELTA
    lo, hi = fermi_level(n_c=lifshitz - 1e-7), fermi_level(n_c=lifshitz + 1e-7)
    jump = hi.dos["beta"] / hi.dos["alpha"] - lo.dos["beta"] / lo.dos["alpha"]
    assert jump > 1.5  # a pocket appears: N_beta nearly doubles
    step = float(ds.dos_ratio[i] - ds.dos_ratio[i - 2])
    assert step == pytest.approx(jump, rel=1e-3)
    fig = fig3a_plot(ds, plt)
    ax = fig.axes[0]
    (curve,) = [ln for ln in ax.get_lines() if ln.get_label() == r"$N_\beta/N_\alpha$"]
    x, y = np.asarray(curve.get_xdata()), np.asarray(curve.get_ydata())
    k = int(np.argmax(np.diff(y)))  # the steepest rise of the drawn line is the step
    assert x[k] < lifshitz < x[k + 1] or np.isclose(x[k + 1], lifshitz, atol=1e-12)
    assert x[k + 1] - x[k] <= 1.01 * DELTA
    texts = legend_texts(ax)
    assert any("Lifshitz" in t for t in texts) and any("van Hove" in t for t in texts)
    vlines = [ln for ln in labelled(ax) if "Lifshitz" in ln.get_label() or "van Hove" in ln.get_label()]
    for ln in vlines:
        xs = np.asarray(ln.get_xdata(), dtype=float)
        assert xs[0] == xs[-1]  # vertical
    assert sorted(float(ln.get_xdata()[0]) for ln in vlines) == pytest.approx(
        sorted(c.n_c for c in critical_fillings(PARAMS) if 0.2 < c.n_c < 0.3), abs=1e-12
    )
    plt.close(fig)


def test_fig4a_marks_critical_fillings(dos, plt):
    ds = fig4a_data(dos)
    assert ds["n_c_critical"].size == 2
    fig = fig4a_plot(ds, plt)
    texts = legend_texts(fig.axes[0])
    assert {r"$\alpha$", r"$\beta$"} <= set(texts) and sum("n_c=" in t for t in texts) == 2
    plt.close(fig)


# ------------------------------------------------------------------ gaps


@pytest.fixture(scope="module")
def gap_structure():
    return gap_structure_dataset(PARAMS, 0.45, 0.5, 0.75, 0.3, theta_points=17)


@pytest.mark.parametrize("name", ["fig4b", "fig5"])
def test_gap_figures_are_signed_s_pm_and_nothing_hides(name, gap_structure, plt):
    _, build, draw = FIGURES[name]
    ds = build(gap_structure)
    for v in ds.data_vars:
        assert np.all(ds[v].sel(band="alpha") > 0) and np.all(ds[v].sel(band="beta") < 0)
        assert "s+-" in ds[v].attrs["comment"]
    fig = draw(ds, plt)
    ax = fig.axes[0]
    assert any("Delta_\\beta<0" in t.get_text() or r"\Delta_\beta<0" in t.get_text() for t in ax.texts)
    lines = labelled(ax)
    assert len(legend_texts(ax)) == len(lines)
    for ln in lines:
        if "beta" in ln.get_label():
            assert np.all(np.asarray(ln.get_ydata()) < 0)
    if name == "fig5":  # the full solution is drawn thick underneath, Eq. 16 thin on top
        full = [ln for ln in lines if "full (Eq. 14)" in ln.get_label()]
        eq16 = [ln for ln in lines if "Eq. 16" in ln.get_label()]
        assert len(full) == len(eq16) == 2
        for a, b in zip(full, eq16):
            assert a.get_linewidth() > 2 * b.get_linewidth() and a.get_zorder() < b.get_zorder()
            assert b.get_linestyle() == "--"
    assert "n_c=0.45" in ax.get_title(loc="left") and r"\lambda=0.5" in ax.get_title(loc="left")
    plt.close(fig)


def test_fig3b_exact_curve_is_visible_on_eq18(plt):
    ds = fig3b_data(gap_ratio_dataset([0.3, 0.6], np.linspace(1, 5, 41)))
    fig = fig3b_plot(ds, plt)
    ax = fig.axes[0]
    lines = labelled(ax)
    assert len(legend_texts(ax)) == len(lines) == 5
    for lam in (0.3, 0.6):
        (eq18,) = [ln for ln in lines if ln.get_label() == rf"Eq. 18, $\lambda={lam:g}$"]
        (exact,) = [ln for ln in lines if ln.get_label() == rf"Eq. 17 exact, $\lambda={lam:g}$"]
        assert exact.get_linestyle() == "None" and exact.get_marker() == "o"  # markers, not a line
        assert exact.get_zorder() > eq18.get_zorder() and exact.get_color() == eq18.get_color()
    colors = {ln.get_color() for ln in lines if "Eq. 18" in ln.get_label()}
    assert len(colors) == 2
    plt.close(fig)


@pytest.fixture(scope="module")
def gap_temperature():
    return gap_temperature_dataset(PARAMS, 0.45, 0.5, 0.75, 0.3, points=41)


def test_fig6_temperature_grid_resolves_the_gap_near_tc(gap_temperature):
    ds = fig6_data(gap_temperature)
    tc = ds.attrs["Tc"]
    T = ds["T"].values
    g = ds.gap.sel(band="alpha").values
    assert T[0] == 0 and np.any(T == tc) and T.max() >= 1.09 * tc
    below = T < tc
    # every step of the drawn curve is small against Delta(0), the last one (to Delta = 0) included
    assert np.max(np.abs(np.diff(g[T <= tc]))) < 0.1 * g[0]
    assert 1 - T[below].max() / tc < 1e-3  # points within 0.1 % of T_c
    # near T_c, Delta^2 is linear in T and vanishes at T_c (mean field), within 1 %
    near = below & (T > 0.97 * tc)
    assert np.count_nonzero(near) >= 4
    slope, intercept = np.polyfit(T[near], g[near] ** 2, 1)
    assert -intercept / slope == pytest.approx(tc, rel=1e-2)
    assert np.all(ds.gap.sel(band="beta").values[below] < 0)  # s+-
    assert ds.gap.attrs["units"] == "eV" and "meV" in ds.gap.attrs["plotted_as"]


def test_fig6_shows_kelvin_and_marks_tc(gap_temperature, plt):
    ds = fig6_data(gap_temperature)
    fig = fig6_plot(ds, plt)
    ax = fig.axes[0]
    assert "(K)" in ax.get_xlabel() and "meV" in ax.get_ylabel()
    tc_k = ds.attrs["Tc"] * KELVIN_PER_EV
    (tc_line,) = [ln for ln in labelled(ax) if "T_c" in ln.get_label()]
    assert float(tc_line.get_xdata()[0]) == pytest.approx(tc_k)
    assert (
        f"{tc_k:.0f}$ K" in tc_line.get_label() and f"{ds.attrs['Tc'] * 1e3:.1f}$ meV" in tc_line.get_label()
    )
    (alpha,) = [ln for ln in labelled(ax) if "alpha" in ln.get_label()]
    np.testing.assert_allclose(alpha.get_ydata(), ds.gap.sel(band="alpha").values * 1e3)
    assert len(legend_texts(ax)) == len(labelled(ax)) == 3
    # T_c of the paper's point is ~905 K: the title says it is above the plausibility bound
    assert (tc_k > 300) == ("caveat" in ax.get_title(loc="left"))
    assert ax.get_title(loc="left").startswith("full (Eq. 14): ")
    plt.close(fig)


def test_fig2_labels_high_symmetry_points_and_fermi_level(plt):
    bands = band_path_dataset(PARAMS, -0.65, 10)
    fig = fig2a_plot(fig2a_data(bands), plt)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [r"$\Gamma$", "X", "M", r"$\Gamma$"]
    assert any("E_F" in t for t in legend_texts(ax)) and "0.65" in ax.get_title(loc="left")
    plt.close(fig)
    fs = fermi_surface_dataset(PARAMS, -0.65, 37)
    fig = fig2b_plot(fig2b_data(fs), plt)
    ax = fig.axes[0]
    assert {r"$\Gamma$", "X", "M"} <= {t.get_text() for t in ax.texts}
    assert "0.65" in ax.get_title(loc="left")
    plt.close(fig)


# ------------------------------------------------------------------ sweeps


def synthetic_phase_diagram(leads_d=False):
    """A phase diagram shaped like a sweep's, with every STM overlay crossing the grid."""
    n_c = np.linspace(0.2, 0.9, 8)
    lam = np.array([0.2, 0.3, 0.45, 0.6])
    kappa = np.array([0.0, 0.75])
    N, L, K = np.meshgrid(n_c, lam, kappa, indexing="ij")
    ratio = 1 + 3 * (N - 0.2) / 0.7 + L
    dims = ("n_c", "lam", "kappa")
    pd = xr.Dataset(
        {
            "gap_ratio": (dims, ratio, {"units": "1", "long_name": "ratio"}),
            "ratio_eq17": (dims, ratio * 1.1, {"units": "1", "long_name": "ratio Eq. 17"}),
            "Tc_K": (dims, 200 * (L - 0.1) * (1 + K), {"units": "K", "long_name": "T_c"}),
            "A_beta": (dims, -0.01 * L, {"units": "eV", "long_name": "A_beta"}),
            "d_wave_leads": (
                dims,
                ((N > 0.7) & (K > 0) & leads_d).astype(np.int8),
                {"units": "1", "long_name": "d"},
            ),
        },
        coords={"n_c": n_c, "lam": lam, "kappa": kappa},
        attrs={"param_fixed": json.dumps({"omega": 0.3}), "param_sweep": "syn"},
    )
    return pd


FIG = {"x": "n_c", "y": "lam", "facet": "kappa", "kind": "heatmap"}


@pytest.mark.parametrize("quantity", ["gap_ratio", "Tc_K", "A_beta"])
def test_sweep_heatmap_spans_the_data_range_and_explains_every_overlay(quantity, plt):
    pd = synthetic_phase_diagram()
    fig = {**FIG, "name": quantity, "quantity": quantity}
    ds = sweep_figure_data(pd, fig, "stm", {"n_c": 0.45, "lam": 0.45})
    f = sweep_figure_plot(ds, fig, plt)
    panels = [ax for ax in f.axes if ax.get_label() != "<colorbar>"][:2]
    for ax in panels:
        (mesh,) = ax.collections[:1]
        xy = mesh.get_coordinates()
        assert xy[..., 0].min() == 0.2 and xy[..., 0].max() == 0.9
        assert xy[..., 1].min() == 0.2 and xy[..., 1].max() == 0.6
        assert ax.get_xlim() == (0.2, 0.9) and ax.get_ylim() == (0.2, 0.6)
    # the star is at the marked point, on the panel at the paper's kappa = 0.75 only
    assert [len(stars(ax)) for ax in panels] == [0, 1]
    (star,) = stars(panels[1])
    assert (star.get_xdata()[0], star.get_ydata()[0]) == (0.45, 0.45)
    texts = legend_texts(f)
    assert any("paper's point" in t and r"$\kappa$ = 0.75" in t for t in texts)
    assert any("STM range" in t and "nowhere" not in t for t in texts)  # hatched region
    assert any("Eq. 17" in t for t in texts)  # dotted line
    assert any("T_c=41.5$ K" in t and "not reached" not in t for t in texts)  # dashed T_c line
    title = f._suptitle.get_text()
    assert "syn" in title and "0.3 eV" in title
    assert [ax.get_title() for ax in panels] == [r"$\kappa$ = 0", r"$\kappa$ = 0.75"]
    if quantity == "A_beta":  # plotted in meV, stored in eV
        mesh = panels[0].collections[0]
        np.testing.assert_allclose(mesh.get_array().reshape(4, 8), ds["A_beta"].isel(kappa=0).values * 1e3)
        assert ds["A_beta"].attrs["units"] == "eV" and "meV" in ds["A_beta"].attrs["plotted_as"]
    plt.close(f)


@pytest.mark.parametrize("leads_d", [False, True])
def test_leading_channel_map_is_categorical(leads_d, plt):
    pd = synthetic_phase_diagram(leads_d)
    fig = {**FIG, "name": "d_wave_leads", "quantity": "d_wave_leads"}
    f = sweep_figure_plot(sweep_figure_data(pd, fig, None, None), fig, plt)
    assert len(f.axes) == 2  # no colour bar
    texts = legend_texts(f)
    # a colour in the legend only where it is drawn
    assert r"s$\pm$ leads" in texts and ("d leads" in texts) == leads_d
    notes = [t.get_text() for ax in f.axes for t in ax.texts]
    if leads_d:
        assert notes == [r"s$\pm$ leads everywhere"]  # kappa = 0 panel only: d leads at kappa = 0.75
    else:
        assert notes == [r"s$\pm$ leads everywhere"] * 2
    f.canvas.draw()
    colors = {tuple(np.round(c, 3)) for ax in f.axes for c in ax.collections[0].get_facecolors()}
    assert len(colors) == (2 if leads_d else 1)
    plt.close(f)


def stars(ax):
    return [ln for ln in ax.get_lines() if ln.get_marker() == "*"]


def suptitle(f):
    return f._suptitle.get_text() if f._suptitle is not None else ""


def test_sweep_without_the_papers_kappa_has_no_star_and_says_so(plt):
    pd = synthetic_phase_diagram().assign_coords(kappa=[0.0, 0.5])  # no panel at kappa = 0.75
    fig = {**FIG, "name": "gap_ratio", "quantity": "gap_ratio"}
    f = sweep_figure_plot(sweep_figure_data(pd, fig, "stm", {"n_c": 0.45, "lam": 0.45}), fig, plt)
    assert all(not stars(ax) for ax in f.axes)
    assert not any("paper's point" in t for t in legend_texts(f))
    assert r"paper's point ($n_c$ = 0.45, $\lambda$ = 0.45) not drawn: $\kappa$ = 0.75 not in this slice" in (
        suptitle(f)
    )
    plt.close(f)


def test_sweep_with_a_fixed_value_off_the_paper_has_no_star(plt):
    pd = synthetic_phase_diagram()
    pd.attrs["param_fixed"] = json.dumps({"omega": 0.1})  # the paper's Omega is 0.3 eV
    fig = {**FIG, "name": "gap_ratio", "quantity": "gap_ratio"}
    f = sweep_figure_plot(sweep_figure_data(pd, fig, None, {"n_c": 0.45, "lam": 0.45}), fig, plt)
    assert all(not stars(ax) for ax in f.axes)
    assert r"$\Omega$ = 0.3 eV not in this slice" in suptitle(f)
    plt.close(f)


def test_sweep_lines_mark_the_paper_only_on_its_panel(plt):
    pd = synthetic_phase_diagram()
    fig = {"name": "Tc_K", "quantity": "Tc_K", "x": "n_c", "y": "lam", "facet": "kappa", "kind": "lines"}
    f = sweep_figure_plot(sweep_figure_data(pd, fig, None, {"n_c": 0.45, "lam": 0.45}), fig, plt)
    panels = f.axes[:2]
    marks = [[ln for ln in ax.get_lines() if ln.get_linestyle() == ":"] for ax in panels]
    assert [len(m) for m in marks] == [0, 1] and marks[1][0].get_xdata()[0] == 0.45
    assert sum("paper's point" in t for t in legend_texts(f)) == 1
    # the marked lambda is none of the lines: nothing marked, a note says why
    f2 = sweep_figure_plot(sweep_figure_data(pd, fig, None, {"n_c": 0.45, "lam": 0.5}), fig, plt)
    assert not any(ln.get_linestyle() == ":" for ax in f2.axes for ln in ax.get_lines())
    assert r"$\lambda$ = 0.5 not in this slice" in suptitle(f2)
    plt.close("all")


def test_sweep_legend_lists_only_what_is_drawn(plt):
    """An STM overlay that occurs nowhere is a note under the title, not a legend entry."""
    pd = synthetic_phase_diagram()
    pd["gap_ratio"] = pd["gap_ratio"] * 0 + 10.0  # far above the STM range: no hatching
    pd["ratio_eq17"] = pd["ratio_eq17"] * 0 + 10.0
    pd["Tc_K"] = pd["Tc_K"] * 0 + 20.0  # T_c = 41.5 K never reached
    fig = {**FIG, "name": "gap_ratio", "quantity": "gap_ratio"}
    f = sweep_figure_plot(sweep_figure_data(pd, fig, "stm", {"n_c": 0.45, "lam": 0.45}), fig, plt)
    texts = legend_texts(f)
    assert not any("STM" in t or "Eq. 17" in t for t in texts), texts
    title = suptitle(f)
    assert "STM range 2.38–3.17 nowhere in this slice" in title
    assert "Eq. 17 ratio in STM range nowhere" in title
    assert r"$T_c < 41.5$ K (STM onset) everywhere" in title
    for ax in f.axes[:2]:
        assert not ax.patches and not [c for c in ax.collections[1:] if c.get_hatch()]
    plt.close(f)


def test_paper_point_mismatch():
    paper = {"n_c": 0.45, "lam": 0.5, "kappa": 0.75, "omega": 0.3, "T": 0.0}
    assert paper_point_mismatch({"omega": 0.3, "kappa": 0.75, "t1": 0.45}, paper) == {}
    assert paper_point_mismatch({"kappa_a": 0.75, "kappa_b": 0.75, "method": "bcs"}, paper) == {}
    assert paper_point_mismatch({"omega_T": 0.05, "mu_star": 0.1}, paper) == {}  # a BCS point ignores them
    assert paper_point_mismatch({"kappa": 0.5, "t2": -0.2}, paper) == {
        "kappa": (0.5, 0.75),
        "t2": (-0.2, -0.24),
    }
    assert paper_point_mismatch({"method": "eliashberg"}, paper) == {"method": ("eliashberg", "bcs")}
    assert paper_point_mismatch({"V": 0.2}, paper) == {"V": (0.2, None)}
    eliashberg = {"n_c": 0.45, "lam": 0.5, "kappa": 0.75, "method": "eliashberg", "omega_T": 0.3}
    assert paper_point_mismatch({"method": "eliashberg", "omega": 0.1, "mu_star": 0.0}, eliashberg) == {}


# ------------------------------------------------------------------ fits


def synthetic_fit(quantities, fixed, map_=4):
    """A fit of (lam, kappa) to values the model gives at a known point (gap_max_alpha off by 10 %)."""
    m = model_quantities({"n_c": 0.45, "lam": 0.3, "kappa": 0.8, "omega": 0.3})
    obs = [
        {
            "quantity": q,
            "value": float(m[q] * (1.1 if q == "gap_max_alpha" else 1.0)),
            "sigma": float(0.05 * m[q]),
            "unit": QUANTITIES[q][1],
        }
        for q in quantities
    ]
    free = [{"name": "lam", "bounds": [0.1, 0.8]}, {"name": "kappa", "bounds": [0.0, 2.0]}]
    config = {
        "experiments": {
            "syn": {
                "citation": "synthetic, arXiv:0000.00000",
                "material": "model",
                "method": "model",
                "observables": obs,
            }
        },
        "fit": {"f": {"experiment": "syn", "free": free, "fixed": fixed, "grid": 3, "map": map_}},
    }
    return fit_dataset(run_fit(FitSpec.from_config("f", config)), {})


@pytest.fixture(scope="module")
def fit_at_paper():
    """dof = 1, the map at the paper's n_c and Omega."""
    return synthetic_fit(["Tc_K", "gap_max_alpha", "gap_max_beta"], {"n_c": 0.45, "omega": 0.3})


@pytest.fixture(scope="module")
def fit_off_paper():
    """dof = 0, the map at Omega = 0.1 eV (the paper's: 0.3 eV)."""
    return synthetic_fit(["gap_max_alpha", "gap_max_beta"], {"n_c": 0.45, "omega": 0.1})


def diamonds(ax):
    return [ln for ln in ax.get_lines() if ln.get_marker() == "D"]


def test_chi2_map_marks_the_paper_only_at_its_fixed_values(fit_at_paper, fit_off_paper, plt):
    ds = chi2_map_data(fit_at_paper)
    assert ds.attrs["paper_point_on_map"] == 1
    f = chi2_map_plot(ds, plt)
    ax = f.axes[0]
    (d,) = diamonds(ax)
    assert (d.get_xdata()[0], d.get_ydata()[0]) == (0.5, 0.75)
    assert any("paper's point" in t for t in legend_texts(ax)) and "not marked" not in ax.get_title()
    ds = chi2_map_data(fit_off_paper)
    assert ds.attrs["paper_point_on_map"] == 0 and json.loads(ds.attrs["paper_point_differs"]) == {
        "omega": [0.1, 0.3]
    }
    f = chi2_map_plot(ds, plt)
    ax = f.axes[0]
    assert not diamonds(ax) and not any("paper's point" in t for t in legend_texts(ax))
    assert r"paper's point not marked: this map has $\Omega$ = 0.1 eV (paper: 0.3 eV)" in ax.get_title()
    plt.close("all")


def test_chi2_curve_marks_the_paper_only_at_its_fixed_values(fit_off_paper, plt):
    one = fit_off_paper.copy()
    one["chi2_map"] = one["chi2_map"].isel(kappa_map=0, drop=True)  # a map over lam alone
    one.attrs["best_fit"] = json.dumps({"lam": json.loads(one.attrs["best_fit"])["lam"]})
    one.attrs["param_fixed"] = json.dumps({"n_c": 0.45, "omega": 0.1, "kappa": 0.75})
    f = chi2_map_plot(chi2_map_data(one), plt)
    ax = f.axes[0]
    assert not any(ln.get_linestyle() == "--" for ln in ax.get_lines())
    assert r"this map has $\Omega$ = 0.1 eV" in ax.get_title()
    one.attrs["param_fixed"] = json.dumps({"n_c": 0.45, "omega": 0.3, "kappa": 0.75})
    f = chi2_map_plot(chi2_map_data(one), plt)
    ax = f.axes[0]
    assert [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_linestyle() == "--"] == [0.5]
    plt.close("all")


def summary_text(f):
    return "\n".join(t.get_text() for ax in f.axes for t in ax.texts)


def test_summary_uses_math_symbols(fit_at_paper, plt):
    ds = summary_data(fit_at_paper)
    f = summary_plot(ds, plt)
    text = summary_text(f)
    for symbol in (r"$\chi^2$", r"$\lambda$ = ", r"$\kappa$ = ", r"$T_c$", r"max$|\Delta_\alpha|$"):
        assert symbol in text, symbol
    for plain in ("chi2", "lam =", "kappa =", "Tc_K", "gap_max_alpha", "(1 dof)"):
        assert plain not in text, plain
    assert f"dof = {int(ds.dof)}" in text and int(ds.dof) == 1 and "convention" not in text
    plt.close(f)


def test_summary_explains_the_p_value_at_zero_dof(fit_off_paper, plt):
    ds = summary_data(fit_off_paper)
    assert int(ds.dof) == 0
    text = summary_text(summary_plot(ds, plt))
    assert "dof = 0" in text and f"p-value = {float(ds.p_value):.2g}, taken with 1 dof" in text
    assert r"for dof = 0 (as many free parameters as" in text and "a convention" in text
    assert "(1 dof)" not in text
    # the table says what the fit computed: p with 1 degree of freedom
    assert float(ds.p_value) == pytest.approx(chi2_dist.sf(float(ds.chi2), 1))
    plt.close("all")


def synthetic_spectrum(gamma_best, gamma_paper):
    e = np.linspace(-30, 30, 61)
    data = {}
    for tag, g in (("best", gamma_best), ("paper", gamma_paper)):
        dos = 1 + 0.5 * np.exp(-((np.abs(e) - 10) ** 2) / (2 * g**2))
        data[f"dos_{tag}"] = (("band", f"energy_{tag}"), np.array([0.4 * dos, 0.6 * dos]))
        data[f"dos_total_{tag}"] = ((f"energy_{tag}",), dos)
        data[f"gamma_{tag}"] = ((), g)
        data[f"Tc_K_{tag}"] = ((), 40.0)
    data["measured"] = (("observable",), [19.0])
    data["sigma"] = (("observable",), [1.0])
    return xr.Dataset(
        data,
        coords={
            "energy_best": e,
            "energy_paper": e,
            "band": ["alpha", "beta"],
            "observable": ["gap_max_alpha"],
        },
        attrs={"param_fit": "syn", "fixed_text": "paper's bands"},
    )


def test_spectrum_panels_with_different_gamma_say_so(plt):
    f = spectrum_plot(synthetic_spectrum(0.3, 1.2), plt)
    titles = [ax.get_title() for ax in f.axes]
    assert r"$\Gamma$ = 0.3 meV" in titles[0] and r"$\Gamma$ = 1.2 meV" in titles[1]
    note = suptitle(f)
    assert "Dynes broadening differs between the panels" in note and "0.3 meV (best fit)" in note
    assert "1.2 meV (paper's point)" in note
    same = spectrum_plot(synthetic_spectrum(0.5, 0.5), plt)
    assert "differs" not in suptitle(same)
    plt.close("all")


def test_cell_edges_are_clipped_to_the_data():
    np.testing.assert_allclose(cell_edges([0, 0.5, 0.75, 1.0]), [0, 0.25, 0.625, 0.875, 1.0])
    e = cell_edges(np.geomspace(1, 100, 3))
    assert e[0] == 1 and e[-1] == 100 and np.all(np.diff(e) > 0)


def test_eliashberg_tc_title_names_missing_points_only_when_there_are_some():
    """The T_c-against-lambda figure says a curve has holes (T_c below the solver's
    resolution) only where one has, and names which."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import xarray as xr

    from triplon.plotting.eliashberg import tc_plot

    attrs = {"param_n_c": 0.45, "param_kappa": 0.75, "param_omega": 0.3, "param_omega_T": 0.3}
    attrs["param_lam"] = 0.5
    lam = [0.2, 0.5, 0.8]
    full = xr.Dataset(
        {"Tc_bcs": ("lam", [100.0, 900.0, 2000.0]), "Tc_eliashberg": ("lam", [20.0, 219.0, 400.0])},
        coords={"lam": lam},
        attrs=attrs,
    )
    fig = tc_plot(full, plt)
    assert "resolution" not in fig.axes[0].get_title(loc="left")
    plt.close(fig)
    holes = full.copy()
    holes["Tc_eliashberg"] = ("lam", [np.nan, 219.0, 400.0])
    fig = tc_plot(holes, plt)
    title = fig.axes[0].get_title(loc="left")
    assert "Eliashberg: no point" in title and "static BCS" not in title
    plt.close(fig)

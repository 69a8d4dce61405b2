"""``snakemake --report`` on an install made exactly as the README says.

A fresh virtual environment gets ``pip install -e .`` of a copy of the session's tiny
project (no extras: what a user has after the quick start). That environment's
Snakemake runs one job of every rule again (paper data, figures, sweep chunk, gather and
figure, fit and fit figure) and must reproduce the shared run's files byte for byte; it
then builds the report as HTML and as a zip archive, and the tests open both.
"""

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xarray as xr
import yaml
from projects import FIGURES, SHARED_TARGETS, copy_project, job_counts, result_files, user_env

ROOT = Path(__file__).resolve().parents[1]
SWEEP_FIGURES = ["Tc_K", "gap_ratio", "anisotropy_alpha", "anisotropy_beta", "lambda_d_at_Tc", "d_wave_leads"]
# the fits of the shared run (projects.small_fits) and their figures (a fit of fillings only
# has no gap figures)
EXPERIMENT_FIGURES = {
    "stm_fan2025": ["chi2_map", "summary", "gap_distribution", "spectrum"],
    "arpes_sun2025": ["chi2_map", "summary"],
}
TARGETS = list(SHARED_TARGETS)
# one output of every rule, computed again by the fresh install
ONE_JOB_PER_RULE = {
    "band_path": "results/paper/bands.nc",
    "fermi_surface": "results/paper/fermi_surface.nc",
    "dos_table": "results/paper/dos.nc",
    "gap_ratio": "results/paper/gap_ratio.nc",
    "gap_structure": "results/paper/gap_structure.nc",
    "gap_temperature": "results/paper/gap_temperature.nc",
    "eliashberg": "results/paper/eliashberg.nc",
    "figure": "results/figures/fig6.nc",
    "sweep_chunk": None,  # the first chunk of the sweep tiny (its name is a hash)
    "sweep_gather": "results/sweeps/tiny/phase_diagram.nc",
    "sweep_figure": "results/sweeps/tiny/figures/Tc_K.nc",
    "experiment_fit": "results/experiments/arpes_sun2025/fit.nc",
    "experiment_figure": "results/experiments/stm_fan2025/figures/spectrum.nc",
}

pytestmark = [pytest.mark.slow, pytest.mark.workflow]


def run(args, cwd, timeout=1200):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=user_env())
    assert r.returncode == 0, f"{' '.join(map(str, args))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def fresh(request, tmp_path_factory):
    """A copy of the shared project installed as the README's quick start says; its Snakemake
    has run one job of every rule again."""
    project = tmp_path_factory.mktemp("fresh") / "triplon"
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project)
    # the README's command: python3 -m venv .venv && .venv/bin/pip install -e .
    # (--no-compile: bytecode is written on first import, projects.user_env, instead of for
    # every installed file). Installed before the shared project is asked for, so that the
    # install overlaps the shared run when another worker runs it.
    run([sys.executable, "-m", "venv", ".venv"], project)
    run([".venv/bin/pip", "install", "-q", "--no-compile", "-e", "."], project)
    copy_project(request.getfixturevalue("shared_project"), project, into=True)
    chunk = sorted((project / "results/sweeps/tiny/chunks").glob("*.nc"))[0]
    targets = [t or str(chunk.relative_to(project)) for t in ONE_JOB_PER_RULE.values()]
    r = run([".venv/bin/snakemake", "--cores", "2", "--force", *targets], project)
    assert job_counts(r.stdout + r.stderr) == {rule: 1 for rule in ONE_JOB_PER_RULE}
    return project


def test_fresh_install_reproduces_every_file(fresh, shared_project):
    """The jobs run again by the README's install give the same bytes (NetCDF, PDF, PNG, JSON)."""
    got, want = result_files(fresh), result_files(shared_project)
    assert sorted(got) == sorted(want)
    for rel in want:
        assert got[rel] == want[rel], rel


def report_results(html: str) -> dict:
    """The results table embedded in a Snakemake report: {path: entry}."""
    m = re.search(r"var results = (\{.*?\});\s*$", html, flags=re.M)
    assert m, "no results table in the report"
    return json.loads(m.group(1))


def report_categories(html: str) -> dict:
    """The categories of a Snakemake report: {category: {subcategory: [path, ...]}}."""
    m = re.search(r"var categories = (\{.*?\});\s*$", html, flags=re.M)
    assert m, "no categories in the report"
    return json.loads(m.group(1))


def table_rows(results: dict, paths: list[str]) -> list[tuple]:
    """The rows of one results table as the report's page draws them (abstract_results.js).

    A label other than the first whose two values each label half the results becomes a
    switch above the table; the other labels' values make a row, and results with the same
    row share it (the switch picks one).
    """
    entries = [results[p]["labels"] for p in paths]
    names = list(dict.fromkeys(k for e in entries for k in e))
    switch = [
        n
        for n in names[1:]
        if len(set(values := [e[n] for e in entries if n in e])) == 2
        and all(values.count(v) * 2 == len(entries) for v in values)
    ]
    switch = switch if len(switch) == 1 else []
    return sorted({tuple(e.get(n, "") for n in names if n not in switch) for e in entries})


FILES = "Figure files (PDF, NetCDF)"


def test_fresh_install_has_no_extra_packages(fresh):
    pip = run([".venv/bin/pip", "list", "--format", "json"], fresh).stdout
    names = {p["name"].lower() for p in json.loads(pip)}
    assert "pytest" not in names and "snakemake-executor-plugin-slurm" not in names


@pytest.fixture(scope="module")
def html(fresh):
    """The HTML report of the fresh install's results."""
    run([".venv/bin/snakemake", "--report", "results/report.html", *TARGETS], fresh)
    return (fresh / "results/report.html").read_text()


def test_html_report_lists_every_figure_with_its_pdf_and_data(html):
    results = report_results(html)
    paths = {Path(p).as_posix() for p in results}
    for name in FIGURES:
        for ext in ("png", "pdf", "nc"):
            assert f"results/figures/{name}.{ext}" in paths, name
    for fig in SWEEP_FIGURES:
        for ext in ("png", "pdf", "nc"):
            assert f"results/sweeps/tiny/figures/{fig}.{ext}" in paths, fig
    by_path = {Path(p).as_posix(): e for p, e in results.items()}
    fig3b = by_path["results/figures/fig3b.nc"]
    assert fig3b["labels"] == {"figure": "fig3b", "file": "plotted data (NetCDF)"}
    assert by_path["results/figures/fig3b.png"]["labels"] == {"figure": "fig3b"}
    for entry in (fig3b, by_path["results/figures/fig3b.png"]):
        assert "Fig. 3b" in entry["caption"] and "results/figures/fig3b.nc" in entry["caption"]
        for ext in ("png", "pdf", "nc"):  # the caption links the figure's other files
            assert f"showResultInfo('results/figures/fig3b.{ext}')" in entry["caption"]
        assert FILES in entry["caption"]
    tc = by_path["results/sweeps/tiny/figures/Tc_K.png"]
    assert "tiny" in tc["caption"] and "phase_diagram.nc" in tc["caption"]
    for fit, figs in EXPERIMENT_FIGURES.items():
        for fig in figs:
            for ext, labels in (
                ("png", {"figure": fig}),
                ("pdf", {"figure": fig, "file": "PDF"}),
                ("nc", {"figure": fig, "file": "plotted data (NetCDF)"}),
            ):
                entry = by_path[f"results/experiments/{fit}/figures/{fig}.{ext}"]
                assert entry["labels"] == labels, (fit, fig, ext)
                # the caption names the fit and the experiment and links the figure's own three
                # files (not those of another fit with the same figure names)
                caption = entry["caption"]
                assert fit in caption and "arXiv:" in caption, (fit, fig)
                for other in ("png", "pdf", "nc"):
                    assert f"showResultInfo('results/experiments/{fit}/figures/{fig}.{other}')" in caption
    assert (
        "<strong>Quasiparticle DOS</strong>"
        in by_path["results/experiments/stm_fan2025/figures/spectrum.png"]["caption"]
    )
    assert "Undefined substitution" not in html and "System Message" not in html


def test_html_report_shows_each_figure_as_one_row(html):
    """A figure is one row (its PNG) in its category; its PDF and NetCDF share one row, with
    a PDF/NetCDF switch, under "Figure files (PDF, NetCDF)"."""
    results, categories = report_results(html), report_categories(html)
    figures = {
        ("Paper figures", None, "results/figures/{}"): FIGURES,
        ("Sweeps", "tiny", "results/sweeps/tiny/figures/{}"): SWEEP_FIGURES,
        **{
            ("Experiments", fit, f"results/experiments/{fit}/figures/{{}}"): figs
            for fit, figs in EXPERIMENT_FIGURES.items()
        },
    }
    files = {None: "Paper figures", "tiny": "sweep tiny", **{fit: f"fit {fit}" for fit in EXPERIMENT_FIGURES}}
    for (category, sub, stem), names in figures.items():
        paths = next(iter(categories[category].values())) if sub is None else categories[category][sub]
        assert sorted(Path(p).as_posix() for p in paths) == sorted(stem.format(n) + ".png" for n in names)
        assert table_rows(results, paths) == sorted((n,) for n in names), category
        beside = categories[FILES][files[sub]]
        assert sorted(Path(p).as_posix() for p in beside) == sorted(
            stem.format(n) + ext for n in names for ext in (".pdf", ".nc")
        )
        assert table_rows(results, beside) == sorted((n,) for n in names), files[sub]


def test_table_rows_model_the_report_page():
    """The row model of test_html_report_shows_each_figure_as_one_row against hand-made tables."""
    three = {f"f.{x}": {"labels": {"figure": "f", "file": x}} for x in ("png", "pdf", "nc")}
    assert table_rows(three, list(three)) == [("f", "nc"), ("f", "pdf"), ("f", "png")]
    two = {f"{n}.{x}": {"labels": {"figure": n, "file": x}} for n in ("a", "b") for x in ("pdf", "nc")}
    assert table_rows(two, list(two)) == [("a",), ("b",)]


def test_zip_report_holds_the_files(fresh):
    run([".venv/bin/snakemake", "--report", "results/report.zip", *TARGETS], fresh)
    with zipfile.ZipFile(fresh / "results/report.zip") as z:
        names = z.namelist()
        for name in FIGURES:
            for ext in ("png", "pdf", "nc"):
                assert any(n.endswith(f"/{name}.{ext}") for n in names), (name, ext)
        nc = next(n for n in names if n.endswith("/fig6.nc"))
        with z.open(nc) as fh:
            data = fh.read()
    assert data == (fresh / "results/figures/fig6.nc").read_bytes()


def contract_name(name: str, free: list[str]) -> str:
    """How docs/workflow.rst writes a variable of an experiment file: ``<p>`` for a free
    parameter, ``<p1>_map`` for a chi2-map axis, ``best_<p>``, ``<...>_<tag>`` for the
    best-fit and paper's-point copies."""
    if name in free:
        return "<p>"
    for i, p in enumerate(free[:2], start=1):
        if name == f"{p}_map":
            return f"<p{i}>_map"
    for prefix in ("best_", "paper_"):
        if name.startswith(prefix) and name[len(prefix) :] in free:
            return f"{prefix}<p>"
    for tag in ("_best", "_paper"):
        if name.endswith(tag):
            return name[: -len(tag)] + "_<tag>"
    return name


def test_data_contract_page_names_every_variable(fresh):
    """docs/workflow.rst names every variable, coordinate and file the pipeline writes."""
    page = (ROOT / "docs/workflow.rst").read_text()
    seen_experiments = set()
    for path in sorted((fresh / "results").rglob("*.nc")):
        if "chunks" in path.parts:
            continue  # internal: per-chunk files are assembled into phase_diagram.nc
        if "sweeps" not in path.parts:
            assert path.name in page or path.stem in page, path.name
        free = []
        if "experiments" in path.parts:
            fit = path.relative_to(fresh / "results/experiments").parts[0]
            seen_experiments.add(fit)
            free = [
                f["name"] for f in yaml.safe_load((fresh / "config.yaml").read_text())["fit"][fit]["free"]
            ]
        with xr.open_dataset(path) as ds:
            for name in [*ds.data_vars, *ds.coords]:
                shown = contract_name(name, free)
                assert f"``{shown}``" in page, (
                    f"{path.relative_to(fresh)}: {name} ({shown}) is not on docs/workflow.rst"
                )
            if "experiments" in path.parts and path.name == "fit.nc":
                for p in free:
                    assert "fit_bounds" in ds[p].attrs and "``fit_bounds``" in page
    assert seen_experiments == set(EXPERIMENT_FIGURES)

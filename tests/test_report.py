"""``snakemake --report`` on an install made exactly as the README says.

A fresh virtual environment gets ``pip install -e .`` of a temporary copy of the
project (no extras: what a user has after the quick start), runs the main target and
the sweeps on a tiny configuration with that environment's Snakemake, then builds the
report as HTML and as a zip archive and opens both.
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
from test_workflow import FIGURES, make_project, tiny

ROOT = Path(__file__).resolve().parents[1]
SWEEP_FIGURES = ["Tc_K", "gap_ratio", "anisotropy_alpha", "anisotropy_beta", "lambda_d_at_Tc", "d_wave_leads"]

pytestmark = [pytest.mark.slow, pytest.mark.workflow]


def run(args, cwd, timeout=1200):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(map(str, args))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A copy of the project installed as the README's quick start says, after running its targets."""
    project = make_project(tmp_path_factory.mktemp("fresh") / "triplon", tiny)
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project)
    # the README's command: python3 -m venv .venv && .venv/bin/pip install -e .
    # (--no-compile only skips writing bytecode at install time: 40 s instead of 110 s)
    run([sys.executable, "-m", "venv", ".venv"], project)
    run([".venv/bin/pip", "install", "-q", "--no-compile", "-e", "."], project)
    run([".venv/bin/snakemake", "--cores", "2", "all", "sweeps"], project)
    return project


def report_results(html: str) -> dict:
    """The results table embedded in a Snakemake report: {path: entry}."""
    m = re.search(r"var results = (\{.*?\});\s*$", html, flags=re.M)
    assert m, "no results table in the report"
    return json.loads(m.group(1))


def test_fresh_install_has_no_extra_packages(fresh):
    pip = run([".venv/bin/pip", "list", "--format", "json"], fresh).stdout
    names = {p["name"].lower() for p in json.loads(pip)}
    assert "pytest" not in names and "snakemake-executor-plugin-slurm" not in names


def test_html_report_lists_every_figure_with_its_pdf_and_data(fresh):
    run([".venv/bin/snakemake", "--report", "results/report.html", "all", "sweeps"], fresh)
    html = (fresh / "results/report.html").read_text()
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
    assert "Fig. 3b" in fig3b["caption"] and "results/figures/fig3b.nc" in fig3b["caption"]
    for ext in ("png", "pdf", "nc"):  # the caption links the figure's other files
        assert f"showResultInfo('results/figures/fig3b.{ext}')" in fig3b["caption"]
    tc = by_path["results/sweeps/tiny/figures/Tc_K.png"]
    assert "tiny" in tc["caption"] and "phase_diagram.nc" in tc["caption"]


def test_zip_report_holds_the_files(fresh):
    run([".venv/bin/snakemake", "--report", "results/report.zip", "all", "sweeps"], fresh)
    with zipfile.ZipFile(fresh / "results/report.zip") as z:
        names = z.namelist()
        for name in FIGURES:
            for ext in ("png", "pdf", "nc"):
                assert any(n.endswith(f"/{name}.{ext}") for n in names), (name, ext)
        nc = next(n for n in names if n.endswith("/fig6.nc"))
        with z.open(nc) as fh:
            data = fh.read()
    assert data == (fresh / "results/figures/fig6.nc").read_bytes()


def test_data_contract_page_names_every_variable(fresh):
    """docs/workflow.rst names every variable, coordinate and file the pipeline writes."""
    page = (ROOT / "docs/workflow.rst").read_text()
    for path in sorted((fresh / "results").rglob("*.nc")):
        if "chunks" in path.parts:
            continue  # internal: per-chunk files are assembled into phase_diagram.nc
        if "sweeps" not in path.parts:
            assert path.name in page or path.stem in page, path.name
        with xr.open_dataset(path) as ds:
            for name in [*ds.data_vars, *ds.coords]:
                assert f"``{name}``" in page, f"{path.relative_to(fresh)}: {name} is not on docs/workflow.rst"

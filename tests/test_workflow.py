"""The real Snakefile, run by the real Snakemake, in temporary copies of the project."""

import json
import math
import re
import subprocess

import numpy as np
import pytest
import xarray as xr
import yaml
from projects import (
    FIGURES,
    SNAKEMAKE,
    copy_project,
    job_counts,
    local_snakemake_env,
    make_project,
    planned_jobs,
    result_files,
    shared_run_jobs,
    smk,
    tiny,
)

from triplon.model.dos import fermi_level

GLOBAL_ATTRS = ["title", "source", "history", "references", "config_sha256"]

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    """The shipped configuration, run once."""
    project = make_project(tmp_path_factory.mktemp("paper"))
    smk(project)
    return project


@pytest.fixture(scope="module")
def small(shared_project, tmp_path_factory):
    """A copy of the session's tiny project (paper figures, sweeps and fits done) to edit."""
    return copy_project(shared_project, tmp_path_factory.mktemp("small") / "project")


def check_contract(ds: xr.Dataset, path):
    for name, v in ds.data_vars.items():
        assert "units" in v.attrs and "long_name" in v.attrs, f"{path}: {name} lacks units/long_name"
    for a in GLOBAL_ATTRS:
        assert ds.attrs.get(a), f"{path}: global attribute {a} missing"
    assert ds.attrs["source"].startswith("triplon ")
    assert "2602.23989" in ds.attrs["references"]


def test_every_output_follows_the_data_contract(paper):
    ncs = sorted((paper / "results").rglob("*.nc"))
    assert len(ncs) == 7 + len(FIGURES)  # 7 intermediates under results/paper
    for path in ncs:
        with xr.open_dataset(path) as ds:
            check_contract(ds, path)
    for name in FIGURES:
        for ext in ("pdf", "png"):
            assert (paper / f"results/figures/{name}.{ext}").stat().st_size > 1000


def open_fig(project, name):
    return xr.load_dataset(project / f"results/figures/{name}.nc")


def test_paper_figure_contents(paper):
    n_c = np.round(np.arange(10, 101) / 100, 2)

    f = open_fig(paper, "fig2a")
    assert f.xi.dims == ("band", "path") and list(f.band.values) == ["alpha", "beta"]
    assert "kx" in f.coords and "ky" in f.coords and f.kx.dims == ("path",)
    assert f.attrs["high_symmetry_labels"] == "Gamma,X,M,Gamma"
    assert np.allclose(f.attrs["high_symmetry_positions"], [0, np.pi, 2 * np.pi, (2 + np.sqrt(2)) * np.pi])

    f = open_fig(paper, "fig2b")
    assert f.kx_F.dims == ("band", "theta") and f.ky_F.dims == ("band", "theta")
    assert f.theta[0] == 0 and np.isclose(f.theta[-1], 2 * np.pi)
    assert f.attrs["pocket_centres"] == "Gamma,M"

    f = open_fig(paper, "fig3a")
    assert np.isin(n_c, f.n_c.values).all()  # the uniform grid, refined at critical fillings
    ref = fermi_level(n_c=0.45)
    assert float(f.dos_ratio.sel(n_c=0.45)) == pytest.approx(ref.dos["beta"] / ref.dos["alpha"], rel=1e-9)

    f = open_fig(paper, "fig3b")
    assert {0.3, 0.6} <= set(f.lam.values.tolist()) and f.r.size >= 81
    for r in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0):
        assert np.min(np.abs(f.r.values - r)) < 1e-12
    assert set(f.data_vars) == {"gap_ratio", "gap_ratio_exact", "gap_ratio_weak"}
    assert f.gap_ratio.dims == ("lam", "r") and f.gap_ratio_weak.dims == ("r",)

    f = open_fig(paper, "fig4a")
    assert f.dos_eta2_ratio.dims == ("band", "n_c")
    assert np.isin(n_c, f.n_c.values).all()

    for name, variables in (("fig4b", {"gap"}), ("fig5", {"gap_full", "gap_eq16"})):
        f = open_fig(paper, name)
        assert set(f.data_vars) == variables
        th = f.theta.values
        assert th.size >= 181 and th[0] == 0 and np.isclose(th[-1], np.pi / 2)
        for t in (0, np.pi / 16, np.pi / 8, 3 * np.pi / 16, np.pi / 4):
            assert np.min(np.abs(th - t)) < 1e-12
        for v in variables:
            g = f[v]
            assert float(g.sel(band="alpha").isel(theta=0)) == pytest.approx(1.0)
            for b in ("alpha", "beta"):  # minimum on the diagonal (paper claim 2)
                assert float(th[int(np.argmin(np.abs(g.sel(band=b).values)))]) == pytest.approx(
                    np.pi / 4, abs=1e-9
                )
            # alpha carries the larger gap (paper claim 1); s+-: Delta_beta < 0
            assert np.all(g.sel(band="alpha").values > np.abs(g.sel(band="beta").values))
            assert np.all(g.sel(band="beta").values < 0)

    f = open_fig(paper, "fig6")
    assert f.gap.dims == ("band", "T") and f.gap.attrs["units"] == "eV" and f.attrs["Tc"] > 0
    assert np.all(f.gap.where(f["T"] >= f.attrs["Tc"]).fillna(0).values == 0)

    d = xr.load_dataset(paper / "results/paper/dos.nc")
    assert d.mu.dims == ("n_c",)
    for v in ("filling", "dos", "dos_eta2"):
        assert d[v].dims == ("band", "n_c")
    np.testing.assert_allclose(d.filling.sum("band").values, d.n_c.values, atol=1e-12)


def test_second_run_does_nothing(small):
    assert "Nothing to be done" in smk(small, "--dry-run").stdout


def edit_config(project, edit):
    config = yaml.safe_load((project / "config.yaml").read_text())
    edit(config)
    (project / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def test_parameter_edit_reruns_exactly_its_dependents(small):
    original = (small / "config.yaml").read_text()
    try:
        edit_config(small, lambda c: c["paper"]["fig3b"].update(lam=[0.3, 0.5]))
        assert planned_jobs(small) == {"all": 1, "figure": 1, "gap_ratio": 1}
        (small / "config.yaml").write_text(original)
        edit_config(small, lambda c: c["model"].update(t1=0.46))
        assert planned_jobs(small) == {
            "all": 1,
            "band_path": 1,
            "dos_table": 1,
            "eliashberg": 1,
            "fermi_surface": 1,
            "figure": 10,
            "gap_structure": 1,
            "gap_temperature": 1,
        }
    finally:
        (small / "config.yaml").write_text(original)
    assert "Nothing to be done" in smk(small, "--dry-run").stdout


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """A clean run of the paper's figures and of the sweep k (see ``killable``) in a new
    directory: the reference of the two tests below."""
    project = make_project(tmp_path_factory.mktemp("clean") / "project", killable)
    smk(project, "all", "sweeps")
    return project


def test_clean_runs_are_byte_identical(shared_project, clean_run):
    """Every file under results/ (NetCDF, PDF, PNG), logs excepted, of two runs of the paper's
    figures in two directories (their sweeps and fits differ: not compared here)."""
    got = result_files(shared_project, exclude=("logs", "sweeps", "experiments"))
    want = result_files(clean_run, exclude=("logs", "sweeps"))
    assert sorted(got) == sorted(want) and any(str(p).endswith(".pdf") for p in want)
    for rel in want:
        assert got[rel] == want[rel], rel


@pytest.mark.parametrize(
    "edit, fragments",
    [
        (lambda c: c["model"].update(t1="abc"), ["model.t1", "'abc' is not of type 'number'", "rule: type"]),
        (
            lambda c: c["paper"]["gap_structure"].update(n_c=3.0),
            ["paper.gap_structure.n_c", "exclusiveMaximum"],
        ),
        (
            lambda c: c.update(modle={}),
            ["'modle': unknown key (did you mean 'model'?)", "additionalProperties"],
        ),
        (
            lambda c: c["numerics"]["shell"].update(ratio=1.5),
            ["numerics.shell.ratio", "greater than the maximum of 0.75"],
        ),
        (lambda c: c["paper"]["n_c_grid"].update(num=0), ["paper.n_c_grid.num", "minimum"]),
    ],
)
def test_invalid_config_stops_before_any_job(tmp_path, edit, fragments):
    project = make_project(tmp_path / "bad", edit)
    r = smk(project, check=False)
    assert r.returncode != 0
    for fragment in fragments:
        assert fragment in r.stderr + r.stdout, r.stderr
    assert "Traceback" not in r.stderr
    assert not (project / "results").exists()


def test_report_has_every_figure_with_caption(small):
    smk(small, "--report", "report.html")
    html = (small / "report.html").read_text(errors="replace")
    for name in FIGURES:
        assert f"{name}.png" in html


# ------------------------------------------------------------------ sweeps


@pytest.fixture(scope="module")
def swept(shared_project, tmp_path_factory):
    """A copy of the session's tiny project, whose run made the sweeps tiny and wide."""
    # 12 points in chunks of 5 (tiny) and one chunk of 1200 points (wide)
    assert shared_run_jobs(shared_project)["sweep_chunk"] == 3 + 1 + 2
    assert len(list((shared_project / "results/sweeps/tiny/chunks").glob("*.nc"))) == 3
    return copy_project(shared_project, tmp_path_factory.mktemp("sweep") / "project")


def test_method_axis_sweep_matches_both_one_point_solvers(swept):
    """A sweep over method: BCS points as gap_point, eliashberg points as eliashberg_point."""
    from triplon.observables.eliashberg import eliashberg_point
    from triplon.pairing.caveats import KELVIN_PER_EV
    from triplon.pairing.point import gap_point

    pd = xr.load_dataset(swept / "results/sweeps/methods/phase_diagram.nc")
    check_contract(pd, "phase_diagram.nc")
    assert list(pd["method"].values) == ["bcs", "eliashberg"] and pd["method"].attrs["long_name"]
    assert pd["Tc_K"].dims == ("lam", "method") and pd["converged"].all()
    for lam in (0.3, 0.5):
        # a dict: sel's own keyword `method` would take the name as a fill method
        bcs, el = pd.sel({"lam": lam, "method": "bcs"}), pd.sel({"lam": lam, "method": "eliashberg"})
        ref = eliashberg_point(n_c=0.45, lam=lam, kappa=0.75, omega_T=0.05, points=101)
        assert float(el["Tc_K"]) == pytest.approx(ref.Tc * KELVIN_PER_EV, rel=1e-9)
        assert float(el["Z_alpha"]) == pytest.approx(ref.Z["alpha"], rel=1e-9)
        assert float(el["gap_edge_max_beta"]) == pytest.approx(ref.gap_edge["beta"][1], rel=1e-9)
        assert float(el["mode_energy"]) == pytest.approx(ref.mode_energy, rel=1e-9)
        assert float(el["omega_T"]) == 0.05 and math.isnan(float(el["omega"]))
        g = gap_point(n_c=0.45, lam=lam, kappa=0.75, omega=0.3)
        assert float(bcs["Tc_K"]) == pytest.approx(g.Tc * KELVIN_PER_EV, rel=1e-6)
        assert math.isnan(float(bcs["Z_alpha"])) and math.isnan(float(bcs["omega_T"]))
        # retardation: far below the static T_c of the cutoff 0.3 eV
        assert float(el["Tc_K"]) < 0.2 * float(bcs["Tc_K"])
    # the BCS points carry the T_c > 300 K bit, the eliashberg ones at 50 meV do not
    assert (pd["caveat_flags"].sel({"method": "bcs", "lam": 0.5}) & 64) and not (
        pd["caveat_flags"].sel({"method": "eliashberg"}) & (64 | 256)
    ).any()
    assert (swept / "results/sweeps/methods/figures/Tc_K.png").stat().st_size > 0


def test_sweep_phase_diagram_and_figures(swept):
    pd = xr.load_dataset(swept / "results/sweeps/tiny/phase_diagram.nc")
    check_contract(pd, "phase_diagram.nc")
    assert pd["A_alpha"].dims == ("n_c", "lam", "kappa")
    for v in (
        "mu",
        "A_alpha",
        "B_alpha",
        "A_beta",
        "B_beta",
        "gap_ratio",
        "ratio_eq18",
        "ratio_eq17",
        "Tc",
        "lambda_d_at_Tc",
        "converged",
        "Tc_K",
        "anisotropy_alpha",
        "validity_eq18",
        "leading_channel",
    ):
        assert v in pd, v
    assert pd["Tc"].attrs["units"] == "eV" and pd["converged"].all()
    figs = sorted(p.stem for p in (swept / "results/sweeps/tiny/figures").glob("*.png"))
    assert figs == sorted(
        ["Tc_K", "gap_ratio", "anisotropy_alpha", "anisotropy_beta", "lambda_d_at_Tc", "d_wave_leads"]
    )
    f = xr.load_dataset(swept / "results/sweeps/tiny/figures/gap_ratio.nc")
    assert "2506.01788" in f.attrs["experiment_reference"] and "experiment_match" in f
    log = (swept / "results/logs/sweeps/tiny").glob("chunk-*.log")
    assert any("[5/5]" in p.read_text() for p in log)  # progress in the chunk logs


def test_growing_an_axis_computes_only_new_points(swept):
    chunks = swept / "results/sweeps/tiny/chunks"
    before = {p.name: p.stat().st_mtime_ns for p in chunks.glob("*.nc")}
    edit_config(swept, lambda c: c["sweeps"]["tiny"]["axes"].update(lam=[0.3, 0.5, 0.6]))
    r = smk(swept, "results/sweeps/tiny/phase_diagram.nc")  # the figures are not the point here
    assert job_counts(r.stdout + r.stderr)["sweep_chunk"] == 4  # a new grid: 18 points in chunks of 5
    after = {p.name: p.stat().st_mtime_ns for p in chunks.glob("*.nc")}
    assert all(after[name] == t for name, t in before.items())  # the old chunks are the point store
    stats = [
        json.loads(line.split("chunk stats ", 1)[1])
        for p in (swept / "results/logs/sweeps/tiny").glob("chunk-*.log")
        for line in p.read_text().splitlines()
        if line.startswith("chunk stats ") and p.stem.split("-", 1)[1] not in {n[:-3] for n in before}
    ]
    assert len(stats) == 4 and sum(s["reused"] for s in stats) == 12  # only the 6 new points computed
    assert sum(s["computed"] for s in stats) == 6
    pd = xr.load_dataset(swept / "results/sweeps/tiny/phase_diagram.nc")
    assert pd.sizes == {"n_c": 3, "lam": 3, "kappa": 2} and pd["converged"].all()


def test_configfile_adds_a_sweep_and_jobs_grow_with_chunks(swept, tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        yaml.safe_dump(
            {"sweeps": {"line": {"axes": {"n_c": {"start": 0.3, "stop": 0.6, "num": 40}}, "chunk_size": 40}}}
        )
    )
    jobs = planned_jobs(swept, "sweeps", "--configfile", str(extra))  # --configfile takes 1+ files
    assert jobs["sweep_chunk"] == 1  # 40 points, one chunk job
    smk(swept, "results/sweeps/line/phase_diagram.nc", "--configfile", str(extra))
    pd = xr.load_dataset(swept / "results/sweeps/line/phase_diagram.nc")
    assert pd["Tc"].dims == ("n_c",) and pd.sizes["n_c"] == 40
    assert (swept / "results/sweeps/tiny/phase_diagram.nc").exists()  # the shipped sweep is kept


@pytest.mark.parametrize(
    "sweep, fragment",
    [
        ({"axes": {"n_c": [2.5]}}, "'sweeps.bad.axes.n_c': value 2.5 outside the allowed range (0, 2)"),
        ({"axes": {"n_c": [0.4]}, "chunk_size": 0}, "sweeps.bad.chunk_size"),
        ({"axes": {"nc": [0.4]}}, "sweeps.bad.axes"),
    ],
)
def test_invalid_sweep_stops_before_any_job(tmp_path, sweep, fragment):
    project = make_project(tmp_path / "badsweep", lambda c: c.update(sweeps={"bad": sweep}))
    r = smk(project, "sweeps", check=False)
    assert r.returncode != 0 and fragment in r.stderr + r.stdout, r.stderr
    assert not (project / "results").exists()


# ------------------------------------------------------------------ faults


CHUNKS = 6  # of the sweep k


def killable(config):
    """A sweep of 120 points in 6 chunk jobs and one figure (its PDF and PNG are compared too)."""
    tiny(config)
    config["sweeps"] = {
        "k": {
            "axes": {
                "n_c": {"start": 0.2, "stop": 0.9, "num": 12},
                "lam": [0.2, 0.3, 0.4, 0.5, 0.6],
                "kappa": [0.0, 0.75],
            },
            "chunk_size": 20,
            "figures": [{"name": "Tc_K", "quantity": "Tc_K", "x": "n_c", "y": "lam", "facet": "kappa"}],
        }
    }


def test_sigkill_halfway_then_resume_gives_identical_results(clean_run, tmp_path):
    import glob
    import os
    import signal
    import time

    project = make_project(tmp_path / "killed", killable)
    proc = subprocess.Popen(
        [SNAKEMAKE, "--cores", "2", "sweeps"],
        cwd=project,
        env=local_snakemake_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    t0 = time.time()
    pattern = str(project / "results/sweeps/k/chunks/*.json")
    while len(glob.glob(pattern)) < 2 and time.time() - t0 < 300 and proc.poll() is None:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole run, jobs included
    proc.wait()
    finished = len(glob.glob(pattern))
    assert 0 < finished < CHUNKS, "the kill did not land halfway"
    # the documented recovery (README, "Faults")
    smk(project, "--unlock")
    r = smk(project, "sweeps", "--rerun-incomplete")
    reran = int(re.search(r"sweep_chunk\s+(\d+)", r.stdout + r.stderr).group(1))
    # finished chunks are kept; the (at most 2, one per core) jobs running at the kill may have
    # written their manifest before Snakemake recorded them complete, and run again
    assert CHUNKS - finished <= reran <= CHUNKS - finished + 2
    got, want = result_files(project), result_files(clean_run, under="results/sweeps")
    assert sorted(got) == sorted(want)
    for rel in want:  # NetCDF, PDF, PNG, JSON: all byte-identical
        assert got[rel] == want[rel], rel


def test_truncated_input_is_reported_with_its_name(small):
    dos = small / "results/paper/dos.nc"
    original = dos.read_bytes()
    try:
        dos.write_bytes(original[:300])
        r = smk(small, "results/figures/fig3a.nc", check=False)
        assert r.returncode != 0
        log = (small / "results/logs/figure_fig3a.log").read_text()
        assert "results/paper/dos.nc: truncated or corrupt NetCDF file" in log
        assert "results/logs/figure_fig3a.log" in r.stdout + r.stderr
    finally:
        dos.write_bytes(original)
        smk(small, "--touch", "results/figures/fig3a.nc", "results/figures/fig4a.nc", check=False)


@pytest.mark.parametrize(
    "target", ["results/sweeps/../../escape/phase_diagram.nc", "results/sweeps/a;touch x/phase_diagram.nc"]
)
def test_hostile_targets_match_no_rule_and_write_nothing(small, target):
    before = {p for p in small.parent.rglob("*")}
    r = smk(small, target, check=False)
    assert r.returncode != 0
    assert not (small / "x").exists() and not (small.parent / "escape").exists()
    assert {
        p for p in small.parent.rglob("*") if "logs" not in p.parts and ".snakemake" not in p.parts
    } <= before


def test_local_runs_skip_the_slurm_probe():
    """The environment of local runs makes the SLURM plugin's start-up probe fail at once."""
    import shutil
    import time

    if shutil.which("scontrol") is None:
        pytest.skip("no SLURM client: the plugin does not probe")
    t0 = time.perf_counter()
    r = subprocess.run(
        ["scontrol", "show", "config"], env=local_snakemake_env(), capture_output=True, timeout=30
    )
    assert r.returncode != 0 and time.perf_counter() - t0 < 2.0


def test_dot_test_config_is_up_to_date():
    """.test/config.yaml is config.yaml as the session's shared project has it (regenerate:
    .venv/bin/python tests/projects.py)."""
    from projects import ROOT, test_config_text

    assert (ROOT / ".test" / "config.yaml").read_text() == test_config_text()


def test_workflow_runs_from_another_directory(shared_project, tmp_path):
    """snakemake -s <checkout>/Snakefile --directory <a copy of .test>: the workflow finds its
    rules, schema and library from its own checkout and writes under the other directory,
    with the same bytes as the session's project (same configuration)."""
    import shutil

    from projects import ROOT

    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / ".test", work)
    target = "results/sweeps/tiny/phase_diagram.nc"
    r = subprocess.run(
        [SNAKEMAKE, "-s", str(ROOT / "Snakefile"), "--directory", str(work), "--cores", "2", target],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=local_snakemake_env(),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert not (tmp_path / "results").exists() and not (ROOT / ".test" / "results").exists()
    assert (work / target).read_bytes() == (shared_project / target).read_bytes()

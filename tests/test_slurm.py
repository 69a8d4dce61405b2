"""The SLURM path, end to end, against a real single-node SLURM (tests/slurm/cluster.sh).

Run with ``pytest -m slurm``. The session fixture uses a running cluster, or starts
one from the installed Debian packages when run as root (and stops exactly the
daemons it started); otherwise the tests are skipped with the reason.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import xarray as xr
from projects import SNAKEMAKE, make_project, tiny, user_env, wide_sweep

from triplon.studies.sweeps.plan import chunk_resources, plan_sweep

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = ROOT / "tests/slurm/cluster.sh"
STATE = Path(os.environ.get("TRIPLON_SLURM_STATE", "/tmp/triplon-slurm"))
SLURM_ARGS = [
    "--workflow-profile",
    "workflow/profiles/slurm",
    "--set-threads",
    "sweep_chunk=2",  # as a cluster user gives a chunk job several CPUs
    "--cores",
    "2",  # the test node has 2 CPUs: grouped jobs must fit on it
    "--slurm-status-command",
    "squeue",  # no accounting database here
    # the plugin checks again 1 s after a check that saw a job finish, and 10 s later each
    # time after one that saw none (1 is the least it allows)
    "--slurm-init-seconds-before-status-checks",
    "1",
    "--seconds-between-status-checks",
    "1",
]
TIMEOUT = 600

pytestmark = pytest.mark.slurm


def _cluster_up() -> bool:
    return subprocess.run([str(CLUSTER), "status"], capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def cluster():
    if _cluster_up():
        yield STATE
        return
    if os.geteuid() != 0:
        pytest.skip("no SLURM cluster running and not root: cannot start one (see tests/slurm/cluster.sh)")
    if shutil.which("slurmctld") is None:
        pytest.skip("SLURM is not installed: run 'tests/slurm/cluster.sh install' as root")
    r = subprocess.run([str(CLUSTER), "start"], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        pytest.skip(f"SLURM could not be started: {r.stderr.strip()}")
    try:
        yield STATE
    finally:
        subprocess.run([str(CLUSTER), "stop"], capture_output=True, timeout=120)


def run_slurm(project: Path, *targets, check=True):
    try:
        r = subprocess.run(
            [SNAKEMAKE, *targets, *SLURM_ARGS],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=user_env(),
        )
    except subprocess.TimeoutExpired:
        subprocess.run(["scancel", "--user", "root"], capture_output=True)
        pytest.fail(f"SLURM run did not finish in {TIMEOUT} s (pending group larger than the node?)")
    if check and r.returncode != 0:
        raise AssertionError(f"SLURM run failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
    return r


def submitted_job_ids(output: str) -> set[str]:
    return set(re.findall(r"submitted with SLURM jobid (\d+)", output))


def completed_job_ids(state: Path) -> dict[str, str]:
    text = (state / "jobcomp.txt").read_text() if (state / "jobcomp.txt").exists() else ""
    return dict(re.findall(r"JobId=(\d+) .*?JobState=(\w+)", text))


def completed_jobs(state: Path) -> dict[str, dict]:
    """{job id: {field: value}} from the job-completion log (jobcomp/filetxt)."""
    text = (state / "jobcomp.txt").read_text() if (state / "jobcomp.txt").exists() else ""
    jobs = {}
    for line in text.splitlines():
        fields = dict(re.findall(r"(\w+)=(\S*)", line))
        if "JobId" in fields:
            jobs[fields["JobId"]] = fields
    return jobs


def wide(config):
    """tiny, plus the sweep ``wide`` of one 1200-point chunk (a chunk job with enough work to
    use 2 CPUs). The sweep tiny draws one of its figures: figure jobs of a sweep differ only
    in the quantity drawn, and each part of a grouped job costs a Snakemake start."""
    tiny(config)
    config["sweeps"]["tiny"]["figures"] = [
        {"name": "Tc_K", "quantity": "Tc_K", "x": "n_c", "y": "lam", "facet": "kappa", "kind": "heatmap"}
    ]
    config["sweeps"]["wide"] = wide_sweep()


def local_rules_run(output: str) -> set[str]:
    return set(re.findall(r"^localrule (\w+):", output, flags=re.M))


# one paper figure (a grouped paper computation and a grouped figure job) and the sweeps:
# every kind of job of the profile, without the whole paper rebuild (the local runs do that)
SLURM_TARGETS = ("results/figures/fig3a.png", "sweeps")


@pytest.fixture(scope="module")
def slurm_run(cluster, tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("slurm"), wide)
    r = run_slurm(project, *SLURM_TARGETS)
    return project, r.stdout + r.stderr


def test_every_job_went_through_sbatch(cluster, slurm_run):
    project, out = slurm_run
    ids = submitted_job_ids(out)
    # a paper computation, figures (one group), 3 + 1 sweep chunks, 2 gathers
    assert len(ids) >= 7
    done = completed_job_ids(cluster)
    assert all(done.get(i) == "COMPLETED" for i in ids), {i: done.get(i) for i in ids}
    assert local_rules_run(out) <= {"sweeps"}  # nothing but the target rule ran locally


def test_slurm_results_equal_local_results(slurm_run, shared_project):
    """The same grids run locally: the session's shared run (it has more sweep figures and fits)."""
    project, _ = slurm_run
    files = sorted(p.relative_to(project) for p in (project / "results").rglob("*.nc"))
    assert len(files) >= 9  # the paper's DOS table and Fig. 3a, every chunk, gather and figure
    for rel in files:
        assert (project / rel).read_bytes() == (shared_project / rel).read_bytes(), rel


def test_failed_job_is_reported_and_rerun_resumes(cluster, slurm_run, shared_project):
    project, _ = slurm_run
    chunks = sorted((project / "results/sweeps/tiny/chunks").glob("*.nc"))
    bad, good = chunks[0], chunks[1:]
    before = {p: p.stat().st_mtime_ns for p in good}
    bad.write_bytes(bad.read_bytes()[:200])  # a node crash left a truncated chunk
    r = run_slurm(project, "sweeps", check=False)
    out = r.stdout + r.stderr
    assert r.returncode != 0
    assert "Error in rule sweep_gather" in out or "Error in group" in out
    assert "results/logs/sweeps/tiny/gather.log" in out  # the log path is reported
    log = (project / "results/logs/sweeps/tiny/gather.log").read_text()
    assert bad.name in log and "differs from its manifest" in log  # verified against its SHA-256
    assert f"rm -f {bad.relative_to(project)} " in log and "&& snakemake --cores 2 sweeps" in log
    # the documented recovery: delete the bad file, run again
    bad.unlink()
    r = run_slurm(project, "sweeps")
    out = r.stdout + r.stderr
    assert re.search(r"sweep_chunk\s+1\b", out)  # exactly one chunk recomputed
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())  # finished chunks untouched
    rel = Path("results/sweeps/tiny/phase_diagram.nc")
    assert xr.load_dataset(project / rel).equals(xr.load_dataset(shared_project / rel))


def test_chunk_jobs_get_and_use_their_cpus(cluster, slurm_run):
    project, out = slurm_run
    done = completed_jobs(cluster)
    plan = plan_sweep("wide", wide_spec(), project_numerics(project))
    (chunk,) = plan.chunk_names()
    log = (project / f"results/logs/sweeps/wide/chunk-{chunk}.log").read_text()
    job = re.search(r"SLURM_JOB_ID (\d+), SLURM_CPUS_PER_TASK (\S+)", log)
    assert job, log[:500]
    fields = done[job.group(1)]
    # SLURM allocated cpus_per_task = threads = 2, with the runtime of the cost model
    assert fields["JobState"] == "COMPLETED" and fields["ProcCnt"] == "2", fields
    want = chunk_resources(plan.chunk_points(0), 2, plan.chunk_groups(0))
    assert fields["TimeLimit"] == str(want["runtime"]), fields  # minutes
    assert job.group(2) == "2" and "threads 2;" in log
    # the job script's own CPU accounting: both processes computed, together more than one CPU-worth
    stats = json.loads(log.split("chunk stats ", 1)[1].splitlines()[0])
    assert stats["threads"] == 2 and stats["computed"] == 1200
    assert stats["cpu_workers_s"] > 0.25 * stats["cpu_s"] and stats["cpu_parent_s"] > 0.25 * stats["cpu_s"], (
        stats
    )
    print(f"chunk job CPU efficiency on SLURM: {stats['cpu_efficiency']:.2f} (load-dependent)")


def wide_spec():
    config = {"paper": {"n_c_grid": {}, "fig3b": {}, "gap_structure": {}}}
    wide(config)
    return config["sweeps"]["wide"]


def project_numerics(project):
    import yaml

    return yaml.safe_load((project / "config.yaml").read_text())["numerics"]

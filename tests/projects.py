"""Temporary copies of the project, the Snakemake runs the tests make in them, and the
tiny project that a test session runs once and shares between its xdist workers."""

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
FIGURES = [
    "fig2a",
    "fig2b",
    "fig3a",
    "fig3b",
    "fig4a",
    "fig4b",
    "fig5",
    "fig6",
    "eliashberg_tc",
    "eliashberg_gap",
    "eliashberg_dos",
]
SHARED_TARGETS = ("all", "sweeps", "experiments")


def user_env() -> dict:
    """This process's environment as a user's shell has it: Python writes bytecode.

    With PYTHONDONTWRITEBYTECODE set (as in some CI images), every Python process that a
    test starts (Snakemake, each job) would compile the modules of ``src/triplon`` it
    imports again, ~0.1 s each; packages installed by pip are compiled at install time.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def local_snakemake_env() -> dict:
    """Environment for a Snakemake run that uses no cluster.

    Snakemake loads every installed executor plugin at start-up, and the SLURM plugin
    then runs ``scontrol show config`` (10 s timeout) to word one help text. Where the
    SLURM client is configured but no controller answers, that costs ~10 s per start.
    An empty ``SLURM_CONF`` makes ``scontrol`` fail at once (a path that does not
    exist would not: ``scontrol`` retries for a minute). Local runs never talk to
    SLURM, so nothing they test changes; the SLURM tests keep the real environment.
    """
    return {**user_env(), "SLURM_CONF": os.devnull}


def make_project(path: Path, edit=None) -> Path:
    """A copy of the Snakefile, ``workflow/`` and ``config.yaml`` (edited by ``edit``) at ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "Snakefile", path)
    shutil.copytree(ROOT / "workflow", path / "workflow", ignore=shutil.ignore_patterns("__pycache__"))
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    if edit:
        edit(config)
    (path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def copy_project(source: Path, path: Path, into: bool = False) -> Path:
    """A copy of a project that has run, results and Snakemake's records included.

    File times are kept (``shutil.copy2``), so Snakemake finds the copy up to date.
    ``into``: ``path`` may exist already (its other files are kept).
    """
    ignore = shutil.ignore_patterns("locks", "log")
    shutil.copytree(source, path, symlinks=True, ignore=ignore, dirs_exist_ok=into)
    return path


def tiny(config):
    """The paper's figures on coarse grids and a 12-point sweep ``tiny`` in chunks of 5."""
    config["paper"]["n_c_grid"] = {"start": 0.2, "stop": 0.8, "num": 7}
    config["paper"]["fig3b"]["r"] = {"start": 1.0, "stop": 5.0, "num": 9}
    config["paper"]["gap_structure"]["theta_points"] = 33
    config["paper"]["temperature_points"] = 8
    config["paper"]["eliashberg"] = {**config["paper"].get("eliashberg", {}), "temperature_points": 4}
    config["paper"]["eliashberg"]["lam"] = {"start": 0.3, "stop": 0.9, "num": 4}
    config["sweeps"] = {
        "tiny": {
            "axes": {"n_c": [0.3, 0.45, 0.6], "lam": [0.3, 0.5], "kappa": [0.0, 0.75]},
            "fixed": {"omega": 0.3},
            "chunk_size": 5,
            "overlay": "stm",
            "mark": {"n_c": 0.45, "lam": 0.5},
        }
    }


def wide_sweep() -> dict:
    """A sweep of one 1200-point chunk: a chunk job with enough work to use 2 CPUs."""
    return {
        "axes": {
            "n_c": [0.35, 0.45, 0.55],
            "lam": {"start": 0.2, "stop": 0.6, "num": 40},
            "kappa": [0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5],
        },
        "chunk_size": 1200,
        "figures": [{"name": "Tc_K", "quantity": "Tc_K", "x": "lam", "y": "kappa", "facet": "n_c"}],
    }


def small_fits(config):
    """Two small fits to experiment: an STM one (λ, κ free) and an ARPES one (n_c free)."""
    fits = config["fit"]
    stm = {**fits["stm_fan2025"], "grid": 3, "map": 4}
    stm["free"] = stm["free"][:2]  # lam, kappa
    stm["fixed"] = {"n_c": 0.45, "omega": 0.1}
    config["fit"] = {"stm_fan2025": stm, "arpes_sun2025": {**fits["arpes_sun2025"], "grid": 5, "map": 7}}


def shared(config):
    """The configuration of the shared run: ``tiny``, the sweep ``wide`` and the small fits."""
    tiny(config)
    config["sweeps"]["wide"] = wide_sweep()
    # both gap solvers as an axis (names in phase_diagram.nc), omega_T for the eliashberg points
    config["sweeps"]["methods"] = {
        "axes": {"lam": [0.3, 0.5], "method": ["bcs", "eliashberg"]},
        "fixed": {"n_c": 0.45, "kappa": 0.75, "omega_T": 0.05},
        "chunk_size": 2,
        "figures": [{"name": "Tc_K", "quantity": "Tc_K", "x": "lam", "facet": "method"}],
    }
    small_fits(config)


def smk(project: Path, *args, check=True):
    """Run Snakemake (2 cores, no cluster) in ``project``."""
    r = subprocess.run(
        [SNAKEMAKE, "--cores", "2", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env=local_snakemake_env(),
    )
    if check and r.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def job_counts(output: str) -> dict:
    """{rule: count} from the "Job stats" table that Snakemake prints before it runs."""
    jobs, in_table = {}, False
    for line in output.splitlines():
        if line.startswith("job") and "count" in line:
            in_table = True
            continue
        if in_table:
            parts = line.split()
            if not parts or set("".join(parts)) <= {"-"}:
                continue
            if parts[0] == "total":
                break
            jobs[parts[0]] = int(parts[1])
    return jobs


def planned_jobs(project: Path, *targets) -> dict:
    """{rule: count} that a dry run of ``targets`` would execute."""
    return job_counts(smk(project, "--dry-run", *targets).stdout)


def shared_run(tmp_path_factory) -> Path:
    """The project of :func:`shared`, run once for ``SHARED_TARGETS`` in a test session.

    The first xdist worker that asks runs it (~1 min on 2 cores); the others wait on a
    file lock and then use the same directory. Users must not change it: a test that
    edits files works on a :func:`copy_project`. The run's output is in ``run.log``
    beside it; a failed run is reported to every worker that asks, and not repeated.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's directory, shared by its workers
    project, log, failed = base / "shared", base / "shared-run.log", base / "shared-run.failed"
    with open(base / "shared-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            raise AssertionError(f"the shared run failed (in another worker):\n{failed.read_text()}")
        if not log.exists():
            shutil.rmtree(project, ignore_errors=True)
            make_project(project, shared)
            try:
                r = smk(project, *SHARED_TARGETS)
            except AssertionError as error:
                failed.write_text(str(error))
                raise
            log.write_text(r.stdout + r.stderr)
    return project


def shared_run_jobs(project: Path) -> dict:
    """{rule: count} of the jobs that the shared run executed."""
    return job_counts((project.parent / "shared-run.log").read_text())


def result_files(project: Path, exclude=("logs",), under="results") -> dict:
    """Every file below ``project/under`` with its bytes, except in directories named in ``exclude``."""
    return {
        p.relative_to(project): p.read_bytes()
        for p in sorted((project / under).rglob("*"))
        if p.is_file() and not set(p.relative_to(project).parts) & set(exclude)
    }


TEST_CONFIG_HEAD = """\
# A tiny configuration for CI and for trying the workflow from another directory:
# config.yaml with coarse paper grids, a 12-point sweep and two small fits (the project the
# test session runs, tests/projects.py: shared()). tests/test_workflow.py checks that it is
# up to date and runs the workflow on a copy of this directory:
#   snakemake -s /path/to/triplon/Snakefile --directory <copy of .test> --cores 2
# Regenerate after editing config.yaml: .venv/bin/python tests/projects.py
"""


def test_config_text() -> str:
    """The text of .test/config.yaml: config.yaml as the test session's shared project has it."""
    import yaml

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    shared(config)
    return TEST_CONFIG_HEAD + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    (ROOT / ".test" / "config.yaml").write_text(test_config_text())

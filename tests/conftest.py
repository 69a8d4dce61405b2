import os

import pytest
from hypothesis import settings
from projects import shared_run

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def shared_project(tmp_path_factory):
    """The tiny project run once per session (all, sweeps, experiments): read it, never edit it."""
    return shared_run(tmp_path_factory)


# The longest test files go first, so that the xdist workers (pyproject.toml: -n 3 --dist
# loadfile --no-loadscope-reorder) start with the SLURM file (minutes of waiting on sbatch
# jobs) and the Snakemake runs, and the short files fill in around them.
SLOW_FIRST = (
    "test_slurm.py",
    "test_workflow.py",
    "test_report.py",
    "test_experiment.py",
    "test_docs.py",
    "test_hostile_config.py",
)


def pytest_collection_modifyitems(config, items):
    def rank(item):
        name = item.path.name
        return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)  # stable: the order inside each file is kept

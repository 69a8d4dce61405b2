import os

from hypothesis import settings

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def local_snakemake_env() -> dict:
    """Environment for a Snakemake run that uses no cluster.

    Snakemake loads every installed executor plugin at start-up, and the SLURM plugin
    then runs ``scontrol show config`` (10 s timeout) to word one help text. Where the
    SLURM client is configured but no controller answers, that costs ~10 s per start.
    An empty ``SLURM_CONF`` makes ``scontrol`` fail at once (a path that does not
    exist would not: ``scontrol`` retries for a minute). Local runs never talk to
    SLURM, so nothing they test changes; the SLURM tests keep the real environment.
    """
    return {**os.environ, "SLURM_CONF": os.devnull}


# Test files that spend minutes waiting on Snakemake and SLURM subprocesses go first, so
# that the two xdist workers (pyproject.toml: -n 2 --dist loadfile) start them at once
# and the short files fill in around them.
SLOW_FIRST = ("test_slurm.py", "test_report.py", "test_workflow.py")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        name = item.path.name
        return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)  # stable: the order inside each file is kept

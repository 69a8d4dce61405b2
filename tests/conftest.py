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

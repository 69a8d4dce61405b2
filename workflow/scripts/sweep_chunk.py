"""Rule script: compute one chunk of sweep points (results/sweeps/<name>/chunks/<chunk>.{nc,json}).

Points already in the sweep's point store are copied, the others computed by this
process and ``threads - 1`` workers (triplon.studies.sweeps.store.run_chunk).
"""


def _process_age_s() -> float | None:
    """Seconds since this process started (Linux /proc), None where unknown."""
    import os

    try:
        ticks = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19])  # noqa: SIM115
        uptime = float(open("/proc/uptime").read().split()[0])  # noqa: SIM115
        return uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def main(sm):
    import os
    import sys

    sys.stderr = open(sm.log[0], "w")  # noqa: SIM115 (the rule's log)
    from triplon.studies.sweeps.plan import plan_sweep
    from triplon.studies.sweeps.store import run_chunk

    print(
        f"threads {sm.threads}; CPUs usable by this process {len(os.sched_getaffinity(0))}; "
        f"SLURM_JOB_ID {os.environ.get('SLURM_JOB_ID', '-')}, "
        f"SLURM_CPUS_PER_TASK {os.environ.get('SLURM_CPUS_PER_TASK', '-')}",
        file=sys.stderr,
    )

    plan = plan_sweep(sm.wildcards.name, dict(sm.params.spec), dict(sm.params.numerics))
    run_chunk(
        plan,
        plan.block_of(sm.wildcards.chunk),
        dict(sm.params.numerics),
        sm.output.nc,
        sm.output.manifest,
        threads=sm.threads,
        log=lambda msg: print(msg, file=sys.stderr, flush=True),
        job_startup_s=_process_age_s(),  # the job's start-up: Python, Snakemake's preamble, imports
    )


if __name__ == "__main__":
    import sys

    # spawned workers need nothing from this script (their task function lives in
    # triplon.studies.sweeps.plan): without __file__ they do not re-run it and its preamble
    sys.modules["__main__"].__dict__.pop("__file__", None)
    main(snakemake)  # noqa: F821

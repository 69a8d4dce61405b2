"""Rule script: compute one chunk of sweep points (results/sweeps/<name>/chunks/<chunk>.{nc,json}).

Points already in the sweep's point store are copied, the others computed by this
process and ``threads - 1`` spawned workers (triplon.studies.sweeps.store.run_chunk).
"""


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
    )


if __name__ == "__main__":
    import sys

    # spawned workers need nothing from this script (their task function lives in
    # triplon.studies.sweeps.plan): without __file__ they do not re-run it and its preamble
    sys.modules["__main__"].__dict__.pop("__file__", None)
    main(snakemake)  # noqa: F821

"""Rule script: compute one chunk of sweep points (results/sweeps/<name>/chunks/<chunk>.{nc,json}).

Points already in the sweep's point store are copied, the others computed on
``threads`` worker processes (spawned: this file is re-imported by each worker,
so everything runs under the ``__main__`` guard).
"""


def main(sm):
    import sys

    sys.stderr = open(sm.log[0], "w")  # noqa: SIM115 (the rule's log)
    from triplon.sweep_plan import plan_sweep, run_chunk

    name = sm.wildcards.name
    plan = plan_sweep(name, dict(sm.params.spec), dict(sm.params.numerics))
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
    main(snakemake)  # noqa: F821

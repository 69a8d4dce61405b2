# Helper functions of the rules (Snakemake's lint: functions apart from rules).


def grid_spec(spec):
    """What the points depend on: editing figures, overlay or mark must not rerun chunks."""
    return {k: spec[k] for k in ("axes", "fixed", "chunk_size") if k in spec}


def chunk_job(wc, threads):
    """Resources of one chunk job from its points, quadratures and threads (measured cost model)."""
    plan = SWEEP_PLANS[wc.name]
    block = plan.block_of(wc.chunk)
    return chunk_resources(plan.chunk_points(block), threads, plan.chunk_groups(block))

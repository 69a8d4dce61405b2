rule sweep_chunk:
    """Compute one chunk of sweep points on `threads` processes; writes its results, then its manifest."""
    output:
        nc="results/sweeps/{name}/chunks/{chunk}.nc",
        manifest="results/sweeps/{name}/chunks/{chunk}.json",
    log:
        "results/logs/sweeps/{name}/chunk-{chunk}.log",
    conda:
        "../envs/triplon.yaml"
    threads: 1  # processes per chunk job; --set-threads sweep_chunk=N on a node of N CPUs
    resources:
        runtime=lambda wc, threads: chunk_job(wc, threads)["runtime"],
        mem_mb=lambda wc, threads: chunk_job(wc, threads)["mem_mb"],
        cpus_per_task=lambda wc, threads: threads,
    params:
        code=TRIPLON,
        spec=lambda wc: grid_spec(config["sweeps"][wc.name]),
        numerics=config["numerics"],
    script:
        "../scripts/sweep_chunk.py"


rule sweep_gather:
    """Verify a sweep's chunks against their manifests and write its phase diagram, slab by slab."""
    input:
        nc=lambda wc: [
            f"results/sweeps/{wc.name}/chunks/{c}.nc"
            for c in SWEEP_PLANS[wc.name].chunk_names()
        ],
        manifests=lambda wc: [
            f"results/sweeps/{wc.name}/chunks/{c}.json"
            for c in SWEEP_PLANS[wc.name].chunk_names()
        ],
    output:
        "results/sweeps/{name}/phase_diagram.nc",
    log:
        "results/logs/sweeps/{name}/gather.log",
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=lambda wc: gather_mem_mb(SWEEP_PLANS[wc.name].n_points),
        runtime=lambda wc: gather_runtime(SWEEP_PLANS[wc.name].n_points),
    params:
        code=TRIPLON,
        spec=lambda wc: grid_spec(config["sweeps"][wc.name]),
        numerics=config["numerics"],
        # repeated in the printed recovery command, so that it recomputes the same sweep
        configfiles=[str(Path(f).resolve()) for f in workflow.overwrite_configfiles],
    script:
        "../scripts/sweep_gather.py"


rule sweep_figure:
    """One figure of a sweep: its plotted data (.nc), PDF and PNG."""
    input:
        "results/sweeps/{name}/phase_diagram.nc",
    output:
        # in the report: one row per figure (its PNG) in the figure's category; its PDF and
        # plotted data under "Figure files", one row per figure with a PDF/NetCDF toggle
        nc=report(
            "results/sweeps/{name}/figures/{fig}.nc",
            caption="../report/sweep_figure.rst",
            category="Figure files (PDF, NetCDF)",
            subcategory="sweep {name}",
            labels={"figure": "{fig}", "file": "plotted data (NetCDF)"},
        ),
        pdf=report(
            "results/sweeps/{name}/figures/{fig}.pdf",
            caption="../report/sweep_figure.rst",
            category="Figure files (PDF, NetCDF)",
            subcategory="sweep {name}",
            labels={"figure": "{fig}", "file": "PDF"},
        ),
        png=report(
            "results/sweeps/{name}/figures/{fig}.png",
            caption="../report/sweep_figure.rst",
            category="Sweeps",
            subcategory="{name}",
            labels={"figure": "{fig}"},
        ),
    log:
        "results/logs/sweeps/{name}/figure-{fig}.log",
    group:
        "figures"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=TRIPLON,
        figure=lambda wc: SWEEP_FIGURES[wc.name][wc.fig],
        overlay=lambda wc: config["sweeps"][wc.name].get("overlay", "none"),
        mark=lambda wc: config["sweeps"][wc.name].get("mark"),
    script:
        "../scripts/sweep_figure.py"


rule sweeps:
    """Every sweep of the configuration and its figures."""
    input:
        [f"results/sweeps/{name}/phase_diagram.nc" for name in SWEEP_FIGURES],
        [
            f"results/sweeps/{name}/figures/{fig}.{ext}"
            for name, figs in SWEEP_FIGURES.items()
            for fig in figs
            for ext in ("nc", "pdf", "png")
        ],

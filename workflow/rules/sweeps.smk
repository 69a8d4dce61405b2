rule sweep_chunk:
    """Compute one chunk of sweep points; writes the results and, last, its manifest."""
    output:
        nc="results/sweeps/{name}/chunks/{chunk}.nc",
        manifest="results/sweeps/{name}/chunks/{chunk}.json",
    log:
        "results/logs/sweeps/{name}/chunk-{chunk}.log",
    group:
        "sweep_chunks"
    conda:
        "../envs/triplon.yaml"
    threads: 1
    resources:
        # ~0.2 s per distinct band structure + ~5 ms per point on one core; generous margin
        runtime=lambda wc: 5 + len(SWEEP_PLANS[wc.name][wc.chunk]) // 20,
        mem_mb=1000,
    params:
        code=TRIPLON,
        entries=lambda wc: SWEEP_PLANS[wc.name][wc.chunk],
        numerics=config["numerics"],
    script:
        "../scripts/sweep_chunk.py"


rule sweep_gather:
    """Assemble a sweep's chunks into one Dataset with a dimension per axis."""
    input:
        lambda wc: expand(
            "results/sweeps/{name}/chunks/{chunk}.nc",
            name=wc.name,
            chunk=sorted(SWEEP_PLANS[wc.name]),
        ),
    output:
        "results/sweeps/{name}/phase_diagram.nc",
    log:
        "results/logs/sweeps/{name}/gather.log",
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=lambda wc: 1000 + len(SWEEP_PLANS[wc.name]) * 2,
        runtime=10,
    params:
        code=TRIPLON,
        spec=lambda wc: config["sweeps"][wc.name],
        numerics=config["numerics"],
    script:
        "../scripts/sweep_gather.py"


rule sweep_figure:
    """One figure of a sweep: its plotted data (.nc), PDF and PNG."""
    input:
        "results/sweeps/{name}/phase_diagram.nc",
    output:
        nc=report(
            "results/sweeps/{name}/figures/{fig}.nc",
            caption="../report/sweep_figure.rst",
            category="Sweeps",
            subcategory="{name}",
            labels={"figure": "{fig}", "file": "plotted data (NetCDF)"},
        ),
        pdf=report(
            "results/sweeps/{name}/figures/{fig}.pdf",
            caption="../report/sweep_figure.rst",
            category="Sweeps",
            subcategory="{name}",
            labels={"figure": "{fig}", "file": "PDF"},
        ),
        png=report(
            "results/sweeps/{name}/figures/{fig}.png",
            caption="../report/sweep_figure.rst",
            category="Sweeps",
            subcategory="{name}",
            labels={"figure": "{fig}", "file": "PNG"},
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

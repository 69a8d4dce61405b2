from triplon.studies.experiment.fit import fit_experiments
from triplon.studies.experiment.results import fit_figure_names

# figures of each fit (a fit of fillings only has no gap figures)
EXPERIMENT_FIGURES = {
    name: fit_figure_names(config, name) for name in config.get("fit") or {}
}


localrules:
    experiments,


rule experiment_fit:
    """Fit the model to one experiment: best fit, chi2, pulls, chi2 map, verdict."""
    output:
        "results/experiments/{fit}/fit.nc",
    log:
        "results/logs/experiments/{fit}/fit.log",
    wildcard_constraints:
        fit="[A-Za-z0-9_-]+",
    conda:
        "../envs/triplon.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=TRIPLON,
        spec=lambda wc: config["fit"][wc.fit],
        experiments=lambda wc: fit_experiments(config, wc.fit),
        numerics=config["numerics"],
    script:
        "../scripts/experiment_fit.py"


rule experiment_figure:
    """One figure of a fit: its plotted data (.nc), PDF and PNG."""
    input:
        "results/experiments/{fit}/fit.nc",
    output:
        # in the report: one row per figure (its PNG) in the figure's category; its PDF and
        # plotted data under "Figure files", one row per figure with a PDF/NetCDF toggle
        nc=report(
            "results/experiments/{fit}/figures/{fig}.nc",
            caption="../report/experiment_figure.rst",
            category="Figure files (PDF, NetCDF)",
            subcategory="fit {fit}",
            labels={"figure": "{fig}", "file": "plotted data (NetCDF)"},
        ),
        pdf=report(
            "results/experiments/{fit}/figures/{fig}.pdf",
            caption="../report/experiment_figure.rst",
            category="Figure files (PDF, NetCDF)",
            subcategory="fit {fit}",
            labels={"figure": "{fig}", "file": "PDF"},
        ),
        png=report(
            "results/experiments/{fit}/figures/{fig}.png",
            caption="../report/experiment_figure.rst",
            category="Experiments",
            subcategory="{fit}",
            labels={"figure": "{fig}"},
        ),
    log:
        "results/logs/experiments/{fit}/figure-{fig}.log",
    wildcard_constraints:
        fit="[A-Za-z0-9_-]+",
        fig="chi2_map|spectrum|gap_distribution|summary",
    group:
        "figures"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=TRIPLON,
        numerics=config["numerics"],
    script:
        "../scripts/experiment_figure.py"

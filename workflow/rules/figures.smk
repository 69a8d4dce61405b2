FIGURE_INPUTS = {
    "fig2a": ["results/paper/bands.nc"],
    "fig2b": ["results/paper/fermi_surface.nc"],
    "fig3a": ["results/paper/dos.nc"],
    "fig3b": ["results/paper/gap_ratio.nc"],
    "fig4a": ["results/paper/dos.nc"],
    "fig4b": ["results/paper/gap_structure.nc"],
    "fig5": ["results/paper/gap_structure.nc"],
    "fig6": ["results/paper/gap_temperature.nc"],
    "eliashberg_tc": ["results/paper/eliashberg.nc"],
    "eliashberg_gap": ["results/paper/eliashberg.nc"],
    "eliashberg_dos": ["results/paper/eliashberg.nc"],
}


rule figure:
    """Render one figure: its plotted data (.nc) and the PDF/PNG drawn from it."""
    input:
        lambda wc: FIGURE_INPUTS[wc.name],
    output:
        # in the report: one row per figure (its PNG) in the figure's category; its PDF and
        # plotted data under "Figure files", one row per figure with a PDF/NetCDF toggle
        nc=report(
            "results/figures/{name}.nc",
            caption="../report/figure.rst",
            category="Figure files (PDF, NetCDF)",
            subcategory="Paper figures",
            labels={"figure": "{name}", "file": "plotted data (NetCDF)"},
        ),
        pdf=report(
            "results/figures/{name}.pdf",
            caption="../report/figure.rst",
            category="Figure files (PDF, NetCDF)",
            subcategory="Paper figures",
            labels={"figure": "{name}", "file": "PDF"},
        ),
        png=report(
            "results/figures/{name}.png",
            caption="../report/figure.rst",
            category="Paper figures",
            labels={"figure": "{name}"},
        ),
    log:
        "results/logs/figure_{name}.log",
    wildcard_constraints:
        name="|".join(FIGURE_INPUTS),
    group:
        "figures"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=TRIPLON,
    script:
        "../scripts/figure.py"

rule dos_table:
    """mu, fillings, N, Ñ and the eta^4 moment of both bands against n_c (Figs. 3a, 4a)."""
    output:
        "results/paper/dos.nc",
    log:
        "results/logs/dos_table.log",
    conda:
        "../envs/triplon.yaml"
    params:
        code=TRIPLON,
        model=config["model"],
        grid=config["paper"]["n_c_grid"],
        nodes=config["numerics"]["quadrature_nodes"],
    script:
        "../scripts/dos_table.py"

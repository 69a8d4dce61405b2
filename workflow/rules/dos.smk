rule dos_table:
    """mu, fillings, N and Ñ of both bands against n_c (Figs. 3a, 4a)."""
    output:
        "results/paper/dos.nc",
    log:
        "results/logs/dos_table.log",
    params:
        model=config["model"],
        grid=config["paper"]["n_c_grid"],
        nodes=config["numerics"]["quadrature_nodes"],
    script:
        "../scripts/dos_table.py"

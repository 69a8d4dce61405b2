rule dos_table:
    """mu, fillings, N, Ñ, eta^4 moment against n_c, refined at critical fillings (Figs. 3a, 4a)."""
    output:
        "results/paper/dos.nc",
    log:
        "results/logs/dos_table.log",
    group:
        "paper"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=lambda wc: 5 + config["paper"]["n_c_grid"]["num"] // 100,
    params:
        code=TRIPLON,
        model=config["model"],
        grid=config["paper"]["n_c_grid"],
        nodes=config["numerics"]["quadrature_nodes"],
    script:
        "../scripts/dos_table.py"

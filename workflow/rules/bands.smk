rule band_path:
    """xi_alpha, xi_beta along Gamma-X-M-Gamma at the paper's mu (Fig. 2a)."""
    output:
        "results/paper/bands.nc",
    log:
        "results/logs/band_path.log",
    group:
        "paper"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=TRIPLON,
        model=config["model"],
        mu=config["paper"]["mu"],
    script:
        "../scripts/band_path.py"


rule fermi_surface:
    """Fermi contours k_F(theta) of both bands at the paper's mu (Fig. 2b)."""
    output:
        "results/paper/fermi_surface.nc",
    log:
        "results/logs/fermi_surface.log",
    group:
        "paper"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=TRIPLON,
        model=config["model"],
        mu=config["paper"]["mu"],
    script:
        "../scripts/fermi_surface.py"

rule gap_ratio:
    """Delta_alpha/Delta_beta against N_beta/N_alpha from Eqs. 17, 18 (Fig. 3b)."""
    output:
        "results/paper/gap_ratio.nc",
    log:
        "results/logs/gap_ratio.log",
    group:
        "paper"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=TRIPLON,
        fig3b=config["paper"]["fig3b"],
    script:
        "../scripts/gap_ratio.py"


rule gap_structure:
    """Gap on both Fermi sheets: Eqs. 16, 18 and the full solution (Figs. 4b, 5)."""
    output:
        "results/paper/gap_structure.nc",
    log:
        "results/logs/gap_structure.log",
    group:
        "paper"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=TRIPLON,
        model=config["model"],
        point=config["paper"]["gap_structure"],
        shell=config["numerics"]["shell"],
    script:
        "../scripts/gap_structure.py"


rule gap_temperature:
    """Diagonal gaps against temperature from the full solution (Fig. 6)."""
    output:
        "results/paper/gap_temperature.nc",
    log:
        "results/logs/gap_temperature.log",
    group:
        "paper"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=TRIPLON,
        model=config["model"],
        point=config["paper"]["gap_structure"],
        shell=config["numerics"]["shell"],
        points=config["paper"]["temperature_points"],
    script:
        "../scripts/gap_temperature.py"


rule eliashberg:
    """Static BCS against retarded triplon exchange: T_c(lambda), Delta_0(T), DOS (beside Figs. 5-6)."""
    output:
        "results/paper/eliashberg.nc",
    log:
        "results/logs/eliashberg.log",
    group:
        "paper"
    conda:
        "../envs/triplon.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=TRIPLON,
        model=config["model"],
        point=config["paper"]["gap_structure"],
        shell=config["numerics"]["shell"],
        eliashberg=ELIASHBERG,
    script:
        "../scripts/eliashberg.py"

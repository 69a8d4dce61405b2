"""triplon workflow: bands -> Fermi-level DOS table -> gaps -> figures."""


configfile: "config.yaml"


include: "workflow/rules/dos.smk"


rule all:
    default_target: True
    input:
        "results/paper/dos.nc",

"""triplon workflow: bands -> Fermi-level DOS table -> gaps -> figures.

Default target: the paper's Figs. 2-4 and the full-BCS Figs. 5-6 under
results/figures/. Run `snakemake --cores 2`.
"""

import sys

from triplon.config import ConfigError, validate_config
from triplon.dataset import source_fingerprint


configfile: "config.yaml"


try:
    validate_config(config, workflow.source_path("workflow/schemas/config.schema.yaml"))
except ConfigError as err:
    sys.exit(f"triplon: {err}")


# every rule takes this as a parameter: editing the library reruns what depends on it
TRIPLON = source_fingerprint()

FIGURES = ["fig2a", "fig2b", "fig3a", "fig3b", "fig4a", "fig4b", "fig5", "fig6"]


wildcard_constraints:
    name="|".join(FIGURES),


report: "workflow/report/workflow.rst"


include: "workflow/rules/bands.smk"
include: "workflow/rules/dos.smk"
include: "workflow/rules/gap.smk"
include: "workflow/rules/figures.smk"


rule all:
    default_target: True
    input:
        expand("results/figures/{name}.{ext}", name=FIGURES, ext=["nc", "pdf", "png"]),
        "results/paper/dos.nc",

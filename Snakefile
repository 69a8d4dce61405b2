"""triplon workflow: bands -> Fermi-level DOS table -> gaps -> figures.

Default target: the paper's Figs. 2-4 and the full-BCS Figs. 5-6 under
results/figures/. Run `snakemake --cores 2`.
"""

import os
import sys
from pathlib import Path

from snakemake.utils import min_version

min_version("8.0")

# the workflow runs with the library of its own checkout, wherever it is used from
# (--directory, a module, a container) and whatever else is installed: src/ goes first on
# this process's path and on every job's PYTHONPATH
SRC = Path(workflow.basedir) / "src"
if (SRC / "triplon").is_dir():
    sys.path.insert(0, str(SRC))
    # set, not read: nothing for the envvars directive to assert
    os.environ.update(
        PYTHONPATH=os.pathsep.join(
            [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
    )

from triplon.config import ConfigError, validate_config
from triplon.data.provenance import source_fingerprint
from triplon.plotting.sweeps import default_sweep_figures
from triplon.studies.sweeps.grid import sweep_axes
from triplon.studies.sweeps.plan import (
    chunk_resources,
    gather_mem_mb,
    gather_runtime,
    plan_sweep,
)


configfile: "config.yaml"


# every config file (config.yaml and each --configfile) is re-read strictly (a key
# given twice is an error), then the merged config is validated, before any job
# (in the main process only: batch jobs re-parse the Snakefile and need not validate again)
if workflow.is_main_process:
    try:
        validate_config(
            config,
            workflow.source_path("workflow/schemas/config.schema.yaml"),
            config_files=[str(f) for f in workflow.configfiles],
        )
    except ConfigError as err:
        sys.exit(f"triplon: {err}")
    # a bug of the validator: still one line, never a traceback
    except Exception as err:
        sys.exit(
            f"triplon: internal error while validating the configuration: {type(err).__name__}: {err}"
        )


# every rule takes this as a parameter: editing the library reruns what depends on it
TRIPLON = source_fingerprint()

# the chunks of each sweep, computed arithmetically (O(chunks), nothing per point),
# and its figures; points already computed are found in the point store by the chunk jobs
SWEEP_PLANS = {
    name: plan_sweep(name, spec, config["numerics"])
    for name, spec in config.get("sweeps", {}).items()
}
SWEEP_FIGURES = {
    name: {
        f["name"]: f
        for f in spec.get("figures") or default_sweep_figures(list(sweep_axes(spec)))
    }
    for name, spec in config.get("sweeps", {}).items()
}

FIGURES = [
    "fig2a",
    "fig2b",
    "fig3a",
    "fig3b",
    "fig4a",
    "fig4b",
    "fig5",
    "fig6",
    "eliashberg_tc",
    "eliashberg_gap",
    "eliashberg_dos",
]
# retarded triplon exchange beside Figs. 5-6 (config paper.eliashberg; these defaults otherwise)
ELIASHBERG = {
    "omega_T": 0.3,
    "mu_star": 0.0,
    "lam": {"start": 0.1, "stop": 1.0, "num": 19},
    "temperature_points": 12,
    **config["paper"].get("eliashberg", {}),
}


wildcard_constraints:
    name="[A-Za-z0-9_-]+",
    chunk="[0-9a-f]{12}-[0-9]+",
    fig="[A-Za-z0-9_-]+",


report: "workflow/report/workflow.rst"


localrules:
    all,
    sweeps,


include: "workflow/rules/common.smk"
include: "workflow/rules/bands.smk"
include: "workflow/rules/dos.smk"
include: "workflow/rules/gap.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/sweeps.smk"
include: "workflow/rules/experiments.smk"


rule all:
    default_target: True
    input:
        expand("results/figures/{name}.{ext}", name=FIGURES, ext=["nc", "pdf", "png"]),
        "results/paper/dos.nc",


rule experiments:
    """Every fit of the configuration (config `fit:`) and its figures."""
    input:
        [f"results/experiments/{fit}/fit.nc" for fit in EXPERIMENT_FIGURES],
        [
            f"results/experiments/{fit}/figures/{fig}.{ext}"
            for fit, figs in EXPERIMENT_FIGURES.items()
            for fig in figs
            for ext in ("nc", "pdf", "png")
        ],

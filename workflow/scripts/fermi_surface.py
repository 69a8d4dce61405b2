"""Rule script: Fermi contours at the paper's mu (results/paper/fermi_surface.nc)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.data.netcdf import to_netcdf
from triplon.model.params import BandParams
from triplon.studies.paper import fermi_surface_dataset

p = snakemake.params  # noqa: F821
to_netcdf(fermi_surface_dataset(BandParams(**p.model), p.mu), snakemake.output[0], rule=snakemake.rule)  # noqa: F821

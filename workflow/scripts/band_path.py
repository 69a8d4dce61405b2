"""Rule script: bands along Gamma-X-M-Gamma (results/paper/bands.nc)."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821, SIM115 (the rule's log)

from triplon.data.netcdf import to_netcdf
from triplon.model.params import BandParams
from triplon.studies.paper import band_path_dataset

p = snakemake.params  # noqa: F821 (injected by Snakemake)
to_netcdf(band_path_dataset(BandParams(**p.model), p.mu), snakemake.output[0], rule=snakemake.rule)  # noqa: F821

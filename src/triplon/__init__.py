"""triplon: triplon-mediated pairing in bilayer nickelates.

A library of small, pure functions reproducing and extending
H. Liu and G. Khaliullin, "Triplon-mediated pairing and the superconducting
gap structure in bilayer nickelates", arXiv:2602.23989 (2026).

Energies are in eV, the in-plane lattice constant is 1 and momenta live in the
square-lattice Brillouin zone [-pi, pi)^2.

The package is arranged in rooms by concern, each a subpackage whose docstring says
what lives there; a room imports only the rooms below it:

* :mod:`triplon.model` -- band parameters, dispersion, Fermi lines, densities of states;
* :mod:`triplon.pairing` -- the gap equations (Eqs. 14-18), one point and many at once;
* :mod:`triplon.observables` -- Fermi-line gap distributions, tunneling spectra;
* :mod:`triplon.studies` -- the paper's datasets, sweeps, fits to experiment;
* :mod:`triplon.plotting` -- every figure;
* :mod:`triplon.config` and :mod:`triplon.cli` -- the workflow configuration, the command line;
* :mod:`triplon.data` -- physics-free labelled Datasets, provenance and NetCDF, used by any room.

The package namespace holds only the band-parameter types; everything else is imported
from its module (``from triplon.model.dos import fermi_level``). Each module's
``__all__`` lists its public names.
"""

from importlib.metadata import PackageNotFoundError, version

from triplon.model.params import BANDS, BandParams, MicroParams


def _installed_version() -> str:
    try:
        return version("triplon")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "0+unknown"


__version__: str = _installed_version()
"""Version of the installed package (``0+unknown`` when run from a source tree that is not installed)."""

__all__ = ["BANDS", "BandParams", "MicroParams", "__version__"]

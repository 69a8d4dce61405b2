"""triplon: triplon-mediated pairing in bilayer nickelates.

A library of small, pure functions reproducing and extending
H. Liu and G. Khaliullin, "Triplon-mediated pairing and the superconducting
gap structure in bilayer nickelates", arXiv:2602.23989 (2026).

Energies are in eV, the in-plane lattice constant is 1 and momenta live in the
square-lattice Brillouin zone [-pi, pi)^2.

The package namespace holds only the band-parameter types; the physics lives in
submodules, imported explicitly (``from triplon.dos import fermi_level``):
:mod:`triplon.params`, :mod:`triplon.bands`, :mod:`triplon.fermi`,
:mod:`triplon.dos`, :mod:`triplon.gap`, :mod:`triplon.caveats`,
:mod:`triplon.sweep`, :mod:`triplon.paper`, :mod:`triplon.plotting`,
:mod:`triplon.dataset`, :mod:`triplon.config` and the command line
:mod:`triplon.cli`. Each submodule's ``__all__`` lists its public names.
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

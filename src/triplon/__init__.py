"""triplon: triplon-mediated pairing in bilayer nickelates.

A library of small, pure functions reproducing and extending
H. Liu and G. Khaliullin, "Triplon-mediated pairing and the superconducting
gap structure in bilayer nickelates", arXiv:2602.23989 (2026).

Energies are in eV, the in-plane lattice constant is 1 and momenta live in the
square-lattice Brillouin zone [-pi, pi)^2.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("triplon")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

from triplon.params import BANDS, BandParams, MicroParams  # noqa: E402

__all__ = ["BANDS", "BandParams", "MicroParams", "__version__"]

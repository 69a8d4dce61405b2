"""The model: band parameters, the two-band dispersion, Fermi lines and densities of states.

The ground floor. :mod:`~triplon.model.params` (band and microscopic parameters),
:mod:`~triplon.model.bands` (xi_b(k), eta_k, band ranges, the conic form in cos kx, cos ky),
:mod:`~triplon.model.contour` (the exact quadrature of a conic inside the square),
:mod:`~triplon.model.fermi` (fillings, pockets, mu from n_c) and :mod:`~triplon.model.dos`
(N and Ñ at the Fermi level, shell quadratures of Eq. 14). Imports nothing of triplon
outside this room.
"""

"""Observables: what experiments measure, computed from the solved gaps.

:mod:`~triplon.observables.fermi_line` (the eta^2 distribution on a Fermi sheet, the gap's
extremes and distribution there), :mod:`~triplon.observables.band_data` (a band's
gap-independent spectral data), :mod:`~triplon.observables.tunneling` (quasiparticle DOS,
dI/dV, coherence peaks) and :mod:`~triplon.observables.spectrum` (the spectrum of one
parameter point). Imports :mod:`triplon.model` and :mod:`triplon.pairing`.
"""

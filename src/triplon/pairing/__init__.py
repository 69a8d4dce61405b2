"""Pairing: the gap equations of the paper at one point and at many points at once.

:mod:`~triplon.pairing.analytic` (Eqs. 16-18), :mod:`~triplon.pairing.bcs` (the full
separable s± solution of Eq. 14, T_c, the d-wave channel), :mod:`~triplon.pairing.point`
(one parameter point: its set-up and every result side by side),
:mod:`~triplon.pairing.batch` with :mod:`~triplon.pairing.batch_tc` and
:mod:`~triplon.pairing.shells` (the same equations vectorised over many points) and
:mod:`~triplon.pairing.caveats` (where the model's approximations stop holding).
Imports :mod:`triplon.model` only.
"""

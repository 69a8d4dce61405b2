"""Brent's root finder, as :func:`scipy.optimize.brentq`, without importing scipy.optimize.

Importing :mod:`scipy.optimize` costs ~0.3 s of CPU per process; a sweep's chunk jobs
and their workers need only this bracketing root finder (the Fermi level, Eq. 17).
The iteration is that of SciPy's ``brentq`` (Brent 1973: inverse quadratic
interpolation, secant, bisection) step for step, so both return the same root.
"""

from __future__ import annotations

import math

XTOL = 2e-12
"""Default absolute tolerance (as scipy.optimize.brentq)."""
RTOL = 4 * 2.220446049250313e-16
"""Default relative tolerance (as scipy.optimize.brentq: 4 machine epsilons)."""


class RootNotConverged(RuntimeError):
    """Brent's iteration did not meet its tolerance within ``maxiter`` steps."""


def brentq(f, a: float, b: float, xtol: float = XTOL, rtol: float = RTOL, maxiter: int = 100) -> float:
    """A root of ``f`` in the bracket [a, b] by Brent's method.

    Parameters
    ----------
    f : callable
        A real function of one real variable with f(a) f(b) <= 0.
    a, b : float
        The bracket.
    xtol, rtol : float
        The root x is returned once the bracket is below xtol + rtol |x|
        (within a factor 2, as scipy.optimize.brentq).
    maxiter : int

    Returns
    -------
    float

    Raises
    ------
    ValueError
        f(a) and f(b) of the same sign, or a tolerance that is not positive.
    RootNotConverged
        After ``maxiter`` iterations.
    """
    if not (xtol > 0.0) or not (rtol >= 4 * 2.220446049250313e-16 * 0.999):
        raise ValueError(f"xtol must be > 0 and rtol >= 4 eps, got xtol={xtol!r}, rtol={rtol!r}")
    xpre, xcur = float(a), float(b)
    fpre, fcur = float(f(xpre)), float(f(xcur))
    if fpre * fcur > 0.0:
        raise ValueError("f(a) and f(b) must have different signs")
    if fpre == 0.0:
        return xpre
    if fcur == 0.0:
        return xcur
    xblk = fblk = spre = scur = 0.0
    for _ in range(maxiter):
        if fpre != 0.0 and fcur != 0.0 and math.copysign(1.0, fpre) != math.copysign(1.0, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2.0
        sbis = (xblk - xcur) / 2.0
        if fcur == 0.0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # secant
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # inverse quadratic interpolation
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2.0 * abs(stry) < min(abs(spre), 3.0 * abs(sbis) - delta):
                spre, scur = scur, stry  # accept the interpolation
            else:
                spre = scur = sbis  # bisect
        else:
            spre = scur = sbis  # bisect
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0.0 else -delta)
        fcur = float(f(xcur))
    raise RootNotConverged(f"Brent's method: no convergence in {maxiter} iterations on [{a!r}, {b!r}]")


__all__ = ["XTOL", "RTOL", "RootNotConverged", "brentq"]

"""Shell quadratures as stacked arrays for the batch solvers, and exact pairwise sums."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

ROOT_MAXIT = 100
"""Largest number of iterations of one point's T_c or Eq. 17 root search."""

# ------------------------------------------------------------------ sums


def tree_sum(a: np.ndarray) -> np.ndarray:
    """Sum over the leading axis of ``a`` in a fixed pairwise order.

    The order (halves added elementwise, the odd last element carried into the
    first) depends only on ``a.shape[0]``, so the result for one column is
    bitwise the same whatever the other columns. Accuracy as pairwise summation.
    """
    return _tree_sum_inplace(np.array(a, dtype=float))


def _tree_sum_inplace(a: np.ndarray) -> np.ndarray:
    """:func:`tree_sum`, overwriting ``a`` (no temporaries)."""
    n = a.shape[0]
    if n == 0:
        return np.zeros(a.shape[1:])
    while n > 1:
        h = n // 2
        a[:h] += a[h : 2 * h]
        if n % 2:
            a[0] += a[2 * h]
        n = h
    return a[0].copy()


def _tree_sum_stack(a: np.ndarray) -> np.ndarray:
    """:func:`tree_sum` over axis 1 of a (k, n, P) stack, overwriting ``a``; returns (k, P).

    The same additions as summing each ``a[i]`` alone, in one pass of calls.
    """
    n = a.shape[1]
    if n == 0:
        return np.zeros((a.shape[0],) + a.shape[2:])
    while n > 1:
        h = n // 2
        a[:, :h] += a[:, h : 2 * h]
        if n % 2:
            a[:, 0] += a[:, 2 * h]
        n = h
    return a[:, 0].copy()


_SCRATCH = threading.local()


def _scratch(slot: str, shape) -> np.ndarray:
    """A reusable C-contiguous work array (per thread): large temporaries cost page faults."""
    pool = _SCRATCH.__dict__.setdefault("pool", {})
    size = int(np.prod(shape))
    buf = pool.get(slot)
    if buf is None or buf.size < size:
        buf = pool[slot] = np.empty(max(size, 1))
    return buf[:size].reshape(shape)


# ------------------------------------------------------------ the shells


@dataclass(frozen=True)
class ShellArrays:
    """Node arrays of one band's :class:`triplon.model.dos.ShellQuadrature`, shaped (nodes, 1).

    ``xi2``, ``xi``, ``u`` (eta^2) and the weights of the map sums and of the
    Jacobian sums of the full solve; ``e``, ``ekw`` (energy_weight / (2 |xi|))
    and ``mom`` (the eta^(2m) moments, shape (3, ne, 1)) of the linearised
    problem; ``ew4`` = energy_weight / 4 for d/dlnT.
    """

    xi: np.ndarray
    xi2: np.ndarray
    u: np.ndarray
    w: np.ndarray
    wu: np.ndarray
    wu2: np.ndarray
    hw: np.ndarray
    hwu: np.ndarray
    cw: np.ndarray
    cwu: np.ndarray
    cwu2: np.ndarray
    e: np.ndarray
    ekw: np.ndarray
    ew4: np.ndarray
    mom: np.ndarray
    u_max: float
    fermi_moments: np.ndarray


def shell_arrays(shell) -> ShellArrays:
    """Precompute the per-node factors of one band's shell (once per band set)."""
    col = lambda a: np.ascontiguousarray(np.asarray(a, dtype=float).reshape(-1, 1))  # noqa: E731
    xi, u, w = shell.xi, shell.eta2, shell.weight
    xi2 = xi * xi
    e, ew = shell.energy, shell.energy_weight
    ae = np.abs(e)
    with np.errstate(divide="ignore", invalid="ignore"):
        ekw = np.where(ae > 0, 0.5 * ew / np.where(ae > 0, ae, 1.0), 0.0)
    return ShellArrays(
        xi=col(xi),
        xi2=col(xi2),
        u=col(u),
        w=col(w),
        wu=col(w * u),
        wu2=col(w * u * u),
        hw=col(0.5 * w),
        hwu=col(0.5 * w * u),
        cw=col(0.5 * w * xi2),
        cwu=col(0.5 * w * xi2 * u),
        cwu2=col(0.5 * w * xi2 * u * u),
        e=col(ae),
        ekw=col(ekw),
        ew4=col(0.25 * ew),
        mom=np.ascontiguousarray(shell.moments.reshape(3, -1, 1)),
        u_max=float(shell.fermi_eta2_max),
        fermi_moments=np.asarray(shell.fermi_moments, dtype=float),
    )


def _bracketed_newton(f, lo, hi, flo, fhi, x0, xtol, maxit=ROOT_MAXIT, step_tol=None):
    """Root of f in [lo, hi] per element (f(lo), f(hi) of opposite signs): Newton, bisection fallback.

    ``f(x, k)`` returns (value, derivative) for the elements ``k`` (an index
    array into the batch). Converged when a Newton step inside the bracket is
    below ``step_tol`` (1 + |x|) (default ``xtol``; the step is applied, and
    with quadratic convergence the error left is of order step^2) or the
    bracket is narrower than ``xtol`` (1 + |x|). Returns (x, ok).
    """
    step_tol = xtol if step_tol is None else step_tol
    n = lo.size
    lo, hi, flo, fhi = lo.copy(), hi.copy(), flo.copy(), fhi.copy()
    x = np.clip(np.where(np.isfinite(x0), x0, 0.5 * (lo + hi)), lo, hi)
    done = np.zeros(n, bool)
    ok = np.zeros(n, bool)
    # an endpoint can be the root itself
    for end, fend in ((lo, flo), (hi, fhi)):
        z = (fend == 0.0) & ~done
        x[z], done[z], ok[z] = end[z], True, True
    for _ in range(maxit):
        k = np.nonzero(~done)[0]
        if not k.size:
            break
        xk = x[k]
        fx, dfx = f(xk, k)
        exact = fx == 0.0
        # keep the bracket: the sign of f at lo is that of flo
        left = np.sign(fx) == np.sign(flo[k])
        lo[k] = np.where(left, xk, lo[k])
        flo[k] = np.where(left, fx, flo[k])
        hi[k] = np.where(left, hi[k], xk)
        fhi[k] = np.where(left, fhi[k], fx)
        scale = 1.0 + np.abs(xk)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            xn = xk - fx / dfx
            # outside the bracket: false position between its ends, else bisection
            xs = lo[k] - flo[k] * (hi[k] - lo[k]) / (fhi[k] - flo[k])
        small = np.isfinite(xn) & (np.abs(xn - xk) <= step_tol * scale)  # converged Newton step
        inside = np.isfinite(xn) & (xn > lo[k]) & (xn < hi[k])
        xs = np.where(np.isfinite(xs) & (xs > lo[k]) & (xs < hi[k]), xs, 0.5 * (lo[k] + hi[k]))
        xn = np.where(small, np.clip(xn, lo[k], hi[k]), np.where(inside, xn, xs))
        conv = exact | small | (hi[k] - lo[k] <= xtol * scale)
        conv &= np.isfinite(fx)
        bad = ~np.isfinite(fx)
        x[k] = np.where(exact, xk, xn)
        done[k] = conv | bad
        ok[k] = conv
    return x, ok


__all__ = ["tree_sum", "ShellArrays", "shell_arrays"]

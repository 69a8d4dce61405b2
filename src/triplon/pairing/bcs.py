"""The full separable BCS problem of Eq. 14: gaps at any T, T_c and the d-wave channel.

Conventions (docs: physics, "Interaction and gap equations"). Momentum sums are BZ averages restricted to the
shell |xi| < Omega; N, Ñ are per spin (1/eV); energies and temperatures in eV
(k_B = 1). With F_b(p) = tanh(E_b/2T) / (2 E_b), E_b = sqrt(xi_b^2 + Delta_b^2),
Eq. 14 with the kernel of Eq. 13 is solved *exactly* by

    Delta_b(k) = A_b + B_b eta_k^2              (s-wave sector)
    A_alpha = -V <Delta_beta F_beta>,   B_alpha = -V kappa^2 <eta^2 Delta_beta F_beta>

and alpha <-> beta; the kappa-linear term drops out of this sector by the
kx <-> ky parity of eta. The leading solution is s±: sign(A_alpha) =
-sign(A_beta). The odd sector is spanned by eta_k alone,

    Delta_b(k) = D_b eta_k,   D_alpha = +V (kappa_a + kappa_b) <eta^2 F_beta> D_beta,

so this d-wave channel is attractive *without* a sign change between the bands
(D_alpha D_beta > 0) -- the minus sign of Eq. 14 and the minus sign of the
kappa-linear term of Eq. 13 cancel. Since the pairing is purely interband, only
the product of the two couplings enters the eigenvalue of either channel.

Shell averages use :class:`triplon.model.dos.ShellQuadrature` (energy nodes x exact
Fermi-line quadrature); no k x k' matrix is ever built.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass

import numpy as np

from triplon.model.params import BANDS
from triplon.model.roots import brentq
from triplon.pairing.analytic import (
    GapWarning,
    solve_eq17,
)

# ------------------------------------------------------- full solution


def _kernel(xi, delta, T):
    """F = tanh(E/2T) / (2E), E = sqrt(xi^2 + delta^2); T = 0 gives 1/(2E)."""
    E = np.sqrt(xi * xi + delta * delta)
    if T <= 0.0:
        return 0.5 / E
    return 0.5 * np.tanh(E / (2.0 * T)) / E


def _s_wave_map(shells, V, kappa2, T, x):
    """Right-hand side of the s-wave equations for x = (A_a, B_a, A_b, B_b)."""
    out = np.empty(4)
    for src, dst in ((1, 0), (0, 1)):
        s = shells[BANDS[src]]
        A, B = x[2 * src], x[2 * src + 1]
        d = A + B * s.eta2
        f = s.weight * d * _kernel(s.xi, d, T)
        out[2 * dst] = -V * f.sum()
        out[2 * dst + 1] = -V * kappa2 * np.dot(f, s.eta2)
    return out


@dataclass
class FullSolution:
    """Full s± solution Delta_b(k) = A_b + B_b eta_k^2 of Eq. 14 (eV).

    ``converged`` is False (and ``status`` says why) when the solver failed or
    the gap lies below the energy resolution; the A, B are then NaN.
    """

    A_alpha: float
    B_alpha: float
    A_beta: float
    B_beta: float
    T: float
    converged: bool
    status: str
    residual: float = math.nan
    nfev: int = 0

    def gap(self, band: str, eta2):
        """Delta_band at eta^2 (eV)."""
        return getattr(self, f"A_{band}") + getattr(self, f"B_{band}") * np.asarray(eta2)

    def as_dict(self):
        return asdict(self)


def _nan_solution(T, status, nfev=0):
    return FullSolution(math.nan, math.nan, math.nan, math.nan, T, False, status, math.nan, nfev)


def resolution_floor(shells) -> float:
    """Smallest gap or temperature the shells resolve (eV): 20 eps_min."""
    return 20.0 * max(s.eps_min for s in shells.values())


def solve_full(shells, V, kappa_a, kappa_b=None, T=0.0, guess=None, tol=1e-12, maxfev=400) -> FullSolution:
    """Solve the s-wave sector of Eq. 14 (Eq. 15 at T = 0) exactly.

    Parameters
    ----------
    shells : dict
        {"alpha": ShellQuadrature, "beta": ShellQuadrature} at the same mu, Omega.
    V : float
        Pairing strength (eV), Eq. 13.
    kappa_a, kappa_b : float
        Kondo-to-Hund ratios of Eq. 11; kappa_b defaults to kappa_a. Only
        kappa^2 = kappa_a kappa_b enters this sector.
    T : float
        Temperature (eV), 0 for Eq. 15.
    guess : sequence of 4 floats, optional
        Starting (A_alpha, B_alpha, A_beta, B_beta); default from Eqs. 16–17.
    tol : float
        Relative tolerance of the nonlinear solve.
    maxfev : int
        Largest number of evaluations of the gap equations.

    Returns
    -------
    FullSolution
        With A_alpha > 0 > A_beta (s±). Not converged / below resolution is
        flagged with NaN values, a status and a :class:`GapWarning`.
    """
    kappa_b = kappa_a if kappa_b is None else kappa_b
    kappa2 = kappa_a * kappa_b
    floor = resolution_floor(shells)
    lam_T = s_wave_eigenvalue(shells, V, kappa2, max(T, floor))
    if lam_T < 1.0:
        status = "normal state: T >= T_c" if T > floor else "gap below resolution (T_c < resolution floor)"
        if T > floor:
            return FullSolution(0.0, 0.0, 0.0, 0.0, T, True, status, 0.0, 0)
        warnings.warn(f"solve_full: {status}; increase lambda or lower eps_min", GapWarning, stacklevel=2)
        return _nan_solution(T, status)
    if guess is None:
        guess = _initial_guess(shells, V, kappa2, T)
    # an Eq. 17 guess can underflow (tiny lambda, large kappa): start at the resolution floor instead
    a0 = abs(guess[0]) if abs(guess[0]) > floor else floor
    b0 = abs(guess[2]) if abs(guess[2]) > floor else floor
    qa0 = guess[1] / guess[0] if guess[0] != 0.0 and math.isfinite(guess[1] / guess[0]) else 0.0
    qb0 = guess[3] / guess[2] if guess[2] != 0.0 and math.isfinite(guess[3] / guess[2]) else 0.0

    def unpack(z):
        with np.errstate(over="ignore", invalid="ignore"):  # overflow: inf, rejected by resid
            aa, ab = np.exp(z[0]), np.exp(z[2])
            return np.array([aa, aa * z[1], -ab, -ab * z[3]])

    def resid(z):
        x = unpack(z)
        if not np.all(np.isfinite(x)) or x[0] == 0.0 or x[2] == 0.0:
            return np.full(4, 1e10)
        y = _s_wave_map(shells, V, kappa2, T, x)
        return np.array([y[0] / x[0] - 1.0, y[1] / x[0] - z[1], y[2] / x[2] - 1.0, y[3] / x[2] - z[3]])

    from scipy.optimize import root  # here: the batch solver's points rarely need it

    z0 = np.array([math.log(a0), qa0, math.log(b0), qb0])
    sol = root(resid, z0, method="hybr", options={"xtol": tol, "maxfev": int(maxfev)})
    res = float(np.max(np.abs(resid(sol.x))))
    x = unpack(sol.x)
    nfev = int(sol.nfev)
    # hybr may stop with "not making good progress" at a residual of a few ulps: that is converged
    if not ((sol.success and res < 1e-8) or res < 1e-10):
        status = f"not converged: {sol.message.strip()} (residual {res:.1e})"
        warnings.warn(f"solve_full: {status}", GapWarning, stacklevel=2)
        return _nan_solution(T, status, nfev)
    if min(abs(x[0]), abs(x[2])) < floor:
        status = f"gap below resolution ({min(abs(x[0]), abs(x[2])):.2e} eV < {floor:.1e} eV)"
        warnings.warn(f"solve_full: {status}", GapWarning, stacklevel=2)
        return _nan_solution(T, status, nfev)
    if kappa2 == 0.0:  # B = -V kappa^2 <...> vanishes identically
        x[1] = x[3] = 0.0
    return FullSolution(*map(float, x), T=T, converged=True, status="ok", residual=res, nfev=nfev)


def thermal_factor(tc, T):
    """tanh(1.74 sqrt(T_c/T - 1)): the BCS-like shape of Delta(T)/Delta(0) (0 at and above T_c).

    The starting gap at T > 0 of every finite-T solve (one point or a batch) is the
    T = 0 solution times this factor, with the point's own T_c: a weak-coupling
    guess of T_c fails at strong coupling. Works on arrays.
    """
    with np.errstate(all="ignore"):
        return np.tanh(1.74 * np.sqrt(np.maximum(np.asarray(tc) / np.asarray(T) - 1.0, 0.0)))


def thermal_guess(full0, tc: float, T: float):
    """Starting (A_alpha, B_alpha, A_beta, B_beta) at T from the T = 0 solution (None if unusable)."""
    if not (full0.converged and tc > 0 and 0 < T < tc):  # False for NaN
        return None
    fac = float(thermal_factor(tc, T))
    x = [full0.A_alpha, full0.B_alpha, full0.A_beta, full0.B_beta]
    return [v * fac for v in x] if fac > 0 and all(map(math.isfinite, x)) else None


def _initial_guess(shells, V, kappa2, T):
    """Eq. 17 magnitudes with the Eq. 16 anisotropy (a BCS-like factor at T > 0)."""
    n = {b: shells[b].fermi_moments for b in BANDS}
    lam = V * math.sqrt(n["alpha"][0] * n["beta"][0])
    omega = shells["alpha"].omega
    e17 = solve_eq17(n["beta"][0] / n["alpha"][0], lam, omega)
    scale = 1.0
    if T > 0:
        tc = 0.567 * e17.gap  # weak-coupling T_c / Delta
        scale = 1.74 * math.sqrt(max(1.0 - T / tc, 1e-4)) if T < tc else 0.05
        scale = min(scale, 1.0)
    qa = kappa2 * n["beta"][1] / n["beta"][0]
    qb = kappa2 * n["alpha"][1] / n["alpha"][0]
    return [
        e17.gap_alpha * scale,
        e17.gap_alpha * scale * qa,
        -e17.gap_beta * scale,
        -e17.gap_beta * scale * qb,
    ]


# ----------------------------------------------------- linearised problem


def _tanh_kernel(T):
    """The linearised kernel tanh(xi/2T)/(2 xi): :func:`_kernel` at Delta = 0."""
    return lambda e: _kernel(e, 0.0, T)


def s_wave_eigenvalue(shells, V, kappa2, T) -> float:
    """Leading eigenvalue of the linearised s-wave gap equation at temperature T.

    x_alpha = V^2 M_beta M_alpha x_alpha with M_b = [[K0, K1], [kappa^2 K1,
    kappa^2 K2]], K_m = <eta^(2m) tanh(xi/2T)/(2 xi)>_shell; the eigenvalue is
    V sqrt(rho(M_beta M_alpha)) and T_c is where it equals 1.
    """
    k = _tanh_kernel(T)
    M = {}
    for b in BANDS:
        K0, K1, K2 = shells[b].linear_moments(k)
        M[b] = np.array([[K0, K1], [kappa2 * K1, kappa2 * K2]])
    ev = np.linalg.eigvals(M["beta"] @ M["alpha"])
    return float(V * math.sqrt(max(ev.real)))


def d_wave_eigenvalue(shells, V, kappa_a, kappa_b, T) -> float:
    """Leading eigenvalue of the linearised d-wave (Delta ∝ eta_k) channel at T.

    lambda_d = V (kappa_a + kappa_b) sqrt(K1_alpha K1_beta), K1 = <eta^2 tanh(xi/2T)/(2 xi)>.
    """
    k = _tanh_kernel(T)
    K1 = [shells[b].linear_moments(k)[1] for b in BANDS]
    return float(V * abs(kappa_a + kappa_b) * math.sqrt(K1[0] * K1[1]))


def critical_temperature(eigenvalue, floor: float, omega: float, xtol: float = 1e-12) -> float:
    """T where a decreasing eigenvalue(T) crosses 1 (eV); 0.0 if below ``floor``.

    Solved in log T by Brent's method; ``xtol`` is the tolerance in ln T, i.e.
    the relative accuracy of T_c.
    """
    if eigenvalue(floor) < 1.0:
        return 0.0
    hi = omega
    while eigenvalue(hi) >= 1.0:
        hi *= 2.0
        if hi > 1e3:
            raise RuntimeError("eigenvalue stays above 1 at T = 1000 eV")
    lt = brentq(lambda lt: eigenvalue(math.exp(lt)) - 1.0, math.log(floor), math.log(hi), xtol=xtol)
    return math.exp(lt)


def tc_s_wave(shells, V, kappa2) -> float:
    """s± T_c (eV); 0.0 when below the resolution floor."""
    return critical_temperature(
        lambda T: s_wave_eigenvalue(shells, V, kappa2, T), resolution_floor(shells), shells["alpha"].omega
    )


def tc_d_wave(shells, V, kappa_a, kappa_b) -> float:
    """d-wave T_c (eV); 0.0 when below the resolution floor."""
    return critical_temperature(
        lambda T: d_wave_eigenvalue(shells, V, kappa_a, kappa_b, T),
        resolution_floor(shells),
        shells["alpha"].omega,
    )


def gap_vs_temperature(shells, V, kappa_a, kappa_b=None, temperatures=(), tc=None):
    """Delta(T): full solutions at increasing temperatures by continuation.

    Returns a list of FullSolution; above T_c the gaps are exactly 0 (normal state).
    """
    kappa_b = kappa_a if kappa_b is None else kappa_b
    tc = tc_s_wave(shells, V, kappa_a * kappa_b) if tc is None else tc
    out, guess = [], None
    for T in sorted(temperatures):
        if T >= tc:
            out.append(FullSolution(0.0, 0.0, 0.0, 0.0, float(T), True, "normal state: T >= T_c", 0.0))
            continue
        sol = solve_full(shells, V, kappa_a, kappa_b, float(T), guess=guess)
        if not sol.converged:  # retry from the analytic guess
            sol = solve_full(shells, V, kappa_a, kappa_b, float(T))
        if sol.converged and sol.A_alpha > 0:
            guess = [sol.A_alpha, sol.B_alpha, sol.A_beta, sol.B_beta]
        out.append(sol)
    return out


__all__ = [
    "FullSolution",
    "resolution_floor",
    "solve_full",
    "thermal_factor",
    "thermal_guess",
    "s_wave_eigenvalue",
    "d_wave_eigenvalue",
    "critical_temperature",
    "tc_s_wave",
    "tc_d_wave",
    "gap_vs_temperature",
]

"""Gap equations: the paper's analytic Eqs. 16–18 and the full separable BCS problem.

Conventions (PHYSICS.md §4–5). Momentum sums are BZ averages restricted to the
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
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.optimize import brentq, root

from triplon.model.params import BANDS
from triplon.pairing.analytic import (
    GapWarning,
    V_from_lam,
    gap_ratio_eq18,
    gap_ratio_weak,
    lam_from_V,
    solve_eq17,
)
from triplon.pairing.caveats import describe, point_flags

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
        aa, ab = math.exp(z[0]), math.exp(z[2])
        return np.array([aa, aa * z[1], -ab, -ab * z[3]])

    def resid(z):
        x = unpack(z)
        if not np.all(np.isfinite(x)) or x[0] == 0.0 or x[2] == 0.0:
            return np.full(4, 1e10)
        y = _s_wave_map(shells, V, kappa2, T, x)
        return np.array([y[0] / x[0] - 1.0, y[1] / x[0] - z[1], y[2] / x[2] - 1.0, y[3] / x[2] - z[3]])

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


# ------------------------------------------------------------ summaries


@dataclass
class GapSummary:
    """Everything one parameter point gives (energies in eV)."""

    V: float
    lam: float
    kappa_a: float
    kappa_b: float
    omega: float
    T: float
    dos_ratio: float
    ratio_eq17: float
    ratio_eq18: float
    ratio_sqrt: float
    validity_eq18: float
    gap_eq17_alpha: float
    gap_eq17_beta: float
    A_alpha: float
    B_alpha: float
    A_beta: float
    B_beta: float
    gap_ratio: float
    anisotropy_alpha: float
    anisotropy_beta: float
    anisotropy_eq16_alpha: float
    anisotropy_eq16_beta: float
    B_over_A_alpha: float
    B_over_A_beta: float
    B_over_A_eq16_alpha: float
    B_over_A_eq16_beta: float
    gap_geometric: float
    gap_2omega_exp: float
    Tc: float
    lambda_d_at_Tc: float
    Tc_d: float
    leading_channel: str
    converged: bool
    status: str
    ratio_2gap_Tc: dict = field(default_factory=dict)
    solution_T: dict | None = None
    caveats: str = ""

    def as_dict(self):
        return asdict(self)


SOLVER_FLAGS = 1 | 2 | 4 | 8
"""Caveat bits (:data:`triplon.pairing.caveats.FLAGS`) that :func:`gap_summary` reports:
T_c or a gap above Omega, Eq. 18 undefined or outside its validity."""


def _gap_ends(full, band: str, u_max: float) -> tuple[float, float]:
    """Delta_b at eta^2 = 0 and at eta^2 = u_max."""
    A, B = getattr(full, f"A_{band}"), getattr(full, f"B_{band}")
    return A, A + B * u_max


def gap_summary(shells, fermi, V, kappa_a, kappa_b=None, T=0.0) -> GapSummary:
    """Analytic (Eqs. 16–18) and full (Eq. 14) results side by side at one point.

    Parameters
    ----------
    shells : dict of ShellQuadrature
    fermi : triplon.model.dos.FermiLevel
        Fermi-level N, Ñ at the same mu.
    V : float
        Pairing strength (eV).
    kappa_a, kappa_b : float
    T : float
        Temperature (eV) of the extra finite-T solution (``solution_T``).
    """
    kappa_b = kappa_a if kappa_b is None else kappa_b
    kappa2 = kappa_a * kappa_b
    Na, Nb = fermi.dos["alpha"], fermi.dos["beta"]
    r = Nb / Na
    lam = lam_from_V(V, Na, Nb)
    omega = shells["alpha"].omega
    e17 = solve_eq17(r, lam, omega)
    full = solve_full(shells, V, kappa_a, kappa_b, 0.0)
    tc = tc_s_wave(shells, V, kappa2)
    lam_d = d_wave_eigenvalue(shells, V, kappa_a, kappa_b, tc) if tc > 0 else math.nan
    if tc == 0.0:  # below the resolution floor: flagged through converged/status
        tc = math.nan
    tc_d = tc_d_wave(shells, V, kappa_a, kappa_b)
    leading = "d" if tc_d > (tc if tc == tc else 0.0) else "s+-"
    u_max = {b: shells[b].fermi_eta2_max for b in BANDS}

    def aniso(b):
        g = np.abs(_gap_ends(full, b, u_max[b]))
        return float(g.max() / g.min())

    other = {"alpha": "beta", "beta": "alpha"}
    ratios = {}
    if full.converged and tc > 0:  # False for NaN
        for b in BANDS:
            A, B = abs(getattr(full, f"A_{b}")), abs(getattr(full, f"B_{b}"))
            mom = shells[b].fermi_moments
            ratios[b] = {
                "diagonal": 2 * A / tc,
                "maximum": 2 * (A + B * u_max[b]) / tc,
                "average": float(2 * (A * mom[0] + B * mom[1]) / mom[0] / tc),
            }
    sol_T = solve_full(shells, V, kappa_a, kappa_b, T).as_dict() if T > 0 else None
    gap_max = math.nan
    if full.converged:  # |Delta| is linear in eta^2: largest at eta = 0 or at the largest eta^2
        gap_max = max(abs(A) for b in BANDS for A in _gap_ends(full, b, u_max[b]))
    # the caveats of the solver itself (Omega, Eq. 18); T_c's plausibility, the d-wave
    # channel and van Hove fillings are flagged by the callers that know them
    bits = point_flags(Tc=tc, omega=omega, gap_max=gap_max, lam=lam, validity_eq18=e17.validity)
    caveats = describe(bits & SOLVER_FLAGS)
    for c in caveats:
        warnings.warn(f"gap_summary: {c}", GapWarning, stacklevel=2)
    return GapSummary(
        V=V,
        lam=lam,
        kappa_a=kappa_a,
        kappa_b=kappa_b,
        omega=omega,
        T=T,
        dos_ratio=r,
        ratio_eq17=e17.ratio,
        ratio_eq18=float(gap_ratio_eq18(r, lam)),
        ratio_sqrt=float(gap_ratio_weak(r)),
        validity_eq18=e17.validity,
        gap_eq17_alpha=e17.gap_alpha,
        gap_eq17_beta=e17.gap_beta,
        A_alpha=full.A_alpha,
        B_alpha=full.B_alpha,
        A_beta=full.A_beta,
        B_beta=full.B_beta,
        gap_ratio=abs(full.A_alpha / full.A_beta) if full.converged else math.nan,
        anisotropy_alpha=aniso("alpha") if full.converged else math.nan,
        anisotropy_beta=aniso("beta") if full.converged else math.nan,
        anisotropy_eq16_alpha=1
        + fermi.dos_eta2[other["alpha"]] / fermi.dos[other["alpha"]] * kappa2 * u_max["alpha"],
        anisotropy_eq16_beta=1
        + fermi.dos_eta2[other["beta"]] / fermi.dos[other["beta"]] * kappa2 * u_max["beta"],
        B_over_A_alpha=full.B_alpha / full.A_alpha if full.converged else math.nan,
        B_over_A_beta=full.B_beta / full.A_beta if full.converged else math.nan,
        B_over_A_eq16_alpha=kappa2 * fermi.dos_eta2["beta"] / fermi.dos["beta"],
        B_over_A_eq16_beta=kappa2 * fermi.dos_eta2["alpha"] / fermi.dos["alpha"],
        gap_geometric=math.sqrt(abs(full.A_alpha * full.A_beta)) if full.converged else math.nan,
        gap_2omega_exp=2 * omega * math.exp(-1 / lam),
        Tc=tc,
        lambda_d_at_Tc=lam_d,
        Tc_d=tc_d,
        leading_channel=leading,
        converged=bool(full.converged and tc > 0),
        status=full.status,
        ratio_2gap_Tc=ratios,
        solution_T=sol_T,
        caveats="; ".join(caveats),
    )


def prepare_shells(mu: float, omega: float, params=None, **numerics) -> dict:
    """Shell quadratures of both bands at mu (the band-structure-dependent part)."""
    from triplon.model.dos import shell_quadrature

    return {b: shell_quadrature(b, mu, omega, params, **numerics) for b in BANDS}


def resolve_V(fermi, lam=None, V=None, JH=None, Jc=None) -> float:
    """Pairing strength V (eV) from exactly one of: lambda, V, or (JH, Jc) via Eq. 13."""
    given = [lam is not None, V is not None, JH is not None or Jc is not None]
    if sum(given) != 1:
        raise ValueError("give exactly one of lam, V, or (JH, Jc)")
    if lam is not None:
        if not lam > 0:
            raise ValueError(f"lam must be > 0, got {lam}")
        return V_from_lam(lam, fermi.dos["alpha"], fermi.dos["beta"])
    if V is not None:
        if not V > 0:
            raise ValueError(f"V must be > 0 eV, got {V}")
        return float(V)
    if JH is None or Jc is None or not (JH > 0 and Jc > 0):
        raise ValueError(f"JH and Jc must both be given and > 0 eV, got JH={JH}, Jc={Jc}")
    return 3.0 * JH**2 / (2.0 * Jc)


def resolve_kappas(kappa=None, kappa_a=None, kappa_b=None) -> tuple[float, float]:
    """(kappa_a, kappa_b) of Eq. 11 from the ways a caller may give them.

    ``kappa`` alone means kappa_a = kappa_b = kappa; ``kappa_a`` alone means
    kappa_b = kappa_a; nothing means 0. Both must be finite and >= 0.
    """
    if kappa is not None and (kappa_a is not None or kappa_b is not None):
        raise ValueError("give kappa, or kappa_a and kappa_b, not both")
    if kappa is not None:
        kappa_a = kappa_b = kappa
    kappa_a = 0.0 if kappa_a is None else kappa_a
    kappa_b = kappa_a if kappa_b is None else kappa_b
    for name, val in (("kappa_a", kappa_a), ("kappa_b", kappa_b)):
        if not math.isfinite(val) or val < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {val!r}")
    return float(kappa_a), float(kappa_b)


@dataclass(frozen=True)
class PairingPoint:
    """One parameter point made ready for the gap equations (energies in eV)."""

    fermi: object
    """:class:`triplon.model.dos.FermiLevel` at the point's filling (mu, N, Ñ)."""
    V: float
    """Pairing strength V of Eq. 14."""
    kappa_a: float
    kappa_b: float
    omega: float
    """Pairing cutoff Omega."""
    T: float
    """Temperature k_B T."""
    shells: dict
    """Shell quadratures of both bands (:func:`prepare_shells`)."""


def pairing_point(
    n_c=None,
    mu=None,
    params=None,
    lam=None,
    V=None,
    JH=None,
    Jc=None,
    kappa=None,
    kappa_a=None,
    kappa_b=None,
    omega=0.3,
    T=0.0,
    **numerics,
) -> PairingPoint:
    """Check one parameter point and prepare it for the gap equations.

    The one set-up of every one-point entry (:func:`gap_point`,
    :func:`triplon.observables.spectrum.spectrum_point`, the fit figures).

    Parameters
    ----------
    n_c, mu : float
        Filling per Ni or chemical potential (eV), as :func:`triplon.model.dos.fermi_level`
        takes them.
    params : BandParams, optional
    lam, V, JH, Jc : float
        Pairing strength: exactly one of lambda, V (eV) or (JH, Jc) (Eq. 13).
    kappa, kappa_a, kappa_b : float
        Eq. 11's ratios (:func:`resolve_kappas`).
    omega, T : float
        Cutoff Omega (eV, > 0) and temperature k_B T (eV, >= 0).
    **numerics
        Options of :func:`triplon.model.dos.shell_quadrature`.

    Raises
    ------
    ValueError
        An input outside its range, or a band without a Fermi surface.
    """
    from triplon.model.dos import fermi_level

    kappa_a, kappa_b = resolve_kappas(kappa, kappa_a, kappa_b)
    if not (omega > 0 and math.isfinite(omega)):
        raise ValueError(f"omega must be > 0 eV, got {omega!r}")
    if not (T >= 0 and math.isfinite(T)):
        raise ValueError(f"T must be >= 0 eV, got {T!r}")
    fermi = fermi_level(mu=mu, n_c=n_c, params=params)
    if min(fermi.dos.values()) <= 0.0:
        raise ValueError(
            f"a band has no Fermi surface at mu = {fermi.mu:.6g} eV: interband pairing needs both"
        )
    Vv = resolve_V(fermi, lam, V, JH, Jc)
    shells = prepare_shells(fermi.mu, omega, params, **numerics)
    return PairingPoint(fermi, Vv, kappa_a, kappa_b, float(omega), float(T), shells)


def gap_point(
    n_c=None,
    mu=None,
    params=None,
    lam=None,
    V=None,
    JH=None,
    Jc=None,
    kappa=None,
    kappa_a=None,
    kappa_b=None,
    omega=0.3,
    T=0.0,
    **numerics,
) -> GapSummary:
    """All gap results at one parameter point (see :func:`gap_summary`).

    Arguments as for :func:`pairing_point`: kappa alone means kappa_a = kappa_b = kappa;
    kappa_a alone means kappa_b = kappa_a.
    """
    p = pairing_point(n_c, mu, params, lam, V, JH, Jc, kappa, kappa_a, kappa_b, omega, T, **numerics)
    return gap_summary(p.shells, p.fermi, p.V, p.kappa_a, p.kappa_b, T)


__all__ = [
    "FullSolution",
    "resolution_floor",
    "solve_full",
    "s_wave_eigenvalue",
    "d_wave_eigenvalue",
    "critical_temperature",
    "tc_s_wave",
    "tc_d_wave",
    "gap_vs_temperature",
    "GapSummary",
    "gap_summary",
    "prepare_shells",
    "resolve_V",
    "resolve_kappas",
    "PairingPoint",
    "pairing_point",
    "gap_point",
]

"""Retarded triplon exchange: the two-sheet Migdal–Eliashberg equations on the imaginary axis.

The paper's Eq. 14 is the static limit of triplon exchange with a hard cutoff Omega.
With the triplon a boson of energy omega_T, the interaction is retarded,

    V_kk'(i nu) = V f^a_kk' f^b_kk' D(i nu),   D(i nu) = omega_T^2 / (nu^2 + omega_T^2),

normalised to the paper's V at zero frequency, and the same exchange dresses the
electrons. Fermi-surface restricted (constant DOS per sheet near E_F, the standard
Migdal–Eliashberg form), per sheet b with partner b' (alpha <-> beta), Matsubara
omega_n = pi T (2n + 1), interband couplings lambda_ab = V N_beta, lambda_ba = V N_alpha
(sqrt(lambda_ab lambda_ba) = lambda of the paper)::

    Z_b(k, n) = 1 + (pi T/omega_n) Σ_m D(n - m) lam_bb' < (1 + kz2 u_k u_p) omega_m / R_b'(p, m) >_b'
    phi_b(k, n) = pi T Σ_m D(n - m) lam_bb' < (1 + k2 u_k u_p) Delta_b'(p, m) / R_b'(p, m) >_b'
                  - pi T mu* Σ_{|omega_m| < omega_c} < Delta_b(p, m) / R_b(p, m) >_b

with u = eta^2, Delta = phi / Z, R = sqrt(omega_m^2 + Delta^2), <...>_b the average over the
b Fermi line weighted by dl/|grad xi| (the exact Fermi-line quadrature of
:func:`triplon.model.dos.fermi_line_quadrature`), k2 = kappa_a kappa_b (pairing, as in
Eq. 15) and kz2 = (kappa_a^2 + kappa_b^2) / 2 (the normal self-energy: derivation below).
The s± signs are absorbed (Delta_beta -> -Delta_beta turns the repulsive interband
exchange into attraction, as in Eq. 15); the kappa-linear terms drop out of the s-wave
sector by the kx <-> ky parity of eta. mu* (default 0) is an intraband Coulomb
pseudopotential with cutoff omega_c.

The Z form factor. The normal self-energy of a b electron exchanges one triplon and
returns: b -> b' -> b. Its vertex at the two ends carries f^a_kp (Hund + Kondo on the
a layer side) or f^b_kp, one for each time order of the two processes of Eq. 12, so
Sigma_b(k) ∝ Σ_p [ (f^a_kp)^2 + (f^b_kp)^2 ] / 2 G_b'(p) where (f^c_kp)^2 =
(1 - kappa_c eta_k eta_p)^2 = 1 - 2 kappa_c eta_k eta_p + kappa_c^2 eta_k^2 eta_p^2. The
eta_k eta_p term is odd under kx <-> ky of p and drops out of the s-wave part, leaving
1 + kz2 u_k u_p with kz2 = (kappa_a^2 + kappa_b^2)/2. The anomalous part carries
f^a f^b = 1 - (kappa_a + kappa_b) eta_k eta_p + kappa_a kappa_b eta_k^2 eta_p^2: its s-wave
part is 1 + k2 u_k u_p, the kernel of Eq. 15. For kappa_a = kappa_b, kz2 = k2.

Separability. Both kernels are 1 + c u_k u_p, so Z_b = 1 + z0_b(n) + z2_b(n) u_k and
phi_b = p0_b(n) + p2_b(n) u_k: four numbers per frequency and band.

Numerics. Matsubara sums use the even (phi) and odd (omega Z) symmetry in omega_m, the
positive frequencies n < N up to ``omega_max`` (default 20 omega_T + 40 pi T); the tail of
the Z sum beyond N (where omega_m / R -> 1) is added in closed form with the digamma
function, Σ_{k >= a} c^2/(k^2 + c^2) = c Im psi(a + i c); the phi sum converges as
1/N^3 (phi decays as 1/omega^2 for the Lorentzian D). T_c is where the largest eigenvalue
of the linearised phi equations is 1. Energies and temperatures in eV (k_B = 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.fft import next_fast_len
from scipy.special import digamma

from triplon.model.params import BANDS

PARTNER = {"alpha": "beta", "beta": "alpha"}
"""The sheet each sheet pairs with (interband exchange)."""


@dataclass(frozen=True)
class EliashbergModel:
    """The inputs of the Eliashberg equations of one parameter point (energies in eV)."""

    lam: dict
    """{band: lambda_bb'}: lambda_alpha = V N_beta, lambda_beta = V N_alpha."""
    eta2: dict
    """{band: (u, w)}: eta^2 at the nodes of the band's Fermi line and normalised weights."""
    kappa2: float
    """kappa_a kappa_b, the eta^2 eta^2 coefficient of the pairing kernel."""
    kappaZ2: float
    """(kappa_a^2 + kappa_b^2)/2, the eta^2 eta^2 coefficient of the Z kernel."""
    omega_T: float
    """Triplon energy omega_T."""
    mu_star: float = 0.0
    """Intraband Coulomb pseudopotential mu*."""
    omega_c: float = math.inf
    """Cutoff of the mu* sum (eV)."""
    line: dict | None = None
    """{band: (u, w)} of the dense Fermi-line quadrature, for spectra (``eta2`` compresses it)."""

    @property
    def lam_eff(self) -> float:
        """sqrt(lambda_ab lambda_ba), the paper's lambda."""
        return math.sqrt(self.lam["alpha"] * self.lam["beta"])


def einstein_model(lam: float, omega_T: float, mu_star: float = 0.0, omega_c: float = math.inf):
    """Two identical isotropic sheets: the single-band Einstein model of coupling lambda."""
    line = (np.zeros(1), np.ones(1))
    return EliashbergModel(
        {b: lam for b in BANDS}, {b: line for b in BANDS}, 0.0, 0.0, omega_T, mu_star, omega_c
    )


def eliashberg_model(
    fermi,
    V: float,
    kappa_a: float,
    kappa_b: float,
    omega_T: float,
    params=None,
    n: int = 24,
    mu_star=0.0,
    omega_c=None,
) -> EliashbergModel:
    """The Eliashberg inputs of a parameter point of the paper's model.

    Parameters
    ----------
    fermi : triplon.model.dos.FermiLevel
        Fermi level (mu, N_alpha, N_beta) of the point.
    V : float
        Pairing strength V of Eq. 13 (eV), the zero-frequency interaction.
    kappa_a, kappa_b : float
        Eq. 11's ratios.
    omega_T : float
        Triplon energy (eV), > 0.
    params : BandParams, optional
    n : int
        Gauss nodes per piece of the Fermi-line quadrature of the eta^2 distributions.
    mu_star : float
        Intraband Coulomb pseudopotential (default 0).
    omega_c : float, optional
        Cutoff of the mu* sum (default 10 omega_T).

    Raises
    ------
    ValueError
        omega_T not > 0, mu* < 0, or a band without a Fermi line.
    """
    from triplon.model.dos import fermi_line_quadrature, gauss_rule_of_measure

    if not (omega_T > 0 and math.isfinite(omega_T)):
        raise ValueError(f"omega_T must be > 0 eV, got {omega_T!r}")
    if not (mu_star >= 0 and math.isfinite(mu_star)):
        raise ValueError(f"mu_star must be >= 0, got {mu_star!r}")
    eta2, line = {}, {}
    for b in BANDS:
        cx, cy, w = fermi_line_quadrature(b, fermi.mu, params, n)
        if w.size == 0 or not w.sum() > 0:
            raise ValueError(f"band {b} has no Fermi line at mu = {fermi.mu:.6g} eV")
        line[b] = ((cx - cy) ** 2, w / w.sum())
        # the kernels are smooth in eta^2: an 8-point Gaussian rule of the line's eta^2 measure
        # gives T_c and the gaps to ~1e-15 relative at a fraction of the cost
        eta2[b] = gauss_rule_of_measure(*line[b], LINE_RULE)
    lam = {"alpha": V * fermi.dos["beta"], "beta": V * fermi.dos["alpha"]}
    return EliashbergModel(
        lam,
        eta2,
        kappa_a * kappa_b,
        0.5 * (kappa_a**2 + kappa_b**2),
        float(omega_T),
        float(mu_star),
        float(10 * omega_T if omega_c is None else omega_c),
        line,
    )


MAX_MATSUBARA = 200_000
"""Most positive Matsubara frequencies of one solution (T >~ omega_max / 1.3e6)."""


def n_matsubara(T: float, omega_max: float) -> int:
    """Number of positive Matsubara frequencies omega_n = pi T (2n + 1) below omega_max.

    Raises
    ------
    ValueError
        More than :data:`MAX_MATSUBARA` would be needed (T too low for omega_max).
    """
    n = (omega_max / (math.pi * T) - 1.0) / 2.0
    if not n < MAX_MATSUBARA:
        raise ValueError(
            f"T = {T:.3g} eV is too low for the Matsubara solver: it needs more than {MAX_MATSUBARA} "
            f"frequencies up to {omega_max:.3g} eV "
            f"(T must be >= {omega_max / (2 * math.pi * MAX_MATSUBARA):.3g} eV)"
        )
    return max(8, int(math.ceil(n)) + 1)


def default_omega_max(model: EliashbergModel, T: float) -> float:
    """Matsubara cutoff: 20 omega_T + 40 pi T (converged to ~1e-6 in T_c, see the docs' table)."""
    return 20.0 * model.omega_T + 40.0 * math.pi * T


@dataclass
class _Kernels:
    """Frequency kernels of one temperature and cutoff.

    ``products(A, s)`` = Σ_m [D(n - m) + s D(n + m + 1)] A_m for each row of ``A``
    (s = -1: the odd kernel of Z, s = +1: the even kernel of phi), all rows at once:
    with the extension A_{-m-1} = s A_m the Toeplitz plus Hankel product is one
    convolution over -N..N-1, done by FFT for many frequencies (O(N log N)) and as
    matrices for few.
    """

    T: float
    w: np.ndarray  # omega_n, n = 0..N-1
    d: np.ndarray  # D(k), k = 0..2N
    z_tail: np.ndarray  # Σ_{m >= N} [D(n - m) - D(n + m + 1)]
    coul: np.ndarray  # 1 where omega_m < omega_c
    _mats: tuple | None = None
    _fft: np.ndarray | None = None

    def products(self, A: np.ndarray, signs) -> np.ndarray:
        A = np.atleast_2d(A)
        signs = np.asarray(signs, dtype=float).reshape(-1, 1)
        N = self.w.size
        if N <= FFT_MIN:
            if self._mats is None:
                n = np.arange(N)
                dm, dp = self.d[np.abs(n[:, None] - n[None, :])], self.d[n[:, None] + n[None, :] + 1]
                self._mats = ((dm - dp).T, (dm + dp).T)
            return np.where(signs > 0, A @ self._mats[1], A @ self._mats[0])
        L = next_fast_len(6 * N, real=True)  # no large prime factors in the FFT length
        if self._fft is None:  # D(|k|), k = -(2N-1)..2N-1
            self._fft = np.fft.rfft(np.concatenate([self.d[2 * N - 1 : 0 : -1], self.d[: 2 * N]]), L)
        ext = np.concatenate([signs * A[:, ::-1], A], axis=1)  # A_j, j = -N..N-1
        return np.fft.irfft(self._fft * np.fft.rfft(ext, L, axis=1), L, axis=1)[:, 3 * N - 1 : 4 * N - 1]


FFT_MIN = 256
"""Frequency counts above which the kernel products use FFTs."""


def _kernels(model: EliashbergModel, T: float, N: int) -> _Kernels:
    n = np.arange(N)
    c = model.omega_T / (2.0 * math.pi * T)
    k = np.arange(2 * N + 1)
    d = c * c / (k * k + c * c)

    def tail(a):  # Σ_{k >= a} c^2/(k^2 + c^2), a > 0
        return c * np.imag(digamma(a + 1j * c))

    z_tail = tail(N - n) - tail(N + n + 1)
    w = math.pi * T * (2 * n + 1)
    return _Kernels(T, w, d, z_tail, (w < model.omega_c).astype(float))


@dataclass
class MatsubaraSolution:
    """Z_b and phi_b of both sheets on the positive Matsubara frequencies (energies in eV).

    Z_b(u, n) = 1 + z0[b][n] + z2[b][n] u and phi_b(u, n) = p0[b][n] + p2[b][n] u with
    u = eta_k^2 (s± signs absorbed: phi of both sheets > 0).
    """

    T: float
    omega_n: np.ndarray
    z0: dict
    z2: dict
    p0: dict
    p2: dict
    converged: bool = True
    iterations: int = 0
    status: str = "ok"
    omega_max: float = math.nan

    def Z(self, band: str, u=0.0) -> np.ndarray:
        """Z_b(k, i omega_n) at eta_k^2 = u."""
        return 1.0 + self.z0[band] + self.z2[band] * u

    def phi(self, band: str, u=0.0) -> np.ndarray:
        """phi_b(k, i omega_n) at eta_k^2 = u (eV)."""
        return self.p0[band] + self.p2[band] * u

    def delta(self, band: str, u=0.0) -> np.ndarray:
        """Delta_b(k, i omega_n) = phi / Z at eta_k^2 = u (eV)."""
        return self.phi(band, u) / self.Z(band, u)


def _moments(model: EliashbergModel, K: _Kernels, z0, z2, p0, p2, band: str):
    """Fermi-line averages <omega/R>, <u omega/R>, <Delta/R>, <u Delta/R> of ``band`` at each m."""
    u, w = model.eta2[band]
    Z = 1.0 + z0[None, :] + z2[None, :] * u[:, None]
    phi = p0[None, :] + p2[None, :] * u[:, None]
    delta = phi / Z
    inv_r = 1.0 / np.sqrt(K.w[None, :] ** 2 + delta**2)
    wz = w[:, None] * inv_r
    a = wz * K.w[None, :]
    b = wz * delta
    return a.sum(0), (a * u[:, None]).sum(0), b.sum(0), (b * u[:, None]).sum(0)


def _sweep(model: EliashbergModel, K: _Kernels, state: dict) -> dict:
    """One evaluation of the right-hand sides: new (z0, z2, p0, p2) of both sheets."""
    piT = math.pi * K.T
    mom = {b: _moments(model, K, *state[b], b) for b in BANDS}
    # the eight kernel products (a0, a2 odd; b0, b2 even; both sheets) in one batch
    stacked = K.products(np.array([m for b in BANDS for m in mom[b]]), [-1, -1, 1, 1] * len(BANDS))
    prod = {b: stacked[4 * i : 4 * i + 4] for i, b in enumerate(BANDS)}
    new = {}
    for b in BANDS:
        c = PARTNER[b]
        a0, a2, b0, b2 = mom[c]
        lam = model.lam[b]
        ubar = float(np.dot(*model.eta2[c][::-1]))  # <u>_c: the limit of <u omega/R>
        k_a0, k_a2, k_b0, k_b2 = prod[c]
        z0 = piT / K.w * lam * (k_a0 + K.z_tail)
        z2 = piT / K.w * lam * model.kappaZ2 * (k_a2 + K.z_tail * ubar)
        p0 = piT * lam * k_b0
        p2 = piT * lam * model.kappa2 * k_b2
        if model.mu_star:
            own = mom[b][2]
            p0 = p0 - 2.0 * piT * model.mu_star * float(np.dot(K.coul, own))
        new[b] = (z0, z2, p0, p2)
    return new


def _pack(state):
    return np.concatenate([np.concatenate(state[b]) for b in BANDS])


def _unpack(x, N):
    parts = x.reshape(2, 4, N)
    return {b: tuple(parts[i]) for i, b in enumerate(BANDS)}


def solve_matsubara(
    model: EliashbergModel,
    T: float,
    omega_max: float | None = None,
    guess: MatsubaraSolution | None = None,
    delta0: float | None = None,
    tol: float = 1e-10,
    maxiter: int = 2000,
) -> MatsubaraSolution:
    """Self-consistent Z_b, phi_b of both sheets at temperature T (nonlinear equations).

    Anderson-accelerated fixed-point iteration from ``guess`` (a solution at a nearby T,
    interpolated onto this T's frequencies) or from a constant gap ``delta0``.

    Parameters
    ----------
    model : EliashbergModel
    T : float
        Temperature k_B T (eV), > 0.
    omega_max : float, optional
        Matsubara cutoff (default :func:`default_omega_max`).
    guess : MatsubaraSolution, optional
    delta0 : float, optional
        Starting gap (eV) where there is no guess (default 2 omega_T / 10).
    tol : float
        Convergence: largest change of phi / max phi and of Z between iterations.
    maxiter : int

    Returns
    -------
    MatsubaraSolution
        ``converged`` False (with ``status``) if the iteration did not converge; phi -> 0
        above T_c (the normal state).
    """
    if not (T > 0 and math.isfinite(T)):
        raise ValueError(f"T must be > 0 eV, got {T!r}")
    omega_max = omega_max or default_omega_max(model, T)
    N = n_matsubara(T, omega_max)
    K = _kernels(model, T, N)
    if guess is not None:
        state = {
            b: tuple(np.interp(K.w, guess.omega_n, f[b]) for f in (guess.z0, guess.z2, guess.p0, guess.p2))
            for b in BANDS
        }
    else:
        d0 = delta0 if delta0 is not None else 0.2 * model.omega_T
        lam = model.lam
        state = {
            b: (
                np.full(N, lam[b]),
                np.zeros(N),
                d0 * (1 + lam[b]) * (model.omega_T**2 / (K.w**2 + model.omega_T**2)),
                np.zeros(N),
            )
            for b in BANDS
        }
    x = _pack(state)
    hist_x, hist_f = [], []
    m_keep = 6
    converged, status, iterations = False, "not converged", 0
    for iterations in range(1, maxiter + 1):  # noqa: B007 - the count is reported
        fx = _pack(_sweep(model, K, _unpack(x, N)))
        res = fx - x
        scale_phi = max(np.abs(fx.reshape(2, 4, N)[:, 2:]).max(), 1e-300)
        err_z = np.abs(res.reshape(2, 4, N)[:, :2]).max()
        err_p = np.abs(res.reshape(2, 4, N)[:, 2:]).max() / scale_phi
        if max(err_z, err_p) < tol:
            x = fx
            converged, status = True, "ok"
            break
        if scale_phi < 1e-14 * model.omega_T:  # collapsed to the normal state
            x = fx
            converged, status = True, "normal state (phi -> 0)"
            break
        hist_x.append(x)
        hist_f.append(res)
        if len(hist_x) > m_keep:
            hist_x.pop(0)
            hist_f.pop(0)
        if len(hist_f) > 1:  # Anderson mixing
            dF = np.array([hist_f[i + 1] - hist_f[i] for i in range(len(hist_f) - 1)]).T
            dX = np.array([hist_x[i + 1] - hist_x[i] for i in range(len(hist_x) - 1)]).T
            gamma, *_ = np.linalg.lstsq(dF, res, rcond=None)
            x = x + res - (dX + dF) @ gamma
        else:
            x = x + 0.5 * res
        if not np.all(np.isfinite(x)):
            status = "iteration diverged"
            break
    st = _unpack(x, N)
    return MatsubaraSolution(
        T,
        K.w,
        {b: st[b][0] for b in BANDS},
        {b: st[b][1] for b in BANDS},
        {b: st[b][2] for b in BANDS},
        {b: st[b][3] for b in BANDS},
        converged,
        iterations,
        status,
        omega_max,
    )


def _linear_map(model: EliashbergModel, T: float, omega_max: float | None = None):
    """The linearised phi equations at T (Delta -> 0) as a function on (p0, p2) of both sheets.

    Returns ``(apply, size)``; ``apply(x)`` maps the stacked (p0_a, p2_a, p0_b, p2_b) on
    the positive frequencies to their right-hand sides.
    """
    omega_max = omega_max or default_omega_max(model, T)
    N = n_matsubara(T, omega_max)
    K = _kernels(model, T, N)
    piT = math.pi * T
    ones = K.products(np.ones(N), [-1.0])[0] + K.z_tail  # normal state: omega / R = sign(omega)
    g = {}
    for b in BANDS:
        c = PARTNER[b]
        ubar = float(np.dot(*model.eta2[c][::-1]))
        z0 = piT / K.w * model.lam[b] * ones
        z2 = z0 * model.kappaZ2 * ubar
        u, w = model.eta2[b]
        gb = w[:, None] / ((1.0 + z0[None, :] + z2[None, :] * u[:, None]) * K.w[None, :])
        # <1/(Z omega)>, <u/(Z omega)>, <u^2/(Z omega)> over the b line at each m
        g[b] = (gb.sum(0), (gb * u[:, None]).sum(0), (gb * u[:, None] ** 2).sum(0))

    def apply(x):
        parts = x.reshape(2, 2, N)
        p = {b: parts[i] for i, b in enumerate(BANDS)}
        rhs = []
        for b in BANDS:
            g0, g1, g2 = g[PARTNER[b]]
            p0, p2 = p[PARTNER[b]]
            rhs += [g0 * p0 + g1 * p2, g1 * p0 + g2 * p2]  # <(p0 + p2 u) u^{0,1} / (Z omega)>_c
        even = K.products(np.array(rhs), [1.0] * len(rhs))
        out = []
        for i, b in enumerate(BANDS):
            n0 = piT * model.lam[b] * even[2 * i]
            n2 = piT * model.lam[b] * model.kappa2 * even[2 * i + 1]
            if model.mu_star:
                h0, h1, _ = g[b]
                own = h0 * p[b][0] + h1 * p[b][1]
                n0 = n0 - 2.0 * piT * model.mu_star * float(np.dot(K.coul, own))
            out += [n0, n2]
        return np.concatenate(out)

    return apply, 4 * N


def leading_eigenvalue(model: EliashbergModel, T: float, omega_max: float | None = None) -> float:
    """Largest eigenvalue of the linearised gap equations at T (1 at T_c)."""
    from scipy.sparse.linalg import LinearOperator, eigs

    apply, size = _linear_map(model, T, omega_max)
    if size <= 128:
        M = np.column_stack([apply(e) for e in np.eye(size)])
        return float(np.max(np.linalg.eigvals(M).real))
    op = LinearOperator((size, size), matvec=apply, dtype=float)
    ev = eigs(op, k=1, which="LR", v0=np.ones(size), tol=1e-13, return_eigenvectors=False)
    return float(ev.real[0])


LINE_RULE = 8
"""Gaussian nodes in eta^2 per Fermi line of the Matsubara equations."""

T_FLOOR = 2e-3
"""T_c below T_FLOOR x omega_T is reported as 0 (below resolution)."""


def _tc_estimate(model: EliashbergModel) -> float:
    """Allen–Dynes T_c (with f1) of the effective coupling: the T_c search's first point."""
    lam = model.lam_eff
    lam_net = lam - model.mu_star * (1 + 0.62 * lam)
    if not lam_net > 0:
        return model.omega_T * T_FLOOR
    f1 = (1 + (lam / (2.46 * (1 + 3.8 * model.mu_star))) ** 1.5) ** (1 / 3)
    T0 = f1 * model.omega_T / 1.2 * math.exp(-1.04 * (1 + lam) / lam_net)
    return min(max(T0, model.omega_T * T_FLOOR), model.omega_T)


def critical_temperature(model: EliashbergModel, omega_max: float | None = None) -> float:
    """T_c (eV): the temperature where the linearised equations' largest eigenvalue is 1.

    log Lambda(T) of the largest eigenvalue is close to linear in log T (weak-coupling
    BCS: Lambda = lambda log(1.13 omega_T / T); strong coupling: a power of T): an
    inverse-quadratic / secant search on log Lambda in log T from the Allen–Dynes
    estimate, steps of at most e^1.5 in T until the root is bracketed and bisection
    whenever a step leaves the bracket, converges in ~5 eigenvalue solves to ~1e-12
    relative. 0 below ``T_FLOOR`` omega_T.
    """
    floor = math.log(model.omega_T * T_FLOOR)

    def f(x):
        return math.log(leading_eigenvalue(model, math.exp(x), omega_max))

    xs = [math.log(_tc_estimate(model))]
    fs = [f(xs[0])]
    if fs[0] < 0 and xs[0] <= floor:
        return 0.0
    lo, hi = (xs[0], math.inf) if fs[0] > 0 else (-math.inf, xs[0])  # Lambda(lo) > 1 > Lambda(hi)
    # first step: log Lambda ~ log(g log(c / T)) has the slope -g / Lambda, g = lambda / (1 + lambda)
    lam = model.lam_eff
    step = fs[0] * math.exp(fs[0]) * (1 + lam) / max(lam, 0.05)
    for _ in range(100):
        x = max(xs[-1] + float(np.clip(step, -1.5, 1.5)), floor)
        if math.isfinite(lo) and math.isfinite(hi) and not lo < x < hi:
            x = 0.5 * (lo + hi)
        xs.append(x)
        fs.append(f(x))
        if fs[-1] > 0:
            lo = x
        else:
            if x <= floor:
                return 0.0
            hi = x
        if abs(fs[-1]) < 1e-14 or hi - lo < 1e-12:
            return math.exp(x)
        x2 = _interpolated_root(xs[-3:], fs[-3:])
        step = x2 - x if math.isfinite(x2) else (1.5 if fs[-1] > 0 else -1.5)
        if abs(step) < 1e-8 and lo < x2 < hi:
            return math.exp(x2)  # a superlinear step this small: its own error is far smaller
    raise RuntimeError(f"T_c search did not converge (bracket {math.exp(lo):.6g}..{math.exp(hi):.6g} eV)")


def _interpolated_root(xs, fs) -> float:
    """Root of the inverse quadratic through three points (secant through two; NaN if flat)."""
    if len(xs) == 3 and len(set(fs)) == 3:
        (a, b, c), (fa, fb, fc) = xs, fs
        return (
            a * fb * fc / ((fa - fb) * (fa - fc))
            + b * fa * fc / ((fb - fa) * (fb - fc))
            + c * fa * fb / ((fc - fa) * (fc - fb))
        )
    (a, b), (fa, fb) = xs[-2:], fs[-2:]
    return b - fb * (b - a) / (fb - fa) if fb != fa else math.nan


__all__ = [
    "PARTNER",
    "EliashbergModel",
    "einstein_model",
    "eliashberg_model",
    "MAX_MATSUBARA",
    "n_matsubara",
    "default_omega_max",
    "FFT_MIN",
    "MatsubaraSolution",
    "solve_matsubara",
    "leading_eigenvalue",
    "LINE_RULE",
    "T_FLOOR",
    "critical_temperature",
]

"""Quasiparticle DOS, tunneling conductance and gap distributions (docs: physics, "Tunneling spectra").

Per spin and BZ-normalised like N of :mod:`triplon.model.dos`, the quasiparticle DOS of
band b with the s± gap Delta_b(k) = A_b + B_b eta_k^2 of Eqs. 14–16 is

    N_s,b(E) = < u_k^2 delta(E - E_k) + v_k^2 delta(E + E_k) >_BZ,
    E_k = sqrt(xi_k^2 + Delta_b(k)^2),  u^2, v^2 = (1 ± xi/E)/2,

with Dynes broadening Gamma (E -> z = E + i Gamma). Each k state then contributes
u^2 L(E - E_k) + v^2 L(E + E_k), L a unit Lorentzian of half-width Gamma, so the
Dynes DOS is *exactly* the Lorentzian convolution of the Gamma = 0 DOS.

Convention for the gap outside the pairing shell. The cutoff model of Eq. 14 pairs
only states with |xi| < Omega, and its gap function is zero outside:
Delta_b(k) = A_b + B_b eta_k^2 for |xi_k| < Omega and 0 otherwise. This is the
only choice consistent with the gap equation (the same states that are paired
create the gap). For |E| << Omega the choice is immaterial (the states at
|xi| > Omega contribute at |E| > Omega only); it shows as a small step near
|E| ~ Omega, an artefact of the hard cutoff.

Method (exact in the limits tested in ``tests/test_spectrum.py``). Write the
joint density of (xi, eta^2) of a band as rho(xi, u) and rho_0(u) = rho(0, u),
the distribution of u = eta^2 on the Fermi line (total N). Then

    N_s(E) = ∫ du rho_0(u) Re[z / sqrt(z^2 - Delta(u)^2)]            (I)
           + [Lorentzian convolution of S_0](E)                        (II)

(I) is the Fermi-line (flat-DOS) term: the xi-integral of the BCS spectral
function at constant DOS done analytically over the whole real line. The
distribution rho_0(u) is known in closed form (the points where the Fermi conic
meets the lines cos ky = cos kx ± sqrt(u), with their Jacobian); it is
represented by a continuous piecewise-linear density in Delta on bins graded
towards the extremes of eta^2 on the Fermi line, and the Delta-integral of the
Dynes kernel against it is done in closed form (antiderivatives z arcsin(Delta/z)
and -z^2 sqrt(1 - Delta^2/z^2)). (I) is therefore smooth for every Gamma > 0 and
exact for kappa = 0 (B = 0), where it is the Dynes BCS form N Re[z/sqrt(z^2 - Delta^2)].

(II) carries the energy dependence of the normal-state DOS and the variation of
the eta^2 distribution (hence of the gap) away from the Fermi line: S_0 is the
Gamma = 0 spectrum of rho(xi, u) with the shell convention minus the flat
continuation rho_0(u) used in (I). The shell is cut into energy cells (a uniform
grid aligned with ±Omega, cells split at van Hove energies and band edges); the
constant-energy line at each cell centre is cut into eta^2 bins with exact
weights (the same closed-form density as in (I); where the line has several
pockets, its quadrature nodes with their cells instead). Each (xi cell, eta^2
bin) puts u^2 of its weight uniformly on its range of +E and v^2 on -E; the
boxes of neighbouring cells tile the E axis, so the histogram has no sampling
ripple. The same cells carry the flat part, so the coherence-peak singularities
of the two cancel in S_0 to O(xi). Outside the shell S_0 is the normal DOS
N(mu + E) minus the closed-form flat part. S_0 is convolved with the Lorentzian
integrated exactly over each bin (FFT). In the normal state (A = B = 0) the
method returns the Lorentzian-broadened exact DOS N(mu + E).

Accuracy (tests/test_spectrum.py): exact Dynes BCS for a flat band with
kappa = 0; the Gamma -> 0 BCS DOS of the real, particle-hole asymmetric band to
~1e-4; the exact normal DOS to ~2e-4 away from van Hove energies; a brute-force
1024^2 k-grid at Gamma = 8 meV to < 1 % of N (mean 0.1 %).
At Gamma = 1 meV the sharpest peaks (a van Hove saddle mapped to E > Delta)
are converged to ~1.5 % of the peak height, the rest to ~5e-4. Where the gap varies
normal to the Fermi line, S_0 is itself singular (it moves the coherence peak
from the Fermi-line maximum of |Delta| to the true minimum of E_k); its error
then scales as (step/Gamma)^2, about 1 % at the sharpest peaks with the default
step = Gamma/2 of :func:`spectrum_point`.

Tunneling (docs: physics, "Tunneling spectra"): dI/dV(V) = Σ_b w_b ∫ N_s,b(E) [-∂f/∂E](E - eV) dE,
done on a uniform energy grid (spacing <= Gamma/2) with the trapezoid rule, which
converges exponentially for the analytic integrand (or with the kernel
integrated exactly against the linear interpolant when T is below the spacing).
An optional c-axis matrix element |M_k|^2 ∝ eta_k^4 weights every state by
eta^4 / <eta^4>_FS, so that the weighted DOS still tends to N at the Fermi level
in the normal state.

Energies in eV, DOS in 1/eV per spin, temperatures in eV (k_B = 1).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import fftconvolve, find_peaks

from triplon.observables.band_data import BandSpectralData

MATRIX_ELEMENTS = (None, "eta4")
"""Allowed c-axis tunneling matrix elements: None (|M_k|^2 = 1) or "eta4" (|M_k|^2 ∝ eta_k^4)."""


# ------------------------------------------------------------- DOS kernels


def _term_one(z: np.ndarray, data: BandSpectralData, A: float, B: float, eta4: bool) -> np.ndarray:
    """∫ du rho_0(u) Re[z/sqrt(z^2 - Delta(u)^2)], density linear in Delta inside each bin.

    Each bin keeps its exact weight; interior bins take the slope of the exact
    density between their edges, the two end bins (1/sqrt end-point singularity)
    are flat.
    """
    e = data.edges
    du = np.diff(e)
    mid = 0.5 * (e[1:] + e[:-1])
    mass = data.bin_mass.copy()
    slope = np.zeros(mass.size)  # d(density)/du
    slope[1:-1] = np.diff(data.edge_density)[1:-1] / du[1:-1]
    if eta4:  # density times u^2: weight and slope of the product at the bin centre
        slope = slope * mid * mid + 2.0 * mid * mass / du
        mass = mass * (mid * mid + du * du / 12.0)
    z = z[:, None]
    if abs(B) * (e[-1] - e[0]) <= 1e-9 * max(abs(A), 1e-300):  # isotropic gap: the BCS form
        return np.real(1.0 / np.sqrt(1.0 - (A / z[:, 0]) ** 2)) * mass.sum()
    delta = A + B * e
    w = delta / z
    f0 = np.real(z * np.arcsin(w))  # ∫ K dDelta, K = Re[1/sqrt(1 - Delta^2/z^2)]
    f1 = np.real(-z * z * np.sqrt(1.0 - w * w))  # ∫ Delta K dDelta
    # density in u inside bin b: mass/du + slope (u - mid) = p + q Delta with Delta = A + B u
    q = slope / B
    p = mass / du - q * (A + B * mid)
    return ((p * np.diff(f0, axis=1) + q * np.diff(f1, axis=1)) / B).sum(axis=1)


def _hat_kernel(phi, n: int, h: float) -> np.ndarray:
    """c_j = ∫ hat(x - j h) k(x) dx, j = -n..n, from an antiderivative pair: phi'' = k."""
    x = np.arange(-n - 1, n + 2) * h
    p = phi(x)
    return (p[2:] - 2.0 * p[1:-1] + p[:-2]) / h


def _lorentz_phi(gamma):
    """Second antiderivative of the unit Lorentzian of half-width gamma."""

    def phi(x):
        return (x * np.arctan(x / gamma) - 0.5 * gamma * np.log(x * x + gamma * gamma)) / np.pi

    return phi


def _fermi_phi(T):
    """Second antiderivative of -∂f/∂x: Phi(x) = T log(1 + e^(-x/T)) (Phi'' = -f')."""

    def phi(x):
        return T * np.logaddexp(0.0, -x / T)

    return phi


def _term_two(data: BandSpectralData, A: float, B: float, gamma: float, eta4: bool):
    """Lorentzian-broadened S_0 on the bin centres of ``data`` (1/eV); returns (centres, values).

    Every rule node spreads its weight uniformly over the quasiparticle energies
    of its eta^2 cell ("box" deposition: bin masses of a piecewise-constant
    density, accumulated through second differences in O(nodes)).
    """
    h, lo, nb = data.step, data.lo, data.nbins
    xi = data.shell_xi[:, None]
    xa = (data.shell_xi - 0.5 * data.shell_dxi)[:, None]
    xb = (data.shell_xi + 0.5 * data.shell_dxi)[:, None]
    # |xi| range of each energy cell (0 if the cell contains xi = 0)
    x2min = np.where(xa * xb < 0, 0.0, np.minimum(xa * xa, xb * xb))
    x2max = np.maximum(xa * xa, xb * xb)
    idx, wts = [], []

    def add_boxes(ea, eb, weights):
        # each box spread uniformly over [ea, eb]: its cumulative weight is a difference
        # of two ramps, deposited as second differences at both ends (linear weights)
        width = np.maximum(eb - ea, 1e-9 * h)  # boxes of neighbouring xi cells tile the E axis
        for centre, w in weights:
            c = w * h / width
            for end, sg in ((centre - 0.5 * width, 1.0), (centre + 0.5 * width, -1.0)):
                q = np.clip((end - lo) / h, 0.0, nb)
                j = np.minimum(np.floor(q), nb - 1)
                f = (q - j).ravel()
                j = j.astype(np.intp).ravel()
                wv = (sg * c).ravel()
                idx.extend((j, j + 1))
                wts.extend((wv * (1.0 - f), wv * f))

    def e_range(cells, x2lo, x2hi):
        ca, cb = A + B * cells[0], A + B * cells[1]
        d2min = np.where(ca * cb < 0, 0.0, np.minimum(ca * ca, cb * cb))
        d2max = np.maximum(ca * ca, cb * cb)
        return np.sqrt(x2lo + d2min), np.sqrt(x2hi + d2max)

    # rho(xi, u) with the shell convention: u^2 at +E, v^2 at -E
    uu = data.rule_eta2
    ea, eb = e_range(data.rule_cells, x2min, x2max)
    delta = A + B * uu
    E = np.sqrt(xi * xi + delta * delta)
    u2 = 0.5 + 0.5 * np.divide(np.broadcast_to(xi, E.shape), E, out=np.zeros_like(E), where=E > 0)
    m = data.rule_weight * (uu * uu if eta4 else 1.0) * data.shell_dxi[:, None]
    mid = 0.5 * (ea + eb)
    add_boxes(ea, eb, ((mid, m * u2), (-mid, m * (1.0 - u2))))
    # minus the flat continuation rho_0(u) on the symmetric uniform cells: xi and -xi
    # give the same boxes with u^2 + v^2 = 1, so each positive cell puts its weight on ±E
    nsh = int(round(data.omega / h))
    xp = (np.arange(nsh) + 0.5)[:, None] * h
    ea, eb = e_range(data.rule0_cells, (xp - 0.5 * h) ** 2, (xp + 0.5 * h) ** 2)
    m0 = -np.broadcast_to(data.rule0_weight * (data.rule0_eta2**2 if eta4 else 1.0) * h, ea.shape)
    mid = 0.5 * (ea + eb)
    n_rho = len(idx)
    add_boxes(ea, eb, ((mid, m0),))  # +E only; -E is its mirror image on the grid
    dd = np.bincount(np.concatenate(idx[:n_rho]), weights=np.concatenate(wts[:n_rho]), minlength=nb + 2)
    d0 = np.bincount(np.concatenate(idx[n_rho:]), weights=np.concatenate(wts[n_rho:]), minlength=nb + 2)
    s0 = np.cumsum(dd)[:nb] / h
    flat_plus = np.cumsum(d0)[:nb] / h
    # bin j (centre c_j) mirrors to bin K - 1 - j (centre -c_j): ±omega are bin edges
    K = int(round(-2.0 * lo / h))
    j = np.arange(nb)
    jm = K - 1 - j
    ok = (jm >= 0) & (jm < nb)
    s0 += flat_plus
    s0[ok] += flat_plus[jm[ok]]
    c = data.centres
    s0 += data.outer_dos_eta4 if eta4 else data.outer_dos
    # flat continuation outside the shell:
    # -Σ_k W_k |E|/sqrt(E^2 - Delta_k^2) for |E| > sqrt(Omega^2 + Delta_k^2)
    d0 = A + B * data.flat_eta2
    w0 = data.flat_weight * (data.flat_eta2**2 if eta4 else 1.0)
    out = np.abs(c) > data.omega
    a = np.abs(c[out])[:, None]
    thr = np.sqrt(data.omega**2 + d0 * d0)
    with np.errstate(invalid="ignore", divide="ignore"):
        flat = np.where(a > thr, a / np.sqrt(np.maximum(a * a - d0 * d0, 1e-300)), 0.0)
    s0[out] -= flat @ w0
    total = (data.rule0_weight * (data.rule0_eta2**2 if eta4 else 1.0)).sum()
    # L * (S_0 + N0) on the grid, S_0 + N0 ≈ 0 beyond it; L * (-N0) = -N0
    ker = _hat_kernel(_lorentz_phi(gamma), nb - 1, h)
    conv = fftconvolve(s0 + total, ker, mode="full")[nb - 1 : 2 * nb - 1]
    return c, conv - total


def quasiparticle_dos(
    energy, data: BandSpectralData, A: float, B: float, gamma: float = 1e-3, matrix_element=None
) -> np.ndarray:
    """Dynes-broadened quasiparticle DOS N_s,b(E) of one band (Eqs. 14–16; docs: physics).

    Parameters
    ----------
    energy : array_like
        Energies E relative to the Fermi level (eV), any shape.
    data : BandSpectralData
        From :func:`prepare_band`.
    A, B : float
        Gap Delta_b(k) = A + B eta_k^2 inside the shell (eV); 0, 0 for the normal state.
    gamma : float
        Dynes broadening Gamma > 0 (eV).
    matrix_element : {None, "eta4"}
        With "eta4" every state is weighted by eta_k^4 / <eta^4>_FS (c-axis tunneling).

    Returns
    -------
    ndarray, same shape as ``energy``
        N_s,b(E) in 1/eV per spin, BZ-normalised like N.
    """
    if not (gamma > 0 and math.isfinite(gamma)):
        raise ValueError(f"gamma must be > 0 eV, got {gamma!r}")
    if matrix_element not in MATRIX_ELEMENTS:
        raise ValueError(f"matrix_element must be one of {MATRIX_ELEMENTS}, got {matrix_element!r}")
    eta4 = matrix_element == "eta4"
    E = np.asarray(energy, dtype=float)
    z = E.ravel() + 1j * gamma
    one = _term_one(z, data, A, B, eta4)
    c, two = _term_two(data, A, B, gamma, eta4)
    out = one + np.interp(E.ravel(), c, two)
    if eta4:
        out = out / (data.dos_eta4 / data.dos)
    return out.reshape(E.shape)


def thermal_kernel(energy, T: float) -> np.ndarray:
    """-∂f/∂E = (1/4T) sech^2(E/2T) (1/eV), the thermal broadening of tunneling.

    Parameters
    ----------
    energy : array_like
        Energies E (eV).
    T : float
        Temperature k_B T (eV), > 0.

    Returns
    -------
    ndarray
        The kernel at ``energy`` (1/eV; unit area over E).
    """
    x = np.asarray(energy, dtype=float) / (2.0 * T)
    return 1.0 / (4.0 * T * np.cosh(np.clip(x, -350, 350)) ** 2)


def tunneling_conductance(energy, dos, T: float, trapezoid: bool | None = None) -> np.ndarray:
    """dI/dV(V) = ∫ N(E) [-∂f/∂E](E - eV) dE on a uniform energy grid (docs: physics, "Tunneling spectra").

    Parameters
    ----------
    energy : ndarray, shape (n,)
        Uniform grid (eV); the result is given at V = energy (volts = eV/e).
        Beyond the grid the DOS is continued with its end values.
    dos : ndarray, shape (..., n)
        DOS on the grid (1/eV); the last axis is convolved.
    T : float
        Temperature (eV); T = 0 returns ``dos`` unchanged.
    trapezoid : bool, optional
        Trapezoid rule with kernel samples (exponentially accurate for analytic
        DOS when the spacing is below ~T) or, if False, the kernel integrated
        exactly against the piecewise-linear interpolant of the DOS. Default:
        trapezoid when the spacing is <= T.

    Returns
    -------
    ndarray, shape of ``dos``
        dI/dV in units of the DOS (normalised so that a constant DOS is unchanged).
    """
    e = np.asarray(energy, dtype=float)
    d = np.asarray(dos, dtype=float)
    if not (T >= 0 and math.isfinite(T)):
        raise ValueError(f"T must be >= 0 eV, got {T!r}")
    if T == 0:
        return d.copy()
    h = (e[-1] - e[0]) / (e.size - 1)
    if not np.allclose(np.diff(e), h, rtol=1e-6, atol=0):
        raise ValueError("tunneling_conductance needs a uniform energy grid")
    if trapezoid is None:
        trapezoid = h <= T
    npad = int(math.ceil(40.0 * T / h)) + 1  # sech^2 tail below e^-40 relative
    pad = [(0, 0)] * (d.ndim - 1) + [(npad, npad)]
    dp = np.pad(d, pad, mode="edge")
    if trapezoid:
        ker = h * thermal_kernel(np.arange(-npad, npad + 1) * h, T)
    else:
        ker = _hat_kernel(_fermi_phi(T), npad, h)
    ker = ker / ker.sum()  # exact normalisation of the discrete kernel
    shape = (1,) * (d.ndim - 1) + (ker.size,)
    out = fftconvolve(dp, ker.reshape(shape), mode="same", axes=-1)
    return out[..., npad : npad + e.size]


GAMMA_MIN = 1e-6
"""Smallest Dynes broadening of a spectrum (eV); below, the DOS at the gap edges is 1/0."""
T_MIN = 1e-7
"""Smallest nonzero temperature of a spectrum (eV, ~1 mK); below, -df/dE is a delta on any grid."""


def spectrum_options(T: float, gamma: float, points, weights, matrix_element) -> tuple[float, float]:
    """Check the options shared by every spectrum; return the band weights (w_alpha, w_beta).

    Raises
    ------
    ValueError
        T < 0 or in (0, T_MIN), gamma < GAMMA_MIN, points outside [3, 100001], an unknown matrix element, or
        weights that are not two numbers >= 0, not both 0.
    """
    if not (T == 0 or (T >= T_MIN and math.isfinite(T))):
        raise ValueError(f"T must be 0 or in [{T_MIN:g}, inf) eV (0 or at least ~1 mK), got {T!r}")
    if not (gamma >= GAMMA_MIN and math.isfinite(gamma)):
        raise ValueError(f"gamma must be >= {GAMMA_MIN:g} eV (1 micro-eV), got {gamma!r}")
    if not (isinstance(points, (int, np.integer)) and 3 <= points <= 100001):
        raise ValueError(f"points must be an integer in [3, 100001], got {points!r}")
    if matrix_element not in MATRIX_ELEMENTS:
        raise ValueError(f"matrix_element must be one of {MATRIX_ELEMENTS}, got {matrix_element!r}")
    w = (1.0, 1.0) if weights is None else tuple(float(x) for x in weights)
    if len(w) != 2 or not all(math.isfinite(x) and x >= 0 for x in w) or sum(w) == 0:
        raise ValueError(f"weights must be two numbers >= 0, not both 0, got {weights!r}")
    return w


def thermal_grid(energy: np.ndarray, gamma: float, T: float):
    """A uniform grid holding ``energy`` for the thermal convolution of dI/dV.

    Spacing <= gamma/2 (at most 64 steps per output step), padded by the sech^2 tail
    (e^-30) at T > 0. Returns ``(grid, take)`` with ``grid[take] == energy``.
    """
    if T <= 0:
        return energy, slice(None)
    points = energy.size
    m = min(64, max(1, int(math.ceil((energy[1] - energy[0]) / (0.5 * gamma)))))
    h = (energy[1] - energy[0]) / m
    npad = int(math.ceil(30.0 * T / h)) + 2  # sech^2 tail e^-30
    grid = energy[0] + h * np.arange(-npad, (points - 1) * m + npad + 1)
    return grid, slice(npad, npad + (points - 1) * m + 1, m)


def find_coherence_peaks(energy, didv, extremes: dict, prominence: float = 0.01, tolerance: float = 0.0):
    """Coherence peaks of a spectrum at E > 0 and the gap extremum nearest to each.

    Parameters
    ----------
    energy, didv : ndarray
        Spectrum (eV, any units).
    extremes : dict
        {label: energy (eV)} of the candidate gap extrema, e.g. {"alpha max": 0.22}.
    prominence : float
        Minimum prominence relative to the largest value of ``didv``.
    tolerance : float
        A peak farther than max(tolerance, 6 % of the extremum) (eV) from its
        nearest extremum is labelled "none" (e.g. a van Hove peak).

    Returns
    -------
    peaks : ndarray
        Positive peak energies (eV), ascending.
    sources : list of str
        Label of the nearest extremum for each peak.
    """
    e = np.asarray(energy)
    y = np.asarray(didv)
    pos = e > 0
    if not pos.any() or not np.all(np.isfinite(y)):
        return np.zeros(0), []
    idx, _ = find_peaks(y[pos], prominence=prominence * float(np.max(np.abs(y))))
    ep = e[pos]
    peaks = []
    for i in idx:  # parabolic refinement of the maximum
        if 0 < i < ep.size - 1:
            y0, y1, y2 = y[pos][i - 1 : i + 2]
            den = y0 - 2 * y1 + y2
            off = 0.5 * (y0 - y2) / den if den != 0 else 0.0
            peaks.append(ep[i] + off * (ep[1] - ep[0]))
        else:
            peaks.append(ep[i])
    labels = list(extremes)
    vals = np.array([extremes[k] for k in labels])
    sources = []
    for p in peaks:
        i = int(np.argmin(np.abs(vals - p))) if vals.size else -1
        near = i >= 0 and abs(vals[i] - p) <= max(tolerance, 0.06 * vals[i])
        sources.append(labels[i] if near else "none")
    return np.array(peaks), sources


__all__ = [
    "MATRIX_ELEMENTS",
    "quasiparticle_dos",
    "thermal_kernel",
    "tunneling_conductance",
    "GAMMA_MIN",
    "T_MIN",
    "spectrum_options",
    "thermal_grid",
    "find_coherence_peaks",
]

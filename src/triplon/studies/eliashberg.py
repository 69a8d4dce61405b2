"""Static BCS against retarded triplon exchange at the paper's point (the Eliashberg figures).

:func:`eliashberg_comparison_dataset` builds one Dataset with, for the paper's bands,
filling and kappa:

* ``Tc_bcs``, ``Tc_eliashberg`` (K) against lambda: the s± T_c of the paper's Eq. 14
  (hard cutoff Omega) and of the Migdal–Eliashberg equations (boson energy omega_T);
* ``gap_bcs``, ``gap_eliashberg`` (meV) against T / T_c: the largest gap on each
  Fermi sheet (BCS: |A + B eta^2| at the sheet's largest eta^2; Eliashberg: the gap
  edge Delta_0 = Re Delta(Delta_0) from the Padé continuation);
* ``dos_bcs``, ``dos_eliashberg`` (normalised to the normal state) against energy at
  the paper's lambda, with the Eliashberg dip–hump as attributes.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import xarray as xr

from triplon.data.provenance import var, with_provenance
from triplon.model.dos import fermi_level
from triplon.model.params import BANDS, BandParams
from triplon.observables.eliashberg import eliashberg_observables
from triplon.observables.fermi_line import fermi_line_eta2_range, gap_range
from triplon.observables.spectrum import spectrum_point
from triplon.pairing.analytic import GapWarning, V_from_lam
from triplon.pairing.bcs import solve_full, tc_s_wave
from triplon.pairing.caveats import KELVIN_PER_EV
from triplon.pairing.eliashberg import critical_temperature, eliashberg_model, solve_matsubara
from triplon.pairing.point import prepare_shells

BAND_COORD = ("band", list(BANDS), {"long_name": "conduction band (alpha antibonding, beta bonding)"})


def eliashberg_comparison_dataset(
    params: BandParams,
    n_c: float,
    lam: float,
    kappa: float,
    omega: float,
    omega_T: float,
    mu_star: float = 0.0,
    lam_grid=(0.1, 1.0, 19),
    t_points: int = 12,
    gamma: float = 2e-3,
    energy_points: int = 801,
    numerics: dict | None = None,
) -> xr.Dataset:
    """T_c(lambda), Delta_0(T) and the DOS from both methods at one filling and kappa.

    Parameters
    ----------
    params : BandParams
    n_c, lam, kappa : float
        The paper's point (lambda for the Delta_0(T) and DOS panels).
    omega : float
        The BCS cutoff Omega (eV).
    omega_T : float
        The triplon energy (eV).
    mu_star : float
        Coulomb pseudopotential of the Eliashberg solution.
    lam_grid : (start, stop, num)
        lambda values of the T_c panel.
    t_points : int
        Temperatures T / T_c in [0.1, 0.98] of the gap panel.
    gamma : float
        Dynes broadening of the DOS panel (eV).
    energy_points : int
        Energies of the DOS panel, in [-2 (Delta_0 + omega_T), +...].
    numerics : dict, optional
        Shell options of the BCS solver.
    """
    numerics = numerics or {}
    fl = fermi_level(n_c=n_c, params=params)
    shells = prepare_shells(fl.mu, omega, params, **numerics)
    Na, Nb = fl.dos["alpha"], fl.dos["beta"]
    k2 = kappa * kappa
    lams = np.linspace(*lam_grid[:2], int(lam_grid[2]))
    tc_b, tc_e = [], []
    for x in lams:
        V = V_from_lam(x, Na, Nb)
        tc_b.append(tc_s_wave(shells, V, k2))
        tc_e.append(
            critical_temperature(eliashberg_model(fl, V, kappa, kappa, omega_T, params, mu_star=mu_star))
        )
    # 0 means below each solver's resolution: stored as NaN, never as a T_c of 0 K
    tc_b = np.where(np.array(tc_b) > 0, tc_b, np.nan)
    tc_e = np.where(np.array(tc_e) > 0, tc_e, np.nan)
    # the gap panel at the paper's lambda
    V = V_from_lam(lam, Na, Nb)
    model = eliashberg_model(fl, V, kappa, kappa, omega_T, params, mu_star=mu_star)
    tcb = tc_s_wave(shells, V, k2)
    tce = critical_temperature(model)
    t = np.linspace(0.1, 0.98, t_points)
    u_max = {b: fermi_line_eta2_range(b, fl.mu, params) for b in BANDS}
    gap_b = np.full((2, t.size), np.nan)
    gap_e = np.full((2, t.size), np.nan)
    guess = None
    for j, x in enumerate(t):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GapWarning)
            s = solve_full(shells, V, kappa, kappa, x * tcb)
        if s.converged:
            for i, b in enumerate(BANDS):
                gap_b[i, j] = gap_range(getattr(s, f"A_{b}"), getattr(s, f"B_{b}"), *u_max[b])[1]
        if tce > 0:
            sol = solve_matsubara(model, x * tce, guess=guess)
            guess = sol
            res = eliashberg_observables(model, sol, tce, fl.mu, params, fl.dos, points=3)
            for i, b in enumerate(BANDS):
                gap_e[i, j] = res.gap_edge[b][1]
    # the DOS panel: BCS at T = 0 (its gaps), Eliashberg at T_c / 5
    res = None
    if tce > 0:
        sol = solve_matsubara(model, 0.2 * tce)
        res = eliashberg_observables(model, sol, tce, fl.mu, params, fl.dos, gamma, points=energy_points)
    d_top = max(res.gap_edge[b][1] for b in BANDS) if res else 0.0
    emax = float(res.energy[-1]) if res else 2.5 * omega_T
    bcs = spectrum_point(
        n_c=n_c,
        lam=lam,
        kappa=kappa,
        omega=omega,
        gamma=gamma,
        emax=emax,
        points=energy_points,
        params=params,
        **numerics,
    )
    energy = bcs.energy
    norm = Na + Nb
    dos_e = (res.dos["alpha"] + res.dos["beta"]) / norm if res else np.full(energy.size, np.nan)
    data = {
        "Tc_bcs": var(
            ("lam",), tc_b * KELVIN_PER_EV, "K", "s+- T_c of the static BCS (Eq. 14, cutoff Omega)"
        ),
        "Tc_eliashberg": var(
            ("lam",), tc_e * KELVIN_PER_EV, "K", "s+- T_c of retarded triplon exchange (Migdal-Eliashberg)"
        ),
        "gap_bcs": var(("band", "t"), 1e3 * gap_b, "meV", "largest |Delta_b| on the Fermi sheet, static BCS"),
        "gap_eliashberg": var(
            ("band", "t"), 1e3 * gap_e, "meV", "largest gap edge Delta_0,b on the Fermi sheet, Eliashberg"
        ),
        "dos_bcs": var(
            ("energy",), bcs.dos_total / norm, "1", "quasiparticle DOS / normal state, static BCS"
        ),
        "dos_eliashberg": var(("energy",), dos_e, "1", "quasiparticle DOS / normal state, Eliashberg"),
    }
    coords = {
        "lam": ("lam", lams, {"units": "1", "long_name": "lambda = V sqrt(N_alpha N_beta)"}),
        "t": ("t", t, {"units": "1", "long_name": "T / T_c of each method"}),
        "band": BAND_COORD,
        "energy": ("energy", 1e3 * energy, {"units": "meV", "long_name": "energy E"}),
    }
    attrs = {
        "Tc_bcs_K": tcb * KELVIN_PER_EV,
        "Tc_eliashberg_K": tce * KELVIN_PER_EV,
        "omega_T": omega_T,
        "gamma_meV": 1e3 * gamma,
        "dos_temperatures": "BCS at T = 0; Eliashberg at T = T_c/5",
        "gap_edge_eliashberg_meV": [1e3 * res.gap_edge[b][1] for b in BANDS] if res else [math.nan] * 2,
        "Z_eliashberg": [res.Z[b] for b in BANDS] if res else [math.nan] * 2,
        "dip_meV": 1e3 * res.dip if res else math.nan,
        "hump_meV": 1e3 * res.hump if res else math.nan,
        "mode_energy_meV": 1e3 * res.mode_energy if res else math.nan,
        "largest_gap_edge_meV": 1e3 * d_top,
    }
    ds = xr.Dataset(data, coords=coords, attrs=attrs)
    return with_provenance(
        ds,
        "Static BCS against retarded triplon exchange (Migdal-Eliashberg)",
        {
            **params.as_dict(),
            "n_c": n_c,
            "lam": lam,
            "kappa": kappa,
            "omega": omega,
            "omega_T": omega_T,
            "mu_star": mu_star,
            "lam_grid": list(lam_grid),
            "t_points": int(t_points),
            "gamma": gamma,
            "energy_points": int(energy_points),
            **numerics,
        },
    )


__all__ = ["eliashberg_comparison_dataset"]

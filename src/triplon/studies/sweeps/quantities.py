"""The quantities a sweep stores per point: names, units, dtypes and status reasons."""

from __future__ import annotations

import numpy as np

SCALARS = {
    # name: (units, long name)
    "mu": ("eV", "chemical potential"),
    "n_alpha": ("1", "alpha filling per Ni"),
    "n_beta": ("1", "beta filling per Ni"),
    "dos_alpha": ("1/eV", "Fermi-level DOS N_alpha per spin"),
    "dos_beta": ("1/eV", "Fermi-level DOS N_beta per spin"),
    "dos_eta2_alpha": ("1/eV", "eta^2-weighted DOS Ñ_alpha"),
    "dos_eta2_beta": ("1/eV", "eta^2-weighted DOS Ñ_beta"),
    "V": ("eV", "pairing strength V"),
    "lam": ("1", "coupling lambda = V sqrt(N_alpha N_beta)"),
    "kappa_a": ("1", "kappa_a"),
    "kappa_b": ("1", "kappa_b"),
    "omega": ("eV", "pairing cutoff Omega"),
    "ratio_eq17": ("1", "Delta_alpha/Delta_beta from Eq. 17 (exact)"),
    "ratio_eq18": ("1", "Delta_alpha/Delta_beta from Eq. 18"),
    "ratio_sqrt": ("1", "sqrt(N_beta/N_alpha), lambda -> 0 limit"),
    "validity_eq18": ("1", "lambda ln(Delta_alpha/Delta_beta); Eq. 18 valid while < 2"),
    "A_alpha": ("eV", "full solution: A_alpha (gap on the diagonal), T = 0"),
    "B_alpha": ("eV", "full solution: B_alpha (coefficient of eta^2), T = 0"),
    "A_beta": ("eV", "full solution: A_beta (gap on the diagonal), T = 0"),
    "B_beta": ("eV", "full solution: B_beta (coefficient of eta^2), T = 0"),
    "gap_ratio": ("1", "|Delta_alpha/Delta_beta| on the diagonal, full solution"),
    "anisotropy_alpha": ("1", "max/min of |Delta| on the alpha Fermi surface, full solution"),
    "anisotropy_beta": ("1", "max/min of |Delta| on the beta Fermi surface, full solution"),
    "Tc": ("eV", "s+- critical temperature k_B T_c"),
    "Tc_K": ("K", "s+- critical temperature T_c"),
    "gap2_Tc_alpha": ("1", "2 Delta_alpha/T_c (diagonal gap)"),
    "gap2_Tc_beta": ("1", "2 Delta_beta/T_c (diagonal gap)"),
    "gap2_Tc_max_alpha": ("1", "2 max_FS |Delta_alpha| / T_c"),
    "gap2_Tc_max_beta": ("1", "2 max_FS |Delta_beta| / T_c"),
    "lambda_d_at_Tc": ("1", "d-wave eigenvalue at the s+- T_c"),
    "Tc_d": ("eV", "d-wave critical temperature (0: below resolution)"),
    "d_wave_leads": ("1", "1 if the d-wave channel has the higher T_c"),
    "converged": ("1", "1 if every quantity of the point converged"),
    "A_alpha_T": ("eV", "full solution at temperature T: A_alpha"),
    "A_beta_T": ("eV", "full solution at temperature T: A_beta"),
    "caveat_flags": ("1", "caveats of the solution (bit flags, 0: none)"),
    # method eliashberg (NaN for BCS points)
    "omega_T": ("eV", "triplon energy omega_T (eliashberg)"),
    "mu_star": ("1", "Coulomb pseudopotential mu* (eliashberg)"),
    "T_gap": ("eV", "temperature of the gap solution: T, or T_c/5 where T = 0 (eliashberg)"),
    "Z_alpha": ("1", "mass renormalisation Z_alpha(omega -> 0), Fermi-line average (eliashberg)"),
    "Z_beta": ("1", "mass renormalisation Z_beta(omega -> 0), Fermi-line average (eliashberg)"),
    "gap_edge_min_alpha": ("eV", "smallest gap edge Delta_0 on the alpha Fermi line (eliashberg)"),
    "gap_edge_max_alpha": ("eV", "largest gap edge Delta_0 on the alpha Fermi line (eliashberg)"),
    "gap_edge_min_beta": ("eV", "smallest gap edge Delta_0 on the beta Fermi line (eliashberg)"),
    "gap_edge_max_beta": ("eV", "largest gap edge Delta_0 on the beta Fermi line (eliashberg)"),
    "mode_energy": ("eV", "dip of the quasiparticle DOS minus the largest gap edge (eliashberg)"),
}
"""Quantities of every sweep point: {name: (units, long name)}."""

INTEGER_QUANTITIES = {"converged": np.int8, "d_wave_leads": np.int8, "caveat_flags": np.int32}
"""Quantities stored as integers (the others are float64)."""

STATUS_REASONS = (
    "ok",
    "invalid point",
    "out of range",
    "invalid parameters",
    "filling unreachable",
    "no Fermi surface",
    "shell quadrature failed",
    "gap below resolution",
    "not converged",
    "T_c not found",
    "error",
)
"""Groups of point statuses: a status is "ok" or starts with one of these reasons."""

_DERIVED = {
    "eps_alpha": "4 txz^2 (1/Ea - 1/(Ea + U))",
    "eps_beta": "4 txz^2 (1/Eb - 1/(Eb + U))",
    "kappa_a": "JK_a/JH",
    "kappa_b": "JK_b/JH",
    "V": "3 JH^2/(2 J_c)",
    "omega": "J_c",
}
"""Quantities derived from the microscopic set (Eqs. 3, 10, 13) and their formulas."""


def quantity_attrs(name: str) -> dict:
    """CF attributes of a per-point quantity: ``units`` and ``long_name``.

    ``caveat_flags`` gets the CF flag attributes of :func:`triplon.pairing.caveats.flag_attrs`,
    ``status`` the list of its reasons.
    """
    from triplon.pairing.caveats import flag_attrs

    if name == "caveat_flags":
        return flag_attrs()
    if name == "status":
        return {
            "units": "1",
            "long_name": "solver status: 'ok' or '<reason>: <details>'",
            "reasons": ", ".join(STATUS_REASONS),
        }
    units, long_name = SCALARS[name]
    return {"units": units, "long_name": long_name}


def quantity_dtype(name: str):
    """NumPy dtype of a per-point quantity (int8/int32 for flags, float64 otherwise)."""
    return INTEGER_QUANTITIES.get(name, np.float64)


def status_reason(status: str) -> str:
    """The group of a point status (one of :data:`STATUS_REASONS`), for counting failures by reason."""
    s = str(status)
    for reason in STATUS_REASONS:
        if s == reason or s.startswith(reason + ":") or s.startswith(reason + " ("):
            return reason
    return "error"


__all__ = [
    "SCALARS",
    "INTEGER_QUANTITIES",
    "STATUS_REASONS",
    "quantity_attrs",
    "quantity_dtype",
    "status_reason",
]

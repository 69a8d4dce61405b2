"""Model parameters and the microscopic mappings of Eqs. 3, 10 and 13.

Two parameter sets describe the model:

* :class:`BandParams` -- the effective band set of Eq. 5 (t1, t2, t3,
  eps_alpha, eps_beta), defaulting to the paper's Fig. 2 values.
* :class:`MicroParams` -- the microscopic set (tc, U, txz, Ea, Eb, JH) from
  which Jc, eps_alpha, eps_beta (Eq. 3), the Kondo couplings (Eq. 10), kappa
  and the pairing strength V (Eq. 13) follow.

All energies are in eV.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

BANDS = ("alpha", "beta")
"""Band labels: antibonding alpha = (x1 - x2)/sqrt2, bonding beta = (x1 + x2)/sqrt2."""


class ParameterError(ValueError):
    """A physically impossible or malformed model parameter."""


def _require_finite(name: str, value: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(value):
        raise ParameterError(f"{name} must be finite, got {value!r}")
    return value


def _require_positive(name: str, value: float) -> float:
    value = _require_finite(name, value)
    if value <= 0.0:
        raise ParameterError(f"{name} must be > 0 eV, got {value!r}")
    return value


@dataclass(frozen=True)
class BandParams:
    """Effective band parameters of Eq. 5 (eV).

    Parameters
    ----------
    t1, t2, t3 : float
        In-plane hoppings to first, second and third neighbours (eV).
    eps_alpha, eps_beta : float
        Self-energy shifts of the alpha (antibonding) and beta (bonding) bands
        multiplying eta_k^2 (Eq. 3), treated as free parameters (eV).

    The defaults are the paper's Fig. 2 set: t1 = 0.45, t2 = -0.24,
    t3 = 0.06, eps_alpha = 0.4, eps_beta = 0.1.
    """

    t1: float = 0.45
    t2: float = -0.24
    t3: float = 0.06
    eps_alpha: float = 0.4
    eps_beta: float = 0.1

    def __post_init__(self) -> None:
        for name in ("t1", "t2", "t3", "eps_alpha", "eps_beta"):
            object.__setattr__(self, name, _require_finite(name, getattr(self, name)))
        if self.t1 == 0.0 and self.t2 == 0.0 and self.t3 == 0.0:
            if self.eps_alpha == 0.0 or self.eps_beta == 0.0:
                raise ParameterError("t1, t2, t3 all zero: a band has no dispersion")

    def eps(self, band: str) -> float:
        """The eta^2 coefficient eps_band of Eq. 5 for ``band`` in BANDS (eV)."""
        if band == "alpha":
            return self.eps_alpha
        if band == "beta":
            return self.eps_beta
        raise ParameterError(f"band must be one of {BANDS}, got {band!r}")

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


# Default microscopic set. tc and U are the paper's estimates (Jc = 4 tc^2/U
# ~ 0.3 eV). Ea and txz are chosen so that Eq. 3 with Eb = Ea + 2 tc gives the
# paper's eps_alpha = 0.4 and eps_beta = 0.1 (ratio 4); JH so that
# kappa = sqrt(kappa_a kappa_b) = 0.75 as in Fig. 4b. See tests/test_params.py.
_EA_DEFAULT = 0.524880950  # eV, root of Eb(Eb+U) = 4 Ea(Ea+U) with Eb = Ea + 1.2
_TXZ_DEFAULT = 0.240827937  # eV, 4 txz^2 (1/Ea - 1/(Ea+U)) = 0.4
_JH_DEFAULT = 0.381320457  # eV, kappa_a kappa_b = 0.75^2


@dataclass(frozen=True)
class MicroParams:
    """Microscopic parameters of the bilayer model (eV).

    Parameters
    ----------
    tc : float
        Interlayer hopping of the d(3z^2-r^2) orbitals (> 0).
    U : float
        Intra-ionic Coulomb repulsion (> 0).
    txz : float
        Inter-orbital hopping between d(x^2-y^2) and d(3z^2-r^2) (Eq. 1).
    Ea : float
        Excitation energy of the antibonding z orbital (> 0).
    Eb : float, optional
        Excitation energy of the bonding z orbital (> 0); default Ea + 2 tc.
    JH : float
        Hund's coupling (> 0, Eq. 6).
    """

    tc: float = 0.6
    U: float = 5.0
    txz: float = _TXZ_DEFAULT
    Ea: float = _EA_DEFAULT
    Eb: float | None = field(default=None)
    JH: float = _JH_DEFAULT

    def __post_init__(self) -> None:
        for name in ("tc", "U", "Ea", "JH"):
            object.__setattr__(self, name, _require_positive(name, getattr(self, name)))
        object.__setattr__(self, "txz", _require_finite("txz", self.txz))
        if self.Eb is None:
            object.__setattr__(self, "Eb", self.Ea + 2.0 * self.tc)
        object.__setattr__(self, "Eb", _require_positive("Eb", self.Eb))

    # Eq. 1 / Fig. 1a: spin-dimer exchange
    @property
    def Jc(self) -> float:
        """Interlayer exchange Jc = 4 tc^2 / U (eV)."""
        return 4.0 * self.tc**2 / self.U

    # Eq. 3
    @property
    def eps_alpha(self) -> float:
        """eps_alpha = 4 txz^2 (1/Ea - 1/(Ea + U)) (Eq. 3, eV)."""
        return 4.0 * self.txz**2 * (1.0 / self.Ea - 1.0 / (self.Ea + self.U))

    @property
    def eps_beta(self) -> float:
        """eps_beta = 4 txz^2 (1/Eb - 1/(Eb + U)) (Eq. 3, eV)."""
        return 4.0 * self.txz**2 * (1.0 / self.Eb - 1.0 / (self.Eb + self.U))

    # Eq. 10
    @property
    def JK_a(self) -> float:
        """Kondo exchange JK_a = 4 txz^2 (1/Ea + 1/(Ea + U)) (Eq. 10, eV)."""
        return 4.0 * self.txz**2 * (1.0 / self.Ea + 1.0 / (self.Ea + self.U))

    @property
    def JK_b(self) -> float:
        """Kondo exchange JK_b = 4 txz^2 (1/Eb + 1/(Eb + U)) (Eq. 10, eV)."""
        return 4.0 * self.txz**2 * (1.0 / self.Eb + 1.0 / (self.Eb + self.U))

    # Eq. 11, 13
    @property
    def kappa_a(self) -> float:
        """kappa_a = JK_a / JH (Eq. 11, dimensionless)."""
        return self.JK_a / self.JH

    @property
    def kappa_b(self) -> float:
        """kappa_b = JK_b / JH (Eq. 11, dimensionless)."""
        return self.JK_b / self.JH

    @property
    def kappa2(self) -> float:
        """kappa^2 = kappa_a kappa_b (Eq. 15, dimensionless)."""
        return self.kappa_a * self.kappa_b

    @property
    def kappa(self) -> float:
        """kappa = sqrt(kappa_a kappa_b) (dimensionless)."""
        return math.sqrt(self.kappa2)

    @property
    def V(self) -> float:
        """Pairing strength V = 3 JH^2 / (2 Jc) (Eq. 13, eV)."""
        return 3.0 * self.JH**2 / (2.0 * self.Jc)

    @property
    def omega(self) -> float:
        """Default pairing cutoff Omega = Jc, the triplon energy (eV)."""
        return self.Jc

    def band_params(self, t1: float = 0.45, t2: float = -0.24, t3: float = 0.06) -> BandParams:
        """Effective band set with eps_alpha, eps_beta from Eq. 3."""
        return BandParams(t1=t1, t2=t2, t3=t3, eps_alpha=self.eps_alpha, eps_beta=self.eps_beta)

    def derived(self) -> dict[str, float]:
        """All derived quantities by name (eV or dimensionless)."""
        names = ("Jc", "eps_alpha", "eps_beta", "JK_a", "JK_b", "kappa_a", "kappa_b")
        out = {name: getattr(self, name) for name in names}
        out.update(kappa2=self.kappa2, kappa=self.kappa, V=self.V, omega=self.omega)
        return out

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


__all__ = ["BANDS", "ParameterError", "BandParams", "MicroParams"]

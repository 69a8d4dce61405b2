"""Labelled xarray Datasets with units, long names and provenance (DESIGN.md data contract).

Every variable carries ``units`` and ``long_name``; every Dataset carries the
global attributes ``title``, ``source`` (package and version), ``history``,
``references``, ``config_sha256`` and the parameters that produced it
(prefixed ``param_``). Nothing time-dependent is stored, so that two runs of
the same configuration give identical files.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import xarray as xr

from triplon.params import BANDS, BandParams

REFERENCE = (
    "H. Liu and G. Khaliullin, Triplon-mediated pairing and the superconducting gap "
    "structure in bilayer nickelates, arXiv:2602.23989 (2026)"
)

FILL_CONVENTION = "filling per Ni = fraction of the BZ with xi < 0 (two spins, two Ni per cell)"
DOS_CONVENTION = "per spin, BZ-normalised: N = <delta(xi_k)>_BZ, Ñ = <eta_k^2 delta(xi_k)>_BZ"


def source_fingerprint() -> str:
    """Package version and a SHA-256 of the library's source files, e.g. "0.1.0+3fa2c1d9e0b7".

    Changes whenever any module of :mod:`triplon` changes, so that workflow
    rules depending on it rerun and files record the exact code that made them.
    """
    from pathlib import Path

    from triplon import __version__

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def config_hash(parameters: dict) -> str:
    """SHA-256 of the canonical JSON of the resolved parameters."""
    text = json.dumps(parameters, sort_keys=True, separators=(",", ":"), default=float)
    return hashlib.sha256(text.encode()).hexdigest()


def _attr_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, str, np.integer, np.floating)):
        return value
    return json.dumps(value, sort_keys=True, default=float)


def with_provenance(ds: xr.Dataset, title: str, parameters: dict, history: str = "") -> xr.Dataset:
    """Attach the global attributes of the data contract (returns a new Dataset)."""
    version = source_fingerprint()
    ds = ds.copy()
    ds.attrs = {
        "title": title,
        "source": f"triplon {version}",
        "history": history or f"created by triplon {version}",
        "references": REFERENCE,
        "Conventions": "CF-1.8",
        "config_sha256": config_hash(parameters),
        "parameters": json.dumps(parameters, sort_keys=True, default=float),
        **{f"param_{k}": _attr_value(v) for k, v in sorted(parameters.items())},
        **{k: v for k, v in ds.attrs.items() if k not in ("title", "source", "history")},
    }
    return ds


def var(dims, data, units: str, long_name: str, **attrs):
    """An (dims, data, attrs) tuple for xr.Dataset with the contract's attributes."""
    return (dims, np.asarray(data), {"units": units, "long_name": long_name, **attrs})


def dos_table_dataset(n_c, params: BandParams | None = None, n: int | None = None) -> xr.Dataset:
    """Fermi-level table against n_c: mu, filling, N, Ñ and the eta^4 moment per band.

    Parameters
    ----------
    n_c : array_like
        Conduction-electron densities per Ni (0 < n_c < 2).
    params : BandParams, optional
    n : int, optional
        Quadrature nodes per piece (default :data:`triplon.dos.DEFAULT_NODES`).

    Returns
    -------
    xarray.Dataset
        Coords ``band``, ``n_c``; variables ``mu`` (n_c), ``filling``, ``dos``,
        ``dos_eta2``, ``dos_eta4`` (band, n_c).
    """
    from triplon.dos import DEFAULT_NODES, fermi_level

    params = params or BandParams()
    n = n or DEFAULT_NODES
    n_c = np.asarray(n_c, dtype=float)
    rows = [fermi_level(n_c=x, params=params, n=n) for x in n_c]

    def per_band(field):
        return np.array([[getattr(r, field)[b] for r in rows] for b in BANDS])

    ds = xr.Dataset(
        {
            "mu": var(("n_c",), [r.mu for r in rows], "eV", "chemical potential"),
            "filling": var(
                ("band", "n_c"), per_band("filling"), "1", "band filling per Ni", comment=FILL_CONVENTION
            ),
            "dos": var(
                ("band", "n_c"),
                per_band("dos"),
                "1/eV",
                "Fermi-level density of states N per spin",
                comment=DOS_CONVENTION,
            ),
            "dos_eta2": var(
                ("band", "n_c"),
                per_band("dos_eta2"),
                "1/eV",
                "eta^2-weighted Fermi-level density of states Ñ per spin",
                comment=DOS_CONVENTION,
            ),
            "dos_eta4": var(
                ("band", "n_c"),
                per_band("dos_eta4"),
                "1/eV",
                "eta^4-weighted Fermi-level density of states per spin",
            ),
        },
        coords={
            "band": ("band", list(BANDS), {"long_name": "conduction band (alpha antibonding, beta bonding)"}),
            "n_c": ("n_c", n_c, {"units": "1", "long_name": "conduction electrons per Ni"}),
        },
    )
    parameters = {**params.as_dict(), "quadrature_nodes": n}
    return with_provenance(ds, "Fermi-level DOS table against n_c (Figs. 3a, 4a)", parameters)


class CorruptFileError(RuntimeError):
    """A NetCDF input that cannot be read (truncated, corrupt or not NetCDF)."""


def load_checked(path) -> xr.Dataset:
    """Load a NetCDF file fully into memory, naming the file if it is unreadable.

    Raises
    ------
    CorruptFileError
        For a truncated or corrupt file, with its path and what to do.
    """
    try:
        return xr.load_dataset(path)
    except FileNotFoundError:
        raise
    except Exception as exc:  # netCDF4/HDF5 raise OSError, ValueError or RuntimeError
        raise CorruptFileError(
            f"{path}: truncated or corrupt NetCDF file ({type(exc).__name__}: {exc}); "
            "delete it and rerun to recompute it"
        ) from exc


def file_sha256(path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_provenance(path) -> dict:
    """The provenance attributes of a triplon NetCDF file, decoded.

    Raises
    ------
    FileNotFoundError, CorruptFileError, ValueError
        Missing file, unreadable file, or a NetCDF file without triplon provenance.
    """
    from pathlib import Path

    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        with xr.open_dataset(path) as ds:
            attrs = dict(ds.attrs)
    except Exception as exc:
        raise CorruptFileError(f"{path}: not a readable NetCDF file ({type(exc).__name__}: {exc})") from exc
    if not str(attrs.get("source", "")).startswith("triplon"):
        raise ValueError(
            f"{path}: no triplon provenance (global attribute 'source' is {attrs.get('source')!r})"
        )
    out = {
        k: attrs.get(k, "")
        for k in ("title", "source", "history", "references", "config_sha256", "workflow_rule")
    }
    out["parameters"] = json.loads(attrs.get("parameters", "{}"))
    out["inputs"] = json.loads(attrs.get("inputs", "[]"))
    out["file"] = str(path)
    return out


def to_netcdf(ds: xr.Dataset, path, inputs=(), rule: str | None = None) -> None:
    """Write a Dataset deterministically (NETCDF4, fixed encodings, no timestamps).

    ``inputs`` (paths of the files it was made from, recorded with their
    SHA-256) and ``rule`` (the workflow rule) complete its provenance.
    """
    ds = ds.copy()
    ds.attrs["inputs"] = json.dumps([{"path": str(p), "sha256": file_sha256(p)} for p in inputs])
    if rule:
        ds.attrs["workflow_rule"] = rule
    encoding = {}
    for name, v in ds.variables.items():
        if v.dtype.kind in "fiu":
            encoding[name] = {"_FillValue": None} if v.dtype.kind == "f" else {}
    ds.to_netcdf(path, format="NETCDF4", engine="netcdf4", encoding=encoding)


__all__ = [
    "CorruptFileError",
    "config_hash",
    "dos_table_dataset",
    "file_sha256",
    "load_checked",
    "read_provenance",
    "source_fingerprint",
    "to_netcdf",
    "var",
    "with_provenance",
]

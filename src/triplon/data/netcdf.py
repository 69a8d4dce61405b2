"""Deterministic NetCDF writing and checked reading of the files triplon writes."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a Dataset is read or written (~0.3 s per process)
    import xarray as xr


class CorruptFileError(RuntimeError):
    """A NetCDF input that cannot be read (truncated, corrupt or not NetCDF)."""


def load_checked(path) -> xr.Dataset:
    """Load a NetCDF file fully into memory, naming the file if it is unreadable.

    Raises
    ------
    CorruptFileError
        For a truncated or corrupt file, with its path and what to do.
    """
    import xarray as xr

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
    import xarray as xr

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


__all__ = ["CorruptFileError", "load_checked", "file_sha256", "read_provenance", "to_netcdf"]

"""Labelled xarray Datasets with units, long names and provenance (docs: workflow, "Data contract").

Every variable carries ``units`` and ``long_name``; every Dataset carries the
global attributes ``title``, ``source`` (package and version), ``history``,
``references``, ``config_sha256`` and the parameters that produced it
(prefixed ``param_``). Nothing time-dependent is stored, so that two runs of
the same configuration give identical files.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # xarray is imported by the functions that build Datasets (~0.3 s)
    import xarray as xr

REFERENCE = (
    "H. Liu and G. Khaliullin, Triplon-mediated pairing and the superconducting gap "
    "structure in bilayer nickelates, arXiv:2602.23989 (2026)"
)
"""The paper every file cites in its ``references`` attribute."""


def source_fingerprint() -> str:
    """Package version and a SHA-256 of the library's source files, e.g. "0.1.0+3fa2c1d9e0b7".

    Changes whenever any module of :mod:`triplon` changes, so that workflow
    rules depending on it rerun and files record the exact code that made them.
    """
    from pathlib import Path

    from triplon import __version__

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
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


__all__ = ["REFERENCE", "source_fingerprint", "config_hash", "with_provenance", "var"]

"""Gathering a sweep's chunks into phase_diagram.nc, after verifying them."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import numpy as np

from triplon.data.netcdf import file_sha256
from triplon.data.provenance import with_provenance
from triplon.studies.sweeps.grid import METHOD_ATTRS, PARAMETERS
from triplon.studies.sweeps.plan import GATHER_MEMORY_MB, SweepPlan
from triplon.studies.sweeps.points import _digest
from triplon.studies.sweeps.quantities import status_reason
from triplon.studies.sweeps.store import CHUNK_CACHE_BYTES, ManifestError, read_manifest

MAX_STATUS_TEXTS = 256
"""Distinct status texts kept verbatim in a phase diagram; beyond, statuses are reduced to their reasons."""


class GatherError(RuntimeError):
    """Chunks that failed verification, with the command that recomputes them."""


# ------------------------------------------------------------------ gather


def storage_chunks(shape, itemsize: int, target_bytes: int = 1 << 20) -> tuple:
    """NetCDF-4 chunk shape near ``target_bytes``, balanced so that reading along any axis is cheap."""
    chunks = list(shape)
    while math.prod(chunks) * itemsize > target_bytes and max(chunks) > 1:
        i = chunks.index(max(chunks))
        chunks[i] = -(-chunks[i] // 2)
    return tuple(max(1, c) for c in chunks)


def recompute_command(paths, target: str = "sweeps", configfiles=()) -> str:
    """Shell command that deletes the given chunk files and recomputes them with Snakemake.

    ``configfiles``: the ``--configfile`` files of the run, repeated so that the command
    recomputes the same sweep. Every path is shell-quoted.
    """
    import shlex

    files = " ".join(shlex.quote(str(p)) for p in paths)
    extra = f" --configfile {' '.join(shlex.quote(str(c)) for c in configfiles)}" if configfiles else ""
    return f"rm -f {files} && snakemake --cores 2 {target}{extra}"


def verify_chunks(plan: SweepPlan, chunk_dir, configfiles=(), code: str | None = None) -> dict[Path, str]:
    """Check every chunk of a plan against its manifest; returns {NetCDF path: SHA-256} in block order.

    Raises
    ------
    GatherError
        Naming every bad chunk (missing, manifest not as written, SHA-256 mismatch,
        other grid or block, written by another library version than ``code``) and
        the command that recomputes them (with the run's ``configfiles``).
    """
    chunk_dir = Path(chunk_dir)
    verified, bad, problems = {}, [], []
    for b in range(plan.n_chunks):
        name = plan.chunk_name(b)
        nc, js = chunk_dir / f"{name}.nc", chunk_dir / f"{name}.json"
        try:
            m = read_manifest(js)
            start, stop = plan.bounds(b)
            where = (m["grid"], m["block"], m["start"], m["stop"], m["file"])
            if where != (plan.grid, b, start, stop, nc.name):
                raise ManifestError(f"{js}: manifest describes another chunk ({m['grid']}-{m['block']:06d})")
            if code is not None and m["code"] != code:
                raise ManifestError(
                    f"{js}: written by another library version (code {m['code'][:12]}, now {code[:12]}): "
                    "gathered, its numbers would carry the wrong provenance"
                )
            if not nc.is_file():
                raise ManifestError(f"{nc}: missing")
            sha = file_sha256(nc)
            if sha != m["sha256"]:
                raise ManifestError(
                    f"{nc}: SHA-256 {sha[:16]}... differs from its manifest ({m['sha256'][:16]}...): "
                    "the file changed after it was written"
                )
            verified[nc] = sha
        except ManifestError as exc:
            problems.append(str(exc))
            bad += [nc, js]
    if problems:
        raise GatherError(
            f"sweep {plan.name}: {len(problems)} of {plan.n_chunks} chunks failed verification:\n  "
            + "\n  ".join(problems)
            + "\nRecompute them with:\n  "
            + recompute_command(bad, configfiles=configfiles)
        )
    return verified


def _read_chunk_vars(path, names, n_expected, start, configfiles=()):
    import netCDF4

    try:
        with netCDF4.Dataset(path) as ds:
            ds.set_auto_mask(False)
            index = ds.variables["index"][:]
            if index.size != n_expected or index[0] != start or index[-1] != start + n_expected - 1:
                raise GatherError(f"{path}: holds points {index[:1]}..{index[-1:]}, expected from {start}")
            return {v: ds.variables[v][:] for v in names}
    except (OSError, KeyError) as exc:
        raise GatherError(
            f"{path}: truncated or corrupt NetCDF file ({type(exc).__name__}: {exc}); "
            f"recompute it with:\n  "
            f"{recompute_command([path, Path(path).with_suffix('.json')], configfiles=configfiles)}"
        ) from None


def gather_sweep(
    plan: SweepPlan,
    spec: dict,
    numerics: dict,
    chunk_dir,
    out,
    memory_mb: int = GATHER_MEMORY_MB,
    log=None,
    configfiles=(),
    code: str | None = None,
) -> dict:
    """Verify a sweep's chunks and write its phase diagram, a few variables at a time.

    The output has one dimension per axis (configured order) and every chunk
    variable; ``status`` is an index into its attribute ``status_texts``; ``leading_channel``
    is a character variable; ``caveat_flags`` carries CF flag attributes.
    Storage is NetCDF-4, zlib level 4 with shuffle, in balanced chunks of about
    1 MB so that reading along any axis touches few chunks. At most
    ``memory_mb`` of output values (but at least one variable) are held at once.
    ``configfiles`` (the run's ``--configfile`` files) and ``code`` (the library's
    source fingerprint) as in :func:`verify_chunks`.

    Returns
    -------
    dict
        ``points``, ``failed`` and ``failed_reasons`` ({reason: count}).
    """
    import netCDF4
    import xarray as xr

    from triplon.pairing.caveats import flag_attrs

    log = log or (lambda msg: None)
    verified = verify_chunks(plan, chunk_dir, configfiles, code)
    paths = list(verified)
    P = plan.n_points
    with netCDF4.Dataset(paths[0]) as ds0:
        names = [v for v in ds0.variables if v not in ("point", "index", "status", *plan.axes)]
        attrs = {v: {a: ds0.variables[v].getncattr(a) for a in ds0.variables[v].ncattrs()} for v in names}
        dtypes = {v: ds0.variables[v].dtype for v in names}
    dims = tuple(plan.axes)
    shape_cfg = tuple(len(plan.axes[a]) for a in dims)
    perm = [plan.order.index(a) for a in dims]

    # status: codes per point in one pass, remapped to sorted text order afterwards
    codes = np.empty(P, dtype=np.int32)
    table: dict[str, int] = {}
    for b, path in enumerate(paths):
        s, e = plan.bounds(b)
        st = _read_chunk_vars(path, ["status"], e - s, s, configfiles)["status"]
        codes[s:e] = [table.setdefault(str(x), len(table)) for x in st]
    texts = ["ok", *sorted(t for t in table if t != "ok")]
    counts = np.bincount(codes, minlength=len(texts))
    reasons: dict[str, int] = {}
    for t, c in table.items():
        if t != "ok":
            reasons[status_reason(t)] = reasons.get(status_reason(t), 0) + int(counts[c])
    if len(texts) > MAX_STATUS_TEXTS:  # free-text messages: keep their reasons only
        texts = ["ok", *sorted({status_reason(t) for t in table if t != "ok"} - {"ok"})]
    remap = np.empty(len(table), dtype=np.int32)
    for t, c in table.items():
        remap[c] = texts.index(t if t in texts else status_reason(t))
    codes = remap[codes]
    failed = int(sum(reasons.values()))

    tmp = Path(out).with_name(f".{Path(out).name}.tmp{os.getpid()}")
    nc = netCDF4.Dataset(tmp, "w", format="NETCDF4")
    try:
        for a, n in zip(dims, shape_cfg):
            nc.createDimension(a, n)
            if a == "method":  # names: a variable-length string coordinate
                v = nc.createVariable(a, str, (a,))
                v.setncatts(METHOD_ATTRS)
                v[:] = np.array(plan.axes[a], dtype=object)
                continue
            v = nc.createVariable(a, "f8", (a,), fill_value=False)
            v.setncatts({"units": PARAMETERS[a][4], "long_name": PARAMETERS[a][5]})
            v[:] = plan.axes[a]

        def write(name, flat, dtype, var_attrs, fill=False):
            chunks = storage_chunks(shape_cfg, np.dtype(dtype).itemsize)
            v = nc.createVariable(
                name, dtype, dims, zlib=True, complevel=4, shuffle=True, chunksizes=chunks, fill_value=fill
            )
            v.set_var_chunk_cache(size=CHUNK_CACHE_BYTES)  # else ~64 MB per variable, kept till close
            v.setncatts(var_attrs)
            arr = flat.reshape(plan.shape).transpose(perm)
            step = max(1, chunks[0])
            for i in range(0, shape_cfg[0], step):
                v[i : i + step] = np.ascontiguousarray(arr[i : i + step])

        write(
            "status",
            codes,
            np.int32,
            {
                "long_name": "solver status (index into the attribute status_texts; 0: ok)",
                "units": "1",
                "flag_values": np.arange(len(texts), dtype=np.int32),
                "flag_meanings": " ".join(re.sub(r"\W+", "_", t).strip("_") or "_" for t in texts),
                "status_texts": json.dumps(texts),
            },
        )
        del codes
        # variables in batches that fit the memory budget
        per_var = P * 8
        batch = max(1, int(memory_mb * 2**20 // per_var))
        for i in range(0, len(names), batch):
            group = names[i : i + batch]
            flats = {v: np.empty(P, dtype=dtypes[v]) for v in group}
            for b, path in enumerate(paths):
                s, e = plan.bounds(b)
                cols = _read_chunk_vars(path, group, e - s, s, configfiles)
                for v in group:
                    flats[v][s:e] = cols[v]
            for v in group:
                a = dict(attrs[v])
                if v == "caveat_flags":
                    a = flag_attrs()
                write(v, flats[v], dtypes[v], a)
                if v == "d_wave_leads":
                    chars = np.where(flats[v] == 1, b"d", b"s+-").astype("S3")
                    write_chars(nc, "leading_channel", chars, plan, dims, shape_cfg, perm)
            del flats
        params = {
            "sweep": plan.name,
            "axes": {k: v.tolist() for k, v in plan.axes.items()},
            "fixed": spec.get("fixed") or {},
            "numerics": numerics,
        }
        g = with_provenance(xr.Dataset(), f"Phase diagram of sweep '{plan.name}'", params).attrs
        if "converged" in names:
            g["converged_fraction"] = float(nc.variables["converged"][:].mean())
        g["failed_points"] = failed
        g["failed_reasons"] = json.dumps(reasons, sort_keys=True)
        g["chunks"] = plan.n_chunks
        g["inputs"] = json.dumps(
            [
                {
                    "path": f"{Path(chunk_dir)}/{plan.grid}-*.nc ({plan.n_chunks} files)",
                    "sha256": _digest(list(verified.values())),
                }
            ]
        )
        g["workflow_rule"] = "sweep_gather"
        nc.setncatts(g)
    except BaseException:
        nc.close()
        tmp.unlink(missing_ok=True)
        raise
    nc.close()
    os.replace(tmp, out)
    summary = {"points": P, "failed": failed, "failed_reasons": reasons}
    log(
        f"sweep {plan.name}: {P} points from {plan.n_chunks} chunks; {failed} failed"
        + "".join(f"\n  {c:8d}  {r}" for r, c in sorted(reasons.items(), key=lambda x: -x[1]))
    )
    return summary


def write_chars(nc, name, chars, plan, dims, shape_cfg, perm):
    """A fixed-width character variable (decoded to strings by xarray through ``_Encoding``)."""
    width = chars.dtype.itemsize
    if f"strlen{width}" not in nc.dimensions:
        nc.createDimension(f"strlen{width}", width)
    chunks = storage_chunks(shape_cfg, width) + (width,)
    v = nc.createVariable(
        name, "S1", (*dims, f"strlen{width}"), zlib=True, shuffle=True, complevel=4, chunksizes=chunks
    )
    v.set_var_chunk_cache(size=CHUNK_CACHE_BYTES)
    v.setncatts({"long_name": "leading pairing channel", "units": "1", "_Encoding": "utf-8"})
    v.set_auto_chartostring(False)
    arr = chars.reshape(plan.shape).transpose(perm)
    step = max(1, chunks[0])
    for i in range(0, shape_cfg[0], step):
        block = np.ascontiguousarray(arr[i : i + step])
        v[i : i + step] = block.view("S1").reshape(*block.shape, width)


__all__ = [
    "MAX_STATUS_TEXTS",
    "GatherError",
    "storage_chunks",
    "recompute_command",
    "verify_chunks",
    "gather_sweep",
    "write_chars",
]

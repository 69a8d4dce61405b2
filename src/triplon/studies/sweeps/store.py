"""The point store of a sweep: chunk jobs, their manifests and chunk files."""

from __future__ import annotations

import json
import math
import os
import re
import time
from pathlib import Path

import numpy as np

from triplon.data.netcdf import file_sha256
from triplon.data.provenance import source_fingerprint, with_provenance
from triplon.studies.sweeps.plan import SweepPlan, point_keys, runs
from triplon.studies.sweeps.quantities import SCALARS, quantity_attrs, quantity_dtype

MANIFEST_FORMAT = "triplon-sweep-chunk/1"
"""Value of the ``format`` field of every chunk manifest this version writes."""
MANIFEST_FIELDS = {
    "format": str,
    "sweep": str,
    "grid": str,
    "block": int,
    "start": int,
    "stop": int,
    "file": str,
    "sha256": str,
    "code": str,
    "groups": list,
}
"""Keys and JSON types of a chunk manifest, as :func:`run_chunk` writes it."""

CHUNK_CACHE_BYTES = 4 << 20
"""HDF5 chunk cache of each output variable while the gather writes it (whole storage chunks are written)."""


class ManifestError(ValueError):
    """A chunk manifest that is not what :func:`run_chunk` writes (names the file)."""


# ------------------------------------------------------------------ manifests


def read_manifest(path) -> dict:
    """A chunk manifest, checked against what :func:`run_chunk` writes.

    Raises
    ------
    ManifestError
        Unreadable, not JSON, not a JSON object, a missing key or a value of the
        wrong type; the message names the file.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ManifestError(f"{path}: unreadable chunk manifest ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: chunk manifest is not UTF-8 text (not written by triplon)") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"{path}: chunk manifest is not valid JSON (truncated?): {exc}") from None
    if not isinstance(data, dict):
        raise ManifestError(
            f"{path}: chunk manifest is a JSON {type(data).__name__}, expected an object "
            f"with keys {', '.join(MANIFEST_FIELDS)}"
        )
    missing = [k for k in MANIFEST_FIELDS if k not in data]
    if missing:
        raise ManifestError(f"{path}: chunk manifest lacks the keys {', '.join(missing)}")
    for k, t in MANIFEST_FIELDS.items():
        v = data[k]
        if not isinstance(v, t) or (t is int and isinstance(v, bool)):
            raise ManifestError(
                f"{path}: chunk manifest key '{k}' is a JSON {type(v).__name__}, expected {t.__name__}"
            )
    if data["format"] != MANIFEST_FORMAT:
        raise ManifestError(f"{path}: chunk manifest format {data['format']!r}, expected {MANIFEST_FORMAT!r}")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,200}\.nc", data["file"]):
        raise ManifestError(
            f"{path}: chunk manifest key 'file' is {data['file'][:80]!r}, not a chunk file name in its "
            "own folder"
        )
    if not re.fullmatch(r"[0-9a-f]{64}", data["sha256"]):
        raise ManifestError(f"{path}: chunk manifest key 'sha256' is not a SHA-256 hex digest")
    if not 0 <= data["start"] <= data["stop"]:
        raise ManifestError(f"{path}: chunk manifest has start > stop")
    for g in data["groups"]:
        ok = (
            isinstance(g, list)
            and len(g) == 3
            and isinstance(g[0], str)
            and all(isinstance(x, int) and not isinstance(x, bool) for x in g[1:])
            and 0 <= g[1] < g[2] <= data["stop"] - data["start"]
        )
        if not ok:
            raise ManifestError(f"{path}: chunk manifest entry of 'groups' is not [key, start, stop]: {g!r}")
    return data


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


# ------------------------------------------------------------------ the point store


class PointStore:
    """Finished chunk files of a sweep's earlier grids, looked up by quadrature group and point key.

    Only manifests that read back as written, of the same sweep (``sweep``) and the
    same library source (``code``), and chunk files whose SHA-256 matches are used;
    anything else is skipped with a note to ``log`` (its points are computed again).
    """

    def __init__(self, chunk_dir, exclude_grid: str = "", log=None, sweep: str | None = None, code=None):
        self.log = log or (lambda msg: None)
        self.groups: dict[str, list] = {}
        self._verified: dict[str, bool] = {}
        chunk_dir = Path(chunk_dir)
        paths = sorted(chunk_dir.glob("*.json")) if chunk_dir.is_dir() else []
        for path in paths:
            if exclude_grid and path.name.startswith(exclude_grid + "-"):
                continue
            try:
                m = read_manifest(path)
            except ManifestError as exc:
                self.log(f"point store: skipped {exc}")
                continue
            if sweep is not None and m["sweep"] != sweep:
                self.log(f"point store: skipped {path} (sweep {m['sweep'][:80]!r}, not {sweep!r})")
                continue
            if code is not None and m["code"] != code:
                self.log(f"point store: skipped {path} (written by another library version)")
                continue
            nc = path.with_name(m["file"])
            for key, start, stop in m["groups"]:
                self.groups.setdefault(key, []).append((nc, m["sha256"], start, stop))

    def _ok(self, nc: Path, sha: str) -> bool:
        if str(nc) not in self._verified:
            ok = nc.is_file() and file_sha256(nc) == sha
            if not ok:
                self.log(f"point store: skipped {nc} (missing, or SHA-256 differs from its manifest)")
            self._verified[str(nc)] = ok
        return self._verified[str(nc)]

    def lookup(self, group: str, keys: list[str]) -> dict[str, dict]:
        """{point key: {variable: value}} for the keys of one group found in the store."""
        import netCDF4

        found: dict[str, dict] = {}
        want = set(keys)
        for nc, sha, start, stop in self.groups.get(group, []):
            if not want - set(found) or not self._ok(nc, sha):
                continue
            try:
                with netCDF4.Dataset(nc) as ds:
                    ds.set_auto_mask(False)
                    stored = ds.variables["point"][start:stop].tolist()
                    hits = [(i, k) for i, k in enumerate(stored) if k in want and k not in found]
                    if not hits:
                        continue
                    names = [v for v in ds.variables if v not in ("point", "index")]
                    cols = {v: ds.variables[v][start:stop] for v in names}
            except OSError as exc:
                self.log(f"point store: skipped {nc} ({exc})")
                continue
            for i, k in hits:
                found[k] = {v: cols[v][i] for v in names}
        return found


# ------------------------------------------------------------------ chunk jobs


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children."""
    import resource

    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime, c.ru_utime + c.ru_stime


def chunk_dataset(plan: SweepPlan, block: int, keys: list[str], columns: dict, numerics: dict, code: str):
    """One chunk's results as a Dataset over ``point`` (coordinate: point key; ``index``: flat index).

    ``columns`` maps every quantity of :data:`triplon.studies.sweeps.quantities.SCALARS` and ``status`` to its
    values in block order; they are stored with their dtypes and attributes.
    """
    import xarray as xr

    from triplon.data.provenance import var

    start, stop = plan.bounds(block)
    data = {}
    for name in SCALARS:
        values = np.asarray(columns[name], dtype=quantity_dtype(name))
        data[name] = (("point",), values, quantity_attrs(name))
    data["status"] = (
        ("point",),
        np.array([str(x) for x in columns["status"]], dtype=object),
        quantity_attrs("status"),
    )
    data["index"] = var(
        ("point",), np.arange(start, stop, dtype=np.int64), "1", "flat index of the point in planning order"
    )
    ds = xr.Dataset(
        data,
        coords={"point": ("point", np.array(keys, dtype=object), {"long_name": "point key", "units": "1"})},
    )
    params = {
        "sweep": plan.name,
        "grid": plan.grid,
        "block": block,
        "start": start,
        "stop": stop,
        "planning_order": list(plan.order),
        "numerics": numerics,
        "code": code,
    }
    return with_provenance(ds, f"Sweep {plan.name}, chunk {plan.chunk_name(block)}", params)


def write_chunk(plan, block, keys, groups, columns, numerics, code, out_nc, out_manifest) -> dict:
    """Write a chunk's NetCDF file, then (atomically, last) its manifest with the file's SHA-256.

    Returns the manifest.
    """
    from triplon.data.netcdf import to_netcdf

    out_nc, out_manifest = Path(out_nc), Path(out_manifest)
    start, stop = plan.bounds(block)
    to_netcdf(chunk_dataset(plan, block, keys, columns, numerics, code), out_nc)
    manifest = {
        "format": MANIFEST_FORMAT,
        "sweep": plan.name,
        "grid": plan.grid,
        "block": block,
        "start": start,
        "stop": stop,
        "file": out_nc.name,
        "sha256": file_sha256(out_nc),
        "code": code,
        "groups": [[g, s, e] for g, s, e in runs(groups)],
    }
    _write_atomic(out_manifest, json.dumps(manifest, sort_keys=True))
    return manifest


def _flat_groups(plan: SweepPlan, start: int, stop: int) -> list[tuple[int, int]]:
    """The chunk's quadrature groups as (start, stop) positions in the chunk (planning order)."""
    g = plan.group_size
    edges = [start, *range((start // g + 1) * g, stop, g), stop]
    return [(a - start, b - start) for a, b in zip(edges[:-1], edges[1:])]


def run_chunk(
    plan: SweepPlan,
    block: int,
    numerics: dict,
    out_nc,
    out_manifest,
    threads: int = 1,
    log=None,
    job_startup_s: float | None = None,
):
    """Compute one chunk: reuse stored points, compute the rest, write NetCDF then manifest.

    Parameters
    ----------
    plan : SweepPlan
    block : int
        Block index of the chunk.
    numerics : dict
    out_nc, out_manifest : path
        Output files; the manifest (with the NetCDF file's SHA-256) is written last.
    threads : int
        Processes computing points: this one plus ``threads - 1`` workers
        (:func:`triplon.studies.sweeps.execute.compute_points`), one BLAS thread each.
    log : callable, optional
        Receives progress lines.
    job_startup_s : float, optional
        Seconds from the job's process start to this call (reported in the stats).

    Returns
    -------
    dict
        The chunk stats: ``points``, ``reused``, ``computed``, ``threads``, ``wall_s``;
        CPU seconds ``cpu_s`` = ``cpu_parent_s`` + ``cpu_workers_s`` and
        ``cpu_efficiency`` = CPU / (wall x threads) (busy time); the phases
        ``setup_s`` (points, store), ``keys_s`` (point keys, while the workers
        compute), ``band_work_cpu_s``, ``solve_cpu_s`` (task CPU), ``wait_s``,
        ``write_s``; ``one_process_s`` (their sum: what one process would
        take), ``speedup`` = one_process_s / wall_s and ``efficiency`` = speedup /
        threads (useful work).
    """
    import resource

    from triplon.studies.sweeps.execute import compute_points
    from triplon.studies.sweeps.grid import resolve_point
    from triplon.studies.sweeps.plan import group_key

    log = log or (lambda msg: None)
    t0 = time.perf_counter()
    cpu0 = _cpu_seconds()
    out_nc, out_manifest = Path(out_nc), Path(out_manifest)
    code = source_fingerprint()
    start, stop = plan.bounds(block)
    n = stop - start
    raw = plan.points(start, stop)
    flat = _flat_groups(plan, start, stop)
    store = PointStore(out_nc.parent, exclude_grid=plan.grid, log=log, sweep=plan.name, code=code)
    keys: list = [None] * n
    groups: list = [None] * n

    def key_range(s, e):
        keys[s:e], groups[s:e] = point_keys(raw[s:e], numerics, code)

    found: dict[int, dict] = {}  # position -> stored row
    for s, e in flat:
        if store.groups and group_key(resolve_point(raw[s]), numerics, code) in store.groups:
            key_range(s, e)
            for g, gs, ge in runs(groups[s:e]):
                if g in store.groups:
                    rows = store.lookup(g, keys[s + gs : s + ge])
                    found.update((i, rows[keys[i]]) for i in range(s + gs, s + ge) if keys[i] in rows)
    todo = [[i for i in range(s, e) if i not in found] for s, e in flat]
    missing = sum(len(t) for t in todo)
    setup = time.perf_counter() - t0
    log(
        f"chunk {plan.chunk_name(block)} of sweep {plan.name}: {n} points in {len(flat)} quadrature "
        f"groups, {len(found)} from the store, {missing} to compute on {threads} processes"
    )

    def all_keys():  # the parent's serial work, done while the workers compute
        for s, e in flat:
            if keys[s] is None:
                key_range(s, e)
        if threads > 1:
            import xarray  # noqa: F401 - for write_chunk, imported while the workers compute

    columns, stats, _ = compute_points(raw, todo, numerics, threads, log, overlap=all_keys)
    for i, row in found.items():
        for v, col in columns.items():
            col[i] = row[v]
    t = time.perf_counter()
    write_chunk(plan, block, keys, groups, columns, numerics, code, out_nc, out_manifest)
    write = time.perf_counter() - t
    wall = time.perf_counter() - t0
    cpu1 = _cpu_seconds()
    parent, workers = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    one = setup + stats["overlap_s"] + write + stats["band_work_cpu_s"] + stats["solve_cpu_s"]
    out = {
        "points": n,
        "reused": len(found),
        "computed": missing,
        "threads": threads,
        "wall_s": wall,
        "cpu_s": parent + workers,
        "cpu_parent_s": parent,
        "cpu_workers_s": workers,
        "cpu_efficiency": (parent + workers) / (wall * threads) if wall > 0 else math.nan,
        "setup_s": setup,
        "keys_s": stats["overlap_s"],
        "pool_start_s": stats["pool_start_s"],
        "band_work_cpu_s": stats["band_work_cpu_s"],
        "solve_cpu_s": stats["solve_cpu_s"],
        "wait_s": stats["wait_s"],
        "write_s": write,
        "work_tasks": stats["work_tasks"],
        "solve_tasks": stats["solve_tasks"],
        "one_process_s": one,
        "speedup": one / wall if wall > 0 else math.nan,
        "efficiency": one / (wall * threads) if wall > 0 else math.nan,
        "maxrss_parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "maxrss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    if job_startup_s is not None:
        out["job_startup_s"] = job_startup_s
    log(
        f"chunk time: wall {wall:.2f} s on {threads} processes, speed-up {out['speedup']:.2f} against one "
        f"process (useful-work efficiency {out['efficiency']:.2f}); setup {setup:.2f} s, point keys "
        f"{out['keys_s']:.2f} s, band work {out['band_work_cpu_s']:.2f} CPU-s in {out['work_tasks']} tasks, "
        f"points {out['solve_cpu_s']:.2f} CPU-s in {out['solve_tasks']} tasks, write {write:.2f} s"
    )
    log("chunk stats " + json.dumps(out, sort_keys=True))
    return out


__all__ = [
    "MANIFEST_FORMAT",
    "MANIFEST_FIELDS",
    "CHUNK_CACHE_BYTES",
    "ManifestError",
    "read_manifest",
    "PointStore",
    "chunk_dataset",
    "write_chunk",
    "run_chunk",
]

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
from triplon.studies.sweeps.plan import GROUP_CPU_S, POINT_CPU_S, SweepPlan, point_keys, runs
from triplon.studies.sweeps.points import compute_chunk
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


def _compute_raw(raw_points: list[dict], numerics: dict) -> dict:
    """Results of raw points through :func:`triplon.studies.sweeps.points.compute_chunk` (runs in a worker).

    Returned as columns, {quantity: ndarray of its dtype, "status": list of str}: a
    worker's answer pickles as a few arrays instead of one dict per point.
    """
    rows = compute_chunk(raw_points, numerics)
    out = {v: np.array([r[v] for r in rows], dtype=quantity_dtype(v)) for v in SCALARS}
    out["status"] = [str(r["status"]) for r in rows]
    return out


def _tasks(missing: list[tuple[str, int]], threads: int) -> list[list[int]]:
    """Split missing points, given as (group key, position) in order, into tasks.

    A task holds points of consecutive quadrature groups; a group is split only if it
    is larger than the target size (about 8 tasks per process), since each piece pays
    for its own quadrature.
    """
    if not missing:
        return []
    if threads == 1:
        return [[pos for _, pos in missing]]
    target = max(1, -(-len(missing) // (8 * threads)))
    split_min = max(target, int(4 * GROUP_CPU_S / POINT_CPU_S))  # a piece pays a quadrature
    tasks, current = [], []
    for _, start, stop in runs([g for g, _ in missing]):
        members = [pos for _, pos in missing[start:stop]]
        if len(members) > split_min:
            if current:
                tasks.append(current)
                current = []
            n = -(-len(members) // target)
            size = -(-len(members) // n)
            tasks.extend(members[i : i + size] for i in range(0, len(members), size))
            continue
        current.extend(members)
        if len(current) >= target:
            tasks.append(current)
            current = []
    if current:
        tasks.append(current)
    return tasks


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


def run_chunk(plan: SweepPlan, block: int, numerics: dict, out_nc, out_manifest, threads: int = 1, log=None):
    """Compute one chunk: reuse stored points, compute the rest in a process pool, write NetCDF then manifest.

    Parameters
    ----------
    plan : SweepPlan
    block : int
        Block index of the chunk.
    numerics : dict
    out_nc, out_manifest : path
        Output files; the manifest (with the NetCDF file's SHA-256) is written last.
    threads : int
        Processes computing points: this one plus ``threads - 1`` spawned workers.
    log : callable, optional
        Receives progress lines.

    Returns
    -------
    dict
        ``points``, ``reused``, ``computed``, ``wall_s``, ``cpu_s`` (``cpu_parent_s`` of
        this process plus ``cpu_workers_s`` of the workers), ``threads`` and
        ``cpu_efficiency`` = CPU time / (wall time x threads) of this job.
    """
    import resource
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from multiprocessing import get_context

    log = log or (lambda msg: None)
    t0 = time.perf_counter()
    cpu0 = _cpu_seconds()
    out_nc, out_manifest = Path(out_nc), Path(out_manifest)
    code = source_fingerprint()
    start, stop = plan.bounds(block)
    n = stop - start
    # threads - 1 spawned workers plus this process pull tasks from one queue: the parent
    # computes while the workers start, and only the parent writes NetCDF
    pool = None
    if threads > 1:
        pool = ProcessPoolExecutor(max_workers=threads - 1, mp_context=get_context("spawn"))
    try:
        raw = plan.points(start, stop)
        keys, groups = point_keys(raw, numerics, code)
        store = PointStore(out_nc.parent, exclude_grid=plan.grid, log=log, sweep=plan.name, code=code)
        # results go straight into columns (no dict per point is kept)
        columns = {v: np.zeros(n, dtype=quantity_dtype(v)) for v in SCALARS}
        columns["status"] = [None] * n
        have = np.zeros(n, bool)
        for g, s, e in runs(groups):
            if g in store.groups:
                found = store.lookup(g, keys[s:e])
                for i in range(s, e):
                    if keys[i] in found:
                        row = found[keys[i]]
                        for v, col in columns.items():
                            col[i] = row[v]
                        have[i] = True
        reused = int(have.sum())
        missing = [(groups[i], i) for i in range(n) if not have[i]]
        tasks = _tasks(missing, threads)
        log(
            f"chunk {plan.chunk_name(block)} of sweep {plan.name}: {n} points, {reused} from the store, "
            f"{len(missing)} to compute in {len(tasks)} tasks on {threads} processes"
        )
        pending, inflight, done = deque(range(len(tasks))), {}, 0

        def finish(k, res):
            nonlocal done
            idx = np.asarray(tasks[k], dtype=np.int64)
            for v in SCALARS:
                columns[v][idx] = res[v]
            for i, st in zip(tasks[k], res["status"], strict=True):
                columns["status"][i] = st
            done += len(tasks[k])
            log(f"[{done}/{len(missing)}] {time.perf_counter() - t0:.1f} s elapsed")

        def refill():
            while pool is not None and pending and len(inflight) < 2 * (threads - 1):
                k = pending.popleft()
                inflight[pool.submit(_compute_raw, [raw[i] for i in tasks[k]], numerics)] = k

        refill()
        while pending or inflight:
            if pending:
                k = pending.popleft()
                finish(k, _compute_raw([raw[i] for i in tasks[k]], numerics))
            else:
                wait(list(inflight), return_when=FIRST_COMPLETED)
            for f in [f for f in inflight if f.done()]:
                finish(inflight.pop(f), f.result())
            refill()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    write_chunk(plan, block, keys, groups, columns, numerics, code, out_nc, out_manifest)
    wall = time.perf_counter() - t0
    cpu1 = _cpu_seconds()
    parent, workers = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    cpu = parent + workers
    stats = {
        "points": n,
        "reused": reused,
        "computed": len(missing),
        "wall_s": wall,
        "cpu_s": cpu,
        "cpu_parent_s": parent,
        "cpu_workers_s": workers,
        "maxrss_parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "maxrss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "threads": threads,
        "cpu_efficiency": cpu / (wall * threads) if wall > 0 else math.nan,
    }
    log("chunk stats " + json.dumps(stats, sort_keys=True))
    return stats


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

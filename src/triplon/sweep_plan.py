"""Sweeps at scale: arithmetic chunk plans, a point store, verified chunk files, a bounded gather.

A sweep of P points is cut into ``ceil(P / chunk_size)`` chunks without
enumerating its points: the grid is flattened in the *planning order* (axes
that change the shell quadrature -- band set, ``n_c``, ``omega`` and the
microscopic parameters -- vary slowest, the others fastest, each group in the
configured order), and chunk ``b`` is the contiguous block
``[b * chunk_size, (b + 1) * chunk_size)`` of that order. Its name
``<grid>-<b:06d>`` combines a hash of the grid (axis values, fixed values,
numerics, chunk size) with the block index, so planning costs O(chunks) time
and memory and nothing per point. Points sharing a shell quadrature are
contiguous, so a chunk holds few quadrature groups.

A chunk job (:func:`run_chunk`) enumerates its block, gives every point its key
(:func:`triplon.sweep.point_key`: SHA-256 of the resolved parameters, the
numerics and the library fingerprint), looks the keys up in the *point store*
-- the finished chunk files of every earlier grid of the same sweep, found
through their manifests, which list each file's quadrature groups -- and
computes only the points not found, in a process pool over groups of points
sharing a quadrature. Only the parent process writes NetCDF. The chunk's
manifest (``<chunk>.json``, written last) records the SHA-256 of its NetCDF
file; the gather (:func:`gather_sweep`) verifies every chunk against it and
writes ``phase_diagram.nc`` variable by variable with bounded memory.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from triplon import sweep as _sweep
from triplon.dataset import file_sha256, source_fingerprint, with_provenance

QUADRATURE_AXES = (
    "n_c",
    "omega",
    "t1",
    "t2",
    "t3",
    "eps_alpha",
    "eps_beta",
    "tc",
    "U",
    "txz",
    "Ea",
    "JH",
)
"""Axes that change mu or Omega, hence the shell quadrature: they vary slowest."""

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
MAX_STATUS_TEXTS = 256
"""Distinct status texts kept verbatim in a phase diagram; beyond, statuses are reduced to their reasons."""
GATHER_MEMORY_MB = 400
"""Memory the gather may spend on output variables at once (at least one variable is held)."""


class ManifestError(ValueError):
    """A chunk manifest that is not what :func:`run_chunk` writes (names the file)."""


class GatherError(RuntimeError):
    """Chunks that failed verification, with the command that recomputes them."""


# ------------------------------------------------------------------ planning


@dataclass(frozen=True)
class SweepPlan:
    """The chunks of one sweep, computed arithmetically from its grid.

    Attributes
    ----------
    name : str
        Sweep name (``results/sweeps/<name>/``).
    axes : dict[str, numpy.ndarray]
        Axis values in the configured order (the dimensions of the phase diagram).
    fixed : dict[str, float]
        Parameters held fixed.
    order : tuple[str, ...]
        Planning order of the axes: quadrature axes first (slowest).
    chunk_size : int
        Points per chunk (the last chunk may hold fewer).
    grid : str
        12 hex digits identifying the grid, the numerics and the chunk size.
    """

    name: str
    axes: dict
    fixed: dict
    order: tuple
    chunk_size: int
    grid: str

    @property
    def shape(self) -> tuple:
        """Grid shape in planning order."""
        return tuple(len(self.axes[a]) for a in self.order)

    @property
    def n_points(self) -> int:
        return int(math.prod(self.shape))

    @property
    def n_chunks(self) -> int:
        return -(-self.n_points // self.chunk_size)

    def chunk_name(self, block: int) -> str:
        return f"{self.grid}-{block:06d}"

    def chunk_names(self) -> list[str]:
        return [self.chunk_name(b) for b in range(self.n_chunks)]

    def block_of(self, chunk: str) -> int:
        """Block index of a chunk name of this grid (ValueError otherwise)."""
        m = re.fullmatch(r"([0-9a-f]{12})-([0-9]+)", chunk)
        if not m or m.group(1) != self.grid or int(m.group(2)) >= self.n_chunks:
            raise ValueError(f"sweep {self.name}: {chunk!r} is not a chunk of grid {self.grid}")
        return int(m.group(2))

    def bounds(self, block: int) -> tuple[int, int]:
        """Flat planning-order index range [start, stop) of a block."""
        start = block * self.chunk_size
        return start, min(start + self.chunk_size, self.n_points)

    def chunk_points(self, block: int) -> int:
        start, stop = self.bounds(block)
        return stop - start

    @property
    def group_size(self) -> int:
        """Points sharing one shell quadrature: the product of the non-quadrature axis lengths."""
        return int(math.prod(len(self.axes[a]) for a in self.order if a not in QUADRATURE_AXES))

    def chunk_groups(self, block: int) -> int:
        """Shell quadratures a block needs (groups are contiguous in planning order)."""
        start, stop = self.bounds(block)
        g = self.group_size
        return (stop - 1) // g - start // g + 1

    def points(self, start: int, stop: int) -> list[dict]:
        """Raw points (fixed values plus axis values) of flat planning-order indices [start, stop)."""
        idx = np.unravel_index(np.arange(start, stop), self.shape)
        columns = {a: self.axes[a][i].tolist() for a, i in zip(self.order, idx)}
        out = []
        for j in range(stop - start):
            p = dict(self.fixed)
            for a in self.order:
                p[a] = columns[a][j]
            out.append(p)
        return out

    def chunk_dir(self, root=".") -> Path:
        return Path(root) / "results" / "sweeps" / self.name / "chunks"


def planning_order(axis_names) -> tuple:
    """Quadrature axes first (configured order), then the others (configured order)."""
    names = list(axis_names)
    return tuple([a for a in names if a in QUADRATURE_AXES] + [a for a in names if a not in QUADRATURE_AXES])


def plan_sweep(name: str, spec: dict, numerics: dict) -> SweepPlan:
    """The chunk plan of one sweep, in time and memory O(number of axis values).

    Parameters
    ----------
    name : str
        Sweep name.
    spec : dict
        The sweep's configuration (``axes``, ``fixed``, ``chunk_size``).
    numerics : dict
        The ``numerics`` section of the configuration (part of the grid hash).
    """
    axes = _sweep.sweep_axes(spec)
    fixed = {k: float(v) for k, v in (spec.get("fixed") or {}).items()}
    order = planning_order(axes)
    chunk_size = int(spec.get("chunk_size", 500))
    grid = _sweep._digest(
        {
            "axes": [[a, axes[a].tolist()] for a in axes],
            "order": list(order),
            "fixed": fixed,
            "numerics": numerics,
            "chunk_size": chunk_size,
        }
    )[:12]
    return SweepPlan(name, axes, fixed, order, chunk_size, grid)


def group_key(resolved: dict, numerics: dict, code: str) -> str:
    """Identity of a shell quadrature: band set, n_c, Omega, numerics and library fingerprint."""
    return _sweep._digest({"q": _sweep.band_key(resolved), "n": numerics, "code": code})[:20]


def point_keys(raw_points: list[dict], numerics: dict, code: str):
    """Point keys and quadrature-group keys of raw points (see :func:`triplon.sweep.resolve_point`)."""
    keys, groups, seen = [], [], {}
    key = _sweep.point_key_function(numerics, code)
    for p in raw_points:
        r = _sweep.resolve_point(p)
        keys.append(key(r))
        q = (tuple(sorted(r["band"].items())), r["n_c"], r["omega"])
        if q not in seen:
            seen[q] = group_key(r, numerics, code)
        groups.append(seen[q])
    return keys, groups


def runs(labels: list) -> list[tuple]:
    """Maximal runs of equal consecutive labels as (label, start, stop)."""
    out, start = [], 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            out.append((labels[start], start, i))
            start = i
    return out


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

    Only manifests that read back as written and chunk files whose SHA-256
    matches are used; anything else is skipped with a note to ``log`` (its
    points are computed again).
    """

    def __init__(self, chunk_dir, exclude_grid: str = "", log=None):
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
    """Results of raw points through :func:`triplon.sweep.compute_chunk` (runs in a worker).

    Returned as columns, {quantity: ndarray of its dtype, "status": list of str}: a
    worker's answer pickles as a few arrays instead of one dict per point.
    """
    rows = _sweep.compute_chunk(raw_points, numerics)
    out = {v: np.array([r[v] for r in rows], dtype=_sweep.quantity_dtype(v)) for v in _sweep.SCALARS}
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

    ``columns`` maps every quantity of :data:`triplon.sweep.SCALARS` and ``status`` to its
    values in block order; they are stored with their dtypes and attributes.
    """
    import xarray as xr

    from triplon.dataset import var

    start, stop = plan.bounds(block)
    data = {}
    for name in _sweep.SCALARS:
        values = np.asarray(columns[name], dtype=_sweep.quantity_dtype(name))
        data[name] = (("point",), values, _sweep.quantity_attrs(name))
    data["status"] = (
        ("point",),
        np.array([str(x) for x in columns["status"]], dtype=object),
        _sweep.quantity_attrs("status"),
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
    from triplon.dataset import to_netcdf

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
        store = PointStore(out_nc.parent, exclude_grid=plan.grid, log=log)
        # results go straight into columns (no dict per point is kept)
        columns = {v: np.zeros(n, dtype=_sweep.quantity_dtype(v)) for v in _sweep.SCALARS}
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
            for v in _sweep.SCALARS:
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


# ------------------------------------------------------------------ gather


def storage_chunks(shape, itemsize: int, target_bytes: int = 1 << 20) -> tuple:
    """NetCDF-4 chunk shape near ``target_bytes``, balanced so that reading along any axis is cheap."""
    chunks = list(shape)
    while math.prod(chunks) * itemsize > target_bytes and max(chunks) > 1:
        i = chunks.index(max(chunks))
        chunks[i] = -(-chunks[i] // 2)
    return tuple(max(1, c) for c in chunks)


def recompute_command(paths, target: str = "sweeps") -> str:
    """Shell command that deletes the given chunk files and recomputes them with Snakemake."""
    return f"rm -f {' '.join(str(p) for p in paths)} && snakemake --cores 2 {target}"


def verify_chunks(plan: SweepPlan, chunk_dir) -> dict[Path, str]:
    """Check every chunk of a plan against its manifest; returns {NetCDF path: SHA-256} in block order.

    Raises
    ------
    GatherError
        Naming every bad chunk (missing, manifest not as written, SHA-256 mismatch,
        other grid or block) and the command that recomputes them.
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
            + recompute_command(bad)
        )
    return verified


def _read_chunk_vars(path, names, n_expected, start):
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
            f"recompute it with:\n  {recompute_command([path, Path(path).with_suffix('.json')])}"
        ) from None


def gather_sweep(
    plan: SweepPlan, spec: dict, numerics: dict, chunk_dir, out, memory_mb: int = GATHER_MEMORY_MB, log=None
) -> dict:
    """Verify a sweep's chunks and write its phase diagram, a few variables at a time.

    The output has one dimension per axis (configured order) and every chunk
    variable; ``status`` is an index into its attribute ``status_texts``; ``leading_channel``
    is a character variable; ``caveat_flags`` carries CF flag attributes.
    Storage is NetCDF-4, zlib level 4 with shuffle, in balanced chunks of about
    1 MB so that reading along any axis touches few chunks. At most
    ``memory_mb`` of output values (but at least one variable) are held at once.

    Returns
    -------
    dict
        ``points``, ``failed`` and ``failed_reasons`` ({reason: count}).
    """
    import netCDF4
    import xarray as xr

    from triplon.caveats import flag_attrs

    log = log or (lambda msg: None)
    verified = verify_chunks(plan, chunk_dir)
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
        st = _read_chunk_vars(path, ["status"], e - s, s)["status"]
        codes[s:e] = [table.setdefault(str(x), len(table)) for x in st]
    texts = ["ok", *sorted(t for t in table if t != "ok")]
    counts = np.bincount(codes, minlength=len(texts))
    reasons: dict[str, int] = {}
    for t, c in table.items():
        if t != "ok":
            reasons[_sweep.status_reason(t)] = reasons.get(_sweep.status_reason(t), 0) + int(counts[c])
    if len(texts) > MAX_STATUS_TEXTS:  # free-text messages: keep their reasons only
        texts = ["ok", *sorted({_sweep.status_reason(t) for t in table if t != "ok"} - {"ok"})]
    remap = np.empty(len(table), dtype=np.int32)
    for t, c in table.items():
        remap[c] = texts.index(t if t in texts else _sweep.status_reason(t))
    codes = remap[codes]
    failed = int(sum(reasons.values()))

    tmp = Path(out).with_name(f".{Path(out).name}.tmp{os.getpid()}")
    nc = netCDF4.Dataset(tmp, "w", format="NETCDF4")
    try:
        for a, n in zip(dims, shape_cfg):
            nc.createDimension(a, n)
            v = nc.createVariable(a, "f8", (a,), fill_value=False)
            v.setncatts({"units": _sweep.PARAMETERS[a][4], "long_name": _sweep.PARAMETERS[a][5]})
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
                cols = _read_chunk_vars(path, group, e - s, s)
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
                    "sha256": _sweep._digest(list(verified.values())),
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


# ------------------------------------------------------------------ resources

# Measured with benchmarks/bench_sweep.py on a 2-core x86-64 machine shared with other work:
# 0.8-1.6 ms of CPU per point (up to 5 ms near band edges), 0.2 s per quadrature, a chunk job's
# main process ~200 MB for 10^4 points, a worker ~150 MB, Snakemake itself ~150 MB. MARGIN
# covers slower nodes and harder regions of parameter space.
POINT_CPU_S = 0.003
"""CPU seconds per point beyond its shell quadrature."""
GROUP_CPU_S = 0.25
"""CPU seconds per shell quadrature (one per group of points sharing band set, n_c, Omega)."""
STARTUP_S = 60.0
"""Wall seconds of a batch job before its first point: Snakemake re-parsing the workflow, imports."""
MARGIN = 3.0
"""Safety factor on the modelled runtime of a chunk job."""
BASE_MB = 600
"""Snakemake re-parsing the workflow in the batch job, plus the rule script's main process."""
WORKER_MB = 250
"""One spawned worker process."""
POINT_KB = 8.0
"""Main-process memory per point of the chunk (result rows before they are written)."""


def chunk_resources(n_points: int, threads: int, n_groups: int | None = None) -> dict:
    """SLURM resources of one chunk job from its number of points and threads.

    Parameters
    ----------
    n_points : int
        Points in the chunk.
    threads : int
        Worker processes (``cpus_per_task``).
    n_groups : int, optional
        Shell quadratures in the chunk (default: the worst case, ``n_points``).

    Returns
    -------
    dict
        ``runtime`` (minutes) and ``mem_mb``.
    """
    threads = max(1, int(threads))
    groups = n_points if n_groups is None else n_groups
    cpu = n_points * POINT_CPU_S + groups * GROUP_CPU_S
    wall = STARTUP_S + cpu / threads
    return {
        "runtime": int(math.ceil(MARGIN * wall / 60.0)),
        "mem_mb": int(math.ceil(BASE_MB + (threads - 1) * WORKER_MB + n_points * POINT_KB / 1024)),
    }


def gather_mem_mb(n_points: int) -> int:
    """Memory of the gather job: Snakemake, the budget of output values, one variable, status codes."""
    one_var = n_points * 8 / 2**20
    return int(math.ceil(BASE_MB + max(GATHER_MEMORY_MB, one_var) + 2 * one_var + n_points * 4 / 2**20))


def gather_runtime(n_points: int) -> int:
    """Minutes of the gather job (about 2 us per point and variable, with margin)."""
    return int(math.ceil(MARGIN * (STARTUP_S + n_points * 40 * 2e-6) / 60.0)) + 1


__all__ = [
    "BASE_MB",
    "CHUNK_CACHE_BYTES",
    "GATHER_MEMORY_MB",
    "GROUP_CPU_S",
    "MANIFEST_FIELDS",
    "MANIFEST_FORMAT",
    "MARGIN",
    "MAX_STATUS_TEXTS",
    "POINT_CPU_S",
    "POINT_KB",
    "QUADRATURE_AXES",
    "STARTUP_S",
    "WORKER_MB",
    "GatherError",
    "ManifestError",
    "PointStore",
    "SweepPlan",
    "chunk_dataset",
    "chunk_resources",
    "gather_mem_mb",
    "gather_runtime",
    "gather_sweep",
    "group_key",
    "plan_sweep",
    "planning_order",
    "point_keys",
    "read_manifest",
    "recompute_command",
    "run_chunk",
    "runs",
    "storage_chunks",
    "verify_chunks",
    "write_chars",
    "write_chunk",
]

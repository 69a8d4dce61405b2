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
(:func:`triplon.studies.sweeps.points.point_key`: SHA-256 of the resolved parameters, the
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

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from triplon.studies.sweeps.grid import fixed_values, resolve_point, sweep_axes
from triplon.studies.sweeps.points import _digest, band_key, point_key_function

QUADRATURE_AXES = (
    "method",
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

"""Axes that change mu or Omega, hence the shell quadrature, and the method: they vary slowest."""


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
    axes = sweep_axes(spec)
    fixed = fixed_values(spec)
    order = planning_order(axes)
    chunk_size = int(spec.get("chunk_size", 500))
    grid = _digest(
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
    return _digest({"q": band_key(resolved), "n": numerics, "code": code})[:20]


def point_keys(raw_points: list[dict], numerics: dict, code: str):
    """Point keys and quadrature-group keys of raw points (as :func:`resolve_point` reads them)."""
    keys, groups, seen = [], [], {}
    key = point_key_function(numerics, code)
    for p in raw_points:
        r = resolve_point(p)
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


GATHER_MEMORY_MB = 400
"""Memory the gather may spend on output variables at once (at least one variable is held)."""


__all__ = [
    "QUADRATURE_AXES",
    "SweepPlan",
    "planning_order",
    "plan_sweep",
    "group_key",
    "point_keys",
    "runs",
    "POINT_CPU_S",
    "GROUP_CPU_S",
    "STARTUP_S",
    "MARGIN",
    "BASE_MB",
    "WORKER_MB",
    "POINT_KB",
    "chunk_resources",
    "gather_mem_mb",
    "gather_runtime",
    "GATHER_MEMORY_MB",
]

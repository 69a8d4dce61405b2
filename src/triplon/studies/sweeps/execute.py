"""Computing a chunk's points on several processes: band work once per group, then point tasks.

A chunk job computes its points on ``threads`` processes: itself and ``threads - 1``
workers forked after its imports (spawned where fork is unavailable). Work is split
in two kinds of task:

1. ``work``: the band work of one quadrature group (Fermi level, shell quadratures,
   van Hove distance; :func:`~triplon.studies.sweeps.points.group_work`), computed
   once per group and chunk job, whichever process takes it;
2. ``solve``: a piece of a group's points with that group's band work passed along
   (:func:`~triplon.studies.sweeps.points.compute_chunk` with ``works=``).

Solve tasks of a group are queued as soon as its band work is back, so groups
overlap; pieces hold about 1/8 of a process's share of the points. Every process
runs its BLAS with one thread (processes x BLAS threads <= CPUs).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import deque
from contextlib import contextmanager

import numpy as np

from triplon.studies.sweeps.points import compute_chunk, group_points, group_work
from triplon.studies.sweeps.quantities import SCALARS, quantity_dtype

BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
"""Environment variables that fix the BLAS threads of a process started by spawn."""

PIECES_PER_PROCESS = 8
"""Solve tasks per process (load balance against per-task cost)."""
PIECE_MIN = 64
"""Fewest BCS points in a solve task (the batch solver vectorises over a task's points)."""
PIECE_MIN_ELIASHBERG = 4
"""Fewest Eliashberg points in a solve task (each costs ~20-50 ms: small tasks balance the load)."""

_WORKS: dict = {}
"""Band work already prepared in this process, by (numerics digest, band key, eliashberg)."""


@contextmanager
def one_blas_thread():
    """Run the block with one BLAS thread in this process (threadpoolctl), restored after."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _start_method() -> str:
    """``fork`` on Linux (workers inherit the imports: no start-up), else ``spawn``."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _preload(eliashberg: bool) -> None:
    """Import the solvers here, before the workers fork (they then start with them loaded)."""
    import triplon.pairing.batch  # noqa: F401
    import triplon.pairing.point  # noqa: F401

    if eliashberg:
        import triplon.observables.eliashberg  # noqa: F401


def _worker_init() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _work_task(raw_points: list[dict], numerics: dict):
    """Band work of a group from its first valid point: ``(key, work, cpu s)`` (key None: no valid point)."""
    c0 = time.process_time()
    _, groups = group_points(raw_points[:1])
    i = 1
    while not groups and i < len(raw_points):  # the first valid point names the group's work
        _, groups = group_points(raw_points[i : i + 1])
        i += 1
    if not groups:
        return None, None, time.process_time() - c0
    (key, members), *_ = groups.items()
    work = group_work(members[0][1], numerics, key[1])
    return key, work, time.process_time() - c0


def _solve_task(raw_points: list[dict], numerics: dict, token: str, key, work):
    """Records of raw points as columns, using the group's band work; ``(columns, cpu s)``.

    The work is prepared for the batch solver once per process (kept by ``token``).
    """
    c0 = time.process_time()
    works = {}
    if key is not None:
        cached = _WORKS.get((token, *key))
        if cached is None:
            if len(_WORKS) >= 8:
                _WORKS.clear()
            # a copy: the batch set-up added to it must not travel with later tasks
            cached = _WORKS[(token, *key)] = dict(work)
        works[key] = cached
    rows = compute_chunk(raw_points, numerics, works=works)
    out = {v: np.array([r[v] for r in rows], dtype=quantity_dtype(v)) for v in SCALARS}
    out["status"] = [str(r["status"]) for r in rows]
    return out, time.process_time() - c0


def _pieces(positions: list[int], threads: int, total: int, least: int = PIECE_MIN) -> list[list[int]]:
    """A group's positions split into solve tasks of about total / (8 threads), at least ``least``, points."""
    if threads == 1:
        return [positions]
    size = max(least, -(-total // (PIECES_PER_PROCESS * threads)))
    n = max(1, round(len(positions) / size))
    step = -(-len(positions) // n)
    return [positions[i : i + step] for i in range(0, len(positions), step)]


def compute_points(
    raw: list[dict], todo: list[list[int]], numerics: dict, threads: int = 1, log=None, overlap=None
):
    """Records of the points ``todo`` (positions in ``raw``, one list per quadrature group).

    Parameters
    ----------
    raw : list of dict
        Raw points of the chunk.
    todo : list of list of int
        Positions to compute, grouped by quadrature group (points of one group share
        band work; a group may still hold several band keys, each then computed).
    numerics : dict
    threads : int
        Processes: this one plus ``threads - 1`` workers.
    log : callable, optional
        Progress lines.
    overlap : callable, optional
        Run by this process once the first tasks are handed out (its serial work);
        its return value is returned.

    Returns
    -------
    columns : dict
        {quantity: ndarray over ``raw``, "status": list} (rows not in ``todo`` untouched: zeros, None).
    stats : dict
        ``work_tasks``, ``solve_tasks``, ``band_work_cpu_s``, ``solve_cpu_s`` (CPU of the
        tasks, in whichever process), ``pool_start_s``, ``overlap_s``, ``wait_s`` (this
        process idle, waiting for workers).
    overlap_result
        What ``overlap`` returned (None without it).
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from multiprocessing import get_context

    log = log or (lambda msg: None)
    n = len(raw)
    columns = {v: np.zeros(n, dtype=quantity_dtype(v)) for v in SCALARS}
    columns["status"] = [None] * n
    total = sum(len(p) for p in todo)
    token = json.dumps(numerics, sort_keys=True, default=float)
    stats = dict(work_tasks=0, solve_tasks=0, band_work_cpu_s=0.0, solve_cpu_s=0.0, wait_s=0.0)
    stats.update(pool_start_s=0.0, overlap_s=0.0)
    # work tasks first, so that every group's band work starts at once
    pending = deque(("work", g) for g, p in enumerate(todo) if p)
    inflight, done, t0 = {}, 0, time.perf_counter()
    pool, saved_env = None, {}
    t = time.perf_counter()
    if threads > 1:
        method = _start_method()
        _preload(any(raw[p[0]].get("method") == "eliashberg" for p in todo if p))
        if method == "spawn":  # BLAS threads are fixed when the worker imports numpy
            saved_env = {k: os.environ.get(k) for k in BLAS_ENV}
            os.environ.update(dict.fromkeys(BLAS_ENV, "1"))
        pool = ProcessPoolExecutor(threads - 1, mp_context=get_context(method), initializer=_worker_init)
    stats["pool_start_s"] = time.perf_counter() - t

    def args(task):
        if task[0] == "work":
            return _work_task, [raw[i] for i in todo[task[1]]], numerics
        _, g, piece, key, work = task
        return _solve_task, [raw[i] for i in piece], numerics, token, key, work

    def finish(task, res):
        nonlocal done
        if task[0] == "work":
            key, work, cpu = res
            stats["work_tasks"] += 1
            stats["band_work_cpu_s"] += cpu
            least = PIECE_MIN_ELIASHBERG if key is not None and key[1] else PIECE_MIN
            for piece in _pieces(todo[task[1]], threads, total, least):
                pending.append(("solve", task[1], piece, key, work))
            return
        out, cpu = res
        piece = task[2]
        stats["solve_tasks"] += 1
        stats["solve_cpu_s"] += cpu
        idx = np.asarray(piece, dtype=np.int64)
        for v in SCALARS:
            columns[v][idx] = out[v]
        for i, st in zip(piece, out["status"], strict=True):
            columns["status"][i] = st
        done += len(piece)
        log(f"[{done}/{total}] {time.perf_counter() - t0:.1f} s elapsed")

    def refill():
        while pool is not None and pending and len(inflight) < 2 * (threads - 1):
            task = pending.popleft()
            fn, *a = args(task)
            inflight[pool.submit(fn, *a)] = task

    def collect():
        for f in [f for f in inflight if f.done()]:
            finish(inflight.pop(f), f.result())

    overlap_result = None
    try:
        with one_blas_thread():
            refill()
            if overlap is not None:
                t = time.perf_counter()
                overlap_result = overlap()
                stats["overlap_s"] = time.perf_counter() - t
                collect()
                refill()
            while pending or inflight:
                if pending:
                    task = pending.popleft()
                    fn, *a = args(task)
                    finish(task, fn(*a))
                else:
                    t = time.perf_counter()
                    wait(list(inflight), return_when=FIRST_COMPLETED)
                    stats["wait_s"] += time.perf_counter() - t
                collect()
                refill()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return columns, stats, overlap_result


__all__ = [
    "BLAS_ENV",
    "PIECES_PER_PROCESS",
    "PIECE_MIN",
    "PIECE_MIN_ELIASHBERG",
    "one_blas_thread",
    "compute_points",
]

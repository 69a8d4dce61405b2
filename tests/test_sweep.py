"""Sweeps: validation, point resolution, arithmetic chunk plans, the point store, verified chunks, gather."""

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from triplon.model.params import BandParams, MicroParams
from triplon.pairing.point import gap_point
from triplon.studies.sweeps.gather import GatherError, gather_sweep, storage_chunks
from triplon.studies.sweeps.grid import axis_values, resolve_point, sweep_points, validate_sweep
from triplon.studies.sweeps.plan import chunk_resources, plan_sweep, point_keys, runs
from triplon.studies.sweeps.points import band_key, compute_chunk, point_key
from triplon.studies.sweeps.store import ManifestError, PointStore, read_manifest, run_chunk

NUMERICS = {"quadrature_nodes": 24, "shell": {}}
SPEC = {
    "axes": {"n_c": [0.3, 0.45], "lam": [0.3, 0.5], "kappa": [0.0, 0.75]},
    "fixed": {"omega": 0.3},
    "chunk_size": 3,
}


def test_axis_values():
    assert axis_values([1, 2]).tolist() == [1.0, 2.0]
    np.testing.assert_allclose(axis_values({"start": 0.2, "stop": 0.9, "num": 8}), np.linspace(0.2, 0.9, 8))
    np.testing.assert_allclose(axis_values({"start": 0.1, "stop": 10, "num": 3, "log": True}), [0.1, 1, 10])


@pytest.mark.parametrize(
    "spec, fragment",
    [
        ({"axes": {"n_c": [2.5]}}, "sweeps.s.axes.n_c: value 2.5 outside the allowed range (0, 2)"),
        ({"axes": {"n_c": {"start": 0.5, "stop": 0.2, "num": 4}}}, "start < stop required"),
        ({"axes": {"n_c": {"start": 0.2, "stop": 0.5, "num": 0}}}, "num: must be >= 1"),
        ({"axes": {"lam": [0.0]}}, "lam: value 0 outside the allowed range [0.01, 3]"),
        ({"axes": {"omega": [-0.1]}}, "omega: value -0.1 outside"),
        ({"axes": {"lam": [0.3], "V": [1.0]}}, "give 'lam' or 'V', not both"),
        ({"axes": {"kappa": [0.3]}, "fixed": {"kappa_a": 1.0}}, "give 'kappa' or 'kappa_a'"),
        ({"axes": {"JH": [0.3]}, "fixed": {"lam": 0.5}}, "'lam' is derived from the microscopic"),
        ({"axes": {"n_c": [0.3]}, "fixed": {"n_c": 0.4}}, "'n_c' is both an axis and fixed"),
        ({"axes": {"n_c": [0.3, 0.3]}}, "repeated values"),
        ({"axes": {"n_c": [0.3]}, "chunk_size": 0}, "chunk_size: must be an integer >= 1"),
        (
            {"axes": {"lam": {"start": 0, "stop": 1, "num": 3, "log": True}}},
            "log spacing needs start, stop > 0",
        ),
        ({"axes": {}}, "at least one axis"),
        ({"axes": {"mu": [0.1]}}, "unknown axis"),
        ({"axes": {"n_c": [0.3]}, "fixed": {"T": -1.0}}, "fixed.T: value -1 outside"),
    ],
)
def test_invalid_sweeps_are_rejected_with_the_key(spec, fragment):
    errors = validate_sweep("s", spec)
    assert any(fragment in e for e in errors), errors


def test_valid_sweep_and_bad_name():
    assert validate_sweep("demo", SPEC) == []
    assert any("must match" in e for e in validate_sweep("a;rm", SPEC))


def test_resolve_point_defaults_and_microscopic_mapping():
    r = resolve_point({"n_c": 0.45})
    assert r["band"] == BandParams().as_dict() and r["lam"] == 0.5 and r["kappa_a"] == r["kappa_b"] == 0.75
    assert r["omega"] == 0.3 and r["T"] == 0.0 and "V" not in r
    m = MicroParams(JH=0.5, U=4.0)
    r = resolve_point({"n_c": 0.45, "JH": 0.5, "U": 4.0})
    assert r["band"]["eps_alpha"] == pytest.approx(m.eps_alpha) and r["V"] == pytest.approx(m.V)
    assert r["kappa_a"] == pytest.approx(m.kappa_a) and r["kappa_b"] == pytest.approx(m.kappa_b)
    assert r["omega"] == pytest.approx(m.Jc)  # Omega = Jc unless given
    assert resolve_point({"n_c": 0.45, "JH": 0.5, "omega": 0.2})["omega"] == 0.2


def test_points_in_c_order_and_keys_stable():
    pts = list(sweep_points(SPEC))
    assert len(pts) == 8 and pts[0][0] == (0, 0, 0) and pts[1][1]["kappa"] == 0.75
    assert all(p["omega"] == 0.3 for _, p in pts)
    r = resolve_point(pts[0][1])
    assert point_key(r, NUMERICS, "x") == point_key(dict(r), NUMERICS, "x")
    assert point_key(r, NUMERICS, "x") != point_key(r, NUMERICS, "y")  # code version is part of the key
    assert band_key(resolve_point(pts[0][1])) == band_key(resolve_point(pts[1][1]))  # same n_c: shared work


def test_fast_point_keys_are_the_canonical_digests():
    """point_keys encodes only the point per call; the keys stay SHA-256 of the whole canonical JSON."""
    import hashlib

    raw = [p for _, p in sweep_points(SPEC)]
    raw += [
        {"n_c": 0.3, "tc": 0.6, "U": 4.0},
        {"V": 0.3, "kappa_a": 0.2, "T": 1e-3},
        {"n_c": 0.5, "t2": -0.2},
    ]
    keys, _ = point_keys(raw, NUMERICS, "code+1")
    for p, k in zip(raw, keys, strict=True):
        r = resolve_point(p)
        text = json.dumps({"p": r, "n": NUMERICS, "code": "code+1"}, sort_keys=True, default=float)
        assert k == hashlib.sha256(text.encode()).hexdigest()[:20] == point_key(r, NUMERICS, "code+1")
    assert len(set(keys)) == len(keys)


def test_failed_point_is_flagged_not_lost():
    bad = resolve_point({"n_c": 0.45, "lam": 0.02})  # gap below resolution
    res = compute_chunk([bad, resolve_point({"n_c": 0.45})], NUMERICS)
    assert res[0]["converged"] == 0 and np.isnan(res[0]["A_alpha"]) and "resolution" in res[0]["status"]
    assert res[1]["converged"] == 1 and res[1]["A_alpha"] > 0


# ------------------------------------------------------------------ arithmetic plans


def test_plan_is_arithmetic_and_independent_of_the_number_of_points():
    huge = {
        "axes": {
            "lam": {"start": 0.1, "stop": 1.0, "num": 1000},
            "n_c": {"start": 0.2, "stop": 0.9, "num": 100},
            "kappa": {"start": 0.0, "stop": 1.0, "num": 100},
        },
        "chunk_size": 20000,
    }
    plan = plan_sweep("huge", huge, NUMERICS)
    assert plan.n_points == 10**7 and plan.n_chunks == 500
    assert plan.order == ("n_c", "lam", "kappa")  # the quadrature axis varies slowest
    names = plan.chunk_names()
    assert len(set(names)) == 500 and names[7] == f"{plan.grid}-000007" and plan.block_of(names[7]) == 7
    assert plan.bounds(499) == (499 * 20000, 10**7)
    assert plan.group_size == 100_000 and plan.chunk_groups(0) == 1 and plan.chunk_groups(4) == 1
    with pytest.raises(ValueError, match="not a chunk"):
        plan.block_of("0123456789ab-000001")
    # the grid hash follows the grid, the numerics and the chunk size
    assert plan_sweep("huge", {**huge, "chunk_size": 10000}, NUMERICS).grid != plan.grid
    assert plan_sweep("huge", huge, {**NUMERICS, "quadrature_nodes": 32}).grid != plan.grid
    assert plan_sweep("other", huge, NUMERICS).grid == plan.grid


def test_blocks_enumerate_the_grid_with_quadrature_groups_contiguous():
    spec = {
        "axes": {"lam": [0.3, 0.5, 0.7], "omega": [0.2, 0.3], "kappa": [0.0, 0.75], "n_c": [0.3, 0.45]},
        "chunk_size": 5,
    }
    plan = plan_sweep("s", spec, NUMERICS)
    assert plan.order == ("omega", "n_c", "lam", "kappa")
    pts = [p for b in range(plan.n_chunks) for p in plan.points(*plan.bounds(b))]
    # exactly the C-order product of the axes in planning order
    want = [dict(zip(plan.order, v)) for v in itertools.product(*(plan.axes[a].tolist() for a in plan.order))]
    assert pts == want and plan.n_chunks == math.ceil(24 / 5)
    keys, groups = point_keys(pts, NUMERICS, "code")
    assert len(set(keys)) == 24
    assert len(runs(groups)) == len(set(groups)) == 4  # (omega, n_c) groups are contiguous
    assert sum(plan.chunk_groups(b) for b in range(plan.n_chunks)) == sum(
        len(runs(groups[slice(*plan.bounds(b))])) for b in range(plan.n_chunks)
    )


# ------------------------------------------------------------------ chunk jobs and gather


def compute_all(plan, chunk_dir, threads=1):
    chunk_dir.mkdir(parents=True, exist_ok=True)
    stats = []
    for b in range(plan.n_chunks):
        name = plan.chunk_name(b)
        stats.append(
            run_chunk(plan, b, NUMERICS, chunk_dir / f"{name}.nc", chunk_dir / f"{name}.json", threads)
        )
    return stats


def gathered(plan, spec, chunk_dir, out):
    summary = gather_sweep(plan, spec, NUMERICS, chunk_dir, out)
    return summary, xr.load_dataset(out)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    plan = plan_sweep("t", SPEC, NUMERICS)
    stats = compute_all(plan, root / "chunks")
    summary, pd = gathered(plan, SPEC, root / "chunks", root / "pd.nc")
    return root, plan, stats, summary, pd


def test_sweep_matches_one_point_solver(swept):
    _, plan, stats, summary, pd = swept
    assert [s["computed"] for s in stats] == [3, 3, 2] and summary == {
        "points": 8,
        "failed": 0,
        "failed_reasons": {},
    }
    assert pd["A_alpha"].dims == ("n_c", "lam", "kappa") and pd["converged"].all()
    ref = gap_point(n_c=0.45, lam=0.3, kappa=0.75, omega=0.3)
    got = pd.sel(n_c=0.45, lam=0.3, kappa=0.75)
    for name in ("A_alpha", "B_alpha", "A_beta", "B_beta", "Tc", "ratio_eq17", "lambda_d_at_Tc"):
        assert float(got[name]) == pytest.approx(getattr(ref, name), rel=1e-6), name
    assert float(got["Tc_K"]) == pytest.approx(ref.Tc * 11604.518, rel=1e-6)
    assert str(got["leading_channel"].values) == ref.leading_channel
    assert (pd["B_alpha"].sel(kappa=0.0) == 0).all()
    assert pd["caveat_flags"].attrs["flag_meanings"].split()[0] == "Tc_exceeds_omega"
    assert list(pd["caveat_flags"].attrs["flag_masks"]) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
    assert json.loads(pd["status"].attrs["status_texts"]) == ["ok"] and (pd["status"] == 0).all()
    for name, v in pd.data_vars.items():
        assert "units" in v.attrs and "long_name" in v.attrs, name


def test_phase_diagram_opens_lazily_with_storage_chunks_and_compression(swept):
    root, *_ = swept
    with xr.open_dataset(root / "pd.nc") as ds:
        assert not ds["Tc"].variable._in_memory  # lazy: nothing read yet
        enc = ds["Tc"].encoding
        assert enc["zlib"] and enc["shuffle"] and tuple(enc["chunksizes"]) == (2, 2, 2)
    c = storage_chunks((1000, 1000, 100), 8)
    assert (1 << 18) < math.prod(c) * 8 <= 1 << 20 and max(c) <= 2 * min(c)  # about 1 MB, balanced
    assert storage_chunks((5, 3), 8) == (5, 3)  # small variables: one chunk
    assert math.prod(storage_chunks((10**7,), 8)) * 8 <= 1 << 20


def test_results_identical_whatever_chunk_size_and_threads(swept, tmp_path):
    root, plan, _, _, pd = swept
    spec = {**SPEC, "chunk_size": 8}
    plan8 = plan_sweep("t", spec, NUMERICS)
    stats = compute_all(plan8, tmp_path / "p2", threads=2)
    assert stats[0]["threads"] == 2 and stats[0]["computed"] == 8
    _, pd2 = gathered(plan8, spec, tmp_path / "p2", tmp_path / "pd.nc")
    differ = {k for k in pd.attrs if pd.attrs[k] != pd2.attrs.get(k)}
    assert differ == {"inputs", "chunks"}  # which chunk files it was made from
    pd2.attrs = pd.attrs
    assert pd.identical(pd2)
    for v in pd.variables:
        if pd[v].dtype.kind != "O":  # strings: compared by identical()
            assert pd[v].values.tobytes() == pd2[v].values.tobytes(), v
    # one chunk, one vs two worker processes: byte-identical chunk files
    compute_all(plan, tmp_path / "p1", threads=2)
    for b in range(plan.n_chunks):
        name = plan.chunk_name(b)
        assert (tmp_path / "p1" / f"{name}.nc").read_bytes() == (root / "chunks" / f"{name}.nc").read_bytes()
        assert (tmp_path / "p1" / f"{name}.json").read_bytes() == (
            root / "chunks" / f"{name}.json"
        ).read_bytes()


def test_chunk_band_work_once_per_group_and_useful_work_stats(tmp_path):
    """Three processes on a chunk spanning two quadrature groups: each group's band work is
    computed once (not once per task), the stats break the time down, and the chunk file is
    byte-identical to the one-process file."""
    spec = {**SPEC, "axes": {**SPEC["axes"], "lam": [0.2, 0.3, 0.4, 0.5]}, "chunk_size": 12}
    plan = plan_sweep("t", spec, NUMERICS)
    assert plan.group_size == 8 and plan.chunk_groups(0) == 2
    logs = []
    one = compute_all(plan, tmp_path / "p1")[0]
    (tmp_path / "p3").mkdir()
    three = run_chunk(
        plan, 0, NUMERICS, tmp_path / "p3" / "c.nc", tmp_path / "p3" / "c.json", 3, logs.append, 0.5
    )
    for s in (one, three):
        assert s["work_tasks"] == 2 and s["computed"] == 12
        assert s["one_process_s"] >= s["band_work_cpu_s"] + s["solve_cpu_s"] > 0
        assert s["speedup"] == pytest.approx(s["one_process_s"] / s["wall_s"])
        assert s["efficiency"] == pytest.approx(s["speedup"] / s["threads"])
    assert three["solve_tasks"] >= 2 and three["job_startup_s"] == 0.5 and "job_startup_s" not in one
    assert any(m.startswith("chunk time: wall") and "useful-work efficiency" in m for m in logs)
    name = plan.chunk_name(0)
    assert (tmp_path / "p3" / "c.nc").read_bytes() == (tmp_path / "p1" / f"{name}.nc").read_bytes()


def test_eliashberg_chunk_on_three_processes_equals_one(tmp_path):
    """Eliashberg points go in small tasks (a few points each) to the workers; the chunk file
    is byte-identical to the one-process file."""
    spec = {
        "axes": {"lam": [0.4, 0.6, 0.8], "kappa": [0.0, 0.75]},
        "fixed": {"n_c": 0.45, "method": "eliashberg", "omega_T": 0.05},
        "chunk_size": 6,
    }
    plan = plan_sweep("e", spec, NUMERICS)
    out = {}
    for t in (1, 3):
        (tmp_path / str(t)).mkdir()
        out[t] = run_chunk(plan, 0, NUMERICS, tmp_path / str(t) / "c.nc", tmp_path / str(t) / "c.json", t)
    assert out[3]["work_tasks"] == 1 and out[3]["solve_tasks"] >= 2
    assert (tmp_path / "1" / "c.nc").read_bytes() == (tmp_path / "3" / "c.nc").read_bytes()
    with xr.open_dataset(tmp_path / "3" / "c.nc") as ds:
        assert (ds["Tc_K"] > 0).all() and list(ds["status"].values) == ["ok"] * 6


def test_chunk_processes_run_one_blas_thread_each():
    """BLAS threads x processes <= CPUs: the job's own process inside the pool's block and
    every worker (forked or spawned) run one BLAS thread; the limit is lifted afterwards."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from threadpoolctl import threadpool_info

    from triplon.studies.sweeps.execute import _start_method, _worker_init, one_blas_thread

    def blas_threads():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    before = blas_threads()
    with one_blas_thread():
        assert blas_threads() == {1}
        ctx = get_context(_start_method())
        with ProcessPoolExecutor(2, mp_context=ctx, initializer=_worker_init) as pool:
            workers = [pool.submit(_blas_threads_here).result() for _ in range(4)]
    assert all(w == {1} for w in workers), workers
    assert blas_threads() == before


def _blas_threads_here():
    from threadpoolctl import threadpool_info

    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


def test_chunk_job_imports_stay_light():
    """A chunk job's start-up: the rule script's modules and the solvers load neither
    scipy.optimize (own Brent root finder) nor xarray (only the write needs it)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from triplon.studies.sweeps.plan import plan_sweep\n"
        "from triplon.studies.sweeps.store import run_chunk\n"
        "import triplon.studies.sweeps.execute, triplon.pairing.batch, triplon.pairing.point\n"
        "print(sorted(m for m in ('scipy.optimize', 'xarray', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_growing_an_axis_reuses_stored_points(swept, tmp_path):
    import shutil

    root, plan, _, _, pd = swept
    chunks = tmp_path / "chunks"
    shutil.copytree(root / "chunks", chunks)
    bigger = {**SPEC, "axes": {**SPEC["axes"], "lam": [0.3, 0.4, 0.5]}}
    plan2 = plan_sweep("t", bigger, NUMERICS)
    assert plan2.grid != plan.grid
    stats = compute_all(plan2, chunks)
    assert sum(s["reused"] for s in stats) == 8 and sum(s["computed"] for s in stats) == 4
    _, pd2 = gathered(plan2, bigger, chunks, tmp_path / "pd.nc")
    old = pd2.sel(lam=[0.3, 0.5])
    for v in pd.data_vars:
        assert old[v].equals(pd[v]) and (
            pd[v].dtype.kind == "O" or old[v].values.tobytes() == pd[v].values.tobytes()
        ), v
    # refining n_c only adds points too; a changed library fingerprint reuses nothing
    keys_a, _ = point_keys(plan2.points(0, 4), NUMERICS, "code-a")
    keys_b, _ = point_keys(plan2.points(0, 4), NUMERICS, "code-b")
    assert not set(keys_a) & set(keys_b)


def test_a_corrupt_stored_chunk_is_skipped_and_its_points_recomputed(swept, tmp_path):
    import shutil

    root, plan, *_ = swept
    chunks = tmp_path / "chunks"
    shutil.copytree(root / "chunks", chunks)
    first = chunks / f"{plan.chunk_name(0)}.nc"
    _zeros(first)
    (chunks / f"{plan.chunk_name(1)}.json").write_text("[1, 2")
    notes = []
    store = PointStore(chunks, log=notes.append)
    assert any(f"{plan.chunk_name(1)}.json" in n and "not valid JSON" in n for n in notes)
    bigger = {**SPEC, "axes": {**SPEC["axes"], "kappa": [0.0, 0.5, 0.75]}}
    plan2 = plan_sweep("t", bigger, NUMERICS)
    stats = [
        run_chunk(
            plan2,
            b,
            NUMERICS,
            chunks / f"{plan2.chunk_name(b)}.nc",
            chunks / f"{plan2.chunk_name(b)}.json",
            log=notes.append,
        )
        for b in range(plan2.n_chunks)
    ]
    # only the intact third chunk (2 points) was reused
    assert sum(s["reused"] for s in stats) == 2 and sum(s["computed"] for s in stats) == 10
    assert any(first.name in n and "SHA-256" in n for n in notes)
    assert store.groups  # the intact manifests were indexed


def test_failed_points_are_counted_by_reason(tmp_path):
    spec = {"axes": {"lam": [0.02, 0.5]}, "fixed": {"n_c": 0.45}, "chunk_size": 5}
    plan = plan_sweep("f", spec, NUMERICS)
    compute_all(plan, tmp_path / "c")
    summary, pd = gathered(plan, spec, tmp_path / "c", tmp_path / "pd.nc")
    assert summary["failed"] == 1 and summary["failed_reasons"] == {"gap below resolution": 1}
    assert pd.attrs["failed_points"] == 1
    assert json.loads(pd.attrs["failed_reasons"]) == {"gap below resolution": 1}
    texts = json.loads(pd["status"].attrs["status_texts"])
    assert texts[0] == "ok" and texts[int(pd["status"].sel(lam=0.02))].startswith("gap below resolution")
    assert int(pd["converged"].sel(lam=0.02)) == 0 and np.isnan(float(pd["A_alpha"].sel(lam=0.02)))


# ------------------------------------------------------------------ verified chunks (issue 10.3)


def _zeros(path):
    """Overwrite 64 bytes that are not all zero, past the middle of the file, with zeros."""
    data = bytearray(path.read_bytes())
    at = next(i for i in range(len(data) // 2, len(data) - 64, 64) if any(data[i : i + 64]))
    data[at : at + 64] = bytes(64)
    path.write_bytes(bytes(data))


def _manifest(transform):
    def edit(path):
        path.write_text(transform(path.read_text()))

    return edit


CORRUPTIONS = {
    "zeros in the NetCDF file": ("nc", _zeros, "differs from its manifest"),
    "truncated manifest": ("json", _manifest(lambda t: t[: len(t) // 2]), "not valid JSON"),
    "manifest is a JSON list": (
        "json",
        _manifest(lambda t: json.dumps([1, "a", None])),
        "JSON list, expected an object",
    ),
    "manifest with a wrong type": (
        "json",
        _manifest(lambda t: json.dumps({**json.loads(t), "block": "0"})),
        "'block' is a JSON str, expected int",
    ),
    "manifest lacks keys": ("json", _manifest(lambda t: json.dumps({"format": "x"})), "lacks the keys"),
    "manifest of another chunk": (
        "json",
        _manifest(lambda t: json.dumps({**json.loads(t), "block": 2})),
        "describes another chunk",
    ),
    "manifest is not UTF-8": ("json", lambda p: p.write_bytes(b"\xff\xfe\x00"), "chunk manifest"),
    "missing NetCDF file": ("nc", lambda p: p.unlink(), "missing"),
}


@pytest.mark.parametrize("what", list(CORRUPTIONS))
def test_gather_names_a_bad_chunk_and_the_command_to_recompute_it(swept, tmp_path, what):
    import shutil

    root, plan, *_ = swept
    chunks = tmp_path / "chunks"
    shutil.copytree(root / "chunks", chunks)
    ext, corrupt, fragment = CORRUPTIONS[what]
    bad = plan.chunk_name(1)
    corrupt(chunks / f"{bad}.{ext}")
    with pytest.raises(GatherError) as err:
        gather_sweep(plan, SPEC, NUMERICS, chunks, tmp_path / "pd.nc")
    msg = str(err.value)
    assert "1 of 3 chunks failed verification" in msg and fragment in msg, msg
    assert f"{bad}.{ext}" in msg
    assert f"rm -f {chunks}/{bad}.nc {chunks}/{bad}.json && snakemake --cores 2 sweeps" in msg
    assert not (tmp_path / "pd.nc").exists()


@pytest.mark.parametrize("file", ["../../outside.nc", "/etc/passwd", "sub/dir.nc", "..", "x.json", "a b.nc"])
def test_a_manifest_naming_a_file_outside_its_folder_is_skipped_not_fatal(swept, tmp_path, file):
    """One stray manifest never stops the sweep: the store skips it with a log line."""
    import shutil

    root, plan, *_ = swept
    chunks = tmp_path / "chunks"
    shutil.copytree(root / "chunks", chunks)
    stray = chunks / "zz-000001.json"
    m = json.loads((chunks / f"{plan.chunk_name(0)}.json").read_text())
    stray.write_text(json.dumps({**m, "grid": "zz", "file": file}))
    with pytest.raises(ManifestError, match="not a chunk file name in its own folder"):
        read_manifest(stray)
    notes = []
    store = PointStore(chunks, log=notes.append, sweep=plan.name)
    assert any("zz-000001.json" in n and "own folder" in n for n in notes)
    assert all(Path(nc).parent == chunks for entries in store.groups.values() for nc, *_ in entries)


def test_the_point_store_skips_other_sweeps_and_other_library_versions(swept, tmp_path):
    import shutil

    root, plan, *_ = swept
    chunks = tmp_path / "chunks"
    shutil.copytree(root / "chunks", chunks)
    code = json.loads((chunks / f"{plan.chunk_name(0)}.json").read_text())["code"]
    notes = []
    assert PointStore(chunks, log=notes.append, sweep=plan.name, code=code).groups  # its own: used
    assert not PointStore(chunks, log=notes.append, sweep="other", code=code).groups
    assert any("not 'other'" in n for n in notes)
    notes.clear()
    assert not PointStore(chunks, log=notes.append, sweep=plan.name, code="another-version").groups
    assert any("another library version" in n for n in notes)


def test_gather_refuses_chunks_of_another_library_version(swept, tmp_path):
    root, plan, *_ = swept
    with pytest.raises(GatherError, match="written by another library version") as err:
        gather_sweep(plan, SPEC, NUMERICS, root / "chunks", tmp_path / "pd.nc", code="another-version")
    assert "3 of 3 chunks failed verification" in str(err.value)


def test_the_recovery_command_keeps_the_configfiles_and_quotes_paths(tmp_path):
    import shlex

    from triplon.studies.sweeps.gather import recompute_command

    cmd = recompute_command([tmp_path / "a b.nc"], configfiles=["/x/config.yaml", "/y/my sweep.yaml"])
    assert cmd.endswith("--configfile /x/config.yaml '/y/my sweep.yaml'")
    words = shlex.split(cmd)
    assert words[:3] == ["rm", "-f", str(tmp_path / "a b.nc")]
    assert words[words.index("--configfile") + 1 :] == ["/x/config.yaml", "/y/my sweep.yaml"]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "not valid JSON"),
        ('"a string"', "JSON str, expected an object"),
        ("{}", "lacks the keys"),
    ],
)
def test_read_manifest_rejects_what_the_code_did_not_write(tmp_path, text, fragment):
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(ManifestError, match=fragment) as err:
        read_manifest(path)
    assert str(path) in str(err.value)
    with pytest.raises(ManifestError, match="unreadable"):
        read_manifest(tmp_path / "absent.json")


def test_chunk_resources_grow_with_points_and_shrink_with_threads():
    one, two = chunk_resources(20000, 1, 2), chunk_resources(20000, 2, 2)
    assert two["runtime"] < one["runtime"] and two["mem_mb"] > one["mem_mb"]
    assert chunk_resources(40000, 2, 2)["runtime"] > two["runtime"]
    assert chunk_resources(100, 2, 100)["runtime"] >= 1


def test_gather_one_variable_at_a_time_gives_the_same_file(swept, tmp_path):
    root, plan, *_ = swept
    gather_sweep(plan, SPEC, NUMERICS, root / "chunks", tmp_path / "pd.nc", memory_mb=0)
    assert (tmp_path / "pd.nc").read_bytes() == (root / "pd.nc").read_bytes()

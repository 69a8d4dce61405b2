"""Sweeps: validation, point resolution, chunk planning, gathering."""

import json

import numpy as np
import pytest

from triplon.gap import gap_point
from triplon.params import BandParams, MicroParams
from triplon.sweep import (
    axis_values,
    band_key,
    chunk_dataset,
    compute_chunk,
    gather,
    plan_sweep,
    point_key,
    resolve_point,
    sweep_keys,
    sweep_points,
    validate_sweep,
)

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


def test_sweep_matches_one_point_solver_and_plan_reuses_chunks(tmp_path):
    plan = plan_sweep(SPEC, NUMERICS, tmp_path / "chunks", "code")
    assert sorted(len(v) for v in plan.values()) == [2, 3, 3]  # 8 points in chunks of <= 3
    # points sharing n_c (band work) are grouped
    first = next(iter(plan.values()))
    assert len({e["point"]["n_c"] for e in first}) <= 2
    chunks = []
    (tmp_path / "chunks").mkdir()
    for cid, entries in plan.items():
        res = compute_chunk([e["point"] for e in entries], NUMERICS)
        ds = chunk_dataset([e["key"] for e in entries], res)
        ds.to_netcdf(tmp_path / "chunks" / f"{cid}.nc")
        (tmp_path / "chunks" / f"{cid}.json").write_text(json.dumps(entries))
        chunks.append(ds)
    _, keys = sweep_keys(SPEC, NUMERICS, "code")
    pd = gather(SPEC, "t", keys, chunks, NUMERICS)
    assert pd["A_alpha"].dims == ("n_c", "lam", "kappa") and pd["converged"].all()
    ref = gap_point(n_c=0.45, lam=0.3, kappa=0.75, omega=0.3)
    got = pd.sel(n_c=0.45, lam=0.3, kappa=0.75)
    for name in ("A_alpha", "B_alpha", "A_beta", "B_beta", "Tc", "ratio_eq17", "lambda_d_at_Tc"):
        assert float(got[name]) == pytest.approx(getattr(ref, name), rel=1e-9), name
    assert float(got["Tc_K"]) == pytest.approx(ref.Tc * 11604.518)
    assert str(got["leading_channel"].values) == ref.leading_channel
    assert (pd["B_alpha"].sel(kappa=0.0) == 0).all()
    # growing an axis: the old chunks are reused, only new points are planned
    bigger = {**SPEC, "axes": {**SPEC["axes"], "lam": [0.3, 0.5, 0.6]}}
    plan2 = plan_sweep(bigger, NUMERICS, tmp_path / "chunks", "code")
    new = {c: e for c, e in plan2.items() if c not in plan}
    assert set(plan) <= set(plan2) and sum(len(e) for e in new.values()) == 4
    assert all(e["point"]["lam"] == 0.6 for entries in new.values() for e in entries)


def test_failed_point_is_flagged_not_lost():
    bad = resolve_point({"n_c": 0.45, "lam": 0.02})  # gap below resolution
    res = compute_chunk([bad, resolve_point({"n_c": 0.45})], NUMERICS)
    assert res[0]["converged"] == 0 and np.isnan(res[0]["A_alpha"]) and "resolution" in res[0]["status"]
    assert res[1]["converged"] == 1 and res[1]["A_alpha"] > 0

"""Bad configurations are rejected before any job, one clear line each."""

import copy
from pathlib import Path

import pytest
import yaml

from triplon.config import ConfigError, config_errors, validate_config

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
GOOD = yaml.safe_load((ROOT / "config.yaml").read_text())


def setp(cfg, path, value):
    node = cfg
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = value
    return cfg


def delp(cfg, path):
    node = cfg
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[k]
    del node[keys[-1]]
    return cfg


def sweep(**kw):
    return {"axes": {"n_c": [0.3, 0.4]}, **kw}


# (edit, expected fragments of one message)
CASES = [
    (lambda c: setp(c, "model.t1", "abc"), ["'model.t1'", "'abc' is not of type 'number'", "rule: type"]),
    (
        lambda c: setp(c, "model.t2", 20),
        ["'model.t2'", "20 is greater than the maximum of 10", "rule: maximum"],
    ),
    (lambda c: setp(c, "model.eps_beta", None), ["'model.eps_beta'", "None is not of type 'number'"]),
    (lambda c: delp(c, "model.t3"), ["'model'", "'t3' is a required property", "rule: required"]),
    (lambda c: setp(c, "model.t4", 0.1), ["'model.t4'", "unknown key", "rule: additionalProperties"]),
    (lambda c: setp(c, "modle", {}), ["'modle'", "did you mean 'model'?"]),
    (lambda c: setp(c, "paper.n_c_gird", {}), ["'paper.n_c_gird'", "did you mean 'n_c_grid'?"]),
    (
        lambda c: setp(c, "numerics.quadrature_nodes", 2),
        ["'numerics.quadrature_nodes'", "2 is less than the minimum of 4"],
    ),
    (
        lambda c: setp(c, "numerics.quadrature_nodes", 12.5),
        ["'numerics.quadrature_nodes'", "not of type 'integer'"],
    ),
    (
        lambda c: setp(c, "numerics.shell.eps_min", 0),
        ["'numerics.shell.eps_min'", "0 is less than the minimum of 1e-14"],
    ),
    (
        lambda c: setp(c, "numerics.shell.ratio", 1.0),
        ["'numerics.shell.ratio'", "1.0 is greater than the maximum of 0.75"],
    ),
    (lambda c: setp(c, "numerics.shell.n_eta", 0), ["'numerics.shell.n_eta'", "minimum"]),
    (lambda c: setp(c, "numerics.shell.mm", 8), ["'numerics.shell.mm'", "did you mean 'm'?"]),
    (lambda c: setp(c, "paper.mu", "low"), ["'paper.mu'", "not of type 'number'"]),
    (lambda c: setp(c, "paper.n_c_grid.start", 0.0), ["'paper.n_c_grid.start'", "exclusiveMinimum"]),
    (lambda c: setp(c, "paper.n_c_grid.stop", 2.0), ["'paper.n_c_grid.stop'", "exclusiveMaximum"]),
    (lambda c: setp(c, "paper.n_c_grid.num", 0), ["'paper.n_c_grid.num'", "0 is less than the minimum of 2"]),
    (
        lambda c: setp(c, "paper.n_c_grid", {"start": 0.8, "stop": 0.2, "num": 5}),
        ["'paper.n_c_grid'", "start < stop required", "start=0.8", "rule: start<stop"],
    ),
    (
        lambda c: setp(c, "paper.fig3b.r", {"start": 5, "stop": 1, "num": 9}),
        ["'paper.fig3b.r'", "start < stop"],
    ),
    (lambda c: setp(c, "paper.fig3b.lam", []), ["'paper.fig3b.lam'", "should be non-empty"]),
    (
        lambda c: setp(c, "paper.fig3b.lam", [0.3, -0.6]),
        ["'paper.fig3b.lam.1'", "-0.6 is less than or equal to"],
    ),
    (
        lambda c: setp(c, "paper.gap_structure.n_c", 2.5),
        ["'paper.gap_structure.n_c'", "2.5 is greater than or equal"],
    ),
    (
        lambda c: setp(c, "paper.gap_structure.omega", 0),
        ["'paper.gap_structure.omega'", "0 is less than the minimum of 1e-06"],
    ),
    (lambda c: setp(c, "paper.gap_structure.kappa", -1), ["'paper.gap_structure.kappa'", "minimum"]),
    (lambda c: setp(c, "paper.gap_structure.lam", 0), ["'paper.gap_structure.lam'", "exclusiveMinimum"]),
    (lambda c: setp(c, "paper.temperature_points", 2), ["'paper.temperature_points'", "minimum of 6"]),
    (
        lambda c: setp(c, "sweeps", {"../x": sweep()}),
        ["'sweeps.../x'", "invalid name '../x'", "rule: pattern"],
    ),
    (lambda c: setp(c, "sweeps", {"a;rm -rf b": sweep()}), ["invalid name 'a;rm -rf b'", "does not match"]),
    (
        lambda c: setp(c, "sweeps", {"s": {"axes": {"nc": [0.3]}}}),
        ["'sweeps.s.axes.nc'", "did you mean 'n_c'?"],
    ),
    (lambda c: setp(c, "sweeps", {"s": {"axes": {"n_c": []}}}), ["'sweeps.s.axes.n_c'", "rule: oneOf"]),
    (lambda c: setp(c, "sweeps", {"s": sweep(chunk_size=0)}), ["'sweeps.s.chunk_size'", "minimum"]),
    (
        lambda c: setp(c, "sweeps", {"s": sweep(chunksize=10)}),
        ["'sweeps.s.chunksize'", "did you mean 'chunk_size'?"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": {"axes": {"n_c": [2.5]}}}),
        ["'sweeps.s.axes.n_c'", "value 2.5 outside the allowed range (0, 2)"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": {"axes": {"n_c": {"start": 0.9, "stop": 0.2, "num": 4}}}}),
        ["'sweeps.s.axes.n_c'", "start < stop required"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": {"axes": {"omega": [0.0]}}}),
        ["'sweeps.s.axes.omega'", "outside the allowed"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": sweep(fixed={"lam": 0.5, "V": 1.0})}),
        ["'sweeps.s'", "give 'lam' or 'V'"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": sweep(fixed={"T": -0.1})}),
        ["'sweeps.s.fixed.T'", "value -0.1 outside"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": sweep(overlay="arpes")}),
        ["'sweeps.s.overlay'", "'arpes' is not allowed"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": sweep(figures=[{"name": "f", "quantity": "Tcc", "x": "n_c"}])}),
        ["'sweeps.s.figures.0.quantity'", "unknown quantity 'Tcc'"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": sweep(figures=[{"name": "f", "quantity": "Tc", "x": "lam"}])}),
        ["'sweeps.s.figures.0.x'", "'lam' is not an axis"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": sweep(figures=[{"name": "../f", "quantity": "Tc", "x": "n_c"}])}),
        ["'sweeps.s.figures.0.name'", "does not match"],
    ),
    (lambda c: setp(c, "sweeps", {"s": sweep(mark={"lam": 0.5})}), ["'sweeps.s.mark.lam'", "not an axis"]),
    (
        lambda c: setp(c, "sweeps", {"s": {"axes": {"JH": [0.4]}, "fixed": {"kappa": 0.5}}}),
        ["'sweeps.s'", "'kappa' is derived from the microscopic"],
    ),
]


def test_the_shipped_config_is_valid():
    assert config_errors(GOOD, SCHEMA) == []


@pytest.mark.parametrize("edit, fragments", CASES, ids=[f"case{i:02d}" for i in range(len(CASES))])
def test_bad_config_gives_one_clear_line(edit, fragments):
    cfg = edit(copy.deepcopy(GOOD))
    errors = config_errors(cfg, SCHEMA)
    matching = [e for e in errors if all(f in e for f in fragments)]
    assert matching, f"no message with {fragments} in {errors}"
    assert all("\n" not in e and e.startswith("config key '") for e in errors)


def test_at_least_thirty_cases():
    assert len(CASES) >= 30


def test_validate_config_lists_every_problem(tmp_path):
    cfg = setp(setp(copy.deepcopy(GOOD), "model.t1", "x"), "paper.mu", "y")
    with pytest.raises(ConfigError) as exc:
        validate_config(cfg, ROOT / "workflow/schemas/config.schema.yaml")
    assert "model.t1" in str(exc.value) and "paper.mu" in str(exc.value)

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


# ------------------------------------------------------------- every error in one pass


def test_every_error_in_one_pass():
    """An unknown key, a value out of its range, a rule across fields, a bad sweep axis and an
    impossible measurement, each in its own section: all reported by one call."""
    cfg = copy.deepcopy(GOOD)
    setp(cfg, "numerics.shell.mm", 8)
    setp(cfg, "paper.gap_structure.kappa", 5.0)
    setp(cfg, "paper.n_c_grid", {"start": 0.8, "stop": 0.2, "num": 5})
    setp(cfg, "sweeps.demo.axes.n_c", [2.5])
    cfg["experiments"]["stm_fan2025"]["observables"][0]["value"] = -5
    expected = [
        ["'numerics.shell.mm'", "unknown key (did you mean 'm'?)", "allowed here: eps_min, m,"],
        ["'paper.gap_structure.kappa'", "5.0 is greater than the maximum of 1", "rule: maximum"],
        ["'paper.n_c_grid'", "start < stop required, got start=0.8, stop=0.2"],
        ["'sweeps.demo.axes.n_c'", "value 2.5 outside the allowed range (0, 2)", "rule: range"],
        ["'experiments.stm_fan2025.observables.0.value'", "not a possible Tc_K (allowed: >= 0 in K)"],
    ]
    errors = config_errors(cfg, SCHEMA)
    for fragments in expected:
        assert any(all(f in e for f in fragments) for e in errors), f"no message with {fragments} in {errors}"
    assert len(errors) == len(expected), errors


def test_an_unknown_key_hides_no_rule_of_its_own_section():
    """An unknown key is reported and left out: the rules of its mapping still run."""
    cfg = copy.deepcopy(GOOD)
    cfg["model"].update(t1=0, t2=0, t3=0, eps_alpha=0, t4=0.1)
    cfg["sweeps"] = {"s": {"axes": {"n_c": [2.5]}, "chunksize": 10}}
    cfg["experiments"]["stm_fan2025"]["observables"][0].update(value=-5, note="onset")
    errors = config_errors(cfg, SCHEMA)
    for fragments in (
        ["'model.t4'", "unknown key"],
        ["'model'", "a band has no dispersion", "rule: dispersive bands"],
        ["'sweeps.s.chunksize'", "did you mean 'chunk_size'?"],
        ["'sweeps.s.axes.n_c'", "value 2.5 outside the allowed range"],
        ["'experiments.stm_fan2025.observables.0.note'", "unknown key"],
        ["'experiments.stm_fan2025.observables.0.value'", "not a possible Tc_K"],
    ):
        assert any(all(f in e for f in fragments) for e in errors), f"no message with {fragments} in {errors}"
    # the unknown keys are left out of a copy: the config itself stays as it is
    assert (
        cfg["model"]["t4"] == 0.1 and cfg["experiments"]["stm_fan2025"]["observables"][0]["note"] == "onset"
    )


# a schema error and a rule the same subtree would break: the rule is skipped there (it could not
# read the wrong type), the message of the schema stands, and other sections are still checked
# (edit, expected fragments, fragments no single message may hold)
SAME_SUBTREE = [
    (
        lambda c: setp(c, "paper.n_c_grid", {"start": 0.8, "stop": 0.2, "num": "5"}),
        ["'paper.n_c_grid.num'", "'5' is not of type 'integer'"],
        ["start < stop"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": {"axes": {"n_c": [2.5]}, "chunk_size": "big"}}),
        ["'sweeps.s.chunk_size'", "'big' is not of type 'integer'"],
        ["'sweeps.s.axes.n_c'"],
    ),
    (
        lambda c: setp(c, "sweeps", {"s": {"axes": {"n_c": {"start": 0.9, "stop": "0.2", "num": 4}}}}),
        ["'sweeps.s.axes.n_c'", "rule: oneOf"],
        ["start < stop"],
    ),
    (  # a joint fit reads this experiment's citation: the fits of it are skipped, not crashed
        lambda c: setp(c, "experiments.stm_fan2025.citation", 5),
        ["'experiments.stm_fan2025.citation'", "5 is not of type 'string'"],
        ["unknown experiment"],
    ),
    (
        lambda c: setp(
            c,
            "experiments.stm_fan2025.observables",
            [{"quantity": "Tc_K", "value": "-5", "sigma": 0, "unit": "K"}],
        ),
        ["'experiments.stm_fan2025.observables.0.value'", "'-5' is not of type 'number'"],
        ["'experiments.stm_fan2025.observables.0.sigma'", "must be >="],
    ),
    (
        lambda c: setp(c, "fit.stm_fan2025.free", [{"name": "lam", "bounds": [1.0, "x"]}]),
        ["'fit.stm_fan2025.free.0.bounds.1'", "'x' is not of type 'number'"],
        ["must be [lo, hi]"],
    ),
    (
        lambda c: setp(c, "model", {"t1": "0", "t2": 0, "t3": 0, "eps_alpha": 0, "eps_beta": 0}),
        ["'model.t1'", "'0' is not of type 'number'"],
        ["dispersion"],
    ),
    (  # the paper's point reads the model: it is neither set up nor solved
        lambda c: setp(c, "model.t1", None),
        ["'model.t1'", "None is not of type 'number'"],
        ["paper."],
    ),
    (
        lambda c: delp(c, "paper.gap_structure.lam"),
        ["'paper.gap_structure'", "'lam' is a required property"],
        ["paper's point"],
    ),
]


@pytest.mark.parametrize(
    "edit, fragments, absent", SAME_SUBTREE, ids=[f"same{i}" for i in range(len(SAME_SUBTREE))]
)
def test_an_error_skips_the_rules_of_its_subtree_only(edit, fragments, absent):
    cfg = edit(copy.deepcopy(GOOD))
    cfg["experiments"]["arpes_shen2025"]["observables"][0]["value"] = -1.8  # elsewhere: still found
    errors = config_errors(cfg, SCHEMA)
    assert any(all(f in e for f in fragments) for e in errors), f"no message with {fragments} in {errors}"
    assert not any(all(f in e for f in absent) for e in errors), errors
    assert any("'experiments.arpes_shen2025.observables.0.value'" in e for e in errors), errors
    assert all("\n" not in e and e.startswith("config key '") for e in errors)


def test_validate_config_prints_every_error_of_every_section():
    cfg = copy.deepcopy(GOOD)
    setp(cfg, "model.t4", 0.1)
    setp(cfg, "paper.temperature_points", 2)
    setp(cfg, "sweeps.demo.axes.kappa", [-0.5, 0.5])
    with pytest.raises(ConfigError) as exc:
        validate_config(cfg, ROOT / "workflow/schemas/config.schema.yaml")
    lines = str(exc.value).splitlines()
    assert lines[0] == "invalid configuration:"
    assert len(lines) == 4, lines
    for key in ("'model.t4'", "'paper.temperature_points'", "'sweeps.demo.axes.kappa'"):
        assert any(line.startswith(f"  config key {key}") for line in lines), lines


def test_validate_config_reports_a_key_given_twice_with_the_config_errors(tmp_path):
    """Snakemake keeps the last of two equal keys and goes on: both problems come at once."""
    twice = tmp_path / "twice.yaml"
    twice.write_text("paper:\n  mu: -0.65\n  mu: -0.65\n")
    cfg = setp(copy.deepcopy(GOOD), "model.t1", "x")
    with pytest.raises(ConfigError) as exc:
        validate_config(cfg, ROOT / "workflow/schemas/config.schema.yaml", config_files=[twice])
    assert "key 'paper.mu' is given twice" in str(exc.value) and "'model.t1'" in str(exc.value)
    # a file that is not plain YAML stops before the config is read
    template = tmp_path / "template.yaml"
    template.write_text("__use_yte__: true\n")
    with pytest.raises(ConfigError) as exc:
        validate_config(cfg, ROOT / "workflow/schemas/config.schema.yaml", config_files=[template])
    assert "YTE template" in str(exc.value) and "model.t1" not in str(exc.value)

"""Hostile configurations: every one is rejected with one line naming the key, never a traceback.

Organised by class: non-finite numbers, unworkable values, keys given twice,
names, non-string keys, malformed structures; a property-based fuzz test of
``config_errors``; and real ``snakemake -n`` runs on the nastiest files.
"""

import copy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from projects import local_snakemake_env

from triplon.config import config_errors, config_file_errors, yaml_text_errors
from triplon.studies.sweeps.grid import axis_values, validate_sweep

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
GOOD = yaml.safe_load((ROOT / "config.yaml").read_text())
NAN, INF = float("nan"), float("inf")


def edited(path, value):
    """GOOD with the value at dotted ``path`` replaced (list indices as integers)."""
    cfg = copy.deepcopy(GOOD)
    node = cfg
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = value
    return cfg


def with_sweep(spec, name="s"):
    cfg = copy.deepcopy(GOOD)
    cfg["sweeps"] = {name: spec}
    return cfg


def one_line_errors(cfg):
    errors = config_errors(cfg, SCHEMA)
    assert errors, "a hostile config was accepted"
    for e in errors:
        assert isinstance(e, str) and "\n" not in e and "Traceback" not in e
    return errors


def assert_named(cfg, *fragments):
    errors = one_line_errors(cfg)
    assert any(all(f in e for f in fragments) for e in errors), f"no message with {fragments} in {errors}"


# ------------------------------------------------------------ non-finite numbers

NONFINITE_PATHS = [
    "model.t1",
    "model.eps_beta",
    "numerics.shell.eps_min",
    "numerics.shell.ratio",
    "paper.mu",
    "paper.n_c_grid.start",
    "paper.fig3b.lam.1",
    "paper.fig3b.r.stop",
    "paper.gap_structure.kappa",
    "paper.gap_structure.omega",
    "sweeps.demo.axes.kappa.2",
    "sweeps.demo.axes.n_c.start",
    "sweeps.demo.fixed.omega",
    "sweeps.demo.mark.lam",
    "paper.eliashberg.omega_T",
    "paper.eliashberg.mu_star",
    "paper.eliashberg.lam.stop",
]


@pytest.mark.parametrize("value", [NAN, INF, -INF], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("path", NONFINITE_PATHS)
def test_nonfinite_number_anywhere_is_named(path, value):
    errors = one_line_errors(edited(path, value))
    assert errors == [
        f"config key '{path}': {value} is not a finite number; NaN and infinities are not allowed "
        "anywhere (rule: finite)"
    ]


@pytest.mark.parametrize("text", [".nan", ".NaN", ".inf", "-.inf", "+.INF", "1.0e+400"])
def test_yaml_spellings_of_nonfinite_numbers(text):
    cfg = copy.deepcopy(GOOD)
    cfg["model"].update(yaml.safe_load(f"t2: {text}"))
    assert_named(cfg, "'model.t2'", "not a finite number", "rule: finite")


def test_huge_integer_is_rejected_not_overflowed():
    assert_named(edited("sweeps.demo.fixed.omega", 10**400), "'sweeps.demo.fixed.omega'", "too large")


# --------------------------------------------------- out-of-range / unworkable values

UNWORKABLE = [
    # graded quadrature: ratio -> 1 never terminates, -> 0 loses accuracy
    ("numerics.shell.ratio", 0.9, "greater than the maximum of 0.75"),
    ("numerics.shell.ratio", 0.999999, "greater than the maximum of 0.75"),
    ("numerics.shell.ratio", 0.01, "less than the minimum of 0.05"),
    ("numerics.shell.eps_min", 1e-300, "less than the minimum of 1e-14"),
    ("numerics.shell.m", 1000, "greater than the maximum of 32"),
    ("numerics.shell.n_line", 100000, "greater than the maximum of 128"),
    ("numerics.shell.n_eta", 17, "greater than the maximum of 16"),
    ("numerics.quadrature_nodes", 10**6, "greater than the maximum of 256"),
    # grids that need a range, and absurd sizes
    ("paper.n_c_grid", {"start": 0.2, "stop": 0.8, "num": 1}, "less than the minimum of 2"),
    ("paper.fig3b.r", {"start": 1.0, "stop": 5.0, "num": 1}, "less than the minimum of 2"),
    ("paper.n_c_grid.num", 10**5, "greater than the maximum of 10000"),
    ("paper.fig3b.r.stop", 1e6, "greater than the maximum of 1000"),
    ("paper.fig3b.lam", [0.3] * 2, "non-unique elements"),
    ("paper.gap_structure.theta_points", 8, "less than the minimum of 9"),
    ("paper.gap_structure.theta_points", 10**7, "greater than the maximum of 100001"),
    ("paper.temperature_points", 5, "less than the minimum of 6"),
    ("paper.temperature_points", 10**5, "greater than the maximum of 1000"),
    # kappa < 0 and the solver's tested range at the paper's point
    ("paper.gap_structure.kappa", -0.1, "less than the minimum of 0"),
    ("paper.gap_structure.kappa", 5.0, "greater than the maximum of 1"),
    ("paper.gap_structure.omega", 1e-9, "less than the minimum of 1e-06"),
    # cross-field: an unresolvable gap, a Fermi sheet of three pockets (Figs. 4b-6 need one)
    ("paper.gap_structure.lam", 0.03, "below 10 numerics.shell.eps_min"),
    ("paper.gap_structure.n_c", 0.25, "band beta has 3 Fermi pockets"),
    ("paper.mu", 10.0, "band alpha has 0 Fermi pockets at mu = 10 eV"),
    # passes the estimate 2 Omega exp(-1/lambda) >= 10 eps_min, but the solver cannot resolve it
    (
        "paper.gap_structure",
        {"n_c": 0.05, "lam": 0.5, "kappa": 0.75, "omega": 1e-6, "theta_points": 241},
        "cannot be solved with these numerics: full gap solution did not converge: gap below resolution",
    ),
    ("paper.mu", -10.0, "Fig. 2b needs exactly one per band"),
    # retarded exchange beside Figs. 5-6
    ("paper.eliashberg.omega_T", 0.0, "less than or equal to the minimum of 0"),
    ("paper.eliashberg.mu_star", 1.0, "greater than or equal to the maximum of 1"),
    ("paper.eliashberg.lam.num", 10**6, "greater than the maximum of"),
    ("paper.eliashberg.temperature_points", 1, "less than the minimum of 2"),
    ("paper.eliashberg.Tc", 1.0, "Tc"),
]


@pytest.mark.parametrize("path, value, fragment", UNWORKABLE, ids=[f"{p}={v}"[:60] for p, v, _ in UNWORKABLE])
def test_unworkable_value_is_rejected(path, value, fragment):
    assert_named(edited(path, value), f"'{path}", fragment)


SWEEP_UNWORKABLE = [
    ({"axes": {"kappa": [-0.5, 0.5]}}, "'sweeps.s.axes.kappa': value -0.5 outside the allowed range [0, 10]"),
    ({"axes": {"n_c": [0.4]}, "fixed": {"kappa_a": -1}}, "'sweeps.s.fixed.kappa_a': value -1 outside"),
    ({"axes": {"lam": [0.001, 0.5]}}, "'sweeps.s.axes.lam': value 0.001 outside the allowed range [0.01, 3]"),
    (
        {"axes": {"omega": [1e-300]}},
        "'sweeps.s.axes.omega': value 1e-300 outside the allowed range [1e-06, 5]",
    ),
    (
        {
            "axes": {
                "n_c": {"start": 0.1, "stop": 0.9, "num": 10000},
                "lam": {"start": 0.1, "stop": 1, "num": 10001},
            },
            "chunk_size": 100000,
        },
        "10000 x 10001 = 100010000 points, at most 100000000",
    ),
    (
        {"axes": {"n_c": {"start": 0.1, "stop": 0.9, "num": 10**9}}},
        "at 'num': 1000000000 is greater than the maximum of 1000000 (rule: oneOf)",
    ),
    (
        {"axes": {"n_c": {"start": 0.1, "stop": 0.9, "num": 20000}}, "chunk_size": 1},
        "'sweeps.s.chunk_size': 20000 points in chunks of 1 make 20000 jobs, at most 10000",
    ),
    ({"axes": {"n_c": [0.4, 0.3, 0.4]}}, "'sweeps.s.axes.n_c': repeated values"),
    # fixed microscopic values whose derived V, Omega = Jc, kappa leave their ranges
    ({"axes": {"n_c": [0.4]}, "fixed": {"tc": 0.01, "U": 5.0}}, "give V = "),
    ({"axes": {"n_c": [0.4]}, "fixed": {"tc": 5.0, "U": 0.5}}, "give omega = Jc = 4 tc^2/U = 200"),
    ({"axes": {"n_c": [0.4]}, "fixed": {"JH": 0.001}}, "give kappa_a = "),
]


@pytest.mark.parametrize(
    "spec, fragment", SWEEP_UNWORKABLE, ids=[f"sweep{i}" for i in range(len(SWEEP_UNWORKABLE))]
)
def test_unworkable_sweep_is_rejected(spec, fragment):
    assert_named(with_sweep(spec), fragment)


def test_extreme_grids_allowed_by_the_schema_are_accepted():
    """The bounds are not too tight: the largest allowed grids validate."""
    cfg = edited("paper.n_c_grid", {"start": 1e-9, "stop": 2 - 1e-9, "num": 10000})
    cfg["paper"]["fig3b"]["r"] = {"start": 1e-6, "stop": 1000, "num": 10000}
    cfg["paper"]["fig3b"]["lam"] = [1e-6, 2.0]
    assert config_errors(cfg, SCHEMA) == []


def test_unsorted_axes_are_sorted_and_accepted():
    cfg = with_sweep({"axes": {"n_c": [0.6, 0.3, 0.45], "lam": [0.5, 0.2]}})
    assert config_errors(cfg, SCHEMA) == []
    assert axis_values([0.6, 0.3, 0.45]).tolist() == [0.3, 0.45, 0.6]
    assert np.all(np.diff(axis_values({"start": 0.1, "stop": 2.0, "num": 7, "log": True})) > 0)


# --------------------------------------------------------------- keys given twice

DUPLICATES = [
    (
        "model:\n  t1: 0.45\n  t2: -0.24\n  t1: 0.5\n",
        "key 'model.t1' is given twice (line 4, first on line 2)",
    ),
    ("model: {t1: 1}\nmodel: {t1: 2}\n", "key 'model' is given twice (line 2, first on line 1)"),
    (
        "sweeps:\n  a:\n    axes: {n_c: [0.3]}\n  a:\n    axes: {n_c: [0.4]}\n",
        "key 'sweeps.a' is given twice",
    ),
    (
        "sweeps:\n  a:\n    axes:\n      n_c: [0.3]\n      lam: [0.5]\n      n_c: [0.4]\n",
        "key 'sweeps.a.axes.n_c' is given twice (line 6, first on line 4)",
    ),
    (
        "sweeps:\n  a:\n    figures:\n      - {name: f, quantity: Tc, x: n_c, name: g}\n",
        "key 'sweeps.a.figures.0.name' is given twice",
    ),
    ('model:\n  "t1": 1\n  t1: 2\n', "key 'model.t1' is given twice"),
    ('{"model": {"t1": 1, "t1": 2}}', "key 'model.t1' is given twice"),
]


@pytest.mark.parametrize("text, fragment", DUPLICATES, ids=[f"dup{i}" for i in range(len(DUPLICATES))])
def test_key_given_twice_is_named_with_its_line(text, fragment):
    errors = yaml_text_errors(text, "bad.yaml")
    assert len(errors) == 1 and errors[0].startswith("config file 'bad.yaml': ") and fragment in errors[0]


def test_config_file_errors_reads_files(tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text((ROOT / "config.yaml").read_text())
    bad.write_text("paper:\n  mu: 1\n  mu: 2\n")
    assert config_file_errors([good]) == []
    (msg,) = config_file_errors([good, bad, tmp_path / "missing.yaml"])[:1]
    assert f"config file '{bad}': key 'paper.mu' is given twice (line 3" in msg
    assert "cannot be read" in config_file_errors([tmp_path / "missing.yaml"])[0]
    assert "not valid YAML at line" in yaml_text_errors("a: [1, 2\nb: 3", "x.yaml")[0]


def test_yte_templates_are_refused():
    (msg,) = yaml_text_errors("__use_yte__: true\nmodel:\n  t1: ?0.4 + 0.05\n", "t.yaml")
    assert msg.startswith("config file 't.yaml': '__use_yte__' makes it a YTE template")


def test_alias_bomb_is_walked_once():
    bomb = "a: &a {x: 1}\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n"
    assert yaml_text_errors(bomb, "bomb.yaml") == []


def _bomb(levels=9, fan=10):
    lines = ["a0: &a0 [" + ", ".join(["x"] * fan) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]" for i in range(1, levels)]
    return "\n".join(lines) + f"\nsweeps: {{s: {{axes: {{n_c: *a{levels - 1}}}}}}}\n"


def test_an_alias_bomb_is_rejected_in_bounded_time():
    """10^9 values behind aliases: measured over the distinct nodes, never expanded."""
    import time

    t = time.perf_counter()
    (text_error,) = yaml_text_errors(_bomb(), "bomb.yaml")
    (dict_error,) = config_errors(yaml.safe_load(_bomb()), SCHEMA)
    assert time.perf_counter() - t < 5
    for e in (text_error, dict_error):
        assert "aliases expand to more than 1000000 values" in e and "(rule: size)" in e


@pytest.mark.parametrize("depth", [65, 5000])
def test_deep_nesting_is_one_line(depth):
    text = "sweeps: " + "[" * depth + "]" * depth + "\n"
    (e,) = yaml_text_errors(text, "deep.yaml")
    assert e.startswith("config file 'deep.yaml': ") and "(rule: depth)" in e
    nested = []
    for _ in range(depth):
        nested = [nested]
    (e,) = config_errors({**GOOD, "sweeps": {"s": {"axes": {"n_c": nested}}}}, SCHEMA)
    assert "levels deep, at most 64 (rule: depth)" in e


# ----------------------------------------------------------------------- names

NAMES = [
    ("x" * 65, "is too long"),
    ("../escape", "does not match"),
    ("a/b", "does not match"),
    ("", "does not match"),
    ("naïve", "does not match"),
    ("a b", "does not match"),
]


@pytest.mark.parametrize(
    "name, fragment", NAMES, ids=["long", "dotdot", "slash", "empty", "unicode", "space"]
)
def test_bad_sweep_names(name, fragment):
    assert_named(with_sweep({"axes": {"n_c": [0.4]}}, name=name), "config key 'sweeps.", fragment)


def test_name_of_64_characters_is_accepted():
    name = "sweep_" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[:58]
    assert len(name) == 64
    assert config_errors(with_sweep({"axes": {"n_c": [0.4]}}, name=name), SCHEMA) == []


def test_long_and_duplicate_figure_names():
    fig = {"name": "y" * 65, "quantity": "Tc", "x": "n_c"}
    assert_named(
        with_sweep({"axes": {"n_c": [0.4]}, "figures": [fig]}), "'sweeps.s.figures.0.name'", "too long"
    )
    figs = [{"name": "tc", "quantity": "Tc", "x": "n_c"}, {"name": "tc", "quantity": "mu", "x": "n_c"}]
    assert_named(
        with_sweep({"axes": {"n_c": [0.4, 0.5]}, "figures": figs}),
        "'sweeps.s.figures.1.name'",
        "'tc' is already used by figure 0",
    )


@pytest.mark.parametrize("section", ["fit", "experiments"])
@pytest.mark.parametrize(
    "name, fragment", [("x" * 65, "is too long"), ("bad/name", "does not match"), ("a b", "does not match")]
)
def test_bad_fit_and_experiment_names(section, name, fragment):
    """Fit and experiment names become paths (results/experiments/<fit>/) like sweep names."""
    cfg = copy.deepcopy(GOOD)
    first = next(iter(cfg[section]))
    cfg[section][name] = cfg[section].pop(first)
    assert_named(cfg, f"'{section}.{name}'", fragment)


@pytest.mark.parametrize("where", ["sweep", "figure", "fit", "experiment"])
@pytest.mark.parametrize("name", ["a" * 20, "ab" * 20, "run-" + "xy" * 25, "_-" * 32])
def test_periodic_names_snakemake_refuses_are_rejected(where, name):
    """A name ending in one unit repeated 20+ times stops Snakemake (PeriodicWildcardError)."""
    if where in ("sweep", "figure"):
        fig = {"name": name if where == "figure" else "tc", "quantity": "Tc", "x": "n_c"}
        cfg = with_sweep(
            {"axes": {"n_c": [0.4, 0.5]}, "figures": [fig]}, name=name if where == "sweep" else "s"
        )
        key = f"'sweeps.{name}'" if where == "sweep" else "'sweeps.s.figures.0.name'"
    else:
        section = "fit" if where == "fit" else "experiments"
        cfg = copy.deepcopy(GOOD)
        cfg[section][name] = cfg[section].pop(next(iter(cfg[section])))
        key = f"'{section}.{name}'"
    assert_named(cfg, key, "repeated 20 or more times", "PeriodicWildcardError")


@settings(max_examples=300, deadline=None)
@given(
    unit=st.text(alphabet="ab_-0", min_size=1, max_size=3),
    times=st.integers(1, 40),
    prefix=st.text(alphabet="abc_-", max_size=4),
)
@example(unit="a", times=19, prefix="")
@example(unit="a", times=20, prefix="")
def test_the_name_rule_is_snakemakes_own(unit, times, prefix):
    """The validator accepts a name exactly when Snakemake's periodicity detector does."""
    from snakemake.io import PeriodicityDetector

    name = (prefix + unit * times)[:64]
    errors = config_errors(with_sweep({"axes": {"n_c": [0.4]}}, name=name), SCHEMA)
    assert (PeriodicityDetector().is_periodic(name) is not None) == any(
        "PeriodicWildcardError" in e for e in errors
    )


# ------------------------------------------- physically impossible measurements and fits

IMPOSSIBLE = [
    ("experiments.stm_fan2025.observables.0.value", -5, "is not a possible Tc_K (allowed: >= 0"),
    ("experiments.stm_fan2025.observables.1.value", -1e-3, "(allowed: >= 0 in meV)"),
    ("experiments.arpes_sun2025.observables.0.value", 1.2, "(allowed: [0, 1]"),
    ("experiments.arpes_sun2025.observables.0.value", -0.1, "(allowed: [0, 1]"),
    ("experiments.stm_fan2025.observables.0.sigma", 1e-300, "must be >= 4.15e-05"),
    ("experiments.stm_fan2025.observables.0.sigma", 5e-324, "(rule: minimum)"),
    ("experiments.stm_fan2025.citation", "arXiv:2506.01788 \ud800", "lone surrogate"),
    ("experiments.stm_fan2025.material", "La3Ni2O7\x00", "a NUL character"),
    ("fit.stm_arpes_joint.grid", 40, "40^4 = 2560000 coarse-grid points"),
    ("fit.stm_fan2025_eliashberg.grid", 20, "allowed: [2, 12]"),
    ("fit.stm_fan2025_eliashberg.map", 100, "allowed: [2, 45]"),
    ("sweeps.eliashberg_demo.figures.0.y", "lam", "is already the figure's x"),
]


@pytest.mark.parametrize(
    "path, value, fragment", IMPOSSIBLE, ids=[f"case{i}" for i in range(len(IMPOSSIBLE))]
)
def test_impossible_measurements_and_fits_are_rejected(path, value, fragment):
    assert_named(edited(path, value), f"config key '{path}'", fragment)


def test_an_experiment_listed_twice_in_a_joint_fit_is_rejected():
    cfg = copy.deepcopy(GOOD)
    joint = cfg["fit"]["stm_arpes_joint"]
    joint["experiment"] = [*joint["experiment"], joint["experiment"][0]]
    assert_named(cfg, "'fit.stm_arpes_joint.experiment'", "listed more than once")


def test_facet_equal_to_x_is_rejected():
    fig = {"name": "f", "quantity": "Tc", "x": "n_c", "facet": "n_c"}
    assert_named(
        with_sweep({"axes": {"n_c": [0.4, 0.5], "lam": [0.3]}, "figures": [fig]}),
        "'sweeps.s.figures.0.facet'",
        "is already the figure's x",
    )


def test_unencodable_key_is_named_not_crashed():
    cfg = copy.deepcopy(GOOD)
    cfg["experiments"]["stm_fan2025"]["note\udcff"] = "x"
    errors = one_line_errors(cfg)
    assert any("lone surrogate" in e for e in errors), errors
    for e in errors:
        e.encode("utf-8")  # the messages themselves print


# ------------------------------------------------------------ non-string keys

NONSTRING = [
    ("sweeps:\n  yes:\n    axes: {n_c: [0.4]}\n", "'sweeps.True'", "the key True (bool) is not a string"),
    ("sweeps:\n  123:\n    axes: {n_c: [0.4]}\n", "'sweeps.123'", "the key 123 (int) is not a string"),
    ("sweeps:\n  ~:\n    axes: {n_c: [0.4]}\n", "'sweeps.None'", "the key None (NoneType) is not a string"),
    ("sweeps:\n  s:\n    axes: {on: [0.4]}\n", "'sweeps.s.axes.True'", "(bool) is not a string"),
    (
        "sweeps:\n  s:\n    axes: {n_c: [0.4]}\n    fixed: {1.5: 2}\n",
        "'sweeps.s.fixed.1.5'",
        "(float) is not a string",
    ),
]


@pytest.mark.parametrize("text, path, fragment", NONSTRING, ids=["yes", "123", "null", "on", "float"])
def test_non_string_keys_are_named(text, path, fragment):
    cfg = copy.deepcopy(GOOD)
    cfg.update(yaml.safe_load(text))
    assert_named(cfg, f"config key {path}", fragment, "quote it")


def test_non_string_key_in_model():
    cfg = copy.deepcopy(GOOD)
    cfg["model"][None] = 1.0
    assert_named(cfg, "config key 'model.None'", "not a string")


# ------------------------------------------------------- malformed structures

MALFORMED = [
    (["not", "a", "sweep"], "'sweeps.s'", "is not of type 'object'"),
    ("text", "'sweeps.s'", "is not of type 'object'"),
    (None, "'sweeps.s'", "is not of type 'object'"),
    ({"axes": ["n_c", "lam"]}, "'sweeps.s.axes'", "is not of type 'object'"),
    ({"axes": {"n_c": ["a", "b"]}}, "'sweeps.s.axes.n_c'", "rule: oneOf"),
    ({"axes": {"n_c": {"start": 0.1, "stop": 0.5}}}, "'sweeps.s.axes.n_c'", "rule: oneOf"),
    ({"axes": {"n_c": {"start": 0.1, "stop": 0.5, "num": True}}}, "'sweeps.s.axes.n_c'", "rule: oneOf"),
    ({"axes": {"n_c": [[0.1, 0.2], [0.3]]}}, "'sweeps.s.axes.n_c'", "rule: oneOf"),
    ({"axes": {"n_c": [0.4]}, "figures": {"name": "f"}}, "'sweeps.s.figures'", "is not of type 'array'"),
    ({"axes": {"n_c": [0.4]}, "figures": ["f"]}, "'sweeps.s.figures.0'", "is not of type 'object'"),
    ({"axes": {"n_c": [0.4]}, "mark": [0.4]}, "'sweeps.s.mark'", "is not of type 'object'"),
    ({"axes": {"n_c": [0.4]}, "fixed": [["T", 0.1]]}, "'sweeps.s.fixed'", "is not of type 'object'"),
    ({"axes": {"n_c": [0.4]}, "fixed": {"T": "hot"}}, "'sweeps.s.fixed.T'", "is not of type 'number'"),
]


@pytest.mark.parametrize(
    "spec, path, fragment", MALFORMED, ids=[f"malformed{i}" for i in range(len(MALFORMED))]
)
def test_malformed_sweep_gives_a_message(spec, path, fragment):
    assert_named(with_sweep(spec), f"config key {path}", fragment)


@pytest.mark.parametrize(
    "cfg, fragment",
    [
        ([1, 2], "must be a mapping"),
        ("model: 1", "must be a mapping"),
        (None, "must be a mapping"),
        (edited("model", None), "'model': None is not of type 'object'"),
        (edited("numerics.shell", [1, 2]), "'numerics.shell': [1, 2] is not of type 'object'"),
        (edited("paper.fig3b", {"lam": {"a": [{"b": None}]}}), "'paper.fig3b.lam'"),
    ],
    ids=["list", "string", "null", "model-null", "shell-list", "nested"],
)
def test_malformed_top_level(cfg, fragment):
    assert_named(cfg, fragment)


@pytest.mark.parametrize(
    "name, spec",
    [
        ("s", [1]),
        ("s", {"axes": "n_c"}),
        ("s", {"axes": {"n_c": {"start": "a", "stop": 1, "num": 2}}}),
        ("s", {"axes": {"n_c": [0.4]}, "figures": [{"name": 3, "quantity": [], "x": {}}]}),
        (True, {"axes": {"n_c": [0.4]}}),
        ("s", {"axes": {"n_c": [0.4]}, "mark": {"n_c": "x"}, "chunk_size": 2.5}),
    ],
)
def test_validate_sweep_alone_never_raises(name, spec):
    errors = validate_sweep(name, spec)
    assert errors and all(isinstance(e, str) and "\n" not in e for e in errors)


# ------------------------------------------------------------------------ fuzz

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["n_c", "lam", "kappa", "omega", "T", "tc", "start", "stop", "num", "Tc", "stm"]),
)
keys = st.one_of(
    st.sampled_from(
        ["axes", "fixed", "figures", "mark", "chunk_size", "n_c", "lam", "kappa", "tc", "JH", "name"]
    ),
    st.text(max_size=6),
    st.booleans(),
    st.integers(-3, 3),
    st.none(),
)
yamlish = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=12,
)
SECTIONS = ["model", "numerics", "paper", "sweeps", "sweeps.demo", "sweeps.demo.axes", "sweeps.demo.figures"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(section=st.sampled_from(SECTIONS), value=yamlish)
@example(section="model", value={"\n": None})  # a key with a newline once split a message in two
@example(section="sweeps", value={"a\tb": {"axes": {"x\ny": [1]}}})
def test_fuzz_config_errors_never_raises(section, value):
    cfg = edited(section, value)
    errors = config_errors(cfg, SCHEMA)
    assert isinstance(errors, list)
    for e in errors:
        assert isinstance(e, str) and "\n" not in e and e.startswith("config key '")


ELSEWHERE = [
    "model",
    "model.t1",
    "numerics",
    "numerics.shell",
    "paper",
    "paper.n_c_grid",
    "paper.gap_structure",
    "sweeps.demo",
    "sweeps.demo.axes",
    "sweeps.demo.fixed",
    "sweeps.demo.figures",
    "experiments",
    "experiments.stm_fan2025",
    "experiments.stm_fan2025.observables.0",
    "fit",
    "fit.stm_arpes_joint",
    "fit.stm_arpes_joint.free",
]
BAD_AXIS = "config key 'sweeps.bad.axes.n_c': value 2.5 outside the allowed range (0, 2) (rule: range)"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sections=st.lists(st.sampled_from(ELSEWHERE), min_size=1, max_size=3, unique=True), data=st.data())
@example(sections=["experiments.stm_fan2025"], data=None)
@example(sections=["paper.n_c_grid"], data=None)
def test_fuzz_an_error_never_hides_another(sections, data):
    """Garbage in up to three places never raises, and never hides a rule broken elsewhere."""
    cfg = copy.deepcopy(GOOD)
    for section in sorted(sections, key=lambda s: -s.count(".")):  # deepest first: its parents stay
        value = data.draw(yamlish, label=section) if data else {"start": "a", "num": [None]}
        node = cfg
        keys = [int(k) if k.isdigit() else k for k in section.split(".")]
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    cfg["sweeps"]["bad"] = {"axes": {"n_c": [2.5]}}
    errors = config_errors(cfg, SCHEMA)
    for e in errors:
        assert isinstance(e, str) and "\n" not in e and e.startswith("config key '")
    if not any("(rule: string keys)" in e for e in errors):  # the one early stop left: keys must be text
        assert BAD_AXIS in errors, errors


def _paths(node, path=()):
    """Every key path of ``node`` (mappings and lists), parents before children."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        yield (*path, k)
        yield from _paths(v, (*path, k))


GOOD_PATHS = list(_paths(GOOD))
DELETE = "<delete the key>"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(GOOD_PATHS), st.one_of(scalars, yamlish, st.just(DELETE))),
        min_size=1,
        max_size=5,
    )
)
def test_fuzz_mutated_config_never_raises(edits):
    """The shipped config with a few values replaced or keys deleted: messages only, never a raise."""
    cfg = copy.deepcopy(GOOD)
    for path, value in sorted(edits, key=lambda e: -len(e[0])):  # deepest first: its parents stay
        node = cfg
        for k in path[:-1]:
            node = node[k]
        if value is DELETE and isinstance(node, dict):
            node.pop(path[-1], None)
        elif value is not DELETE:
            node[path[-1]] = value
    errors = config_errors(cfg, SCHEMA)
    assert isinstance(errors, list)
    for e in errors:
        assert isinstance(e, str) and "\n" not in e and e.startswith("config key '")


def test_many_errors_are_checked_in_bounded_time():
    """Thousands of broken sweeps, experiments and fits: each skipped or checked once."""
    import time

    cfg = copy.deepcopy(GOOD)
    cfg["sweeps"] = {f"s{i}": {"axes": {"n_c": [2.5]}, "chunksize": 1} for i in range(2000)}
    cfg["sweeps"].update({f"t{i}": {"axes": {"n_c": [0.5]}, "chunk_size": "x"} for i in range(2000)})
    obs = [{"quantity": "Tc_K", "value": 40, "sigma": 1, "unit": "K"}]
    cfg["experiments"] = {
        f"e{i}": {"citation": i, "material": "m", "method": "m", "observables": obs} for i in range(2000)
    }
    cfg["fit"] = {
        f"f{i}": {"experiment": [f"e{j}" for j in range(20)], "free": [{"name": "lam", "bounds": [0.1, 1]}]}
        for i in range(2000)
    }
    t = time.perf_counter()
    errors = config_errors(cfg, SCHEMA)
    assert time.perf_counter() - t < 30
    assert len(errors) == 2000 * 4, len(errors)  # unknown key + axis range, chunk_size type, citation type


@settings(max_examples=60, deadline=None)
@given(name=st.one_of(st.text(max_size=70), st.booleans(), st.integers(), st.none()), spec=yamlish)
def test_fuzz_validate_sweep_never_raises(name, spec):
    errors = validate_sweep(name, spec)
    assert isinstance(errors, list) and all(isinstance(e, str) and "\n" not in e for e in errors)


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet="ab:{}[]-&*!, \n\t'\"#?|>~.0123456789", max_size=60))
def test_fuzz_yaml_text_errors_never_raises(text):
    assert all(isinstance(e, str) and "\n" not in e for e in yaml_text_errors(text, "f.yaml"))


# ------------------------------------------------------- real snakemake -n runs

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))

NASTY_FILES = [
    ("model:\n  t1: 0.45\n  t1: 0.5\n", "key 'model.t1' is given twice (line 3, first on line 2)"),
    ("model:\n  t2: .nan\n", "'model.t2': nan is not a finite number"),
    ("paper:\n  mu: -.inf\n", "'paper.mu': -inf is not a finite number"),
    ("sweeps:\n  yes:\n    axes: {n_c: [0.4]}\n", "'sweeps.True': the key True (bool) is not a string"),
    (
        "numerics:\n  shell: {ratio: 0.9999}\n",
        "'numerics.shell.ratio': 0.9999 is greater than the maximum of 0.75",
    ),
    ("sweeps:\n  s: [1, 2]\n", "'sweeps.s': [1, 2] is not of type 'object'"),
    ("sweeps:\n  " + "x" * 65 + ":\n    axes: {n_c: [0.4]}\n", "is too long"),
    ("sweeps:\n  s:\n    axes: {n_c: [a, b]}\n", "'sweeps.s.axes.n_c'"),
    ("sweeps:\n  " + "ab" * 20 + ":\n    axes: {n_c: [0.4]}\n", "PeriodicWildcardError"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile")
    import shutil

    shutil.copy(ROOT / "Snakefile", path)
    shutil.copy(ROOT / "config.yaml", path)
    shutil.copytree(ROOT / "workflow", path / "workflow", ignore=shutil.ignore_patterns("__pycache__"))
    return path


@pytest.mark.workflow
@pytest.mark.parametrize("text, fragment", NASTY_FILES, ids=[f"file{i}" for i in range(len(NASTY_FILES))])
def test_snakemake_dry_run_stops_with_the_key(project, text, fragment, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    r = subprocess.run(
        [SNAKEMAKE, "-n", "--cores", "1", "--configfile", str(bad)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=local_snakemake_env(),
    )
    out = r.stdout + r.stderr
    assert r.returncode != 0
    assert fragment in out, out[-2000:]
    assert "Traceback" not in out and "triplon: invalid configuration:" in out
    assert not (project / "results").exists()
    problems = [line for line in out.splitlines() if line.startswith("  config ")]
    assert problems and all(p.startswith(("  config key '", "  config file '")) for p in problems)

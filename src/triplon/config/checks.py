"""Checks of the merged configuration: layers 1-4 of :mod:`triplon.config`.

Keys that are not strings, non-finite numbers and unencodable text, the JSON schema,
then the cross-field rules, each run on the subtrees without an earlier error;
:func:`config_errors` returns every message, :func:`validate_config` raises them.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from triplon.config.files import (
    UNIQUE_KEYS,
    ConfigError,
    _hint,
    _path,
    _size_errors,
    config_file_errors,
)

# ---------------------------------------------------------------- structure


def _walk(node, path):
    """Yield (path, key or None, value) for every mapping entry and list item below ``node``."""
    stack = [(node, path)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                yield [*path, k], k, v
                stack.append((v, [*path, k]))
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                yield [*path, i], None, v
                stack.append((v, [*path, i]))


def _key_errors(config: dict) -> list[str]:
    out = []
    for path, key, _ in _walk(config, []):
        if isinstance(path[-1], int) and key is None:
            continue
        if not isinstance(key, str):
            out.append(
                f"config key '{_path(path)}': the key {key!r} ({type(key).__name__}) is not a string "
                "(YAML reads yes/no/on/off as booleans, ~ as null and bare numbers as numbers; "
                "quote it) (rule: string keys)"
            )
    return out


def _text_errors(config: dict) -> tuple[list[str], set]:
    """Strings (keys or values) that cannot be stored as NetCDF text: NUL, lone surrogates."""
    out, paths = [], set()
    for path, key, value in _walk(config, []):
        for kind, text in (("key", key), ("value", value)):
            if not isinstance(text, str):
                continue
            try:
                text.encode("utf-8")
                bad = "a NUL character" if "\x00" in text else None
            except UnicodeEncodeError:
                bad = "a lone surrogate (not valid Unicode text)"
            if bad:
                out.append(
                    f"config key '{_path(path)}': the {kind} holds {bad}; results store every text as "
                    "UTF-8 in NetCDF (rule: text)"
                )
                paths.add(tuple(path))
    return out, paths


MAX_INT = 2**53
"""Largest integer magnitude accepted anywhere (exactly representable as a float)."""


def _finite_errors(config: dict) -> tuple[list[str], set]:
    out, paths = [], set()
    for path, _, value in _walk(config, []):
        if isinstance(value, float) and not math.isfinite(value):
            out.append(
                f"config key '{_path(path)}': {value} is not a finite number; "
                "NaN and infinities are not allowed anywhere (rule: finite)"
            )
            paths.add(tuple(path))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            out.append(
                f"config key '{_path(path)}': the integer {str(value)[:20]}... is too large "
                f"(|value| <= {MAX_INT:.2g}) (rule: finite)"
            )
            paths.add(tuple(path))
    return out, paths


# ------------------------------------------------------------------- schema


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _schema_errors(config: dict, schema: dict, skip: set) -> tuple[list[str], set, set]:
    """Messages, the key paths (tuples) that failed, and the paths of the unknown keys.

    Errors at or below a path in ``skip`` (already reported) are left out. A
    missing required key fails at its own path, so its siblings stay readable.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    out, failed, unknown = [], set(), set()
    for err in sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        at = tuple(err.absolute_path)
        if any(at[:i] in skip for i in range(len(at) + 1)):
            continue  # already reported as non-finite or as text that cannot be stored
        where = _path(at)
        if "propertyNames" in err.schema_path:  # a bad key name: report the key itself
            name = err.instance
            choices = err.validator_value if err.validator == "enum" else []
            out.append(
                f"config key '{_path([*at, name])}': invalid name {_short(repr(name), 80)}"
                f"{_hint(name, choices)}: {_name_message(err)} (rule: {err.validator})"
            )
            failed.add((*at, name))
        elif err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - set(allowed), key=str):
                out.append(
                    f"config key '{_path([*at, extra])}': unknown key{_hint(extra, allowed)}; "
                    f"allowed here: {', '.join(allowed)} (rule: additionalProperties)"
                )
                unknown.add((*at, extra))
        elif err.validator == "enum" and isinstance(err.instance, str):
            out.append(
                f"config key '{where}': {err.instance!r} is not allowed"
                f"{_hint(err.instance, err.validator_value)}; "
                f"allowed: {', '.join(map(str, err.validator_value))} (rule: enum)"
            )
            failed.add(at)
        elif err.validator in ("oneOf", "anyOf") and err.context:
            import jsonschema.exceptions

            # the branch the value was meant for: a list -> the array branch, a mapping -> the object one
            kind = "array" if isinstance(err.instance, list) else "object"
            mine = [
                e
                for e in err.context
                if e.schema_path and err.validator_value[e.schema_path[0]].get("type") == kind
            ]
            sub = jsonschema.exceptions.best_match(mine or err.context)
            inner = _path(sub.relative_path) if sub.relative_path else ""
            forms = (
                "is neither a list of numbers nor {start, stop, num[, log]}"
                if "axes" in err.absolute_path
                else "matches none of the allowed forms"
            )
            out.append(
                f"config key '{where}': {_short(repr(err.instance), 80)} {forms}: "
                f"{f'at {inner!r}: ' if inner else ''}{_short(sub.message)} (rule: {err.validator})"
            )
            failed.add(at)
        else:
            out.append(f"config key '{where}': {_short(_name_message(err))} (rule: {err.validator})")
            if err.validator == "required" and isinstance(err.instance, dict):
                failed.update((*at, k) for k in err.validator_value if k not in err.instance)
            else:
                failed.add(at)
    return out, failed, unknown


PERIODIC_NAME = (
    "it ends in one unit repeated 20 or more times, which Snakemake's cycle detection refuses "
    "(PeriodicWildcardError); break the repetition"
)


def _name_message(err) -> str:
    """The schema error's message, in words for the periodic-name rule."""
    return PERIODIC_NAME if err.validator == "not" else err.message


# ------------------------------------------------------------- cross fields


def _ordered_range(config: dict, path: list[str]) -> list[str]:
    node = config
    for p in path:
        if not isinstance(node, dict) or p not in node:
            return []
        node = node[p]
    if isinstance(node, dict) and node.get("num", 1) > 1 and isinstance(node.get("start"), (int, float)):
        if isinstance(node.get("stop"), (int, float)) and not node["start"] < node["stop"]:
            return [
                f"config key '{_path(path)}': start < stop required, got start={node['start']}, "
                f"stop={node['stop']} (rule: start<stop)"
            ]
    return []


GAP_RESOLUTION = 10.0
"""The paper's point must have an estimated gap 2 Omega exp(-1/lambda) above this many eps_min."""


def _paper_point_errors(config: dict) -> list[str]:
    """The paper's point (Figs. 4b, 5, 6) must be computable: one pocket per band, a resolvable gap.

    When those cheap rules hold, the point is also computed (:func:`_paper_point_status`).
    Reads only :data:`PAPER_POINT_READS`, and is cached on their values (the pocket search
    alone takes ~0.15 s, and it runs beside any error elsewhere).
    """
    paper = config["paper"]
    return list(
        _paper_point_cached(
            tuple(sorted(config["model"].items())),
            tuple(sorted(config["numerics"].get("shell", {}).items())),
            paper["mu"],
            tuple(sorted(paper["gap_structure"].items())),
            paper["temperature_points"],
        )
    )


@functools.lru_cache(maxsize=64)
def _paper_point_cached(model, shell, mu, gap_structure, temperature_points) -> tuple[str, ...]:
    config = {
        "model": dict(model),
        "numerics": {"shell": dict(shell)},
        "paper": {"mu": mu, "gap_structure": dict(gap_structure), "temperature_points": temperature_points},
    }
    return tuple(_paper_point_checks(config))


def _paper_point_checks(config: dict) -> list[str]:
    from triplon.model.params import BANDS, BandParams, ParameterError

    g = config["paper"]["gap_structure"]
    eps_min = config["numerics"].get("shell", {}).get("eps_min", 1e-8)
    out = []
    estimate = 2.0 * g["omega"] * math.exp(-1.0 / g["lam"])
    if estimate < GAP_RESOLUTION * eps_min:
        out.append(
            f"config key 'paper.gap_structure.lam': lambda = {g['lam']:g} with Omega = {g['omega']:g} eV "
            f"gives a gap of about 2 Omega exp(-1/lambda) = {estimate:.3g} eV, below "
            f"{GAP_RESOLUTION:g} numerics.shell.eps_min = {GAP_RESOLUTION * eps_min:.3g} eV; "
            "raise lambda or lower eps_min (rule: resolvable gap)"
        )
    try:
        from triplon.model.fermi import find_pockets, mu_from_n_c

        params = BandParams(**config["model"])
        mu0 = config["paper"]["mu"]
        for b in BANDS:
            n = len(find_pockets(b, mu0, params))
            if n != 1:
                out.append(
                    f"config key 'paper.mu': band {b} has {n} Fermi pockets at mu = {mu0:g} eV with this "
                    "model; Fig. 2b needs exactly one per band (rule: one pocket)"
                )
        mu = mu_from_n_c(g["n_c"], params)
        for b in BANDS:
            n = len(find_pockets(b, mu, params))
            if n != 1:
                out.append(
                    f"config key 'paper.gap_structure.n_c': band {b} has {n} Fermi pockets at "
                    f"n_c = {g['n_c']:g} with this model; Figs. 4b-6 need exactly one per band "
                    "(rule: one pocket)"
                )
        if not out:
            status = _paper_point_status(
                tuple(sorted(config["model"].items())),
                tuple(sorted(config["numerics"].get("shell", {}).items())),
                g["n_c"],
                g["lam"],
                g["kappa"],
                g["omega"],
                config["paper"]["temperature_points"],
            )
            if status:
                out.append(
                    f"config key 'paper.gap_structure': the paper's point (n_c = {g['n_c']:g}, "
                    f"lambda = {g['lam']:g}, kappa = {g['kappa']:g}, Omega = {g['omega']:g} eV, "
                    f"{config['paper']['temperature_points']} temperatures) cannot be solved with these "
                    f"numerics: {status}; change lambda, Omega, temperature_points or "
                    "numerics.shell.eps_min (rule: solvable point)"
                )
    except (ParameterError, ValueError, ArithmeticError) as exc:
        out.append(
            f"config key 'paper.gap_structure.n_c': the paper's point cannot be set up with this model: "
            f"{' '.join(str(exc).split())} (rule: computable)"
        )
    return out


@functools.lru_cache(maxsize=64)
def _paper_point_status(model, shell, n_c, lam, kappa, omega, temperature_points) -> str:
    """'' when the jobs of Figs. 4b-6 can compute the paper's point, else the reason.

    Runs the library functions of those jobs once (about 0.3 s with the default
    numerics; theta_points does not affect convergence and is kept small): the
    full T = 0 solution, T_c and the finite-T solutions must all be resolved
    and converged, so a point the solver cannot handle is rejected here rather
    than in a job.
    """
    import warnings

    from triplon.model.params import BandParams
    from triplon.studies.paper import gap_structure_dataset, gap_temperature_dataset

    params, numerics = BandParams(**dict(model)), dict(shell)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gap_structure_dataset(params, n_c, lam, kappa, omega, 9, numerics)
            gap_temperature_dataset(params, n_c, lam, kappa, omega, temperature_points, numerics)
    except Exception as exc:  # whatever stops the job stops the configuration
        return " ".join(str(exc).split()) or type(exc).__name__
    return ""


def _model_errors(config: dict) -> list[str]:
    from triplon.model.params import BandParams, ParameterError

    try:
        BandParams(**config["model"])
    except ParameterError as exc:
        return [f"config key 'model': {exc} (rule: dispersive bands)"]
    return []


# ------------------------------------------------------------ partial checks


class _Failed:
    """The key paths (tuples) that failed a check: a later rule reads only subtrees clear of them."""

    def __init__(self, paths):
        self.paths = set(paths)
        # every ancestor of a failed path: a subtree holding a failure is not clean (O(failures x depth))
        self.above = {p[:i] for p in self.paths for i in range(len(p))}

    def usable(self, *path) -> bool:
        """Neither ``path`` nor any mapping above it failed (it has the schema's type, if present)."""
        return not any(path[:i] in self.paths for i in range(len(path) + 1))

    def clean(self, *path) -> bool:
        """Nothing at, above or below ``path`` failed: every rule may read the subtree."""
        return self.usable(*path) and path not in self.above


def _without(node, paths):
    """``node`` without the mapping entries at ``paths`` (tuples of keys and list indices).

    Copies only the mappings and lists on the way to a removed entry; ``node`` is left as it is.
    """
    if not paths:
        return node
    drop, deeper = set(), {}
    for p in paths:
        if len(p) == 1:
            drop.add(p[0])
        else:
            deeper.setdefault(p[0], []).append(p[1:])
    if isinstance(node, dict):
        out = {k: v for k, v in node.items() if k not in drop}
    elif isinstance(node, list):
        out = list(node)
    else:
        return node
    for k, sub in deeper.items():
        if k not in drop:
            out[k] = _without(node[k], sub)
    return out


PAPER_POINT_READS = (
    ("model",),
    ("numerics", "shell"),
    ("paper", "mu"),
    ("paper", "gap_structure"),
    ("paper", "temperature_points"),
)
"""The subtrees :func:`_paper_point_errors` reads: it runs only when all of them are valid."""


def _catalogue_errors(config: dict, failed: _Failed) -> list[str]:
    """:func:`validate_experiments` on the experiments and fits clear of failures.

    A fit of an experiment that failed is left out too (it would read the
    experiment's entries).
    """
    from triplon.studies.experiment.catalogue import validate_experiments

    experiments, fits = config.get("experiments", {}), config.get("fit", {})
    if not (failed.usable("experiments") and isinstance(experiments, dict)):
        return []  # which experiments exist is unknown: the fits are left out as well
    clean = {name: e for name, e in experiments.items() if failed.clean("experiments", name)}
    if failed.usable("fit") and isinstance(fits, dict):
        left_out = set(experiments) - set(clean)
        fits = {
            name: spec
            for name, spec in fits.items()
            if failed.clean("fit", name) and not _fit_reads_failed(spec, left_out)
        }
    else:
        fits = {}
    return validate_experiments({"experiments": clean, "fit": fits})


def _fit_reads_failed(spec, failed_names) -> bool:
    names = spec.get("experiment") if isinstance(spec, dict) else None
    names = names if isinstance(names, list) else [names]
    return any(isinstance(n, str) and n in failed_names for n in names)


def _rule_errors(config: dict, failed: _Failed) -> list[str]:
    """Layers 3 and 4 on every subtree that passed layers 1 and 2 (see the module docstring)."""
    errors = []
    for path in (("paper", "n_c_grid"), ("paper", "fig3b", "r")):
        if failed.clean(*path):
            errors += _ordered_range(config, list(path))
    model = _model_errors(config) if failed.clean("model") else None
    errors += model or []
    errors += _catalogue_errors(config, failed)
    if model == [] and all(failed.clean(*p) for p in PAPER_POINT_READS):
        errors += _paper_point_errors(config)
    sweeps = config.get("sweeps")
    if isinstance(sweeps, dict):
        from triplon.studies.sweeps.grid import validate_sweep

        for name, spec in sweeps.items():
            if failed.clean("sweeps", name):
                for e in validate_sweep(name, spec):
                    where, _, text = e.partition(": ")
                    errors.append(f"config key '{where}': {text}")
    return errors


def config_errors(config, schema: dict) -> list[str]:
    """All problems of ``config`` as readable one-line messages (empty when valid), in one pass.

    Never raises for any input built from YAML values (mappings, lists,
    strings, numbers, booleans, None). Stops early only for a size or depth
    bomb and for keys that are not strings; every other rule runs on each
    subtree that the schema accepts (see the module docstring).
    """
    if not isinstance(config, dict):
        return [
            f"config key '<top level>': the configuration must be a mapping of keys, "
            f"got a {type(config).__name__} (rule: type)"
        ]
    errors = _size_errors(
        config, "config key '<top level>'", lambda n: n if isinstance(n, (dict, list, tuple)) else None
    )
    if errors:  # a bounded walk first: nothing below may take exponential time or recurse deeply
        return errors
    errors = _key_errors(config)
    if errors:  # nothing below can name a key that is not a string
        return errors
    finite, bad_numbers = _finite_errors(config)
    text, bad_text = _text_errors(config)
    schema_errors, bad_schema, unknown = _schema_errors(config, schema, bad_numbers | bad_text)
    # the rules below read only subtrees free of these errors (right types and ranges), in a
    # view of the config without its unknown keys (reported above, read by no rule)
    failed = _Failed(bad_numbers | bad_text | bad_schema)
    return finite + text + schema_errors + _rule_errors(_without(config, unknown), failed)


def validate_config(config: dict, schema_path, config_files=()) -> None:
    """Raise :class:`ConfigError` listing every problem of ``config`` and of ``config_files``.

    A key given twice in a file still leaves a configuration to check (Snakemake
    keeps the last value): both are reported. A file that is not bounded, plain
    YAML stops before ``config`` is read.
    """
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text())
    errors = config_file_errors(config_files)
    if all(e.endswith(UNIQUE_KEYS) for e in errors):
        errors += config_errors(config, schema)
    if errors:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(errors))


__all__ = ["config_errors", "validate_config"]

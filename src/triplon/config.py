"""Validation of the workflow configuration, before any job runs.

Three layers, all reported together, one line per problem naming the key
path, the offending value and the rule:

1. the JSON schema ``workflow/schemas/config.schema.yaml`` (types, ranges,
   allowed keys, name patterns), with a "did you mean" hint for typos;
2. cross-field rules the schema cannot express (``start < stop``);
3. the physics of every sweep (:func:`triplon.sweep.validate_sweep`).
"""

from __future__ import annotations

import difflib
from pathlib import Path


class ConfigError(ValueError):
    """An invalid configuration; the message lists every violation."""


def _path(parts) -> str:
    parts = [str(p) for p in parts]
    return ".".join(parts) if parts else "<top level>"


def _hint(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _schema_errors(config: dict, schema: dict) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        where = _path(err.absolute_path)
        if "propertyNames" in err.schema_path:  # a bad key name: report the key itself
            name = err.instance
            choices = err.validator_value if err.validator == "enum" else []
            out.append(
                f"config key '{_path([*err.absolute_path, name])}': invalid name {name!r}"
                f"{_hint(name, choices)}: {err.message} (rule: {err.validator})"
            )
        elif err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - set(allowed)):
                out.append(
                    f"config key '{_path([*err.absolute_path, extra])}': unknown key{_hint(extra, allowed)}; "
                    f"allowed here: {', '.join(allowed)} (rule: additionalProperties)"
                )
        elif err.validator == "enum" and isinstance(err.instance, str):
            out.append(
                f"config key '{where}': {err.instance!r} is not allowed"
                f"{_hint(err.instance, err.validator_value)}; "
                f"allowed: {', '.join(map(str, err.validator_value))} (rule: enum)"
            )
        else:
            out.append(f"config key '{where}': {err.message} (rule: {err.validator})")
    return out


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


def config_errors(config: dict, schema: dict) -> list[str]:
    """All problems of ``config`` as readable one-line messages (empty when valid)."""
    errors = _schema_errors(config, schema)
    errors += _ordered_range(config, ["paper", "n_c_grid"])
    errors += _ordered_range(config, ["paper", "fig3b", "r"])
    sweeps = config.get("sweeps")
    if isinstance(sweeps, dict) and not any(e.startswith("config key 'sweeps") for e in errors):
        from triplon.sweep import validate_sweep

        for name, spec in sweeps.items():
            errors += [
                f"config key {e.split(':', 1)[0]!r}:{e.split(':', 1)[1]}" for e in validate_sweep(name, spec)
            ]
    return errors


def validate_config(config: dict, schema_path) -> None:
    """Raise :class:`ConfigError` listing every problem of ``config``."""
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text())
    errors = config_errors(config, schema)
    if errors:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(errors))


__all__ = [
    "ConfigError",
    "config_errors",
    "validate_config",
]

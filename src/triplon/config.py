"""Validation of the workflow configuration against its JSON schema.

Every violation becomes one readable line naming the key path, the offending
value and the schema rule, e.g.
``config key 'model.t1': 'abc' is not of type 'number' (rule: type)``.
"""

from __future__ import annotations

from pathlib import Path


class ConfigError(ValueError):
    """An invalid configuration; the message lists every violation."""


def _path(error) -> str:
    parts = [str(p) for p in error.absolute_path]
    return ".".join(parts) if parts else "<top level>"


def config_errors(config: dict, schema: dict) -> list[str]:
    """All violations of ``schema`` by ``config`` as readable one-line messages."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        if err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            allowed = ", ".join(sorted(err.schema.get("properties", {})))
            out.append(
                f"config key '{_path(err)}': unknown key(s) {extra}; allowed: {allowed} "
                "(rule: additionalProperties)"
            )
        else:
            out.append(f"config key '{_path(err)}': {err.message} (rule: {err.validator})")
    return out


def validate_config(config: dict, schema_path) -> None:
    """Raise :class:`ConfigError` listing every violation of the schema at ``schema_path``."""
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text())
    errors = config_errors(config, schema)
    if errors:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(errors))

"""Config files as text: YAML that loads in bounded time, no key written twice.

Layer 0 of the validation (:mod:`triplon.config`): a config file is read again
strictly, before Snakemake's merged configuration is checked, and anything that
no later layer could digest (a syntax error, a size or depth bomb, a YTE
template) stops the validation here. Also the message helpers every layer uses.
"""

from __future__ import annotations

import difflib
from pathlib import Path


class ConfigError(ValueError):
    """An invalid configuration; the message lists every violation."""


def _printable(part) -> str:
    """A key as text, control characters escaped so a message stays one line."""
    text = str(part)
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def _path(parts) -> str:
    parts = [_printable(p) for p in parts]
    return ".".join(parts) if parts else "<top level>"


def _hint(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ------------------------------------------------------------- config files


def _yaml_duplicates(node, path, seen, out, where):
    """Append 'key given twice' messages for every mapping below ``node``."""
    import yaml

    if id(node) in seen:  # an alias: already walked (also stops alias bombs)
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                ident, label = (key_node.tag, key_node.value), key_node.value
            else:
                ident, label = None, "<complex key>"
            if ident is not None and ident in first:
                out.append(
                    f"config file '{where}': key '{_path([*path, label])}' is given twice "
                    f"(line {key_node.start_mark.line + 1}, first on line {first[ident]}); "
                    f"only one may stay {UNIQUE_KEYS}"
                )
            elif ident is not None:
                first[ident] = key_node.start_mark.line + 1
            _yaml_duplicates(value_node, [*path, label], seen, out, where)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _yaml_duplicates(item, [*path, i], seen, out, where)


UNIQUE_KEYS = "(rule: unique keys)"
"""The end of a 'key given twice' message: the only config-file error that lets the config be checked."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted in a configuration."""
MAX_VALUES = 1_000_000
"""Most values a configuration may hold once its YAML aliases are expanded."""


def _size_errors(root, where: str, children) -> list[str]:
    """Depth and expanded size of a tree whose nodes may be shared (YAML aliases), in O(distinct nodes).

    ``children(node)`` gives a node's children: a list (of values or of (key, value)
    pairs), a dict, or anything else for a leaf. Never recurses (a nesting of any depth
    is measured), each distinct node is visited once (an alias bomb is measured, not
    expanded).
    """
    size, depth = {}, {}
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in size and not done:
            continue
        kids = children(node)
        if isinstance(kids, dict):
            kids = list(kids.values())
        elif isinstance(kids, (list, tuple)):
            kids = [v for k in kids for v in (k if isinstance(k, tuple) else (k,))]
        else:
            kids = []
        if not done:
            size[key] = None  # visiting: an alias cycle counts once
            stack.append((node, True))
            stack += [(k, False) for k in kids if id(k) not in size]
            if len(stack) > 4 * MAX_VALUES:
                return [f"{where}: holds more than {MAX_VALUES} values (rule: size)"]
            continue
        size[key] = 1 + sum(size.get(id(k)) or 0 for k in kids)
        depth[key] = 1 + max((depth.get(id(k)) or 0 for k in kids), default=0)
        if depth[key] > MAX_DEPTH:
            return [f"{where}: nested {depth[key]}+ levels deep, at most {MAX_DEPTH} (rule: depth)"]
        if size[key] > MAX_VALUES:
            return [
                f"{where}: its YAML aliases expand to more than {MAX_VALUES} values "
                "(an alias bomb?); write the values out (rule: size)"
            ]
    return []


def yaml_text_errors(text: str, where: str) -> list[str]:
    """Problems of one YAML (or JSON) document ``text``: syntax errors and keys given twice.

    ``where`` names the file in the messages.
    """
    import yaml

    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except RecursionError:
        return [
            f"config file '{where}': nested too deeply for the YAML loader "
            f"(at most {MAX_DEPTH} levels) (rule: depth)"
        ]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [f"config file '{where}': not valid YAML{line}: {problem}"]
    if len(nodes) > 1:
        return [f"config file '{where}': holds {len(nodes)} YAML documents; give one"]
    out: list[str] = []
    if nodes and nodes[0] is not None:
        size = _size_errors(nodes[0], f"config file '{where}'", lambda n: getattr(n, "value", None))
        if size:
            return size
        _yaml_duplicates(nodes[0], [], set(), out, where)
        if isinstance(nodes[0], yaml.MappingNode) and any(
            isinstance(k, yaml.ScalarNode) and k.value == "__use_yte__" for k, _ in nodes[0].value
        ):
            out.append(
                f"config file '{where}': '__use_yte__' makes it a YTE template (Python expressions); "
                "a triplon config must be plain data (rule: no templates)"
            )
    return out


def config_file_errors(paths) -> list[str]:
    """Problems of the config files themselves (see :func:`yaml_text_errors`)."""
    out = []
    for p in paths:
        try:
            text = Path(p).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            out.append(f"config file '{p}': cannot be read ({type(exc).__name__}: {exc})")
            continue
        out += yaml_text_errors(text, str(p))
    return out


__all__ = ["ConfigError", "UNIQUE_KEYS", "MAX_DEPTH", "MAX_VALUES", "yaml_text_errors", "config_file_errors"]

"""Sphinx configuration of the triplon documentation.

Build (warnings are errors; the tutorial in ``docs/examples`` is executed):

    .venv/bin/pip install -e ".[docs]"
    .venv/bin/sphinx-build -W --keep-going -b html docs docs/_build/html
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import sphinx.ext.autosummary

import triplon

HERE = Path(__file__).resolve().parent
os.environ.setdefault("MPLBACKEND", "Agg")

project = "triplon"
author = "the triplon developers"
copyright = "2026, the triplon developers"
release = triplon.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "examples/README.rst", "**.ipynb_checkpoints"]
nitpicky = False

# ---- API reference: one page per module, members taken from the module's __all__
autosummary_generate = True
autosummary_ignore_module_all = False
autosummary_imported_members = False
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # types are in the numpydoc "Parameters" sections
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()
# summaries end at the first sentence: "Eq. 17" and "Fig. 3b" do not end one
sphinx.ext.autosummary.WELL_KNOWN_ABBREVIATIONS = (
    *sphinx.ext.autosummary.WELL_KNOWN_ABBREVIATIONS,
    "Eq.",
    "Eqs.",
    "Fig.",
    "Figs.",
)

intersphinx_mapping = {}  # no network at build time: references stay local

# ---- the tutorial: scripts under docs/examples are run at build time
sphinx_gallery_conf = {
    "examples_dirs": ["examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "within_subsection_order": "FileNameSortKey",
    "write_computation_times": False,
    "show_memory": False,
    "min_reported_time": 10**6,
    "plot_gallery": "True",
}

html_theme = "alabaster"
html_title = f"triplon {release}"
html_static_path = []
html_theme_options = {
    "description": "Triplon-mediated pairing in bilayer nickelates",
    "fixed_sidebar": True,
    "page_width": "1100px",
}


def _cli_help() -> None:
    """Write ``triplon [COMMAND] --help`` of the installed command into docs/_generated_cli.

    The CLI page includes these files, so the option lists cannot drift from the code.
    """
    out = HERE / "_generated_cli"
    out.mkdir(exist_ok=True)
    for cmd in ["", *_cli_commands()]:
        args = [sys.executable, "-m", "triplon.cli", *([cmd] if cmd else []), "--help"]
        env = {**os.environ, "COLUMNS": "88"}
        text = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
        (out / f"{cmd or 'triplon'}.txt").write_text(text)


def _cli_commands() -> list[str]:
    from triplon.cli.app import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


_cli_help()


_LITERAL = re.compile(r"(``.*?``)")


def _escape_bars(app, what, name, obj, options, lines) -> None:
    """Docstrings write absolute values as ``|x|``; keep reST from reading them as substitutions."""
    for i, line in enumerate(lines):
        parts = _LITERAL.split(line)
        lines[i] = "".join(p if p.startswith("``") else p.replace("|", r"\|") for p in parts)


def setup(app):
    app.connect("autodoc-process-docstring", _escape_bars, priority=900)

"""The package's rooms and the direction of its imports (docs/workflow.rst, "Architecture").

model <- pairing <- observables <- studies <- plotting <- config <- cli: a module imports
only modules of its own room or of rooms below it; ``data`` imports no physics, and
every room may use it. Imports inside functions count as much as those at the top.
"""

import ast
from pathlib import Path

import pytest

import triplon

PACKAGE = Path(triplon.__file__).resolve().parent
FLOORS = {"model": 1, "pairing": 2, "observables": 3, "studies": 4, "plotting": 5, "config": 6, "cli": 7}
MAX_LINES = 650  # "readable in one sitting"


def room(module: str) -> str | None:
    """The room of ``triplon.<room>[.<...>]``; None for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def imported_modules(source: str) -> list[str]:
    """Every ``triplon`` module that ``source`` imports, anywhere in the file."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "triplon":
            if node.module == "triplon":  # from triplon import X: X may be a room
                out += [
                    f"triplon.{a.name}" if a.name in FLOORS or a.name == "data" else "triplon"
                    for a in node.names
                ]
            else:
                out.append(node.module)
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.split(".")[0] == "triplon"]
    return out


def violations(module: str, source: str) -> list[str]:
    """Imports of ``source`` (module ``module``) that run against the rooms' order."""
    here = room(module)
    if here is None:  # the package face hands on the band-parameter types
        return []
    bad = []
    for target in imported_modules(source):
        there = room(target)
        if there is None or there == here:
            continue
        if here == "data":
            bad.append(f"{module} imports {target}: data imports no physics")
        elif there != "data" and FLOORS[there] > FLOORS[here]:
            bad.append(f"{module} imports {target}: {here} is below {there}")
    return bad


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(p for p in rel.parts if p != "__init__")
        yield name, path


def test_every_module_lives_in_a_room():
    for name, _ in modules():
        assert name == "triplon" or room(name) in {*FLOORS, "data"}, name


def test_no_module_imports_a_higher_room():
    bad = [v for name, path in modules() for v in violations(name, path.read_text())]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    "module, source, expected",
    [
        ("triplon.model.dos", "from triplon.pairing.bcs import solve_full", 1),
        ("triplon.pairing.bcs", "def f():\n    from triplon.studies.paper import n_c_grid", 1),
        ("triplon.data.netcdf", "import triplon.model.params", 1),
        ("triplon.model.dos", "from triplon.data.provenance import var", 0),
        ("triplon.cli.app", "from triplon import studies", 0),
        ("triplon.studies.sweeps.grid", "from triplon import plotting", 1),
    ],
)
def test_the_check_itself(module, source, expected):
    assert len(violations(module, source)) == expected


def test_every_file_reads_in_one_sitting():
    long = {
        str(path.relative_to(PACKAGE)): n
        for _, path in modules()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, long

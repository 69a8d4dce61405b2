"""The documentation: it builds without a warning, runs its tutorial, and documents the public API.

The build is the one command of docs/conf.py (``sphinx-build -W --keep-going``), run on a
copy of docs/ so that the test never sees stale generated pages.
"""

import importlib
import inspect
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import triplon

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# public names without a docstring of their own, to be documented in their module
# (the test below fails once one of them gets a docstring: then delete it here)
KNOWN_UNDOCUMENTED: set[str] = set()

pytestmark = pytest.mark.slow


def public_modules() -> list[str]:
    """Every module of the package (the rooms' modules; subpackages only hand on their docstring)."""
    return sorted(
        m.name
        for m in pkgutil.walk_packages(triplon.__path__, "triplon.")
        if not m.ispkg and not m.name.rsplit(".", 1)[1].startswith("_")
    )


def api_page_modules() -> list[str]:
    """Modules listed, one per line, in the autosummary blocks of docs/api.rst."""
    listed = []
    for block in (DOCS / "api.rst").read_text().split(":toctree: generated")[1:]:
        listed += [line.strip() for line in block.split("\n\n", 2)[1].splitlines() if line.strip()]
    return listed


def rooms() -> list[str]:
    """The subpackages of triplon (its rooms)."""
    return sorted(m.name for m in pkgutil.walk_packages(triplon.__path__, "triplon.") if m.ispkg)


def has_own_docstring(module, name: str) -> bool:
    obj = getattr(module, name)
    if inspect.isclass(obj) or inspect.isroutine(obj):
        doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
        # a dataclass without a docstring gets its signature as __doc__
        return bool(doc and doc.strip()) and not doc.startswith(f"{obj.__name__}(")
    from sphinx.pycode import ModuleAnalyzer

    return ("", name) in ModuleAnalyzer.for_module(module.__name__).find_attr_docs()


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    src = tmp_path_factory.mktemp("docs") / "docs"
    shutil.copytree(
        DOCS, src, ignore=shutil.ignore_patterns("_build", "generated", "auto_examples", "_generated_cli")
    )
    out = src / "_build" / "html"
    r = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert r.returncode == 0, f"sphinx-build failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}"
    return out


def inventory(html: Path) -> set[str]:
    from sphinx.util.inventory import InventoryFile

    with open(html / "objects.inv", "rb") as fh:
        inv = InventoryFile.load(fh, "", lambda base, uri: uri)
    data = inv.data if hasattr(inv, "data") else inv
    return {name for domain, entries in data.items() if domain.startswith("py:") for name in entries}


def test_every_room_describes_itself_on_the_api_page():
    for name in rooms():
        assert importlib.import_module(name).__doc__.strip(), f"{name} has no docstring"
    listed = api_page_modules()
    for name in ("model", "pairing", "observables", "studies", "plotting", "data"):
        assert f"triplon.{name}" in listed, name


def test_every_module_is_on_the_api_page():
    listed = api_page_modules()
    missing = sorted(set(public_modules()) - set(listed))
    assert not missing, f"add one line per module to the autosummary list of docs/api.rst: {missing}"
    assert len(listed) == len(set(listed))


def test_every_public_name_has_a_docstring():
    undocumented = []
    for modname in ["triplon", *public_modules()]:
        module = importlib.import_module(modname)
        assert hasattr(module, "__all__"), f"{modname} defines no __all__"
        for name in module.__all__:
            assert hasattr(module, name), f"{modname}.__all__ names {name}, which does not exist"
            owner = module
            if modname == "triplon" and name != "__version__":  # re-exports: documented where defined
                owner = importlib.import_module(
                    getattr(getattr(module, name), "__module__", None) or "triplon.model.params"
                )
            if not has_own_docstring(owner, name):
                undocumented.append(f"{modname}.{name}")
    assert set(undocumented) == KNOWN_UNDOCUMENTED, (
        f"undocumented public names: {sorted(set(undocumented) - KNOWN_UNDOCUMENTED)}; "
        f"documented now, delete from KNOWN_UNDOCUMENTED: {sorted(KNOWN_UNDOCUMENTED - set(undocumented))}"
    )


def test_every_public_name_is_in_the_api_reference(html):
    documented = inventory(html)
    missing = []
    for modname in public_modules():
        module = importlib.import_module(modname)
        missing += [f"{modname}.{n}" for n in module.__all__ if f"{modname}.{n}" not in documented]
        assert modname in documented
    for name in triplon.__all__:
        target = "triplon.__version__" if name == "__version__" else f"triplon.model.params.{name}"
        if target not in documented:
            missing.append(target)
    assert not missing, f"public names missing from the API reference: {missing}"
    api = (html / "api.html").read_text()
    for name in triplon.__all__:
        assert name in api


def test_the_tutorial_ran_at_build_time(html):
    page = (html / "auto_examples" / "plot_tutorial.html").read_text()
    # printed by the executed code: the paper's filling and the phase diagram's repr
    assert re.search(r"mu = -0\.65\d+ eV at n_c = 0\.4500", page)
    assert "Dimensions:" in page and "converged_fraction" in page
    # the tunneling spectrum at the paper's point: the beta and alpha coherence peaks
    # (132.3 and 210.3 meV at T = 2 meV, Gamma = 1 meV; see tests/test_spectrum.py)
    assert re.search(r"coherence peak at 13\d\.\d meV\s+\(nearest gap extremum: beta max\)", page)
    assert re.search(r"coherence peak at 21\d\.\d meV\s+\(nearest gap extremum: alpha max\)", page)
    # retarded exchange: the dip about omega_T = 50 meV above the gap edge
    assert re.search(r"mode energy 5\d\.\d meV \(omega_T = 50 meV\)", page)
    images = sorted((html / "_images").glob("sphx_glr_plot_tutorial_*.png"))
    assert len([p for p in images if "thumb" not in p.name]) >= 4


def test_cli_page_shows_the_installed_options(html):
    page = (html / "cli.html").read_text()
    for option in ("--n-c", "--lam", "--kappa", "--json", "provenance"):
        assert option in page
    # triplon spectrum: its own section with the generated option list
    for option in ("triplon spectrum", "--gamma", "--matrix-element", "--gap-model", "--weights"):
        assert option in page, option


def test_pages_exist(html):
    for page in ("index", "physics", "workflow", "cli", "slurm", "api"):
        assert (html / f"{page}.html").stat().st_size > 5000
    contract = (html / "workflow.html").read_text()
    for path in ("phase_diagram.nc", "fit.nc", "results/paper", "results/figures", "results/experiments"):
        assert path in contract
    physics = (html / "physics.html").read_text()
    for term in ("Tunneling spectra", "Comparison with experiment", "Dynes", "fit_bounds"):
        assert term in physics or term in contract, term

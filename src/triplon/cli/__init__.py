"""The ``triplon`` command line (top room: it may import every room below it).

:mod:`triplon.cli.options` holds the ranged options shared by the subcommands,
:mod:`triplon.cli.commands` the subcommands themselves (bands, gap, spectrum,
provenance) and :mod:`triplon.cli.app` the parser and :func:`main`, which the
``triplon`` console script calls. Physics is imported inside the commands, so
that ``triplon --help`` starts fast.
"""

from triplon.cli.app import build_parser as build_parser
from triplon.cli.app import main as main

__all__: list[str] = []
# the interface of this package is the command line (docs/cli.rst); main and build_parser
# are handed on for the console script and the documentation

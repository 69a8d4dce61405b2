"""``python -m triplon.cli``: the ``triplon`` command."""

import sys

from triplon.cli.app import main

sys.exit(main())

"""``python -m kiji.cli``: the same as the ``kiji`` command."""

import sys

from .main import main

sys.exit(main())

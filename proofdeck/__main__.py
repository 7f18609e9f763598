"""``python -m proofdeck`` is the ``proofdeck`` command (see :mod:`proofdeck.cli`)."""

import sys

from proofdeck.cli import main

if __name__ == "__main__":
    sys.exit(main())

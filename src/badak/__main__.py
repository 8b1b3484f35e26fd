"""``python -m badak`` runs the ``badak`` command."""

import sys

from badak.cli import main

sys.exit(main())

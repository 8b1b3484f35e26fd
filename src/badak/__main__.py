"""``python -m badak`` runs the ``badak`` command."""

import sys

from badak.interfaces.cli import main

sys.exit(main())

"""``python -m bot`` is the ``meetbot`` command."""

import sys

from bot.cli import main

sys.exit(main())

"""``python -m generator`` is the ``catalog`` command."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())

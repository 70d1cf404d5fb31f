"""``python -m generator`` is the ``catalog`` command."""

from __future__ import annotations

from .entry import main

main()

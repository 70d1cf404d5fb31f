"""A province's catalog of administrative procedures: validate, import, build and export."""

from __future__ import annotations

__version__ = "0.1.0"

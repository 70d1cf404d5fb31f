"""Numbers, money, dates and durations written the Vietnamese way: ``50.000 đ``, ``01/07/2025``,
``3 ngày làm việc``, ``0,5 ngày``."""

from __future__ import annotations

import re
from typing import Any

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def number(value: float) -> str:
    """``1500`` → ``1.500``; ``0.5`` → ``0,5``; ``2.0`` → ``2``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        sign = "-" if value < 0 else ""
        return sign + f"{abs(value):,}".replace(",", ".")
    whole, _, fraction = f"{value:.6f}".rstrip("0").partition(".")
    return f"{number(int(whole))},{fraction}" if fraction else number(int(whole))


def money(amount: Any) -> str:
    """An amount in đồng: ``50000`` → ``50.000 đ``. Text is returned as it is."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        return str(amount)
    return f"{number(amount)} đ"


def date(text: Any) -> str:
    """``2025-07-01`` → ``01/07/2025``; anything else unchanged."""
    match = _ISO_DATE.match(text) if isinstance(text, str) else None
    return f"{match.group(3)}/{match.group(2)}/{match.group(1)}" if match else str(text)


def boolean(value: bool) -> str:
    return "có" if value else "không"

"""The site's Vietnamese words for the catalog's codes (from :mod:`generator.vocabulary`), and Vietnamese
formatting of money, time and dates."""

from __future__ import annotations

from .. import vi_format
from ..model import Fee, ProcessingTime

from ..vocabulary import (
    AGENCY_ROLES,
    APPLICANT_GROUPS,
    APPLICANTS,
    CHANNELS,
    ONLINE_LEVELS,
    ONLINE_SHORT,
    PROCEDURE_TYPES,
    STATUSES,
    TASK_STATUSES,
    UNITS,
)

# The site's words, re-exported for the pages, the search and the templates.
__all__ = ["AGENCY_ROLES", "APPLICANTS", "APPLICANT_GROUPS", "CHANNELS", "ONLINE_LEVELS", "ONLINE_SHORT",
           "PROCEDURE_TYPES", "STATUSES", "TASK_STATUSES", "UNITS", "date_vi", "duration", "fee", "fee_summary",
           "money"]


def money(amount: int) -> str:
    """50000 → '50.000 đ'; 0 → 'Miễn phí'."""
    return "Miễn phí" if amount == 0 else vi_format.money(amount)


def duration(time: ProcessingTime | None) -> str:
    """ProcessingTime(value=5, unit='working_days') → '5 ngày làm việc'; text kept as it is."""
    if time is None:
        return "Không quy định"
    if time.value is not None and time.unit is not None:
        return f"{vi_format.number(time.value)} {UNITS[time.unit]}"
    return time.text or ""


def fee(item: Fee) -> str:
    if item.amount is not None:
        return money(item.amount)
    return item.text or ""


def fee_summary(fees: list[Fee]) -> str:
    """One short phrase for a list of fees: 'Miễn phí', '50.000 đ', 'Từ 50.000 đ đến 100.000 đ'."""
    amounts = sorted({f.amount for f in fees if f.amount is not None})
    if not fees:
        return "Không quy định"
    if not amounts:
        return "Xem chi tiết"
    if len(amounts) == 1:
        return money(amounts[0])
    return f"Từ {money(amounts[0])} đến {money(amounts[-1])}".replace("Từ Miễn phí", "Từ 0 đ")


def date_vi(iso: str | None) -> str:
    """'2025-07-01' → '01/07/2025'."""
    return vi_format.date(iso) if iso else ""

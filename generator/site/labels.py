"""The site's Vietnamese words for the catalog's codes (from :mod:`generator.vocabulary`), and Vietnamese
formatting of money, time and dates."""

from __future__ import annotations

import re

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
__all__ = [
    "AGENCY_ROLES",
    "APPLICANTS",
    "APPLICANT_GROUPS",
    "CHANNELS",
    "ONLINE_LEVELS",
    "ONLINE_SHORT",
    "PROCEDURE_TYPES",
    "STATUSES",
    "TASK_STATUSES",
    "UNITS",
    "date_vi",
    "duration",
    "fee",
    "fee_summary",
    "money",
]


def money(amount: int) -> str:
    """50000 → '50.000 đ'; 0 → 'Miễn phí'."""
    return "Miễn phí" if amount == 0 else vi_format.money(amount)


UNKNOWN_UNIT = "chưa có thông tin về đơn vị"
# The units a time can be counted in; any other value (none, or the importer's explicit "unknown"
# unit) is shown as a number whose unit the source does not give.
COUNTED_UNITS = frozenset({"working_days", "days", "hours", "months"})
UNKNOWN_TIME = "chưa có thông tin về thời hạn cụ thể"
NO_TIME = "Chưa có thông tin"
# A time written in words names its unit ("15 ngày", "trong ngày", "03 tháng"); one without a unit
# word but with a number ("1") lacks it in the source.
_UNIT_WORDS = re.compile(r"\b(?:ngày|giờ|tháng|năm|phút|tuần)\b", re.IGNORECASE)


def duration(time: ProcessingTime | None) -> str:
    """ProcessingTime(value=5, unit='working_days') → '5 ngày làm việc'; a value without a known unit
    (none, or an explicit unknown) → '5 (chưa có thông tin về đơn vị)'; text as it is, with the same
    note when it is a number without a unit; no time at all → 'Chưa có thông tin'."""
    if time is None:
        return NO_TIME
    text = (time.text or "").strip()
    if time.value is not None:
        unit = UNITS.get(str(time.unit)) if str(time.unit) in COUNTED_UNITS else None
        shown = (
            f"{vi_format.number(time.value)} {unit}"
            if unit
            else f"{vi_format.number(time.value)} ({UNKNOWN_UNIT})"
        )
        return f"{shown} — {text}" if text and text != str(time.value) else shown
    if not text:
        return NO_TIME
    if _UNIT_WORDS.search(text):
        return text
    if re.search(r"\d", text):
        return f"{text} ({UNKNOWN_UNIT})"
    return f"{text} ({UNKNOWN_TIME})"  # "Không quy định", "Không phải trả kết quả…": no time to count on


def fee(item: Fee) -> str:
    if item.amount is not None:
        return money(item.amount)
    return item.text or ""


def fee_summary(fees: list[Fee]) -> str:
    """One short phrase for a list of fees: 'Miễn phí', '50.000 đ', 'Từ 50.000 đ đến 100.000 đ'."""
    amounts = sorted({f.amount for f in fees if f.amount is not None})
    if not fees:
        return NO_TIME  # the source gives none: unknown, not "free"
    if not amounts:
        return "Xem chi tiết"
    if len(amounts) == 1:
        return money(amounts[0])
    return f"Từ {money(amounts[0])} đến {money(amounts[-1])}".replace("Từ Miễn phí", "Từ 0 đ")


def date_vi(iso: str | None) -> str:
    """'2025-07-01' → '01/07/2025'."""
    return vi_format.date(iso) if iso else ""

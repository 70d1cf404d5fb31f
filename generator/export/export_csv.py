"""procedures.csv: one row per procedure, for people who work in spreadsheets.

UTF-8 with a byte order mark (so Excel reads Vietnamese correctly), comma-separated, every cell
quoted when needed, CRLF line ends (RFC 4180). Column headers are Vietnamese, as the province's own
tracking sheets are. Lists in one cell are joined with "; ". A cell that a spreadsheet would take
for a formula (starting with = + - @) gets a leading apostrophe, which spreadsheets hide.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from .. import vi_format
from ..vocabulary import CSV_CHANNELS as CHANNELS
from ..vocabulary import CSV_ONLINE_LEVELS as ONLINE_LEVELS
from ..vocabulary import CSV_STATUSES as STATUSES
from ..vocabulary import FEE_KINDS, UNITS
from ..vocabulary import PORTAL_APPLICANTS as APPLICANT_NAMES
from .export_items import ExportContext

# (header, English meaning for the documentation)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Mã TTHC", "code"),
    ("Tên thủ tục", "name"),
    ("Lĩnh vực", "sector name"),
    ("Cấp thực hiện", "level names"),
    ("Cơ quan thực hiện", "implementing agencies' names"),
    ("Cơ quan có thẩm quyền", "competent agencies' names"),
    ("Đối tượng thực hiện", "applicant types"),
    ("Mức độ dịch vụ công trực tuyến", "online level: Toàn trình / Một phần / Chưa cung cấp"),
    ("Cách thức thực hiện", "channels"),
    ("Thời hạn giải quyết", "processing time per channel"),
    ("Phí, lệ phí", "fees per channel"),
    ("Tiếp nhận không phụ thuộc địa giới", "levels at which the procedure is location-independent"),
    ("Bưu chính công ích", "postal: receiving dossiers, returning results"),
    ("Quyết định công bố", "publishing decision's number"),
    ("Có hiệu lực từ", "effective_from"),
    ("Trạng thái", "status"),
    ("Ngày kiểm tra", "last_verified"),
    ("Trang Cổng DVC quốc gia", "national_portal_url"),
    ("Dữ liệu mẫu", "\"Có\" when the record is sample data"),
    ("Xem trước", "\"Có\" for draft items, in preview builds only"),
    ("Dữ liệu JSON", "the procedure's JSON URL"),
)
HEADERS = tuple(header for header, _ in COLUMNS)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def money(amount: int) -> str:
    return f"{vi_format.number(amount)} đồng"


def _number(value: Any) -> str:
    return vi_format.number(value) if isinstance(value, (int, float)) else str(value)


def _join(values: Iterable[Any]) -> str:
    seen: list[str] = []
    for value in values:
        text = str(value)
        if text and text not in seen:
            seen.append(text)
    return "; ".join(seen)


def _time(channel: dict[str, Any]) -> str:
    time = channel.get("processing_time")
    if not time:
        return ""
    if "value" in time and "unit" in time:
        return f"{_number(time['value'])} {UNITS.get(time['unit'], time['unit'])}"
    return str(time.get("text", ""))


def _fee(fee: dict[str, Any]) -> str:
    kind = FEE_KINDS.get(fee.get("kind", ""), "")
    value = money(int(fee["amount"])) if "amount" in fee else str(fee.get("text", ""))
    text = f"{kind}: {value}" if kind else value
    if fee.get("description") and fee.get("description") != value:
        text += f" ({fee['description']})"
    return text


def _per_channel(item: dict[str, Any], describe: Any) -> str:
    parts = []
    for channel in item.get("channels", []):
        text = describe(channel)
        if text:
            label = CHANNELS.get(channel.get("channel"), "")
            if channel.get("case"):
                label += f", {channel['case']}"
            parts.append(f"{label}: {text}")
    return _join(parts)


def row(item: dict[str, Any], ctx: ExportContext) -> list[str]:
    sector = ctx.sectors.get(str(item.get("sector")), {})
    agencies = item.get("agencies", {})
    postal = item.get("postal", {})

    def agency_names(role: str) -> str:
        return _join(ctx.agencies.get(a, {}).get("name", a) for a in agencies.get(role, []))

    lists = item.get("location_independent", [])
    postal_parts = [label for key, label in (("receive", "Tiếp nhận hồ sơ"), ("return_results", "Trả kết quả"))
                    if postal.get(key)]
    return [
        str(item.get("code", "")),
        str(item.get("name", "")),
        str(sector.get("name", item.get("sector", ""))),
        _join(ctx.levels.get(level, {}).get("name", level) for level in item.get("levels", [])),
        agency_names("implementing"),
        agency_names("competent"),
        _join(APPLICANT_NAMES.get(a, a) for a in item.get("applicant_types", [])),
        ONLINE_LEVELS.get(str(item.get("online_level")), ""),
        _join(CHANNELS.get(c.get("channel"), "") for c in item.get("channels", [])),
        _per_channel(item, _time),
        _per_channel(item, lambda c: _join(_fee(f) for f in c.get("fees", []))),
        _join(ctx.levels.get(level, {}).get("name", level) for mark in lists for level in mark.get("levels", [])),
        _join(postal_parts),
        str(item.get("decision", "")),
        str(item.get("effective_from", "")),
        STATUSES.get(str(item.get("status")), str(item.get("status", ""))),
        str(item.get("last_verified", "")),
        str(item.get("national_portal_url", "")),
        "Có" if item.get("sample") else "",
        "Có" if item.get("preview") else "",
        str(item.get("@id", "")),
    ]


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA) else cell


def procedures_csv(items: Iterable[dict[str, Any]], ctx: ExportContext) -> bytes:
    """The whole CSV file, BOM first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for item in items:
        writer.writerow([_safe(cell) for cell in row(item, ctx)])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")

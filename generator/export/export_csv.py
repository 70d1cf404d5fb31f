"""procedures.csv: one row per procedure, for people who work in spreadsheets.

UTF-8 with a byte order mark (so Excel reads Vietnamese correctly), comma-separated, every cell
quoted when needed, CRLF line ends (RFC 4180). Column headers are Vietnamese, as the province's own
tracking sheets are. Lists in one cell are joined with "; ". A cell that a spreadsheet would take
for a formula (starting with = + - @) gets a leading apostrophe, which spreadsheets hide.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from .. import vi_format
from ..model import Channel, Fee, Procedure
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
    ("Dữ liệu mẫu", '"Có" when the record is sample data'),
    ("Xem trước", '"Có" for draft items, in preview builds only'),
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


def _time(channel: Channel) -> str:
    time = channel.processing_time
    if time is None:
        return ""
    if time.value is not None and time.unit is not None:
        return f"{_number(time.value)} {UNITS.get(time.unit, time.unit)}"
    return time.text or ""


def _fee(fee: Fee) -> str:
    kind = FEE_KINDS.get(fee.kind, "") if fee.kind is not None else ""
    value = money(int(fee.amount)) if fee.amount is not None else (fee.text or "")
    text = f"{kind}: {value}" if kind else value
    if fee.description and fee.description != value:
        text += f" ({fee.description})"
    return text


def _per_channel(procedure: Procedure, describe: Callable[[Channel], str]) -> str:
    parts = []
    for channel in procedure.channels:
        text = describe(channel)
        if text:
            label = CHANNELS.get(channel.channel, "")
            if channel.case:
                label += f", {channel.case}"
            parts.append(f"{label}: {text}")
    return _join(parts)


def row(procedure: Procedure, ctx: ExportContext) -> list[str]:
    sector = ctx.sectors.get(procedure.sector)

    def agency_names(ids: tuple[str, ...]) -> str:
        return _join(a.name if (a := ctx.agencies.get(agency_id)) else agency_id for agency_id in ids)

    def level_names(levels: Iterable[str]) -> str:
        return _join(lv.name if (lv := ctx.levels.get(level)) else level for level in levels)

    marks = ctx.lists_by_code.get(procedure.code, [])
    postal = procedure.postal
    postal_parts = [
        label
        for wanted, label in (
            (postal and postal.receive, "Tiếp nhận hồ sơ"),
            (postal and postal.return_results, "Trả kết quả"),
        )
        if wanted
    ]
    return [
        procedure.code,
        procedure.name,
        sector.name if sector else procedure.sector,
        level_names(procedure.levels),
        agency_names(procedure.agencies.implementing),
        agency_names(procedure.agencies.competent),
        _join(APPLICANT_NAMES.get(a, a) for a in procedure.applicant_types),
        ONLINE_LEVELS.get(procedure.online_level, ""),
        _join(CHANNELS.get(c.channel, "") for c in procedure.channels),
        _per_channel(procedure, _time),
        _per_channel(procedure, lambda c: _join(_fee(f) for f in c.fees)),
        level_names(level for mark in marks for level in mark.levels),
        _join(postal_parts),
        procedure.decision,
        procedure.effective_from or "",
        STATUSES.get(procedure.status, procedure.status.value),
        procedure.last_verified or "",
        procedure.national_portal_url or "",
        "Có" if procedure.sample else "",
        "Có" if procedure.is_preview else "",
        ctx.procedure_url(procedure),
    ]


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA) else cell


def procedures_csv(procedures: Iterable[Procedure], ctx: ExportContext) -> bytes:
    """The whole CSV file of the published procedures, BOM first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for procedure in procedures:
        writer.writerow([_safe(cell) for cell in row(procedure, ctx)])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")

"""A procedure in the national database's own record shape (CSDL quốc gia về TTHC).

The keys and code lists are those of the package a provincial one-stop system downloads from the
national database, as far as public material shows them; docs/open-data.md has the mapping table
and what has no counterpart (a test checks that it names every key). Values are strings where the national record has strings
(codes, counts, amounts), as in the public code that reads it.

What the record cannot say is left out rather than invented: no MAGIAYTO, MAPHILEPHI, MADOITUONG or
MACOQUANCONGBO (the national ids are not in the catalog), no LOAITTHC code (its code list is not
public, so the portal's wording is given), dates stay ISO 8601 (YYYY-MM-DD).
"""

from __future__ import annotations

from typing import Any

from .. import vocabulary
from ..model import Channel, Document, Fee, LegalBasis, Procedure, ProcedureStatus
from .export_items import ExportContext

CHANNEL_CODES = vocabulary.PORTAL_CHANNEL_CODES
UNIT_NAMES = vocabulary.PORTAL_UNITS
PROCEDURE_TYPE_NAMES = vocabulary.PORTAL_PROCEDURE_TYPES
APPLICANT_NAMES = vocabulary.PORTAL_APPLICANTS
CURRENCY = "Việt Nam Đồng"
PUBLISHED = "1"  # TRANGTHAI 1 = đã công bố
AGENCY_FIELDS = (
    ("implementing", "COQUANTHUCHIEN"),
    ("competent", "COQUANCOTHAMQUYEN"),
    ("authorised", "COQUANDUOCUYQUYEN"),
    ("coordinating", "COQUANPHOIHOP"),
)


def _number(value: Any) -> str:
    """5 → '5', 0.5 → '0.5': the national record writes numbers as text."""
    if type(value) is float and value.is_integer():
        value = int(value)
    return str(value)


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is absent or empty, so the record holds only what is known (every value
    here is text, a list or a mapping, so "empty" is "false")."""
    return {key: value for key, value in record.items() if value}


def _lines(*parts: Any) -> str:
    return "\n".join([str(part) for part in parts if part])


def national_record(procedure: Procedure, ctx: ExportContext) -> dict[str, Any]:
    """The national-shape record of one exported procedure."""
    p = procedure
    sector = ctx.sectors.get(p.sector)
    record: dict[str, Any] = {
        "MATTHC": p.code,
        "TENTTHC": p.name,
        "MOTA": p.description,
        "LOAITTHC": PROCEDURE_TYPE_NAMES.get(p.procedure_type) if p.procedure_type is not None else None,
        "TRANGTHAI": PUBLISHED if p.status == ProcedureStatus.ACTIVE else None,
        "IDQUYETDINHCONGBO": p.decision,
        "CAPTHUCHIEN": _levels(p, ctx),
        "LINHVUCTHUCHIEN": [
            _compact(
                {
                    "MALINHVUC": sector.code if sector else None,
                    "TENLINHVUC": sector.name if sector else p.sector,
                }
            )
        ],
        "DOITUONGTHUCHIEN": [
            {"TENDOITUONG": APPLICANT_NAMES[a]} for a in p.applicant_types if a in APPLICANT_NAMES
        ],
        "TRINHTUTHUCHIEN": [
            _compact({"TRUONGHOP": group.case, "TRINHTU": [{"TENTRINHTU": step} for step in group.items]})
            for group in p.steps
        ],
        "CACHTHUCTHUCHIEN": _channels(p.channels),
        "THANHPHANHOSO": [
            _compact({"TRUONGHOP": group.case, "GIAYTO": [_document(d) for d in group.documents]})
            for group in p.dossier
        ],
        "KETQUATHUCHIEN": [_compact({"MAKETQUA": r.code, "TENKETQUA": r.name}) for r in p.results],
        "CANCUPHAPLY": [_legal(law) for law in p.legal_basis],
        "YEUCAU": p.conditions,
        "DIACHITIEPNHAN": p.receiving_address,
        "TTHCLIENQUAN": list(p.related),
        "TUKHOA": ", ".join(p.keywords),
    }
    for role, key in AGENCY_FIELDS:
        ids = getattr(p.agencies, role)
        if ids:
            record[key] = [_agency(agency_id, ctx) for agency_id in ids]
    record = _compact(record)
    if p.is_preview:
        record["preview"] = True
    return record


def _levels(procedure: Procedure, ctx: ExportContext) -> list[dict[str, str]]:
    out = []
    for level_id in procedure.levels:
        level = ctx.levels.get(level_id)
        if level is not None:
            out.append(_compact({"CAPTHUCHIEN": str(level.national_code), "TENCAP": level.name}))
    return out


def _agency(agency_id: str, ctx: ExportContext) -> dict[str, str]:
    agency = ctx.agencies.get(agency_id)
    if agency is None:
        return {"TENDONVI": agency_id}
    return _compact({"MADONVI": agency.unit_code, "TENDONVI": agency.name})


def _legal(law: LegalBasis) -> dict[str, str]:
    return _compact(
        {
            "SOVANBAN": law.number,
            "TENVANBAN": law.title,
            "COQUANBANHANH": law.issuer,
            "NGAYBANHANH": law.issued_on,
            "NGAYHIEULUC": law.effective_on,
            "DIACHITRUYCAP": law.url,
        }
    )


def _channels(channels: tuple[Channel, ...]) -> list[dict[str, Any]]:
    """One CACHTHUCTHUCHIEN per channel, in order of first appearance; each of the catalog's
    entries for that channel (one per case) is one THOIGIAN."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for channel in channels:
        grouped.setdefault(CHANNEL_CODES[channel.channel], []).append(_time(channel))
    return [{"KENH": code, "THOIGIAN": times} for code, times in grouped.items()]


def _time(channel: Channel) -> dict[str, Any]:
    time = channel.processing_time
    numeric = time is not None and time.value is not None and time.unit is not None
    return _compact(
        {
            "THOIGIANGIAIQUYET": _number(time.value) if time is not None and numeric else None,
            "DONVITINH": (
                UNIT_NAMES.get(time.unit)
                if time is not None and time.unit not in (None, "unknown") and numeric
                else None
            ),
            "MOTA": _lines(channel.case, None if numeric or time is None else time.text, channel.description),
            "PHILEPHI": [_fee(fee) for fee in channel.fees],
        }
    )


def _fee(fee: Fee) -> dict[str, str]:
    out = {"SOTIEN": _number(fee.amount), "DONVI": CURRENCY} if fee.amount is not None else {}
    text = _lines(fee.text, fee.description)
    if text:
        out["MOTA"] = text
    return out


def _document(document: Document) -> dict[str, str]:
    out = {"TENGIAYTO": document.name} if document.name else {}
    form = document.form
    if form is not None:
        out["TENMAUDON"] = form.name
        if form.url:
            out["URL"] = form.url
    if document.originals is not None:
        out["SOBANCHINH"] = _number(document.originals)
    if document.copies is not None:
        out["SOBANSAO"] = _number(document.copies)
    return out

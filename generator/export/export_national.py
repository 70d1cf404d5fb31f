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
from .export_items import ExportContext

CHANNEL_CODES = vocabulary.PORTAL_CHANNEL_CODES
UNIT_NAMES = vocabulary.PORTAL_UNITS
PROCEDURE_TYPE_NAMES = vocabulary.PORTAL_PROCEDURE_TYPES
APPLICANT_NAMES = vocabulary.PORTAL_APPLICANTS
CURRENCY = "Việt Nam Đồng"
PUBLISHED = "1"  # TRANGTHAI 1 = đã công bố
AGENCY_FIELDS = (("implementing", "COQUANTHUCHIEN"), ("competent", "COQUANCOTHAMQUYEN"),
                 ("authorised", "COQUANDUOCUYQUYEN"), ("coordinating", "COQUANPHOIHOP"))


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


def national_record(item: dict[str, Any], ctx: ExportContext) -> dict[str, Any]:
    """The national-shape record of one exported procedure item."""
    sector = ctx.sectors.get(str(item.get("sector")), {})
    agencies = item.get("agencies", {})
    record: dict[str, Any] = {
        "MATTHC": item.get("code"),
        "TENTTHC": item.get("name"),
        "MOTA": item.get("description"),
        "LOAITTHC": PROCEDURE_TYPE_NAMES.get(str(item.get("procedure_type"))),
        "TRANGTHAI": PUBLISHED if item.get("status") == "active" else None,
        "IDQUYETDINHCONGBO": item.get("decision"),
        "CAPTHUCHIEN": _levels(item, ctx),
        "LINHVUCTHUCHIEN": [_compact({"MALINHVUC": sector.get("code"),
                                      "TENLINHVUC": sector.get("name", item.get("sector"))})],
        "DOITUONGTHUCHIEN": [{"TENDOITUONG": APPLICANT_NAMES[a]} for a in item.get("applicant_types", ())
                             if a in APPLICANT_NAMES],
        "TRINHTUTHUCHIEN": [_compact({"TRUONGHOP": group.get("case"),
                                      "TRINHTU": [{"TENTRINHTU": step} for step in group.get("items", ())]})
                            for group in item.get("steps", ())],
        "CACHTHUCTHUCHIEN": _channels(item.get("channels", ())),
        "THANHPHANHOSO": [_compact({"TRUONGHOP": group.get("case"),
                                    "GIAYTO": [_document(d) for d in group.get("documents", ())]})
                          for group in item.get("dossier", ())],
        "KETQUATHUCHIEN": [_compact({"MAKETQUA": r.get("code"), "TENKETQUA": r.get("name")})
                           for r in item.get("results", ())],
        "CANCUPHAPLY": [_legal(law) for law in item.get("legal_basis", ())],
        "YEUCAU": item.get("conditions"),
        "DIACHITIEPNHAN": item.get("receiving_address"),
        "TTHCLIENQUAN": item.get("related"),
        "TUKHOA": ", ".join(item.get("keywords", ())),
    }
    for role, key in AGENCY_FIELDS:
        ids = agencies.get(role)
        if ids:
            record[key] = [_agency(agency_id, ctx) for agency_id in ids]
    record = _compact(record)
    if item.get("preview"):
        record["preview"] = True
    return record


def _levels(item: dict[str, Any], ctx: ExportContext) -> list[dict[str, str]]:
    out = []
    for level_id in item.get("levels", ()):
        level = ctx.levels.get(level_id, {})
        if "national_code" in level:
            out.append(_compact({"CAPTHUCHIEN": str(level["national_code"]), "TENCAP": level.get("name")}))
    return out


def _agency(agency_id: str, ctx: ExportContext) -> dict[str, str]:
    agency = ctx.agencies.get(agency_id, {})
    return _compact({"MADONVI": agency.get("unit_code"), "TENDONVI": agency.get("name", agency_id)})


def _legal(law: dict[str, Any]) -> dict[str, str]:
    return _compact({"SOVANBAN": law.get("number"), "TENVANBAN": law.get("title"),
                     "COQUANBANHANH": law.get("issuer"), "NGAYBANHANH": law.get("issued_on"),
                     "NGAYHIEULUC": law.get("effective_on"), "DIACHITRUYCAP": law.get("url")})


def _channels(channels: Any) -> list[dict[str, Any]]:
    """One CACHTHUCTHUCHIEN per channel, in order of first appearance; each of the catalog's
    entries for that channel (one per case) is one THOIGIAN."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for channel in channels:
        grouped.setdefault(CHANNEL_CODES[channel["channel"]], []).append(_time(channel))
    return [{"KENH": code, "THOIGIAN": times} for code, times in grouped.items()]


def _time(channel: dict[str, Any]) -> dict[str, Any]:
    time = channel.get("processing_time", {})
    numeric = "value" in time and "unit" in time
    return _compact({
        "THOIGIANGIAIQUYET": _number(time["value"]) if numeric else None,
        "DONVITINH": UNIT_NAMES.get(time["unit"]) if numeric else None,
        "MOTA": _lines(channel.get("case"), None if numeric else time.get("text"), channel.get("description")),
        "PHILEPHI": [_fee(fee) for fee in channel.get("fees", ())],
    })


def _fee(fee: dict[str, Any]) -> dict[str, str]:
    out = {"SOTIEN": _number(fee["amount"]), "DONVI": CURRENCY} if "amount" in fee else {}
    text = _lines(fee.get("text"), fee.get("description"))
    if text:
        out["MOTA"] = text
    return out


def _document(document: dict[str, Any]) -> dict[str, str]:
    out = {"TENGIAYTO": document["name"]} if document.get("name") else {}
    form = document.get("form")
    if form:
        out["TENMAUDON"] = form["name"]
        if form.get("url"):
            out["URL"] = form["url"]
    if "originals" in document:
        out["SOBANCHINH"] = _number(document["originals"])
    if "copies" in document:
        out["SOBANSAO"] = _number(document["copies"])
    return out

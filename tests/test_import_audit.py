"""A 30-record field audit: what the importer wrote against the record's page text (``raw_text``).

The records are drawn with a fixed seed from the in-scope shared records. The extraction here is
written apart from the importer's parser, from the page as a person reads it: the "Cách Thức Thực
Hiện" table (one row per channel: time, fee, description), the "Thành phần hồ sơ" table (each
document's name followed by its quantity) and the "Căn cứ pháp lý" table (title, number). It
checks channels (kinds and order), times (value and unit, or an unknown unit for a bare number),
fees (amounts in đồng, "Miễn phí" as 0 unless its note states a price), document counts, legal
numbers and the dates given in their titles. Skipped where ../shared is absent.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from generator.importer.dvcqg_parse import parse_record
from generator.importer.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
RECORDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "dvcqg" / "records"
SEED, SAMPLE = 20261201, 30
KINDS = {"Trực tiếp": "in_person", "Trực tuyến": "online", "Dịch vụ bưu chính": "postal"}
UNIT_WORDS = {"Ngày làm việc": "working_days", "Ngày": "days", "Giờ": "hours", "Tháng": "months"}


def between(text: str, start: str, end: str) -> str:
    i = text.find(start)
    if i < 0:
        return ""
    j = text.find(end, i + len(start))
    return text[i + len(start) : j if j >= 0 else len(text)]


def rows(raw: str) -> list[tuple[str, str]]:
    """(channel kind, the row's text after the channel name) from the page's channel table."""
    table = between(raw, "Hình thức nộpThời gianPhí, lệ phíMô tả", "Thành phần hồ sơ")
    cut = [
        m.start()
        for m in re.finditer("Trực tiếp|Trực tuyến|Dịch vụ bưu chính", table)
        if m.end() < len(table) and table[m.end()] not in " :,;."
    ]
    out = []
    for a, b in zip(cut, [*cut[1:], len(table)], strict=True):
        name = next(n for n in KINDS if table.startswith(n, a))
        out.append((KINDS[name], table[a + len(name) : b]))
    return out


def expected_time(row: str) -> dict[str, Any] | None:
    """The time a row starts with, or None when it cannot be told for certain here."""
    m = re.match(r"(\d+)(?:[.,](\d+))? ?(Ngày làm việc|Ngày|Giờ|Tháng)", row)
    if m:
        value = float(f"{m.group(1)}.{m.group(2) or 0}")
        return {"value": int(value) if value.is_integer() else value, "unit": UNIT_WORDS[m.group(3)]}
    m = re.match(r"(\d+)(?=Miễn phí|Không có thông tin)", row)
    if m and int(m.group(1)) > 0:
        return {"value": int(m.group(1)), "unit": "unknown"}
    return None


def expected_first_fee(row: str) -> int | None:
    """The first fee in đồng when the page states it plainly, else None."""
    after = re.sub(r"^\d+(?:[.,]\d+)? ?(?:Ngày làm việc|Ngày|Giờ|Tháng)?", "", row)
    m = re.match(r"(\d{1,3}(?:,\d{3})+|\d{4,}) ?(?:Việt Nam Đồng|VNĐ|Đồng)", after)
    if m:
        return int(m.group(1).replace(",", ""))
    if after.startswith("Miễn phí"):
        note = re.match(r"Miễn phí(\((?:[^()]|\([^()]*\))*\))?", after)
        stated = re.findall(r"(\d{1,3}(?:\.\d{3})+) ?(?:đồng|VNĐ|đ)", note.group(1) or "") if note else []
        return int(stated[0].replace(".", "")) if stated else 0
    return None


def dates_written(day: int, month: int, year: int) -> list[str]:
    return [
        f"ngày {d}/{m}/{year}" for d in {str(day), f"{day:02d}"} for m in {str(month), f"{month:02d}"}
    ] + [
        f"ngày {d} tháng {m} năm {year}"
        for d in {str(day), f"{day:02d}"}
        for m in {str(month), f"{month:02d}"}
    ]


def audit(record: dict[str, Any], procedure: dict[str, Any]) -> list[str]:
    raw = unicodedata.normalize("NFC", record["raw_text"]).replace("\xa0", " ")
    problems: list[str] = []
    code = procedure["code"]
    page_rows = rows(raw)
    channels = procedure.get("channels", [])
    if [k for k, _ in page_rows] != [c["channel"] for c in channels]:
        problems.append(
            f"{code}: channels {[c['channel'] for c in channels]} but the page has "
            f"{[k for k, _ in page_rows]}"
        )
        return problems
    for k, ((kind, row), channel) in enumerate(zip(page_rows, channels, strict=True)):
        time = expected_time(row)
        if time is not None and channel.get("processing_time") != time:
            problems.append(
                f"{code}: channel {k} ({kind}) time {channel.get('processing_time')} but the page "
                f"says {row[:30]!r}"
            )
        fee = expected_first_fee(row)
        fees = channel.get("fees", [])
        if fee is not None and (not fees or fees[0].get("amount") != fee):
            problems.append(f"{code}: channel {k} ({kind}) fee {fees[:1]} but the page says {row[:60]!r}")
    if "online" not in [k for k, _ in page_rows] and procedure["online_level"] != "none":
        problems.append(f"{code}: no online channel on the page but online_level {procedure['online_level']}")
    if "toàn trình" in procedure["name"] and procedure["online_level"] != "full":
        problems.append(f"{code}: the name says toàn trình but online_level {procedure['online_level']}")
    dossier = " ".join(between(raw, "Thành phần hồ sơ", "Căn cứ pháp lý").split())
    for group in procedure.get("dossier", []):
        for document in group["documents"]:
            counts = [f"{document['originals']} bản chính"] if "originals" in document else []
            if "copies" in document:
                counts.append(f"{document['copies']} bản sao")
            if not counts:
                continue
            tail = " ".join(document["name"].split())[-12:]
            others = str(document.get("note", "")).removeprefix("Mẫu đơn, tờ khai khác: ")
            form = (others.split("; ")[-1] if others else "") or document.get("form", {}).get("name", "")
            found = [m.end() for m in re.finditer(re.escape(form or tail), dossier)]
            if not any(
                re.match(r"\s?(?:[^\s]*?)?" + re.escape(counts[0]), dossier[end : end + 30]) for end in found
            ):
                problems.append(
                    f"{code}: document {document['name'][:40]!r} has {', '.join(counts)}, "
                    f"not what follows it on the page"
                )
    legal = between(raw, "Căn cứ pháp lýTên văn bản pháp lý", "Cơ quan thực hiện")
    for item in procedure.get("legal_basis", []):
        number = item.get("number")
        if number and number not in legal and number.replace("NĐ-CP", "NĐ-C") not in legal:
            problems.append(f"{code}: legal number {number!r} is not on the page")
        if "issued_on" in item:
            year, month, day = (int(x) for x in item["issued_on"].split("-"))
            title = " ".join(item["title"].split())
            if not any(w in title for w in dates_written(day, month, year)):
                problems.append(f"{code}: issued_on {item['issued_on']} not in its title {title[:80]!r}")
            if not any(w.split(" ", 1)[1][:5] in legal for w in dates_written(day, month, year)):
                problems.append(f"{code}: issued_on {item['issued_on']} not on the page")
    return problems


def sample() -> list[Path]:
    if not RECORDS.is_dir():
        pytest.skip(f"real data not available: {RECORDS} is absent (../shared beside the repository)")
    eligible = []
    for path in sorted(RECORDS.glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        levels = str(record.get("cap_thuc_hien", ""))
        page_code = re.search(r"Mã thủ tục\s*(\d\.\d{6})", record.get("raw_text", ""))
        if ("Cấp tỉnh" in levels or "Cấp xã" in levels) and (
            not page_code or page_code.group(1) == path.stem
        ):
            eligible.append(path)
    return random.Random(SEED).sample(eligible, SAMPLE)


def test_thirty_records_agree_with_their_page_text() -> None:
    mapping = load_mapping(REPO / "catalog")
    problems: list[str] = []
    checked = 0
    for path in sample():
        record = json.loads(path.read_text(encoding="utf-8"))
        parsed = parse_record(record, mapping=mapping, verified_on=None)
        assert not parsed.fatal, (path, parsed.fatal)
        problems += audit(record, parsed.procedure)
        checked += len(parsed.procedure.get("channels", [])) + len(parsed.procedure.get("legal_basis", []))
    assert checked > 100
    assert problems == []


def test_the_audit_catches_a_wrong_value() -> None:
    path = next(RECORDS.glob("*/3.000348.json")) if RECORDS.is_dir() else pytest.skip("no shared data")
    record = json.loads(path.read_text(encoding="utf-8"))
    procedure = parse_record(record, mapping=load_mapping(REPO / "catalog"), verified_on=None).procedure
    procedure["channels"][0]["fees"][0]["amount"] = 0  # what the old importer wrote ("Miễn phí")
    procedure["channels"][1]["processing_time"] = {"value": 5, "unit": "days"}
    procedure["legal_basis"][0]["number"] = "35/2024/TT-BCA"
    assert [p.split(":")[1].strip()[:18] for p in audit(record, procedure)] == [
        "channel 0 (online)",
        "channel 1 (in_pers",
        "legal number '35/2",
    ]

"""Importing into a catalog folder: files written, re-import merge, unchanged files, atomic writes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from generator.importer import dvcqg
from generator.importer.dvcqg import decision_document, import_records
from generator.importer.yamlout import dump_yaml, load_yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dvcqg"
RECORDS = FIXTURES / "records"
DAY = "2026-11-25"
OLD = 1_000_000_000  # an mtime far in the past, to see whether a file was rewritten


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    for name in ("sectors.yaml", "agencies.yaml"):
        shutil.copy(FIXTURES / "catalog" / name, root / name)
    return root


def read(path: Path) -> dict[str, object]:
    data = load_yaml(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_first_import_writes_procedures_and_decisions(catalog: Path) -> None:
    report = import_records([RECORDS], catalog, verified_on=DAY)
    assert report.records == 11
    assert len(report.imported) == 9
    assert [d.code for d in report.skipped] == ["no-agency-in-record"]
    assert report.skipped[0].file.endswith("bo-nong-nghiep-mt/1.005319.json")
    assert [Path(d.file).name for d in report.out_of_scope] == ["1.002911.json"]
    assert not report.ok
    path = catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml"
    assert "catalog/procedures/ubnd-cap-xa/1.000080.yaml" in report.imported
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        '# yaml-language-server: $schema=../../../schemas/procedure.schema.json\ncode: "1.000080"\n'
    )
    decision = catalog / "decisions" / "163-qd-btp.yaml"
    assert decision.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schemas/decision.schema.json\n"
        'number: 163/QĐ-BTP\nissuer: Bộ Tư pháp\nscope: national\nprocedures:\n  new:\n    - "1.000080"\n'
    )
    assert report.unmapped_agencies["Tòa án nhân dân tối cao"] == 1
    codes = {d.code for d in report.warnings}
    assert {"channel-time-no-unit", "channel-time-fee-split", "section-recovered"} <= codes


def test_reimport_keeps_local_restores_national_and_leaves_unchanged_files(catalog: Path) -> None:
    import_records([RECORDS], catalog, verified_on=DAY)
    edited = catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml"
    data = read(edited)
    data["name"] = "Tên sửa tay"  # a national field: the import restores it
    data["status"] = "suspended"  # a local decision: kept
    data["local"] = {"notes": "Nộp tại Trung tâm Phục vụ hành chính công xã."}
    data["sample"] = True
    edited.write_text(dump_yaml(data, "../../../schemas/procedure.schema.json"), encoding="utf-8")
    others = sorted(p for p in (catalog / "procedures").rglob("*.yaml") if p != edited)
    before = {p: p.read_bytes() for p in others}
    for p in others:
        os.utime(p, (OLD, OLD))
    decision = catalog / "decisions" / "163-qd-btp.yaml"
    document = read(decision)
    document = {"number": document.pop("number"), "title": "Về việc công bố thủ tục hành chính", **document}
    decision.write_text(dump_yaml(document, "../../schemas/decision.schema.json"), encoding="utf-8")

    report = import_records([RECORDS], catalog, verified_on=DAY)

    assert report.updated == ["catalog/procedures/ubnd-cap-xa/1.000080.yaml"]
    assert report.imported == []
    assert len(report.unchanged) == 8
    after = read(edited)
    assert after["name"] == "Thủ tục đăng ký nhận cha, mẹ, con có yếu tố nước ngoài tại khu vực biên giới"
    assert after["status"] == "suspended"
    assert after["local"] == {"notes": "Nộp tại Trung tâm Phục vụ hành chính công xã."}
    assert after["sample"] is True
    assert list(after)[-2:] == ["local", "sample"]
    for p in others:
        assert p.read_bytes() == before[p]
        assert p.stat().st_mtime == OLD, f"{p} was rewritten"
    kept = read(decision)
    assert kept["title"] == "Về việc công bố thủ tục hành chính"
    assert kept["procedures"] == {"new": ["1.000080"]}
    assert "catalog/decisions/163-qd-btp.yaml" in report.decisions["unchanged"]


def test_new_verification_date_updates_every_file(catalog: Path) -> None:
    import_records([RECORDS], catalog, verified_on=DAY)
    report = import_records([RECORDS], catalog, verified_on="2026-12-01")
    assert len(report.updated) == 9 and report.unchanged == []
    assert read(catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml")["last_verified"] == "2026-12-01"


def test_dry_run_writes_nothing(catalog: Path) -> None:
    report = import_records([RECORDS], catalog, verified_on=DAY, dry_run=True)
    assert len(report.imported) == 9
    assert len(report.decisions["new"]) == 9
    assert not (catalog / "procedures").exists()
    assert not (catalog / "decisions").exists()


def test_procedure_moves_when_its_agency_changes(catalog: Path) -> None:
    import_records([RECORDS / "bo-tu-phap" / "1.000080.json"], catalog, verified_on=DAY)
    new = catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml"
    old = catalog / "procedures" / "so-tu-phap" / "1.000080.yaml"  # filed elsewhere, with the province's note
    old.parent.mkdir(parents=True)
    old.write_text(dump_yaml({**read(new), "local": {"notes": "Ghi chú."}}), encoding="utf-8")
    new.unlink()
    report = import_records([RECORDS / "bo-tu-phap" / "1.000080.json"], catalog, verified_on=DAY)
    assert not old.exists()
    assert read(new)["local"] == {"notes": "Ghi chú."}
    assert report.updated == ["catalog/procedures/ubnd-cap-xa/1.000080.yaml"]
    assert [d.code for d in report.warnings if d.code == "moved"] == ["moved"]


def test_existing_file_the_model_cannot_read_is_not_replaced(catalog: Path) -> None:
    # Read as catalog validate reads it: a file that fails its schema is the province's to repair.
    partial = catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml"
    partial.parent.mkdir(parents=True)
    partial.write_text("code: '1.000080'\nlocal:\n  notes: Ghi chú.\n", encoding="utf-8")
    report = import_records([RECORDS / "bo-tu-phap" / "1.000080.json"], catalog, verified_on=DAY)
    assert [(d.file, d.code) for d in report.skipped] == [
        ("catalog/procedures/ubnd-cap-xa/1.000080.yaml", "existing-unreadable")
    ]
    assert report.skipped[0].message.startswith(
        f"existing file cannot be read, not replaced: {partial}:1:1: /: 'name' is a required property"
    )
    assert partial.read_text(encoding="utf-8") == "code: '1.000080'\nlocal:\n  notes: Ghi chú.\n"


def test_unreadable_existing_file_is_not_replaced(catalog: Path) -> None:
    broken = catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("code: [unclosed\n", encoding="utf-8")
    report = import_records([RECORDS / "bo-tu-phap" / "1.000080.json"], catalog, verified_on=DAY)
    assert [d.code for d in report.skipped] == ["existing-unreadable"]
    assert broken.read_text(encoding="utf-8") == "code: [unclosed\n"


def test_bad_records_are_skipped_with_a_reason(catalog: Path, tmp_path: Path) -> None:
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "broken.json").write_text("{not json", encoding="utf-8")
    (bad / "list.json").write_text("[1, 2]", encoding="utf-8")
    (bad / "latin1.json").write_bytes(b'{"ma_thu_tuc": "\xe9"}')
    shutil.copy(RECORDS / "bo-tu-phap" / "1.000080.json", bad / "dup-a.json")
    shutil.copy(RECORDS / "bo-tu-phap" / "1.000080.json", bad / "dup-b.json")
    report = import_records([bad, tmp_path / "missing"], catalog, verified_on=DAY)
    reasons = {Path(d.file).name: d.code for d in report.skipped}
    assert reasons == {
        "broken.json": "unreadable-record",
        "list.json": "unreadable-record",
        "latin1.json": "unreadable-record",
        "dup-b.json": "duplicate-code",
        "missing": "source-missing",
    }
    assert len(report.imported) == 1


def test_atomic_write_leaves_old_content_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "x.yaml"
    target.write_text("old\n", encoding="utf-8")

    def fail(self: Path, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", fail)  # the last step: the new text is written, not yet in place
    with pytest.raises(OSError, match="disk full"):
        dvcqg.write_text(target, "new\n", dry_run=False)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.yaml"]
    monkeypatch.undo()
    assert dvcqg.write_text(target, "old\n", dry_run=False) == "unchanged"
    assert dvcqg.write_text(target, "new\n", dry_run=False) == "updated"
    assert dvcqg.write_text(tmp_path / "sub" / "y.yaml", "y\n", dry_run=False) == "new"


def test_decision_document_merges_lists() -> None:
    existing = {
        "number": "163/QĐ-BTP",
        "issuer": "Bộ Tư pháp",
        "scope": "national",
        "date": "2025-02-01",
        "procedures": {"amended": ["1.000080"], "new": ["2.000001"]},
    }
    merged = decision_document("163/QĐ-BTP", ["1.000080", "1.000110"], existing)
    assert merged["procedures"] == {"new": ["1.000110", "2.000001"], "amended": ["1.000080"]}
    assert list(merged) == ["number", "date", "issuer", "scope", "procedures"]
    fresh = decision_document("226/QĐ-UBND", ["1.000001"], None)
    assert fresh == {"number": "226/QĐ-UBND", "scope": "provincial", "procedures": {"new": ["1.000001"]}}


def test_report_json_is_complete(catalog: Path) -> None:
    from generator.importer.report import render_json, render_text

    report = import_records([RECORDS], catalog, verified_on=DAY)
    payload = json.loads(render_json(report))
    assert payload["summary"]["imported"] == 9 and payload["ok"] is False
    assert payload["skipped"][0]["code"] == "no-agency-in-record"
    text = render_text(report)
    assert text.splitlines()[0] == (
        "11 records: 9 imported, 0 updated, 0 unchanged, 1 skipped, 1 out of scope (not at levels tinh, xa)"
    )
    assert "Tòa án nhân dân tối cao" in text

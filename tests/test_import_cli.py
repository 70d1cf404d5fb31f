"""``catalog import dvcqg`` and ``catalog import xlsx``: options, exit codes, output; the xlsx reader."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from generator import errors
from generator.importer.cli import register
from generator.importer.xlsx import compare_lists, read_procedure_list, render_comparison_json

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dvcqg"
RECORDS = FIXTURES / "records"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="catalog")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return errors.run(args.func, args)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    for name in ("sectors.yaml", "agencies.yaml"):
        shutil.copy(FIXTURES / "catalog" / name, root / name)
    return root


def test_import_reports_json_and_exits_1_when_a_record_is_skipped(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        [
            "import",
            "dvcqg",
            str(RECORDS),
            "--into",
            str(catalog),
            "--verified-on",
            "2026-11-25",
            "--format",
            "json",
        ]
    )
    assert code == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["summary"]["imported"] == 9
    assert payload["summary"]["skipped"] == 1
    assert payload["summary"]["out_of_scope"] == 1


def test_import_of_good_records_exits_0(catalog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = RECORDS / "bo-tu-phap"
    assert run(["import", "dvcqg", str(good), "--into", str(catalog), "--verified-on", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 records: 2 imported, 0 updated, 0 unchanged, 0 skipped, 1 out of scope")
    assert (
        run(
            [
                "import",
                "dvcqg",
                str(good),
                "--into",
                str(catalog),
                "--verified-on",
                "2026-11-25",
                "--levels",
                "tinh",
            ]
        )
        == 0
    )
    assert "0 imported, 0 updated, 1 unchanged, 0 skipped, 2 out of scope" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--levels", "tinh,huyen"], "--levels takes tinh, xa"),
        (["--verified-on", "25/11/2026"], "not a date"),
    ],
)
def test_bad_options_exit_2(
    catalog: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert run(["import", "dvcqg", str(RECORDS), "--into", str(catalog), *extra]) == 2
    assert message in capsys.readouterr().err


def test_missing_paths_and_mapping_exit_2(
    tmp_path: Path, catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["import", "dvcqg", str(tmp_path / "nope"), "--into", str(catalog)]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert run(["import", "dvcqg", str(RECORDS), "--into", str(tmp_path / "nope")]) == 2
    assert "catalog folder not found" in capsys.readouterr().err
    (catalog / "agencies.yaml").unlink()
    assert run(["import", "dvcqg", str(RECORDS), "--into", str(catalog)]) == 2
    assert "agencies.yaml not found" in capsys.readouterr().err


def test_dry_run_writes_nothing(catalog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["import", "dvcqg", str(RECORDS), "--into", str(catalog), "--dry-run"]) == 1
    assert "9 would be imported" in capsys.readouterr().out
    assert sorted(p.name for p in catalog.iterdir()) == ["agencies.yaml", "sectors.yaml"]


def test_main_entry_point_wires_the_import_command(catalog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    one = RECORDS / "bo-tu-phap" / "1.000080.json"
    assert main(["import", "dvcqg", str(one), "--into", str(catalog), "--verified-on", "2026-11-25"]) == 0
    assert (catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml").is_file()


# --- xlsx -----------------------------------------------------------------------------------


def make_list(path: Path, rows: list[tuple[object, ...]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nDANH SÁCH THỦ TỤC HÀNH CHÍNH", None, None, None, None))
    sheet.append(("Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_list_compared_with_catalog(
    tmp_path: Path, catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (catalog / "procedures" / "ubnd-cap-xa").mkdir(parents=True)
    (catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml").write_text(
        'code: "1.000080"\n', encoding="utf-8"
    )
    (catalog / "procedures" / "ubnd-cap-xa" / "1.000094.yaml").write_text(
        'code: "1.000094"\n', encoding="utf-8"
    )
    path = make_list(
        tmp_path / "list.xlsx",
        [
            ("1.000080", "Đăng ký nhận cha, mẹ, con", "Bộ Tư pháp", "Ủy ban nhân dân cấp xã", "Hộ tịch"),
            (
                "3.000323",
                "Đăng ký giám sát việc giám hộ",
                "Bộ Tư pháp",
                "Ủy ban nhân dân cấp xã\nSở Tư pháp",
                "Hộ tịch",
            ),
            ("3.000323", "Đăng ký giám sát việc giám hộ", "Bộ Tư pháp", "", "Hộ tịch"),
            (1.00001, "Mã nhập như số", "Bộ Tư pháp", "", "Hộ tịch"),
            ("abc", "Không phải mã", "", "", ""),
        ],
    )
    listed = read_procedure_list(path)
    assert listed.header_row == 2
    assert [p.code for p in listed.procedures] == ["1.000080", "3.000323", "1.000010"]
    assert listed.procedures[1].agency == "Ủy ban nhân dân cấp xã; Sở Tư pháp"
    assert listed.duplicates == ["3.000323"]
    assert listed.problems == ["row 7: 'abc' is not a procedure code"]
    comparison = compare_lists([path], catalog)
    assert [p.code for p in comparison.missing_from_catalog] == ["1.000010", "3.000323"]
    assert comparison.not_listed == {"1.000094": "catalog/procedures/ubnd-cap-xa/1.000094.yaml"}
    assert json.loads(render_comparison_json(comparison))["missing_from_catalog"][1]["name"] == (
        "Đăng ký giám sát việc giám hộ"
    )
    assert run(["import", "xlsx", str(path), "--catalog", str(catalog)]) == 1  # one row was not a code
    out = capsys.readouterr().out
    assert "listed but not in the catalog: 2" in out and "in the catalog but in no list: 1" in out


def test_xlsx_unreadable_file_is_a_problem_not_a_traceback(
    tmp_path: Path, catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (catalog / "procedures" / "ubnd-cap-xa").mkdir(parents=True)
    (catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml").write_text(
        'code: "1.000080"\n', encoding="utf-8"
    )
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    assert run(["import", "xlsx", str(bad), "--catalog", str(catalog), "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["lists"][0]["problems"][0].startswith("cannot read the spreadsheet")
    assert run(["import", "xlsx", str(tmp_path / "none.xlsx"), "--catalog", str(catalog)]) == 2


def test_real_lists_are_read() -> None:
    lists = SHARED / "data" / "dvcqg" / "lists"
    if not lists.is_dir():
        pytest.skip(f"real data not available: {lists} is absent (it sits beside the repository)")
    counts = {p.name: read_procedure_list(p) for p in sorted(lists.glob("*.xlsx"))}
    assert {name: (len(lst.procedures), lst.header_row, lst.problems) for name, lst in counts.items()} == {
        "danh-sach-tthc-BoCongAn.xlsx": (339, 2, []),
        "danh-sach-tthc-BoTaiChinh.xlsx": (706, 2, []),
        "danh-sach-tthc-BoTuPhap.xlsx": (271, 2, []),
        "danh-sach-tthc-NongNghiepvaMoiTruong.xlsx": (537, 2, []),
        "toa-an-nhan-dan.xlsx": (3, 2, []),
    }
    assert all(lst.duplicates == [] for lst in counts.values())


def test_xlsx_against_a_folder_without_procedures_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`catalog import xlsx LIST --catalog .` from the repository's top: no procedures there, so every
    listed code would be reported missing. Exit 2 and say which folder is wanted, not exit 0."""
    path = make_list(
        tmp_path / "list.xlsx", [("1.000080", "Đăng ký nhận cha, mẹ, con", "Bộ Tư pháp", "", "Hộ tịch")]
    )
    assert run(["import", "xlsx", str(path), "--catalog", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"catalog import: error: no procedures in {tmp_path}: --catalog takes the catalog folder, the one "
        "holding procedures/<agency>/<code>.yaml\n"
    )

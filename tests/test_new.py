"""`catalog new`: a procedure file to fill in, in the agency's folder, every field explained."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

import pytest

from generator import cli, schemadoc
from generator.validation.validate import validate_catalog
from generator.validation.yamlload import load_file

TODAY = date.today()


def new(repo: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["new", "--repo", str(repo), *args])
    return code, out.getvalue(), err.getvalue()


def problems(repo: Path, path: Path) -> list[tuple[str, str]]:
    shown = path.relative_to(repo).as_posix()
    result = validate_catalog(repo / "catalog", today=TODAY)
    assert all(d.file == shown for d in result.diagnostics), [d.text() for d in result.diagnostics]
    return [(d.pointer, d.code) for d in result.diagnostics]


def test_blank_scaffold_is_flagged_exactly_where_the_author_must_write(base_repo: Path) -> None:
    code, out, err = new(base_repo, "--agency", "so-tu-phap", "--code", "1.000123")
    path = base_repo / "catalog" / "procedures" / "so-tu-phap" / "1.000123.yaml"
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Đã tạo catalog/procedures/so-tu-phap/1.000123.yaml"
    assert "  2. Kiểm tra: catalog validate catalog/procedures/so-tu-phap/1.000123.yaml" in out.splitlines()
    assert problems(base_repo, path) == [
        ("/name", "minLength"),
        ("/sector", "pattern"),
        ("/applicant_types/0", "enum"),
        ("/steps/0/items/0", "minLength"),
        ("/channels/0/processing_time/value", "exclusiveMinimum"),
        ("/channels/0/fees/0/text", "minLength"),
        ("/dossier/0/documents/0/name", "minLength"),
        ("/results/0/name", "minLength"),
        ("/legal_basis/0/number", "minLength"),
        ("/legal_basis/0/title", "minLength"),
        ("/online_level", "enum"),
        ("/decision", "minLength"),
    ]
    loaded, found = load_file(path, "x")
    assert found == [] and loaded is not None
    data = loaded.data
    assert (data["code"], data["status"], data["levels"], data["agencies"], data["last_verified"]) == (
        "1.000123",
        "active",
        ["tinh"],
        {"implementing": ["so-tu-phap"]},
        TODAY.isoformat(),
    )


def comment_above(lines: list[str], line: str) -> str:
    """The comment block just above ``line``, joined into one sentence."""
    i = lines.index(line)
    block: list[str] = []
    while i > 0 and lines[i - 1].lstrip().startswith("#"):
        i -= 1
        block.insert(0, lines[i].strip().removeprefix("# "))
    return " ".join(block)


def test_scaffold_explains_each_field_in_vietnamese(base_repo: Path) -> None:
    new(base_repo, "--agency", "ubnd-cap-xa", "--code", "1.000123")
    text = (base_repo / "catalog" / "procedures" / "ubnd-cap-xa" / "1.000123.yaml").read_text(
        encoding="utf-8"
    )
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../../schemas/procedure.schema.json"
    assert lines[1].startswith("# Thủ tục mới của Ủy ban nhân dân cấp xã, tạo bằng lệnh `catalog new` ngày ")

    def explained(path: tuple[str, ...], required: bool) -> str:  # the schema's own words
        mark = " (bắt buộc)" if required else ""
        return f"{schemadoc.title('procedure', path)}{mark}: {schemadoc.description('procedure', path)}"

    assert comment_above(lines, 'name: ""') == explained(("name",), True)
    assert comment_above(lines, 'name: ""').startswith("Tên thủ tục (bắt buộc): Tên đầy đủ của thủ tục")
    assert comment_above(lines, "levels:") == explained(("levels",), True)
    assert comment_above(lines, "      unit: working_days") == explained(
        ("channels", "*", "processing_time", "unit"), False
    )
    assert comment_above(lines, "      unit: working_days") == (
        "Đơn vị: working_days: ngày làm việc; days: ngày; hours: giờ; months: tháng; unknown: (bản ghi không ghi "
        "đơn vị)."
    )
    assert lines[lines.index("  - channel: in_person") - 1] == (
        "  # Kênh (bắt buộc): in_person: trực tiếp; online: trực tuyến; postal: qua dịch vụ bưu chính."
    )
    assert lines[lines.index("levels:") + 1] == "  - xa"  # the level of the agency
    assert max(len(line) for line in lines if line.lstrip().startswith("#") and "$schema" not in line) <= 100


def test_from_code_copies_the_national_fields(base_repo: Path) -> None:
    code, _, err = new(
        base_repo, "--agency", "ubnd-phuong-long-chau", "--code", "1.000124", "--from-code", "1.001193"
    )
    assert (code, err) == (0, "")
    path = base_repo / "catalog" / "procedures" / "ubnd-phuong-long-chau" / "1.000124.yaml"
    loaded, _ = load_file(path, "x")
    source, _ = load_file(base_repo / "catalog" / "procedures" / "ubnd-cap-xa" / "1.001193.yaml", "y")
    assert loaded is not None and source is not None
    copy, original = loaded.data, source.data
    for key in (
        "name",
        "sector",
        "levels",
        "steps",
        "channels",
        "dossier",
        "results",
        "legal_basis",
        "online_level",
        "decision",
        "postal",
        "applicant_types",
        "keywords",
        "related",
    ):
        assert copy[key] == original[key], key
    assert copy["agencies"] == {"implementing": ["ubnd-phuong-long-chau"], "external": ["Bộ Tư pháp"]}
    assert (copy["code"], copy["status"], copy["last_verified"]) == ("1.000124", "active", TODAY.isoformat())
    for key in ("local", "national_portal_url", "effective_from", "sample"):
        assert key not in copy, key
    assert list(copy) == [k for k in schemadoc.properties("procedure", ()) if k in copy]
    result = validate_catalog(base_repo / "catalog", today=TODAY)
    assert [d.text() for d in result.diagnostics] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--agency", "so-tu-phapp", "--code", "1.000123"],
            "unknown agency 'so-tu-phapp': not in catalog/agencies.yaml; did you mean so-tu-phap?",
        ),
        (
            ["--agency", "so-khong-co", "--code", "1.000123"],
            "unknown agency 'so-khong-co': not in catalog/agencies.yaml",
        ),
        (
            ["--agency", "so-thong-tin-truyen-thong", "--code", "1.000123"],
            "agency 'so-thong-tin-truyen-thong' (Sở Thông tin và Truyền thông) ceased on 2025-02-28; its procedures belong "
            "to its successor 'so-tu-phap': use --agency so-tu-phap",
        ),
        (
            ["--agency", "so-tu-phap", "--code", "1.001193"],
            "procedure 1.001193 already exists: catalog/procedures/ubnd-cap-xa/1.001193.yaml; edit that file",
        ),
        (
            ["--agency", "so-tu-phap", "--from-code", "1.001193"],
            "procedure 1.001193 already exists: catalog/procedures/ubnd-cap-xa/1.001193.yaml; edit that file, or give the "
            "new procedure's own code with --code",
        ),
        (
            ["--agency", "so-tu-phap", "--code", "1.001"],
            "--code '1.001' is not a procedure code like 1.001193",
        ),
        (
            ["--agency", "so-tu-phap", "--code", "1.000123", "--from-code", "1.999999"],
            "procedure 1.999999 is not in catalog/procedures/ (--from-code copies a procedure of the catalog)",
        ),
        (
            ["--agency", "so-tu-phap"],
            "give the procedure's code with --code (the code of the National Database of Administrative Procedures, "
            "e.g. 1.001193; the file is named after it), or copy an existing procedure with --from-code",
        ),
    ],
)
def test_usage_errors_name_the_problem(base_repo: Path, args: list[str], message: str) -> None:
    before = sorted(p.as_posix() for p in (base_repo / "catalog").rglob("*"))
    code, out, err = new(base_repo, *args)
    assert (code, out, err) == (2, "", f"catalog new: error: {message}\n")
    assert sorted(p.as_posix() for p in (base_repo / "catalog").rglob("*")) == before


def test_never_overwrites(base_repo: Path) -> None:
    target = base_repo / "catalog" / "procedures" / "so-tu-phap" / "1.000123.yaml"
    assert new(base_repo, "--agency", "so-tu-phap", "--code", "1.000123")[0] == 0
    target.write_text("# my work\n", encoding="utf-8")
    code, _, err = new(base_repo, "--agency", "so-tu-phap", "--code", "1.000123")
    assert code == 2 and "already exists" in err
    assert target.read_text(encoding="utf-8") == "# my work\n"


def test_agency_is_required(base_repo: Path) -> None:
    with pytest.raises(SystemExit) as exit_info, redirect_stderr(io.StringIO()):
        cli.main(["new", "--code", "1.000123"])
    assert exit_info.value.code == 2

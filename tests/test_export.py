"""The open-data exports: golden files, schemas, determinism, what is published, JSON-LD, OpenAPI,
CSV, the national record shape, atomic writing and the ``catalog export`` command.

The golden exports under tests/golden/export/ are those of the fixture catalog committed into a
throwaway repository with fixed dates (so commit ids are the same everywhere) plus two commits: a
fee change, and a draft procedure with a proposed list entry. ``pytest --update-goldens`` rewrites
them; review the diff before committing.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from export_repo import Repo, make_repo
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from generator import errors, outdir
from generator.export import export, export_cli
from generator.export.export import Source, build_exports, dumps, source_for, write_exports
from generator.export.export_csv import HEADERS, procedures_csv
from generator.export.export_items import context_of
from generator.export.export_ld import CONTEXT
from generator.export.export_national import APPLICANT_NAMES, CHANNEL_CODES, PROCEDURE_TYPE_NAMES, UNIT_NAMES
from generator.export.export_schemas import (
    PUBLISHED,
    bundle,
    published_files,
    published_schemas,
    sources,
    validator,
)
from generator.git import CommitInfo
from generator.validation.validate import Result, validate_catalog

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "export"
TODAY = date(2026, 11, 25)
FEE = "procedures/so-tu-phap/1.013818.yaml"
DRAFT = "procedures/so-tu-phap/1.000002.yaml"
LIST = "location-independent/2025-danh-muc.yaml"


def golden_repo(top: Path) -> Repo:
    repo = make_repo(top)
    data = repo.read(FEE)
    data["channels"][0]["fees"][0].update(amount=4000000, description="4.000.000 đồng/hồ sơ")
    repo.write(FEE, data)
    repo.commit("Tăng phí đăng ký tham dự kiểm tra tập sự công chứng")
    draft = repo.read(FEE)
    draft.update(code="1.000002", name="Thủ tục dự thảo của Sở Tư pháp", status="draft")
    repo.write(DRAFT, draft)
    lists = repo.read(LIST)
    lists["entries"].append({"code": "1.013818", "levels": ["tinh"], "status": "proposed"})
    repo.write(LIST, lists)
    repo.commit("Dự thảo thủ tục 1.000002, đề xuất thêm 1.013818 vào danh mục")
    return repo


@pytest.fixture(scope="module")
def golden_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    repo = golden_repo(tmp_path_factory.mktemp("golden") / "repo")
    result = validate_catalog(repo.catalog, today=TODAY)
    assert result.diagnostics == []
    return {
        mode: build_exports(
            result.catalog, source_for(repo.catalog, preview=mode == "preview"), preview=mode == "preview"
        )
        for mode in ("published", "preview")
    }


def schema_of(path: str) -> str:
    """The published schema of an export file, by its path."""
    name = path.removeprefix("api/v1/")
    if name.startswith("procedures/"):
        return "procedure.schema.json"
    if name.startswith("changes"):
        return "changes.schema.json"
    return {
        "procedures.csv": "procedures-csv.schema.json",
        "national/procedures.json": "national-procedures.schema.json",
    }.get(name, name.replace(".json", ".schema.json"))


def instances(path: str, data: bytes) -> list[Any]:
    if path.endswith(".csv"):
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [json.loads(data)]


# ---------------------------------------------------------------------------------------------- goldens


@pytest.mark.parametrize("mode", ["published", "preview"])
def test_exports_equal_the_golden_files(
    mode: str, golden_builds: dict[str, dict[str, bytes]], update_goldens: bool
) -> None:
    files = {p: b for p, b in golden_builds[mode].items() if not p.startswith("schemas/")}
    folder = GOLDEN / mode
    if update_goldens:
        shutil.rmtree(folder, ignore_errors=True)
        for path, data in files.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(data)
    expected = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
    assert sorted(files) == sorted(expected), "run pytest --update-goldens and review the diff"
    for path, data in files.items():
        if path.endswith(".json"):  # a readable diff first
            assert json.loads(data) == json.loads(expected[path]), path
        assert data == expected[path], path


def test_golden_exports_show_preview_marks(golden_builds: dict[str, dict[str, bytes]]) -> None:
    published, preview = golden_builds["published"], golden_builds["preview"]
    assert "api/v1/procedures/1.000002.json" not in published
    draft = json.loads(preview["api/v1/procedures/1.000002.json"])
    assert draft["preview"] is True and draft["status"] == "draft"
    lists = json.loads(preview["api/v1/location-independent.json"])["lists"]
    assert [e.get("preview") for e in lists[0]["entries"]] == [None, True]
    assert [
        e["code"] for e in json.loads(published["api/v1/location-independent.json"])["lists"][0]["entries"]
    ] == ["1.001193"]
    national = json.loads(preview["api/v1/national/procedures.json"])["procedures"]
    assert [r.get("preview") for r in national] == [True, None, None]
    assert json.loads(preview["api/v1/procedures.json"])["preview"] is True


# ---------------------------------------------------------------------------------------------- schemas


def test_every_export_validates_against_its_published_schema(
    golden_builds: dict[str, dict[str, bytes]],
) -> None:
    checked = set()
    for files in golden_builds.values():
        for path, data in files.items():
            if not path.startswith("api/v1/"):
                continue
            name = schema_of(path)
            for instance in instances(path, data):
                errors = [f"{e.json_path}: {e.message}" for e in validator(name).iter_errors(instance)]
                assert errors == [], path
            checked.add(name)
    assert checked == set(PUBLISHED)


def test_schemas_pass_check_schema_and_are_self_contained() -> None:
    for name, schema in published_schemas().items():
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"https://catalog.tthc.example/schemas/export/v1/{name}"
        # Every reference, in the schema and in the schemas embedded in it, resolves inside the file.
        registry: Registry[Any] = (
            Registry().with_resource(schema["$id"], Resource.from_contents(schema)).crawl()
        )
        resolver = registry.resolver()
        refs = _refs(schema, schema["$id"])
        assert refs or name == "procedures-csv.schema.json"
        for ref in refs:
            resolver.lookup(ref)
    for path in sorted((TESTS.parent / "schemas" / "export").glob("*.schema.json")):
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def _refs(node: Any, base: str) -> list[str]:
    """Every $ref under ``node`` as an absolute URI (following embedded resources' $id)."""
    if isinstance(node, dict):
        base = urljoin(base, node["$id"]) if isinstance(node.get("$id"), str) else base
        found = [urljoin(base, node["$ref"])] if isinstance(node.get("$ref"), str) else []
        return found + [r for key, value in node.items() if key != "const" for r in _refs(value, base)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value, base)]
    return []


def test_every_export_schema_property_has_a_vietnamese_title_and_description() -> None:
    missing = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, child in node.get("properties", {}).items():
                if (
                    "$ref" in child
                    and set(child) == {"$ref"}
                    and "common.schema.json#/$defs/" in child["$ref"]
                ):
                    continue  # a shared definition, titled where it is defined
                if not (child.get("title") and child.get("description")):
                    missing.append(f"{where}/properties/{key}")
            for key, child in node.items():
                if key != "const":
                    walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{where}/{i}")

    for path in sorted((TESTS.parent / "schemas" / "export").glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"https://catalog.tthc.example/schemas/export/v1/{path.name}"
        walk(schema, path.name)
    assert missing == []


def test_export_schemas_cover_every_catalog_field() -> None:
    """A field added to a catalog schema must be added to the export schemas that copy that record
    (they list their properties, with additionalProperties false)."""
    catalog = {s["$id"].rsplit("/", 1)[1]: s for s in sources().values() if "/schemas/catalog/" in s["$id"]}
    export_ = {s["$id"].rsplit("/", 1)[1]: s for s in sources().values() if "/schemas/export/" in s["$id"]}
    item = export_["procedure.schema.json"]["$defs"]["item"]["properties"]
    assert set(catalog["procedure.schema.json"]["properties"]) <= set(item)
    lists = export_["location-independent.schema.json"]["properties"]["lists"]["items"]["properties"]
    li = catalog["location-independent.schema.json"]["properties"]
    assert set(li) <= set(lists)
    assert set(li["entries"]["items"]["properties"]) <= set(lists["entries"]["items"]["properties"])


def test_published_schema_files_mirror_their_ids(golden_builds: dict[str, dict[str, bytes]]) -> None:
    files = golden_builds["published"]
    for path, schema in published_files().items():
        assert json.loads(files[path]) == schema
        assert schema["$id"] == "https://catalog.tthc.example/" + path
    assert (
        bundle("https://catalog.tthc.example/schemas/export/v1/procedure.schema.json")
        == published_schemas()["procedure.schema.json"]
    )
    assert set(sources()) >= {s["$id"] for s in published_files().values()}


# ---------------------------------------------------------------------------------------------- content


def test_exports_are_deterministic(tmp_path: Path) -> None:
    repo = golden_repo(tmp_path / "repo")
    first = build_exports(validate_catalog(repo.catalog, today=TODAY).catalog, source_for(repo.catalog))
    second = build_exports(validate_catalog(repo.catalog, today=TODAY).catalog, source_for(repo.catalog))
    assert first == second
    for path, data in first.items():
        assert data.endswith(b"\n") or path.endswith(".csv")
        if path.startswith("api/v1/") and path.endswith(".json"):
            assert data == dumps(json.loads(data)), f"{path} is not in the one canonical encoding"


def test_each_procedure_file_is_its_procedures_json_item_with_a_context(
    golden_builds: dict[str, dict[str, bytes]],
) -> None:
    files = golden_builds["preview"]
    listing = json.loads(files["api/v1/procedures.json"])
    assert listing["count"] == len(listing["procedures"]) == 3
    assert [p["code"] for p in listing["procedures"]] == sorted(p["code"] for p in listing["procedures"])
    for item in listing["procedures"]:
        document = json.loads(files[f"api/v1/procedures/{item['code']}.json"])
        assert document.pop("@context") == CONTEXT
        assert document == item


def test_only_active_procedures_and_approved_lists_are_published(base_repo: Path) -> None:
    catalog = base_repo / "catalog"
    birth = catalog / "procedures" / "ubnd-cap-xa" / "1.001193.yaml"
    fee = catalog / "procedures" / "so-tu-phap" / "1.013818.yaml"
    fee.write_text(
        fee.read_text(encoding="utf-8").replace("status: active", "status: suspended"), encoding="utf-8"
    )
    li = catalog / "location-independent" / "2025-danh-muc.yaml"
    li.write_text(
        li.read_text(encoding="utf-8")
        .replace("status: approved", "status: proposed")
        .replace("decision:", "proposed_by: ubnd-tinh\ndecision:"),
        encoding="utf-8",
    )
    result = validate_catalog(catalog, today=TODAY)
    assert result.diagnostics == []
    files = build_exports(result.catalog, Source(None))
    listing = json.loads(files["api/v1/procedures.json"])
    assert [p["code"] for p in listing["procedures"]] == ["1.001193"]
    assert "location_independent" not in listing["procedures"][0]
    assert json.loads(files["api/v1/location-independent.json"])["lists"] == []
    preview = build_exports(result.catalog, Source(None), preview=True)
    item = json.loads(preview["api/v1/procedures/1.001193.json"])
    assert item["location_independent"] == [{"list": "2025-danh-muc", "levels": ["xa"], "preview": True}]
    assert "api/v1/procedures/1.013818.json" not in preview, "suspended is never shown"
    assert birth.exists()


def test_json_ld_reads_as_government_service(golden_builds: dict[str, dict[str, bytes]]) -> None:
    jsonld = pytest.importorskip("pyld.jsonld")
    document = json.loads(golden_builds["published"]["api/v1/procedures/1.001193.json"])
    [node] = jsonld.expand(document)
    assert set(node["@type"]) == {
        "https://schema.org/GovernmentService",
        "http://purl.org/vocab/cpsv#PublicService",
    }
    assert node["https://schema.org/name"] == [{"@value": "Thủ tục đăng ký khai sinh"}]
    assert node["https://schema.org/identifier"] == [{"@value": "1.001193"}]
    [provider] = node["https://schema.org/provider"]
    assert provider["@type"] == ["https://schema.org/GovernmentOrganization"]
    assert node["https://schema.org/areaServed"][0]["https://schema.org/name"] == [
        {"@value": "Tỉnh Vĩnh Long"}
    ]
    assert "http://data.europa.eu/m8g/hasChannel" in node and "http://purl.org/vocab/cpsv#hasInput" in node
    steps = node["https://catalog.tthc.example/vocab#steps"][0]["https://catalog.tthc.example/vocab#items"]
    assert len(steps[0]["@list"]) == 2, "steps keep their order"


def test_openapi_describes_every_file(golden_builds: dict[str, dict[str, bytes]], tmp_path: Path) -> None:
    files = golden_builds["published"]
    spec = json.loads(files["api/openapi.json"])
    assert spec["openapi"] == "3.1.0" and spec["servers"] == [
        {"url": "https://example.org/api/v1", "description": spec["servers"][0]["description"]}
    ]
    described = set()
    for path, item in spec["paths"].items():
        content = item["get"]["responses"]["200"]["content"]
        [media] = content.values()
        ref = media["schema"]["$ref"]
        assert (
            ref.startswith("../schemas/export/v1/") and "schemas/" + ref.removeprefix("../schemas/") in files
        )
        described.add(path)
    exported = {"/" + p.removeprefix("api/v1/") for p in files if p.startswith("api/v1/")}
    exported = {"/procedures/{code}.json" if p.startswith("/procedures/") else p for p in exported}
    assert exported <= described
    validator_module = pytest.importorskip("openapi_spec_validator")
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    validator_module.validate(spec, base_uri=(tmp_path / "api" / "openapi.json").as_uri())


def test_csv_is_spreadsheet_friendly(golden_builds: dict[str, dict[str, bytes]]) -> None:
    data = golden_builds["published"]["api/v1/procedures.csv"]
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == HEADERS and [r[0] for r in rows[1:]] == ["1.001193", "1.013818"]
    assert rows[2][HEADERS.index("Phí, lệ phí")] == "Trực tiếp: Phí: 4.000.000 đồng (4.000.000 đồng/hồ sơ)"


def test_csv_cells_are_never_formulas(base_repo: Path) -> None:
    result = validate_catalog(base_repo / "catalog", today=TODAY)
    ctx = context_of(result.model)
    procedure = dataclasses.replace(result.model.procedures["1.013818"], name='=HYPERLINK("http://x")')
    rows = list(csv.reader(io.StringIO(procedures_csv([procedure], ctx).decode("utf-8-sig"), newline="")))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'


def test_national_wording_is_what_the_importer_reads_back() -> None:
    from generator.importer import dvcqg_channels, dvcqg_parse

    assert {name: key for key, name in APPLICANT_NAMES.items()}.items() <= dvcqg_parse.APPLICANT_TYPES.items()
    assert {
        name: key for key, name in PROCEDURE_TYPE_NAMES.items()
    }.items() <= dvcqg_parse.PROCEDURE_TYPES.items()
    assert {name: key for key, name in UNIT_NAMES.items()}.items() <= dvcqg_channels.UNITS.items()
    assert set(CHANNEL_CODES) == set(dvcqg_channels.CHANNELS.values())


def test_the_documentation_names_every_national_key_and_csv_column() -> None:
    docs = (TESTS.parent / "docs" / "open-data.md").read_text(encoding="utf-8")
    record = sources()["https://catalog.tthc.example/schemas/export/v1/national-procedures.schema.json"]
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            keys.update(k for k in node.get("properties", {}) if k.isupper())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(record["$defs"]["record"])
    assert len(keys) > 30
    assert sorted(k for k in keys if k not in docs) == []
    assert sorted(h for h in HEADERS if f"| {h} |" not in docs) == []


def test_national_record(golden_builds: dict[str, dict[str, bytes]]) -> None:
    records = json.loads(golden_builds["published"]["api/v1/national/procedures.json"])["procedures"]
    birth = next(r for r in records if r["MATTHC"] == "1.001193")
    assert birth["CAPTHUCHIEN"] == [{"CAPTHUCHIEN": "3", "TENCAP": "Cấp xã"}]
    assert [c["KENH"] for c in birth["CACHTHUCTHUCHIEN"]] == ["2", "1"]
    time = birth["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]
    assert time["THOIGIANGIAIQUYET"] == "1" and time["DONVITINH"] == "Ngày làm việc"
    assert time["PHILEPHI"] == [{"SOTIEN": "0", "DONVI": "Việt Nam Đồng", "MOTA": "Miễn phí"}]
    assert birth["THANHPHANHOSO"][0]["GIAYTO"][0]["SOBANCHINH"] == "1"
    assert birth["TRANGTHAI"] == "1" and birth["IDQUYETDINHCONGBO"] == "163/QĐ-BTP"


def test_real_catalog_exports_validate(real_result: Result) -> None:
    """The repository's catalog (parsed once per session) is valid, and every file it exports is valid
    against the published schemas. The change feed is tested on a small history (test_changes.py)."""
    assert real_result.diagnostics == []
    validators = {name: validator(name) for name in PUBLISHED}  # one each, not one per file
    for path, data in export.export_files(
        real_result.model, Source(CommitInfo("0" * 40, "2026-01-01T00:00:00+07:00"))
    ):
        if path.startswith("api/v1/"):
            for instance in instances(path, data):
                assert validators[schema_of(path)].is_valid(instance), path


# ---------------------------------------------------------------------------------------------- writing


def test_write_replaces_owned_folders_and_keeps_the_rest(base_repo: Path) -> None:
    out = base_repo / "site"
    (out / "api" / "v1").mkdir(parents=True)
    outdir.write_marker(out)  # a folder the tool wrote before (the build's site)
    (out / "api" / "v1" / "stale.json").write_text("{}", encoding="utf-8")
    (out / "index.html").write_text("<html></html>", encoding="utf-8")
    result = validate_catalog(base_repo / "catalog", today=TODAY)
    summary = write_exports(result.catalog, out)
    assert not (out / "api" / "v1" / "stale.json").exists()
    assert (out / "index.html").read_text(encoding="utf-8") == "<html></html>"
    assert (out / "api" / "v1" / "procedures.json").is_file() and (out / "api" / "openapi.json").is_file()
    assert summary.procedures == 2 and summary.commit is None
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [outdir.MARKER]


def test_a_failed_write_leaves_the_previous_exports(base_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = base_repo / "site"
    result = validate_catalog(base_repo / "catalog", today=TODAY)
    write_exports(result.catalog, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args: Any, **kwargs: Any) -> Any:
        yield "api/v1/procedures.json", b"{}\n"
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "export_files", broken)
    with pytest.raises(RuntimeError):
        write_exports(result.catalog, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_write_exports_for_repo_refuses_a_catalog_with_problems(base_repo: Path) -> None:
    (base_repo / "catalog" / "sectors.yaml").write_text("sectors: []\n", encoding="utf-8")
    with pytest.raises(export.ExportError, match="problems"):
        export.write_exports_for_repo(base_repo / "catalog", base_repo / "site")
    assert not (base_repo / "site" / "api").exists()


# ---------------------------------------------------------------------------------------------- command


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="catalog")
    export_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return errors.run(args.func, args)


def test_cli_exports(base_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("export", "--catalog", str(base_repo), "--out", str(base_repo / "out")) == 0
    assert "exports of 2 procedures" in capsys.readouterr().out
    assert (base_repo / "out" / "api" / "v1" / "procedures" / "1.001193.json").is_file()
    assert (
        run_cli(
            "export",
            "--catalog",
            str(base_repo),
            "--out",
            str(base_repo / "out"),
            "--preview",
            "--format",
            "json",
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] and summary["preview"] and summary["procedures"] == 2 and summary["commit"] is None


def test_cli_refuses_a_catalog_with_problems(base_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fee = base_repo / "catalog" / "procedures" / "so-tu-phap" / "1.013818.yaml"
    fee.write_text(
        fee.read_text(encoding="utf-8").replace("online_level: partial", "online_level: maybe"),
        encoding="utf-8",
    )
    assert run_cli("export", "--catalog", str(base_repo), "--out", str(base_repo / "out")) == 1
    captured = capsys.readouterr()
    assert "1.013818.yaml" in captured.out and "nothing exported" in captured.err
    assert not (base_repo / "out").exists()
    assert (
        run_cli("export", "--catalog", str(base_repo), "--out", str(base_repo / "out"), "--format", "json")
        == 1
    )
    assert json.loads(capsys.readouterr().out)["problem_count"] == 1


def test_cli_usage_errors(base_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("export", "--catalog", str(tmp_path / "missing"), "--out", str(tmp_path / "o")) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert run_cli("export", "--catalog", str(base_repo), "--out", str(tmp_path / "file")) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        run_cli("export", "--catalog", str(base_repo))
    assert exit_info.value.code == 2

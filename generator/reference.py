"""The field reference of the catalog (docs/catalog-fields.md), generated from the schemas.

The schemas are the single source of the fields' Vietnamese titles and descriptions; this module
turns them into one Markdown page with an example of each file, so the documentation cannot fall
behind the validator. ``catalog reference --check`` fails when the committed page is stale.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from . import schemastore

# A valid example of each kind of file, shipped as package data (in the source tree: the tests'
# fixture catalog, tests/cases/base/catalog, which the test suite keeps valid).
EXAMPLES = files("generator") / "examples"
FILES = (
    ("province", "catalog/province.yaml", "province.yaml"),
    ("sectors", "catalog/sectors.yaml", "sectors.yaml"),
    ("agencies", "catalog/agencies.yaml", "agencies.yaml"),
    ("service-points", "catalog/service-points.yaml", "service-points.yaml"),
    (
        "procedure",
        "catalog/procedures/<mã cơ quan>/<mã thủ tục>.yaml",
        "procedures/ubnd-cap-xa/1.001193.yaml",
    ),
    ("decision", "catalog/decisions/<số hiệu>.yaml", "decisions/163-QD-BTP.yaml"),
    (
        "location-independent",
        "catalog/location-independent/<mã danh mục>.yaml",
        "location-independent/2025-danh-muc.yaml",
    ),
    ("plan", "catalog/plans/<mã kế hoạch>.yaml", "plans/575-KH-UBND.yaml"),
    (
        "life-events",
        "catalog/life-events.yaml",
        "",
    ),  # optional, so not in the base catalog: LIFE_EVENTS_EXAMPLE
)
HEADER = """# Tham chiếu các trường dữ liệu của danh mục

<!-- Tệp này được sinh tự động từ schemas/*.schema.json bằng `catalog reference --out docs/catalog-fields.md`.
     Đừng sửa tay: sửa tiêu đề, mô tả trong schema rồi chạy lại lệnh. -->

Mỗi tệp trong thư mục `catalog/` được kiểm tra theo một JSON Schema trong `schemas/`. Trang này liệt kê
mọi trường của từng loại tệp: đường dẫn trường, tên tiếng Việt, kiểu dữ liệu, bắt buộc hay không và ý nghĩa,
kèm một tệp ví dụ hợp lệ. Chạy `catalog validate` để kiểm tra tệp của bạn.

Quy ước chung: thụt lề bằng 2 dấu cách (không dùng tab); mã luôn viết trong dấu ngoặc kép
(`code: "1.001193"`); ngày viết dạng `2025-07-01`; giá trị đúng/sai chỉ viết `true`/`false`;
không dùng anchor (`&`) và alias (`*`) của YAML.
"""


_LABELS = {
    "string": "chuỗi",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "true/false",
    "object": "đối tượng",
}


def _type(node: dict[str, Any], base: str) -> str:
    if "enum" in node:
        return "một trong: " + ", ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type", "")
    if kind == "array":
        item, _ = schemastore.resolve(node.get("items", {}), base)
        inner = _LABELS.get(item.get("type", ""), "") or (
            "giá trị liệt kê" if "enum" in item else "đối tượng"
        )
        return f"danh sách {inner}"
    text = _LABELS.get(str(kind), "đối tượng")
    if node.get("format") == "date":
        text = "ngày (YYYY-MM-DD)"
    if "pattern" in node:
        text += f", mẫu `{node['pattern']}`"
    if "minimum" in node:
        text += f", ≥ {node['minimum']}"
    return text


def _rows(node: dict[str, Any], base: str, prefix: str, rows: list[str], depth: int = 0) -> None:
    node, base = schemastore.resolve(node, base)
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        prop, prop_base = schemastore.resolve(prop, base)
        path = f"{prefix}{name}"
        mark = "có" if name in required else ""
        description = str(prop.get("description", "")).replace("|", "\\|")
        rows.append(
            f"| `{path}` | {prop.get('title', '')} | {_type(prop, prop_base)} | {mark} | {description} |"
        )
        if depth < 6:
            if prop.get("type") == "object" or "properties" in prop:
                _rows(prop, prop_base, f"{path}.", rows, depth + 1)
            items = prop.get("items")
            if isinstance(items, dict):
                resolved, items_base = schemastore.resolve(items, prop_base)
                if "properties" in resolved:
                    _rows(resolved, items_base, f"{path}[].", rows, depth + 1)


# The example of catalog/life-events.yaml (optional, so the base catalog the validator's cases use has
# none); tests/test_life_events.py validates it against the base catalog.
LIFE_EVENTS_EXAMPLE = """# yaml-language-server: $schema=../schemas/life-events.schema.json
events:
  - id: hanh-nghe-cong-chung
    title: Hành nghề công chứng
    description: Sau thời gian tập sự, đăng ký tham dự kiểm tra kết quả tập sự hành nghề công chứng.
    procedures:
      - code: "1.013818"
        note: Khi đã hết thời gian tập sự.
"""
INLINE = {"life-events": LIFE_EVENTS_EXAMPLE}


def render_reference() -> str:
    parts = [HEADER]
    for kind, where, example in FILES:
        schema = schemastore.catalog_schema(kind)
        parts.append(
            f"\n## {schema['title']}\n\nTệp: `{where}` — schema: `schemas/{kind}.schema.json`\n\n"
            f"{schema['description']}\n\n| Trường | Tên | Kiểu | Bắt buộc | Ý nghĩa |\n|---|---|---|---|---|"
        )
        rows: list[str] = []
        _rows(schema, schema["$id"], "", rows)
        parts.append("\n".join(rows))
        text = EXAMPLES.joinpath(*example.split("/")).read_text(encoding="utf-8") if example else INLINE[kind]
        parts.append(f"\n\nVí dụ:\n\n```yaml\n{text.rstrip()}\n```\n")
    return "\n".join(parts).rstrip() + "\n"

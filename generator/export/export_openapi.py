"""The OpenAPI 3.1 description of the static API (``api/openapi.json``), made from the list of files.

Every response's schema is the published JSON Schema of the file, referred to by a path relative to
``api/openapi.json`` (``../schemas/export/v1/<name>``), so tools that load the description from the
site find the schemas beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Province
from .export_schemas import SCHEMA_VERSION

JSON = "application/json"
CSV = "text/csv; charset=utf-8; header=present"


@dataclass(frozen=True)
class ApiFile:
    """One file of the API: its path under api/v1/, schema, media type, summary and description."""

    path: str
    operation: str
    schema: str
    media_type: str
    summary: str
    description: str


FILES: tuple[ApiFile, ...] = (
    ApiFile(
        "/procedures.json",
        "listProcedures",
        "procedures.schema.json",
        JSON,
        "Tất cả thủ tục đang thực hiện",
        "Mọi thủ tục đang thực hiện, sắp xếp theo mã, với phiên bản lược đồ, commit nguồn, số thủ tục và "
        "vị trí trong dòng thay đổi (changes_through). All published procedures with a header.",
    ),
    ApiFile(
        "/procedures/{code}.json",
        "getProcedure",
        "procedure.schema.json",
        JSON,
        "Một thủ tục (JSON-LD)",
        "Một thủ tục, với ngữ cảnh JSON-LD ngay trong tệp: đọc như schema.org GovernmentService và CPSV-AP "
        "PublicService. One procedure, JSON-LD with an inline context (served as application/json).",
    ),
    ApiFile(
        "/procedures.csv",
        "getProceduresCsv",
        "procedures-csv.schema.json",
        CSV,
        "Bảng tính thủ tục",
        "Mỗi thủ tục một dòng, UTF-8 có BOM, tên cột tiếng Việt; lược đồ mô tả một dòng đọc thành đối "
        "tượng. One row per procedure, for spreadsheets.",
    ),
    ApiFile(
        "/national/procedures.json",
        "listNationalProcedures",
        "national-procedures.schema.json",
        JSON,
        "Thủ tục theo định dạng Cơ sở dữ liệu quốc gia",
        "Các thủ tục theo tên trường và bảng mã của bản ghi Cơ sở dữ liệu quốc gia về TTHC (MATTHC, "
        "TENTTHC, CAPTHUCHIEN, CACHTHUCTHUCHIEN…). The procedures in the national record shape.",
    ),
    ApiFile(
        "/changes.json",
        "getChanges",
        "changes.schema.json",
        JSON,
        "Dòng thay đổi (trang đầu, mới nhất)",
        "Những gì thay đổi trong procedures.json qua từng commit, mới nhất trước; trường next trỏ tới "
        "trang cũ hơn. The change feed, newest first.",
    ),
    ApiFile(
        "/changes/page-{page}.json",
        "getChangesPage",
        "changes.schema.json",
        JSON,
        "Dòng thay đổi (các trang cũ hơn)",
        "Trang thứ page (từ 2) của dòng thay đổi. Older pages of the change feed.",
    ),
    ApiFile(
        "/location-independent.json",
        "listLocationIndependent",
        "location-independent.schema.json",
        JSON,
        "Danh mục TTHC tiếp nhận không phụ thuộc địa giới hành chính",
        "Các danh mục đã được phê duyệt và các mục đã phê duyệt. Approved location-independent lists.",
    ),
    ApiFile(
        "/sectors.json", "listSectors", "sectors.schema.json", JSON, "Lĩnh vực", "Các lĩnh vực. Sectors."
    ),
    ApiFile(
        "/agencies.json",
        "listAgencies",
        "agencies.schema.json",
        JSON,
        "Cơ quan",
        "Các cơ quan, kể cả cơ quan đã giải thể. Agencies, dissolved ones included.",
    ),
    ApiFile(
        "/service-points.json",
        "listServicePoints",
        "service-points.schema.json",
        JSON,
        "Điểm tiếp nhận hồ sơ",
        "Trung tâm Phục vụ hành chính công và nơi tiếp nhận hồ sơ. Service points.",
    ),
    ApiFile(
        "/decisions.json",
        "listDecisions",
        "decisions.schema.json",
        JSON,
        "Quyết định công bố",
        "Các quyết định công bố thủ tục hành chính. Publishing decisions.",
    ),
    ApiFile(
        "/plan.json",
        "listPlans",
        "plan.schema.json",
        JSON,
        "Kế hoạch",
        "Các kế hoạch được chép thành dữ liệu. Plans.",
    ),
    ApiFile(
        "/province.json",
        "getProvince",
        "province.schema.json",
        JSON,
        "Thông tin tỉnh",
        "Thông tin tỉnh và các cấp chính quyền (mã cấp và mã cấp quốc gia). The province and its levels.",
    ),
)
PARAMETERS = {
    "/procedures/{code}.json": {
        "name": "code",
        "in": "path",
        "required": True,
        "description": "Mã thủ tục hành chính, ví dụ 1.001193.",
        "schema": {"type": "string", "pattern": "^\\d\\.\\d{6}$"},
    },
    "/changes/page-{page}.json": {
        "name": "page",
        "in": "path",
        "required": True,
        "description": "Số trang, từ 2 (trang 1 là changes.json).",
        "schema": {"type": "integer", "minimum": 2},
    },
}


def openapi(base_url: str, province: Province | None) -> dict[str, Any]:
    """The OpenAPI document for a site published at ``base_url``."""
    name = (province.full_name or province.name) if province is not None else ""
    paths: dict[str, Any] = {}
    for file in FILES:
        operation: dict[str, Any] = {
            "operationId": file.operation,
            "summary": file.summary,
            "description": file.description,
            "responses": {
                "200": {
                    "description": file.summary,
                    "content": {file.media_type: {"schema": {"$ref": f"../schemas/export/v1/{file.schema}"}}},
                },
                "404": {"description": "Không có tệp này (ví dụ mã thủ tục không được công bố). Not found."},
            },
        }
        if file.path in PARAMETERS:
            operation["parameters"] = [PARAMETERS[file.path]]
        paths[file.path] = {"get": operation}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": f"Dữ liệu mở thủ tục hành chính {name}".strip(),
            "version": SCHEMA_VERSION,
            "description": (
                "API tĩnh, chỉ đọc (GET), không cần đăng ký: các tệp JSON và CSV được tạo lại mỗi lần danh mục "
                "thay đổi. Mọi tệp đều có lược đồ JSON Schema trong schemas/export/v1/. Để biết thay đổi từ lần "
                "đọc trước, đọc changes.json. A static, read-only API: files regenerated on every change of "
                "the catalog; see docs/open-data.md in the repository."
            ),
        },
        "servers": [
            {"url": f"{base_url}api/v1", "description": "Trang dữ liệu mở của tỉnh. The province's site."}
        ],
        "paths": paths,
    }

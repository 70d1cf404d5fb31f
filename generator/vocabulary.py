"""The Vietnamese words for the catalog's codes: every table of labels, in one place.

Where the schema's description of an enum (``value: label; value: label.``, read by
:mod:`generator.schemadoc`) is the wording citizens read, the label is derived from it, so that it
is worded once, in the schema: applicant types, procedure types, time units. The site's other
tables keep their own, shorter or fuller wording for a page (a badge, a table column); the
exports' tables are the wording of the files they imitate (the national database's code lists, as
the importer reads them back). ``tests/test_vocabulary.py`` checks that every table covers its
enum's values exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import schemadoc


def _schema_labels(kind: str, path: Sequence[str], *, capitalised: bool = True) -> dict[str, str]:
    labels = schemadoc.enum_labels(kind, path)
    return {
        value: (label[:1].upper() + label[1:]) if capitalised else label for value, label in labels.items()
    }


# Derived from the schemas' descriptions.
APPLICANTS = _schema_labels("procedure", ("applicant_types", "*"))
PROCEDURE_TYPES = _schema_labels("procedure", ("procedure_type",))
UNITS = _schema_labels("procedure", ("channels", "*", "processing_time", "unit"), capitalised=False)

# The site's words (site/labels.py, the templates).
CHANNELS = {"in_person": "Trực tiếp", "online": "Trực tuyến", "postal": "Qua bưu chính công ích"}
ONLINE_LEVELS = {
    "full": "Trực tuyến toàn trình",
    "partial": "Trực tuyến một phần",
    "none": "Chưa có dịch vụ trực tuyến",
    "unknown": "Có nộp trực tuyến, chưa rõ mức độ",
}
ONLINE_SHORT = {
    "full": "Toàn trình",
    "partial": "Một phần",
    "none": "Không",
    "unknown": "Chưa rõ",
}  # a column
STATUSES = {"active": "Đang thực hiện", "suspended": "Tạm dừng", "abolished": "Đã bãi bỏ", "draft": "Dự thảo"}
TASK_STATUSES = {
    "planned": "Chưa triển khai",
    "in_progress": "Đang thực hiện",
    "done": "Đã hoàn thành",
    "not_reported": "Chưa có báo cáo",
}
AGENCY_ROLES = {
    "implementing": "Cơ quan thực hiện",
    "competent": "Cơ quan có thẩm quyền",
    "authorised": "Cơ quan được ủy quyền",
    "coordinating": "Cơ quan phối hợp",
}
# The two ways in "by who applies" on the home page, and the applicant types each gathers.
APPLICANT_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cong-dan": ("Người dân", ("citizen", "overseas_vietnamese", "foreigner")),
    "doanh-nghiep": (
        "Doanh nghiệp, tổ chức",
        ("business", "foreign_invested_business", "cooperative", "organization", "foreign_organization"),
    ),
}

# The CSV export's words (its column documentation in docs/open-data.md names them).
CSV_CHANNELS = {"in_person": "Trực tiếp", "online": "Trực tuyến", "postal": "Bưu chính công ích"}
CSV_ONLINE_LEVELS = {
    "full": "Toàn trình",
    "partial": "Một phần",
    "none": "Chưa cung cấp",
    "unknown": "Chưa rõ",
}
CSV_STATUSES = {"active": "Đang thực hiện", "draft": "Dự thảo (bản xem trước)"}
FEE_KINDS = {"fee": "Phí", "charge": "Lệ phí"}

# The national database's wording (CSDL quốc gia về TTHC), as the importer reads it back.
# KENH: 1 trực tiếp, 2 trực tuyến, 3 dịch vụ bưu chính công ích.
PORTAL_CHANNEL_CODES = {"in_person": "1", "online": "2", "postal": "3"}
# "unknown" (the record gave a bare number) has no name in the national database: the national export
# writes the number without DONVITINH.
PORTAL_UNITS = {
    "working_days": "Ngày làm việc",
    "days": "Ngày",
    "hours": "Giờ",
    "months": "Tháng",
    "unknown": "Không rõ đơn vị",
}
PORTAL_PROCEDURE_TYPES = {
    "detailed_by_law": "TTHC được giao luật quy định chi tiết",
    "not_delegated": "TTHC không được luật giao cho địa phương quy định",
    "other": "Loại khác",
}
# The portal's names differ from the schema's in one place: "HTX" for "hợp tác xã".
PORTAL_APPLICANTS = {**APPLICANTS, "organization": "Tổ chức (không bao gồm doanh nghiệp, HTX)"}

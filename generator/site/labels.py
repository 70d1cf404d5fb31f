"""Vietnamese words for the catalog's codes, and Vietnamese formatting of money, time and dates."""

from __future__ import annotations

from .. import vi_format
from ..model import Fee, ProcessingTime

CHANNELS = {"in_person": "Trực tiếp", "online": "Trực tuyến", "postal": "Qua bưu chính công ích"}
UNITS = vi_format.UNITS
ONLINE_LEVELS = {"full": "Trực tuyến toàn trình", "partial": "Trực tuyến một phần",
                 "none": "Chưa có dịch vụ trực tuyến"}
ONLINE_SHORT = {"full": "Toàn trình", "partial": "Một phần", "none": "Không"}
STATUSES = {"active": "Đang thực hiện", "suspended": "Tạm dừng", "abolished": "Đã bãi bỏ",
            "draft": "Dự thảo"}
APPLICANTS = {
    "citizen": "Công dân Việt Nam",
    "overseas_vietnamese": "Người Việt Nam định cư ở nước ngoài",
    "foreigner": "Người nước ngoài",
    "business": "Doanh nghiệp",
    "foreign_invested_business": "Doanh nghiệp có vốn đầu tư nước ngoài",
    "cooperative": "Hợp tác xã",
    "organization": "Tổ chức (không bao gồm doanh nghiệp, hợp tác xã)",
    "foreign_organization": "Tổ chức nước ngoài",
    "public_servant": "Cán bộ, công chức, viên chức",
    "party_member": "Đảng viên",
    "party_organization": "Tổ chức Đảng",
}
# The two ways in "by who applies" on the home page, and the applicant types each gathers.
APPLICANT_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cong-dan": ("Người dân", ("citizen", "overseas_vietnamese", "foreigner")),
    "doanh-nghiep": ("Doanh nghiệp, tổ chức", ("business", "foreign_invested_business", "cooperative",
                                               "organization", "foreign_organization")),
}
PROCEDURE_TYPES = {"detailed_by_law": "TTHC được luật giao quy định chi tiết",
                   "not_delegated": "TTHC không được luật giao cho địa phương quy định",
                   "other": "Loại khác"}
TASK_STATUSES = {"planned": "Chưa triển khai", "in_progress": "Đang thực hiện", "done": "Đã hoàn thành",
                 "not_reported": "Chưa có báo cáo"}
AGENCY_ROLES = {"implementing": "Cơ quan thực hiện", "competent": "Cơ quan có thẩm quyền",
                "authorised": "Cơ quan được ủy quyền", "coordinating": "Cơ quan phối hợp"}


def money(amount: int) -> str:
    """50000 → '50.000 đ'; 0 → 'Miễn phí'."""
    return "Miễn phí" if amount == 0 else vi_format.money(amount)


def duration(time: ProcessingTime | None) -> str:
    """ProcessingTime(value=5, unit='working_days') → '5 ngày làm việc'; text kept as it is."""
    if time is None:
        return "Không quy định"
    if time.value is not None and time.unit is not None:
        return f"{vi_format.number(time.value)} {UNITS[time.unit]}"
    return time.text or ""


def fee(item: Fee) -> str:
    if item.amount is not None:
        return money(item.amount)
    return item.text or ""


def fee_summary(fees: list[Fee]) -> str:
    """One short phrase for a list of fees: 'Miễn phí', '50.000 đ', 'Từ 50.000 đ đến 100.000 đ'."""
    amounts = sorted({f.amount for f in fees if f.amount is not None})
    if not fees:
        return "Không quy định"
    if not amounts:
        return "Xem chi tiết"
    if len(amounts) == 1:
        return money(amounts[0])
    return f"Từ {money(amounts[0])} đến {money(amounts[-1])}".replace("Từ Miễn phí", "Từ 0 đ")


def date_vi(iso: str | None) -> str:
    """'2025-07-01' → '01/07/2025'."""
    return vi_format.date(iso) if iso else ""

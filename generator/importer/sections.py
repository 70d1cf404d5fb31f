"""The portal page's own sections, read from a record's ``raw_text`` by their headings.

The scraper cut the page into fields, sometimes at the wrong place: ``1.001521``'s
``trinh_tu_thuc_hien`` stops at "(" (the next heading, "Thành phần hồ sơ", is quoted inside its
first step) and its ``thanh_phan_ho_so`` holds steps 2–3. ``raw_text`` is the whole page, headings
glued to their content in a fixed order, so :func:`page_sections` reads it back section by section
and :func:`recover_fields` replaces a structured field by its page section where the field is
visibly cut (a strict prefix of the section) or holds another section's text.
"""

from __future__ import annotations

from typing import Any

from .text import Note, one_line

# (record field, page heading), in page order. A heading is searched for after the previous one, so
# a heading quoted inside an earlier section's text is never taken for the real one.
HEADINGS: tuple[tuple[str, str], ...] = (
    ("ten_thu_tuc", "Tên thủ tục"),
    ("ma_thu_tuc", "Mã thủ tục"),
    ("so_quyet_dinh", "Số quyết định"),
    ("cap_thuc_hien", "Cấp thực hiện"),
    ("loai_thu_tuc", "Loại thủ tục"),
    ("linh_vuc", "Lĩnh vực"),
    ("doi_tuong_thuc_hien", "Đối tượng thực hiện"),
    ("co_quan_co_tham_quyen", "Cơ quan có thẩm quyền"),
    ("dia_chi_tiep_nhan", "Địa chỉ tiếp nhận HS"),
    ("co_quan_duoc_uy_quyen", "Cơ quan được ủy quyền"),
    ("co_quan_phoi_hop", "Cơ quan phối hợp"),
    ("thu_tuc_lien_quan", "Thủ tục hành chính liên quan"),
    ("trinh_tu_thuc_hien", "Trình Tự Thực Hiện"),
    ("cach_thuc_thuc_hien", "Cách Thức Thực Hiện"),
    ("thanh_phan_ho_so", "Thành phần hồ sơ"),
    ("can_cu_phap_ly", "Căn cứ pháp lý"),
    ("co_quan_thuc_hien", "Cơ quan thực hiện"),
    ("yeu_cau_dieu_kien", "Yêu cầu, điều kiện thực hiện"),
    ("ket_qua_xu_ly", "Kết quả xử lý"),
)
# Fields recovered from the page when cut or misplaced. Headings-only fields (code, name, level…)
# are short and never cut; the result block has its own repair in the parser.
RECOVERABLE = (
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "dia_chi_tiep_nhan",
    "co_quan_duoc_uy_quyen",
    "co_quan_phoi_hop",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "co_quan_thuc_hien",
    "yeu_cau_dieu_kien",
)
# What must follow a heading for it to be the real one (the table header glued to it), when known.
_FOLLOWED_BY = {"cach_thuc_thuc_hien": "Hình thức nộp", "can_cu_phap_ly": "Tên văn bản pháp lý"}
_PAGE_END = "Chọn cơ quan thực hiện"
# A field's text is taken for another section's only when this long ("Không có thông tin" is everywhere).
_MIN_MISPLACED = 40


def page_sections(raw: str) -> dict[str, str]:
    """Record field → the page's text for it (as written, not cleaned). Sections whose heading is
    not found are absent; the others end where the next found heading starts."""
    found: list[tuple[str, int, int]] = []  # (field, heading start, content start)
    pos = 0
    for key, heading in HEADINGS:
        follow = _FOLLOWED_BY.get(key)
        start = raw.find(heading + follow, pos) if follow else -1
        if start < 0:
            start = raw.find(heading, pos)
        if start < 0:
            continue
        found.append((key, start, start + len(heading)))
        pos = start + len(heading)
    sections: dict[str, str] = {}
    for k, (key, _, content) in enumerate(found):
        end = found[k + 1][1] if k + 1 < len(found) else len(raw)
        text = raw[content:end]
        if k + 1 == len(found):
            text = text.split(_PAGE_END)[0]
        sections[key] = text
    return sections


def _key(text: str) -> str:
    return one_line(text)


def recover_fields(record: dict[str, Any]) -> tuple[dict[str, Any], list[Note]]:
    """The record with its cut or misplaced fields replaced by the page's sections, and a note
    (``section-recovered``) per replaced field. A field is replaced when it is a strict beginning
    of its section (cut), or when its text belongs to another section and not to its own."""
    raw = record.get("raw_text")
    if not isinstance(raw, str) or not raw:
        return record, []
    sections = page_sections(raw)
    keys: dict[str, str] = {}
    fixed = dict(record)
    notes: list[Note] = []
    for field in RECOVERABLE:
        if field not in sections or str(record.get(field) or "").strip() == sections[field].strip():
            continue
        if not keys:
            keys = {name: _key(text) for name, text in sections.items()}
        value = _key(str(record.get(field) or ""))
        own = keys[field]
        if value == own or not value:
            continue
        reason = None
        if own.startswith(value) and len(own) > len(value):
            reason = f"cut after {len(value)} of {len(own)} characters"
        elif len(value) >= _MIN_MISPLACED and value not in own:
            elsewhere = [other for other, text in keys.items() if other != field and value in text]
            if elsewhere:
                reason = f"held the text of the page's section for {elsewhere[0]}"
            elif sum(heading in value and heading not in own for _, heading in HEADINGS) >= 2:
                reason = "spilled over the page's next headings"
        if reason is None:
            continue
        fixed[field] = sections[field]
        notes.append(
            Note(
                _POINTERS.get(field, f"/{field}"),
                "section-recovered",
                f"the portal field {field} was {reason}; read from the page text instead",
            )
        )
    return fixed, notes


_POINTERS = {
    "doi_tuong_thuc_hien": "/applicant_types",
    "co_quan_co_tham_quyen": "/agencies/competent",
    "dia_chi_tiep_nhan": "/receiving_address",
    "co_quan_duoc_uy_quyen": "/agencies/authorised",
    "co_quan_phoi_hop": "/agencies/coordinating",
    "trinh_tu_thuc_hien": "/steps",
    "cach_thuc_thuc_hien": "/channels",
    "thanh_phan_ho_so": "/dossier",
    "can_cu_phap_ly": "/legal_basis",
    "co_quan_thuc_hien": "/agencies/implementing",
    "yeu_cau_dieu_kien": "/conditions",
}

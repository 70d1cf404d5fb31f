"""The pieces of the citizen's procedure page, on exact inputs: list markers into structure, notes apart
from documents, Vietnamese order, times without a unit, the readable lead of a long name."""

from __future__ import annotations

from generator.model import entities as m
from generator.site import checklist, collation, labels, summary


def doc(name: str, originals: int | None = 1, copies: int | None = None, **extra: object) -> m.Document:
    return m.Document(name=name, originals=originals, copies=copies, **extra)  # type: ignore[arg-type]


def test_markers_become_structure_and_numbered_items_their_order() -> None:
    assert checklist.strip_marker("- Giấy chứng sinh") == "Giấy chứng sinh"
    assert checklist.strip_marker("(iii) Hợp đồng") == "Hợp đồng"
    assert checklist.strip_marker("- + Bản sao") == "Bản sao"
    assert checklist.strip_marker("(Trường hợp khai thác được)") == "(Trường hợp khai thác được)"
    assert checklist.strip_marker("01 bản chính") == "01 bản chính"
    built = checklist.build(
        (
            m.DossierCase(
                documents=(doc("(iii) Ba"), doc("(i) Một"), doc("Không số"), doc("(ii) Hai")),
                case="* Giấy tờ phải nộp:",
            ),
        )
    )
    assert [d.name for d in built.groups[0].documents] == ["Một", "Hai", "Ba", "Không số"]
    assert built.groups[0].title == "Giấy tờ phải nộp"


def test_notes_and_lead_ins_are_not_documents() -> None:
    case = m.DossierCase(
        documents=(
            doc("- Người yêu cầu nộp các giấy tờ sau:", originals=0),
            doc("- Tờ khai đăng ký khai sinh theo mẫu;"),
            doc("Trường hợp đã nộp bản điện tử thì không phải nộp bản giấy.", originals=0),
            doc("Hóa đơn thương mại", originals=0),
            doc("+ Bản kê chi tiết", copies=1, originals=0),
        )
    )
    notes = m.DossierCase(
        documents=(doc("- Cá nhân có quyền lựa chọn nơi nộp", originals=0),), case="* Lưu ý:"
    )
    built = checklist.build((notes, case))
    group = built.groups[0]
    assert group.title == "" and group.intro == "Người yêu cầu nộp các giấy tờ sau:"
    assert [(d.name, d.quantity, d.nested) for d in group.documents] == [
        ("Tờ khai đăng ký khai sinh theo mẫu;", "1 bản chính", False),
        ("Hóa đơn thương mại", checklist.UNKNOWN_COPIES, False),
        ("Bản kê chi tiết", "1 bản sao", True),
    ]
    assert [n.text for n in group.notes] == ["Trường hợp đã nộp bản điện tử thì không phải nộp bản giấy."]
    assert [(g.title, [n.text for n in g.notes]) for g in built.notes] == [
        ("Lưu ý", ["Cá nhân có quyền lựa chọn nơi nộp"])
    ]
    assert built.count == 3


def test_vietnamese_order() -> None:
    words = [
        "Giáo dục",
        "Đất đai",
        "Dân tộc",
        "Âm nhạc",
        "An ninh",
        "Ăn uống",
        "Hộ tịch",
        "Hồ sơ",
        "Hỗ trợ",
        "Ưu đãi",
        "Y tế",
        "Ủy ban",
    ]
    assert sorted(words, key=collation.sort_key) == [
        "An ninh",
        "Ăn uống",
        "Âm nhạc",
        "Dân tộc",
        "Đất đai",
        "Giáo dục",
        "Hồ sơ",
        "Hộ tịch",
        "Hỗ trợ",
        "Ủy ban",
        "Ưu đãi",
        "Y tế",
    ]
    assert collation.first_letter(". Đăng ký thuế") == "đ"


def test_a_time_without_its_unit_says_so() -> None:
    assert labels.duration(m.ProcessingTime(value=5, unit=m.TimeUnit.WORKING_DAYS)) == "5 ngày làm việc"
    assert labels.duration(m.ProcessingTime(text="1")) == "1 (chưa có thông tin về đơn vị)"
    assert labels.duration(m.ProcessingTime(value=3)) == "3 (chưa có thông tin về đơn vị)"
    assert labels.duration(m.ProcessingTime(value=3, unit="unknown")) == "3 (chưa có thông tin về đơn vị)"  # type: ignore[arg-type]
    assert (
        labels.duration(m.ProcessingTime(text="15 ngày kể từ ngày nhận đủ hồ sơ"))
        == "15 ngày kể từ ngày nhận đủ hồ sơ"
    )
    assert labels.duration(m.ProcessingTime(text="Không quy định")) == (
        "Không quy định (chưa có thông tin về thời hạn cụ thể)"
    )
    assert labels.duration(None) == "Chưa có thông tin"


def test_a_long_name_gets_its_first_clause_as_a_lead() -> None:
    assert summary.lead("Thủ tục đăng ký khai sinh") == "Thủ tục đăng ký khai sinh"
    long = (
        "Cấp chứng nhận đăng ký xe, biển số xe trong trường hợp thay đổi chủ xe (đăng ký sang tên xe) bằng "
        "dịch vụ công trực tuyến một phần"
    )
    assert summary.lead(long) == "Cấp chứng nhận đăng ký xe, biển số xe trong trường hợp thay đổi chủ xe"
    listing = (
        "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho "
        "trẻ em dưới 6 tuổi"
    )
    assert summary.lead(listing) == listing  # a comma joining a list is not cut

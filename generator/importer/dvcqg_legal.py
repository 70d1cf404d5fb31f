"""``can_cu_phap_ly`` (legal basis) → ``legal_basis``, and issuers read from document numbers.

Flattened shape: ``Tên văn bản pháp lýMã văn bản`` then ``<title><number>`` pairs glued together:
``Luật Đất đai ngày 18/01/2024;31/2024/QH15Nghị định 42/2020/NĐ-CP42/2020/NĐ-CP…``. Titles often
quote their own number, so a number is taken as the "Mã văn bản" column only when it is glued to
what follows (the next title) or ends the text, or is glued to the title before it and followed by
a capitalised word; when a title ends with the very number that follows it, the second copy is
the column. Digits glued in front of a number ("năm 202072/2020/QH14") are split off using the
number quoted in the title, else a leading year.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .text import NO_INFO, Note, clean_text, one_line

HEADER = "Tên văn bản pháp lýMã văn bản"

# Issuer codes as they appear in document numbers (the part after the year).
ISSUERS = {
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "CTN": "Chủ tịch nước",
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "BTC": "Bộ Tài chính",
    "BTP": "Bộ Tư pháp",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BYT": "Bộ Y tế",
    "BCT": "Bộ Công Thương",
    "BXD": "Bộ Xây dựng",
    "BGTVT": "Bộ Giao thông vận tải",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BNV": "Bộ Nội vụ",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BNG": "Bộ Ngoại giao",
    "BDTTG": "Bộ Dân tộc và Tôn giáo",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "TTCP": "Thanh tra Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
    "UBDT": "Ủy ban Dân tộc",
    "KTNN": "Kiểm toán nhà nước",
    "TANDTC": "Tòa án nhân dân tối cao",
    "VKSNDTC": "Viện kiểm sát nhân dân tối cao",
    "HĐTP": "Hội đồng Thẩm phán Tòa án nhân dân tối cao",
    "TCHQ": "Tổng cục Hải quan",
    "BHXH": "Bảo hiểm xã hội Việt Nam",
}
_DOC_TYPES = ("NĐ", "ND", "TT", "QĐ", "QD", "NQ", "CT", "TTLT", "L", "PL", "KH", "HD")
_KNOWN = sorted({*ISSUERS, *_DOC_TYPES, "UBND", "HĐND", "BNNNMT"}, key=len, reverse=True)
_NUMBERED = ("UBTVQH", "QH")  # codes that carry the legislature's number: QH15, UBTVQH15
_SEGMENT = (
    "(?:"
    + "|".join(re.escape(code) + (r"\d{2}" if code in _NUMBERED else "") for code in _NUMBERED)
    + "|"
    + "|".join(re.escape(code) for code in _KNOWN if code not in _NUMBERED)
    + r"|[A-ZĐ]{1,12}\d{0,2}(?![a-zà-ỹđ]))"
)
_KNOWN_SEGMENT = "(?:" + "|".join(re.escape(code) for code in _KNOWN) + ")"
_SUFFIX = _SEGMENT + r"(?:[-_]" + _SEGMENT + r"|/" + _KNOWN_SEGMENT + r"(?=[-_]))*"  # …/TTLT/BQP-BTC
_NUMBER = re.compile(r"(\d{1,6}(?:\.\d{1,2})?)/(?:(\d{4})/)?(" + _SUFFIX + r")")
_ODD_NUMBER = re.compile(r"QĐ/\d+-[A-ZĐ]+")
_INTRODUCED = re.compile(
    r"(?:số|Luật|Luất|Nghị định|Thông tư|Thông thư|Quyết định|Nghị quyết|Lệnh|Pháp lệnh|"
    r"liên tịch|NĐ|TT|QĐ|NQ)\s*$",
    re.IGNORECASE,
)
_TITLE_TAIL = re.compile(
    r"(?:Luật|Luất|Nghị định|Thông tư(?: liên tịch)?|Quyết định|Nghị quyết|Pháp lệnh)(?: số)?\s*$",
    re.IGNORECASE,
)


_DATE_NUMERIC = re.compile(r"ngày\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_DATE_WORDS = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)
_OWN_NUMBER = re.compile(
    r"^(?:Luật|Bộ luật|Nghị định|Thông tư(?: liên tịch)?|Quyết định|Nghị quyết|Pháp lệnh|Lệnh)"
    r"[^\d;]{0,30}?(?:số\s*)?(?=\d)",
    re.IGNORECASE,
)
_GLUED_YEAR = re.compile(r"^((?:19|20)\d\d)\.(\d+/.*)$")


def issued_on(item: dict[str, Any]) -> str | None:
    """The document's date as its title gives it ("… ngày 28/7/2020 …", "ngày 30 tháng 6 năm
    2025"), ISO; only the first date of the title, only before any other document's number is
    mentioned, and only when its year is the year in the document's number (if it has one)."""
    title, number = str(item.get("title", "")), str(item.get("number", ""))
    own = title.find(number) if number else -1
    limit = len(title)
    for match in _NUMBER.finditer(title):
        if match.group(0) != number and not (own >= 0 and match.start() == own):
            limit = min(limit, match.start())
            break
    found = [m for m in (*_DATE_NUMERIC.finditer(title), *_DATE_WORDS.finditer(title)) if m.start() < limit]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    day, month, year = (int(g) for g in first.groups())
    number_year = re.search(r"/((?:19|20)\d\d)/", number)
    if number_year and int(number_year.group(1)) != year:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _repair(item: dict[str, Any], notes: list[Note], pointer: str) -> list[dict[str, Any]]:
    """Malformed numbers and mis-paired titles, repaired from the title where it says the truth:
    a year glued in front of the number ("2026.55/2026/TT-BTC" beside the title "Thông tư số
    55/2026/TT-BTC ngày 15/5/") goes back to the title's date; a title that opens with its own
    document's number never keeps another document's number (both documents are kept)."""
    number, title = item.get("number"), str(item.get("title", ""))
    if not isinstance(number, str):
        return [item]
    glued = _GLUED_YEAR.match(number)
    if glued and glued.group(2) in title:
        fixed = dict(item, number=glued.group(2))
        if title.endswith("/"):
            fixed["title"] = title + glued.group(1)
        notes.append(
            Note(
                pointer,
                "legal-number-repaired",
                f"number {number!r} is the title's year glued to {glued.group(2)!r}; repaired",
            )
        )
        return [_with_issuer(fixed)]
    if number.endswith("/NĐ-C"):  # "…/NĐ-CQuy định…": a decree is always the Government's (CP)
        notes.append(
            Note(
                pointer, "legal-number-repaired", f"number {number!r} lost its last letter; read as {number}P"
            )
        )
        return [_with_issuer(dict(item, number=number + "P"))]
    own = own_number(title)
    if own is None or _same_document(own, number) or number in title:
        return [item]
    if number.endswith(own):  # "…Kỳ họp thứ 3" + "23/2022/QĐ-TTg" read as 323/2022/QĐ-TTg
        notes.append(
            Note(
                pointer,
                "legal-number-repaired",
                f"number {number!r} has digits of the title glued in front; the title's own {own!r} is used",
            )
        )
        return [_with_issuer(dict(item, number=own))]
    notes.append(
        Note(
            pointer,
            "legal-number-repaired",
            f"the title {title[:60]!r} is that of {own!r}, not of {number!r}: both kept as separate documents",
        )
    )
    return [_with_issuer({"number": own, "title": title}), _with_issuer({"number": number, "title": number})]


def own_number(title: str) -> str | None:
    """The number a title opens with ("Nghị định số 88/2020/NĐ-CP ngày …" → 88/2020/NĐ-CP), or None."""
    opening = _OWN_NUMBER.match(title)
    own = _NUMBER.match(title, opening.end()) if opening else None
    return own.group(0) if own else None


def _same_document(a: str, b: str) -> bool:
    """Two spellings of one number (190/2025/QH15 and 190/2025/NQ-QH15, 18/2021/NĐ-CP and
    18/2021/ND-CP): the same serial and, where both give one, the same year."""
    ma, mb = re.match(r"(\d+)(?:/(\d{4}))?", a), re.match(r"(\d+)(?:/(\d{4}))?", b)
    if not ma or not mb or ma.group(1).lstrip("0") != mb.group(1).lstrip("0"):
        return False
    return not (ma.group(2) and mb.group(2)) or ma.group(2) == mb.group(2)


def _repair_all(items: list[dict[str, Any]], notes: list[Note], pointer: str) -> list[dict[str, Any]]:
    """:func:`_repair` over the list, first joining a title that quotes another document's number
    at its end with its own number that follows bare ("… bởi Nghị định số" + 07/2025/NĐ-CP, then
    280/2025/NĐ-CP alone: one document, 280/2025/NĐ-CP, whose title mentions 07/2025/NĐ-CP)."""
    out: list[dict[str, Any]] = []
    k = 0
    while k < len(items):
        item = items[k]
        number, title = item.get("number"), str(item.get("title", ""))
        following = items[k + 1] if k + 1 < len(items) else None
        own = own_number(title)
        if (
            isinstance(number, str)
            and own
            and not _same_document(own, number)
            and number not in title
            and following is not None
            and following.get("title") == following.get("number")
            and isinstance(following.get("number"), str)
            and _same_document(own, following["number"])
        ):
            notes.append(
                Note(
                    f"{pointer}/{len(out)}",
                    "legal-number-repaired",
                    f"{number!r} is quoted at the end of the title of {following['number']!r}, which "
                    f"follows it; one document",
                )
            )
            merged = _with_issuer({"number": following["number"], "title": f"{title} {number}"})
            out.append(merged)
            k += 2
            continue
        out.extend(_repair(item, notes, f"{pointer}/{len(out)}"))
        k += 1
    return out


def _with_issuer(item: dict[str, Any]) -> dict[str, Any]:
    item = {key: value for key, value in item.items() if key != "issuer"}
    issuer = issuer_of(str(item["number"]))
    return {"number": item["number"], "title": item["title"], **({"issuer": issuer} if issuer else {})}


def issuer_of(number: str) -> str | None:
    """The issuing body named by a document number's code, when the code says it for certain:
    ``31/2024/QH15`` → Quốc hội, ``42/2020/NĐ-CP`` → Chính phủ, ``163/QĐ-BTP`` → Bộ Tư pháp.
    Joint documents (TTLT) and provincial ones (UBND) have no single certain issuer: None."""
    tokens = [t for t in re.split(r"[-_/\s]+", number.upper().replace("TTG", "TTg")) if t]
    if "TTLT" in tokens or "UBND" in tokens or "HĐND" in tokens:
        return None
    for token in tokens:
        code = re.sub(r"\d+$", "", token)
        if code in ISSUERS and code not in _DOC_TYPES:
            return ISSUERS[code]
    return None


def _split_glued_digits(text: str, match: re.Match[str], floor: int) -> int:
    """Where the number really starts when more digits are glued in front of it ("năm 2020"
    followed by "72/2020/QH14" reads "202072/2020/QH14"); never before ``floor``."""
    run_start = match.start()
    while run_start > floor and text[run_start - 1].isdigit():
        run_start -= 1
    integer_end = match.start() + len(match.group(1).split(".")[0])
    if integer_end - run_start <= 4 and run_start == match.start():
        return match.start()
    rest = text[integer_end : match.end()]
    options = [p for p in range(run_start, integer_end) if integer_end - p <= 4]
    elsewhere = text[:run_start] + " " + text[match.end() :]
    for pos in options:  # longest first: the number as the title quotes it
        if (text[pos] != "0" or integer_end - pos == 2) and text[pos:integer_end] + rest in elsewhere:
            return pos
    for pos in options:  # a year glued in front: "…ngày 15/11/2016" + "85/2019/TT-BTC"
        # "năm 2016" + "01/2016/QH14": a zero-padded two-digit number is common, a longer one is not
        if re.search(r"(?:19|20)\d\d$", text[run_start:pos]) and (text[pos] != "0" or integer_end - pos == 2):
            return pos
    return options[0] if options else match.start()


def _candidates(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in _NUMBER.finditer(text):
        floor = spans[-1][1] if spans else 0
        spans.append((_split_glued_digits(text, match, floor), match.end()))
    for match in _ODD_NUMBER.finditer(text):
        if not any(s <= match.start() < e for s, e in spans):
            spans.append((match.start(), match.end()))
    return sorted(spans)


def _is_column(text: str, spans: list[tuple[int, int]], k: int) -> bool:
    start, end = spans[k]
    nxt = text[end : end + 1]
    if not nxt:
        return True
    if k + 1 < len(spans) and spans[k + 1][0] == end:
        following = text[spans[k + 1][0] : spans[k + 1][1]]
        return following != text[start:end]
    glued_before = start > 0 and not text[start - 1].isspace()
    if text.startswith("ngày", end):  # "…/TT-BCAngày 01/7/2025": a missing space inside a title
        return False
    if not nxt.isspace() and nxt not in ",;:)/.-":
        return True
    after = text[end:].lstrip()
    if not (nxt.isspace() and after and after[0].isupper()):
        return False
    # Followed by a capitalised word: the column if glued to its title, or if nothing introduces it
    # as a mention ("Thông tư số 66/2023/TT-BCA Sửa đổi…" is a mention).
    return glued_before or not _INTRODUCED.search(text[max(0, start - 40) : start])


def parse_legal_basis(raw: str, pointer: str = "/legal_basis") -> tuple[list[dict[str, Any]], list[Note]]:
    """``[{title, number?, issuer?}]`` in the order given, and notes about what stayed as text."""
    notes: list[Note] = []
    text = clean_text(raw).replace("\n", " ")
    if text.startswith(HEADER):
        text = text[len(HEADER) :]
    text = text.lstrip(" :")
    spill = re.search(r"(?:^|(?<=\S))Cơ quan thực hiện", text)  # the page's next block glued on
    if spill:
        text = text[: spill.start()]
    if not text or (text.startswith(NO_INFO) and len(text) < len(NO_INFO) + 3):
        return [], notes
    spans = _candidates(text)
    columns = [spans[k] for k in range(len(spans)) if _is_column(text, spans, k)]
    items: list[dict[str, Any]] = []
    pos = 0
    for start, end in columns:
        number = text[start:end].strip()
        title = one_line(text[pos:start]).rstrip(" ;,")
        trimmed = _TITLE_TAIL.sub("", title).rstrip(" ;,")
        if trimmed and trimmed != title:
            title = trimmed  # "…hỗ trợThông tư" + "218/2016/TT-BTC": the kind belongs to the number
        elif title and not trimmed:
            title = f"{title} {number}"  # "Thông tư" alone says too little
        pos = end
        if items and items[-1].get("number") == number:
            # "…47/2019/TT-BTCThông tư 47/2019/TT-BTC": one document split over title and number
            if title and (items[-1]["title"] == number or len(title) > len(items[-1]["title"])):
                items[-1]["title"] = title
            continue
        item: dict[str, Any] = {"number": number, "title": title or number}
        issuer = issuer_of(number)
        if issuer:
            item["issuer"] = issuer
        items.append(item)
    items = _repair_all(items, notes, pointer)
    for item in items:
        issued = issued_on(item)
        if issued:
            item["issued_on"] = issued
    rest = one_line(text[pos:]).strip(" ;,")
    if rest:
        notes.append(
            Note(
                f"{pointer}/{len(items)}",
                "legal-basis-no-number",
                f"legal document without a recognisable number kept as title: {rest[:80]!r}",
            )
        )
        items.append({"title": rest})
    return items, notes

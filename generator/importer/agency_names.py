"""Agency names compared the way a person reads them, and the 2025 reorganisation as data.

:func:`agency_key` folds a name to the form two spellings of one body share: no case, no
diacritics, no punctuation, "Ủy ban nhân dân" = "UBND", "cấp tỉnh" = "tỉnh", without the desk
that receives the dossier ("Bộ phận Một cửa …", "Bộ phận tiếp nhận và trả kết quả …"), the head
who signs ("Giám đốc …", "Chủ tịch …") or the province a department's (or a police unit's) national
record was written for ("Sở Tư pháp Thành phố Hà Nội" is, for a procedure done here, our Sở Tư
pháp; "Phòng Cảnh sát … TP HCM" our Phòng Cảnh sát …).

:data:`REORGANISATION` (``data/reorganisation-2025.yaml``) maps the names of merged ministries and
departments to today's, tells which bodies are not the province's (``external``), and which
ministry published the records of each folder of the shared data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..validation.yamlload import load_package_data

DATA_FILE = Path(__file__).with_name("data") / "reorganisation-2025.yaml"

_PUNCTUATION = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r" +")
_DESK = re.compile(
    r"^(?:(?:bo phan (?:mot cua|tiep nhan va tra ket qua(?: giai quyet thu tuc hanh chinh)?)"
    r"|giam doc|chu tich|lanh dao)(?: (?:cua|thuoc|tai))? )+"
)
_LEVEL_WORD = re.compile(r"\bcap (tinh|xa|huyen)\b")
# A department's national-record name followed by the province it was written for.
_PLACE = re.compile(r" (?:cac )?(?:tinh|thanh pho|tp)(?: .*)?$")


_MINISTRY_QUALIFIER = re.compile(
    r" bo (?:tai chinh|cong an|tu phap|nong nghiep|nn|quoc phong|y te|xay dung|noi vu|"
    r"cong thuong|ngoai giao|giao duc|khoa hoc|van hoa|dan toc)\b.*$"
)
_PARENT_QUALIFIER = re.compile(r" (?:so|thuoc) .*$")


def fold(text: str) -> str:
    """Lowercase ASCII without diacritics (đ → d); other non-ASCII characters dropped (the key
    keeps letters, digits and spaces only)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii").lower()


def agency_key(name: str) -> str:
    """The folded comparison form of an agency name (see the module text)."""
    text = fold(" ".join(name.split()) if isinstance(name, str) else "")
    text = text.replace("uy ban nhan dan", "ubnd")
    text = _SPACES.sub(" ", _PUNCTUATION.sub(" ", text)).strip()
    text = _DESK.sub("", text)
    text = _LEVEL_WORD.sub(r"\1", text)
    text = text.replace(" thanh pho truc thuoc trung uong", "").replace(" truc thuoc trung uong", "")
    text = text.replace(" tinh thanh pho", " tinh")
    if not text.startswith("bo "):
        text = _MINISTRY_QUALIFIER.sub("", text)
    if text.startswith("chi cuc "):
        text = _PARENT_QUALIFIER.sub("", text)
    if text.startswith(("so ", "ubnd xa ", "phong ")) and len(text.split()) > 2:
        cut = _PLACE.sub("", text)
        if len(cut.split()) >= 2:
            text = cut
    return text


@dataclass(frozen=True)
class Renaming:
    old: str
    new: str
    note: str = ""
    prefix: bool = False  # the old name also matches names that start with it
    level: str | None = None  # only for records at this level (a body named by its function)

    def matches(self, key: str, level: str | None = None) -> bool:
        if self.level is not None and level is not None and level != self.level:
            return False
        old = agency_key(self.old)
        return key == old or (self.prefix and key.startswith(old + " "))


@dataclass(frozen=True)
class ExternalRule:
    starts: tuple[str, ...]
    contains: tuple[str, ...] = ()

    def matches(self, key: str) -> bool:
        return key.startswith(self.starts) and (not self.contains or any(c in key for c in self.contains))


@dataclass(frozen=True)
class Reorganisation:
    """The contents of the data file."""

    ministries: tuple[Renaming, ...]
    departments: tuple[Renaming, ...]
    external: tuple[ExternalRule, ...]
    ministry_folders: dict[str, str]
    level_bodies: dict[str, str]
    # Folded phrases meaning "the body the provincial People's Committee designates": the department
    # that mirrors the sector's ministry (see dvcqg_parse._designated).
    designated: tuple[str, ...] = ()

    def current_department(self, name: str, level: str | None = None) -> Renaming | None:
        """The renaming whose old name is ``name`` (compared by :func:`agency_key`) for a record at
        ``level`` (renamings without a level match at every level), or None."""
        key = agency_key(name)
        return next((r for r in self.departments if r.matches(key, level)), None)

    def is_designated(self, name: str) -> bool:
        key = agency_key(name)
        return any(key == phrase or key.startswith(phrase + " ") for phrase in self.designated)

    def current_ministry(self, name: str) -> str:
        key = agency_key(name)
        return next((r.new for r in self.ministries if agency_key(r.old) == key), name)

    def is_external(self, name: str) -> bool:
        key = agency_key(name)
        return any(rule.matches(key) for rule in self.external)


def _renamings(items: Any) -> tuple[Renaming, ...]:
    return tuple(
        Renaming(
            str(i["old"]),
            str(i["new"]),
            str(i.get("note", "")),
            bool(i.get("prefix", False)),
            str(i["level"]) if i.get("level") else None,
        )
        for i in items or ()
    )


@cache
def reorganisation() -> Reorganisation:
    """The reorganisation data file, read once."""
    data = load_package_data(DATA_FILE.read_text(encoding="utf-8"))
    rules = tuple(
        ExternalRule(tuple(r["starts"]), tuple(r.get("contains", ()))) for r in data.get("external") or ()
    )
    return Reorganisation(
        _renamings(data.get("ministries")),
        _renamings(data.get("departments")),
        rules,
        {str(k): str(v) for k, v in (data.get("ministry_folders") or {}).items()},
        {str(k): str(v) for k, v in (data.get("level_bodies") or {}).items()},
        tuple(agency_key(str(phrase)) for phrase in data.get("designated") or ()),
    )

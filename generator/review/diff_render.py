"""The catalog diff in words: Markdown for a pull-request comment, plain text for a terminal, JSON.

Everything a reader sees is Vietnamese: fields are named by their schema titles, enum values by
the labels their schema gives, money as ``50.000 đ``, dates as ``01/07/2025``, processing times
as ``3 ngày làm việc``; agencies, sectors and levels by their names.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import schemadoc, vi_format, vocabulary
from ..diagnostics import Diagnostic
from ..model import written
from .diff import CatalogDiff, EntityChange, EntryChange, FieldChange, ItemKey, PathPart, ProcedureChange

MARKER = "<!-- catalog-diff -->"
MAX_MARKDOWN = 60_000  # GitHub refuses comments over 65,536 characters
MAX_VALUE = 160
MAX_FIELDS = 40
MAX_SECTION = 100  # items shown per section in Markdown; a mass import is summarised, not listed

ENTITY_KINDS = {  # kind → (label, schema, schema path of one entity)
    "province": ("Thông tin tỉnh", "province", ()),
    "agency": ("Cơ quan", "agencies", ("agencies", "*")),
    "sector": ("Lĩnh vực", "sectors", ("sectors", "*")),
    "service-point": ("Điểm tiếp nhận", "service-points", ("service_points", "*")),
    "life-event": ("Sự kiện trong đời", "life-events", ("events", "*")),
    "decision": ("Quyết định công bố", "decision", ()),
    "location-independent": ("Danh mục không phụ thuộc địa giới hành chính", "location-independent", ()),
    "plan": ("Kế hoạch", "plan", ()),
}
AGENCY_FIELDS = frozenset(
    {
        "implementing",
        "competent",
        "authorised",
        "coordinating",
        "proposed_by",
        "parent",
        "successor",
        "agency",
        "lead_agencies",
        "coordinating_agencies",
    }
)
LEVEL_FIELDS = frozenset({"levels", "level"})
SECTOR_FIELDS = frozenset({"sector"})
LABELS = {"amount": "Mức thu"}
CHANNEL_PREFIX = "Nộp"
_CODE = re.compile(r"\d\.\d{6}\Z")
LIST_SECTION = "Danh mục TTHC tiếp nhận không phụ thuộc địa giới hành chính"


# Every value the diff prints comes from the change under review: in Markdown it must stay text
# (no code span broken by a backtick, no image, no emphasis, no @mention, no raw HTML, no new line
# starting a block); on a terminal, no escape sequence or bidirectional control may reach it.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_<>\[\]|#~!&])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _visible(text: str) -> str:
    """Control and invisible formatting characters shown as escapes (\\u202e), whitespace as one space."""
    text = " ".join(str(text).split())
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def duration(value: Any) -> str:
    """A processing time of a document of a git revision (valid or not), ``{value: 3, unit: working_days}`` → ``3 ngày làm việc``; its ``text`` if it
    has no value, or both: ``3 ngày làm việc (kể từ ngày nhận đủ hồ sơ)``."""
    if not isinstance(value, dict):
        return str(value)
    written_duration = written.duration(value)
    amount, unit, text = written_duration.amount, written_duration.unit, written_duration.text
    parts = []
    if isinstance(amount, (int, float)) and not isinstance(amount, bool):
        parts.append(
            f"{vi_format.number(amount)} {vocabulary.UNITS.get(str(unit), str(unit or ''))}".rstrip()
        )
    if isinstance(text, str) and text:
        parts.append(f"({text})" if parts else text)
    return " ".join(parts) if parts else "(trống)"


@dataclass(frozen=True)
class Style:
    """How emphasis, code and headings are written: Markdown or plain text. Every value goes
    through :meth:`esc` or :meth:`code`, which keep it literal text in that format."""

    markdown: bool

    def esc(self, text: str) -> str:
        text = _visible(text)
        if not self.markdown:
            return text
        # A word joiner after '@' keeps "@team" from notifying anyone; the rest is backslash-escaped.
        return _MENTION.sub("@\u2060", _MARKDOWN_SPECIAL.sub(r"\\\1", text))

    def bold(self, text: str) -> str:
        return f"**{self.esc(text)}**" if self.markdown else self.esc(text)

    def code(self, text: str) -> str:
        """A code span whose fence is longer than any run of backticks in ``text``."""
        text = _visible(text)
        if not self.markdown:
            return text
        longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
        fence = "`" * (longest + 1)
        pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
        return f"{fence}{pad}{text}{pad}{fence}"

    def heading(self, level: int, text: str) -> str:
        return f"{'#' * level} {text}" if self.markdown else (text.upper() if level <= 2 else text)


class _Words:
    """Labels and values of one diff, with the names it carries."""

    def __init__(self, diff: CatalogDiff, style: Style) -> None:
        self.names = diff.names
        self.style = style

    # Names -------------------------------------------------------------------------------------

    def name(self, table: str, ident: str) -> str:
        return self.names.get(table, {}).get(ident) or ident

    def procedure(self, code: str, name: str = "") -> str:
        name = name or self.names.get("procedure", {}).get(code, "")
        return self.style.bold(f"{code} {name}".strip())

    # Values ------------------------------------------------------------------------------------

    def value(self, value: Any, schema: str, spath: tuple[str, ...], key: str | None) -> str:
        """One value as a reader should see it: money, a date, an enum label, a name, or quoted text."""
        s = self.style
        if value is None:
            return "(trống)"
        if key == "processing_time":
            return s.esc(duration(value))
        if key == "form" and isinstance(value, dict):
            return f"«{s.esc(_cut(str(written.name_of(value))))}»"
        if isinstance(value, bool):
            return vi_format.boolean(value)
        if key == "amount" and isinstance(value, (int, float)):
            return vi_format.money(value)
        if isinstance(value, (int, float)):
            return vi_format.number(value)
        if isinstance(value, dict):
            return f"«{s.esc(_cut(_summary(value)))}»"
        if isinstance(value, list):
            return ", ".join(self.value(v, schema, (*spath, "*"), key) for v in value) or "(trống)"
        text = str(value)
        labels = schemadoc.enum_labels(schema, spath)
        if text in labels:
            return s.esc(labels[text])
        if schemadoc.is_date(schema, spath):
            return s.esc(vi_format.date(text))
        for table, fields, file in (
            ("agency", AGENCY_FIELDS, "catalog/agencies.yaml"),
            ("sector", SECTOR_FIELDS, "catalog/sectors.yaml"),
            ("level", LEVEL_FIELDS, "catalog/province.yaml"),
        ):
            if text in self.names.get(table, {}) and (
                key in fields or schemadoc.refers_to(schema, spath, file)
            ):
                return s.esc(self.name(table, text))
        if _CODE.match(text) and text in self.names.get("procedure", {}):
            return f"{s.esc(text)} «{s.esc(_cut(self.name('procedure', text), 80))}»"
        return f"«{s.esc(_cut(text))}»"

    def item(self, list_key: str | None, value: Any, schema: str, spath: tuple[str, ...]) -> str:
        """A whole list item added or removed, in a few words."""
        s = self.style
        if not isinstance(value, dict):
            return self.value(value, schema, spath, list_key)
        if list_key == "channels":
            channel = written.channel(value)
            parts = [self._channel(channel)]
            if channel.processing_time is not None:
                parts.append(duration(channel.processing_time))
            parts.extend(_fee(f) for f in channel.fees)
            return f"«{s.esc(_cut('; '.join(parts)))}»"
        if list_key == "fees":
            return f"«{s.esc(_fee(written.fee(value)))}»"
        if list_key == "legal_basis":
            legal = written.legal(value)
            return f"«{s.esc(_cut(' '.join(str(v) for v in (legal.number, legal.title) if v)))}»"
        if list_key in ("dossier", "steps"):
            group = written.group(value)
            noun = "giấy tờ" if list_key == "dossier" else "bước"
            return (
                f"«{s.esc(_cut(str(group.case)))}» ({group.count} {noun})"
                if group.case
                else f"{group.count} {noun}"
            )
        if list_key == "entries":
            return self.procedure(str(written.code_of(value)))
        return f"«{s.esc(_cut(_summary(value)))}»"

    def _channel(self, channel: written.WrittenChannel) -> str:
        labels = schemadoc.enum_labels("procedure", ("channels", "*", "channel"))
        text = f"{CHANNEL_PREFIX} {labels.get(str(channel.channel), str(channel.channel))}"
        return f"{text} ({channel.case})" if channel.case else text

    # Labels ------------------------------------------------------------------------------------

    def crumbs(
        self, schema: str, base: tuple[str, ...], path: Sequence[PathPart]
    ) -> tuple[list[str], tuple[str, ...]]:
        """The breadcrumb of ``path`` (``Nộp trực tiếp › Lệ phí › Mức thu``) and its schema path."""
        crumbs: list[str] = []
        spath = base
        i = 0
        while i < len(path):
            part = path[i]
            if isinstance(part, ItemKey):  # an item of an unnamed list: only by position
                spath = (*spath, "*")
                crumbs.append(f"mục {part.nth + 1}")
                i += 1
                continue
            declared = part in schemadoc.properties(schema, spath)
            spath = (*spath, part)
            if not declared and schemadoc.node(schema, spath) is not None:  # a key of a map, e.g. a level
                crumbs.append(self.style.esc(self.name("level", part)))
                i += 1
                continue
            title = LABELS.get(part) or schemadoc.title(schema, spath) or self.style.esc(part)
            following = path[i + 1] if i + 1 < len(path) else None
            if isinstance(following, ItemKey) and i + 2 <= len(path) - 1:
                crumbs.append(self._item_crumb(part, title, following))
                spath = (*spath, "*")
                i += 2
                continue
            crumbs.append(title)
            i += 1
        return crumbs, spath

    def _item_crumb(self, key: str, title: str, item: ItemKey) -> str:
        s = self.style
        values = [v for v in item.values if v is not None]
        suffix = f" {item.nth + 1}" if item.nth else ""
        if key == "channels":
            labels = schemadoc.enum_labels("procedure", ("channels", "*", "channel"))
            text = f"{CHANNEL_PREFIX} {labels.get(str(values[0]), str(values[0]))}" if values else title
            return s.esc(text + (f" ({values[1]})" if len(values) > 1 else "") + suffix)
        if key == "fees":
            labels = schemadoc.enum_labels("common", ("$defs", "fee", "kind")) or {
                "fee": "phí",
                "charge": "lệ phí",
            }
            text = labels.get(str(values[0]), str(values[0])) if values else "phí, lệ phí"
            return s.esc(text[:1].upper() + text[1:] + suffix)
        if not values:  # matched by position, or by a field it does not have (a dossier without cases)
            return s.esc(f"{title} (mục {item.nth + 1})" if item.nth or not item.values else title)
        label = self.name("agency", str(values[0])) if key == "agencies" else " ".join(map(str, values))
        return f"{s.esc(title)} «{s.esc(_cut(label, 80))}»{suffix}"

    def change(self, change: FieldChange, schema: str, base: tuple[str, ...]) -> str:
        """One changed value as a sentence: ``label: old → new``, ``label: thêm X``, ``label: bỏ X``."""
        path = change.path
        whole_item = bool(path) and isinstance(path[-1], ItemKey)
        crumbs, spath = self.crumbs(schema, base, path[:-1] if whole_item else path)
        key = next((p for p in reversed(path) if isinstance(p, str)), None)
        label = " › ".join(crumbs) if crumbs else "(toàn bộ)"
        scalar_element = (
            not whole_item
            and change.change != "changed"
            and isinstance(change.new if change.change == "added" else change.old, (str, int, float, bool))
            and _is_list(schema, spath)
        )
        vpath = (*spath, "*") if whole_item or scalar_element else spath

        def show(value: Any) -> str:
            if whole_item:
                return self.item(key, value, schema, vpath)
            return self.value(value, schema, vpath, key)

        if change.change == "added":
            return f"{label}: thêm {show(change.new)}"
        if change.change == "removed":
            return f"{label}: bỏ {show(change.old)}"
        return f"{label}: {show(change.old)} → {show(change.new)}"


def describe(
    change: FieldChange,
    names: dict[str, dict[str, str]] | None = None,
    *,
    schema: str = "procedure",
    base: tuple[str, ...] = (),
    markdown: bool = False,
) -> str:
    """One field change as a Vietnamese sentence, e.g. ``Nộp trực tiếp › Lệ phí › Mức thu: 0 đ → 50.000 đ``,
    for other features (the change feed, a procedure's history). ``schema``/``base`` say where the
    change's path starts (a procedure by default; an agency is ``"agencies", ("agencies", "*")``);
    ``names`` (as in :attr:`CatalogDiff.names`) turns ids into names."""
    diff = CatalogDiff(None, None, None, None, names=names or {})
    return _Words(diff, Style(markdown=markdown)).change(change, schema, base)


def _is_list(schema: str, spath: tuple[str, ...]) -> bool:
    found = schemadoc.node(schema, spath)
    return bool(found) and found is not None and found.get("type") == "array"


def _fee(fee: written.WrittenFee) -> str:
    labels = {"fee": "Phí", "charge": "Lệ phí"}
    head = labels.get(str(fee.kind), "Phí, lệ phí")
    if isinstance(fee.amount, (int, float)):
        return f"{head} {vi_format.money(fee.amount)}"
    return f"{head}: {fee.text or fee.description or ''}".rstrip(": ")


def _summary(value: dict[str, Any]) -> str:
    for key in ("name", "title", "number", "id", "code", "text", "days", "agency_name", "content"):
        if isinstance(value.get(key), str) and value[key]:
            return str(value[key])
    return ", ".join(f"{k}: {v}" for k, v in value.items() if isinstance(v, (str, int, float)))


def _cut(text: str, limit: int = MAX_VALUE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Markdown and text


def render_markdown(diff: CatalogDiff, *, limit: int | None = MAX_MARKDOWN) -> str:
    """The pull-request comment: a summary, then the changes (at most a hundred items a section), cut
    short with a note at ``limit`` characters (None: no limit, every item)."""
    return _render(diff, Style(markdown=True), limit)


def render_text(diff: CatalogDiff) -> str:
    return _render(diff, Style(markdown=False), None)


def _revision(rev: str | None, commit: str | None, style: Style) -> str:
    if commit is None:
        return "bản đang sửa (chưa commit)"
    short = commit[:7]
    return (
        style.code(short)
        if rev in (None, commit, short)
        else f"{style.code(rev or '')} ({style.code(short)})"
    )


def summary_counts(diff: CatalogDiff) -> dict[str, int]:
    """Counts by kind of change, the keys as in the JSON form's ``summary``."""
    return {
        "procedures_added": len(diff.added),
        "procedures_changed": len(diff.changed),
        "procedures_moved": len(diff.moved),
        "procedures_abolished": len(diff.abolished),
        "procedures_removed": len(diff.removed),
        "entries_proposed": sum(e.change == "proposed" for e in diff.entries),
        "entries_approved": sum(e.change == "approved" for e in diff.entries),
        "entries_changed": sum(e.change == "changed" for e in diff.entries),
        "entries_removed": sum(e.change == "removed" for e in diff.entries),
        "reference_changes": len(diff.entities),
        "unreadable_files": len({d.file for d in diff.problems}),
    }


def _summary_lines(diff: CatalogDiff) -> list[str]:
    counts = summary_counts(diff)
    lines = []
    for key, label in (
        ("procedures_added", "Thêm mới"),
        ("procedures_changed", "Sửa đổi"),
        ("procedures_abolished", "Bãi bỏ"),
        ("procedures_removed", "Xóa tệp"),
    ):
        if counts[key]:
            extra = (
                f" (trong đó {counts['procedures_moved']} chuyển tệp)"
                if (key == "procedures_changed" and counts["procedures_moved"])
                else ""
            )
            lines.append(f"- {label}: {counts[key]} thủ tục{extra}")
    entries = [
        f"{counts[k]} {w}"
        for k, w in (
            ("entries_proposed", "đề xuất"),
            ("entries_approved", "phê duyệt"),
            ("entries_changed", "sửa"),
            ("entries_removed", "đưa ra"),
        )
        if counts[k]
    ]
    if entries:
        lines.append(f"- Danh mục không phụ thuộc địa giới hành chính: {', '.join(entries)}")
    if counts["reference_changes"]:
        lines.append(f"- Dữ liệu dùng chung: {counts['reference_changes']} thay đổi")
    if counts["unreadable_files"]:
        lines.append(f"- Tệp không đọc được: {counts['unreadable_files']}")
    return lines


def _render(diff: CatalogDiff, s: Style, limit: int | None) -> str:
    words = _Words(diff, s)
    head: list[str] = []
    if s.markdown:
        head.append(MARKER)
    head.append(s.heading(2, "Thay đổi danh mục thủ tục hành chính"))
    head.append("")
    head.append(
        f"So sánh {_revision(diff.base, diff.base_commit, s)} → {_revision(diff.head, diff.head_commit, s)}."
    )
    head.append("")
    if diff.empty:
        head.append("Không có thay đổi nào trong danh mục.")
        return "\n".join(head) + "\n"
    head.extend(_summary_lines(diff))
    if diff.site_code:
        keys = ", ".join(s.code(f"{key}:") for key in diff.site_code)
        head += [
            "",
            ("> " if s.markdown else "") + f"⚠️ Thay đổi này sửa {keys} trong {s.code('mkdocs.yml')}: các mục "
            "này chạy mã Python khi dựng trang. Người duyệt cần kiểm tra kỹ trước khi chấp nhận.",
        ]
    blocks: list[list[str]] = []
    sections: list[tuple[str, list[ProcedureChange], Callable[[ProcedureChange], list[str]]]] = [
        ("Thủ tục thêm mới", diff.added, lambda p: _added(p, words)),
        ("Thủ tục bãi bỏ", diff.abolished, lambda p: _changed(p, words)),
        ("Thủ tục sửa đổi", diff.changed, lambda p: _changed(p, words)),
        ("Thủ tục bị xóa tệp", diff.removed, lambda p: _removed(p, words)),
    ]
    for title, items, render in sections:
        if not items:
            continue
        block = ["", s.heading(3, f"{title} ({len(items)})"), ""]
        if title == "Thủ tục bị xóa tệp":
            block += [
                ("> " if s.markdown else "") + "⚠️ Thủ tục không còn thực hiện nên được giữ lại với "
                f"{s.code('status: abolished')} và ngày {s.code('effective_to')}, không xóa tệp.",
                "",
            ]
        blocks.append(block)
        blocks.extend(_capped([render(p) for p in _head(items, limit)], len(items), "thủ tục"))
    if diff.entries:
        blocks.append(["", s.heading(3, LIST_SECTION), ""])
        blocks.extend(
            _capped([_entry(e, words) for e in _head(diff.entries, limit)], len(diff.entries), "mục")
        )
    if diff.entities:
        blocks.append(["", s.heading(3, "Dữ liệu dùng chung"), ""])
        blocks.extend(
            _capped([_entity(e, words) for e in _head(diff.entities, limit)], len(diff.entities), "thay đổi")
        )
    if diff.problems:
        blocks.append(
            ["", s.heading(3, f"⚠️ Tệp không đọc được ({len({d.file for d in diff.problems})})"), ""]
        )
        for problem in diff.problems:
            where = f" dòng {problem.line}" if problem.line else ""
            blocks.append([f"- {s.code(problem.file)}{where}: {s.esc(problem.message)} [{problem.code}]"])
    return _join(head, blocks, limit, s)


def _head(items: Sequence[Any], limit: int | None) -> Sequence[Any]:
    return items if limit is None else items[:MAX_SECTION]


def _capped(blocks: list[list[str]], total: int, noun: str) -> list[list[str]]:
    if total > len(blocks):
        blocks.append(
            [f"- … và {total - len(blocks)} {noun} khác (bản đầy đủ ở trang Summary của lần kiểm tra)"]
        )
    return blocks


def _join(head: list[str], blocks: list[list[str]], limit: int | None, s: Style) -> str:
    out = list(head)
    size = sum(len(line) + 1 for line in out)
    for shown, block in enumerate(blocks):
        block_size = sum(len(line) + 1 for line in block)
        if limit is not None and size + block_size > limit - 400:
            left = len(blocks) - shown
            out += [
                "",
                f"… Bản tóm tắt quá dài nên dừng ở đây ({left} mục chưa hiện). Bản đầy đủ ở trang "
                f"Summary của lần kiểm tra, hoặc chạy {s.code('catalog diff BASE --format text')}.",
            ]
            break
        out.extend(block)
        size += block_size
    return "\n".join(out) + "\n"


def _title_line(p: ProcedureChange, words: _Words, extra: str = "") -> str:
    agency = words.name("agency", p.agency)
    return f"- {words.procedure(p.code, p.name)} — {words.style.esc(agency)}{extra}"


def _added(p: ProcedureChange, words: _Words) -> list[str]:
    s = words.style
    details = []
    if p.new is not None and p.new.sector is not None:
        details.append(f"lĩnh vực {words.name('sector', p.new.sector)}")
    levels = [words.name("level", v).lower() for v in p.new.levels] if p.new is not None else []
    if levels:
        details.append(", ".join(levels))
    if p.status_new and p.status_new != "active":
        label = schemadoc.enum_labels("procedure", ("status",)).get(p.status_new, p.status_new)
        details.append(f"trạng thái: {label}")
    extra = "; " + s.esc("; ".join(details)) if details else ""
    return [_title_line(p, words, extra), f"  {s.code(p.path)}"]


def _removed(p: ProcedureChange, words: _Words) -> list[str]:
    return [_title_line(p, words), f"  {words.style.code(p.path)}"]


def _changed(p: ProcedureChange, words: _Words) -> list[str]:
    s = words.style
    lines = [_title_line(p, words)]
    if p.moved:
        lines.append(f"  - Chuyển tệp: {s.code(p.old_path or '')} → {s.code(p.path)}")
    elif not p.fields:
        lines.append("  - Phiên bản trước không đọc được nên không so sánh được từng trường.")
    lines.extend(_fields(p.fields, words, "procedure", ()))
    return lines


def _fields(fields: list[FieldChange], words: _Words, schema: str, base: tuple[str, ...]) -> list[str]:
    lines = [f"  - {words.change(f, schema, base)}" for f in fields[:MAX_FIELDS]]
    if len(fields) > MAX_FIELDS:
        lines.append(f"  - … và {len(fields) - MAX_FIELDS} thay đổi khác")
    return lines


def _entry(e: EntryChange, words: _Words) -> list[str]:
    s = words.style
    levels = ", ".join(words.name("level", v).lower() for v in e.levels)
    where = f" (danh mục {s.code(e.list_id)})"
    verbs = {
        "proposed": "Đề xuất thêm",
        "approved": "Phê duyệt",
        "changed": "Sửa",
        "removed": "Rút đề xuất" if e.status_old == "proposed" else "Đưa ra khỏi danh mục",
    }
    line = f"- {verbs[e.change]} {words.procedure(e.code)}"
    if levels and e.change != "removed":
        line += f" — {s.esc(levels)}"
    lines = [line + where]
    lines.extend(_fields(e.fields, words, "location-independent", ("entries", "*")))
    return lines


def _entity(e: EntityChange, words: _Words) -> list[str]:
    s = words.style
    label, schema, base = ENTITY_KINDS.get(e.kind, (e.kind, e.kind, ()))
    name = f" ({s.esc(e.name)})" if e.name and e.name != e.key else ""
    ident = "" if e.kind == "province" else f" {s.code(e.key)}"
    verb = {"added": ": thêm mới", "removed": ": xóa", "changed": ":"}[e.change]
    lines = [f"- {label}{ident}{name}{verb}"]
    if e.old_path:
        lines.append(f"  - Chuyển tệp: {s.code(e.old_path)} → {s.code(e.path)}")
    lines.extend(_fields(e.fields, words, schema, base))
    return lines


# ---------------------------------------------------------------------------------------------
# JSON


def render_json(diff: CatalogDiff) -> str:
    """The diff as data, for machines: every change with its path, pointer, old and new values and
    the Vietnamese sentence a reader would see."""
    words = _Words(diff, Style(markdown=False))

    def fields(items: list[FieldChange], schema: str, base: tuple[str, ...]) -> list[dict[str, Any]]:
        return [
            {
                "path": f.path_text(),
                "pointer": f.pointer,
                "change": f.change,
                "old": f.old,
                "new": f.new,
                "text": words.change(f, schema, base),
            }
            for f in items
        ]

    payload = {
        "base": {"rev": diff.base, "commit": diff.base_commit},
        "head": {"rev": diff.head, "commit": diff.head_commit},
        "summary": summary_counts(diff),
        "procedures": [
            {
                "code": p.code,
                "change": p.change,
                "name": p.name,
                "agency": p.agency,
                "path": p.path,
                "old_path": p.old_path,
                "status_old": p.status_old,
                "status_new": p.status_new,
                "fields": fields(p.fields, "procedure", ()),
            }
            for p in diff.procedures
        ],
        "location_independent": [
            {
                "list": e.list_id,
                "code": e.code,
                "name": diff.names.get("procedure", {}).get(e.code, ""),
                "change": e.change,
                "levels": e.levels,
                "status_old": e.status_old,
                "status_new": e.status_new,
                "path": e.path,
                "pointer": e.pointer,
                "fields": fields(e.fields, "location-independent", ("entries", "*")),
            }
            for e in diff.entries
        ],
        "reference": [
            {
                "kind": e.kind,
                "key": e.key,
                "name": e.name,
                "change": e.change,
                "path": e.path,
                "pointer": e.pointer,
                "old_path": e.old_path,
                "fields": fields(e.fields, *ENTITY_KINDS.get(e.kind, (e.kind, e.kind, ()))[1:]),
            }
            for e in diff.entities
        ],
        "problems": [d.as_json() for d in diff.problems],
        "site_code": diff.site_code,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


def render_validation_failed(diagnostics: Sequence[Diagnostic]) -> str:
    """The pull-request comment when the catalog does not validate: the count of problems and the
    files they are in (escaped), no values from the data, no diff of data that is not valid."""
    s = Style(markdown=True)
    lines = [MARKER, s.heading(2, "Thay đổi danh mục thủ tục hành chính"), ""]
    if not diagnostics:
        return "\n".join([*lines, "Dữ liệu hợp lệ."]) + "\n"
    files = Counter(d.file for d in diagnostics)
    lines += [
        f"⚠️ **Dữ liệu chưa hợp lệ**: {len(diagnostics)} lỗi trong {len(files)} tệp, nên chưa có tóm tắt "
        "thay đổi. Xem từng lỗi ngay trên dòng của nó (tab Files changed) hoặc trong nhật ký của lần kiểm "
        "tra; sửa rồi đẩy lại, tóm tắt sẽ được đăng khi dữ liệu hợp lệ.",
        "",
    ]
    shown = sorted(files.items())
    lines += [f"- {s.code(file)}: {count} lỗi" for file, count in shown[:MAX_SECTION]]
    if len(shown) > MAX_SECTION:
        lines.append(f"- … và {len(shown) - MAX_SECTION} tệp khác")
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[CatalogDiff], str]] = {
    "markdown": render_markdown,
    "text": render_text,
    "json": render_json,
}

"""Strict YAML loading with source positions.

The catalog is edited by people who are not programmers, so the loader refuses the parts of YAML
that silently change meaning (YAML 1.1 booleans such as ``yes``, anchors and aliases, duplicate
keys, tabs, non-UTF-8 text) and remembers where every value came from, so that a later stage can
report ``file:line:col`` for any JSON pointer.

Timestamps are kept as the strings they were written as: the schemas check dates, not PyYAML.
"""

from __future__ import annotations

import decimal
import math
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Diagnostic

try:  # The C parser is an order of magnitude faster; fall back to pure Python where absent.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000

_TRUE_FALSE = {"true", "false", "True", "False", "TRUE", "FALSE"}
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_DEEP = " " * (2 * MAX_DEPTH)
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")  # 50.000: a Vietnamese thousands dot, not a decimal point
_constructor = yaml.constructor.SafeConstructor()
# The safe resolver's implicit rules by first character, looked up once instead of per scalar.
_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    first: [*rules, *yaml.resolver.Resolver.yaml_implicit_resolvers.get(None, [])]
    for first, rules in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    if first is not None
}

# The tags of short plain scalars already resolved (keys, codes, dates, ids repeat across files): the
# C parser asks for every scalar's tag, and the regular expressions cost more than this lookup.
_KNOWN_TAGS: dict[str, str] = {}
_KNOWN_LENGTH, _KNOWN_MAX = 40, 100_000


class _Loader(_BaseLoader):
    """The safe loader with a faster tag resolver and no path resolvers (the catalog uses none)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            short = len(value) <= _KNOWN_LENGTH
            if short:
                known = _KNOWN_TAGS.get(value)
                if known is not None:
                    return known
            tag = _STR
            for candidate, pattern in _RESOLVERS.get(value[:1], ()):
                if pattern.match(value):
                    tag = candidate
                    break
            if short and len(_KNOWN_TAGS) < _KNOWN_MAX:
                _KNOWN_TAGS[value] = tag
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


@dataclass
class Positions:
    """Where each value stands: ``values`` maps a JSON pointer to the (line, col) of its value,
    ``keys`` to the (line, col) of the key that introduces it, and ``raw`` the pointer of every
    number to the text it was written as (to explain ``code: 1.001193`` read as a float)."""

    values: dict[str, tuple[int, int]] = field(default_factory=dict)
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)


@dataclass
class Loaded:
    """A parsed YAML document and its source text.

    Positions are worked out only when asked for (most files have no problem, and recording the
    place of every value costs as much as parsing): the text is parsed again, recording them.
    """

    data: Any
    text: str | None = None
    display: str = ""
    path: Path | None = None
    _positions: Positions | None = field(default=None, repr=False, compare=False)

    def bare(self, display: str) -> Loaded:
        """The parsed data alone, named ``display``: no text, no file (what the change feed keeps of
        a historic version of a file)."""
        return Loaded(self.data, None, display)

    def without_text(self) -> Loaded:
        """A copy that re-reads its file if positions are asked for (cheaper to send between processes)."""
        return Loaded(self.data, None if self.path is not None else self.text, self.display, self.path)

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            text = self.text
            if text is None:
                text = self.path.read_bytes().decode("utf-8").removeprefix("\ufeff") if self.path else ""
            builder = _Builder(self.display, track=True)
            node = yaml.compose(text, Loader=_Loader)
            if node is not None:
                builder.build(node, "", 0)
            self._positions = builder.positions
        return self._positions

    @property
    def raw(self) -> dict[str, str]:
        return self.positions.raw

    def where(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Best known position for ``pointer``: the key or value itself, else its nearest parent."""
        positions = self.positions
        table = positions.keys if key else positions.values
        probe = pointer
        while True:
            if probe in table:
                return table[probe]
            if probe in positions.values:
                return positions.values[probe]
            if not probe:
                return (1, 1)
            probe = probe.rsplit("/", 1)[0]


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _Reject(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _refuse(display: str, line: int, col: int, code: str, message: str) -> _Reject:
    """The whole file refused, with the place of the first problem (0, 0: the file as a whole)."""
    return _Reject(Diagnostic(display, line, col, "", code, message))


def symlink_problem(display: str) -> Diagnostic:
    return Diagnostic(
        display,
        0,
        0,
        "",
        "file-symlink",
        "symbolic links are not allowed in the catalog; commit the file itself",
    )


def too_large_problem(display: str, size: int) -> Diagnostic:
    return Diagnostic(
        display, 0, 0, "", "file-too-large", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes"
    )


def load_file(
    path: Path, display: str, content: bytes | None = None
) -> tuple[Loaded | None, list[Diagnostic]]:
    """Read and parse one catalog file. Returns the document, or None and the reasons.
    ``content``: the file's bytes as already read from the regular file at ``path`` (not read again)."""
    if content is not None:
        if len(content) > MAX_FILE_BYTES:
            return None, [too_large_problem(display, len(content))]
        loaded, problems = load_bytes(content, display)
        if loaded is not None:
            loaded.path = path
        return loaded, problems
    try:
        info = path.lstat()  # one system call for the three questions (never through a link)
        if stat.S_ISLNK(info.st_mode):
            return None, [symlink_problem(display)]
        if not stat.S_ISREG(info.st_mode):
            return None, [Diagnostic(display, 0, 0, "", "file-not-regular", "not a regular file")]
        size = info.st_size
        if size > MAX_FILE_BYTES:
            return None, [too_large_problem(display, size)]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(display, 0, 0, "", "file-unreadable", f"cannot read file: {exc.strerror}")]
    loaded, problems = load_bytes(data, display)
    if loaded is not None:
        loaded.path = path
    return loaded, problems


def load_bytes(data: bytes, display: str) -> tuple[Loaded | None, list[Diagnostic]]:
    try:
        text = _decode(data, display)
        _check_text(text, display)
        _check_events(text, display)
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            raise _Reject(_yaml_error(exc, display)) from None
        except yaml.YAMLError as exc:
            raise _refuse(display, 0, 0, "yaml-syntax", str(exc)) from None
        if node is None:
            raise _refuse(display, 0, 0, "file-empty", "file is empty; it must hold a YAML mapping")
        try:
            data = _plain_values(node, 0)
        except _NotPlain:  # something to report or to check closely: the builder says what
            builder = _Builder(display, track=False)
            data = builder.build(node, "", 0)
            if builder.problems:
                return None, builder.problems
        return Loaded(data, text, display), []
    except _Reject as rejected:
        return None, [rejected.diagnostic]
    except RecursionError:
        return None, [
            Diagnostic(display, 0, 0, "", "yaml-too-deep", f"the file nests deeper than {MAX_DEPTH} levels")
        ]


def load_package_data(text: str) -> Any:
    """One of the package's own data files (search synonyms, importer tables: not catalog input),
    as ``yaml.safe_load`` reads it, with libyaml's parser where PyYAML has it (eight times faster)."""
    return yaml.load(text, Loader=_BaseLoader)  # a safe loader, C or pure Python


def mapping_of(loaded: Loaded | None) -> dict[str, Any] | None:
    """A loaded document's top-level mapping; None if it did not load or holds something else."""
    return loaded.data if loaded is not None and isinstance(loaded.data, dict) else None


def parse_version(path: str, data: bytes) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """One version of a catalog file (a git blob, ``path`` its name), as the validator's strict loader reads it: the mapping, or None
    and why (a version it refuses — NaN, an octal number, a tag — is never half-understood)."""
    if len(data) > MAX_FILE_BYTES:
        return None, [too_large_problem(path, len(data))]
    loaded, problems = load_bytes(data, path)
    if loaded is None:
        return None, problems
    if not isinstance(loaded.data, dict):
        return None, [
            Diagnostic(
                path,
                1,
                1,
                "",
                "type",
                f"the file must hold a YAML mapping (key: value lines), not a {type(loaded.data).__name__}",
            )
        ]
    return loaded.data, []


def _decode(data: bytes, display: str) -> str:
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line, col = _byte_position(data, offset)
        raise _refuse(
            display, line, col, "file-binary", "file contains a NUL byte: it is binary, not YAML text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        raise _refuse(
            display,
            line,
            col,
            "file-encoding",
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def _check_text(text: str, display: str) -> None:
    if "\t" in text:
        offset = text.index("\t")
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise _refuse(
            display, line, col, "yaml-tab", "tab character: use spaces for indentation and inside values"
        )
    for char in ("\r",):
        if char in text and "\r\n" not in text:
            raise _refuse(
                display,
                0,
                0,
                "file-line-endings",
                "old Mac line endings (CR): save the file with LF line endings",
            )


def _check_events(text: str, display: str) -> None:
    """Refuse anchors, aliases and runaway nesting before anything is built from the text.

    Scanning events is slower than composing, so it is done only when the text could hold an
    anchor, an alias or deep flow nesting.
    """
    suspicious = (
        "&" in text
        or "*" in text
        or text.count("[") + text.count("{") > 64
        or text.startswith(_DEEP)
        or f"\n{_DEEP}" in text  # a line indented that deep
    )
    if not suspicious:
        return
    depth = 0
    count = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            count += 1
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                line, col = _mark(event.start_mark)
                kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
                raise _refuse(
                    display,
                    line,
                    col,
                    "yaml-anchor",
                    f"YAML {kind} '{anchor}' is not allowed: write the value out in full",
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = _mark(event.start_mark)
                    raise _refuse(
                        display, line, col, "yaml-too-deep", f"the file nests deeper than {MAX_DEPTH} levels"
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if count > MAX_NODES:
                raise _refuse(
                    display, 0, 0, "yaml-too-many-nodes", f"the file has more than {MAX_NODES:,} values"
                )
    except yaml.MarkedYAMLError as exc:
        raise _Reject(_yaml_error(exc, display)) from None
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow (form feed, U+FFFE…)
        raise _refuse(display, 0, 0, "yaml-syntax", f"invalid YAML: {exc}") from None


def _short_tag(tag: str) -> str:
    """'tag:yaml.org,2002:python/object' → '!!python/object', as it was written."""
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _yaml_error(exc: yaml.MarkedYAMLError, display: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    parts = [p for p in (exc.context, exc.problem) if p]
    message = ", ".join(parts) if parts else "invalid YAML"
    return Diagnostic(display, line, col, "", "yaml-syntax", f"invalid YAML: {message}")


# The only number forms the catalog accepts: plain decimal, as a person writes it on paper. YAML 1.1
# also reads 0100000 as octal (32768), 1:30 as base 60 (90), 0x1F, 0b101, 1_000, +5, .5, 1e3 and
# .inf/.nan, none of which an official means.
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_PLAIN_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+(?:\.[0-9_]*)?")
# An exponent YAML 1.1 does not read as a number (no dot, or no sign after the e: 1e3, 1.0e3) but
# YAML 1.2 and JSON do: unquoted, it is a number whose meaning depends on the reader.
_EXPONENT_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+")


def _plain(number: float) -> str:
    """A number in plain decimal: 31, 1500, 0.5."""
    if isinstance(number, int) or number == int(number):
        return str(int(number))
    return format(decimal.Decimal(repr(number)), "f")


def exponent_problem(value: str) -> tuple[str, str] | None:
    """(code, message) if the unquoted text ``value`` is a number in exponent form that YAML 1.1
    reads as text (``1e3``, ``1.0e3``): refused like the other forms, with how to write it."""
    if not _EXPONENT_TEXT.fullmatch(value):
        return None
    number = float(value)
    if not math.isfinite(number):
        return number_problem(value, number)
    return (
        "number-format",
        f"{value} is a number with an exponent (this YAML reads it as text, others as "
        f"{_plain(number)}); numbers are written in plain decimal: write {_plain(number)}, "
        f'or "{value}" in quotes if it is text',
    )


def number_problem(value: str, number: object) -> tuple[str, str] | None:
    """(code, message) if the number written ``value`` (read by YAML 1.1 as ``number``) is not a
    plain finite decimal; the message says how to write it."""
    if isinstance(number, float) and not math.isfinite(number):
        return (
            "number-not-finite",
            f"{value} is not a number that can be published (YAML reads it as "
            f"{'not-a-number' if math.isnan(number) else 'infinity'}); write the number "
            "itself, for example 3, or leave the field out if it is not known",
        )
    if _PLAIN_NUMBER.fullmatch(value) or _THOUSANDS.fullmatch(value):
        return None
    if number is None:
        return (
            "number-format",
            f"'{value}' is not a number written in plain decimal; write digits only, "
            "for example 100000 or 2.5, or put it in quotes if it is text",
        )
    assert isinstance(number, (int, float))
    if ":" in value:
        return (
            "number-format",
            f"{value} is read as {_plain(number)} (old YAML counts in base 60 with ':'); "
            f'write {_plain(number)}, or "{value}" in quotes if you mean a time or text',
        )
    if _LEADING_ZERO.fullmatch(value) and not value.lstrip("+-").startswith("0."):
        meant = value.replace("_", "").lstrip("+")
        sign = "-" if meant.startswith("-") else ""
        digits = meant.lstrip("-").lstrip("0") or "0"
        digits = "0" + digits if digits.startswith(".") else digits
        read = (
            f" (old YAML reads it as the octal number {_plain(number)})"
            if number != float(sign + digits)
            else ""
        )
        return (
            "number-format",
            f'{value} starts with a zero{read}; write {sign}{digits}, or "{value}" in quotes if it is a code',
        )
    return (
        "number-format",
        f"{value} is read as {_plain(number)}, but numbers are written in plain decimal "
        f"(no hexadecimal, binary, '_', leading '+' or exponent); write {_plain(number)}",
    )


class _Builder:
    """Turns a composed node tree into plain Python values, optionally recording positions."""

    def __init__(self, display: str, *, track: bool) -> None:
        self.display = display
        self.track = track
        self.positions = Positions()
        self.problems: list[Diagnostic] = []
        self.nodes = 0

    def _problem(self, node: yaml.Node, pointer: str, code: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Diagnostic(self.display, mark.line + 1, mark.column + 1, pointer, code, message))

    def build(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        self.nodes += 1
        if depth > MAX_DEPTH:
            raise _Reject(
                Diagnostic(
                    self.display,
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                    pointer,
                    "yaml-too-deep",
                    f"the file nests deeper than {MAX_DEPTH} levels",
                )
            )
        if self.nodes > MAX_NODES:
            raise _refuse(
                self.display, 0, 0, "yaml-too-many-nodes", f"the file has more than {MAX_NODES:,} values"
            )
        if self.track:
            self.positions.values[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, pointer)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pointer, depth)
        if node.tag != _SEQ:
            self._problem(node, pointer, "yaml-tag", f"YAML tag '{_short_tag(node.tag)}' is not allowed")
        return [self.build(item, f"{pointer}/{i}", depth + 1) for i, item in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        if node.tag != _MAP:
            self._problem(node, pointer, "yaml-tag", f"YAML tag '{_short_tag(node.tag)}' is not allowed")
        result: dict[str, Any] = {}
        keys = self.positions.keys
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._problem(
                    key_node,
                    pointer,
                    "yaml-merge-key",
                    "merge keys (<<) are not allowed: write the keys out in full",
                )
                continue
            if key_node.tag != _STR or not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, pointer, "yaml-key", "keys must be plain words such as 'name'")
                continue
            key = key_node.value
            child = f"{pointer}/{escape(key) if '/' in key or '~' in key else key}"
            if key in result:
                self._problem(
                    key_node,
                    child,
                    "yaml-duplicate-key",
                    f"duplicate key '{key}' (first defined on line {self._first_line(node, key)}); "
                    "keep one and delete the other",
                )
                continue
            if self.track:
                keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    @staticmethod
    def _first_line(node: yaml.MappingNode, key: str) -> int:
        return next(int(k.start_mark.line) + 1 for k, _ in node.value if k.value == key)

    def _scalar(self, node: yaml.ScalarNode, pointer: str) -> Any:
        tag = node.tag
        value = str(node.value)
        if tag in (_STR, _TIMESTAMP):
            problem = exponent_problem(value) if not node.style and tag == _STR else None
            if problem is not None:
                self._problem(node, pointer, *problem)
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            if value not in _TRUE_FALSE:
                self._problem(
                    node,
                    pointer,
                    "yaml-boolean",
                    f"'{value}' is read as a YES/NO value in old YAML; write true or false, "
                    f'or put it in quotes if you mean the text "{value}"',
                )
                return value
            return value.lower() == "true"
        if tag in (_INT, _FLOAT):
            if self.track:
                self.positions.raw[pointer] = value
            if tag == _FLOAT and _THOUSANDS.fullmatch(value):
                whole = value.replace(".", "")
                self._problem(
                    node,
                    pointer,
                    "number-format",
                    f"{value} is read as the number {float(value):g}, not {whole}: numbers are written "
                    f"without thousands dots; write {whole}",
                )
            try:
                number = (
                    _constructor.construct_yaml_int(node)
                    if tag == _INT
                    else _constructor.construct_yaml_float(node)
                )
            except (ValueError, IndexError, yaml.YAMLError):  # IndexError: '!!int' with no digits
                number = None
            problem = number_problem(value, number)
            if problem is not None:
                self._problem(node, pointer, *problem)
                return value
            return value if number is None else number
        self._problem(node, pointer, "yaml-tag", f"YAML tag '{_short_tag(tag)}' is not allowed")
        return value


class _NotPlain(Exception):
    """The fast path met something it leaves to :class:`_Builder` (which reports it, or accepts it)."""


def _plain_values(node: yaml.Node, depth: int) -> Any:
    """The values of a node tree that holds only what nearly every catalog file holds: mappings with
    plain unique keys, sequences, text, null, true/false and plain decimal integers. Anything else
    (another tag, a duplicate or merge key, a YAML 1.1 boolean, any other number, too deep or too
    many values) raises :class:`_NotPlain`, and the builder, which records pointers for its
    diagnostics, does the file again. About twice as fast as the builder."""
    count = [0]

    def value(node: yaml.Node, depth: int) -> Any:
        kind = type(node)
        tag = node.tag
        if kind is yaml.ScalarNode:
            if tag in (_STR, _TIMESTAMP):
                if tag == _STR and _EXPONENT_TEXT.fullmatch(node.value):
                    raise _NotPlain  # 1e3 unquoted: the builder explains it
                return node.value
            if tag == _NULL:
                return None
            if tag == _BOOL and node.value in _TRUE_FALSE:
                return node.value.lower() == "true"
            if tag == _INT and _PLAIN_INTEGER.fullmatch(node.value):
                return int(node.value)
            raise _NotPlain
        if depth >= MAX_DEPTH:
            raise _NotPlain
        items = node.value
        count[0] += len(items)
        if count[0] > MAX_NODES // 2:
            raise _NotPlain
        if kind is yaml.MappingNode and tag == _MAP:
            result: dict[str, Any] = {}
            for key, item in items:
                if type(key) is not yaml.ScalarNode or key.tag != _STR or key.value in result:
                    raise _NotPlain
                result[key.value] = value(item, depth + 1)
            return result
        if kind is yaml.SequenceNode and tag == _SEQ:
            return [value(item, depth + 1) for item in items]
        raise _NotPlain

    return value(node, depth)

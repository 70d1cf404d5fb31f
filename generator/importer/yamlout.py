"""Deterministic YAML in the catalog's house style (docs/dev/conventions.md).

:func:`dump_yaml` writes keys in the order given (callers build mappings in schema order), 2-space
indentation with indented lists, no anchors or aliases, UTF-8 text as is, multi-line text as
literal blocks (``|-``), strings that YAML would read as something else (codes such as
``"1.001193"``, ``"86"``, ``"true"``) in double quotes, dates ``YYYY-MM-DD`` plain, no line
folding. :func:`load_yaml` reads such a file back keeping dates as strings.

The block layout is written here directly (PyYAML's pure-Python emitter spends most of an import
analysing long texts); every scalar whose plain or literal form is not obviously safe is handed to
PyYAML, so what comes out is always YAML that PyYAML reads back as the same data.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_WIDTH = 1_000_000
_resolver = yaml.resolver.Resolver()
# Characters that PyYAML (allow_unicode) writes as they are; anything else goes the slow way.
_UNSAFE_CHAR = re.compile(
    "[^\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe\n]|[\u2028\u2029]"
)
_PLAIN_START = re.compile(r"^(?:[^\s#,\[\]{}&*!|>'\"%@`?:\-]|[?:\-]\S)")


class _Dumper(yaml.SafeDumper):
    """SafeDumper with indented block sequences, no aliases and double quotes instead of single."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def choose_scalar_style(self) -> str:
        style: str = super().choose_scalar_style()
        return '"' if style == "'" else style


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar(_STR_TAG, value, style="|")
    tag = _resolve(value)
    if tag == _TIMESTAMP_TAG and _DATE.match(value):
        return yaml.ScalarNode(_TIMESTAMP_TAG, value)  # a date stays plain: `2026-11-25`
    if tag != _STR_TAG:
        return dumper.represent_scalar(_STR_TAG, value, style='"')
    return dumper.represent_scalar(_STR_TAG, value)


_Dumper.add_representer(str, _represent_str)


def _resolve(value: str) -> str:
    tag: str = _resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag


def dump_yaml_pyyaml(data: Any) -> str:
    """The same document written entirely by PyYAML (slower; kept as the reference)."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=_WIDTH,
        indent=2,
    )
    return text


class _QuotedDumper(yaml.SafeDumper):
    """Writes one string double-quoted, whatever it holds."""


def _quoted(value: str) -> str:
    if "\n" not in value and not _UNSAFE_CHAR.search(value):
        # What PyYAML writes for printable text on one line: only \ and " are escaped.
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    text: str = yaml.dump(value, Dumper=_QuotedDumper, allow_unicode=True, width=_WIDTH, default_style='"')
    return text.rstrip("\n")


def _other(value: Any) -> str:
    text: str = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, width=_WIDTH)
    return text.split("\n", 1)[0]


def _scalar(value: Any) -> tuple[str, list[str] | None]:
    """The inline text of a scalar, or ``("|-", lines)`` for a literal block."""
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, int):
        return str(value), None
    if value is None:
        return "null", None
    if not isinstance(value, str):
        return _other(value), None
    if "\n" in value:
        lines = value.split("\n")
        if not _UNSAFE_CHAR.search(value) and lines[-1] and not any(line.endswith(" ") for line in lines):
            # PyYAML's block hints: an indentation indicator when the text starts with a space or
            # a line break, "-" to drop the final line break (there is none).
            return ("|2-" if value[0] in " \n" else "|-"), lines
        return _quoted(value), None
    tag = _resolve(value)
    if tag == _TIMESTAMP_TAG and _DATE.match(value):
        return value, None
    if tag != _STR_TAG:
        return f'"{value}"' if value.isascii() and value.replace(".", "").replace(
            "-", ""
        ).isalnum() else _quoted(value), None
    if (
        _PLAIN_START.match(value)
        and not value.endswith((" ", ":"))
        and ": " not in value
        and " #" not in value
        and not value.startswith(("---", "..."))
        and not _UNSAFE_CHAR.search(value)
    ):
        return value, None
    return _quoted(value), None


def _block(lines: list[str], pad: str, out: list[str]) -> None:
    out.extend(f"{pad}{line}" if line else "" for line in lines)


def _mapping(data: dict[Any, Any], indent: int, out: list[str], first_prefix: str | None = None) -> None:
    pad = " " * indent
    for i, (key, value) in enumerate(data.items()):
        head = (first_prefix if i == 0 and first_prefix is not None else pad) + _scalar(key)[0] + ":"
        _value(head, value, indent, out)


def _sequence(data: list[Any], indent: int, out: list[str], first_prefix: str | None = None) -> None:
    pad = " " * indent
    for i, item in enumerate(data):
        dash = (first_prefix if i == 0 and first_prefix is not None else pad) + "-"
        if isinstance(item, dict) and item:
            _mapping(item, indent + 2, out, first_prefix=f"{dash} ")
        elif isinstance(item, list) and item:
            _sequence(item, indent + 2, out, first_prefix=f"{dash} ")
        else:
            _value(dash, item, indent, out)


def _value(head: str, value: Any, indent: int, out: list[str]) -> None:
    if isinstance(value, dict) and value:
        out.append(head)
        _mapping(value, indent + 2, out)
    elif isinstance(value, list) and value:
        out.append(head)
        _sequence(value, indent + 2, out)
    elif isinstance(value, dict):
        out.append(f"{head} {{}}")
    elif isinstance(value, list):
        out.append(f"{head} []")
    else:
        text, lines = _scalar(value)
        out.append(f"{head} {text}")
        if lines is not None:
            _block(lines, " " * (indent + 2), out)


def schema_line(schema: str) -> str:
    """The editor hint line for a schema path, e.g. ``../../../schemas/procedure.schema.json``."""
    return schema if schema.startswith("#") else f"# yaml-language-server: $schema={schema}"


def dump_yaml(data: Any, schema_comment: str | None = None) -> str:
    """``data`` (mappings, lists, str, int, float, bool, None) as catalog-style YAML ending in one
    newline.

    ``schema_comment`` is either a schema path (written as the ``# yaml-language-server: $schema=``
    first line) or a complete comment line starting with ``#``; ``None`` writes no comment.
    Plain-date strings are written unquoted; a date must therefore be passed as a ``str``.
    """
    out: list[str] = []
    if schema_comment is not None:
        out.append(schema_line(schema_comment))
    if isinstance(data, dict) and data:
        _mapping(data, 0, out)
    elif isinstance(data, list) and data:
        _sequence(data, 0, out)
    else:
        out.append(dump_yaml_pyyaml(data).rstrip("\n"))
    return "\n".join(out) + "\n"


# libyaml's parser when PyYAML has it (about 10× faster: a re-import reads every existing file).
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextLoader(_SafeLoader):  # type: ignore[valid-type,misc]  # a variable base: C or Python loader
    """SafeLoader that leaves timestamps as the text they were written as."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """Parse YAML text (safe subset) keeping dates such as ``2026-11-25`` as strings."""
    return yaml.load(text, Loader=_TextLoader)

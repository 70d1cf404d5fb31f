"""Deterministic YAML in the catalog's house style (docs/dev/conventions.md).

:func:`dump_yaml` writes keys in the order given (callers build mappings in schema order), 2-space
indentation with indented lists, no anchors or aliases, UTF-8 text as is, multi-line text as
literal blocks (``|``), strings that YAML would read as something else (codes such as
``"1.001193"``, ``"86"``, ``"true"``) in double quotes, dates ``YYYY-MM-DD`` plain, no line
folding. :func:`load_yaml` reads such a file back keeping dates as strings.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_resolver = yaml.resolver.Resolver()


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
    tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if tag == _TIMESTAMP_TAG and _DATE.match(value):
        # A date stays plain (`2026-11-25`); the catalog loader keeps it as text.
        return yaml.ScalarNode(_TIMESTAMP_TAG, value)
    if tag != _STR_TAG:
        return dumper.represent_scalar(_STR_TAG, value, style='"')
    return dumper.represent_scalar(_STR_TAG, value)


_Dumper.add_representer(str, _represent_str)


def schema_line(schema: str) -> str:
    """The editor hint line for a schema path, e.g. ``../../../schemas/procedure.schema.json``."""
    return schema if schema.startswith("#") else f"# yaml-language-server: $schema={schema}"


def dump_yaml(data: Any, schema_comment: str | None = None) -> str:
    """``data`` as catalog-style YAML text ending in one newline.

    ``schema_comment`` is either a schema path (written as the ``# yaml-language-server: $schema=``
    first line) or a complete comment line starting with ``#``; ``None`` writes no comment.
    Plain-date strings are emitted unquoted; a date must therefore be passed as a ``str``.
    """
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=1_000_000, indent=2, explicit_start=False)
    if schema_comment is None:
        return body
    return f"{schema_line(schema_comment)}\n{body}"


class _TextLoader(yaml.SafeLoader):
    """SafeLoader that leaves timestamps as the text they were written as."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """Parse YAML text (safe subset) keeping dates such as ``2026-11-25`` as strings."""
    return yaml.load(text, Loader=_TextLoader)

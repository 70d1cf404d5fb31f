"""Diagnostics as GitHub Actions workflow commands, so that a pull request shows each problem on
the line it concerns: ``::error file=…,line=…,col=…,title=…::message``.

GitHub shows a limited number of annotations per step (ten errors); the count line that ends the
output and the text form in the job log cover the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

from .diagnostics import Diagnostic, sort_key


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic, command: str = "error") -> str:
    """One ``::error`` (or ``::warning``) command; a problem about the whole file (line 0) is placed
    on the file only."""
    props = [f"file={_property(diagnostic.file)}"]
    if diagnostic.line:
        props += [f"line={diagnostic.line}", f"col={diagnostic.col}"]
    props.append(f"title={_property(f'catalog validate [{diagnostic.code}]')}")
    pointer = diagnostic.pointer or "/"
    return f"::{command} {','.join(props)}::{_data(f'{pointer}: {diagnostic.message}')}"


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    """Every diagnostic as an annotation, then a plain count line (empty output when there are none)."""
    items = sorted(diagnostics, key=sort_key)
    if not items:
        return ""
    files = len({d.file for d in items})
    noun = "problem" if len(items) == 1 else "problems"
    fnoun = "file" if files == 1 else "files"
    return "\n".join([*(annotation(d) for d in items), f"{len(items)} {noun} in {files} {fnoun}"])

"""The validation's fast paths decide exactly what the slow, reporting paths decide.

Validation takes shortcuts for the files nearly all are (generator.validation: the plain-values
YAML builder, the text rules' whole-file pre-check, the date pairs' key pre-check, the tag memo).
Each shortcut must never let through what the full check would report, and must give the same
values: checked here on every test-case file and on generated hostile text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.validation import textrules, yamlload

CASES = sorted((Path(__file__).parent / "cases").rglob("*.yaml"))
# Characters that matter to the text rules and the YAML loader, and some that do not.
ALPHABET = st.sampled_from(
    [
        *"()[]<>:/\\{}!*-_ \n\rjJaAvVsScCrRiIpPtTdDfFlLeEbB01.#'\"",
        "\u00a0",
        "\u200b",
        "\u2028",
        "\x0b",
        "\x1c",
        "\x85",
        "\u017f",
        "\u212a",
        "\u0130",
        "ư",
        "ớ",
    ]
)


def _builder_values(data: bytes) -> object:
    """What the positioned builder alone makes of a file (None if it reports a problem)."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    node = yaml.compose(text, Loader=yamlload._Loader)
    builder = yamlload._Builder("x", track=False)
    values = builder.build(node, "", 0)
    return None if builder.problems else values


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_plain_values_match_the_builder_on_every_case_file(path: Path) -> None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
        node = yaml.compose(text, Loader=yamlload._Loader)
        if node is None:
            return  # an empty file: neither builder runs
        expected = _builder_values(data)
    except (UnicodeDecodeError, yaml.YAMLError, yamlload._Reject, RecursionError):
        return  # the loader rejects the file before either builder runs
    try:
        fast = yamlload._plain_values(node, 0)
    except yamlload._NotPlain:
        return  # left to the builder: nothing to compare
    assert expected is not None, "the fast path accepted a file the builder reports"
    assert fast == expected
    assert [type(v) for v in _leaves(fast)] == [type(v) for v in _leaves(expected)]


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for key in value for leaf in [key, *_leaves(value[key])]]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


SCALARS = st.sampled_from(
    ["yes", "no", "on", "true", "false", "True", "~", "null", "", "0", "-0", "007", "0x1F", "1_000", "+5",
     "1.5", "50.000", ".inf", ".nan", "1:30", "2025-07-01", "2025-13-01", "12", "-3", "a: b", "!!str x",
     "!!int 3", "<<", "'quoted'", '"dq"', "Người", "x"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "<<", "1", "true"]), SCALARS), max_size=6))
def test_plain_values_match_the_builder_on_generated_mappings(pairs: list[tuple[str, str]]) -> None:
    text = (
        "".join(f"{key}: {value}\n" for key, value in pairs)
        + "list:\n"
        + "".join(f"  - {value}\n" for _, value in pairs)
    )
    try:
        node = yaml.compose(text, Loader=yamlload._Loader)
    except yaml.YAMLError:
        return
    if node is None:
        return
    expected = _builder_values(text.encode())
    try:
        fast = yamlload._plain_values(node, 0)
    except yamlload._NotPlain:
        return
    assert expected is not None and fast == expected
    assert [type(v) for v in _leaves(fast)] == [type(v) for v in _leaves(expected)]


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, max_size=40))
def test_the_text_pre_check_never_passes_a_value_the_full_check_reports(text: str) -> None:
    if textrules._problem(text) is not None:
        assert textrules._suspect(text)


# The whole-file pre-check as it was written first (one regular expression per kind of problem):
# the fast one must say yes wherever this one does.
_REFERENCE = [
    re.compile(r"[<\\{!]"),
    re.compile(f"[{textrules._CONTROLS}]"),
    re.compile(r"\(\s*+<?\s*+/[/\\]|\]:\s*+<?\s*+/[/\\]"),
]


def _reference_suspect(source: str) -> bool:
    return any(p.search(source) for p in _REFERENCE) or bool(
        textrules._SUSPECT_SCHEME.search("".join(source.split()))
    )


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, max_size=60))
def test_the_text_pre_check_agrees_with_its_reference(source: str) -> None:
    assert textrules._suspect(source) == _reference_suspect(source)


def test_the_text_pre_check_on_every_case_file() -> None:
    for path in CASES:
        source = path.read_bytes().decode("utf-8", "replace")
        assert textrules._suspect(source) == _reference_suspect(source), path


def test_the_tag_memo_gives_the_resolvers_answer() -> None:
    values = ["yes", "No", "12", "1.5", "2025-07-01", "~", "null", "<<", "=", "text", "0o7", "-", ".5"]
    for value in values * 2:  # the second round is answered from the memo
        expected = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))
        assert yamlload._Loader("").resolve(yaml.ScalarNode, value, (True, False)) == expected, value

"""Property-based tests (hypothesis): whatever bytes, text or YAML a file holds, the loader and the
validator answer with diagnostics or with success, never with an exception; and whatever text a
field holds, the renderer's output holds no markup beyond the documented subset.

Runtime is kept modest (200 examples a property, no per-example deadline) so that `make test` stays
fast; the examples are drawn afresh on each run (no example database is written into the tree).
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from conftest import load_yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.diagnostics import Diagnostic
from generator.site import markup
from generator.validation.validate import validate_catalog
from generator.validation.yamlload import MAX_DEPTH, load_bytes

TESTS = Path(__file__).resolve().parent
BASE = TESTS / "cases" / "base" / "catalog"
PROCEDURE = "catalog/procedures/ubnd-cap-xa/1.001193.yaml"
TODAY = date(2026, 11, 25)
# Failing examples are shown whole; a large generated document makes a long (harmless) repr.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_well_formed(found: list[Diagnostic], display: str | None = None) -> None:
    for d in found:
        assert isinstance(d, Diagnostic)
        assert d.file and (display is None or d.file == display), d
        assert isinstance(d.line, int) and d.line >= 0, d
        assert isinstance(d.col, int) and d.col >= 0, d
        assert d.code and d.message, d
        d.text()  # and it prints


def check_load(data: bytes) -> None:
    loaded, found = load_bytes(data, "catalog/x.yaml")
    assert_well_formed(found, "catalog/x.yaml")
    assert (loaded is None) == bool(found), "a file is either refused with reasons or loaded without any"
    if loaded is not None:
        json.dumps(loaded.data)  # plain data: strings, numbers, booleans, None, lists, str-keyed mappings


# ---- strategies ------------------------------------------------------------------------------------

WEIRD = st.sampled_from(
    [
        "\u202e",
        "\u200b",
        "\ufeff",
        "\x00",
        "\x1b[2J",
        "\u2028",
        "\u0085",
        "\ud7ff",
        "\U0001f600",
        "\u0301",
        "Đ",
        "ư",
        "\r",
        "\r\n",
        "\t",
        "<script>",
        "</script>",
        "javascript:",
        "[x](javascript:alert(1))",
        "{ onclick=alert(1) }",
        "![x](https://x)",
        "&amp;",
        "\\",
        "'",
        '"',
        "#",
        ": ",
        "- ",
        "? ",
        "%",
        "@",
        "`",
        "|",
        ">",
        "*a",
        "&a",
        "!!python/object",
        "<<",
        "~",
        "yes",
        "no",
        "on",
        "null",
        "1.001193",
        "0x1F",
        "1_000",
        ".inf",
        "2025-13-45",
        "50.000",
        "1e9999",
    ]
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | WEIRD
TAGS = st.sampled_from(
    [
        "!!str",
        "!!int",
        "!!float",
        "!!bool",
        "!!null",
        "!!binary",
        "!!timestamp",
        "!!map",
        "!!seq",
        "!!set",
        "!!omap",
        "!!python/object:os.system",
        "!!python/name:os.system",
        "!custom",
        "!<tag:yaml.org,2002:str>",
        "!",
    ]
)


@dataclass(frozen=True)
class Node:
    kind: str  # scalar, seq, map, alias
    value: Any
    tag: str | None = None
    anchor: str | None = None
    flow: bool = False
    style: str = "plain"  # plain, double, single, literal


@st.composite
def scalars(draw: st.DrawFn) -> Node:
    text = draw(TEXT)
    style = draw(st.sampled_from(["plain", "double", "single", "literal"]))
    return Node(
        "scalar", text, draw(st.none() | TAGS), draw(st.none() | st.sampled_from(["a", "b"])), style=style
    )


def collections(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    decorations = st.tuples(st.none() | TAGS, st.none() | st.sampled_from(["a", "b"]), st.booleans())
    seqs = st.builds(
        lambda items, deco: Node("seq", items, *deco), st.lists(children, max_size=4), decorations
    )
    maps = st.builds(
        lambda items, deco: Node("map", items, *deco),
        st.lists(st.tuples(TEXT | st.sampled_from(["code", "name", "<<", "steps"]), children), max_size=4),
        decorations,
    )
    return seqs | maps


NODES = st.recursive(
    scalars() | st.builds(Node, st.just("alias"), st.sampled_from(["a", "b", "zz"])),
    collections,
    max_leaves=25,
)


def _scalar(node: Node, indent: int) -> str:
    text = str(node.value)
    if node.style == "double":
        return json.dumps(text)
    if node.style == "single":
        return "'" + text.replace("'", "''") + "'"
    if node.style == "literal" and "\n" not in text:
        return "|\n" + " " * (indent + 2) + text
    return text


def render(node: Node, indent: int = 0, *, flow: bool = False) -> str:
    """The node as YAML text, in block or flow style; not always valid YAML, on purpose."""
    prefix = "".join(f"{part} " for part in (node.tag, f"&{node.anchor}" if node.anchor else None) if part)
    if node.kind == "alias":
        return f"*{node.value}"
    if node.kind == "scalar":
        return prefix + _scalar(node, indent)
    if flow or node.flow or not node.value:
        if node.kind == "seq":
            return prefix + "[" + ", ".join(render(item, indent, flow=True) for item in node.value) + "]"
        return (
            prefix
            + "{"
            + ", ".join(f"{json.dumps(k)}: {render(v, indent, flow=True)}" for k, v in node.value)
            + "}"
        )
    pad = " " * indent
    if node.kind == "seq":
        lines = [f"{pad}- {render(item, indent + 2).lstrip()}" for item in node.value]
    else:
        lines = [
            f"{pad}{json.dumps(k)}:"
            + (
                f"\n{render(v, indent + 2)}"
                if v.kind in ("seq", "map") and v.value and not v.flow
                else f" {render(v, indent + 2)}"
            )
            for k, v in node.value
        ]
    return (prefix.rstrip() + "\n" if prefix else "") + "\n".join(lines)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)


# ---- the loader ------------------------------------------------------------------------------------


@PROPERTY
@given(st.binary(max_size=2000))
def test_loader_on_arbitrary_bytes(data: bytes) -> None:
    check_load(data)


@PROPERTY
@given(st.text(max_size=2000))
def test_loader_on_arbitrary_text(text: str) -> None:
    check_load(text.encode("utf-8", errors="surrogatepass"))


@PROPERTY
@given(NODES, st.sampled_from(["", "\ufeff", "---\n", "%YAML 1.1\n---\n", "# c\n"]))
def test_loader_on_generated_yaml(node: Node, head: str) -> None:
    check_load((head + render(node) + "\n").encode("utf-8", errors="surrogatepass"))


@PROPERTY
@given(st.integers(min_value=MAX_DEPTH - 2, max_value=MAX_DEPTH + 60), st.sampled_from(["[", "{a: ", "- "]))
def test_loader_on_deep_nesting(depth: int, opener: str) -> None:
    if opener == "- ":
        text = "".join(" " * (2 * i) + "-\n" for i in range(depth)) + " " * (2 * depth) + "x\n"
    else:
        text = opener * depth + "x" + ("]" if opener == "[" else "}") * depth
    check_load(text.encode())


# ---- the validator ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("properties")
    shutil.copytree(BASE, root / "catalog")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def validate_with(repo: Path, data: bytes) -> list[Diagnostic]:
    (repo / PROCEDURE).write_bytes(data)
    found = validate_catalog(repo / "catalog", today=TODAY).diagnostics
    assert_well_formed(found)
    return found


def base_procedure() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(
        (BASE / "procedures/ubnd-cap-xa/1.001193.yaml").read_text(encoding="utf-8")
    )
    return json.loads(json.dumps(data, default=str))


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths(child, (*prefix, i))


PROCEDURE_PATHS = [p for p in paths(base_procedure()) if p]


@st.composite
def mutated_procedures(draw: st.DrawFn) -> dict[str, Any]:
    """The valid base procedure with a few of its values replaced, deleted or joined by new keys."""
    data = base_procedure()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(PROCEDURE_PATHS))
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(JSON)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(TEXT)] = draw(JSON)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the way there
    return data


@PROPERTY
@given(mutated_procedures())
def test_validator_on_mutated_procedures(repo: Path, data: dict[str, Any]) -> None:
    validate_with(repo, yaml.safe_dump(data, allow_unicode=True).encode("utf-8", errors="surrogatepass"))


@PROPERTY
@given(JSON)
def test_validator_on_arbitrary_documents(repo: Path, data: Any) -> None:
    found = validate_with(
        repo, yaml.safe_dump(data, allow_unicode=True).encode("utf-8", errors="surrogatepass")
    )
    assert found, "an arbitrary document is not a procedure"


@PROPERTY
@given(NODES)
def test_validator_on_generated_yaml(repo: Path, node: Node) -> None:
    validate_with(repo, (render(node) + "\n").encode("utf-8", errors="surrogatepass"))


@PROPERTY
@given(st.sampled_from(["name", "description", "conditions", "local_notes", "step"]), TEXT, TEXT)
def test_validator_on_arbitrary_text_in_text_fields(repo: Path, field: str, before: str, after: str) -> None:
    data = base_procedure()
    text = before + after
    if field == "local_notes":
        data["local"]["notes"] = text
    elif field == "step":
        data["steps"][0]["items"][0] = text
    else:
        data[field] = text
    validate_with(repo, yaml.safe_dump(data, allow_unicode=True).encode("utf-8", errors="surrogatepass"))


# ---- the renderer ----------------------------------------------------------------------------------


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


RICH_TEXT = st.lists(
    TEXT
    | st.sampled_from(
        [
            "\n",
            "\n\n",
            "- ",
            "1. ",
            "*",
            "**",
            "_",
            "[",
            "](",
            ")",
            "https://example.org/a",
            "javascript:alert(1)",
            "<",
            ">",
        ]
    ),
    max_size=12,
).map("".join)


@PROPERTY
@given(RICH_TEXT)
@example("[]()")  # found by the property: an empty address was kept, a link to the page itself
@example("[a](x)")
def test_rendered_text_holds_only_the_subset(text: str) -> None:
    for render_text in (markup.block, markup.inline, markup.lines):
        for tag, attrs in parsed(str(render_text(text))).tags:
            assert tag in markup.ALLOWED_TAGS, (tag, text)
            for name, value in attrs:
                assert tag == "a" and name in ("href", "rel"), (tag, name, text)
                if name == "href":
                    assert value is not None and value.startswith(("https://", "http://")), (value, text)


SITE_MARKDOWN = markdown.Markdown(extensions=["admonition", "attr_list", "md_in_html", "tables", "toc"])


@PROPERTY
@given(RICH_TEXT | st.text(max_size=200))
def test_a_heading_is_only_its_text(text: str) -> None:
    SITE_MARKDOWN.reset()
    result = parsed(SITE_MARKDOWN.convert("# " + markup.heading(text)))
    squeezed = " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).split())
    if not squeezed:
        return
    assert [tag for tag, _ in result.tags] == ["h1"], text
    assert [name for name, _ in result.tags[0][1]] == ["id"], text
    assert "".join(result.text).strip() == squeezed.strip(), text

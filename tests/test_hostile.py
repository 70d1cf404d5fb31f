"""Hostile input: catalog files written to attack citizens' browsers or the tools, each refused.

tests/hostile/KEY_REASON.yaml are cases in the format of tests/cases/invalid (first line
``# target: catalog/...``, the expected output in KEY_REASON.expected beside; ``pytest
--update-goldens`` rewrites them): script tags in every text field, a JSON-LD breakout, script links
(also mixed case, split by a line break or hidden behind YAML escapes), Markdown attribute lists and
images, look-alike codes, invisible characters, an alias bomb, a NUL byte, mixed encodings, a
UTF-16 file, a python tag. Unlike tests/cases a hostile case may hold several problems (a look-alike
code also leaves the references to the real code dangling): the .expected file lists them all.

The cases too big to commit (a 10 MB field, 10,000 steps, 200,001 values, regular-expression bombs
of 2 MB) and those git cannot hold (a directory named like a procedure file, symbolic links out of
the repository, a FIFO) are made at test time below. Each huge case must be refused in under two
seconds, with a bounded peak of memory.
"""

from __future__ import annotations

import html as html_module
import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import markdown
import pytest
from test_cases import TODAY

from generator import cli
from generator.diagnostics import Diagnostic, render_text
from generator.site import markup
from generator.validation.validate import validate_catalog

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASES = sorted(HOSTILE.glob("*.yaml"))
BASE_PROCEDURE = Path(__file__).resolve().parent / "cases/base/catalog/procedures/ubnd-cap-xa/1.001193.yaml"
TARGET = re.compile(r"^# target: (\S+)")
PROCEDURE = "catalog/procedures/ubnd-cap-xa/1.001193.yaml"
SECONDS = 2.0
PEAK_BYTES = 200 * 1024 * 1024
# What the issue asks the corpus to hold, at least.
REQUIRED = {
    "name_script-tag",
    "description_script-tag",
    "conditions_script-tag",
    "step_script-tag",
    "document-name_script-tag",
    "document-note_iframe",
    "result-name_script-tag",
    "legal-title_script-tag",
    "local-notes_script-tag-mixed-case",
    "keywords_script-tag",
    "name_jsonld-breakout",
    "name_img-onerror",
    "description_javascript-link",
    "conditions_mixed-case-javascript-link",
    "local-notes_data-link",
    "national-portal-url_javascript",
    "form-url_javascript-mixed-case",
    "legal-url_javascript",
    "national-portal-url_http-non-government",
    "code_fullwidth-digits",
    "code_cyrillic-letters",
    "code_arabic-indic-digits",
    "code_trailing-newline",
    "file-name_homoglyph",
    "file_alias-bomb",
    "file_nul-byte",
    "file_mixed-encoding",
    "file_utf16-bom",
    "name_bidi-override",
    "name_zero-width-space",
}
T = TypeVar("T")


# ---- helpers ---------------------------------------------------------------------------------------


def case_text(case: Path) -> str:
    """The case as text, far enough to read its first line: UTF-16 when it starts with a BOM."""
    data = case.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def place(case: Path, repo: Path) -> Path:
    """Put the case's bytes, unchanged, at its target in the fixture catalog."""
    match = TARGET.match(case_text(case))
    assert match, f"{case.name}: first line must be '# target: catalog/...'"
    target = repo / match.group(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.read_bytes())
    return target


def check(repo: Path) -> list[Diagnostic]:
    return validate_catalog(repo / "catalog", today=TODAY).diagnostics


def assert_well_formed(found: list[Diagnostic]) -> None:
    for d in found:
        assert d.file.startswith("catalog/"), d
        assert d.line >= 0 and d.col >= 0, d
        assert re.fullmatch(r"[a-z][a-z0-9-]*", d.code), d
        assert d.message, d


def cli_validate(repo: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object], str]:
    """`catalog validate --format json` in this process: exit code, the JSON document, stderr."""
    capsys.readouterr()
    code = cli.main(["validate", str(repo / "catalog"), "--today", TODAY.isoformat(), "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@dataclass(frozen=True)
class Cost:
    seconds: float
    peak_bytes: int | None  # None: not traced here


def cost(action: Callable[[], T], *, traced: bool = True) -> tuple[T, Cost]:
    """Run ``action`` timed, then again under tracemalloc for the peak of Python memory. tracemalloc
    slows a run of many small allocations twentyfold: cases with 100,000s of values are measured
    in a fresh process instead (test_huge_cases_in_a_fresh_process_stay_small), ``traced=False``."""
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    if not traced:
        return result, Cost(seconds, None)
    tracemalloc.start()
    try:
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, Cost(seconds, peak)


def assert_cheap(spent: Cost, what: str) -> None:
    peak = "in a fresh process" if spent.peak_bytes is None else f"{spent.peak_bytes / 2**20:.1f} MiB"
    print(f"{what}: {spent.seconds:.2f} s, peak {peak}")
    assert spent.seconds < SECONDS, f"{what} took {spent.seconds:.2f} s"
    assert spent.peak_bytes is None or spent.peak_bytes < PEAK_BYTES, f"{what} peaked at {peak}"


@pytest.fixture
def warm_repo(base_repo: Path) -> Path:
    """The base catalog, validated once so that compiling the schemas is not timed."""
    assert check(base_repo) == []
    return base_repo


def procedure_source() -> str:
    return BASE_PROCEDURE.read_text(encoding="utf-8")


def write_procedure(repo: Path, text: str | bytes) -> Path:
    target = repo / PROCEDURE
    target.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return target


# ---- the corpus ------------------------------------------------------------------------------------


def test_every_case_has_an_expectation_and_back() -> None:
    cases = {p.stem for p in CASES}
    expectations = {p.stem for p in HOSTILE.glob("*.expected")}
    assert sorted(cases - expectations) == [], "cases without a .expected file"
    assert sorted(expectations - cases) == [], ".expected files without a case"
    assert len(cases) >= 25
    assert sorted(REQUIRED - cases) == []


def test_case_names_are_key_reason() -> None:
    for case in CASES:
        assert re.fullmatch(r"[a-z0-9-]+_[a-z0-9-]+", case.stem), case.name


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_hostile_case_is_refused(
    case: Path, base_repo: Path, update_goldens: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    place(case, base_repo)
    found = check(base_repo)
    output = render_text(found)
    expected_file = case.with_suffix(".expected")
    if update_goldens:
        expected_file.write_text(output + "\n", encoding="utf-8")
    assert found, "a hostile case must be refused"
    assert output == expected_file.read_text(encoding="utf-8").rstrip("\n")
    assert_well_formed(found)
    # The command says the same, as data, exits 1 and prints no traceback.
    code, report, err = cli_validate(base_repo, capsys)
    assert (code, err) == (1, "")
    assert report["problem_count"] == len(found)


def test_expected_codes_name_the_attack() -> None:
    """Each case is refused for its own reason, not by accident: the code its name promises."""
    wanted = {
        "script-tag": "unsafe-html",
        "jsonld-breakout": "unsafe-html",
        "img-onerror": "unsafe-html",
        "iframe": "unsafe-html",
        "svg-onload": "unsafe-html",
        "html-comment": "unsafe-html",
        "script-tag-mixed-case": "unsafe-html",
        "escaped-script-tag": "unsafe-html",
        "javascript-link": "unsafe-link",
        "mixed-case-javascript-link": "unsafe-link",
        "data-link": "unsafe-link",
        "reference-javascript-link": "unsafe-link",
        "vbscript-link": "unsafe-link",
        "split-javascript-link": "unsafe-link",
        "attribute-list": "unsafe-markdown",
        "markdown-image": "unsafe-markdown",
        "bidi-override": "control-character",
        "escaped-bidi-override": "control-character",
        "zero-width-space": "control-character",
        "arabic-letter-mark": "control-character",
        "escaped-ansi-escape": "control-character",
        "fullwidth-digits": "pattern",
        "cyrillic-letters": "pattern",
        "arabic-indic-digits": "pattern",
        "trailing-newline": "pattern",
        "homoglyph": "duplicate-code",
        "homoglyph-new-code": "file-name",
        "alias-bomb": "yaml-anchor",
        "nul-byte": "file-binary",
        "mixed-encoding": "file-encoding",
        "utf16-bom": "file-binary",
        "python-tag": "yaml-tag",
        "deep-nesting": "yaml-too-deep",
        "proto-key": "unknown-field",
        # Issue 15, causes 4 and 5: numbers YAML 1.1 reads otherwise than they are written.
        "octal-leading-zero": "number-format",
        "tagged-octal": "number-format",
        "hexadecimal": "number-format",
        "binary": "number-format",
        "underscores": "number-format",
        "leading-plus": "number-format",
        "exponent": "number-format",
        "exponent-without-dot": "number-format",  # 1e3: text to YAML 1.1, a number to YAML 1.2
        "exponent-without-sign": "number-format",  # 1.0e3 likewise
        "sexagesimal-float": "number-format",
        "sexagesimal": "number-format",
        "leading-dot": "number-format",
        "trailing-dot": "number-format",
        "leading-zero-decimal": "number-format",
        "octal": "number-format",
        "negative-infinity": "number-not-finite",
        "nan": "number-not-finite",
        "nan-tagged": "number-not-finite",
        "infinity": "number-not-finite",
        "float-overflow": "number-not-finite",
        # Cause 11: links to another host without a scheme.
        "protocol-relative-link": "unsafe-link",
        "backslash-relative-link": "unsafe-link",
        "protocol-relative-reference": "unsafe-link",
        "protocol-relative-angle-link": "unsafe-link",
    }
    for case in CASES:
        reason = case.stem.split("_", 1)[1]
        expected = case.with_suffix(".expected").read_text(encoding="utf-8")
        code = wanted.get(reason, "pattern" if "url" in case.stem else None)
        assert code is not None, f"{case.name}: add its reason to this table"
        assert f"[{code}]" in expected, f"{case.name} should be refused with [{code}]"


# ---- too big to commit -----------------------------------------------------------------------------


def test_ten_megabyte_field(warm_repo: Path) -> None:
    source = procedure_source().replace(
        "status: active\n", 'status: active\ndescription: "' + "A" * 10_000_000 + '"\n'
    )
    target = write_procedure(warm_repo, source)
    found, spent = cost(lambda: check(warm_repo))
    size = target.stat().st_size
    assert render_text(found) == (
        f"{PROCEDURE}: /: file is {size:,} bytes; the limit is 2,097,152 bytes [file-too-large]\n"
        "1 problem in 1 file"
    )
    assert_cheap(spent, "10 MB field")


def test_two_megabyte_field_just_under_the_file_limit(warm_repo: Path) -> None:
    source = procedure_source().replace(
        "status: active\n", 'status: active\ndescription: "' + "A" * 2_000_000 + '"\n'
    )
    write_procedure(warm_repo, source)
    found, spent = cost(lambda: check(warm_repo))
    assert [(d.line, d.pointer, d.code) for d in found] == [(4, "/description", "maxLength")]
    assert len(found[0].message) <= 300
    assert_cheap(spent, "2 MB field")


def steps(count: int, step: Callable[[int], str]) -> str:
    groups = "".join(f'  - items:\n      - "{step(i)}"\n' for i in range(count))
    source = procedure_source()
    start = source.index("steps:\n")
    end = source.index("channels:\n")
    return source[:start] + "steps:\n" + groups + source[end:]


def test_ten_thousand_steps_each_with_a_script(warm_repo: Path) -> None:
    """Each refusal costs the same: the check scales linearly, measured as a ratio in the same run
    (5 times the steps within 12 times the time of 2,000; quadratic would be 25), not against a
    clock limit that a loaded machine misses. The two sizes are timed in turn, three times each, and
    the best run of each kept: a busy spell of a loaded machine (other tests run beside this one)
    falls on both sizes, and one pause does not decide the ratio. The time is this process's
    processor time (one file is checked in the process itself): the other tests' processes that share
    the machine do not count in it."""
    runs: dict[int, list[tuple[list[Diagnostic], float]]] = {2_000: [], 10_000: []}
    for _ in range(3):
        for count, timed in runs.items():
            write_procedure(warm_repo, steps(count, lambda i: f"Bước {i} <script>alert({i})</script>"))
            start = time.process_time()
            found = check(warm_repo)
            timed.append((found, time.process_time() - start))
    small = min(seconds for _, seconds in runs[2_000])
    found, large = runs[10_000][0][0], min(seconds for _, seconds in runs[10_000])
    assert len(found) == 10_000
    assert {d.code for d in found} == {"unsafe-html"}
    first_line = procedure_source().count("\n", 0, procedure_source().index("steps:\n")) + 1
    by_pointer = {d.pointer: d.line for d in found}
    assert by_pointer == {f"/steps/{i}/items/0": first_line + 2 + 2 * i for i in range(10_000)}
    print(f"10,000 steps with a script each: {large:.2f} s; 2,000: {small:.2f} s")
    assert large < 12 * small, f"10,000 steps took {large / small:.1f} times 2,000 steps"


def test_ten_thousand_clean_steps_are_checked_quickly(warm_repo: Path) -> None:
    """The schema sets no limit on the number of steps: such a file passes, but costs little."""
    write_procedure(warm_repo, steps(10_000, lambda i: f"Bước {i}: nộp hồ sơ"))
    found, spent = cost(lambda: check(warm_repo), traced=False)
    assert_well_formed(found)
    assert_cheap(spent, "10,000 clean steps")


def test_two_hundred_thousand_and_one_values(warm_repo: Path) -> None:
    write_procedure(warm_repo, procedure_source() + "x: [" + "0," * 200_000 + "0]\n")
    found, spent = cost(lambda: check(warm_repo), traced=False)
    assert (
        render_text(found)
        == f"{PROCEDURE}: /: the file has more than 200,000 values [yaml-too-many-nodes]\n1 problem in 1 file"
    )
    # Reaching the limit means parsing 200,000 values: slower than the other refusals (see the report).
    print(f"200,001 values: {spent.seconds:.2f} s")
    assert spent.seconds < 3 * SECONDS


@pytest.mark.parametrize("case", ["file_alias-bomb", "file_deep-nesting"])
def test_bombs_are_refused_quickly(case: str, warm_repo: Path) -> None:
    place(HOSTILE / f"{case}.yaml", warm_repo)
    found, spent = cost(lambda: check(warm_repo))
    assert len(found) == 1
    assert_cheap(spent, case)


def test_a_billion_laughs_a_thousand_times_deeper(warm_repo: Path) -> None:
    """Thirty levels of ten aliases each (10^30 strings if expanded): refused at the first anchor."""
    lines = ['a0: &a0 "lol"'] + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 31)]
    write_procedure(warm_repo, procedure_source() + "\n".join(lines) + "\n")
    found, spent = cost(lambda: check(warm_repo))
    line = procedure_source().count("\n") + 1
    assert [(d.line, d.code) for d in found] == [(line, "yaml-anchor")]
    assert_cheap(spent, "10^30 laughs")


# Regular-expression bombs: each is a run the text rules' patterns could backtrack over
# quadratically (hours for 2 MB). In a comment they reach only the whole-file scan; in a value (up to
# the 100,000 characters a text may hold), every pattern.
BOMBS = {
    "tag-then-spaces": "<" + " " * 99_990 + "x",
    "link-then-spaces": "](" + " " * 99_990,
    "scheme-then-spaces": "javascript" + " " * 99_980,
    "many-tags": "< " * 49_990,
    "many-links": "](" * 49_990,
    "many-images": "![a](" * 19_990,
    "many-braces": "{a" * 49_990,
    "many-backslashes": "\\" * 49_990,  # written as 99,980 characters
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_regular_expression_bombs_in_a_comment(bomb: str, warm_repo: Path) -> None:
    payload = BOMBS[bomb]
    repeat = 1_900_000 // (len(payload) + 3)
    write_procedure(warm_repo, "".join(f"# {payload}\n" for _ in range(repeat)) + procedure_source())
    assert (warm_repo / PROCEDURE).stat().st_size > 1_800_000
    found, spent = cost(lambda: check(warm_repo))
    assert found == []
    assert_cheap(spent, f"{bomb} in comments")


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_regular_expression_bombs_in_a_value(bomb: str, warm_repo: Path) -> None:
    value = json.dumps(BOMBS[bomb])  # a double-quoted YAML scalar
    source = procedure_source()
    fields = "".join(
        f"x-{n}: {value}\n" for n in range(1, 19)
    )  # unknown fields: still walked by the text rules
    write_procedure(
        warm_repo, source.replace("status: active\n", f"status: active\nconditions: {value}\n") + fields
    )
    found, spent = cost(lambda: check(warm_repo))
    assert_well_formed(found)
    codes = {d.code for d in found if d.pointer == "/conditions"}
    expected = {
        "tag-then-spaces": {"unsafe-html"},
        "many-images": {"unsafe-markdown"},
        "many-braces": set(),
        "many-tags": set(),
    }.get(bomb, set())
    assert codes == expected
    assert_cheap(spent, f"{bomb} in 19 values")


# The renderer: Python-Markdown is quadratic in brackets and in inline tokens; a 100,000-character
# text (the longest the schema allows) must still render in well under the limit.
RENDER_BOMBS = {
    "blank-lines": "*a*" + "\n" * 99_990 + "b",
    "unmatched-brackets": "[" * 99_990,
    "brackets-before-text": "*a* " + "[x" * 500 + "x" * 99_000,
    "quotes-under-the-budget": "*a* " + '"a' * 1_990 + "x" * 95_000,
    "links-under-the-budget": "*a* " + "[a](https://a.vn) " * 990 + "x" * 80_000,
    "half-links": "[a](" * 24_990,
    "escapes": "*a* " + "\\[" * 49_990,
    "entities": "*a* " + '"' * 99_990,
    "rules": "*a*\n" + "- - -\n" * 16_600,
    "emphasis": "*_" * 49_990,
    "list-after-text": "a\n- b\n" * 16_600,
}


@pytest.mark.parametrize("bomb", sorted(RENDER_BOMBS))
def test_rendering_bombs(bomb: str) -> None:
    text = RENDER_BOMBS[bomb]
    for render in (markup.block, markup.inline, markup.heading):
        html, spent = cost(lambda render=render: render(text))
        assert "<script" not in html
        assert_cheap(spent, f"{render.__name__}({bomb})")


# ---- what git cannot hold --------------------------------------------------------------------------


def test_directory_named_like_a_procedure_file(warm_repo: Path) -> None:
    folder = warm_repo / "catalog/procedures/ubnd-cap-xa/1.001194.yaml"
    folder.mkdir()
    (folder / "1.001194.yaml").write_text(
        procedure_source().replace('"1.001193"', '"1.001194"', 1), encoding="utf-8"
    )
    assert render_text(check(warm_repo)) == (
        "catalog/procedures/ubnd-cap-xa/1.001194.yaml/1.001194.yaml: /: procedure files go in "
        "catalog/procedures/<agency-id>/<code>.yaml [unexpected-file]\n1 problem in 1 file"
    )


def test_directory_in_place_of_a_procedure_file(warm_repo: Path) -> None:
    """The folder itself is not reported (see the report); the procedure it replaced is missed."""
    (warm_repo / PROCEDURE).unlink()
    (warm_repo / PROCEDURE).mkdir()
    (warm_repo / PROCEDURE / ".keep").write_text("", encoding="utf-8")
    found = check(warm_repo)
    assert [(d.file, d.code) for d in found] == [
        ("catalog/decisions/163-QD-BTP.yaml", "unknown-procedure"),
        ("catalog/location-independent/2025-danh-muc.yaml", "unknown-procedure"),
    ]


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the repository holding a valid procedure with a secret in it."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "1.001194.yaml").write_text(
        procedure_source().replace('"1.001193"', '"1.001194"', 1) + "# SECRET-FROM-OUTSIDE\n",
        encoding="utf-8",
    )
    return folder


SYMLINKS: dict[str, tuple[str, str, str]] = {
    # name: (link inside the catalog, what it points to, the expected output)
    "new-file-to-outside": (
        "procedures/ubnd-cap-xa/1.001194.yaml",
        "{outside}/1.001194.yaml",
        "catalog/procedures/ubnd-cap-xa/1.001194.yaml: /: symbolic links are not allowed in the "
        "catalog; commit the file itself [file-symlink]",
    ),
    "new-file-to-etc-passwd": (
        "procedures/ubnd-cap-xa/1.001194.yaml",
        "/etc/passwd",
        "catalog/procedures/ubnd-cap-xa/1.001194.yaml: /: symbolic links are not allowed in the "
        "catalog; commit the file itself [file-symlink]",
    ),
    "procedure-replaced": (
        "procedures/ubnd-cap-xa/1.001193.yaml",
        "{outside}/1.001194.yaml",
        "catalog/procedures/ubnd-cap-xa/1.001193.yaml: /: symbolic links are not allowed in the "
        "catalog; commit the file itself [file-symlink]",
    ),
    "top-file-replaced": (
        "sectors.yaml",
        "/etc/passwd",
        "catalog/sectors.yaml: /: symbolic links are not allowed in the catalog; commit the file "
        "itself [file-symlink]",
    ),
    "folder-to-outside": (
        "procedures/so-tu-phap-2",
        "{outside}",
        "catalog/procedures/so-tu-phap-2: /: symbolic links are not allowed in the catalog [unexpected-file]",
    ),
    "folder-to-root": (
        "procedures/goc",
        "/",
        "catalog/procedures/goc: /: symbolic links are not allowed in the catalog [unexpected-file]",
    ),
    "dangling": (
        "procedures/ubnd-cap-xa/1.001195.yaml",
        "/nonexistent/1.001195.yaml",
        "catalog/procedures/ubnd-cap-xa/1.001195.yaml: /: symbolic links are not allowed in the "
        "catalog; commit the file itself [file-symlink]",
    ),
}


@pytest.mark.parametrize("name", sorted(SYMLINKS))
def test_symbolic_link_out_of_the_repository(name: str, warm_repo: Path, outside: Path) -> None:
    link, pointee, expected = SYMLINKS[name]
    path = warm_repo / "catalog" / link
    if path.exists():
        path.unlink()
    path.symlink_to(pointee.format(outside=outside))
    output = render_text(check(warm_repo))
    assert output == expected + "\n1 problem in 1 file"
    assert "SECRET" not in output and "root:" not in output


def test_fifo_named_like_a_procedure_file(warm_repo: Path) -> None:
    """Reading a FIFO would block for ever: the validator must not open it (checked in a child
    process with a time limit, so that a regression fails instead of hanging the suite)."""
    os.mkfifo(warm_repo / "catalog/procedures/ubnd-cap-xa/1.001194.yaml")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "validate",
            str(warm_repo / "catalog"),
            "--today",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == (
        "catalog/procedures/ubnd-cap-xa/1.001194.yaml: /: not a regular file [file-not-regular]\n"
        "1 problem in 1 file\n"
    )


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux's /proc")
def test_huge_cases_in_a_fresh_process_stay_small(warm_repo: Path) -> None:
    """tracemalloc sees only Python's allocations; the whole process's peak (VmHWM, libyaml
    included), compared with validating the clean catalog, must stay under the same bound."""
    script = (
        "import re, sys; from datetime import date; from pathlib import Path\n"
        "from generator.validation.validate import validate_catalog\n"
        "r = validate_catalog(Path(sys.argv[1]), today=date(2026, 11, 25))\n"
        "status = Path('/proc/self/status').read_text()\n"
        "print(len(r.diagnostics), re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))\n"
    )

    def peak_kib() -> tuple[int, int]:
        done = subprocess.run(
            [sys.executable, "-c", script, str(warm_repo / "catalog")],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        problems, kib = done.stdout.split()
        return int(problems), int(kib)

    baseline = peak_kib()
    assert baseline[0] == 0
    sources = {  # what: (the file, how many problems)
        "10 MB field": (procedure_source() + 'x: "' + "A" * 10_000_000 + '"\n', 1),
        "alias bomb": ((HOSTILE / "file_alias-bomb.yaml").read_text(encoding="utf-8"), 1),
        "10,000 steps": (steps(10_000, lambda i: f"Bước {i} <script>alert({i})</script>"), 10_000),
        "2 MB field": (procedure_source() + 'x: "' + "A" * 2_000_000 + '"\n', 1),
        "10,000 clean steps": (steps(10_000, lambda i: f"Bước {i}: nộp hồ sơ"), 0),
        "200,001 values": (procedure_source() + "x: [" + "0," * 200_000 + "0]\n", 1),
    }
    for what, (source, expected) in sources.items():
        write_procedure(warm_repo, source)
        problems, kib = peak_kib()
        print(
            f"{what}: {problems} problems, peak RSS {kib / 1024:.0f} MiB (clean catalog {baseline[1] / 1024:.0f} MiB)"
        )
        assert problems == expected, what
        assert (kib - baseline[1]) * 1024 < PEAK_BYTES, what


# ---- the renderer's second line of defence for Markdown context -------------------------------------


def site_markdown() -> markdown.Markdown:
    """Python-Markdown as the site's mkdocs.yml configures it (the page's Markdown, not the subset)."""
    return markdown.Markdown(extensions=["admonition", "attr_list", "md_in_html", "tables", "toc"])


HEADING_PAYLOADS = [
    "Thủ tục { tabindex=0 autofocus onfocus=alert(1) }",
    "Thủ tục {: onmouseover=alert(1) }",
    "[Nộp hồ sơ](javascript:alert(1))",
    "Thủ tục\n\n[Nộp hồ sơ](java\nscript:alert(1))",
    "![x](https://x.invalid/p.png){: onerror=alert(1) }",
    "<script>alert(1)</script> & <img src=x onerror=alert(1)>",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "Thủ tục # ## *đậm* _nghiêng_ `mã` | a | b |",
    "1. Thủ tục\n- danh sách\n> trích dẫn",
    "Thủ tục \\{ onclick=alert(1) \\}",
    "<https://example.org> &lt;script&gt; &#106;avascript:",
]


@pytest.mark.parametrize("text", HEADING_PAYLOADS)
def test_heading_filter_leaves_only_the_literal_text(text: str) -> None:
    html = site_markdown().convert("# " + markup.heading(text))
    match = re.fullmatch(r'<h1 id="[^"]*">(.*)</h1>', html, re.DOTALL)
    assert match, html
    inner = match.group(1)
    assert "<" not in inner.replace("&lt;", ""), html
    assert html_module.unescape(inner) == " ".join(text.split())


# ---- found by the property tests: inputs that crashed the loader ------------------------------------

READER_CRASHES = {
    # A character YAML refuses (form feed, from a PDF) in a file with an '*' (Markdown emphasis) or
    # '&': the anchor scan met PyYAML's ReaderError, which it did not catch.
    "form-feed-and-emphasis": "conditions: Điều kiện **quan trọng**\x0c\n",
    "control-and-ampersand": "conditions: A & B\x01\n",
    "noncharacter-and-star": "conditions: '*'\ufffe\n",
    # An explicit !!int or !!float tag with nothing to convert: IndexError from PyYAML's constructor.
    "empty-int-tag": "dossier_sets: !!int\n",
    "empty-float-tag": "dossier_sets: !!float ''\n",
}


@pytest.mark.parametrize("name", sorted(READER_CRASHES))
def test_inputs_that_crashed_the_loader_are_diagnostics(
    name: str, warm_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_procedure(warm_repo, procedure_source() + READER_CRASHES[name])
    found = check(warm_repo)
    assert found and {d.file for d in found} == {PROCEDURE}
    assert_well_formed(found)
    code, report, err = cli_validate(warm_repo, capsys)
    assert (code, err) == (1, "")
    assert report["problem_count"] == len(found)


# ---- the suite's size (issue 15: at least a hundred distinct hostile cases) -------------------------


def test_the_hostile_suite_counts_a_hundred_cases() -> None:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve().parent / "hostile_count.py"), "--min", "100"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    total = int(re.search(r"^hostile cases: (\d+)$", done.stdout, re.MULTILINE).group(1))  # type: ignore[union-attr]
    print(done.stdout)
    assert total >= 100

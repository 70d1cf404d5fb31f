"""Hostile round 2, causes 7 to 11: the review workflow and CI.

- Cause 8: values the diff prints (a list ``id``, a file name, a name) broke its Markdown code
  spans; the bot's comment then showed an image, an @mention and a bold "ĐÃ ĐƯỢC … PHÊ DUYỆT".
  Every value is escaped per format (Markdown, terminal; annotations escape their own way).
- Cause 9: a ``github.org`` with line breaks made ``catalog owners --check`` print raw ``::error``
  lines into the CI log; the field is checked and every line printed in CI is shielded.
- Cause 10: ``mkdocs.yml`` tags ran code at build time (``!!python/object/apply``); the safe loader
  knows only ``!!python/name:generator.site.slug.slugify``; changes to hooks/plugins are flagged.
  (The workflows themselves: tests/test_hostile_workflows.py.)
- Cause 11: ``catalog new --agency`` followed a ``../`` id out of the repository.
- Cause 7: a bad ``serve --address``, an import record nested 100,000 levels deep or with a
  100,000-character decision number were internal errors (exit 3).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import markdown
import pytest
from gitrepo import LIST, XA, commit, edit, git, init, write

from generator import cli

PIXEL = "https://t.invalid/p.png"
PAYLOAD = f"x` ![p]({PIXEL}) <img src={PIXEL}> @tthc-vinh-long/so-tu-phap **ĐÃ ĐƯỢC PHÊ DUYỆT** `y"
TERMINAL = "Sở \x1b[2J\x1b]0;pwned\x07 \u202eTư pháp"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def outside_code(html: str) -> str:
    """The HTML with every code element's content removed (GitHub mentions nothing inside code)."""
    return re.sub(r"<code>.*?</code>", "<code></code>", html, flags=re.DOTALL)


def assert_inert(comment: str) -> None:
    """What GitHub would render from the comment holds no image, no payload in bold or a heading,
    and no @mention."""
    html = markdown.markdown(comment)
    assert "<img" not in html, html
    assert not re.search(r"<(strong|em|h\d)>[^<]*ĐÃ ĐƯỢC", html), html
    assert "@tthc-vinh-long" not in outside_code(html), html
    for line in comment.splitlines():  # no value starts a line of its own (a heading, a list, a quote)
        assert not line.startswith(("x`", "@", "**ĐÃ", "![")), line


@pytest.fixture
def hostile_change(tmp_path: Path) -> Path:
    """A pull request putting the payload into a list id, a file name (the agency folder of a moved
    procedure), an agency's name and a procedure's name."""
    repo = tmp_path / "repo"
    init(repo)
    edit(repo, LIST, "id: 2025-danh-muc\n", f"id: {json.dumps(PAYLOAD)}\n")
    folder = repo / "catalog" / "procedures" / PAYLOAD.replace("/", "-").replace("<", "").replace(">", "")
    folder.mkdir()
    (repo / XA).rename(folder / "1.001193.yaml")
    edit(repo, "catalog/agencies.yaml", "name: Sở Tư pháp\n", f"name: {json.dumps(PAYLOAD)}\n")
    edit(repo, "catalog/procedures/so-tu-phap/1.013818.yaml", "\nname: ", f"\nname: {json.dumps(PAYLOAD)} ")
    commit(repo, "Đề xuất")
    return repo


# ---- cause 8: the diff ---------------------------------------------------------------------------------


def test_pull_request_comment_stays_inert(hostile_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, comment, err = run(
        capsys, "diff", "HEAD~1", "HEAD", "--repo", str(hostile_change), "--format", "markdown"
    )
    assert (code, err) == (0, "")
    assert PAYLOAD.split("`")[1].strip()[:6] in comment  # the payload is shown, as text
    assert comment.count("\n## ") == 1
    assert_inert(comment)


def test_code_span_fence_outgrows_the_value() -> None:
    from generator.review.diff_render import Style

    style = Style(markdown=True)
    assert style.code("a`b") == "``a`b``"
    assert style.code("``x") == "``` ``x ```"
    assert style.code("a\nb") == "`a b`"
    assert markdown.markdown(style.code("x` ![p](u) `y")) == "<p><code>x` ![p](u) `y</code></p>"


def test_terminal_diff_shows_no_escape_sequences(
    hostile_change: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        hostile_change,
        "catalog/agencies.yaml",
        f"name: {json.dumps(PAYLOAD)}\n",
        f"name: {json.dumps(TERMINAL)}\n",
    )
    code, text, _ = run(capsys, "diff", "HEAD", "--repo", str(hostile_change), "--format", "text")
    assert code == 0
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "Sở \\u001b[2J\\u001b]0;pwned\\u0007 \\u202eTư pháp" in text


def test_failed_validation_comment_is_the_failure_summary(
    hostile_change: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The comment posted when validate failed: counts and file names (escaped), never a diff."""
    code, comment, _ = run(capsys, "validate", str(hostile_change), "--format", "markdown")
    assert code == 1
    assert comment.startswith(
        "<!-- catalog-diff -->\n## Thay đổi danh mục thủ tục hành chính\n\n⚠️ **Dữ liệu chưa hợp lệ**: "
    )
    assert "PHÊ DUYỆT" in comment  # the moved file's folder name, in a code span
    assert_inert(comment)


# ---- cause 9: workflow commands in the CI log -------------------------------------------------------------


def test_github_org_with_line_breaks(
    base_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    province = base_repo / "catalog" / "province.yaml"
    province.write_text(
        province.read_text(encoding="utf-8").replace(
            "org: tthc-vinh-long",
            'org: "tthc-vinh-long\\n::error title=Duyệt::ĐÃ ĐƯỢC PHÊ DUYỆT\\n::add-mask::x"',
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = run(capsys, "owners", "--check", "--repo", str(base_repo))
    assert code == 1
    assert not [line for line in (out + err).splitlines() if line.lstrip().startswith("::")], out + err
    assert err.startswith(
        "catalog owners: catalog/province.yaml:30:8: /github/org: github.org 'tthc-vinh-long\\n::error title="
    )
    assert "is not a GitHub organisation name" in err
    code, out, _ = run(capsys, "validate", str(base_repo), "--today", "2026-11-25")
    assert code == 1 and "/github/org: " in out and "[pattern]" in out


def test_lines_that_would_be_workflow_commands_are_shielded(
    base_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file name with a line break, printed by validate's text form in CI."""
    (
        base_repo / "catalog" / "procedures" / "ubnd-cap-xa" / "x\n::error::ĐÃ ĐƯỢC PHÊ DUYỆT\n.yaml"
    ).write_text("code: x\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(capsys, "validate", str(base_repo), "--today", "2026-11-25")
    assert code == 1
    assert not [line for line in out.splitlines() if line.lstrip().startswith(("::", "##["))], out
    code, out, _ = run(capsys, "validate", str(base_repo), "--today", "2026-11-25", "--format", "github")
    assert all(line.startswith("::error file=") for line in out.splitlines()[:-1]), (
        out
    )  # the tool's own commands


def test_the_shield_itself() -> None:
    from generator import ciout

    assert ciout.line("a\n::error::b\r\x1b") == "a\\n::error::b\\r\\x1b"
    assert ciout.line("  ::warning::x") == ">   ::warning::x"
    assert ciout.line("##[error]x") == "##\\[error]x"  # the runner finds ##[ anywhere: escaped
    assert ciout.line("a ##[error]x ##[group]") == "a ##\\[error]x ##\\[group]"
    assert ciout.shield("a\r::error::b") == "a\r> ::error::b"  # the runner splits at \r too


# ---- cause 10: mkdocs.yml ------------------------------------------------------------------------------

CONFIG_TAGS = {
    "object-apply": "!!python/object/apply:os.system ['touch {flag}']",
    "object-new": "!!python/object/new:os.system ['touch {flag}']",
    "other-name": "!!python/name:os.system",
    "env-tag": "!ENV [HOME]",
}


@pytest.fixture
def site_repo(tmp_path: Path) -> Path:
    from conftest import make_site_repo

    return make_site_repo(tmp_path)


@pytest.mark.parametrize("name", sorted(CONFIG_TAGS))
def test_mkdocs_yml_tags_run_nothing(
    name: str, site_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flag = tmp_path / "PWNED"
    config = site_repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "site_dir: site\n", f"site_dir: site\nextra_css_x: {CONFIG_TAGS[name]}\n".format(flag=flag)
        ),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "build", "--repo", str(site_repo), "--out", str(tmp_path / "site"))
    assert code == 1 and not flag.exists()
    line = text[: text.index("site_dir: site\n")].count("\n") + 2
    assert re.search(rf"mkdocs\.yml: line {line}, column 14: the (YAML )?tag \S+ is not allowed", err), err
    assert "internal error" not in err and not (tmp_path / "site").exists()


def test_the_slug_function_is_the_one_tag_allowed(
    site_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "!!python/name:generator.site.slug.slugify" in (site_repo / "mkdocs.yml").read_text(
        encoding="utf-8"
    )
    code, _, err = run(capsys, "build", "--repo", str(site_repo), "--out", str(tmp_path / "site"))
    assert code == 0, err


@pytest.mark.parametrize(
    ("key", "addition"),
    [
        ("hooks", "hooks:\n  - evil.py\n"),
        ("plugins", "  - evil_plugin\n"),
        ("markdown_extensions", "  - evil_extension\n"),
    ],
)
def test_diff_flags_code_running_config_changes(
    key: str, addition: str, site_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = site_repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if key == "hooks":
        text += addition
    else:
        anchor = {"plugins": "plugins:\n", "markdown_extensions": "markdown_extensions:\n"}[key]
        text = text.replace(anchor, anchor + addition)
    config.write_text(text, encoding="utf-8")
    git(site_repo, "commit", "-qam", "Cấu hình")
    code, comment, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--repo", str(site_repo), "--format", "markdown")
    assert code == 0
    assert (
        f"> ⚠️ Thay đổi này sửa `{key}:` trong `mkdocs.yml`: các mục này chạy mã Python khi dựng trang. "
        "Người duyệt cần kiểm tra kỹ trước khi chấp nhận."
    ) in comment
    code, data, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--repo", str(site_repo), "--format", "json")
    assert json.loads(data)["site_code"] == [key]


# ---- cause 11: catalog new --agency ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "agency", ["../../../outside", "../../.git/hooks", "so-tu-phap/../../../x", "/tmp/x"]
)
def test_new_refuses_an_agency_id_that_is_a_path(
    agency: str, base_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agencies = base_repo / "catalog" / "agencies.yaml"
    agencies.write_text(
        agencies.read_text(encoding="utf-8").replace(
            "agencies:\n",
            f"agencies:\n  - id: {json.dumps(agency)}\n    name: Cơ quan giả\n    level: tinh\n",
            1,
        ),
        encoding="utf-8",
    )
    before = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    code, _, err = run(capsys, "new", "--agency", agency, "--code", "1.000123", "--repo", str(base_repo))
    assert code == 2 and "is not an agency id" in err and err.count("\n") == 1, err
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == before
    assert not list(Path("/tmp").glob("x/1.000123.yaml"))


def test_new_refuses_an_agency_folder_that_links_outside(
    base_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(base_repo / "catalog" / "procedures" / "so-tu-phap")
    (base_repo / "catalog" / "procedures" / "so-tu-phap").symlink_to(outside)
    code, _, err = run(
        capsys, "new", "--agency", "so-tu-phap", "--code", "1.000123", "--repo", str(base_repo)
    )
    assert code == 2 and "leads outside the catalog" in err
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize(
    "target", ["//evil.example/a", "/\\evil.example/a", " //evil.example/a", "\\\\\\\\evil.example"]
)
def test_renderer_drops_host_relative_links(target: str) -> None:
    """The second line of defence: text the validator let through (permissive builds, an old rule)
    never renders a link to another host without a scheme."""
    from generator.site import markup

    html = str(markup.block(f"[Nộp hồ sơ]({target}) và [cổng](https://dichvucong.gov.vn)"))
    assert "evil.example" not in html.split("Nộp hồ sơ")[0]
    assert 'href="https://dichvucong.gov.vn"' in html
    assert not re.search(r'href="\s*[/\\]{2}', html), html


# ---- cause 7: user mistakes that were internal errors ------------------------------------------------


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("999.1.1.1:80", "not an IP address or a host name: '999.1.1.1'"),
        ("127.0.0.1:99999", "with a port from 1 to 65535"),
        ("127.0.0.1:0", "with a port from 1 to 65535"),
        ("127.0.0.1", "not HOST:PORT"),
        ("evil host:80", "not an IP address or a host name"),
    ],
)
def test_serve_address_is_a_usage_error(address: str, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["serve", "--address", address])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err.splitlines()[-1].startswith("catalog serve: error: argument --address: ") and words in err


IMPORT_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dvcqg"


@pytest.fixture
def import_target(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    for name in ("sectors.yaml", "agencies.yaml"):
        shutil.copy(IMPORT_FIXTURES / "catalog" / name, root / name)
    return root


def record() -> dict[str, object]:
    data = json.loads(
        (IMPORT_FIXTURES / "records" / "bo-tu-phap" / "1.000080.json").read_text(encoding="utf-8")
    )
    assert isinstance(data, dict)
    return data


def test_import_record_nested_a_hundred_thousand_levels(
    import_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "records" / "1.000080.json"
    deep.parent.mkdir()
    text = json.dumps(record())
    deep.write_text(text[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    code, out, err = run(
        capsys,
        "import",
        "dvcqg",
        str(deep.parent),
        "--into",
        str(import_target),
        "--verified-on",
        "2026-11-25",
    )
    assert code == 1 and "internal error" not in err, err
    assert "nests too deeply" in out
    assert sorted(p.name for p in import_target.rglob("*.yaml")) == ["agencies.yaml", "sectors.yaml"]


def test_import_decision_number_too_long_for_a_file_name(
    import_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = tmp_path / "records" / "1.000080.json"
    long.parent.mkdir()
    data = record()
    data["so_quyet_dinh"] = "163/QĐ-BTP" + "A" * 100_000
    long.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(
        capsys,
        "import",
        "dvcqg",
        str(long.parent),
        "--into",
        str(import_target),
        "--verified-on",
        "2026-11-25",
    )
    assert code == 1 and "internal error" not in err, err
    assert "cannot name a file" in out
    assert not (import_target / "decisions").exists() or list((import_target / "decisions").iterdir()) == []
    assert sorted(p.name for p in import_target.rglob("*.yaml")) == ["agencies.yaml", "sectors.yaml"]


def test_import_record_with_a_five_thousand_digit_integer(
    import_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "records" / "1.000080.json"
    huge.parent.mkdir()
    huge.write_text(json.dumps(record())[:-1] + ', "x": 1' + "0" * 5000 + "}", encoding="utf-8")
    code, out, err = run(
        capsys,
        "import",
        "dvcqg",
        str(huge.parent),
        "--into",
        str(import_target),
        "--verified-on",
        "2026-11-25",
    )
    assert (code, err) == (1, ""), err
    line = (
        f"  {huge.as_posix()}: not a record that can be read: Exceeds the limit (4300 digits) for integer "
        "string conversion: value has 5001 digits [unreadable-record]"
    )
    assert line in out.splitlines(), out
    assert sorted(p.name for p in import_target.rglob("*.yaml")) == ["agencies.yaml", "sectors.yaml"]


def test_reimport_with_a_decision_number_too_long_leaves_the_procedure_as_it_was(
    import_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record's writes are all or nothing: its procedure file is not rewritten to name a
    decision whose file cannot be written (the catalog would then fail validation)."""
    first = tmp_path / "records" / "1.000080.json"
    first.parent.mkdir()
    first.write_text(json.dumps(record(), ensure_ascii=False), encoding="utf-8")
    argv = ("import", "dvcqg", str(first.parent), "--into", str(import_target), "--verified-on", "2026-11-25")
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    before = {p: p.read_bytes() for p in import_target.rglob("*") if p.is_file()}
    assert any(p.parent.name == "decisions" for p in before)
    data = record()
    data["so_quyet_dinh"] = "163/QĐ-BTP" + "A" * 100_000
    first.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, *argv)
    assert (code, err) == (1, ""), err
    line = (
        f"  {first.as_posix()}: a decision number of 100,010 characters cannot name a file (at most 200 "
        "bytes): '163/QĐ-BTPAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'… [decision-number-too-long]"
    )
    assert line in out.splitlines(), out
    after = {p: p.read_bytes() for p in import_target.rglob("*") if p.is_file()}
    assert after == before


def test_validate_of_a_hostile_repository_never_says_internal_error(
    hostile_change: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(hostile_change, "catalog/procedures/so-tu-phap/1.000001.yaml", "code: .nan\nname: 0x1F\n")
    for argv in (
        ["validate", str(hostile_change)],
        ["validate", str(hostile_change), "--format", "github"],
        ["diff", "HEAD", "--repo", str(hostile_change)],
    ):
        code, _, err = run(capsys, *argv)
        assert code in (0, 1) and "internal error" not in err, (argv, err)


def test_validate_prints_no_terminal_escape_sequences(
    base_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file name that clears the screen and flips the text, printed by validate on a terminal."""
    (base_repo / "catalog" / "procedures" / "ubnd-cap-xa" / "\x1b[2J\u202e1.001194.yaml").write_text(
        "code: x\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "validate", str(base_repo), "--today", "2026-11-25")
    assert code == 1
    assert "\x1b" not in out and "\u202e" not in out
    assert "catalog/procedures/ubnd-cap-xa/\\x1b[2J\\u202e1.001194.yaml" in out

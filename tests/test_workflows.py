"""The GitHub workflows: valid YAML, only commands the project has, and the same steps run locally.

The local run clones a repository whose pull-request branch changes a fee, then runs the
pull-request workflow's shell steps in bash, as GitHub would (``GITHUB_OUTPUT``,
``GITHUB_STEP_SUMMARY``, the step's ``env``, a step without ``if:`` skipped after a failure):
validate, owners --check, diff, the preview build. Steps that use an action run on GitHub only; the
install step is what this test environment already did.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import load_yaml
from gitrepo import XA, commit, edit, git, init

from generator import cli
from generator.review.diff_render import MARKER
from generator.review.owners import codeowners

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"
WORKFLOWS = REPO / ".github" / "workflows"
SITE_SOURCES = ("mkdocs.yml", "site_content", "site_overrides")  # what `catalog build` reads besides catalog/
SHELL_TOOLS = {"echo", "cat", "test", "true"}
OPERATORS = {";", "&&", "||", "|", "&"}
# A redirection and its target: `> diff.md`, `>> "$GITHUB_OUTPUT"`, `2>&1` (a descriptor touches its `>`).
REDIRECT = re.compile(r"""(?<!\S)\d*(?:>>|>|<)(?:&\d+|\s*(?:"[^"]*"|'[^']*'|[^\s;&|]+))""")


def load(name: str) -> dict[Any, Any]:
    data = load_yaml((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict[Any, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job, step) for job, spec in workflow["jobs"].items() for step in spec["steps"]]


def commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script: words, without control keywords and redirections."""
    found: list[list[str]] = []
    for raw in script.splitlines():
        if not raw.strip() or raw.strip().startswith("#"):
            continue
        lexer = shlex.shlex(REDIRECT.sub(" ", raw), posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token in OPERATORS:
                while words and words[0] in ("if", "then", "else", "elif", "fi", "!", "do", "done"):
                    words.pop(0)
                if words:
                    found.append(words)
                words = []
            else:
                words.append(token)
    return found


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+):", text, re.MULTILINE))


# --- the files ---------------------------------------------------------------------------------------------


def test_pull_request_workflow() -> None:
    pr = load("pr.yml")
    assert "pull_request" in pr["on"]
    assert pr["permissions"] == {"contents": "read"}  # it runs the pull request's code (issue 15)
    checkout = pr["jobs"]["catalog"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    assert checkout["with"]["persist-credentials"] is False
    runs = [step.get("run", "") for _, step in steps(pr)]
    assert "catalog validate --format github" in runs
    assert "catalog owners --check" in runs
    assert any('catalog diff "origin/$BASE_REF" HEAD --format markdown > comment.md' in run for run in runs)
    assert any("catalog validate --format markdown > comment.md" in run for run in runs)
    saved = next(step for _, step in steps(pr) if step.get("with", {}).get("name") == "binh-luan")
    assert saved["with"]["path"] == "comment.md"
    poster = load("pr-comment.yml")
    assert poster["on"]["workflow_run"] == {"workflows": [pr["name"]], "types": ["completed"]}
    comment = next(step for _, step in steps(poster) if "github-script" in step.get("uses", ""))
    assert MARKER in comment["with"]["script"]  # the comment is updated in place, not posted again
    assert "catalog build --preview --out site" in runs
    upload = next(step for _, step in steps(pr) if step.get("with", {}).get("name") == "trang-xem-truoc")
    assert upload["with"]["path"] == "site" and "if" not in upload  # only after a successful build
    assert "make test" in [step.get("run") for _, step in steps(pr)]


def test_publish_workflow() -> None:
    publish = load("publish.yml")
    assert publish["on"]["push"] == {"branches": ["main"]}
    assert publish["permissions"] == {"contents": "read"}
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [step.get("uses", "").split("@")[0] for _, step in steps(publish)]
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/configure-pages"} <= set(uses)
    deploy = publish["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert "catalog validate --format github" in [step.get("run") for _, step in steps(publish)]


@pytest.mark.parametrize("name", ["pr.yml", "pr-comment.yml", "publish.yml"])
def test_steps_are_well_formed(name: str) -> None:
    for job, step in steps(load(name)):
        assert ("run" in step) != ("uses" in step), f"{name} {job}: a step runs a script or uses an action"
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), (
                f"{name}: pin {step['uses']} to a major version"
            )
        if "run" in step:
            assert "${{" not in step["run"], f"{name}: pass expressions through env:, not into the script"


@pytest.mark.parametrize("name", ["pr.yml", "pr-comment.yml", "publish.yml"])
def test_every_command_exists(name: str) -> None:
    parser = cli.build_parser()
    targets = make_targets()
    for _, step in steps(load(name)):
        for words in commands(step.get("run", "")):
            tool, args = words[0], words[1:]
            if tool == "catalog":
                try:
                    parser.parse_args(args)
                except SystemExit as exc:  # argparse refuses an unknown command or option
                    raise AssertionError(
                        f"{name}: `{' '.join(words)}` is not a valid catalog command"
                    ) from exc
            elif tool == "make":
                assert args and args[0] in targets, f"{name}: make target {args} is not in the Makefile"
            elif tool == "python":
                assert args[:2] == ["-m", "pip"], f"{name}: unexpected python command {words}"
            else:
                assert tool in SHELL_TOOLS, f"{name}: `{tool}` is not a command the project has"


def test_command_parser_sees_through_shell_syntax() -> None:
    script = (
        "if catalog build --help > /dev/null 2>&1; then\n  catalog build --preview --out site\n"
        '  echo "built=true" >> "$GITHUB_OUTPUT"\nelse\n  echo "::notice::a; b" | cat\nfi\n'
        'catalog diff main --limit 900000 >> "$GITHUB_STEP_SUMMARY"\n'
    )
    assert commands(script) == [
        ["catalog", "build", "--help"],
        ["catalog", "build", "--preview", "--out", "site"],
        ["echo", "built=true"],
        ["echo", "::notice::a; b"],
        ["cat"],
        ["catalog", "diff", "main", "--limit", "900000"],
    ]


def test_editor_and_pre_commit_configuration() -> None:
    import json

    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert mapping["./schemas/procedure.schema.json"] == ["catalog/procedures/*/*.yaml"]
    for schema in mapping:
        assert (REPO / schema).is_file(), schema
    hooks = load_yaml((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    parser = cli.build_parser()
    for hook in hooks:
        words = hook["entry"].split()
        assert words[0] == "catalog"
        parser.parse_args([*words[1:], *(["catalog/sectors.yaml"] if hook["pass_filenames"] else [])])
    assert re.match(hooks[0]["files"], "catalog/procedures/so-tu-phap/1.013818.yaml")
    template = load_yaml(
        (REPO / ".github" / "ISSUE_TEMPLATE" / "bao-thu-tuc-loi-thoi.yml").read_text("utf-8")
    )
    assert template["name"] and all("type" in item for item in template["body"])
    assert {item["id"] for item in template["body"] if "id" in item} >= {
        "thu-tuc",
        "noi-dung",
        "dung-la",
        "nguon",
    }


# --- the same steps, locally ----------------------------------------------------------------------------


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A clone whose branch `de-xuat` raises a charge from 0 to 50.000 đ, as a pull request's checkout."""
    origin = tmp_path / "origin"
    init(origin)
    for name in SITE_SOURCES:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, origin / name)
    owners = codeowners(origin / "catalog").text
    assert owners is not None
    (origin / ".github").mkdir()
    (origin / ".github" / "CODEOWNERS").write_text(owners, encoding="utf-8")
    commit(origin, "CODEOWNERS")
    git(origin, "checkout", "-q", "-b", "de-xuat")
    edit(
        origin,
        XA,
        "        amount: 0\n        description: Miễn lệ phí đăng ký khai sinh đúng hạn",
        "        amount: 50000\n        description: 50.000 đồng/hồ sơ",
    )
    commit(origin, "Tăng lệ phí đăng ký khai sinh")
    git(tmp_path, "clone", "-q", "--branch", "de-xuat", str(origin), "clone")
    return tmp_path / "clone"


def run_locally(workflow: str, job: str, clone: Path, tmp: Path) -> list[tuple[str, int, str, str]]:
    """Run the job's shell steps in order; return (name, exit code, stdout, stderr) of each one run."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not available")
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "catalog"
    shim.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path[:0] = [{str(REPO)!r}]\n"
        "from generator.cli import main\nsys.exit(main(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    shim.chmod(0o755)
    output, summary = tmp / "github_output", tmp / "step_summary"
    results = []
    failed = False
    outcomes: dict[str, str] = {}  # step id → success / failure, for ${{ steps.ID.outcome }}
    for step in load(workflow)["jobs"][job]["steps"]:
        script = step.get("run")
        name = step.get("name", script or step.get("uses", ""))
        condition = str(step.get("if", "success()"))
        if script is None:
            continue  # an action: runs on GitHub only
        if "pip install" in script:
            continue  # this environment has the package installed already
        if failed and "cancelled()" not in condition and "always()" not in condition:
            continue  # GitHub skips a step after a failure unless its condition says otherwise
        env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_ACTIONS": "true",
        }
        for key, value in (step.get("env") or {}).items():
            value = str(value).replace("${{ github.base_ref }}", "main")
            env[key] = re.sub(
                r"\$\{\{ steps\.([\w-]+)\.outcome \}\}", lambda m: outcomes.get(m.group(1), "skipped"), value
            )
        done = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", script],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        results.append((name, done.returncode, done.stdout, done.stderr))
        if "id" in step:
            outcomes[step["id"]] = "success" if done.returncode == 0 else "failure"
        failed = failed or done.returncode != 0
    return results


def test_pull_request_steps_run_locally(pull_request: Path, tmp_path: Path) -> None:
    results = run_locally("pr.yml", "catalog", pull_request, tmp_path)
    assert [(name, code) for name, code, _, _ in results] == [
        ("Kiểm tra dữ liệu (catalog validate)", 0),
        ("Kiểm tra CODEOWNERS (catalog owners --check)", 0),
        ("Tóm tắt thay đổi (catalog diff)", 0),
        ("Dựng trang xem trước (catalog build --preview)", 0),
    ], results
    assert results[0][2] == ""  # no problem, no annotation
    assert results[1][2] == "ok: .github/CODEOWNERS is up to date\n"
    comment = (pull_request / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith(MARKER + "\n## Thay đổi danh mục thủ tục hành chính\n")
    assert "- Sửa đổi: 1 thủ tục\n" in comment
    assert "  - Nộp trực tiếp › Lệ phí › Mức thu: 0 đ → 50.000 đ\n" in comment
    assert (tmp_path / "step_summary").read_text(encoding="utf-8") == comment
    assert results[3][2].endswith("(preview)\n") and (pull_request / "site" / "index.html").is_file()


def test_problems_become_annotations_and_fail_the_check(pull_request: Path, tmp_path: Path) -> None:
    edit(pull_request, XA, "amount: 50000", "amount: -5")
    commit(pull_request, "Lỗi đánh máy")
    results = run_locally("pr.yml", "catalog", pull_request, tmp_path)
    name, code, out, _ = results[0]
    assert (name, code) == ("Kiểm tra dữ liệu (catalog validate)", 1)
    assert out.splitlines() == [
        f"::error file={XA},line=35,col=17,title=catalog validate [minimum]::/channels/1/fees/0/amount: "
        "-5 is less than the minimum of 0",
        "1 problem in 1 file",
    ]
    # The comment is the failure summary, not a diff of invalid data; the invalid catalog is not built.
    assert [(name, code) for name, code, _, _ in results[1:]] == [
        ("Kiểm tra CODEOWNERS (catalog owners --check)", 0),
        ("Tóm tắt thay đổi (catalog diff)", 0),
    ]
    comment = (pull_request / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith(
        MARKER + "\n## Thay đổi danh mục thủ tục hành chính\n\n⚠️ **Dữ liệu chưa hợp lệ**: 1 lỗi trong 1 tệp"
    )
    assert comment.endswith(f"\n- `{XA}`: 1 lỗi\n")


def test_stale_codeowners_fails_the_check(pull_request: Path, tmp_path: Path) -> None:
    edit(pull_request, "catalog/agencies.yaml", '"@tthc-vinh-long/ubnd-cap-xa"', '"@tthc-vinh-long/ubnd-xa"')
    commit(pull_request, "Đổi nhóm")
    results = {
        name: (code, err) for name, code, _, err in run_locally("pr.yml", "catalog", pull_request, tmp_path)
    }
    assert results["Kiểm tra CODEOWNERS (catalog owners --check)"] == (
        1,
        ".github/CODEOWNERS is out of date: run `catalog owners` and commit the result\n",
    )
    assert "Dựng trang xem trước (catalog build --preview)" not in results

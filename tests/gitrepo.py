"""Temporary git repositories for the review-workflow tests: a catalog and a history of commits."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

BASE_CATALOG = Path(__file__).resolve().parent / "cases" / "base" / "catalog"
ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_AUTHOR_DATE": "2026-11-25T10:00:00+07:00",
    "GIT_COMMITTER_DATE": "2026-11-25T10:00:00+07:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **ENV, "HOME": str(repo)}  # no user configuration leaks in
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def init(repo: Path, catalog: Path = BASE_CATALOG) -> str:
    """A repository at ``repo`` holding a copy of ``catalog`` as its first commit on main."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    shutil.copytree(catalog, repo / "catalog")
    return commit(repo, "Danh mục ban đầu")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def edit(repo: Path, relative: str, old: str, new: str) -> None:
    """Replace ``old`` (which must occur exactly once) by ``new`` in a file of the repository."""
    path = repo / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{relative}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def write(repo: Path, relative: str, text: str) -> None:
    path = repo / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


NEW_PROCEDURE = """\
# yaml-language-server: $schema=../../../schemas/procedure.schema.json
code: "1.000100"
name: Cấp bản sao văn bản công chứng
status: active
levels:
  - tinh
sector: cong-chung
applicant_types:
  - citizen
agencies:
  implementing:
    - so-tu-phap
channels:
  - channel: in_person
    processing_time:
      value: 2
      unit: working_days
    fees:
      - kind: fee
        amount: 5000
        description: 5.000 đồng/trang
online_level: none
decision: 160/QĐ-BTP
last_verified: 2026-11-01
"""
XA = "catalog/procedures/ubnd-cap-xa/1.001193.yaml"
TP = "catalog/procedures/so-tu-phap/1.013818.yaml"
NEW = "catalog/procedures/so-tu-phap/1.000100.yaml"
MOVED = "catalog/procedures/ubnd-tinh/1.000100.yaml"
LIST = "catalog/location-independent/2025-danh-muc.yaml"


def review_history(repo: Path) -> dict[str, str]:
    """The history the review tests read, every commit a valid catalog:

    base → fee (a charge 0 → 50.000 đ, a processing time 1 → 3 working days, a document added)
    → new (procedure 1.000100 added, listed in its decision) → abolish (1.013818 abolished)
    → propose (1.000100 proposed for the location-independent list) → move (1.000100 moved from
    so-tu-phap to ubnd-tinh) → approve (the proposal approved by a new decision).
    """
    commits = {"base": init(repo)}
    edit(
        repo,
        XA,
        "  - channel: online\n    processing_time:\n      value: 1",
        "  - channel: online\n    processing_time:\n      value: 3",
    )
    edit(
        repo,
        XA,
        "        amount: 0\n        description: Miễn lệ phí đăng ký khai sinh đúng hạn",
        "        amount: 50000\n        description: 50.000 đồng/hồ sơ",
    )
    edit(
        repo,
        XA,
        "      - name: Giấy chứng sinh\n",
        "      - name: Bản sao giấy tờ tùy thân của người đi đăng ký\n        originals: 0\n        copies: 1\n"
        "      - name: Giấy chứng sinh\n",
    )
    commits["fee"] = commit(repo, "Sửa lệ phí, thời hạn và hồ sơ đăng ký khai sinh")
    write(repo, NEW, NEW_PROCEDURE)
    edit(
        repo,
        "catalog/decisions/160-QD-BTP.yaml",
        '    - "1.013818"\n',
        '    - "1.000100"\n    - "1.013818"\n',
    )
    commits["new"] = commit(repo, "Thêm thủ tục 1.000100")
    edit(repo, TP, "status: active\n", "status: abolished\neffective_to: 2026-12-01\n")
    commits["abolish"] = commit(repo, "Bãi bỏ thủ tục 1.013818")
    edit(
        repo,
        LIST,
        "entries:\n",
        'entries:\n  - code: "1.000100"\n    levels:\n      - tinh\n    status: proposed\n',
    )
    commits["propose"] = commit(repo, "Đề xuất 1.000100 vào danh mục không phụ thuộc địa giới hành chính")
    (repo / MOVED).parent.mkdir(parents=True)
    (repo / NEW).rename(repo / MOVED)
    edit(repo, MOVED, "    - so-tu-phap\n", "    - ubnd-tinh\n")
    commits["move"] = commit(repo, "Chuyển thủ tục 1.000100 sang UBND tỉnh")
    edit(repo, LIST, "    status: proposed\n", "")
    edit(repo, LIST, "number: 1/QĐ-UBND", "number: 25/QĐ-UBND")
    edit(repo, LIST, "date: 2025-08-01", "date: 2026-11-20")
    commits["approve"] = commit(repo, "Phê duyệt danh mục bổ sung")
    return commits

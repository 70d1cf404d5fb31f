"""Test helper: a throwaway git repository holding a copy of the fixture catalog, with commits whose
ids are the same on every machine (fixed author, committer, dates; no user or system git config)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

BASE = Path(__file__).resolve().parent / "cases" / "base" / "catalog"
ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Catalog Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Catalog Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "TZ": "UTC",
}


class Repo:
    def __init__(self, top: Path) -> None:
        self.top = top
        self.catalog = top / "catalog"
        self.clock = 0

    def git(self, *args: str) -> str:
        env = {**os.environ, **ENV}
        stamp = f"2026-01-{1 + self.clock // 24:02d}T{self.clock % 24:02d}:00:00+07:00"
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
        done = subprocess.run(
            ["git", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", *args],
            cwd=self.top,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def commit(self, message: str) -> str:
        self.clock += 1
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def read(self, rel: str) -> dict[str, Any]:
        data = yaml.load((self.catalog / rel).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        assert isinstance(data, dict)
        return data

    def write(self, rel: str, data: dict[str, Any]) -> None:
        path = self.catalog / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        # The catalog's style: codes are quoted (safe_dump quotes strings that look like numbers).
        path.write_text(text, encoding="utf-8")

    def edit(self, rel: str, **changes: Any) -> None:
        data = self.read(rel)
        data.update(changes)
        self.write(rel, data)


def make_repo(top: Path) -> Repo:
    """A repository whose first commit is the fixture catalog."""
    top.mkdir(parents=True, exist_ok=True)
    shutil.copytree(BASE, top / "catalog")
    repo = Repo(top)
    repo.git("init", "-q", "-b", "main")
    repo.commit("Danh mục ban đầu")
    return repo

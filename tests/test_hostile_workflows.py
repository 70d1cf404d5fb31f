"""Hostile round 2, cause 10: CI ran pull-request code with a write token.

For same-repository pull requests, ``pip install -e .``, ``make test`` and ``catalog build`` ran
the PR's code while ``actions/checkout`` had left the ``pull-requests: write`` token in
``.git/config``. The rule, checked here on every workflow file: a job that runs repository code
(a ``run:`` step, a local action, or any step after a checkout) holds only read permissions,
explicitly, and checks out with ``persist-credentials: false``; a job that may write checks out
nothing and runs no script. A workflow triggered with the base repository's rights
(``workflow_run``, ``pull_request_target``) never checks out the pull request's code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[1] / ".github" / "workflows"
READ_ONLY = {"read", "none"}
PRIVILEGED_TRIGGERS = {"workflow_run", "pull_request_target"}
# The pull-request workflow as it was before issue 15: the checker must refuse it.
BEFORE = """
on: pull_request
permissions:
  contents: read
  pull-requests: write
jobs:
  catalog:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - run: python -m pip install -e .
      - uses: actions/github-script@v7
        with:
          script: github.rest.issues.createComment({})
"""


def parse(text: str) -> dict[Any, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def triggers(workflow: dict[Any, Any]) -> set[str]:
    on = workflow["on"]
    return {on} if isinstance(on, str) else set(on)


def permissions(workflow: dict[Any, Any], job: dict[Any, Any]) -> dict[str, str] | str | None:
    """The job's permissions: its own, else the workflow's; None when neither says (GitHub's default,
    which may be write to everything)."""
    found = job.get("permissions", workflow.get("permissions"))
    return found if isinstance(found, (dict, str)) or found is None else None


def is_checkout(step: dict[Any, Any]) -> bool:
    return str(step.get("uses", "")).startswith("actions/checkout@")


def runs_code(job: dict[Any, Any]) -> bool:
    steps = job.get("steps", [])
    return any("run" in s or str(s.get("uses", "")).startswith("./") for s in steps) or any(
        map(is_checkout, steps)
    )


def violations(name: str, workflow: dict[Any, Any]) -> list[str]:
    found: list[str] = []
    for job_name, job in workflow["jobs"].items():
        where = f"{name} job {job_name}"
        granted = permissions(workflow, job)
        writes = (
            granted is None
            or granted == "write-all"
            or (isinstance(granted, dict) and set(granted.values()) - READ_ONLY)
        )
        if runs_code(job):
            if granted is None:
                found.append(f"{where} runs repository code without explicit read-only permissions")
            elif writes:
                found.append(f"{where} runs repository code with a write permission: {granted}")
            for step in job.get("steps", []):
                if is_checkout(step) and (step.get("with") or {}).get("persist-credentials") is not False:
                    found.append(f"{where} checks out without persist-credentials: false")
            if "secrets." in yaml.safe_dump(job):
                found.append(f"{where} runs repository code with a secret")
        if triggers(workflow) & PRIVILEGED_TRIGGERS and any(map(is_checkout, job.get("steps", []))):
            found.append(f"{where} checks out code in a workflow that runs with the base repository's rights")
    return found


WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))


def test_there_are_workflows_to_check() -> None:
    assert {p.name for p in WORKFLOW_FILES} >= {"pr.yml", "pr-comment.yml", "publish.yml"}


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.name for p in WORKFLOW_FILES])
def test_no_job_running_repository_code_can_write(path: Path) -> None:
    assert violations(path.name, parse(path.read_text(encoding="utf-8"))) == []


def test_the_check_refuses_the_workflow_as_it_was() -> None:
    assert violations("pr.yml (before)", parse(BEFORE)) == [
        "pr.yml (before) job catalog runs repository code with a write permission: "
        "{'contents': 'read', 'pull-requests': 'write'}",
        "pr.yml (before) job catalog checks out without persist-credentials: false",
    ]


def test_the_comment_is_posted_by_a_job_that_runs_no_code() -> None:
    poster = parse((WORKFLOWS / "pr-comment.yml").read_text(encoding="utf-8"))
    assert triggers(poster) == {"workflow_run"}
    (job,) = poster["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert not runs_code(job)
    uses = [step["uses"].split("@")[0] for step in job["steps"]]
    assert uses == ["actions/download-artifact", "actions/github-script"]
    script = job["steps"][1]["with"]["script"]
    assert "readFileSync('comment.md'" in script and "exec" not in script and "eval(" not in script
    assert "workflow_run" in script and "head_sha" in script  # the PR is found from the run, not the artifact
    pr = parse((WORKFLOWS / "pr.yml").read_text(encoding="utf-8"))
    assert not any(
        "github-script" in str(step.get("uses")) for job in pr["jobs"].values() for step in job["steps"]
    )


def test_publish_writes_pages_only_from_a_job_without_code() -> None:
    publish = parse((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"))
    writers = {
        name
        for name, job in publish["jobs"].items()
        if isinstance(permissions(publish, job), dict) and set(permissions(publish, job).values()) - READ_ONLY
    }  # type: ignore[union-attr]
    assert writers == {"deploy"}
    assert not runs_code(publish["jobs"]["deploy"])

"""Diagnostics as GitHub annotations (``catalog validate --format github``)."""

from __future__ import annotations

from generator.annotations import annotation, render_github
from generator.diagnostics import Diagnostic


def test_one_annotation_per_problem_then_a_count() -> None:
    problems = [
        Diagnostic("catalog/sectors.yaml", 3, 5, "/sectors/0/id", "pattern", "'Hộ tịch' does not match"),
        Diagnostic("catalog/agencies.yaml", 0, 0, "", "missing-file", "required file is missing"),
    ]
    assert render_github(problems).splitlines() == [
        "::error file=catalog/agencies.yaml,title=catalog validate [missing-file]::/: required file is missing",
        "::error file=catalog/sectors.yaml,line=3,col=5,title=catalog validate [pattern]::/sectors/0/id: "
        "'Hộ tịch' does not match",
        "2 problems in 2 files",
    ]


def test_workflow_command_characters_are_escaped() -> None:
    problem = Diagnostic("catalog/a,b:c.yaml", 1, 2, "/x", "yaml-syntax", "100% wrong\nsecond line\r")
    assert annotation(problem) == (
        "::error file=catalog/a%2Cb%3Ac.yaml,line=1,col=2,"
        "title=catalog validate [yaml-syntax]::/x: 100%25 wrong%0Asecond line%0D"
    )


def test_nothing_when_there_is_no_problem() -> None:
    assert render_github([]) == ""

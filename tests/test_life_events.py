"""catalog/life-events.yaml: validated like every catalog file; its procedures must exist and be active."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.diagnostics import render_text
from generator.reference import LIFE_EVENTS_EXAMPLE
from generator.validation.validate import validate_catalog

TODAY = date(2026, 11, 25)


def test_the_documented_example_is_valid(base_repo: Path) -> None:
    (base_repo / "catalog/life-events.yaml").write_text(LIFE_EVENTS_EXAMPLE, encoding="utf-8")
    result = validate_catalog(base_repo / "catalog", today=TODAY)
    assert result.diagnostics == []
    assert [e.id for e in result.model.life_events] == ["hanh-nghe-cong-chung"]


def test_a_life_event_cannot_list_a_procedure_that_is_not_active(base_repo: Path) -> None:
    (base_repo / "catalog/life-events.yaml").write_text(LIFE_EVENTS_EXAMPLE, encoding="utf-8")
    source = base_repo / "catalog/procedures/so-tu-phap/1.013818.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("status: active", "status: suspended"), encoding="utf-8"
    )
    result = validate_catalog(base_repo / "catalog", today=TODAY)
    assert render_text(result.diagnostics) == (
        "catalog/life-events.yaml:7:15: /events/0/procedures/0/code: procedure 1.013818 is suspended; "
        "a life event lists only active procedures [procedure-not-active]\n1 problem in 1 file"
    )


def test_the_life_events_file_is_optional(base_repo: Path) -> None:
    assert not (base_repo / "catalog/life-events.yaml").exists()
    result = validate_catalog(base_repo / "catalog", today=TODAY)
    assert result.diagnostics == [] and result.model.life_events == ()

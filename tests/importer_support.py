"""Hand-written reference entries for importer tests, made into the model's entities."""

from __future__ import annotations

from typing import Any

from generator.importer.mapping import Mapping, build_mapping
from generator.model import Agency, Sector
from generator.model.records import from_mapping

# What the schema requires of an agency and these tests do not care about.
AGENCY_DEFAULTS = {"level": "tinh", "kind": "department", "team": "@tthc-test/co-quan"}


def mapping_of(sectors: list[dict[str, Any]], agencies: list[dict[str, Any]]) -> Mapping:
    """:func:`build_mapping` over the entities these entries make (an agency without level, kind
    or team is a provincial department of a test team)."""
    return build_mapping(
        [from_mapping(Sector, s) for s in sectors],
        [from_mapping(Agency, {**AGENCY_DEFAULTS, **a}) for a in agencies],
    )

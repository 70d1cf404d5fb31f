"""Warnings, not errors: reference entries an import created that no person has reviewed yet.

``catalog import dvcqg`` appends the sectors and external agencies it had to create to
``sectors.yaml`` / ``agencies.yaml`` with ``created_by_import: true``. They are valid data (the site
shows them normally), but a person should check the name, ministry and responsible agencies and then
delete the mark; until then ``catalog validate`` lists them as warnings and still exits 0.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from .index import Catalog

CODE = "created-by-import"


def awaiting_review(catalog: Catalog) -> list[Diagnostic]:
    """One warning per sector or agency marked ``created_by_import``, at the mark."""
    warnings = []
    for kind, refs in (("sector", catalog.sectors), ("agency", catalog.agencies)):
        for entity_id, ref in sorted(refs.items()):
            if ref.data.get("created_by_import") is True:
                warnings.append(
                    ref.diagnostic(
                        ("created_by_import",),
                        CODE,
                        f"{kind} '{entity_id}' was created by an import and awaits review: check it, then delete "
                        f"created_by_import",
                    )
                )
    return warnings

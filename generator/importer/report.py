"""The import report: what was written, skipped and not fully understood, as text or JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, sort_key

# Per field of the report's quality table, the forms counted (first the structured ones).
QUALITY_FORMS = {
    "processing_times": ("with unit", "unknown unit", "text"),
    "fees": ("amount", "text"),
    "documents": ("with count", "no count"),
    "legal_basis": ("with date", "with number", "title only"),
    "steps": ("in cases", "one list"),
    "online_level": ("full", "partial", "none", "unknown"),
    "implementing_agency": ("named", "inferred"),
}


@dataclass
class ImportReport:
    """What an import did.

    ``skipped`` lists records that could not be imported (an error: the CLI exits 1);
    ``out_of_scope`` lists records at none of the selected ``levels`` (expected, not an error).
    ``warnings`` are parts kept as text, unmapped agencies kept as names, files moved… Paths are
    relative to the catalog folder's parent (``catalog/procedures/so-tu-phap/1.000080.yaml``);
    record paths are as given on the command line.
    """

    records: int = 0
    levels: tuple[str, ...] = ()
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Diagnostic] = field(default_factory=list)
    out_of_scope: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    unmapped_agencies: Counter[str] = field(default_factory=Counter)
    unmapped_sectors: Counter[str] = field(default_factory=Counter)
    decisions: dict[str, list[str]] = field(
        default_factory=lambda: {"new": [], "updated": [], "unchanged": []}
    )
    dry_run: bool = False
    created_sectors: list[str] = field(default_factory=list)
    created_agencies: list[str] = field(default_factory=list)
    sectors_used: set[str] = field(default_factory=set)
    agencies_used: set[str] = field(default_factory=set)
    # field → {form → count} over every procedure imported (new, updated or unchanged): how much of
    # what the records say was structured and how much kept as text; see QUALITY_FORMS.
    quality: dict[str, Counter[str]] = field(
        default_factory=lambda: {name: Counter() for name in QUALITY_FORMS}
    )

    def count_quality(self, procedure: dict[str, Any]) -> None:
        """Add one imported procedure's fields to :attr:`quality`."""
        q = self.quality
        for channel in procedure.get("channels", ()):
            time = channel.get("processing_time")
            if time is not None:
                q["processing_times"][
                    "unknown unit"
                    if time.get("unit") == "unknown"
                    else "with unit"
                    if "unit" in time
                    else "text"
                ] += 1
            for fee in channel.get("fees", ()):
                q["fees"]["amount" if "amount" in fee else "text"] += 1
        for group in procedure.get("dossier", ()):
            for document in group.get("documents", ()):
                q["documents"][
                    "with count" if "originals" in document or "copies" in document else "no count"
                ] += 1
        for item in procedure.get("legal_basis", ()):
            q["legal_basis"][
                "with date" if "issued_on" in item else "with number" if "number" in item else "title only"
            ] += 1
        steps = procedure.get("steps", ())
        if steps:
            q["steps"]["in cases" if any("case" in s for s in steps) else "one list"] += 1
        q["online_level"][str(procedure.get("online_level"))] += 1
        q["implementing_agency"][
            "inferred"
            if any(n["kind"].startswith("implementing-from") for n in procedure.get("import_notes", ()))
            else "named"
        ] += 1

    @property
    def ok(self) -> bool:
        """True when every record in scope was imported."""
        return not self.skipped

    def summary(self) -> dict[str, int]:
        return {
            "records": self.records,
            "imported": len(self.imported),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
            "out_of_scope": len(self.out_of_scope),
            "warnings": len(self.warnings),
            "decisions_new": len(self.decisions["new"]),
            "decisions_updated": len(self.decisions["updated"]),
            "decisions_unchanged": len(self.decisions["unchanged"]),
            "sectors_created": len(self.created_sectors),
            "agencies_created": len(self.created_agencies),
        }

    def quality_table(self) -> dict[str, dict[str, int]]:
        return {
            name: {form: self.quality[name][form] for form in forms} for name, forms in QUALITY_FORMS.items()
        }


def _by_code(diagnostics: list[Diagnostic]) -> list[tuple[str, int]]:
    return Counter(d.code for d in diagnostics).most_common()


def render_text(report: ImportReport, *, top: int = 20, verbose: bool = False) -> str:
    """A short human summary; with ``verbose`` every warning is listed."""
    s = report.summary()
    would = "would be " if report.dry_run else ""
    lines = [
        f"{s['records']} records: {s['imported']} {would}imported, {s['updated']} {would}updated, "
        f"{s['unchanged']} unchanged, {s['skipped']} skipped, {s['out_of_scope']} out of scope "
        f"(not at levels {', '.join(report.levels) or '-'})",
        f"decisions: {s['decisions_new']} {would}new, {s['decisions_updated']} {would}updated, "
        f"{s['decisions_unchanged']} unchanged",
    ]
    if report.created_sectors or report.created_agencies:
        lines.append(
            f"created, awaiting review: {len(report.created_sectors)} sectors in sectors.yaml, "
            f"{len(report.created_agencies)} external agencies in agencies.yaml"
        )
    lines.append("quality (structured vs kept as text):")
    for name, counts in report.quality_table().items():
        total = sum(counts.values())
        shown = ", ".join(
            f"{form} {n}" + (f" ({100 * n / total:.1f}%)" if total else "") for form, n in counts.items()
        )
        lines.append(f"  {name.replace('_', ' ')}: {shown}")
    if report.skipped:
        lines.append(
            f"skipped ({len(report.skipped)}), by reason: "
            + ", ".join(f"{code} {n}" for code, n in _by_code(report.skipped))
        )
        lines.extend(f"  {d.file}: {d.message} [{d.code}]" for d in sorted(report.skipped, key=sort_key))
    if report.warnings:
        lines.append(
            f"warnings ({len(report.warnings)}), by kind: "
            + ", ".join(f"{code} {n}" for code, n in _by_code(report.warnings))
        )
        if verbose:
            lines.extend(f"  {d.text()}" for d in sorted(report.warnings, key=sort_key))
    if report.unmapped_agencies:
        lines.append(
            f"unmapped agency names (kept in agencies.external; add portal_names to agencies.yaml), "
            f"top {min(top, len(report.unmapped_agencies))} of {len(report.unmapped_agencies)}:"
        )
        lines.extend(f"  {n:5d}  {name}" for name, n in report.unmapped_agencies.most_common(top))
    if report.unmapped_sectors:
        lines.append("unmapped sector names (add portal_names to sectors.yaml):")
        lines.extend(f"  {n:5d}  {name}" for name, n in report.unmapped_sectors.most_common(top))
    return "\n".join(lines)


def as_json(report: ImportReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "dry_run": report.dry_run,
        "levels": list(report.levels),
        "summary": report.summary(),
        "imported": report.imported,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": [d.as_json() for d in sorted(report.skipped, key=sort_key)],
        "out_of_scope": [d.as_json() for d in sorted(report.out_of_scope, key=sort_key)],
        "warnings": [d.as_json() for d in sorted(report.warnings, key=sort_key)],
        "warning_counts": dict(_by_code(report.warnings)),
        "unmapped_agencies": dict(report.unmapped_agencies.most_common()),
        "unmapped_sectors": dict(report.unmapped_sectors.most_common()),
        "decisions": report.decisions,
        "created_sectors": report.created_sectors,
        "created_agencies": report.created_agencies,
        "quality": report.quality_table(),
    }


def render_json(report: ImportReport) -> str:
    return json.dumps(as_json(report), ensure_ascii=False, indent=2)

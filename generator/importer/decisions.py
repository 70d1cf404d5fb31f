"""Decision files: one ``catalog/decisions/<slug>.yaml`` per publishing decision, listing the
procedures an import brought under ``procedures.new``.

An existing decision file is kept as written (title, date, signer, url, amended/abolished lists…),
also one that fails today's schema: the import itself writes a decision without an issuer where
none can be told (``decision-issuer-unknown``), for ``catalog validate`` to ask a person for it.
A decision's issuer is read from its number's code (``163/QĐ-BTP`` → Bộ Tư pháp); numbers without
one (``1681``, ``01/QĐCB``) take the ministry whose folder the records came from
(:data:`MINISTRY_FOLDERS`: the layout of the shared portal records), with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from collections.abc import Mapping as MappingABC
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from .agency_names import reorganisation
from .dvcqg_legal import issuer_of
from .files import write_text
from .report import ImportReport
from .text import slugify
from .yamlout import dump_yaml, load_yaml

DECISION_SCHEMA = "../../schemas/decision.schema.json"
DECISION_KEYS = (
    "number",
    "title",
    "date",
    "effective_from",
    "issuer",
    "signer",
    "scope",
    "url",
    "procedures",
    "sample",
)
DECISION_LISTS = ("new", "amended", "abolished")
# Folder of the records (records/<ministry>/<code>.json) → the ministry that published them.
MINISTRY_FOLDERS = reorganisation().ministry_folders
MAX_SLUG_BYTES = 200  # decision file names; file systems allow 255 bytes


def normalise_decision(number: str) -> str:
    """A decision number as the catalog writes it: ``QD`` (a missing stroke) becomes ``QĐ``."""
    return re.sub(r"(?<![A-ZĐ])QD(?![A-ZĐ])", "QĐ", number)


def folder_ministries(folders: Iterable[str]) -> list[str]:
    """The ministries the record folders name (:data:`MINISTRY_FOLDERS`), sorted, without repeats;
    folders not in the table are ignored."""
    return sorted({MINISTRY_FOLDERS[f] for f in folders if f in MINISTRY_FOLDERS})


def decision_document(
    number: str, codes: Collection[str], existing: Any, fallback_issuer: str | None = None
) -> dict[str, Any]:
    """The decision file's content: ``existing`` kept, ``codes`` added to ``procedures.new``
    unless already listed as new, amended or abolished. A document without an issuer (new, or an
    existing file that has none) takes the one its number names, else ``fallback_issuer``."""
    if isinstance(existing, dict):
        document = dict(existing)
    else:
        document = {"number": number}
        issuer = issuer_of(number)
        if issuer:
            document["issuer"] = issuer
        document["scope"] = "provincial" if re.search(r"UBND", number) else "national"
    if "issuer" not in document:
        issuer = issuer_of(number) or fallback_issuer
        if issuer:
            document["issuer"] = issuer
    procedures = document.get("procedures")
    procedures = dict(procedures) if isinstance(procedures, dict) else {}
    listed = {code for key in DECISION_LISTS for code in procedures.get(key) or () if isinstance(code, str)}
    new = [code for code in procedures.get("new") or () if isinstance(code, str)]
    new = sorted(set(new) | (set(codes) - listed))
    if new:
        procedures["new"] = new
    document["procedures"] = {
        key: procedures[key] for key in (*DECISION_LISTS, *procedures) if key in procedures
    }
    ordered = {key: document[key] for key in DECISION_KEYS if key in document}
    ordered.update({key: value for key, value in document.items() if key not in ordered})
    return ordered


def unnamable_decision(number: str, file: str) -> Diagnostic | None:
    """Why no decision file can be named after ``number`` (issue 15: a 100,000-character number),
    as a problem of ``file``; None when one can. The import asks before it writes the procedure that
    refers to it, so that a record is written whole or not at all."""
    size = len((slugify(number) or "khong-so").encode("utf-8"))
    if size <= MAX_SLUG_BYTES:
        return None
    return Diagnostic(
        file,
        0,
        0,
        "/decision",
        "decision-number-too-long",
        f"a decision number of {len(number):,} characters cannot name a file "
        f"(at most {MAX_SLUG_BYTES} bytes): {number[:60]!r}…",
    )


def build_decisions(
    catalog: Path,
    decisions: dict[str, list[str]],
    report: ImportReport,
    folders: MappingABC[str, Collection[str]] | None = None,
) -> None:
    """Write one ``catalog/decisions/<slug>.yaml`` per decision number with its imported codes.

    ``folders`` gives, per number, the folders its records came from: when the number names no
    issuer, is not a People's Committee's (``UBND``, ``HĐND``) and its records all come from one
    ministry's folder (:data:`MINISTRY_FOLDERS`), that ministry is the issuer."""
    base = catalog.parent
    folders = folders or {}
    for number in sorted(decisions):
        unnamable = unnamable_decision(number, "catalog/decisions")
        if unnamable is not None:  # the records are skipped before this (dvcqg._import_one)
            report.skipped.append(unnamable)
            continue
        slug = slugify(number) or "khong-so"
        path = catalog / "decisions" / f"{slug}.yaml"
        display = path.relative_to(base).as_posix()
        existing = None
        if path.exists():
            try:
                existing = load_yaml(path.read_text(encoding="utf-8"))
            except Exception as exc:  # noqa: BLE001 - a broken file is reported, never overwritten
                report.warnings.append(
                    Diagnostic(
                        display,
                        0,
                        0,
                        "",
                        "decision-unreadable",
                        f"existing decision file not readable, left as is: {exc}",
                    )
                )
                continue
            if isinstance(existing, dict) and existing.get("number") not in (None, number):
                report.warnings.append(
                    Diagnostic(
                        display,
                        0,
                        0,
                        "/number",
                        "decision-slug-clash",
                        f"file is for {existing.get('number')!r}, not {number!r}; left as is",
                    )
                )
                continue
        ministries = folder_ministries(folders.get(number, ()))
        known = isinstance(existing, dict) and "issuer" in existing
        national = not re.search(r"UBND|HĐND", number)  # a local committee's or council's is no ministry's
        fallback = (
            ministries[0]
            if national and len(ministries) == 1 and not known and issuer_of(number) is None
            else None
        )
        document = decision_document(number, decisions[number], existing, fallback)
        if fallback is not None:
            report.warnings.append(
                Diagnostic(
                    display,
                    0,
                    0,
                    "/issuer",
                    "decision-issuer-from-folder",
                    f"the issuer of {number!r} cannot be told from its number; taken from the folder of its "
                    f"records ({', '.join(sorted(folders[number]))}): {fallback}",
                )
            )
        elif "issuer" not in document:
            why = f"; its records come from {', '.join(ministries)}" if ministries else ""
            report.warnings.append(
                Diagnostic(
                    display,
                    0,
                    0,
                    "/issuer",
                    "decision-issuer-unknown",
                    f"the issuer of {number!r} cannot be told from its number{why}",
                )
            )
        status = write_text(path, dump_yaml(document, DECISION_SCHEMA), dry_run=report.dry_run)
        report.decisions[status].append(display)

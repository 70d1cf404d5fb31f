"""The procedure search: a lunr index built at build time, read in the browser by assets/search.js.

Citizens type on phones without diacritics ("dang ky khai sinh"), by code ("1001193") or with
abbreviations ("gplx"). Every text, in the index and in the query, goes through the same
:func:`fold` (the JavaScript copy is ``fold`` in site_content/assets/search.js): lower case,
Unicode NFC, diacritics dropped, đ → d, the dot inside a code dropped, punctuation → space. The
lunr pipeline is empty on both sides (no English stemmer or stop words), so the serialised index
loads in lunr.js 2.3.9 as it is. Abbreviations and everyday words come from
``search_synonyms.yaml`` and are added to each matching procedure as extra keywords.

One file, ``search/procedures.json``, carries the index and what the results show and filter on
(``docs``), with short keys and ids instead of repeated names. Pure: nothing here knows MkDocs.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from lunr.builder import Builder

from ..model import Procedure, ProcedureStatus
from . import labels
from .context import SiteContext

SEARCH_PATH = "search/procedures.json"
LUNR_PATH = "assets/lunr.js"
SYNONYMS = files("generator.site") / "search_synonyms.yaml"  # package data
FORMAT = 1  # bumped when the payload's shape changes; search.js checks it
# Field name (one letter: field names are repeated all over the index), boost, and BM25's length
# normalisation b: a long name matches less specifically than a short one, but keywords are a bag
# of synonyms whose number says nothing of the match.
FIELDS: tuple[tuple[str, int, float], ...] = (
    ("n", 10, 0.75),  # name
    ("c", 10, 0.0),  # code, without its dot: "1001193"
    ("k", 6, 0.0),  # keywords, and the typed forms of synonyms found in the procedure
    ("b", 1, 0.75),  # body: sector, implementing agencies, result names
)
K1, B = 1.2, 0.75  # lunr's defaults for BM25 (B: lunr.py's builder, whose vectors are not shipped)
MAX_JOINED = 4  # a typed form of up to this many words is also indexed as one joined word
ONLINE = {"none": 0, "partial": 1, "full": 2}  # the position of its label in "online"
STATUS = {"active": 0, "suspended": 1, "abolished": 2, "draft": 3}

_MARKS = re.compile("[\u0300-\u036f]")
_CODE_DOT = re.compile(r"(?<=[0-9])\.(?=[0-9])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """The form every indexed and queried text takes: 'Đăng ký  khai-sinh (1.001193)' →
    'dang ky khai sinh 1001193'."""
    lowered = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    bare = _MARKS.sub("", unicodedata.normalize("NFD", lowered))
    return _NON_WORD.sub(" ", _CODE_DOT.sub("", bare)).strip()


@dataclass(frozen=True)
class Synonym:
    phrase: str  # folded
    typed: tuple[str, ...]  # folded


def load_synonyms(path: Traversable = SYNONYMS) -> list[Synonym]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [Synonym(fold(str(item["phrase"])), tuple(fold(str(t)) for t in item.get("typed", [])))
            for item in data.get("synonyms", [])]


def expansions(text: str, synonyms: Iterable[Synonym]) -> list[str]:
    """The typed forms of every synonym whose phrase occurs as whole words in the folded ``text``."""
    padded = f" {text} "
    found: list[str] = []
    for synonym in synonyms:
        if synonym.phrase and f" {synonym.phrase} " in padded:
            found += [t for t in synonym.typed if t not in found]
    return found


def _unique(tokens: Iterable[str], known: set[str]) -> str:
    """The tokens not in ``known``, each once, in order (``known`` grows with them)."""
    kept = []
    for token in tokens:
        if token not in known:
            known.add(token)
            kept.append(token)
    return " ".join(kept)


def joined(words: str) -> str:
    """'bao tu' → 'baotu': a multi-word typed form is also indexed as one word, and search.js queries
    the joined neighbours of the query's words, so that a synonym matches as a phrase."""
    return words.replace(" ", "")


def procedure_document(ref: str, procedure: Procedure, sector: str, agencies: Sequence[str],
                       synonyms: Iterable[Synonym]) -> dict[str, str]:
    """One procedure as lunr indexes it: every field folded, each word once, and a word of the name
    not repeated in a lower field (the name's boost already counts it). Every term frequency is
    thus 1, which lets search.js rebuild the document vectors from the postings alone."""
    name = fold(procedure.name)
    keywords = fold(" ; ".join(procedure.keywords))
    results = fold(" ; ".join(r.name for r in procedure.results))
    extra = expansions(" ".join((name, keywords, results)), synonyms)
    phrases = [joined(t) for t in extra if 1 < len(t.split()) <= MAX_JOINED]
    seen: set[str] = set()
    document = {"r": ref, "n": _unique(name.split(), seen), "c": fold(procedure.code)}
    document["k"] = _unique([*keywords.split(), *" ".join(extra).split(), *phrases], seen)
    document["b"] = _unique(" ".join([fold(sector), *(fold(a) for a in agencies), results]).split(), seen)
    return document


def build_index(documents: Iterable[dict[str, str]]) -> dict[str, Any]:
    """The serialised lunr index, as lunr.js 2.3.9 loads it with ``lunr.Index.load``. The pipelines
    are empty: the text is folded before it reaches lunr, and nothing is stemmed."""
    builder = Builder()
    builder.ref("r")
    builder.k1(K1)
    builder.b(B)
    for name, boost, _ in FIELDS:
        builder.field(name, boost=boost)
    for document in documents:
        builder.add(document)
    serialised: dict[str, Any] = builder.build().serialize()
    return serialised


def rebuild_spec(document_count: int, b: float | None = None) -> dict[str, Any]:
    """What search.js needs to recompute the vectors: lunr's k1, each field's boost and b."""
    return {"documents": document_count, "k1": K1, "boosts": {name: boost for name, boost, _ in FIELDS},
            "b": {name: (field_b if b is None else b) for name, _, field_b in FIELDS}}


def wire_index(serialised: dict[str, Any], document_count: int) -> dict[str, Any]:
    """The index as shipped: lunr's own serialisation without its ``fieldVectors``, which are
    derived data (each document field's BM25 weight per term) and, as 3-decimal numbers, half the
    compressed size. search.js recomputes them as lunr's Builder does (:func:`field_vectors` is
    the same computation), with each field's own b, then calls ``lunr.Index.load``."""
    return {**serialised, "fieldVectors": [], "rebuild": rebuild_spec(document_count)}


def field_vectors(index: dict[str, Any], rebuild: dict[str, Any]) -> dict[str, list[float]]:
    """The document vectors lunr's Builder computes (BM25 × field boost, 3 decimals), from the
    postings alone: every term frequency is 1 and a field's length is its number of postings.
    What search.js's rebuildVectors() does, kept here so that tests can compare the two."""
    documents, k1 = rebuild["documents"], rebuild["k1"]  # not catalog data
    pairs: dict[str, list[tuple[int, float]]] = {}
    totals: dict[str, int] = {}
    for _, posting in index["invertedIndex"]:
        with_term = sum(len(posting[f]) for f in index["fields"])
        idf = math.log(1 + abs((documents - with_term + 0.5) / (with_term + 0.5)))
        for field in index["fields"]:
            for ref in posting[field]:
                pairs.setdefault(f"{field}/{ref}", []).append((posting["_index"], idf))
                totals[field] = totals.get(field, 0) + 1
    vectors: dict[str, list[float]] = {}
    for key, terms in pairs.items():
        field = key.split("/", 1)[0]
        b = rebuild["b"][field]
        norm = k1 * (1 - b + b * (len(terms) / (totals[field] / documents))) + 1
        elements: list[float] = []
        for term_index, idf in sorted(terms):
            elements += [term_index, _round3(idf * (k1 + 1) / norm * rebuild["boosts"][field])]
        vectors[key] = elements
    return vectors


def _round3(value: float) -> float:
    """JavaScript's Math.round(value * 1000) / 1000, as lunr.js rounds."""
    return math.floor(value * 1000 + 0.5) / 1000


def _ids(values: Iterable[str]) -> dict[str, int]:
    return {value: i for i, value in enumerate(values)}


def search_payload(context: SiteContext, *, pages: Sequence[tuple[str, str]] = (),
                   synonyms: Sequence[Synonym] | None = None) -> dict[str, Any]:
    """What search.js fetches: the index, one short record per procedure (its position is its lunr
    ref), the names the records refer to by number, and the site's other pages.

    ``pages`` adds hand-written pages as (title, url) pairs."""
    synonyms = load_synonyms() if synonyms is None else synonyms
    catalog = context.catalog
    sector_ids = sorted({p.sector for p in context.procedures})
    sectors = _ids(sector_ids)
    levels = _ids(catalog.levels)
    listed = {p.code for p in context.listed}
    docs: list[dict[str, Any]] = []
    documents: list[dict[str, str]] = []
    for position, procedure in enumerate(context.procedures):
        record: dict[str, Any] = {"c": procedure.code, "n": procedure.name,
                                  "s": sectors[procedure.sector],
                                  "l": [levels[lv] for lv in procedure.levels if lv in levels],
                                  "o": ONLINE[procedure.online_level]}
        independent = context.independent.get(procedure.code)
        if independent is not None and not independent.preview:
            record["i"] = 1
        if procedure.status != ProcedureStatus.ACTIVE:
            record["x"] = STATUS[procedure.status]
        docs.append(record)
        if procedure.code in listed:
            agencies = [catalog.agency_name(a) for a in procedure.agencies.implementing]
            documents.append(procedure_document(str(position), procedure, catalog.sector_name(procedure.sector),
                                                agencies, synonyms))
    return {
        "format": FORMAT,
        "sectors": [catalog.sector_name(s) for s in sector_ids],
        "levels": [context.level_name(lv) for lv in catalog.levels],
        "online": [labels.ONLINE_LEVELS[o] for o in ONLINE],
        "docs": docs,
        "pages": site_pages(context) + [[title, url] for title, url in pages],
        "index": wire_index(build_index(documents), len(documents)),
    }


def site_pages(context: SiteContext) -> list[list[str]]:
    """The generated pages that are not procedures, as [title, url]: what a query such as 'so tu
    phap' or 'ho tich' should also offer."""
    pages = [["Thủ tục theo lĩnh vực", "linh-vuc/"], ["Thủ tục theo cơ quan", "co-quan/"],
             ["Thủ tục tiếp nhận không phụ thuộc địa giới hành chính", "khong-phu-thuoc-dia-gioi/"],
             ["Điểm tiếp nhận hồ sơ (Bộ phận Một cửa)", "diem-tiep-nhan/"]]
    catalog = context.catalog
    pages += [[f"Lĩnh vực {catalog.sector_name(s)}", f"linh-vuc/{s}/"] for s in sorted(context.by_sector)]
    pages += [[catalog.agency_name(a), f"co-quan/{a}/"] for a in sorted(context.by_agency)]
    pages += [[f"Thủ tục {context.level_name(lv).lower()}", f"cap/{lv}/"] for lv in context.by_level]
    pages += [[f"Thủ tục dành cho {labels.APPLICANT_GROUPS[g][0].lower()}", f"doi-tuong/{g}/"]
              for g in context.by_group]
    pages += [[f"Dịch vụ công {labels.ONLINE_LEVELS[o].lower()}", f"truc-tuyen/{o}/"]
              for o in context.by_online if o != "none"]
    for i, plan in enumerate(catalog.plans):
        pages.append([f"Kế hoạch {plan.number}", "ke-hoach/" if i == 0 else f"ke-hoach/{plan.id}/"])
    return pages


def hand_written_pages(docs_dir: Path, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The hand-written pages of ``docs_dir`` as (title from the first '# ' line, directory URL)."""
    skipped = set(skip)
    found: list[tuple[str, str]] = []
    for path in sorted(docs_dir.rglob("*.md")):
        relative = path.relative_to(docs_dir).as_posix()
        if relative in skipped or relative == "index.md":
            continue
        title = next((line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                      if line.startswith("# ")), "")
        if title:
            stem = relative[: -len(".md")]
            found.append((title, stem[: -len("index")] if stem.endswith("index") else f"{stem}/"))
    return found


def search_files(context: SiteContext, docs_dir: Path, generated: Iterable[str] = ()) -> dict[str, str]:
    """The files the search adds to the site, by path: the payload and lunr.js. ``generated`` are
    the generated pages' sources, left out of the hand-written pages the search also offers."""
    payload = search_payload(context, pages=hand_written_pages(docs_dir, skip=[*generated, "tim-kiem.md"]))
    return {SEARCH_PATH: json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            LUNR_PATH: lunr_js().read_text(encoding="utf-8")}


def lunr_js() -> Path:
    """lunr.js 2.3.9 as shipped with MkDocs' own search plugin: copied into the site at build time."""
    import mkdocs.contrib.search

    return Path(mkdocs.contrib.search.__file__).resolve().parent / "templates" / "search" / "lunr.js"

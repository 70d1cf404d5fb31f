"""The procedure search: what assets/search.js fetches to search the catalog in the browser.

Citizens type on phones without diacritics ("dang ky khai sinh"), by code ("1001193"), with
abbreviations ("gplx"), everyday words ("sổ đỏ") or whole questions ("tôi muốn làm giấy phép kinh
doanh"). Every text, in the payload and in the query, goes through the same :func:`fold` (the
JavaScript copy is ``fold`` in site_content/assets/search.js): lower case, Unicode NFC, diacritics
dropped, đ → d, the dot inside a code dropped, punctuation → space.

The payload, sent as two files (``search/procedures.json`` for the first results, then
``search/rest.json``: :func:`split_payload`), carries one short record per procedure — its name, and the
folded words of its keywords and results that its name does not already have — with the sector's
and agencies' names given once and referred to by number. search.js builds its word index from it
in the browser (a few milliseconds), which is smaller to send than any serialised index. It also
carries the query words as data: the synonyms (search_synonyms.yaml), the filler words of
citizens' questions and the words that name a variant of a procedure (search_fillers.yaml).
Whether a procedure is a variant of another ("Cấp lại thẻ căn cước" of "Cấp thẻ căn cước …") is
derived here from the names. Pure: nothing here knows MkDocs. See docs/search.md.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ..model import Procedure, ProcedureStatus
from ..validation.yamlload import load_package_data
from . import labels
from .context import SiteContext

SEARCH_PATH = "search/procedures.json"
REST_PATH = "search/rest.json"  # the rest of the index, fetched once the first results are shown
SYNONYMS = files("generator.site") / "search_synonyms.yaml"  # package data
FILLERS = files("generator.site") / "search_fillers.yaml"  # package data
ELSEWHERE = files("generator.site") / "search_elsewhere.yaml"  # package data
EVERYDAY = files("generator.site") / "search_everyday.yaml"  # package data, from tools/everyday_words.py
FORMAT = 4  # bumped when the payload's shape changes; search.js checks it
MAX_PHRASE = 6  # search.js matches typed forms and filler phrases of up to this many words
ONLINE = {"none": 0, "partial": 1, "full": 2, "unknown": 3}  # the position of its label in "online"
STATUS = {"active": 0, "suspended": 1, "abolished": 2, "draft": 3}
NATIONAL_SEARCH = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html"
LIFE_EVENTS = "su-kien/"  # the life-event pages, when the build has them
# Words of a variant phrase that do not by themselves name the variant ("cấp" of "cấp lại").
NEUTRAL = frozenset({"cap", "dang", "ky", "thu", "tuc"})
AFTER = 3  # the words after a variant phrase that must stand in a base procedure's name

_MARKS = re.compile("[\u0300-\u036f]")
_CODE_DOT = re.compile(r"(?<=[0-9])\.(?=[0-9])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_BRACKETS = re.compile(r"\([^)]*\)")


def fold(text: str) -> str:
    """The form every indexed and queried text takes: 'Đăng ký  khai-sinh (1.001193)' →
    'dang ky khai sinh 1001193'."""
    lowered = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    bare = _MARKS.sub("", unicodedata.normalize("NFD", lowered))
    return _NON_WORD.sub(" ", _CODE_DOT.sub("", bare)).strip()


@dataclass(frozen=True)
class Synonym:
    phrase: str  # folded: how the catalog writes it
    typed: tuple[str, ...]  # folded: what people type instead


@dataclass(frozen=True)
class QueryWords:
    """The words search.js treats specially in a query, folded (search_fillers.yaml)."""

    fillers: tuple[str, ...]  # words and phrases that carry no content in a citizen's question
    variants: tuple[str, ...]  # phrases that name a variant of a procedure: "cap lai", "gia han"
    spelled: tuple[str, ...] = ()  # the fillers as written (lower case, NFC, with diacritics)


def load_synonyms(path: Traversable = SYNONYMS) -> list[Synonym]:
    data = load_package_data(path.read_text(encoding="utf-8")) or {}
    return [
        Synonym(fold(str(item["phrase"])), tuple(fold(str(t)) for t in item.get("typed", [])))
        for item in data.get("synonyms", [])
    ]


def load_query_words(path: Traversable = FILLERS) -> QueryWords:
    data = load_package_data(path.read_text(encoding="utf-8")) or {}

    def folded(key: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(fold(str(w)) for w in data.get(key) or []))

    spelled = tuple(
        dict.fromkeys(unicodedata.normalize("NFC", str(w)).lower() for w in data.get("fillers") or [])
    )
    return QueryWords(folded("fillers"), folded("variants"), spelled)


_LETTERS = re.compile(r"[^\W_]+")


def homograph_pairs(names: Iterable[str], spelled: Iterable[str]) -> list[str]:
    """Folded pairs of neighbouring name words in which a word folds like a one-word filler but is
    another word: "đăng ký" ("đang" is a filler), "đầu tư" ("đâu"), "lâm sản" ("làm"), "dược phẩm"
    ("được"). In such a pair of a query the filler's folded form is content (search.js). Derived
    from the names; the filler list stays one list."""
    fillers = {w: fold(w) for w in spelled if " " not in w}
    folded_fillers = set(fillers.values())
    written = set(fillers)
    pairs: set[str] = set()
    for name in names:
        raw = _LETTERS.findall(unicodedata.normalize("NFC", name).lower())
        folded = [fold(w) for w in raw]
        for i in range(len(raw) - 1):
            for j, other in ((i, i + 1), (i + 1, i)):
                if (
                    folded[j] in folded_fillers
                    and raw[j] not in written
                    and folded[other]
                    and folded[other] not in folded_fillers
                ):
                    pairs.add(f"{folded[i]} {folded[i + 1]}")
    return sorted(pairs)


@dataclass(frozen=True)
class Elsewhere:
    """Everyday phrases for the procedures of a sector that other bodies handle (search_elsewhere.yaml)."""

    sector: str  # as written: "Giáo dục và Đào tạo"
    typed: tuple[str, ...]  # folded


def load_elsewhere(path: Traversable = ELSEWHERE) -> list[Elsewhere]:
    data = load_package_data(path.read_text(encoding="utf-8")) or {}
    return [
        Elsewhere(
            str(item["sector"]),  # not catalog data: the search's own data file
            tuple(dict.fromkeys(fold(str(t)) for t in item["typed"])),
        )
        for item in data.get("elsewhere") or []
    ]


def elsewhere_phrases(groups: Iterable[Elsewhere], sectors: Iterable[str], texts: Iterable[str]) -> list[str]:
    """The folded phrases of ``groups`` that the catalog does not cover: a group whose sector the
    catalog has (by folded name) is left out, and so is a phrase that stands, as neighbouring
    words, in one of ``texts`` (the procedures' names, keywords and result names)."""
    have = {fold(s) for s in sectors}
    haystack = " | ".join(f" {fold(t)} " for t in texts)
    kept: dict[str, None] = {}
    for group in groups:
        if fold(group.sector) in have:
            continue
        for phrase in group.typed:
            if f" {phrase} " not in haystack:
                kept[phrase] = None
    return list(kept)


def load_everyday(path: Traversable = EVERYDAY) -> list[list[int | str]]:
    """[Zipf figure × 10, "word word …"] for each class of search_everyday.yaml, commonest first:
    how common each folded word is in everyday Vietnamese (wordfreq, CC BY-SA 4.0)."""
    data = load_package_data(path.read_text(encoding="utf-8")) or {}
    classes = {int(k): str(v).split() for k, v in (data.get("zipf") or {}).items()}
    return [[k, " ".join(classes[k])] for k in sorted(classes, reverse=True)]


def synonym_table(synonyms: Iterable[Synonym]) -> list[list[list[str]]]:
    """The query side of the synonyms: [[phrase, phrase, …], [typed, typed, …]], the typed forms
    grouped by the phrases they stand for (in the order first met), each typed form once. A typed
    form found in a query (as neighbouring words) is also matched by each phrase, as a phrase.
    Grouped, the table is a quarter smaller (gzip) than one row per typed form."""
    table: dict[str, list[str]] = {}
    for synonym in synonyms:
        for typed in synonym.typed:
            phrases = table.setdefault(typed, [])
            if synonym.phrase not in phrases:
                phrases.append(synonym.phrase)
    groups: dict[tuple[str, ...], list[str]] = {}
    for typed, phrases in table.items():
        groups.setdefault(tuple(phrases), []).append(typed)
    return [[list(phrases), typed] for phrases, typed in groups.items()]


def core_name(name: str) -> str:
    """The folded name without its brackets ("(thực hiện tại cấp tỉnh)") and a leading "thủ tục"."""
    core = fold(_BRACKETS.sub(" ", name))
    return core[len("thu tuc ") :] if core.startswith("thu tuc ") else core


def variant_marks(names: Sequence[str], variants: Sequence[str]) -> list[list[int]]:
    """For each name, the variant phrases (by position in ``variants``) that make it a variant of
    another procedure of the list: the name begins with the phrase, and the three words after it (at
    least two) stand side by side in the name of a procedure that names no variant — 'cấp lại thẻ
    căn cước' and 'cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên' ('thẻ căn cước'); two are too
    common ('giấy phép' makes no 'cấp lại giấy phép lái xe' a variant). Derived from the names alone."""
    cores = [f" {core_name(n)} " for n in names]
    # Only the start of a name says what the procedure does: "đăng ký thành lập hợp tác xã, …;
    # đăng ký chuyển đổi tổ hợp tác …" is no variant.
    found = [[i for i, v in enumerate(variants) if core.startswith(f" {v} ")] for core in cores]
    plain = " | ".join(core for core, marks in zip(cores, found, strict=True) if not marks)
    marks: list[list[int]] = []
    for core, candidates in zip(cores, found, strict=True):
        kept = []
        for i in candidates:
            after = core.split(f" {variants[i]} ", 1)[1].split()[:AFTER]
            if len(after) >= 2 and f" {' '.join(after)} " in plain:
                kept.append(i)
        marks.append(kept)
    return marks


def tail_starts(names: Sequence[str]) -> list[int]:
    """For each name, where its special case begins: the number of its core words (see
    :func:`core_name`) that are the whole core name of another procedure of the list, the most
    there are (at least two, fewer than all), or 0. "Đăng ký khai sinh lưu động" and "Đăng ký khai
    sinh có yếu tố nước ngoài" begin with "Đăng ký khai sinh" (4); derived from the names alone."""
    cores = [core_name(n).split() for n in names]
    whole = {" ".join(words) for words in cores}
    starts = []
    for words in cores:
        starts.append(next((k for k in range(len(words) - 1, 1, -1) if " ".join(words[:k]) in whole), 0))
    return starts


def keywords_of(procedure: Procedure) -> tuple[str, ...]:
    """The words a procedure is found by beside its name: the national ``keywords`` and the
    province's own (``local.keywords``, which a re-import keeps)."""
    return (*procedure.keywords, *(procedure.local.keywords if procedure.local else ()))


def extra_words(name: str, texts: Iterable[str]) -> str:
    """The folded words of ``texts`` (keywords, result names) not in the folded ``name``, each once."""
    seen = set(name.split())
    kept = []
    for word in fold(" ; ".join(texts)).split():
        if word not in seen:
            seen.add(word)
            kept.append(word)
    return " ".join(kept)


def _record(
    procedure: Procedure,
    variant: list[int],
    tail: int,
    listed: bool,
    context: SiteContext,
    sectors: dict[str, int],
    levels: dict[str, int],
    agencies: dict[str, int],
    words: QueryWords,
) -> dict[str, Any]:
    """One procedure as search.js reads it (keys in docs/search.md); an unlisted (abolished) one has
    no words: only its code finds it."""
    record: dict[str, Any] = {
        "c": procedure.code,
        "n": procedure.name,
        "s": sectors[procedure.sector],
        "l": [levels[lv] for lv in procedure.levels if lv in levels],
        "o": ONLINE[procedure.online_level],
    }
    independent = context.independent.get(procedure.code)
    if independent is not None and not independent.preview:
        record["i"] = 1
    if procedure.status != ProcedureStatus.ACTIVE:
        record["x"] = STATUS[procedure.status]
    if not listed:
        record["x"] = STATUS[ProcedureStatus.ABOLISHED]
        return record
    record["a"] = [agencies[a] for a in procedure.agencies.implementing]
    extra = extra_words(fold(procedure.name), [*keywords_of(procedure), *(r.name for r in procedure.results)])
    if extra:
        record["k"] = extra
    if variant:
        record["v"] = variant
    if tail:
        record["t"] = tail
    return record


def _ids(values: Iterable[str]) -> dict[str, int]:
    return {value: i for i, value in enumerate(values)}


def search_payload(
    context: SiteContext,
    *,
    pages: Sequence[tuple[str, str]] = (),
    synonyms: Sequence[Synonym] | None = None,
    words: QueryWords | None = None,
    elsewhere: Sequence[Elsewhere] | None = None,
    everyday: Sequence[Sequence[int | str]] | None = None,
    life_events: bool = False,
) -> dict[str, Any]:
    """What search.js fetches: one short record per procedure, sorted by code, the names the records
    refer to by number, the query words, and the site's other pages.

    ``pages`` adds hand-written pages as (title, url) pairs; ``life_events`` says the build has the
    life-event pages, which the not-found answer then offers."""
    synonyms = load_synonyms() if synonyms is None else synonyms
    words = load_query_words() if words is None else words
    elsewhere = load_elsewhere() if elsewhere is None else elsewhere
    everyday = load_everyday() if everyday is None else everyday
    catalog = context.catalog
    sector_ids = sorted({p.sector for p in context.procedures})
    sectors = _ids(sector_ids)
    levels = _ids(catalog.levels)
    agency_ids = sorted({a for p in context.procedures for a in p.agencies.implementing})
    agencies = _ids(agency_ids)
    listed = {p.code for p in context.listed}
    names = [p.name for p in context.procedures]
    marks = variant_marks(names, words.variants)
    docs: list[dict[str, Any]] = []
    for procedure, variant, tail in zip(context.procedures, marks, tail_starts(names), strict=True):
        docs.append(
            _record(
                procedure, variant, tail, procedure.code in listed, context, sectors, levels, agencies, words
            )
        )
    return {
        "format": FORMAT,
        "sectors": [catalog.sector_name(s) for s in sector_ids],
        "agencies": [catalog.agency_name(a) for a in agency_ids],
        "levels": [context.level_name(lv) for lv in catalog.levels],
        "online": [labels.ONLINE_LEVELS[o] for o in ONLINE],
        "docs": docs,
        "pages": site_pages(context) + [[title, url] for title, url in pages],
        "words": {
            "fillers": list(words.fillers),
            "variants": list(words.variants),
            "homographs": homograph_pairs((p.name for p in context.listed), words.spelled),
            "synonyms": synonym_table(synonyms),
            "elsewhere": elsewhere_phrases(
                elsewhere,
                (catalog.sector_name(s) for s in sector_ids),
                (t for p in context.listed for t in (p.name, *keywords_of(p), *(r.name for r in p.results))),
            ),
            "everyday": [list(row) for row in everyday],
        },
        "links": {"events": LIFE_EVENTS if life_events else "", "national": NATIONAL_SEARCH},
    }


def split_payload(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A whole payload as the two files the site sends: what the first results need (SEARCH_PATH:
    the names, codes, sectors, levels and the query words that read a query), and the rest
    (REST_PATH: each procedure's keywords and results by position, the agencies' names, the other
    pages, other bodies' words, the everyday words), which search.js fetches once the first
    results are shown and puts back with join()."""
    first = {key: value for key, value in payload.items() if key not in ("agencies", "pages")}
    first["docs"] = [{key: value for key, value in doc.items() if key != "k"} for doc in payload["docs"]]
    first["words"] = {
        key: value for key, value in payload["words"].items() if key not in ("elsewhere", "everyday")
    }
    rest = {
        "format": payload["format"],
        "k": [doc.get("k", "") for doc in payload["docs"]],
        "agencies": payload["agencies"],  # not catalog data: the search payload
        "pages": payload["pages"],
        "elsewhere": payload["words"]["elsewhere"],
        "everyday": payload["words"]["everyday"],
    }
    return first, rest


def join_payload(first: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
    """The whole payload again from the two files of :func:`split_payload` (join() in search.js)."""
    docs = [{**doc, "k": k} if k else dict(doc) for doc, k in zip(first["docs"], rest["k"], strict=True)]
    words = {**first["words"], "elsewhere": rest["elsewhere"], "everyday": rest["everyday"]}
    agencies = rest["agencies"]  # not catalog data: the search payload
    return {**first, "agencies": agencies, "pages": rest["pages"], "docs": docs, "words": words}


def site_pages(context: SiteContext) -> list[list[str]]:
    """The generated pages that are not procedures, as [title, url]: what a query such as 'so tu
    phap' or 'ho tich' should also offer."""
    pages = [
        ["Thủ tục theo lĩnh vực", "linh-vuc/"],
        ["Thủ tục theo cơ quan", "co-quan/"],
        ["Thủ tục tiếp nhận không phụ thuộc địa giới hành chính", "khong-phu-thuoc-dia-gioi/"],
        ["Điểm tiếp nhận hồ sơ (Bộ phận Một cửa)", "diem-tiep-nhan/"],
    ]
    catalog = context.catalog
    pages += [[f"Lĩnh vực {catalog.sector_name(s)}", f"linh-vuc/{s}/"] for s in sorted(context.by_sector)]
    pages += [[catalog.agency_name(a), f"co-quan/{a}/"] for a in sorted(context.by_agency)]
    pages += [[f"Thủ tục {context.level_name(lv).lower()}", f"cap/{lv}/"] for lv in context.by_level]
    pages += [
        [f"Thủ tục dành cho {labels.APPLICANT_GROUPS[g][0].lower()}", f"doi-tuong/{g}/"]
        for g in context.by_group
    ]
    pages += [
        [f"Dịch vụ công {labels.ONLINE_LEVELS[o].lower()}", f"truc-tuyen/{o}/"]
        for o in context.by_online
        if o != "none"
    ]
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
        title = next(
            (
                line[2:].strip()
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("# ")
            ),
            "",
        )
        if title:
            stem = relative[: -len(".md")]
            found.append((title, stem[: -len("index")] if stem.endswith("index") else f"{stem}/"))
    return found


def search_files(context: SiteContext, docs_dir: Path, generated: Iterable[str] = ()) -> dict[str, str]:
    """The files the search adds to the site, by path: the payload. ``generated`` are the generated
    pages' sources, left out of the hand-written pages the search also offers."""
    sources = list(generated)
    payload = search_payload(
        context,
        pages=hand_written_pages(docs_dir, skip=[*sources, "tim-kiem.md"]),
        life_events=any(s.startswith(LIFE_EVENTS) for s in sources),
    )
    first, rest = split_payload(payload)
    return {
        SEARCH_PATH: json.dumps(first, ensure_ascii=False, separators=(",", ":")),
        REST_PATH: json.dumps(rest, ensure_ascii=False, separators=(",", ":")),
    }

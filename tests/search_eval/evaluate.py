"""The search evaluation's figures (docs/search.md, "Evaluation"), shared by tests/test_search.py
and benchmarks/bench_search.py.

``answers`` maps each query to what the search answered: the codes of its first results, best
first, and whether it found anything (``found`` false is the "không tìm thấy" answer). Engines:
:func:`node_answers` runs site_content/assets/search.js's engine in node on a built payload — the
same code as the page, without a browser; the browser tests and the benchmark type into the page.

    python tests/search_eval/evaluate.py SITE_DIR [--half tuning|test] [--show]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SEARCH_JS = REPO / "site_content" / "assets" / "search.js"
HALVES = ("tuning", "test")
# The kinds of the queries written from the procedure names (the search's first 100) and of the
# issue's examples: in the tuning half only, so not written as the test half was.
FROM_NAMES = ("original", "issue")
REST = "rest.json"  # beside a built site's search/procedures.json (REST_PATH in generator/site/search.py)


def queries(half: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load((HERE / f"{half}.yaml").read_text(encoding="utf-8"))[
        "queries"
    ]
    return data


@dataclass(frozen=True)
class Figures:
    queries: int
    present: int  # queries whose procedure the catalog has
    absent: int  # queries expecting the not-found answer
    top1: float
    top3: float
    top5: float
    not_found: float  # share of the absent queries answered "không tìm thấy"
    misses: tuple[str, ...]

    def line(self) -> str:
        return (
            f"top-1 {self.top1:6.1%}  top-3 {self.top3:6.1%}  top-5 {self.top5:6.1%}  "
            f"(of {self.present})  not found {self.not_found:6.1%} (of {self.absent})"
        )


def figures(items: list[dict[str, Any]], answers: dict[str, dict[str, Any]]) -> Figures:
    hits = {1: 0, 3: 0, 5: 0}
    absent_right = 0
    misses = []
    present = [i for i in items if i["codes"]]
    absent = [i for i in items if not i["codes"]]
    for item in present:
        answer = answers[item["q"]]
        codes = answer["codes"] if answer["found"] else []
        for k in hits:
            hits[k] += bool(set(item["codes"]) & set(codes[:k]))
        if not set(item["codes"]) & set(codes[:5]):
            misses.append(
                f"{item['q']!r}: wanted {item['codes']}, got {codes[:5] if answer['found'] else 'not found'}"
            )
    for item in absent:
        if answers[item["q"]]["found"]:
            misses.append(f"{item['q']!r}: wanted not found, got {answers[item['q']]['codes'][:3]}")
        else:
            absent_right += 1
    return Figures(
        len(items),
        len(present),
        len(absent),
        hits[1] / len(present),
        hits[3] / len(present),
        hits[5] / len(present),
        absent_right / len(absent) if absent else 1.0,
        tuple(misses),
    )


NODE = """
const engine = require(process.argv[1]);
const fs = require('fs');
const read = (path) => JSON.parse(fs.readFileSync(path, 'utf8'));
const data = engine.prepare(read(process.argv[2]), false, process.argv[3] ? read(process.argv[3]) : undefined);
const out = {};
for (const q of JSON.parse(fs.readFileSync(0, 'utf8'))) {
  const r = engine.search(data, q);
  out[q] = {codes: r.docs.slice(0, 10).map(d => d.c), found: r.found};
}
process.stdout.write(JSON.stringify(out));
"""


def node_answers(payload: Path, texts: list[str]) -> dict[str, dict[str, Any]]:
    """What search.js's engine answers to each query, run in node on ``payload``: a whole payload,
    or a built site's search/procedures.json, which the rest of the index (rest.json) completes."""
    rest = Path(payload).with_name(REST)
    done = subprocess.run(
        ["node", "-e", NODE, str(SEARCH_JS), str(payload), *([str(rest)] if rest.is_file() else [])],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"search.js failed in node:\n{done.stderr}")
    answers: dict[str, dict[str, Any]] = json.loads(done.stdout)
    return answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site, or a search/procedures.json")
    parser.add_argument("--half", choices=HALVES, action="append")
    parser.add_argument("--show", action="store_true", help="print the misses")
    args = parser.parse_args()
    payload = args.site if args.site.is_file() else args.site / "search" / "procedures.json"
    for half in args.half or ["tuning"]:
        items = queries(half)
        result = figures(items, node_answers(payload, [i["q"] for i in items]))
        print(f"{half:<7} {result.line()}")
        if args.show:
            print(*result.misses, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())

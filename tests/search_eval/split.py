"""Split newly written evaluation queries into the tuning and the test half — once, by a fixed seed.

    python tests/search_eval/split.py NEW_QUERIES.yaml

Shuffles the queries of NEW_QUERIES.yaml (same shape as tuning.yaml) with ``random.Random(SEED)``
and appends the first half to tuning.yaml, the second to test.yaml. Run it once per batch of new
queries, before looking at how the search does on them; never move a query between the halves
afterwards. The first batch (2026-12-01) was 393 queries; the 100 queries of the search's first
version and the seven examples of issue 14 went to the tuning half as they were. The second batch
(2026-12-02) was 240 queries written blind — without reading the halves, the search's word lists or
its engine, and without running it; 120 went to each half, and 5 of each half were then removed as
repeats (fillers aside) of queries already in a half, leaving 230, 30 of them for procedures the
catalog lacks.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import yaml

SEED = 14
HERE = Path(__file__).resolve().parent


def main(new: Path) -> int:
    queries = yaml.safe_load(new.read_text(encoding="utf-8"))["queries"]
    known = set()
    for half in ("tuning", "test"):
        path = HERE / f"{half}.yaml"
        if path.exists():
            known |= {
                item["q"] for item in (yaml.safe_load(path.read_text(encoding="utf-8"))["queries"] or [])
            }
    repeated = [item["q"] for item in queries if item["q"] in known]
    if repeated:
        print(f"already in a half: {repeated}", file=sys.stderr)
        return 1
    random.Random(SEED).shuffle(queries)
    middle = len(queries) // 2
    for half, part in (("tuning", queries[:middle]), ("test", queries[middle:])):
        path = HERE / f"{half}.yaml"
        lines = [_line(item) for item in part]
        with path.open("a", encoding="utf-8") as out:
            out.write("".join(lines))
        print(f"{half}: +{len(part)} queries")
    return 0


def _line(item: dict[str, object]) -> str:
    """One query as a flow mapping line, the query quoted where YAML would read it otherwise
    (`… ở đâu?`: a `?`, `,` or `:` inside a flow mapping ends a plain scalar)."""
    codes = ", ".join(f'"{c}"' for c in item["codes"])  # type: ignore[attr-defined]
    for q in (item["q"], json.dumps(item["q"], ensure_ascii=False)):
        line = f"  - {{q: {q}, codes: [{codes}], kind: {item['kind']}}}\n"
        try:
            if yaml.safe_load(line) == [item]:
                break
        except yaml.YAMLError:
            pass
    return line


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

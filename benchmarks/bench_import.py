"""Benchmark: import every National Public Service Portal record in ../shared into a temporary catalog.

Prints the number of records, the seconds taken and records per second (best of ``--repeat`` runs,
each into a fresh folder), then the import's own summary. The mapping files come from the
repository's catalog/ (sectors.yaml, agencies.yaml).

    python benchmarks/bench_import.py [--records PATH] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.importer.dvcqg import import_records  # noqa: E402
from generator.importer.mapping import load_mapping  # noqa: E402
from generator.importer.report import ImportReport  # noqa: E402

RECORDS = REPO.parent / "shared" / "data" / "dvcqg" / "records"


def run_once(records: Path) -> tuple[float, ImportReport]:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "catalog"
        catalog.mkdir()
        for name in ("sectors.yaml", "agencies.yaml"):
            shutil.copy(REPO / "catalog" / name, catalog / name)
        start = time.perf_counter()
        report = import_records([records], catalog, verified_on="2026-11-25", mapping=load_mapping(catalog))
        return time.perf_counter() - start, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, default=RECORDS, help="folder of record files")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is shown (default 3)")
    args = parser.parse_args()
    if not args.records.is_dir():
        print(f"no records at {args.records} (the shared data sits beside the repository)", file=sys.stderr)
        return 2
    for name in ("sectors.yaml", "agencies.yaml"):
        if not (REPO / "catalog" / name).is_file():
            print(f"catalog/{name} is missing", file=sys.stderr)
            return 2
    runs = [run_once(args.records) for _ in range(max(1, args.repeat))]
    seconds = min(s for s, _ in runs)
    report = runs[0][1]
    print(f"records: {report.records}")
    print(f"seconds: {seconds:.2f}")
    print(f"records/s: {report.records / seconds:.0f}")
    s = report.summary()
    print(f"imported {s['imported']}, skipped {s['skipped']}, out of scope {s['out_of_scope']}, "
          f"warnings {s['warnings']}, decisions {s['decisions_new']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

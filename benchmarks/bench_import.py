"""Benchmark: import every National Public Service Portal record in ../shared into a temporary catalog.

Prints the number of records, the seconds taken and records per second (best of ``--repeat`` runs,
each into a fresh folder), the import's own summary and a verdict against the target (all shared
records in under 10 s). Then, unless ``--no-holdout``, the leave-one-ministry-out table
(:mod:`generator.importer.holdout`): per ministry, the eligible records, how many imported (target:
at least 97 % each) and how many equal the full import field by field (created ids and
``import_notes`` aside; target: all). The reference files come from the repository's catalog/.

    python benchmarks/bench_import.py [--records PATH] [--repeat 3] [--no-holdout]
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
from generator.importer.holdout import leave_one_out  # noqa: E402
from generator.importer.mapping import load_mapping  # noqa: E402
from generator.importer.report import ImportReport  # noqa: E402

RECORDS = REPO.parent / "shared" / "data" / "dvcqg" / "records"
TARGET_SECONDS = 10.0
TARGET_RATE = 0.97


def run_once(records: Path) -> tuple[float, float, ImportReport]:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "catalog"
        catalog.mkdir()
        for name in ("sectors.yaml", "agencies.yaml", "province.yaml"):
            shutil.copy(REPO / "catalog" / name, catalog / name)
        start, cpu = time.perf_counter(), time.process_time()
        report = import_records([records], catalog, verified_on="2026-11-25", mapping=load_mapping(catalog))
        return time.perf_counter() - start, time.process_time() - cpu, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, default=RECORDS, help="folder of record files")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is shown (default 3)")
    parser.add_argument("--no-holdout", action="store_true", help="skip the leave-one-ministry-out table")
    args = parser.parse_args()
    if not args.records.is_dir():
        print(f"no records at {args.records} (the shared data sits beside the repository)", file=sys.stderr)
        return 2
    for name in ("sectors.yaml", "agencies.yaml"):
        if not (REPO / "catalog" / name).is_file():
            print(f"catalog/{name} is missing", file=sys.stderr)
            return 2
    runs = [run_once(args.records) for _ in range(max(1, args.repeat))]
    seconds = min(s for s, _, _ in runs)
    cpu = min(c for _, c, _ in runs)
    report = runs[0][2]
    print(f"records: {report.records}")
    print(f"seconds: {seconds:.2f} (CPU {cpu:.2f}: the wall time grows with the machine's load)")
    print(f"records/s: {report.records / seconds:.0f}")
    s = report.summary()
    print(
        f"imported {s['imported']}, skipped {s['skipped']}, out of scope {s['out_of_scope']}, "
        f"warnings {s['warnings']}, decisions {s['decisions_new']}"
    )
    verdict = "ok" if seconds < TARGET_SECONDS else "MISSED"
    print(f"import of all shared records: {seconds:.2f} s (target < {TARGET_SECONDS:.0f} s): {verdict}")
    if args.no_holdout:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        results = leave_one_out(args.records, REPO / "catalog", Path(tmp))
    print(
        f"{'ministry held out':<20} {'eligible':>8} {'imported':>9} {'rate':>7} {'equal':>6} {'equal %':>8} "
        f"{'sectors removed/created':>24} {'names removed':>14}"
    )
    for r in results:
        print(
            f"{r.folder:<20} {r.eligible:>8} {r.imported:>9} {100 * r.rate:>6.1f}% {r.equal:>6} "
            f"{100 * r.equal_rate:>7.1f}% {f'{r.sectors_removed}/{r.sectors_created}':>24} {r.names_removed:>14}"
        )
    worst = min(results, key=lambda r: r.rate)
    verdict = "ok" if worst.rate >= TARGET_RATE else "MISSED"
    print(
        f"leave-one-ministry-out: lowest import rate {100 * worst.rate:.1f}% ({worst.folder}) "
        f"(target >= {100 * TARGET_RATE:.0f}% each): {verdict}"
    )
    least = min(results, key=lambda r: r.equal_rate)
    verdict = "ok" if least.equal_rate == 1.0 else "MISSED"
    print(
        f"leave-one-ministry-out: lowest field-by-field equality {100 * least.equal_rate:.1f}% ({least.folder}) "
        f"(target 100% each): {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

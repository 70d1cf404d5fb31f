"""Benchmark: validate a generated catalog of N procedures (default 2,000) and print the time.

Target (issue 2): under 2 seconds for 2,000 procedure files on the project's 2-core machine.
The procedures are made from the fixture catalog's birth-registration procedure, with text of
the size real records have (long steps, a dozen documents, ten legal documents), each with its
own code, agency folder and sector, so every cross-file rule runs.

    python benchmarks/bench_validate.py [--count 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.validation.validate import validate_catalog  # noqa: E402

BASE = REPO / "tests" / "cases" / "base" / "catalog"
# Sized so that a generated file is about 9 KB, like the mean of the real records imported from the
# national portal (their text averages 8 KB).
STEP = ("Người yêu cầu nộp hồ sơ trực tiếp tại Bộ phận Một cửa hoặc trực tuyến trên Cổng Dịch vụ công quốc gia; "
        "cán bộ tiếp nhận kiểm tra tính chính xác, đầy đủ, thống nhất, hợp lệ của hồ sơ, ") * 3


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def make_catalog(root: Path, count: int) -> Path:
    catalog = root / "catalog"
    shutil.copytree(BASE, catalog)
    template = yaml.safe_load((BASE / "procedures" / "ubnd-cap-xa" / "1.001193.yaml").read_text(encoding="utf-8"))
    template["steps"] = [{"items": [f"Bước {i}: {STEP}" for i in range(1, 6)]}]
    documents = template["dossier"][0]["documents"]
    template["dossier"][0]["documents"] = [dict(documents[i % 2], name=f"{documents[i % 2]['name']} {i}")
                                           for i in range(12)]
    template["legal_basis"] = [dict(template["legal_basis"][0], number=f"{i}/2020/NĐ-CP") for i in range(10)]
    template["conditions"] = STEP * 2
    template["local"] = {"service_points": ["mot-cua-phuong-long-chau"]}
    template.pop("related", None)
    codes = []
    for n in range(count):
        code = f"9.{n:06d}"
        codes.append(code)
        data = dict(template, code=code, name=f"{template['name']} {n}",
                    sector=("ho-tich", "cong-chung")[n % 2])
        text = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=100)
        text = text.replace(f"code: {code}", f'code: "{code}"', 1)
        (catalog / "procedures" / "ubnd-cap-xa" / f"{code}.yaml").write_text(text, encoding="utf-8")
    decision = catalog / "decisions" / "163-QD-BTP.yaml"
    decision.write_text(decision.read_text(encoding="utf-8") +
                        "".join(f'    - "{c}"\n' for c in codes), encoding="utf-8")
    return catalog


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        catalog = make_catalog(Path(tmp), args.count)
        size = sum(p.stat().st_size for p in catalog.rglob("*.yaml"))
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = validate_catalog(catalog)
            times.append(time.perf_counter() - start)
        if result.diagnostics:
            print("unexpected problems:", *[d.text() for d in result.diagnostics[-5:]], sep="\n")
            return 1
    best, median = min(times), statistics.median(times)
    print(f"validate: {result.files_checked} files ({size / 1e6:.1f} MB), "
          f"best {best:.2f} s, median {median:.2f} s over {args.repeat} runs; "
          f"target < 2.00 s for 2,000 procedures: {'ok' if best < 2 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

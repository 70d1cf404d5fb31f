"""Benchmark: validate a generated catalog of N procedures (default 2,000), cold and with the cache.

Targets (issue 16), on the project's 2-core machine: cold (no validation cache) under 1.5 s, and
again after editing one file (the cache holds the other 1,999) under 0.3 s. Also printed: the fast
schema check of every file with fastjsonschema (used) and jsonschema-rs (measured, if installed).
The procedures are made from the fixture catalog's birth-registration procedure, with text of
the size real records have (long steps, a dozen documents, ten legal documents), each with its
own code, agency folder and sector, so every cross-file rule runs.

    python benchmarks/bench_validate.py [--count 2000] [--repeat 3]

Timings are in-process (the interpreter and imports are not counted) and the machine is shared:
the best of the runs is the verdict.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator import schemastore  # noqa: E402
from generator.validation import schemas  # noqa: E402
from generator.validation.validate import validate_catalog  # noqa: E402

COLD_TARGET, WARM_TARGET = 1.5, 0.3

BASE = REPO / "tests" / "cases" / "base" / "catalog"
# Sized so that a generated file is about 9 KB, like the mean of the real records imported from the
# national portal (their text averages 8 KB).
STEP = (
    "Người yêu cầu nộp hồ sơ trực tiếp tại Bộ phận Một cửa hoặc trực tuyến trên Cổng Dịch vụ công quốc gia; "
    "cán bộ tiếp nhận kiểm tra tính chính xác, đầy đủ, thống nhất, hợp lệ của hồ sơ, "
) * 3


# libyaml's emitter where PyYAML has it: the same text as the pure-Python dumper (compared on
# make_catalog's 1,500 files), six times faster; the signal tests generate 1,500 files per run.
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _NoAliases(_SafeDumper):  # type: ignore[valid-type,misc]  # a variable base: C or Python dumper
    def ignore_aliases(self, data: object) -> bool:
        return True


def make_catalog(root: Path, count: int) -> Path:
    catalog = root / "catalog"
    shutil.copytree(BASE, catalog)
    template = yaml.safe_load(
        (BASE / "procedures" / "ubnd-cap-xa" / "1.001193.yaml").read_text(encoding="utf-8")
    )
    template["steps"] = [{"items": [f"Bước {i}: {STEP}" for i in range(1, 6)]}]
    documents = template["dossier"][0]["documents"]
    template["dossier"][0]["documents"] = [
        dict(documents[i % 2], name=f"{documents[i % 2]['name']} {i}") for i in range(12)
    ]
    template["legal_basis"] = [dict(template["legal_basis"][0], number=f"{i}/2020/NĐ-CP") for i in range(10)]
    template["conditions"] = STEP * 2
    template["local"] = {"service_points": ["mot-cua-phuong-long-chau"]}
    template.pop("related", None)
    codes = []
    for n in range(count):
        code = f"9.{n:06d}"
        codes.append(code)
        data = dict(
            template, code=code, name=f"{template['name']} {n}", sector=("ho-tich", "cong-chung")[n % 2]
        )
        text = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=100)
        text = text.replace(f"code: {code}", f'code: "{code}"', 1)
        (catalog / "procedures" / "ubnd-cap-xa" / f"{code}.yaml").write_text(text, encoding="utf-8")
    decision = catalog / "decisions" / "163-QD-BTP.yaml"
    decision.write_text(
        decision.read_text(encoding="utf-8") + "".join(f'    - "{c}"\n' for c in codes), encoding="utf-8"
    )
    return catalog


def _fast_schema(kind: str) -> dict[str, object]:
    uri = schemastore.catalog_uri(kind)
    schema: dict[str, object] = schemas.inline_refs(schemastore.catalog_schema(kind), uri)
    schema.pop("$id", None)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return schema


def schema_checks(catalog: Path) -> str:
    """The fast yes/no schema check over every file: fastjsonschema against jsonschema-rs."""
    from generator.validation.load import discover, parse

    documents, _ = discover(catalog)
    parse(documents)
    loaded = [(d.kind, d.loaded.data) for d in documents if d.loaded is not None]
    checks = {kind: schemas._fastjsonschema_check(_fast_schema(kind)) for kind in {k for k, _ in loaded}}

    def best(check: dict[str, Any]) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            for kind, data in loaded:
                check[kind](data)
            times.append(time.perf_counter() - start)
        return min(times)

    fast = best(checks)
    try:
        import jsonschema_rs  # type: ignore[import-not-found]
    except ImportError:
        return f"schema check of {len(loaded)} files: fastjsonschema {fast * 1000:.0f} ms (jsonschema-rs not installed)"
    validators = {
        kind: jsonschema_rs.validator_for(
            _fast_schema(kind), formats={"date": schemas._is_date}, validate_formats=True
        )
        for kind in {k for k, _ in loaded}
    }
    valid = sum(validators[kind].is_valid(data) for kind, data in loaded)
    rust = best({kind: validator.is_valid for kind, validator in validators.items()})
    return (
        f"schema check of {len(loaded)} files: fastjsonschema {fast * 1000:.0f} ms, jsonschema-rs "
        f"{rust * 1000:.0f} ms ({valid} valid; the fast path uses jsonschema-rs when installed, "
        f"{'faster' if rust < fast else 'SLOWER here: reconsider'})"
    )


def cpu_since(before: os.times_result) -> float:
    """Processor seconds used since ``before`` by this process and its (reaped) worker processes."""
    now = os.times()
    return sum(
        getattr(now, f) - getattr(before, f) for f in ("user", "system", "children_user", "children_system")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp()  # a machine key of its own
    with tempfile.TemporaryDirectory() as tmp:
        catalog = make_catalog(Path(tmp), args.count)
        size = sum(p.stat().st_size for p in catalog.rglob("*.yaml"))
        cache_dir = catalog.parent / ".catalog-cache"
        plain, cold, warm, cold_cpu, warm_cpu = [], [], [], [], []
        files = sorted((catalog / "procedures" / "ubnd-cap-xa").glob("9.*.yaml"))
        problems: list[str] = []
        checked = 0
        for n in range(args.repeat):
            # Each run's result is freed before the next timed run starts (a command frees nothing
            # on exit, so freeing the last one is not part of any run's time).
            start = time.perf_counter()
            result = validate_catalog(catalog)
            plain.append(time.perf_counter() - start)
            checked = result.files_checked
            problems += [d.text() for d in result.diagnostics]
            del result
            shutil.rmtree(cache_dir, ignore_errors=True)
            start, before = time.perf_counter(), os.times()
            result = validate_catalog(catalog, cache=True)  # cold: every file checked, and the cache written
            cold.append(time.perf_counter() - start)
            cold_cpu.append(cpu_since(before))
            problems += [d.text() for d in result.diagnostics]
            del result
            edited = files[n * 7 % len(files)]
            edited.write_text(
                edited.read_text(encoding="utf-8").replace("Bước 1:", f"Bước 1 (sửa {n}):", 1),
                encoding="utf-8",
            )
            start, before = time.perf_counter(), os.times()
            result = validate_catalog(catalog, cache=True)
            warm.append(time.perf_counter() - start)
            warm_cpu.append(cpu_since(before))
            assert len(result.rechecked) == 1, result.rechecked
            problems += [d.text() for d in result.diagnostics]
            del result
        if problems:
            print("unexpected problems:", *problems[-5:], sep="\n")
            return 1
        checks = schema_checks(catalog)
    print(f"validate: {checked} files ({size / 1e6:.1f} MB), {args.repeat} runs of each (best, median)")
    print(f"  without the cache:      best {min(plain):.2f} s, median {statistics.median(plain):.2f} s")
    print(
        f"cold (cache written): best {min(cold):.2f} s, median {statistics.median(cold):.2f} s; "
        f"target < {COLD_TARGET:.2f} s for 2,000 procedures: {'ok' if min(cold) < COLD_TARGET else 'MISSED'}"
    )
    print(
        f"  processor time of all its processes: best {min(cold_cpu):.2f} s (on 2 free cores the wall "
        f"time is about half of it, plus the parent's own share)"
    )
    print(
        f"warm (one file edited): best {min(warm):.3f} s, median {statistics.median(warm):.3f} s; "
        f"target < {WARM_TARGET:.2f} s: {'ok' if min(warm) < WARM_TARGET else 'MISSED'}"
    )
    print(f"  processor time: best {min(warm_cpu):.3f} s")
    print(
        f"  machine load while measured (1-minute average): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  {checks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

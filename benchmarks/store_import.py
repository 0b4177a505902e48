"""Benchmark: parse + import real lists into a fresh store, next to a parse-only baseline.

Lists (from ../shared/data/lists): UN 2026-02-27, OFAC SDN CSV 2024-05-03, UK OFSI xlsx
2025-04-10, US CSL 2022. A list whose parser module does not exist yet is skipped with a note.

For each list, two runs, each in a forked child process so its peak RSS is its own:
* baseline: parse the files into FtM entities and walk them in a plain loop (no store);
* store: parse the same files and import them into a fresh store (SQLite by default).
Throughput is listed entities (targets: the entities a Sanction points at, i.e. the list's
records, not their Sanction, Address, Identification or link entities) per second of wall
time, parse included.

    .venv/bin/python benchmarks/store_import.py [--postgres URL] [--repeat N]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
LISTS = REPO.parent / "shared" / "data" / "lists"


@dataclass(frozen=True)
class ListSpec:
    name: str
    module: str  # sanctionwatch.sources.<module>
    files: tuple[str, ...]  # relative to LISTS
    version: str | None = None  # when the file states no date


LISTS_TO_RUN = (
    ListSpec("UN 2026-02-27", "un_sc_xml", ("un/consolidated.xml",)),
    ListSpec(
        "OFAC SDN 2024-05-03",
        "us_ofac_csv",
        ("us_ofac/sdn_csv_2024-05-03/sdn.csv",),
        version="2024-05-03",
    ),
    ListSpec("UK OFSI 2025-04-10", "gb_ofsi", ("uk_ofsi/UK_Sanctions_List.xlsx",)),
    ListSpec("US CSL 2022", "us_trade_csl", ("us_csl/consolidated.csv.gz",)),
)


def _parse(spec: ListSpec) -> Any:
    from sanctionwatch.sources.base import SourceFile

    module = importlib.import_module(f"sanctionwatch.sources.{spec.module}")
    files = [SourceFile(name=str(LISTS / f), data=(LISTS / f).read_bytes()) for f in spec.files]
    return module.parse(files)


def count_targets(entities: list[Any]) -> int:
    """The list's records: the entities its Sanction entities point at."""
    targets: set[str] = set()
    for entity in entities:
        if entity.schema.name == "Sanction":
            targets.update(entity.get("entity"))
    return len(targets)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """This process's CPU time: on a shared machine, steadier than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_baseline(spec: ListSpec) -> dict[str, Any]:
    cpu_start = _cpu_seconds()
    start = time.perf_counter()
    parsed = _parse(spec)
    values = 0
    for entity in parsed.entities:  # the plain loop: touch every value once
        values += sum(1 for _ in entity.itervalues())
    elapsed = time.perf_counter() - start
    return {
        "entities": len(parsed.entities),
        "targets": count_targets(parsed.entities),
        "values": values,
        "parse": elapsed,
        "import": 0.0,
        "total": elapsed,
        "peak_mib": _peak_mib(),
        "cpu": _cpu_seconds() - cpu_start,
    }


def run_store(spec: ListSpec, db_url: str) -> dict[str, Any]:
    from sanctionwatch.store import open_store

    cpu_start = _cpu_seconds()
    start = time.perf_counter()
    parsed = _parse(spec)
    parsed_at = time.perf_counter()
    with open_store(db_url) as store:
        report = store.import_list(parsed, version=spec.version or None)
    done = time.perf_counter()
    return {
        "entities": report.entities,
        "targets": count_targets(parsed.entities),
        "statements": report.statements,
        "parse": parsed_at - start,
        "import": done - parsed_at,
        "total": done - start,
        "peak_mib": _peak_mib(),
        "cpu": _cpu_seconds() - cpu_start,
    }


def _child(queue: Any, fn_name: str, spec: ListSpec, db_url: str | None) -> None:
    result = run_baseline(spec) if fn_name == "baseline" else run_store(spec, db_url or "")
    queue.put(result)


def in_child(fn_name: str, spec: ListSpec, db_url: str | None = None) -> dict[str, Any]:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, fn_name, spec, db_url))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    return result


def line(label: str, r: dict[str, Any]) -> str:
    rate = r["targets"] / r["total"] if r["total"] else 0.0
    cpu_rate = r["targets"] / r["cpu"] if r["cpu"] else 0.0
    return (
        f"  {label:<9} targets {r['targets']:>6}  entities {r['entities']:>6}  "
        f"parse {r['parse']:6.2f}s  import {r['import']:6.2f}s  total {r['total']:6.2f}s  "
        f"{rate:6.0f} targets/s wall  cpu {r['cpu']:6.2f}s {cpu_rate:6.0f} targets/cpu-s  "
        f"peak RSS {r['peak_mib']:5.0f} MiB"
    )


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"sw_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name, name


def drop_postgres(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="also run against PostgreSQL")
    args = parser.parse_args()
    specs = []
    for spec in LISTS_TO_RUN:
        if importlib.util.find_spec(f"sanctionwatch.sources.{spec.module}") is None:
            print(f"note: skipping {spec.name}: sanctionwatch.sources.{spec.module} missing")
        else:
            specs.append(spec)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at start: {load} on {os.cpu_count()} cores (shared machine)")
    with tempfile.TemporaryDirectory() as tmp:
        targets: list[tuple[str, str]] = [("sqlite", f"sqlite:///{tmp}/bench.sqlite")]
        pg_name = None
        if args.postgres:
            pg_url, pg_name = fresh_postgres(args.postgres)
            targets.append(("postgres", pg_url))
        try:
            totals: dict[str, dict[str, float]] = {}
            for spec in specs:
                print(f"{spec.name} ({', '.join(spec.files)})")
                runs = {"baseline": in_child("baseline", spec)}
                for label, url in targets:
                    runs[label] = in_child("store", spec, url)
                for label, r in runs.items():
                    print(line(label, r))
                    total = totals.setdefault(label, {"targets": 0, "entities": 0, "parse": 0})
                    for key in ("targets", "entities", "parse", "import", "total", "cpu"):
                        total[key] = total.get(key, 0) + r[key]
                    total["peak_mib"] = max(total.get("peak_mib", 0), r["peak_mib"])
            print("All lists")
            for label, total in totals.items():
                print(line(label, total))
        finally:
            if pg_name is not None and args.postgres:
                drop_postgres(args.postgres, pg_name)


if __name__ == "__main__":
    main()

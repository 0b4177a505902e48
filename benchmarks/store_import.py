"""Benchmark: list import end to end (the CLI's path), next to a parse-only baseline.

Lists (from ../shared/data/lists): UN 2026-02-27, OFAC SDN CSV 2024-05-03, UK OFSI xlsx
2025-04-10, US CSL 2022 (34,702 listed entities, 101,026 FtM entities).

Each run is a forked child process, so its peak RSS and CPU time are its own:
* baseline: the same files parsed into FtM entities, one list after the other in one process,
  and walked in a plain loop (no store, no parallelism);
* import: `ingest.service.import_paths` into a fresh store (SQLite by default): format
  detection, parallel parsing (process pool; each worker also validates its list,
  builds its statement rows and, for SQLite, writes them to a row file the writer copies
  in with one INSERT ... SELECT), and the sequential store import, as
  `sanctionwatch import FILE...` runs it;
* import-seq: the same with `workers=1` (everything in one process), to show what the
  parallel parse buys.
CPU is of the run's process and its workers; "parent" is the writing process alone (its
share is the part that cannot overlap with parsing).
Throughput is listed entities (the targets of Sanction entities: the lists' records, not
their Sanction, Address or Identification entities) per second of wall time. The issue's
target is 5,000 listed entities per second end to end on the 2-core machine.

    .venv/bin/python benchmarks/store_import.py [--postgres URL] [--no-sequential] [--repeat N]
"""

from __future__ import annotations

import argparse
import importlib
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
TARGET_PER_SECOND = 5000


@dataclass(frozen=True)
class ListSpec:
    name: str
    module: str  # sanctionwatch.sources.<module>
    file: str  # relative to LISTS


LISTS_TO_RUN = (
    ListSpec("UN 2026-02-27", "un_sc_xml", "un/consolidated.xml"),
    ListSpec("OFAC SDN 2024-05-03", "us_ofac_csv", "us_ofac/sdn_csv_2024-05-03/sdn.csv"),
    ListSpec("UK OFSI 2025-04-10", "gb_ofsi", "uk_ofsi/UK_Sanctions_List.xlsx"),
    ListSpec("US CSL 2022", "us_trade_csl", "us_csl/consolidated.csv.gz"),
)


def count_targets(entities: list[Any]) -> int:
    """The list's records: the entities its Sanction entities point at."""
    targets: set[str] = set()
    for entity in entities:
        if entity.schema.name == "Sanction":
            targets.update(entity.get("entity"))
    return len(targets)


def _usage() -> tuple[float, float, float, float]:
    """(CPU seconds of this process and its finished children, own peak MiB, children's,
    CPU seconds of this process alone)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_cpu = own.ru_utime + own.ru_stime
    cpu = own_cpu + kids.ru_utime + kids.ru_stime
    return cpu, own.ru_maxrss / 1024, kids.ru_maxrss / 1024, own_cpu


def run_baseline() -> dict[str, Any]:
    import gzip

    from sanctionwatch.sources.base import SourceFile

    cpu_start, _, _, own_start = _usage()
    start = time.perf_counter()
    entities = targets = values = 0
    for spec in LISTS_TO_RUN:
        module = importlib.import_module(f"sanctionwatch.sources.{spec.module}")
        data = (LISTS / spec.file).read_bytes()
        if spec.file.endswith(".gz"):
            data = gzip.decompress(data)
        parsed = module.parse([SourceFile(str(LISTS / spec.file), data)])
        for entity in parsed.entities:  # the plain loop: touch every value once
            values += sum(1 for _ in entity.itervalues())
        entities += len(parsed.entities)
        targets += count_targets(parsed.entities)
    elapsed = time.perf_counter() - start
    cpu, own_mib, kids_mib, own_cpu = _usage()
    return {
        "entities": entities,
        "targets": targets,
        "wall": elapsed,
        "cpu": cpu - cpu_start,
        "cpu_parent": own_cpu - own_start,
        "peak": own_mib,
        "peak_workers": kids_mib,
    }


def run_import(db_url: str, workers: int | None) -> dict[str, Any]:
    from sanctionwatch.ingest.service import import_paths
    from sanctionwatch.store import open_store

    paths = [LISTS / spec.file for spec in LISTS_TO_RUN]
    cpu_start, _, _, own_start = _usage()
    start = time.perf_counter()
    with open_store(db_url) as store:
        reports = import_paths(store, paths, workers=workers)
    elapsed = time.perf_counter() - start
    cpu, own_mib, kids_mib, own_cpu = _usage()
    return {
        "entities": sum(r.entities for r in reports),
        "statements": sum(r.statements for r in reports),
        "wall": elapsed,
        "cpu": cpu - cpu_start,
        "cpu_parent": own_cpu - own_start,
        "peak": own_mib,
        "peak_workers": kids_mib,
    }


def _child(queue: Any, kind: str, db_url: str, workers: int | None) -> None:
    # Import the package before the clock starts, as the CLI has by the time it imports.
    importlib.import_module("sanctionwatch.ingest.service")
    importlib.import_module("followthemoney")
    queue.put(run_baseline() if kind == "baseline" else run_import(db_url, workers))


def in_child(kind: str, db_url: str = "", workers: int | None = None) -> dict[str, Any]:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, kind, db_url, workers))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    return result


def line(label: str, r: dict[str, Any], targets: int) -> str:
    rate = targets / r["wall"] if r["wall"] else 0.0
    return (
        f"  {label:<18} listed {targets:>6}  entities {r['entities']:>6}  "
        f"wall {r['wall']:6.2f}s  {rate:6.0f} listed/s  cpu {r['cpu']:6.2f}s "
        f"(parent {r['cpu_parent']:5.2f}s)  peak RSS {r['peak']:5.0f} MiB "
        f"(workers {r['peak_workers']:4.0f} MiB)"
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
    parser.add_argument(
        "--no-sequential", action="store_true", help="skip the workers=1 import run"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="run baseline and imports N times (interleaved)"
    )
    args = parser.parse_args()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at start: {load} on {os.cpu_count()} cores (shared machine)")
    print("lists: " + "; ".join(f"{s.name} ({s.file})" for s in LISTS_TO_RUN))
    targets = 0
    for _ in range(args.repeat):
        targets = _round(args)
    wall_needed = targets / TARGET_PER_SECOND
    print(
        f"target: {TARGET_PER_SECOND} listed/s end to end = {targets} listed in "
        f"{wall_needed:.2f}s wall or less"
    )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at end: {load}")


def _round(args: argparse.Namespace) -> int:
    """One baseline run, then each import run, each in a fresh child process; returns the
    number of listed entities."""
    baseline = in_child("baseline")
    targets = baseline["targets"]
    print(line("baseline (parse)", baseline, targets))
    pg_name = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            runs: list[tuple[str, str, int | None]] = [
                ("import sqlite", f"sqlite:///{tmp}/parallel.sqlite", None)
            ]
            if not args.no_sequential:
                runs.append(("import-seq sqlite", f"sqlite:///{tmp}/seq.sqlite", 1))
            if args.postgres:
                pg_url, pg_name = fresh_postgres(args.postgres)
                runs.append(("import postgres", pg_url, None))
            for label, url, workers in runs:
                result = in_child("import", url, workers)
                if result["entities"] != baseline["entities"]:
                    print(f"  WARNING: {label} imported {result['entities']} entities")
                print(line(label, result, targets))
    finally:
        if pg_name is not None and args.postgres:
            drop_postgres(args.postgres, pg_name)
    return int(targets)


if __name__ == "__main__":
    main()

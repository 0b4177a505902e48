"""Benchmark: `Store.changes()` between two real list versions, next to a plain Python diff.

Pairs (from ../shared/data/lists): UN 2025-11-20 -> 2026-02-27 (a handful of changes) and
OFAC SDN CSV 2022-02-24 -> 2024-05-03 (thousands of added, removed and modified entities).
Each pair is imported into a fresh SQLite store (not timed), then, in the same process:
* baseline: read both versions with `Store.entities(dataset, version=...)` into dicts
  {id: (schema, properties)} and diff them in Python (ids added, removed, changed): the
  cheapest full comparison, without the children folding or the reference numbers;
* changes: `Store.changes(dataset)` (the default: previous -> current version).
Times are the median of `--repeat` runs, wall and CPU seconds of this process. Also printed:
the latency of `Store.entity()` and `Store.entity_nested()` on a target of each list.

    .venv/bin/python benchmarks/store_changes.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
LISTS = ROOT.parent / "shared" / "data" / "lists"


@dataclass(frozen=True)
class Pair:
    label: str
    dataset: str
    files: tuple[str, str]


PAIRS = (
    Pair(
        "UN 2025-11-20 -> 2026-02-27",
        "un_sc_sanctions",
        ("un/history/2025-11-20/consolidated.xml.gz", "un/consolidated.xml"),
    ),
    Pair(
        "OFAC SDN 2022-02-24 -> 2024-05-03",
        "us_ofac_sdn",
        ("us_ofac/history/sdn_csv_2022-02-24/sdn.csv.gz", "us_ofac/sdn_csv_2024-05-03/sdn.csv"),
    ),
)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds over `repeat` runs, and the last result."""
    walls, cpus = [], []
    result: Any = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def python_diff(store: Any, dataset: str, old: str, new: str) -> tuple[int, int, int]:
    """Baseline: both versions read in full and compared as dicts."""

    def snapshot(version: str) -> dict[str, tuple[str, dict[str, list[str]]]]:
        return {
            str(e.id): (e.schema.name, {p: sorted(v) for p, v in e.properties.items()})
            for e in store.entities(dataset, version=version)
        }

    before, after = snapshot(old), snapshot(new)
    changed = sum(1 for k in before.keys() & after.keys() if before[k] != after[k])
    return len(after.keys() - before.keys()), len(before.keys() - after.keys()), changed


def latency_ms(fn: Callable[[], Any], runs: int = 20) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run(pair: Pair, repeat: int, workdir: Path) -> None:
    from sanctionwatch.ingest.service import import_paths
    from sanctionwatch.store import open_store

    with open_store(f"sqlite:///{workdir / (pair.dataset + '.sqlite')}") as store:
        reports = import_paths(store, [LISTS / f for f in pair.files], workers=1)
        old, new = reports[0].version, reports[-1].version
        print(f"\n{pair.label}: {reports[0].entities:,} -> {reports[-1].entities:,} FtM entities")
        wall, cpu, counts = timed(lambda: python_diff(store, pair.dataset, old, new), repeat)
        print(
            f"  baseline python diff of Store.entities(): wall {wall:6.2f} s  cpu {cpu:6.2f} s"
            f"  ({counts[0]:,} entities added, {counts[1]:,} removed, {counts[2]:,} changed)"
        )
        wall, cpu, changes = timed(lambda: store.changes(pair.dataset), repeat)
        related = sum(len(i.related) for i in changes.modified)
        print(
            f"  Store.changes():                         wall {wall:6.2f} s  cpu {cpu:6.2f} s"
            f"  ({len(changes.added):,} added, {len(changes.removed):,} removed, "
            f"{len(changes.modified):,} modified items, {related:,} related children)"
        )
        target = (changes.added or changes.modified or changes.removed)[0].id
        if store.entity(target) is not None:
            print(
                f"  Store.entity({target}): {latency_ms(lambda: store.entity(target)):.1f} ms, "
                f"entity_nested: {latency_ms(lambda: store.entity_nested(target)):.1f} ms "
                "(median of 20)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"repeat {args.repeat}, SQLite, median wall / CPU seconds of this process")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average at start {load} (wall times inflate with it)")
    with tempfile.TemporaryDirectory() as tmp:
        for pair in PAIRS:
            run(pair, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()

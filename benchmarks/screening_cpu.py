"""Scoring CPU per warm `/match` query: sw-v1 as released beside the current scorer.

The HTTP load target (issue 6) is bounded by scoring, so this measures what the load test's
server pays per query: the 1,000 load-test queries of `benchmarks/load_queries.py` against the
UN list, `Screener.match` with the load test's options after `warm()`, caches warm (the load
test repeats its queries). `tests/screening/reference_v1.py` (the released scorer, same
results) and the current code run alternately in this process; thread CPU time per query.
"query memos cold" drops the per-query-name memos before every query: the cost of a name new
to the process (word-level caches still warm). "never-seen queries" are queries of other
seeds, each screened once by one system (halves swapped between two rounds): names, words
and spellings new to the process, as most real screening is. After the warm-up the heap is
collected and frozen, as the API server does (`api/heap.py`), so that full collections of
the index do not land on random queries.

    PYTHONPATH=src:. .venv/bin/python benchmarks/screening_cpu.py [--passes 3] [--profile]
    # an older code tree, copied to /tmp/old/sanctionwatch:
    PYTHONPATH=/tmp/old:. .venv/bin/python benchmarks/screening_cpu.py
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import time
from collections.abc import Callable

from benchmarks.load_queries import make_queries
from benchmarks.screening_accuracy import log, parse_lists
from followthemoney import EntityProxy
from tests.screening import reference_v1

from sanctionwatch.screening import compare
from sanctionwatch.screening.service import MatchOptions, MatchResult, Screener, make_query

SEED = 20261128  # the load test's seed


def run(system: Callable[[EntityProxy], list[MatchResult]], queries: list[EntityProxy]) -> float:
    """Thread CPU seconds for one pass over the queries."""
    t0 = time.thread_time()
    for query in queries:
        system(query)
    return time.thread_time() - t0


def never_seen(
    entities: list[EntityProxy],
    count: int,
    systems: dict[str, Callable[[EntityProxy], list[MatchResult]]],
) -> dict[str, list[float]]:
    """Thread CPU ms per query of the released and the current scorer on queries new to the
    process: each query is screened once, by one of them (a second run would find its names
    analysed and its words compared); two rounds of other seeds, halves swapped."""
    labels = ["released (reference_v1)", "current"]
    out: dict[str, list[float]] = {label: [] for label in labels}
    for round_number in (1, 2):
        specs, _ = make_queries(entities, count, seed=SEED + round_number)
        for number, spec in enumerate(specs):
            label = labels[(number + round_number) % 2]
            query = make_query(spec["schema"], spec["properties"])
            t0 = time.thread_time()
            systems[label](query)
            out[label].append((time.thread_time() - t0) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--passes", type=int, default=3, help="timed passes per system")
    parser.add_argument("--profile", action="store_true", help="cProfile one pass of the new")
    parser.add_argument("--fresh", type=int, default=3000, help="never-seen queries per round")
    args = parser.parse_args()
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    lists = parse_lists(["un"])
    versions = {p.dataset: p.version for p in lists}
    entities = [e for p in lists for e in p.entities]
    screener = Screener.build(entities, versions=versions)
    screener.warm()
    specs, kinds = make_queries(entities, args.queries, seed=SEED)
    queries = [make_query(s["schema"], s["properties"]) for s in specs]
    options = MatchOptions(cutoff=0.7)  # as api_load.py's in-process baseline

    def new_name(query: EntityProxy) -> list[MatchResult]:
        # as if every query name were new to the process (word caches warm); the memos are
        # dropped by hand in code trees from before `clear_memos` (run on a copy of them)
        clear = getattr(compare, "clear_memos", None)
        if clear is not None:
            clear()
        else:
            for data in compare._memo_names:
                data.memo = None
            compare._memo_names.clear()
        return screener.match(query, options)

    systems: dict[str, Callable[[EntityProxy], list[MatchResult]]] = {
        "released (reference_v1)": lambda q: reference_v1.match(screener, q, options),
        "current": lambda q: screener.match(q, options),
        "current, query memos cold": new_name,
    }
    print(f"{len(screener)} entities (UN), {len(queries)} queries {dict(sorted(kinds.items()))}")
    for system in systems.values():  # warm every cache once, as a running server would be
        run(system, queries)
    for label in ("current", "current, query memos cold"):
        same = sum(
            [r.to_dict() for r in systems[label](q)]
            == [r.to_dict() for r in systems["released (reference_v1)"](q)]
            for q in queries
        )
        print(f"{label}: identical results on {same}/{len(queries)} queries")
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {label: [] for label in systems}
    for _ in range(args.passes):  # alternate, so that machine noise hits all alike
        for label, system in systems.items():
            if label == "current":
                run(system, queries)  # refill the memos the cold system dropped (untimed)
            times[label].append(run(system, queries) * 1000 / len(queries))
    base = min(times["released (reference_v1)"])
    print("\nCPU ms per warm Screener.match (thread time; min and median of passes)")
    for label, values in times.items():
        best = min(values)
        print(
            f"  {label:<27} min {best:6.3f}  median {statistics.median(values):6.3f}  "
            f"passes {' '.join(f'{v:.3f}' for v in values)}  ratio {base / best:.2f}x"
        )
    fresh_times = never_seen(entities, args.fresh, systems)
    print(f"\nCPU ms per never-seen query ({args.fresh} per round, two rounds, halves swapped)")
    fresh_base = statistics.mean(fresh_times["released (reference_v1)"])
    for label, values in fresh_times.items():
        values.sort()
        mean = statistics.mean(values)
        print(
            f"  {label:<27} mean {mean:6.3f}  p50 {values[len(values) // 2]:6.3f}  "
            f"p90 {values[int(len(values) * 0.9)]:6.3f}  p99 {values[int(len(values) * 0.99)]:6.3f}"
            f"  ratio {fresh_base / mean:.2f}x"
        )
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run(systems["current"], queries)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
    log("done")


if __name__ == "__main__":
    main()

"""Screening speed: latency, throughput, cold start and candidate recall, next to logic-v2.

First, CPU per `Screener.match` call before and after the sw-v1 speed-up, in this process:
`tests/screening/reference_v1.py` (sw-v1 as released, same results) and the current code
match the 1,000 load-test queries of `benchmarks/load_queries.py` (UN-listed names spelled
like clerks and evaders, scripts, synthetic negatives); thread CPU time per query, with
query caches cleared ("new queries") and then warm (the load test repeats its queries).

Against the union of UN 2026 + OFAC SDN 2024 + UK OFSI 2025 + US CSL 2022. One process, one
core. Queries: a seeded mix of UN-listed persons (name, birth date, nationality), synthetic
persons and the Korean/Cyrillic cases. Single queries are timed end to end (validate the
query, gather candidates, score, explain, sort); nomenklatura logic-v2 scores the very same
candidates in the same run (its own candidate search is Elasticsearch, not runnable here, so
its figure leaves retrieval out and flatters it).

    PYTHONPATH=src:. .venv-bench/bin/python benchmarks/screening_speed.py

Without nomenklatura installed (`.venv`), the logic-v2 anchor is skipped.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.screening_accuracy import (
    EVAL,
    INDEX_DIR,
    LogicV2System,
    build_screener,
    log,
    parse_lists,
    person_rows,
)
from followthemoney import EntityProxy
from tests.screening import reference_v1
from tests.screening.cases import CYRILLIC_CASES, KOREAN_CASES

from sanctionwatch.screening import compare, korean, names, normalize
from sanctionwatch.screening.algorithms import get_algorithm
from sanctionwatch.screening.batch import screen_rows, spec_for
from sanctionwatch.screening.service import (
    MatchOptions,
    MatchResult,
    Screener,
    candidate_budget,
    make_query,
)
from sanctionwatch.sources.base import ParsedList

COLD_START = """
import time, sys
t0 = time.perf_counter()
from sanctionwatch.screening.service import Screener, MatchOptions, make_query
t1 = time.perf_counter()
s = Screener.build(iter(()), versions={versions!r}, index_dir=__import__("pathlib").Path({path!r}))
t2 = time.perf_counter()
s.match(make_query("Person", {{"name": ["Kim Jong Un"]}}), MatchOptions())
t3 = time.perf_counter()
print(f"{{t1 - t0:.3f}} {{t2 - t1:.3f}} {{t3 - t2:.3f}} {{len(s)}}")
"""


def percentile(values: list[float], q: float) -> float:
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, int(q * len(ranked)))]


def query_rows(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    fixtures = EVAL / "yente_screening_fixtures"
    positives = person_rows(fixtures / "positives_un_untreated.csv")
    negatives = person_rows(fixtures / "negatives_us.csv")
    rows = rng.sample(positives, min(len(positives), n // 2)) + rng.sample(negatives, n - n // 2)
    rows += [{"full_name": c.query} for c in KOREAN_CASES + CYRILLIC_CASES]
    rng.shuffle(rows)
    return rows


def props(row: dict[str, str]) -> dict[str, list[str]]:
    out = {"name": [row["full_name"]]}
    if row.get("date_of_birth"):
        out["birthDate"] = [row["date_of_birth"]]
    return out


def clear_caches() -> None:
    """Forget everything learnt from earlier queries: the next ones are new to the process."""
    for cached in (
        compare.word_similarity,
        compare.consonants,
        normalize.skeleton,
        normalize.to_ascii,
        names.analyze_name,
        korean.parse_syllable,
        korean.parse_word,
    ):
        cached.cache_clear()


def cpu_before_after(screener: Screener, queries: list[EntityProxy], passes: int) -> None:
    """CPU per match of sw-v1 as released and as now, same queries, same process."""
    options = MatchOptions()
    systems: dict[str, Callable[[EntityProxy], list[MatchResult]]] = {
        "before": lambda q: reference_v1.match(screener, q, options),
        "after": lambda q: screener.match(q, options),
    }
    print(f"\n## CPU per Screener.match, sw-v1 before/after the speed-up ({len(queries)} queries)")
    cold: dict[str, list[float]] = {}
    for label in ("before", "after", "before", "after"):  # twice each, alternating
        clear_caches()
        run = systems[label]
        times = []
        for query in queries:
            t0 = time.thread_time()
            run(query)
            times.append(time.thread_time() - t0)
        if label not in cold or sum(times) < sum(cold[label]):
            cold[label] = times
    warm: dict[str, list[float]] = {label: [math.inf] * len(queries) for label in systems}
    same = 0
    for _ in range(passes):  # per query the least CPU of all passes: the least disturbed
        for number, query in enumerate(queries):
            results = {}
            for label, run in systems.items():
                t0 = time.thread_time()
                results[label] = run(query)
                spent = time.thread_time() - t0
                warm[label][number] = min(warm[label][number], spent)
            same += [r.to_dict() for r in results["before"]] == [
                r.to_dict() for r in results["after"]
            ]
    print(f"   identical results (all fields): {same}/{passes * len(queries)}")
    for title, figures in (("new queries (caches cleared)", cold), ("warm", warm)):
        print(f"   {title}:")
        for label, times in figures.items():
            ms = [x * 1000 for x in times]
            print(
                f"     {label:<6} p50 {percentile(ms, 0.5):.2f} ms  p95 "
                f"{percentile(ms, 0.95):.2f} ms  p99 {percentile(ms, 0.99):.2f} ms  "
                f"mean {statistics.mean(ms):.2f} ms CPU"
            )
        ratio = sum(figures["before"]) / sum(figures["after"])
        print(f"     speed-up: {ratio:.2f}x CPU per query (mean)")


def load_test_queries(lists: Sequence[ParsedList], count: int, seed: int) -> list[EntityProxy]:
    """The load test's queries (benchmarks/api_load.py), drawn from the UN list."""
    if str(Path(__file__).parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).parent))
    from load_queries import make_queries

    un = [e for p in lists if p.dataset == "un_sc_sanctions" for e in p.entities]
    specs, _ = make_queries(un, count, seed=seed)
    return [make_query(s["schema"], s["properties"]) for s in specs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--passes", type=int, default=3, help="warm passes (before/after)")
    parser.add_argument(
        "--only-before-after", action="store_true", help="the before/after section alone"
    )
    args = parser.parse_args()

    log("parsing lists")
    lists = parse_lists(["un", "ofac", "uk", "csl"])
    started = time.perf_counter()
    build_screener(lists)  # builds and saves the index unless a saved one matches
    screener = build_screener(lists)  # so this one is loaded from disk, as a server would
    log(f"index ready in {time.perf_counter() - started:.1f}s: {len(screener)} entities")
    print(f"# lists: {screener.versions}; {len(screener)} matchable entities")
    print(
        f"# seed {args.seed}; {args.queries} queries + {len(KOREAN_CASES + CYRILLIC_CASES)} cases"
    )
    screener.warm()
    cpu_before_after(screener, load_test_queries(lists, 1000, args.seed), args.passes)
    if args.only_before_after:
        return
    screener = build_screener(lists)  # a fresh load for the figures below

    # cold start: a fresh interpreter loading the persisted index, then one query
    code = COLD_START.format(versions=screener.versions, path=str(INDEX_DIR))
    colds = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        colds.append([float(x) for x in out.stdout.split()[:3]])
    imp, load, first = (statistics.median(c[i] for c in colds) for i in range(3))
    print(
        f"\n## cold start (median of 3 fresh processes): import {imp:.2f}s + load index "
        f"{load:.2f}s + first query {first:.2f}s = {imp + load + first:.2f}s"
    )

    rows = query_rows(args.queries, args.seed)
    options = MatchOptions()
    algo = get_algorithm("best")
    budget = candidate_budget(options.limit)

    def timed_run(label: str) -> tuple[float, list[list[object]]]:
        latencies: list[float] = []
        cands: list[list[object]] = []
        for row in rows:
            t0 = time.perf_counter()
            query = make_query("Person", props(row))
            screener.match(query, options)
            latencies.append(time.perf_counter() - t0)
            prepared = algo.prepare(query)
            cands.append([c.proxy for c in screener._index.candidates(prepared, budget=budget)])
        ms = [x * 1000 for x in latencies]
        qps = len(ms) / sum(latencies)
        print(f"\n## single queries, sanctionwatch {algo.name}, {label}")
        print(f"   (limit 5, {budget} candidates scored; validate, retrieve, score, explain, sort)")
        print(
            f"   p50 {percentile(ms, 0.5):.2f} ms  p95 {percentile(ms, 0.95):.2f} ms  "
            f"p99 {percentile(ms, 0.99):.2f} ms  mean {statistics.mean(ms):.2f} ms  "
            f"-> {qps:.0f} queries/s on one core"
        )
        return qps, cands

    timed_run("right after loading (features computed on first touch)")
    t0 = time.perf_counter()
    screener.warm()
    print(
        f"\n## warm-up of all {len(screener)} entities' features: {time.perf_counter() - t0:.1f}s"
    )
    ours_qps, candidates_per_query = timed_run("warm worker")

    try:
        anchor = LogicV2System()
    except ImportError:
        anchor = None
        print("## nomenklatura logic-v2: not installed here (use .venv-bench), skipped")
    if anchor is not None:
        anchor_times: list[float] = []
        for row, cands in zip(rows, candidates_per_query, strict=True):
            query = make_query("Person", props(row))
            t0 = time.perf_counter()
            for cand in cands:
                anchor.score(query, cand)  # type: ignore[arg-type]
            anchor_times.append(time.perf_counter() - t0)
        ams = [x * 1000 for x in anchor_times]
        anchor_qps = len(ams) / sum(anchor_times)
        print("## single queries, nomenklatura logic-v2 scoring the same candidates (no retrieval)")
        print(
            f"   p50 {percentile(ams, 0.5):.2f} ms  p95 {percentile(ams, 0.95):.2f} ms  "
            f"p99 {percentile(ams, 0.99):.2f} ms  mean {statistics.mean(ams):.2f} ms  "
            f"-> {anchor_qps:.0f} queries/s on one core"
        )
        print(f"   speed-up: {ours_qps / anchor_qps:.1f}x queries/s")

    # batch throughput: the screen-file row function over a table
    rng = random.Random(args.seed + 1)
    negatives = person_rows(EVAL / "yente_screening_fixtures" / "negatives_us.csv")
    batch = rng.sample(negatives, args.batch)
    spec = spec_for(list(batch[0]), schema="Person")
    t0 = time.perf_counter()
    out = list(screen_rows(screener, batch, spec))
    elapsed = time.perf_counter() - t0
    print(f"\n## batch (screen-file row function, embedded, one core): {len(out)} rows")
    print(f"   {len(out) / elapsed:.0f} rows/s ({elapsed:.1f}s)")

    # candidate recall: does the index hand the scorer the entity a full scan would pick?
    un_only = Screener.build(
        [e for p in lists if p.dataset == "un_sc_sanctions" for e in p.entities],
        versions={"un_sc_sanctions": screener.versions["un_sc_sanctions"]},
    )
    positives = person_rows(EVAL / "yente_screening_fixtures" / "positives_un_untreated.csv")
    sample = random.Random(args.seed + 2).sample(positives, min(300, len(positives)))
    stats = un_only._index.stats
    people = [i for i in un_only._index.entities if i.schema == "Person"]
    budgets = (10, candidate_budget(5), 50)
    found = dict.fromkeys(budgets, 0)
    total = 0
    for row in sample:
        query = algo.prepare(make_query("Person", props(row)))
        best = max(people, key=lambda i: algo.compare(query, i.prepared, stats).score)
        if algo.compare(query, best.prepared, stats).score < 0.7:
            continue
        total += 1
        for budget in budgets:
            cands = un_only._index.candidates(query, budget=budget)
            found[budget] += any(c is best for c in cands)
    print(f"\n## candidate recall on {len(sample)} UN positives (seeded), UN index:")
    print(f"   of {total} queries whose full-scan best match scores >= 0.7, that match is among")
    for budget in budgets:
        print(f"   the top {budget:>3} candidates: {found[budget] / max(1, total):.3f}")


if __name__ == "__main__":
    main()

"""Screening identity check: every result field of sw-v1, recorded by one code tree, compared.

sw-v1 is a released algorithm: a speed-up must not move a single score. This script screens
the UN 2026 + OFAC SDN 2024-05-03 lists with the 1,000 load-test queries of
`benchmarks/load_queries.py` (twice: limit 5 and limit 20), the yente screening fixtures (UN
and US Congress positives, a seeded sample of the synthetic negatives), the Korean and
Cyrillic case tables with seeded variants and a few `/search` texts, and scores the pair eval
sets (nomenklatura name and entity benches, the 2021 judgement pairs, the OFAC fixtures)
directly with the algorithm. Every result is written as one JSON line; floats are written with
`repr`, so equal files mean bit-identical scores.

    # before a change, with the old modules copied to /tmp/old/sanctionwatch; one hash seed
    # for both runs (code before the birth-date tie-break of `_closest_dates` explained
    # equally close dates in set order, which depends on the hash seed):
    export PYTHONHASHSEED=0 CHECK=benchmarks/screening_identity.py
    PYTHONPATH=/tmp/old:. .venv/bin/python $CHECK record /tmp/before.jsonl.gz
    PYTHONPATH=src:. .venv/bin/python $CHECK record /tmp/after.jsonl.gz
    .venv/bin/python $CHECK compare /tmp/before.jsonl.gz /tmp/after.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEED = 20261128


def _records(negatives: int) -> Iterator[dict[str, Any]]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from benchmarks.screening_accuracy import (
        EVAL,
        entity_bench,
        judgement_pairs,
        log,
        name_bench,
        ofac_fixtures,
        parse_lists,
        person_query,
        person_rows,
    )
    from tests.screening.cases import CYRILLIC_CASES, KOREAN_CASES, seeded_variants

    import sanctionwatch.screening.service as service_module
    from load_queries import make_queries
    from sanctionwatch.screening.algorithms import get_algorithm
    from sanctionwatch.screening.service import MatchOptions, Screener, make_query

    log(f"code under test: {Path(service_module.__file__).parent}")
    lists = parse_lists(["un", "ofac"])
    versions = {p.dataset: p.version for p in lists}
    started = time.process_time()
    screener = Screener.build([e for p in lists for e in p.entities], versions=versions)
    log(f"index of {len(screener)} entities built in {time.process_time() - started:.1f}s CPU")
    algo = get_algorithm("best")
    stats = screener._index.stats

    def results(query: Any, options: Any) -> list[dict[str, Any]]:
        out = []
        for result in screener.match(query, options):
            data = result.to_dict()
            data.pop("properties")  # the listed entity itself; its ID is enough
            out.append(data)
        return out

    un_entities = [e for p in lists if p.dataset == "un_sc_sanctions" for e in p.entities]
    queries, _ = make_queries(un_entities, 1000, seed=SEED)
    cpu: list[float] = []
    for limit in (5, 20):
        options = MatchOptions(limit=limit)
        for number, spec in enumerate(queries):
            query = make_query(spec["schema"], spec["properties"])
            t0 = time.thread_time()
            found = results(query, options)
            cpu.append(time.thread_time() - t0)
            yield {"kind": f"load/limit{limit}", "key": number, "results": found}
    cpu.sort()
    log(
        f"load queries: CPU per match p50 {cpu[len(cpu) // 2] * 1000:.2f} ms, "
        f"p99 {cpu[int(len(cpu) * 0.99)] * 1000:.2f} ms"
    )

    fixtures = EVAL / "yente_screening_fixtures"
    rows = {
        "positives_un": person_rows(fixtures / "positives_un_untreated.csv"),
        "positives_us_congress": person_rows(fixtures / "positives_us_congress_untreated.csv"),
    }
    all_negatives = person_rows(fixtures / "negatives_us.csv")
    rows["negatives"] = random.Random(SEED).sample(all_negatives, negatives)
    options = MatchOptions(limit=10, threshold=0.7, cutoff=0.0)  # as screening_accuracy.py
    for name, table in rows.items():
        for number, row in enumerate(table):
            found = results(person_query(row), options)
            yield {"kind": f"fixtures/{name}", "key": number, "results": found}
    log("fixtures done")

    cases = KOREAN_CASES + CYRILLIC_CASES
    cases = cases + seeded_variants(cases, SEED, per_case=6)
    for case in cases:
        query = make_query(case.schema, {"name": [case.query]})
        yield {"kind": "cases", "key": case.id, "results": results(query, MatchOptions(limit=10))}
        page = screener.search(case.query, limit=20)
        yield {"kind": "search", "key": case.id, "results": [str(e.id) for e in page.results]}

    pairs = [(p.dataset, p.query, p.candidate) for p in name_bench() + entity_bench()]
    pairs += [(p.dataset, p.query, p.candidate) for p in judgement_pairs()]
    pairs += [("ofac_fixtures", q, c) for q, c, _ in ofac_fixtures()]
    for number, (dataset, query, candidate) in enumerate(pairs):
        outcome = algo.compare(algo.prepare(query), algo.prepare(candidate), stats)
        yield {
            "kind": f"pairs/{dataset}",
            "key": number,
            "results": [outcome.score, outcome.explanations, outcome.features],
        }
    log(f"{len(pairs)} pairs done")


def record(path: Path, negatives: int) -> None:
    count = 0
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for item in _records(negatives):
            fh.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    print(f"{count} records written to {path}")


def _diff(left: Any, right: Any, where: str, out: list[str]) -> None:
    """Every differing leaf, with its path; floats compare exactly (and by type)."""
    if type(left) is not type(right):
        out.append(f"{where}: {left!r} != {right!r}")
    elif isinstance(left, dict):
        for key in sorted(set(left) | set(right)):
            _diff(left.get(key, "<missing>"), right.get(key, "<missing>"), f"{where}.{key}", out)
    elif isinstance(left, list):
        if len(left) != len(right):
            out.append(f"{where}: {len(left)} items != {len(right)} items")
        for index, (a, b) in enumerate(zip(left, right, strict=False)):
            _diff(a, b, f"{where}[{index}]", out)
    elif left != right:
        out.append(f"{where}: {left!r} != {right!r}")


def compare(before: Path, after: Path, ignore: tuple[str, ...] = ()) -> int:
    def load(path: Path) -> dict[tuple[str, str], Any]:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            items = [json.loads(line) for line in fh]
        return {(i["kind"], str(i["key"])): i["results"] for i in items}

    old, new = load(before), load(after)
    diffs: list[str] = []
    if set(old) != set(new):
        diffs.append(f"record keys differ: {len(set(old) ^ set(new))} not in both")
    kinds: dict[str, int] = {}
    leaves = 0
    for key in sorted(set(old) & set(new)):
        kinds[key[0]] = kinds.get(key[0], 0) + 1
        _diff(old[key], new[key], f"{key[0]}#{key[1]}", diffs)
        leaves += json.dumps(old[key]).count(",") + 1
    for kind, count in sorted(kinds.items()):
        print(f"   {kind:<32} {count:>6} records")
    if ignore:
        kept = [d for d in diffs if not d.split(":", 1)[0].endswith(ignore)]
        print(f"{len(diffs) - len(kept)} differences ignored (paths ending in {', '.join(ignore)})")
        diffs = kept
    print(f"{len(old)} records before, {len(new)} after, about {leaves} fields compared")
    for line in diffs[:30]:
        print("DIFF " + line)
    print("IDENTICAL" if not diffs else f"{len(diffs)} DIFFERENCES")
    return 0 if not diffs else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="screen everything, write JSON lines (gzip)")
    rec.add_argument("output", type=Path)
    rec.add_argument("--negatives", type=int, default=5000, help="seeded sample of negatives")
    cmp = sub.add_parser("compare", help="compare two recordings field by field")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    cmp.add_argument(
        "--ignore",
        action="append",
        default=[],
        help="drop differences whose path ends so (e.g. explanations.birth_date.detail)",
    )
    args = parser.parse_args()
    if args.command == "record":
        record(args.output, args.negatives)
    else:
        sys.exit(compare(args.before, args.after, tuple(args.ignore)))


if __name__ == "__main__":
    main()

"""Scoring many candidates at once gives what scoring them one by one gives.

`score_many` skips candidates that provably cannot pass the floor and prepares the query's
word comparisons for all candidates in one batch (`prime`); both must be invisible in the
results. Queries are seeded load-test queries and the Korean/Cyrillic case tables.
"""

from __future__ import annotations

import pytest
from benchmarks.load_queries import make_queries
from followthemoney import EntityProxy

from sanctionwatch.screening import compare
from sanctionwatch.screening.algorithms import get_algorithm
from sanctionwatch.screening.compare import NameParams, clear_memos
from sanctionwatch.screening.features import Features
from sanctionwatch.screening.names import Name
from sanctionwatch.screening.service import Screener, make_query
from tests.screening.cases import CYRILLIC_CASES, KOREAN_CASES

SEED = 20261128


@pytest.fixture(scope="module")
def pairs(
    screener: Screener, listed: tuple[list[EntityProxy], dict[str, str]]
) -> list[tuple[Features, list[Features]]]:
    print(f"seed {SEED}")
    entities, _ = listed
    specs, _ = make_queries(entities, 120, seed=SEED)
    queries = [make_query(s["schema"], s["properties"]) for s in specs]
    queries += [make_query(c.schema, {"name": [c.query]}) for c in KOREAN_CASES + CYRILLIC_CASES]
    algo = get_algorithm("best")
    out = []
    for query in queries:
        prepared = algo.prepare(query)
        found = screener._index.candidates(prepared, budget=40)
        out.append((prepared, [item.prepared for item in found]))
    return out


@pytest.mark.parametrize("floor", [-1.0, 0.0, 0.5, 0.7, 0.9])
def test_score_many_equals_score_or_proves_it_low(
    screener: Screener, pairs: list[tuple[Features, list[Features]]], floor: float
) -> None:
    algo = get_algorithm("best")
    stats = screener._index.stats
    skipped = 0
    for query, candidates in pairs:
        clear_memos()
        batch = algo.score_many(query, candidates, stats, floor)
        clear_memos()
        for candidate, found in zip(candidates, batch, strict=True):
            alone = algo.score(query, candidate, stats)
            if found is None:
                assert alone <= floor
                skipped += 1
            else:
                assert found == alone
    if floor >= 0.7:
        assert skipped > 0  # far birth dates and the like: the bound does its work


def _listed_names(candidates: list[Features]) -> list[Name]:
    return [n for c in candidates for n in (*c.names, *c.weak_names)]


def test_primed_memos_equal_memos_filled_one_by_one(
    pairs: list[tuple[Features, list[Features]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compare, "_BATCH_MIN", 1)  # batch even the smallest sets
    params = NameParams()
    compared = 0
    for query, candidates in pairs:
        listed = _listed_names(candidates)
        for qn in query.names:
            clear_memos()
            compare.prime(qn, listed, params=params)
            batch = compare._data(qn).memo
            assert batch is not None
            clear_memos()
            lazy = compare._memo(qn, compare._data(qn), params)
            for cn in listed:
                data = compare._data(cn)
                for key, part in zip(data.keys, data.parts, strict=True):
                    if key not in lazy.columns:
                        lazy.column(part, key)
                lazy.joins_hit(data)
            assert batch.columns == lazy.columns
            # the batch decides every join it saw (the lazy walk stops at a name's first hit)
            assert lazy.joined.items() <= batch.joined.items()
            for text, hit in batch.joined.items():
                assert hit == compare._compound_hit([text], lazy.texts, params), text
            compared += len(lazy.columns)
    assert compared > 1000

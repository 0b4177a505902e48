"""The faster sw-v1 equals sw-v1 as released, field for field, on real list data.

`reference_v1` is the scorer before its speed-up. Both run here in one process (so even set
iteration order is shared) on the test index (UN DPRK + an OFAC SDN slice): seeded load-test
queries (listed names with typos, reordering, Cyrillic spelling, birth dates...), the yente
screening fixtures, the Korean/Cyrillic case tables, and the nomenklatura name bench pairs.
Scores must be bit-identical floats, explanations and candidate order the same.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from typing import Any

import pytest
from benchmarks.load_queries import make_queries
from followthemoney import EntityProxy, model
from followthemoney.types import registry

from sanctionwatch.screening.algorithms import get_algorithm
from sanctionwatch.screening.compare import NameParams, compare_names, name_score
from sanctionwatch.screening.features import extract_features
from sanctionwatch.screening.names import analyze_name
from sanctionwatch.screening.service import MatchOptions, Screener, make_query
from tests.paths import LISTS
from tests.screening import reference_v1
from tests.screening.cases import CYRILLIC_CASES, KOREAN_CASES, seeded_variants

SEED = 20261128
FIXTURES = LISTS / "eval" / "yente_screening_fixtures"
NAME_BENCH = LISTS / "eval" / "nomenklatura_name_bench" / "cases.csv"
OPTIONS = {
    "default": MatchOptions(),
    "wide": MatchOptions(limit=20, threshold=0.7, cutoff=0.0),
    "load": MatchOptions(cutoff=0.7),  # the load test's: most skipped by the evidence bound
    "filtered": MatchOptions(
        limit=10, datasets=frozenset({"us_ofac_sdn"}), exclude_schema=frozenset({"Vessel"})
    ),
}


def _fixture_query(row: dict[str, str]) -> EntityProxy:
    props = {"name": [row["full_name"]]}
    if row.get("date_of_birth"):
        props["birthDate"] = [row["date_of_birth"]]
    country = registry.country.clean(row.get("nationality") or "")
    if country:
        props["nationality"] = [country]
    gender = registry.gender.clean(row.get("gender") or "")
    if gender:
        props["gender"] = [gender]
    return make_query("Person", props)


def _sample(name: str, count: int, rng: random.Random) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return rng.sample(rows, count)


@pytest.fixture(scope="module")
def queries(listed: tuple[list[EntityProxy], dict[str, str]]) -> list[EntityProxy]:
    print(f"seed {SEED}")
    rng = random.Random(SEED)
    entities, _ = listed
    specs, _ = make_queries(entities, 100, seed=SEED)
    out = [make_query(s["schema"], s["properties"]) for s in specs]
    out += [_fixture_query(r) for r in _sample("positives_un_untreated.csv", 40, rng)]
    out += [_fixture_query(r) for r in _sample("negatives_us.csv", 40, rng)]
    cases = KOREAN_CASES + CYRILLIC_CASES
    out += [make_query(c.schema, {"name": [c.query]}) for c in cases + seeded_variants(cases, SEED)]
    return out


def _wire(results: list[Any]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in results]


@pytest.mark.parametrize("option", list(OPTIONS))
def test_match_equals_the_released_scorer(
    screener: Screener, queries: list[EntityProxy], option: str
) -> None:
    options = OPTIONS[option]
    subset = queries if option == "default" else queries[::3]
    hits = 0
    for query in subset:
        new = _wire(screener.match(query, options))
        old = _wire(reference_v1.match(screener, query, options))
        assert new == old, query.to_dict()
        hits += len(new)
    assert hits > len(subset) // 2  # the comparison is not between empty lists


def _pairs(screener: Screener, queries: list[EntityProxy]) -> Iterator[tuple[Any, Any]]:
    index = screener._index
    for query in queries:
        prepared = extract_features(query)
        for item in reference_v1.candidates(index, prepared, budget=50):
            if query.schema.can_match(model.get(item.schema)):  # type: ignore[arg-type]
                yield prepared, item.prepared


def test_candidates_equal_the_released_gathering(
    screener: Screener, queries: list[EntityProxy]
) -> None:
    index = screener._index
    for query in queries:
        prepared = extract_features(query)
        for budget in (25, 100):
            new = [i.id for i in index.candidates(prepared, budget=budget)]
            assert new == [i.id for i in reference_v1.candidates(index, prepared, budget=budget)]


def test_compare_and_score_equal_the_released_scorer(
    screener: Screener, queries: list[EntityProxy]
) -> None:
    algo = get_algorithm("sw-v1")
    stats = screener._index.stats
    seen = set()
    for query, candidate in _pairs(screener, queries):
        old = reference_v1.compare(query, candidate, stats)
        new = algo.compare(query, candidate, stats)
        assert (new.score, new.explanations, new.features) == (
            old.score,
            old.explanations,
            old.features,
        )
        assert algo.score(query, candidate, stats) == old.score
        seen.add(old.score)
    assert len(seen) > 50  # many different scores, not a few trivial ones


def test_name_bench_pairs_equal_the_released_alignment(screener: Screener) -> None:
    stats = screener._index.stats
    params = NameParams()
    methods = set()
    with NAME_BENCH.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        schema = row["schema"] or "LegalEntity"
        for qn in analyze_name(row["name1"], schema):
            for cn in analyze_name(row["name2"], schema):
                old = reference_v1.compare_names(qn, cn, stats=stats, params=params)
                new = compare_names(qn, cn, stats=stats, params=params)
                assert new.explain() == old.explain(), (row["name1"], row["name2"])
                assert name_score(qn, cn, stats=stats, params=params) == old.score
                methods.add(old.method)
    assert {"literal", "aligned", "korean-syllables"} <= methods

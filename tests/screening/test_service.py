"""The screening service on real list data: Korean and Cyrillic cases, options, index reuse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from followthemoney import EntityProxy

from sanctionwatch.errors import InputError
from sanctionwatch.screening.service import (
    MatchOptions,
    Screener,
    algorithms,
    make_query,
)
from tests.screening.cases import (
    CYRILLIC_CASES,
    KIM_JONG_UN,
    KOREAN_CASES,
    Case,
    seeded_variants,
)

SEED = 20261128
ALL_CASES = KOREAN_CASES + CYRILLIC_CASES + seeded_variants(KOREAN_CASES + CYRILLIC_CASES, SEED)


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_korean_and_cyrillic_cases_reach_the_listed_entity(screener: Screener, case: Case) -> None:
    print(f"seed {SEED}")
    results = screener.match(make_query(case.schema, {"name": [case.query]}), MatchOptions())
    assert results, case.query
    assert results[0].entity.id in case.expected and results[0].match, results[0].entity.id


def test_birth_date_ranks_the_right_namesake_first(screener: Screener) -> None:
    query = make_query("Person", {"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]})
    (top, *_) = screener.match(query, MatchOptions())
    assert top.entity.id == KIM_JONG_UN
    assert top.features["birth_date"] > 0
    assert "exact" in top.explanations["birth_date"]["detail"]


def test_results_explain_themselves(screener: Screener) -> None:
    (top, *_) = screener.match(make_query("Person", {"name": ["Kim Chong-un"]}), MatchOptions())
    name = top.explanations["name_match"]
    assert name["query"] == "Kim Chong-un" and name["candidate"] == "KIM, Jong Un"
    assert name["method"] == "korean-syllables"
    meta = top.explanations["_meta"]
    assert meta["algorithm"] == "sw-v1" and meta["params_hash"]
    assert meta["list_versions"] == screener.versions
    data = top.to_dict()
    assert set(data) >= {"id", "caption", "schema", "datasets", "score", "match", "explanations"}
    assert data["datasets"] == ["us_ofac_sdn"]


def test_options_filter_and_limit(screener: Screener) -> None:
    query = make_query("Person", {"name": ["Kim Jong Un"]})
    low = screener.match(query, MatchOptions(threshold=0.5, cutoff=0.5, limit=3))
    assert 1 < len(low) <= 3
    assert [r.score for r in low] == sorted((r.score for r in low), reverse=True)
    excluded = screener.match(query, MatchOptions(exclude_entity_ids=frozenset({KIM_JONG_UN})))
    assert all(r.entity.id != KIM_JONG_UN for r in excluded)
    un_only = screener.match(query, MatchOptions(datasets=frozenset({"un_sc_sanctions"})))
    assert all("un_sc_sanctions" in r.datasets for r in un_only)
    no_people = screener.match(query, MatchOptions(exclude_schema=frozenset({"Person"})))
    assert no_people == []


def test_person_query_does_not_return_companies(screener: Screener) -> None:
    query = make_query("Person", {"name": ["Namchongang Trading Corporation"]})
    assert all(r.entity.schema.is_a("Person") for r in screener.match(query, MatchOptions()))
    org = make_query("Organization", {"name": ["Namchongang Trading"]})
    assert screener.match(org, MatchOptions())[0].entity.schema.name != "Person"


def test_unknown_algorithm_is_an_input_error(screener: Screener) -> None:
    with pytest.raises(InputError, match="unknown algorithm"):
        screener.match(make_query("Person", {"name": ["x y"]}), MatchOptions(algorithm="nope"))


def test_algorithms_registry() -> None:
    (info,) = algorithms()
    assert info.name == "sw-v1" and info.features["name_match"] > 0 and info.params_hash


def test_search_with_facets(screener: Screener) -> None:
    page = screener.search("Kim Jong", limit=2)
    assert len(page.results) == 2 and page.total >= 2
    assert sum(page.facets["datasets"].values()) == page.total
    assert page.facets["countries"].get("kp", 0) > 0
    people = screener.search("Namchongang", schema="Organization")
    assert all(e.schema.is_a("Organization") for e in people.results)


def test_get(screener: Screener) -> None:
    entity = screener.get(KIM_JONG_UN)
    assert entity is not None and entity.caption == "KIM, Jong Un"
    assert screener.get("no-such-id") is None


def _refuse() -> Iterator[EntityProxy]:
    raise AssertionError("the persisted index should have been used")
    yield  # pragma: no cover


def test_persisted_index_is_reused(
    listed: tuple[list[EntityProxy], dict[str, str]], tmp_path: Path
) -> None:
    entities, versions = listed
    first = Screener.build(entities, versions=versions, index_dir=tmp_path)
    again = Screener.build(_refuse(), versions=versions, index_dir=tmp_path)
    assert len(again) == len(first)
    query = make_query("Person", {"name": ["Kim Jong Un"]})
    assert again.match(query, MatchOptions())[0].entity.id == KIM_JONG_UN
    changed = {**versions, "un_sc_sanctions": "2099-01-01"}
    rebuilt = Screener.build(entities[:10], versions=changed, index_dir=tmp_path)
    assert len(rebuilt) < len(first)
    assert len(list(tmp_path.glob("screening-*.pkl"))) == 1


BAD = [
    ("unknown-schema", "Human", {"name": ["x"]}, "unknown schema"),
    ("unknown-property", "Person", {"colour": ["red"]}, "unknown property"),
    ("empty-name", "Person", {"name": ["  "]}, "empty name"),
    ("no-name", "Person", {"nationality": ["ru"]}, "needs a name"),
    ("huge-name", "Person", {"name": ["a" * 10_000]}, "longer than"),
    ("control-char", "Person", {"name": ["Kim\x00Jong"]}, "control character"),
    ("bad-date", "Person", {"name": ["Kim"], "birthDate": ["31/31/1984"]}, "not a date"),
    ("bad-country", "Person", {"name": ["Kim"], "nationality": ["Atlantis"]}, "unknown country"),
    ("bad-imo", "Vessel", {"imoNumber": ["IMO 1234568"]}, "not a valid"),
    ("not-matchable", "Sanction", {"program": ["x"]}, "cannot be screened"),
]


@pytest.mark.parametrize(
    ("schema", "props", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_input_is_a_clear_input_error(
    schema: str, props: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        make_query(schema, props)


def test_mixed_scripts_are_accepted(screener: Screener) -> None:
    query = make_query("Person", {"name": ["Kim 정은 Ын"]})
    assert isinstance(screener.match(query, MatchOptions()), list)


def test_query_ids_depend_on_content() -> None:
    a = make_query("Person", {"name": ["Kim Jong Un"]})
    b = make_query("Person", {"name": ["Kim Jong Il"]})
    assert a.id != b.id and a.id == make_query("Person", {"name": ["Kim Jong Un"]}).id

"""Pure conversions and checks: versions, statement keys, entity rows, validation."""

from __future__ import annotations

import pytest
from followthemoney import Dataset, EntityProxy, StatementEntity

from sanctionwatch.errors import StoreError
from sanctionwatch.store.engine import normalise_url
from sanctionwatch.store.rows import (
    check_version,
    entity_rows,
    prepare_version,
    sorted_rows,
    statement_key,
    unique_rows,
    validate_entities,
)
from tests.store.builders import listed, make


@pytest.mark.parametrize(
    ("version", "ok"),
    [
        pytest.param("2026-02-27", True, id="iso-date"),
        pytest.param("2026-02-27T00:00:09.554Z", True, id="un-timestamp"),
        pytest.param("2024-05-03 18:43", True, id="space-minutes"),
        pytest.param("2025-01-10T10:00:00+01:00", True, id="offset"),
        pytest.param("", False, id="empty"),
        pytest.param("27/02/2026", False, id="european-date"),
        pytest.param("latest", False, id="word"),
    ],
)
def test_check_version(version: str, ok: bool) -> None:
    if ok:
        assert check_version(version) == version
    else:
        with pytest.raises(ValueError, match="not an ISO date"):
            check_version(version)


def test_statement_key_tells_lang_and_original_apart() -> None:
    base = statement_key("e1", "Person", "name", "Ivan", None, None)
    assert base == statement_key("e1", "Person", "name", "Ivan", None, None)
    assert base != statement_key("e1", "Person", "name", "Ivan", "rus", None)
    assert base != statement_key("e1", "Person", "name", "Ivan", None, "IVAN")
    assert base != statement_key("e1", "LegalEntity", "name", "Ivan", None, None)


def test_entity_rows_plain_proxy_match_statement_key() -> None:
    person = make("Person", "p1", name="Ivan Petrov", birthDate="1970")
    rows = entity_rows(person)
    assert rows[0][3] == "id"  # the base row comes first
    assert {(r[3], r[4]) for r in rows} == {
        ("id", "p1"),
        ("name", "Ivan Petrov"),
        ("birthDate", "1970"),
    }
    for row in rows:
        assert row[0] == statement_key(*row[1:7])
        assert row[7] is False  # no entity reference among these properties


def test_entity_rows_statement_entity_keeps_lang_and_original() -> None:
    entity = StatementEntity(Dataset({"name": "t"}), {"schema": "Person", "id": "p1"})
    entity.add("name", "Иван Петров", lang="rus", original_value="ИВАН ПЕТРОВ")
    rows = [r for r in entity_rows(entity) if r[3] == "name"]
    assert rows == [
        (rows[0][0], "p1", "Person", "name", "Иван Петров", "rus", "ИВАН ПЕТРОВ", False),
    ]


def test_entity_rows_statement_entity_match_statement_key() -> None:
    """Every kind of statement: language or not, an original that differs, equals the
    value (stored as none) or is absent; a reference property."""
    entity = StatementEntity(Dataset({"name": "t"}), {"schema": "Person", "id": "p1"})
    entity.add("name", "Иван Петров", lang="rus", original_value="ИВАН ПЕТРОВ")
    entity.add("name", "Ivan Petrov", original_value="Ivan Petrov")
    entity.add("alias", "I. Petrov", lang="eng")
    entity.add("birthDate", "1970")
    entity.add("addressEntity", "addr-1")
    rows = entity_rows(entity)
    assert len(rows) == 6
    for row in rows:
        assert row[0] == statement_key(*row[1:7])
        assert row[6] != row[4]  # an original equal to the value is not kept
        assert row[7] is (row[3] == "addressEntity")


def test_unique_rows_deduplicates_by_key() -> None:
    person = make("Person", "p1", name="A")
    assert len(unique_rows([person, person])) == 2  # base row + name, once each


@pytest.mark.parametrize(
    ("entities", "error", "warning"),
    [
        pytest.param(listed("p1", "A", "X1"), None, None, id="valid"),
        pytest.param(
            [make("Person", "p1", name="A"), make("Person", "p1", name="B")],
            "1 duplicate entity id",
            None,
            id="duplicate-id",
        ),
        pytest.param([make("Thing", "t1", name="A")], "abstract", None, id="abstract-schema"),
        pytest.param(
            [make("Sanction", "s1", entity="nobody")],
            "entity points at missing entity nobody",
            None,
            id="sanction-target-missing",
        ),
        pytest.param(
            [make("Person", "p1", name="A", addressEntity="addr-9")],
            None,
            "addressEntity points at entity addr-9 not listed",
            id="other-reference-missing-is-a-warning",
        ),
    ],
)
def test_validate_entities(
    entities: list[EntityProxy], error: str | None, warning: str | None
) -> None:
    errors, warnings = validate_entities(entities)
    assert (error is None) == (not errors), errors
    if error is not None:
        assert error in errors[0]
    assert (warning is None) == (not warnings), warnings
    if warning is not None:
        assert warning in warnings[0]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db", id="pg"),
        pytest.param("postgres://u@h/db", "postgresql+psycopg://u@h/db", id="pg-short"),
        pytest.param("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db", id="pg-driver"),
        pytest.param("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite", id="sqlite"),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "duckdb:///x.db", "x"], ids=["mysql", "duckdb", "junk"]
)
def test_normalise_url_refuses_other_backends(url: str) -> None:
    with pytest.raises(StoreError, match="unsupported store URL"):
        normalise_url(url)


def test_reference_rows_are_flagged_for_the_reference_index() -> None:
    sanction = make("Sanction", "s1", entity="p1", program="DPRK")
    flags = {r[3]: r[7] for r in entity_rows(sanction)}
    assert flags == {"id": False, "entity": True, "program": False}


def _version_entities() -> list[EntityProxy]:
    statement = StatementEntity(Dataset({"name": "t"}), {"schema": "Person", "id": "p0"})
    statement.add("name", "Иван", lang="rus", original_value="ИВАН")
    return [
        *listed("p2", "Olga Ivanova", "X2", birthDate=["1970", "1971"]),
        *listed("p1", "Ivan Petrov", "X1", alias="Vanya"),
        statement,
        make("Address", "addr-1", full="1 Main St"),
    ]


def test_sorted_rows_are_the_unique_rows_in_entity_id_key_order() -> None:
    entities = _version_entities()
    expected = sorted(unique_rows(entities).values(), key=lambda row: (row[1], row[0]))
    assert sorted_rows(entities) == expected
    assert sorted_rows([*entities, entities[0]]) != expected  # a duplicate id is not merged


@pytest.mark.parametrize(
    ("entities", "errors", "warnings"),
    [
        pytest.param(_version_entities(), 0, 0, id="valid"),
        pytest.param([make("Sanction", "s1", entity="nobody")], 1, 0, id="error-no-rows"),
        pytest.param([make("Person", "p1", addressEntity="a9")], 0, 1, id="warning-as-issue"),
    ],
)
def test_prepare_version_checks_counts_and_builds_rows(
    entities: list[EntityProxy], errors: int, warnings: int
) -> None:
    parser_issue = {"file": "f", "location": "", "field": "x", "value": "", "message": "m"}
    prepared = prepare_version(
        entities, dataset="t", version="2026-01-01", issues=[parser_issue], source="f.xml"
    )
    assert len(prepared.errors) == errors
    assert prepared.rows == ([] if errors else sorted_rows(entities))
    assert prepared.entities == len(entities)
    assert sum(prepared.by_schema.values()) == len(entities)
    assert prepared.issues[0] == parser_issue  # the parser's issues first, then warnings
    assert len(prepared.issues) == 1 + warnings
    assert all(i["file"] == "f.xml" for i in prepared.issues[1:])

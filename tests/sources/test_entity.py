"""`ListEntity` and `ListStatementEntity` store exactly what FtM's own proxies store.

Each case adds the same values to a parser entity and to a plain FtM proxy of the same
schema and id, then compares the stored values (and, for statement entities, every
statement with its language and original value).
"""

from __future__ import annotations

import pickle
from datetime import date
from typing import Any

import pytest
from followthemoney import EntityProxy, StatementEntity, model
from followthemoney.exc import InvalidData

from sanctionwatch.sources.catalog import make_dataset
from sanctionwatch.sources.entity import ListEntity, ListStatementEntity

Add = tuple[str, Any, dict[str, Any]]

CASES: list[tuple[str, str, list[Add]]] = [
    ("names-cleaned-quotes-spaces", "Person", [("name", ' "Ivan  Petrov" ', {})]),
    ("empty-and-blank", "Person", [("name", "", {}), ("alias", "   ", {}), ("notes", None, {})]),
    ("control-chars", "Person", [("name", "Ivan\x00\u200b Petrov\x07", {})]),
    ("nfc", "Person", [("name", "Jose\u0301", {})]),
    (
        "repeated-values",
        "Person",
        [("alias", "A", {}), ("alias", "A", {}), ("alias", ["A", "B"], {})],
    ),
    ("list-with-non-str", "Person", [("notes", ["x", 5, 2.5, True], {})]),
    ("date-object", "Person", [("birthDate", date(1970, 1, 2), {})]),
    ("dates-and-countries", "Person", [("birthDate", "1970-01", {}), ("nationality", "ru", {})]),
    ("country-name-not-code", "Person", [("nationality", "Russia", {})]),
    ("cleaned-flag", "Person", [("nationality", "not a code", {"cleaned": True})]),
    ("cleaned-empty", "Person", [("alias", "", {"cleaned": True})]),
    ("identifier-format", "Vessel", [("imoNumber", "IMO 9176187", {}), ("imoNumber", "x", {})]),
    ("phone", "Company", [("phone", "+44 20 7946 0958", {}), ("phone", "12", {})]),
    (
        "phone-unknown-country-code",
        "Company",
        [("phone", "+0 20 7946 0958", {}), ("phone", "+999 123 4567", {})],
    ),
    (
        "text-size-limit",
        "Person",
        [("notes", c * (20 << 20), {"cleaned": True}) for c in "xy"] + [("notes", "z", {})],
    ),
    ("url-email", "Company", [("website", "example.org", {}), ("email", "A@Example.org", {})]),
    ("format-hint", "Company", [("phone", "020 7946 0958", {"format": "gb"})]),
    (
        "entity-reference",
        "Sanction",
        [("entity", "ofac-1", {}), ("entity", "ofac-2", {"cleaned": True})],
    ),
    ("unknown-prop-quiet", "Person", [("noSuchProperty", "x", {"quiet": True})]),
    (
        "language-tag",
        "Person",
        [("alias", "Иван", {"lang": "rus"}), ("alias", "Иван", {"lang": "ukr"})],
    ),
]


def _apply(entity: EntityProxy, adds: list[Add]) -> None:
    for prop, values, kwargs in adds:
        entity.add(prop, values, **kwargs)


def _plain_kwargs(adds: list[Add]) -> list[Add]:
    """A plain proxy takes no `lang`."""
    return [(p, v, {k: x for k, x in kw.items() if k != "lang"}) for p, v, kw in adds]


@pytest.mark.parametrize(("schema", "adds"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_list_entity_stores_what_entity_proxy_stores(schema: str, adds: list[Add]) -> None:
    ours = ListEntity.create(schema, "e1")
    theirs = model.make_entity(schema)
    theirs.id = "e1"
    _apply(ours, _plain_kwargs(adds))
    _apply(theirs, _plain_kwargs(adds))
    assert ours.to_dict() == theirs.to_dict()
    assert ours._size == theirs._size  # the total-size accounting FtM limits text with


def _statements(entity: StatementEntity) -> list[tuple[Any, ...]]:
    return sorted(
        (s.id, s.prop, s.value, s.lang, s.original_value, s.schema, s.dataset)
        for s in entity.statements
    )


@pytest.mark.parametrize(("schema", "adds"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_list_statement_entity_makes_the_same_statements(schema: str, adds: list[Add]) -> None:
    dataset = make_dataset("gb_hmt_sanctions")
    ours = ListStatementEntity(dataset, {"schema": schema, "id": "e1"})
    theirs = StatementEntity(dataset, {"schema": schema, "id": "e1"})
    _apply(ours, adds)
    _apply(theirs, adds)
    assert _statements(ours) == _statements(theirs)


def test_self_reference_is_refused_as_ftm_does() -> None:
    ours = ListEntity.create("Ownership", "o1")
    with pytest.raises(InvalidData):
        ours.add("owner", "o1")


def test_unknown_property_raises_as_ftm_does() -> None:
    with pytest.raises(InvalidData):
        ListEntity.create("Person", "p1").add("noSuchProperty", "x")


def test_a_removed_value_can_be_added_again() -> None:
    entity = ListStatementEntity(make_dataset("t"), {"schema": "Person", "id": "p1"})
    entity.add("alias", "A")
    entity.remove("alias", "A")
    entity.add("alias", "A")
    assert entity.get("alias") == ["A"]
    entity.pop("alias")
    entity.add("alias", "A")
    assert entity.get("alias") == ["A"]


def test_an_id_change_makes_new_statements() -> None:
    entity = ListStatementEntity(make_dataset("t"), {"schema": "Person", "id": "p1"})
    entity.add("alias", "A")
    entity.id = "p2"
    entity.add("alias", "A")
    assert sorted(s.entity_id for s in entity.get_statements("alias")) == ["p1", "p2"]


@pytest.mark.parametrize("kind", ["proxy", "statements"])
def test_entities_pickle_with_their_values(kind: str) -> None:
    """Parse workers send entities to the parent process by pickling."""
    entity: EntityProxy
    if kind == "proxy":
        entity = ListEntity.create("Person", "p1")
    else:
        entity = ListStatementEntity(make_dataset("t"), {"schema": "Person", "id": "p1"})
    entity.add("name", "Ivan Petrov")
    copy = pickle.loads(pickle.dumps(entity))
    assert type(copy) is type(entity)
    assert copy.to_dict() == entity.to_dict()


# ------------------------------------------------------------------ value order (hash seed)

ORDER_ADDS = ["Zeta", "alpha", "Mu", "alpha", "Beta", "Гамма", "delta"]
ORDERED = ["Zeta", "alpha", "Mu", "Beta", "Гамма", "delta"]  # first-added order, once each


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda e: e.get("alias"), id="get"),
        pytest.param(lambda e: e.properties["alias"], id="properties"),
        pytest.param(lambda e: e.to_dict()["properties"]["alias"], id="to_dict"),
        pytest.param(
            lambda e: [v for p, v in e.itervalues() if p.name == "alias"], id="itervalues"
        ),
        pytest.param(lambda e: list(e.get_prop(e.schema.get("alias"))), id="get_prop"),
        pytest.param(lambda e: [s.value for s in e.get_statements("alias")], id="statements"),
        pytest.param(lambda e: e.clone().get("alias"), id="clone"),
    ],
)
def test_statement_entity_values_come_in_the_order_they_were_added(read: Any) -> None:
    entity = ListStatementEntity(make_dataset("t"), {"schema": "Person", "id": "p1"})
    for value in ORDER_ADDS:
        entity.add("alias", value)
    assert read(entity) == ORDERED
    plain = StatementEntity(make_dataset("t"), {"schema": "Person", "id": "p1"})
    plain.add("alias", ORDER_ADDS)
    assert sorted(read(entity)) == sorted(plain.get("alias"))  # the same values as FtM's


def test_ordered_statement_entity_keeps_order_through_remove_pop_and_from_statements() -> None:
    from sanctionwatch.sources.entity import OrderedStatementEntity

    entity = ListStatementEntity(make_dataset("t"), {"schema": "Person", "id": "p1"})
    entity.add("alias", ORDER_ADDS)
    entity.add("alias", "Mu", lang="eng")  # a second statement of a known value
    entity.add("name", "Ivan")
    entity.remove("alias", "Beta")
    assert entity.get("alias") == ["Zeta", "alpha", "Mu", "Гамма", "delta"]
    rebuilt = OrderedStatementEntity.from_statements(make_dataset("t"), list(entity.statements))
    assert rebuilt.get("alias") == entity.get("alias")
    assert [(s.value, s.lang) for s in rebuilt.get_statements("alias")] == [
        (s.value, s.lang) for s in entity.get_statements("alias")
    ]
    assert rebuilt.schema.name == "Person" and rebuilt.id == "p1"
    assert rebuilt.pop("alias") == ["Zeta", "alpha", "Mu", "Гамма", "delta"]
    assert rebuilt.get("alias") == [] and rebuilt.get("name") == ["Ivan"]

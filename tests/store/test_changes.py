"""Changes between versions: designations, delistings, amendments with children folded in."""

from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from followthemoney import EntityProxy

from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.store import Store, open_store
from sanctionwatch.store.changes import changed_entity_ids
from sanctionwatch.store.models import Changes
from tests.paths import LISTS
from tests.store.builders import listed, make, parsed

DS = "test_list"


def before() -> list[EntityProxy]:
    a_person, a_sanction = listed("a", "Ivan Petrov", "XXi.001", addressEntity="a-addr")
    return [
        a_person,
        a_sanction,
        make("Address", "a-addr", full="1 Lenin St, Moscow"),
        *listed("b", "Olga Ivanova", "XXi.002"),
        *listed("c", "Acme LLC", "XXe.001", schema="Organization"),
        *listed("d", "Unchanged Person", "XXi.003"),
    ]


def after() -> list[EntityProxy]:
    entities = {e.id: e for e in before()}
    del entities["b"], entities["b-sanction"]  # delisted
    entities["a"].add("alias", "Ivan PETROV")  # amended name
    entities["a-addr"].set("full", "2 Lenin St, Moscow")  # amended address
    entities["c-sanction"].add("reason", "Supplies arms")  # amended listing reason only
    new = listed("e", "New Designee", "XXi.004")
    return [*entities.values(), *new]


@pytest.fixture
def two_versions(store: Store) -> Store:
    store.import_list(parsed(DS, "2026-01-01", before()))
    store.import_list(parsed(DS, "2026-02-01", after()))
    return store


def test_changes_contract_and_items(two_versions: Store) -> None:
    changes = two_versions.changes(DS).to_dict()
    assert set(changes) == {"added", "removed", "modified"}
    assert [(i["id"], i["caption"], i["schema"], i["references"]) for i in changes["added"]] == [
        ("e", "New Designee", "Person", {"unscId": ["XXi.004"]})
    ]
    assert [(i["id"], i["references"]) for i in changes["removed"]] == [
        ("b", {"unscId": ["XXi.002"]})
    ]
    modified = {i["id"]: i for i in changes["modified"]}
    assert sorted(modified) == ["a", "c"]
    a = modified["a"]
    assert a["properties"] == {"alias": {"old": [], "new": ["Ivan PETROV"]}}
    assert [(r["id"], r["schema"], r["change"]) for r in a["related"]] == [
        ("a-addr", "Address", "modified")
    ]
    assert a["related"][0]["properties"]["full"] == {
        "old": ["1 Lenin St, Moscow"],
        "new": ["2 Lenin St, Moscow"],
    }
    c = modified["c"]
    assert c["properties"] == {} and c["references"] == {"unscId": ["XXe.001"]}
    assert c["related"][0]["properties"]["reason"] == {"old": [], "new": ["Supplies arms"]}


@pytest.mark.parametrize(
    ("from_version", "to_version", "added", "removed"),
    [
        pytest.param(None, None, ["e"], ["b"], id="default-previous-to-current"),
        pytest.param("2026-02-01", "2026-01-01", ["b"], ["e"], id="backwards"),
        pytest.param("2026-02-01", "2026-02-01", [], [], id="same-version"),
    ],
)
def test_changes_between_chosen_versions(
    two_versions: Store,
    from_version: str | None,
    to_version: str | None,
    added: list[str],
    removed: list[str],
) -> None:
    changes = two_versions.changes(DS, from_version=from_version, to_version=to_version)
    assert [i.id for i in changes.added] == added
    assert [i.id for i in changes.removed] == removed


def test_first_version_is_all_additions(store: Store) -> None:
    store.import_list(parsed(DS, "2026-01-01", before()))
    changes = store.changes(DS)
    assert changes.from_version is None
    assert [i.id for i in changes.added] == ["a", "b", "c", "d"]
    assert changes.removed == [] and changes.modified == []


@pytest.fixture(scope="module")
def un_lists() -> tuple[ParsedList, ParsedList]:
    """The UN lists of 2025-11-20 and 2026-02-27, parsed once for both engines."""
    if importlib.util.find_spec("sanctionwatch.sources.un_sc_xml") is None:
        pytest.skip("needs the UN parser sanctionwatch.sources.un_sc_xml")
    from sanctionwatch.sources import un_sc_xml

    old_bytes = gzip.decompress((LISTS / "un/history/2025-11-20/consolidated.xml.gz").read_bytes())
    old = un_sc_xml.parse([SourceFile("consolidated.xml", old_bytes)])
    new = un_sc_xml.parse([SourceFile.read(LISTS / "un/consolidated.xml")])
    return old, new


def test_un_2025_11_20_to_2026_02_27(store: Store, un_lists: tuple[ParsedList, ParsedList]) -> None:
    old, new = un_lists
    store.import_list(old)
    store.import_list(new)
    changes = store.changes(old.dataset)
    assert (changes.from_version, changes.to_version) == (old.version, new.version)
    assert sorted(r for i in changes.added for r in i.references["unscId"]) == [
        "SDi.007",
        "SDi.008",
        "SDi.009",
        "SDi.010",
    ]
    assert [i.references["unscId"] for i in changes.removed] == [["IQi.074"]]
    assert changes.modified, "the 2026 list amended some entries"
    for item in changes.modified:
        assert item.properties or item.related, item
        assert item.references.get("unscId"), item


# -- three versions: statements that leave and come back, or come and go in between ---------

V1, V2, V3 = "2026-01-01", "2026-02-01", "2026-03-01"


def three_versions() -> dict[str, list[EntityProxy]]:
    """V1 -> V2: `a` loses an alias, `f` is listed. V2 -> V3: the alias comes back, `f` is
    delisted, `b` is renamed and its passport number (an Identification) changes."""
    base = {
        e.id: e
        for e in [
            *listed("a", "Ivan Petrov", "XXi.001", alias="Vanya"),
            *listed("b", "Olga Ivanova", "XXi.002"),
            make("Identification", "b-id", holder="b", number="123"),
        ]
    }
    v2 = {k: e.clone() for k, e in base.items()}
    v2["a"].pop("alias")
    f_person, f_sanction = listed("f", "Fleeting Person", "XXi.009")
    v3 = {k: e.clone() for k, e in base.items()}
    v3["b"].set("name", "Olga IVANOVA")
    v3["b-id"].set("number", "456")
    return {
        V1: list(base.values()),
        V2: [*v2.values(), f_person, f_sanction],
        V3: list(v3.values()),
    }


@pytest.fixture(
    params=[
        pytest.param((V1, V2, V3), id="in-order"),
        pytest.param((V1, V3, V2), id="v2-imported-last-as-history"),
    ]
)
def history(store: Store, request: pytest.FixtureRequest) -> Store:
    """The three versions, imported in order or with V2 last (its intervals split in)."""
    lists = three_versions()
    for version in request.param:
        store.import_list(parsed(DS, version, lists[version]))
    return store


@pytest.mark.parametrize(
    ("old", "new", "added", "removed", "modified"),
    [
        pytest.param(V1, V3, [], [], {"b": ["b-id"]}, id="alias-left-and-came-back"),
        pytest.param(V3, V1, [], [], {"b": ["b-id"]}, id="backwards-over-the-gap"),
        pytest.param(V1, V2, ["f"], [], {"a": []}, id="alias-dropped"),
        pytest.param(V2, V3, [], ["f"], {"a": [], "b": ["b-id"]}, id="alias-back-f-gone"),
    ],
)
def test_changes_across_a_gap(
    history: Store,
    old: str,
    new: str,
    added: list[str],
    removed: list[str],
    modified: dict[str, list[str]],
) -> None:
    changes = history.changes(DS, from_version=old, to_version=new)
    assert [i.id for i in changes.added] == added
    assert [i.id for i in changes.removed] == removed
    assert {i.id: [r["id"] for r in i.related] for i in changes.modified} == modified


@pytest.mark.parametrize(
    ("old", "new", "touched"),
    [
        pytest.param(V1, V3, {"b", "b-id"}, id="alias-row-pair-cancels"),
        pytest.param(V1, V2, {"a", "f", "f-sanction"}, id="alias-row-closed"),
        pytest.param(V2, V3, {"a", "b", "b-id", "f", "f-sanction"}, id="reopened-and-closed"),
        pytest.param(V2, V2, set(), id="same-version"),
    ],
)
def test_changed_entity_ids_from_intervals(
    history: Store, old: str, new: str, touched: set[str]
) -> None:
    """The SQL pass itself: the statements of `a`'s alias in V1 and V3 are two rows with one
    key, so V1 -> V3 must not touch `a`; `f` lived only in V2, so it is not a V1 -> V3 change."""
    with history.engine.connect() as conn:
        assert changed_entity_ids(conn, DS, old, new) == touched
        assert changed_entity_ids(conn, DS, new, old) == touched


def test_changed_child_of_an_unchanged_parent_is_folded_in(history: Store) -> None:
    """Only the Identification changed between V1 and V3 (and b's name): found by the
    reverse reference holder -> b, with b's reference number from its Sanction."""
    (item,) = history.changes(DS, from_version=V1, to_version=V3).modified
    assert item.references == {"unscId": ["XXi.002"]}
    assert item.properties["name"].to_dict() == {"old": ["Olga Ivanova"], "new": ["Olga IVANOVA"]}
    assert item.related[0]["properties"]["number"] == {"old": ["123"], "new": ["456"]}


def test_reference_lookup_uses_the_partial_index(tmp_path: Path) -> None:
    """Reverse references (nested view, changes) go through `ix_store_statement_ref`: the
    query must repeat the index's condition literally or SQLite scans the table."""
    from sqlalchemy import select

    from sanctionwatch.store.reads import at_current, st
    from sanctionwatch.store.schema import ref_condition

    with open_store(f"sqlite:///{tmp_path / 'plan.sqlite'}") as store:
        query = select(st.c.entity_id).where(
            st.c.value.in_(["x", "y"]), ref_condition(), at_current()
        )
        with store.engine.connect() as conn:
            sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(r) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "ix_store_statement_ref" in plan, plan


def count_queries(store: Store) -> list[str]:
    """Record every SQL statement the store's engine runs from now on."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", record)
    return statements


# -- real data: OFAC SDN 2022-02-24 -> 2024-05-03 (thousands of items) ------------------------

OFAC_FILES = (
    LISTS / "us_ofac/history/sdn_csv_2022-02-24/sdn.csv.gz",
    LISTS / "us_ofac/sdn_csv_2024-05-03/sdn.csv",
)


@pytest.fixture(scope="module")
def ofac_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Both OFAC versions in one SQLite store, imported once for the module (~15 s)."""
    if importlib.util.find_spec("sanctionwatch.ingest.service") is None:
        pytest.skip("needs sanctionwatch.ingest.service to import list files")
    from sanctionwatch.ingest.service import import_paths

    path = tmp_path_factory.mktemp("ofac") / "store.sqlite"
    with open_store(f"sqlite:///{path}") as store:
        import_paths(store, list(OFAC_FILES), workers=1)
        yield store


@pytest.fixture(scope="module")
def ofac_changes(ofac_store: Store) -> tuple[Changes, list[str]]:
    """The default changes (2022-02-24 -> 2024-05-03), computed once, and the SQL it ran."""
    queries = count_queries(ofac_store)
    return ofac_store.changes("us_ofac_sdn"), queries


@pytest.mark.slow
def test_ofac_2022_to_2024_counts_are_stable(ofac_changes: tuple[Changes, list[str]]) -> None:
    """Counts recorded with the per-entity implementation before the set-based rewrite
    (6,333 / 491 / 819 items, 1,475 related children); the outputs were identical."""
    changes, queries = ofac_changes
    assert (changes.from_version, changes.to_version) == ("2022-02-24", "2024-05-03")
    counts = (len(changes.added), len(changes.removed), len(changes.modified))
    assert counts == (6333, 491, 819)
    assert sum(len(i.related) for i in changes.modified) == 1475
    assert all(i.properties or i.related for i in changes.modified)
    # Set-based: batches of ids, not one query per entity (the old code ran thousands).
    assert len(queries) < 150, len(queries)


@pytest.mark.slow
def test_ofac_nested_entity_finds_its_sanction_by_reference(
    ofac_store: Store, ofac_changes: tuple[Changes, list[str]]
) -> None:
    item = ofac_changes[0].added[0]
    sanctions = ofac_store.entity_nested(item.id)["properties"]["sanctions"]
    assert sanctions and {s["schema"] for s in sanctions} == {"Sanction"}
    assert all(s["properties"]["entity"] == [item.id] for s in sanctions)

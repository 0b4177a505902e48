"""Changes between versions: designations, delistings, amendments with children folded in."""

from __future__ import annotations

import gzip
import importlib.util

import pytest
from followthemoney import EntityProxy

from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.store import Store
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

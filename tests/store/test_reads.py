"""Reads: entities, one entity, nested view, provenance, datasets, FtM export."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from followthemoney import Dataset, EntityProxy, StatementEntity, model

from sanctionwatch.errors import NotFoundError
from sanctionwatch.store import Store, export_ftm
from tests.paths import LISTS
from tests.store.builders import listed, make, parsed, snapshot

ZALA = LISTS / "opensanctions" / "yente_fixture_zala" / "entities.ftm.json"
ZALA_PERSON = "NK-aU5ybkbRFJucf8YMwsJvDw"  # Aleksandr Vyacheslavovich Zakharov


def read_ftm(path: Path) -> list[EntityProxy]:
    with path.open(encoding="utf-8") as handle:
        return [model.get_proxy(json.loads(line)) for line in handle if line.strip()]


@pytest.fixture
def zala(store: Store) -> Store:
    store.import_list(parsed("zala", "2026-06-03", read_ftm(ZALA)))
    return store


def test_zala_reads_back_as_imported(zala: Store) -> None:
    assert snapshot(list(zala.entities("zala"))) == snapshot(read_ftm(ZALA))
    (info,) = zala.datasets()
    assert info.name == "zala" and info.current_version == "2026-06-03"
    assert [(v.version, v.entities, v.by_schema["Sanction"]) for v in info.versions] == [
        ("2026-06-03", 91, 41)
    ]


@pytest.mark.parametrize(
    ("schemata", "count"),
    [
        pytest.param(["Person"], 6, id="person"),
        pytest.param(["Sanction"], 41, id="sanction"),
        pytest.param(["LegalEntity"], 17, id="legal-entity-includes-descendants"),
        pytest.param(["Person", "Address"], 17, id="two"),
    ],
)
def test_entities_schemata_filter(zala: Store, schemata: list[str], count: int) -> None:
    assert len(list(zala.entities("zala", schemata=schemata))) == count
    assert len(list(zala.entities(schemata=schemata))) == count


def test_entity_and_missing_entity(zala: Store) -> None:
    person = zala.entity(ZALA_PERSON)
    assert person is not None
    assert person.caption == "Aleksandr Vyacheslavovich Zakharov"
    assert isinstance(person, StatementEntity) and person.datasets == {"zala"}
    assert zala.entity("no-such-id") is None


def test_entity_listed_by_two_datasets_comes_once_with_both(store: Store) -> None:
    store.import_list(parsed("list_a", "2026-01-01", listed("p1", "Ivan Petrov", "A1")))
    other = [make("Person", "p1", name="Ivan PETROV", birthDate="1970")]
    store.import_list(parsed("list_b", "2026-01-05", other))
    merged = store.entity("p1")
    assert isinstance(merged, StatementEntity)
    assert merged.datasets == {"list_a", "list_b"}
    assert sorted(merged.get("name")) == ["Ivan PETROV", "Ivan Petrov"]
    ids = [e.id for e in store.entities()]
    assert ids.count("p1") == 1 and len(ids) == 2


def test_entity_nested_like_yente(zala: Store) -> None:
    nested = zala.entity_nested(ZALA_PERSON)
    props = nested["properties"]
    sanctions = props["sanctions"]
    assert len(sanctions) >= 6
    assert all(s["schema"] == "Sanction" for s in sanctions)
    assert all(s["properties"]["entity"] == [ZALA_PERSON] for s in sanctions)
    assert isinstance(props["name"][0], str)
    with pytest.raises(NotFoundError):
        zala.entity_nested("no-such-id")


def test_entity_nested_forward_reference(store: Store) -> None:
    address = make("Address", "addr1", full="1 Main St, Pyongyang", country="kp")
    person = make("Person", "p1", name="Kim", addressEntity="addr1")
    passport = make("Passport", "pp1", holder="p1", number="P123")
    store.import_list(parsed("t", "2026-01-01", [address, person, passport]))
    props = store.entity_nested("p1")["properties"]
    assert props["addressEntity"][0]["properties"]["full"] == ["1 Main St, Pyongyang"]
    assert props["identification"][0]["id"] == "pp1"


def test_provenance_keeps_lang_and_original_value(store: Store) -> None:
    entity = StatementEntity(Dataset({"name": "t"}), {"schema": "Person", "id": "p1"})
    entity.add("name", "Иван Петров", lang="rus", original_value="ИВАН ПЕТРОВ")
    store.import_list(parsed("t", "2026-01-01", [entity]))
    (name,) = [s for s in store.provenance("p1") if s["prop"] == "name"]
    assert (name["lang"], name["original_value"], name["dataset"]) == ("rus", "ИВАН ПЕТРОВ", "t")
    assert (name["first_seen"], name["last_seen"]) == ("2026-01-01", "2026-01-01")
    (stored,) = store.entities("t")
    assert isinstance(stored, StatementEntity)
    (stmt,) = stored.get_statements("name")
    assert stmt.lang == "rus"


def test_export_ftm_round_trips(zala: Store, tmp_path: Path) -> None:
    out = io.StringIO()
    assert export_ftm(zala, out, "zala") == 91
    path = tmp_path / "export.ftm.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    again = read_ftm(path)
    assert snapshot(again) == snapshot(read_ftm(ZALA))
    first = json.loads(out.getvalue().splitlines()[0])
    assert first["datasets"] == ["zala"] and first["last_seen"] == "2026-06-03"

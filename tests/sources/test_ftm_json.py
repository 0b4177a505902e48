"""FtM JSON lines and the OpenSanctions delta format, on the yente fixtures and bad lines."""

from __future__ import annotations

import gzip
import json

import pytest

from sanctionwatch.errors import ParseError
from sanctionwatch.sources import ftm_json
from sanctionwatch.sources.base import SourceFile
from tests.paths import LISTS

OS = LISTS / "opensanctions"
ZALA = OS / "yente_fixture_zala" / "entities.ftm.json"
T1 = OS / "yente_fixture_t1_eu_fsf" / "entities.ftm.json"
DELTA = OS / "yente_fixture_delta_2024" / "entities.delta.json.gz"


def _line(**entity: object) -> bytes:
    return json.dumps(entity).encode("utf-8") + b"\n"


def test_zala_fixture() -> None:
    parsed = ftm_json.parse([SourceFile.read(ZALA)])
    assert len(parsed.entities) == 91
    assert parsed.by_schema()["Sanction"] == 41
    # The file spans several datasets: the most listed one is used, and that is reported.
    assert parsed.dataset == "ext_ru_egrul"
    assert any(p.field == "datasets" for p in parsed.issues)
    assert parsed.version.startswith("2026-")


def test_t1_fixture_is_one_dataset() -> None:
    parsed = ftm_json.parse([SourceFile.read(T1)])
    assert parsed.dataset == "eu_fsf"
    assert parsed.by_schema() == {"Address": 1, "Organization": 2, "Person": 4}
    assert parsed.issues == []


def test_dataset_given_by_the_caller_wins() -> None:
    parsed = ftm_json.parse_ftm([SourceFile.read(ZALA)], dataset="zala")
    assert parsed.dataset == "zala"
    assert not any(p.field == "datasets" for p in parsed.issues)


def test_delta_fixture() -> None:
    delta = ftm_json.parse_delta([SourceFile.read(DELTA)])
    assert delta.ops == {"ADD": 90, "MOD": 1039, "DEL": 571}
    assert len(delta.upserts) == 1129
    assert len(delta.deletes) == 571
    assert not {e.id for e in delta.upserts} & set(delta.deletes)
    assert delta.format == "ftm_delta"


def test_delta_applies_in_file_order() -> None:
    person = {"id": "p1", "schema": "Person", "properties": {"name": ["A"]}}
    data = (
        json.dumps({"op": "ADD", "entity": person})
        + "\n"
        + json.dumps({"op": "DEL", "entity": {"id": "p1"}})
        + "\n"
        + json.dumps({"op": "DEL", "entity": {"id": "p2"}})
        + "\n"
        + json.dumps({"op": "MOD", "entity": {**person, "id": "p2"}})
        + "\n"
    )
    delta = ftm_json.parse_delta([SourceFile("d.json", gzip.compress(data.encode()))])
    assert [e.id for e in delta.upserts] == ["p2"]
    assert delta.deletes == ["p1"]


@pytest.mark.parametrize(
    ("data", "field", "location"),
    [
        (_line(id="a", schema="Spaceship", properties={}), "schema", "line 1"),
        (_line(id="a", schema="Person", properties={"warpDrive": ["x"]}), "warpDrive", "line 1"),
        (_line(id="a", schema="Person", properties={"name": "not a list"}), "name", "line 1"),
        (_line(schema="Person", properties={}), "id", "line 1"),
        (_line(id="a", schema="Person", properties={}) + b"{not json\n", "", "line 2"),
        (_line(id="a", schema="Person") + _line(id="a", schema="Person"), "id", "line 2"),
        (b"[1, 2]\n", "", "line 1"),
    ],
    ids=[
        "unknown-schema",
        "unknown-property",
        "values-not-list",
        "no-id",
        "bad-json",
        "duplicate-id",
        "not-object",
    ],
)
def test_structure_errors(data: bytes, field: str, location: str) -> None:
    with pytest.raises(ParseError) as info:
        ftm_json.parse([SourceFile("bad.json", data)])
    problem = info.value.problems[0]
    assert (problem.field, problem.location) == (field, location)


def test_all_structure_errors_reported_at_once() -> None:
    data = _line(id="a", schema="Spaceship") + _line(id="b", schema="Person", properties={"x": []})
    with pytest.raises(ParseError) as info:
        ftm_json.parse([SourceFile("bad.json", data)])
    assert [p.location for p in info.value.problems] == ["line 1", "line 2"]


def test_bad_values_are_lenient() -> None:
    data = _line(
        id="a",
        schema="Person",
        properties={"name": ["A"], "birthDate": ["not a date"], "phone": ["12 34"]},
    )
    parsed = ftm_json.parse([SourceFile("v.json", data)])
    entity = parsed.entities[0]
    assert entity.get("birthDate") == []
    assert entity.get("phone") == ["12 34"]
    assert {p.field for p in parsed.issues} == {"birthDate", "phone"}


@pytest.mark.parametrize("data", [b"", b"\n\n"], ids=["empty", "blank"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(ParseError):
        ftm_json.parse([SourceFile("e.json", data)])


def test_delta_bad_op() -> None:
    data = json.dumps({"op": "UPSERT", "entity": {"id": "x"}}).encode()
    with pytest.raises(ParseError) as info:
        ftm_json.parse_delta([SourceFile("d.json", data)])
    assert info.value.problems[0].field == "op"

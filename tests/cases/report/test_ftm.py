"""The FtM export: every line a valid entity of an unchanged FtM schema, ids stable."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from followthemoney import model

from sanctionwatch.cases.model import CaseDossier
from sanctionwatch.cases.report import render_report
from sanctionwatch.cases.report.ftm import flatten_nested


@pytest.fixture(scope="module")
def lines(dossier: CaseDossier) -> list[dict[str, Any]]:
    return [json.loads(line) for line in render_report(dossier, "ftm").decode().splitlines()]


@pytest.fixture(scope="module")
def by_id(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in lines}


def _of(lines: list[dict[str, Any]], schema: str) -> list[dict[str, Any]]:
    return [e for e in lines if e["schema"] == schema]


def test_every_line_loads_as_a_valid_entity(lines: list[dict[str, Any]]) -> None:
    for data in lines:
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.id == data["id"]
        for prop in proxy.schema.required:
            assert proxy.get(prop), (proxy.schema.name, prop, data)
        # every value survives FtM's cleaning: nothing in the file is invalid
        cleaned = model.get_proxy(data, cleaned=False).to_dict()["properties"]
        assert cleaned == model.get_proxy(json.loads(json.dumps(data))).to_dict()["properties"]


def test_ids_unique_and_references_resolve(lines: list[dict[str, Any]]) -> None:
    """Every reference the case's own entities make resolves in the file; list entities keep
    theirs as stored, one link deep (a "linked to" company outside the case stays an id)."""
    ids = [e["id"] for e in lines]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for data in (e for e in lines if e["id"].startswith("sw-")):
        schema = model.get(data["schema"])
        assert schema is not None
        for name, values in data["properties"].items():
            prop = schema.get(name)
            if prop is not None and prop.type.name == "entity":
                assert set(values) <= known, (data["id"], name, values)


@pytest.mark.parametrize(
    ("schema", "count"),
    [
        pytest.param("Project", 1, id="the case"),
        pytest.param("Event", 2, id="gap and encounter"),
        pytest.param("Document", 3 + 1, id="three source files and the portfolio"),
        pytest.param("Note", 2 + 1, id="two notes and the decision on the case"),
    ],
)
def test_case_entities(lines: list[dict[str, Any]], schema: str, count: int) -> None:
    found = _of(lines, schema)
    if schema == "Note":
        found = [n for n in found if n["properties"]["entity"][0].startswith("sw-case-")]
    assert len(found) == count


def test_list_entities_as_stored(lines: list[dict[str, Any]], by_id: dict[str, Any]) -> None:
    ftb = by_id["unsc-6908622"]
    assert ftb["datasets"] == ["un_sc_sanctions"]
    assert "sanctions" not in ftb["properties"]  # the reverse property is not stored
    sanction = next(
        e for e in _of(lines, "Sanction") if e["properties"]["entity"] == ["unsc-6908622"]
    )
    assert sanction["properties"]["unscId"] == ["KPe.047"]
    assert by_id["ofac-23788"]["properties"]["imoNumber"] == ["IMO9030591"]


def test_vessels_listed_or_made(lines: list[dict[str, Any]], by_id: dict[str, Any]) -> None:
    """YUK TUNG is on the list: the events point at its list entity; CHON MA SAN is not in
    this case's entities: it becomes a Vessel with its IMO, MMSI and flag."""
    vessels = {e["properties"]["name"][0]: e for e in _of(lines, "Vessel")}
    assert vessels["YUK TUNG"]["id"] == "ofac-23788"
    chon = vessels["CHON MA SAN"]["properties"]
    assert (chon["imoNumber"], chon["mmsi"], chon["flag"]) == (
        ["IMO8660313"],
        ["445539000"],
        ["kp"],
    )
    links = [e["properties"] for e in _of(lines, "UnknownLink")]
    encounter = next(e for e in _of(lines, "Event") if e["properties"]["name"][0].startswith("enc"))
    linked = {lk["object"][0] for lk in links if lk["subject"] == [encounter["id"]]}
    assert linked == {"ofac-23788", vessels["CHON MA SAN"]["id"]}
    assert "gap@1" in " ".join(
        _of(lines, "Event")[0]["properties"]["summary"]
        + _of(lines, "Event")[1]["properties"]["summary"]
    )


def test_documents_mentions_and_evidence(lines: list[dict[str, Any]]) -> None:
    docs = [d for d in _of(lines, "Document") if d["properties"].get("language")]
    assert sorted(d["properties"]["language"][0] for d in docs) == ["deu", "kor", "rus"]
    mentions = _of(lines, "Mention")
    resolved = Counter(r for m in mentions for r in m["properties"].get("resolved", []))
    assert resolved["ofac-20157"] >= 1  # "Kim" in the German editorial, KIM Jong Un (OFAC)
    evidence = [
        n for n in _of(lines, "Note") if not n["properties"]["entity"][0].startswith("sw-case-")
    ]
    assert any("Granaten" in n["properties"]["description"][0] for n in evidence)
    assert all(n["properties"].get("summary") for n in evidence)  # the provisions


def test_screening_hit_is_a_resolved_mention(lines: list[dict[str, Any]]) -> None:
    portfolio = next(d for d in _of(lines, "Document") if d["properties"]["title"] == ["portfolio"])
    party = next(
        m for m in _of(lines, "Mention") if m["properties"]["document"] == [portfolio["id"]]
    )
    assert party["properties"]["name"] == ["Foreign Trade Bank of the DPRK"]
    assert party["properties"]["resolved"] == ["unsc-6908622"]


def test_stable_across_renders_and_sorted(dossier: CaseDossier) -> None:
    first = render_report(dossier, "ftm")
    assert render_report(dossier, "ftm") == first
    ids = [json.loads(line)["id"] for line in first.decode().splitlines()]
    assert ids == sorted(ids)


def test_flatten_nested_inverts_entity_nested(dossier: CaseDossier) -> None:
    nested = next(e for e in dossier.entities if e["id"] == "unsc-6908622")
    flat = flatten_nested(nested)
    assert [e["schema"] for e in flat] == ["Organization", "Address", "Sanction"]
    assert flat[0]["properties"]["addressEntity"] == [flat[1]["id"]]

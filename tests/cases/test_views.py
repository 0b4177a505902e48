"""The views the API and the pages share (`cases.views`), over a real workspace holding the
showcase: the designated tanker YUK TUNG's AIS gap, its encounter with the DPRK-flagged
CHON MA SAN, and a Korean news report naming it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from followthemoney import EntityProxy, model

from sanctionwatch.cases import views
from sanctionwatch.cases.views import UnsupportedUpload, UploadTooLarge
from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.documents.cache import load_or_build_gazetteer
from sanctionwatch.documents.service import AnalyzeOptions, build_reader
from sanctionwatch.errors import InputError, NotFoundError
from sanctionwatch.settings import load_settings
from tests.api.fakes import FakeDataset, FakeVersion
from tests.api.wsapp import GAZETTEER_CACHE
from tests.cases.builders import CHON_MA_SAN, YUK_TUNG, showcase_alerts, showcase_events
from tests.paths import DOCUMENTS

KOREAN_SOURCE = "https://www.yna.co.kr/view/AKR20240305000100504"


def vessel(ship: dict[str, Any], caption: str) -> EntityProxy:
    proxy = model.make_entity("Vessel")
    proxy.id = ship["entity_id"]
    proxy.add("name", caption)
    proxy.add("imoNumber", f"IMO {ship['imo']}")
    return proxy


class ListStore:
    """The two showcase vessels as listed (OFAC SDN), and two versions of the list."""

    def __init__(self) -> None:
        self._entities = {
            YUK_TUNG["entity_id"]: vessel(YUK_TUNG, "YUK TUNG"),
            CHON_MA_SAN["entity_id"]: vessel(CHON_MA_SAN, "CHON MA SAN"),
        }

    def entity(self, entity_id: str) -> EntityProxy | None:
        return self._entities.get(entity_id)

    def datasets(self) -> list[FakeDataset]:
        versions = [FakeVersion("2021-06-01", 9100), FakeVersion("2021-07-07", 9137)]
        return [FakeDataset("us_ofac_sdn", "2021-07-07", versions)]


@pytest.fixture
def ws(sqlite_workspace: Workspace) -> Workspace:
    sqlite_workspace.record_alerts(showcase_alerts())
    sqlite_workspace.save_events(showcase_events())
    sqlite_workspace.save_document(
        {"document": {"source": KOREAN_SOURCE, "language": "ko", "title": "육퉁호"}, "alert": True},
        text="제재 대상 유조선 육퉁(YUK TUNG)호가 북한 선적 천마산호와 환적.",
    )
    return sqlite_workspace


def test_entity_links_reach_documents_events_and_cases(ws: Workspace) -> None:
    events = [a.id for a in ws.alerts(kind="ship_event")]
    case = ws.create_case("YUK TUNG STS", actor="analyst", alert_ids=events)
    links = views.entity_links(ws, YUK_TUNG["entity_id"])
    assert sorted(a["kind"] for a in links["alerts"]) == [
        "document_finding",
        "ship_event",
        "ship_event",
    ]
    assert [d["source"] for d in links["documents"]] == [KOREAN_SOURCE]
    assert [e["type"] for e in links["events"]] == ["gap", "encounter"]  # in time order
    assert [c["id"] for c in links["cases"]] == [case.id]


def test_entity_links_of_an_unknown_entity_are_empty(ws: Workspace) -> None:
    assert views.entity_links(ws, "no-such-entity") == {
        "alerts": [],
        "documents": [],
        "events": [],
        "cases": [],
    }


def test_graph_ties_the_showcase_together(ws: Workspace) -> None:
    graph = views.graph(ws, ListStore())
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert nodes[f"entity:{YUK_TUNG['entity_id']}"]["label"] == "YUK TUNG"
    assert nodes[f"vessel:imo:{CHON_MA_SAN['imo']}"]["type"] == "vessel"
    assert nodes[f"document:{KOREAN_SOURCE}"]["type"] == "document"
    edges = {(e["source"], e["target"], e["label"]) for e in graph["edges"]}
    tanker, tanker_ship = f"entity:{YUK_TUNG['entity_id']}", f"vessel:imo:{YUK_TUNG['imo']}"
    assert (tanker, tanker_ship, "listed vessel") in edges or (
        tanker_ship,
        tanker,
        "listed vessel",
    ) in edges
    assert any(
        {s, t} == {f"vessel:imo:{YUK_TUNG['imo']}", f"vessel:imo:{CHON_MA_SAN['imo']}"}
        for s, t, _ in edges
    )
    assert all(s in nodes and t in nodes for s, t, _ in edges)
    assert len(graph["nodes"]) == len(nodes)  # each node once


def test_graph_of_a_case_and_unknown_case(ws: Workspace) -> None:
    case = ws.create_case("STS", actor="a", alert_ids=[ws.alerts(kind="ship_event")[0].id])
    graph = views.graph(ws, ListStore(), case_id=case.id)
    ids = {n["id"] for n in graph["nodes"]}
    assert f"case:{case.id}" in ids
    assert f"document:{KOREAN_SOURCE}" not in ids  # only the case's alerts
    with pytest.raises(NotFoundError):
        views.graph(ws, ListStore(), case_id=case.id + 100)


def test_timeline_of_a_case(ws: Workspace) -> None:
    alert_ids = [a.id for a in ws.alerts()]
    case = ws.create_case("STS", actor="analyst", alert_ids=alert_ids)
    ws.add_note(case.id, "Two sources agree.", actor="analyst")
    ws.decide(case.id, "confirmed", actor="lead", rationale="AIS and press agree.")
    rows = views.timeline(ws, case_id=case.id)
    assert [r["type"] for r in rows][:3] == ["alert", "alert", "alert"]  # 2024 events first
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    assert {"case", "note", "decision"} <= {r["type"] for r in rows}
    decision = next(r for r in rows if r["type"] == "decision")
    assert decision["actor"] == "lead" and decision["kind"] == "confirmed"


def test_dashboard(ws: Workspace) -> None:
    ws.create_case("STS", actor="a", alert_ids=[ws.alerts(kind="document_finding")[0].id])
    board = views.dashboard(ws, ListStore())
    assert board["alerts_new"] == 2
    assert board["alerts_by_kind"] == {
        "list_change": 0,
        "screening_hit": 0,
        "document_finding": 1,
        "ship_event": 2,
    }
    assert len(board["recent_alerts"]) == 3
    assert [c["title"] for c in board["open_cases"]] == ["STS"]
    assert board["list_changes"] == [
        {
            "dataset": "us_ofac_sdn",
            "current_version": "2021-07-07",
            "previous_version": "2021-06-01",
            "entities": 9137,
            "previous_entities": 9100,
        }
    ]


def test_events_geojson() -> None:
    gap, encounter = showcase_events()
    collection = views.events_geojson([{"id": 1, **gap}, {"id": 2, **encounter, "lat": None}])
    assert collection["features"][0]["geometry"] == {
        "type": "Point",
        "coordinates": [123.85, 31.12],
    }
    assert collection["features"][1]["geometry"] is None
    assert collection["features"][1]["properties"]["type"] == "encounter"


# --- uploads and screening forms -----------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, kind",
    [
        pytest.param("a.txt", b"%PDF-1.7\n...", "pdf", id="pdf-named-txt"),
        pytest.param("a.pdf", b"plain words, no PDF", "text", id="text-named-pdf"),
        pytest.param("a.txt", b"<!DOCTYPE html><html><p>x</p></html>", "html", id="html"),
        pytest.param("a", b'<?xml version="1.0"?><rss><channel/></rss>', "feed", id="rss"),
        pytest.param("a", b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "feed", id="atom"),
        pytest.param("a.txt", "Ким Чен Ын, 김정은".encode(), "text", id="utf8-text"),
    ],
)
def test_document_kind_by_content(name: str, data: bytes, kind: str) -> None:
    assert views.document_kind(data, name) == kind


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", id="png"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00", id="office-zip"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", id="jpeg"),
    ],
)
def test_document_kind_refuses_other_content(data: bytes) -> None:
    with pytest.raises(UnsupportedUpload, match="text, HTML, PDF"):
        views.document_kind(data, "x.txt")


def test_empty_upload_is_an_input_error() -> None:
    with pytest.raises(InputError, match="empty"):
        views.document_kind(b" \n", "x.txt")


@pytest.mark.parametrize(
    "data, kind",
    [
        pytest.param(b"PK\x03\x04rest", "xlsx", id="xlsx"),
        pytest.param(b"name\nKim\n", "csv", id="csv"),
    ],
)
def test_table_kind(data: bytes, kind: str) -> None:
    assert views.table_kind(data, "t") == kind


def test_table_kind_refuses_binary() -> None:
    with pytest.raises(UnsupportedUpload):
        views.table_kind(b"\x89PNG\r\n\x1a\n\x00\x00", "t.csv")


@pytest.mark.parametrize(
    "schema, kwargs, expected",
    [
        pytest.param(
            "LegalEntity",
            {"name": "Kim Jong Un", "birth_date": "1984-01-08"},
            ("Person", {"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]}),
            id="birth-date-makes-a-person",
        ),
        pytest.param(
            "Vessel",
            {"name": "YUK TUNG", "identifiers": ["9030591"]},
            ("Vessel", {"name": ["YUK TUNG"], "imoNumber": ["9030591"]}),
            id="vessel-imo",
        ),
        pytest.param(
            "Company",
            {"name": "Korea Mining", "identifiers": ["IMO 8660313", "12345"], "country": "kp"},
            (
                "Company",
                {
                    "name": ["Korea Mining"],
                    "country": ["kp"],
                    "imoNumber": ["IMO 8660313"],
                    "idNumber": ["12345"],
                },
            ),
            id="company-ids",
        ),
        pytest.param(
            "Person",
            {"properties": {"name": ["Ким Чен Ын"]}, "name": "  "},
            ("Person", {"name": ["Ким Чен Ын"]}),
            id="ftm-properties",
        ),
    ],
)
def test_query_properties(
    schema: str, kwargs: dict[str, Any], expected: tuple[str, dict[str, list[str]]]
) -> None:
    assert views.query_properties(schema, **kwargs) == expected


@pytest.mark.slow  # the reader's gazetteer: ~20 s when the test cache is cold
def test_read_upload_of_the_german_article(sqlite_workspace: Workspace, tmp_path: Any) -> None:
    settings = load_settings(env={"SANCTIONWATCH_HOME": str(tmp_path)})
    gazetteer = load_or_build_gazetteer(lambda: [], versions={}, cache_dir=GAZETTEER_CACHE)
    reader = build_reader(settings, gazetteer, options=AnalyzeOptions(ner=False))
    data = (DOCUMENTS / "putin-kim-summit-de.txt").read_bytes()
    doc_id, alert_ids = views.read_upload(
        sqlite_workspace,
        reader,
        data=data,
        filename="C:\\Users\\x\\putin-kim-summit-de.txt",
        list_versions={"un_sc_sanctions": "2026-02-27"},
        actor="alice",
    )
    document = sqlite_workspace.document(doc_id)
    assert document["source"] == "putin-kim-summit-de.txt"  # the path is not kept
    assert len(alert_ids) == 1
    alert = sqlite_workspace.alert(alert_ids[0])
    assert alert.alert.kind == "document_finding"
    assert alert.alert.list_versions == {"un_sc_sanctions": "2026-02-27"}
    run = sqlite_workspace.runs()[0]
    assert run["kind"] == "upload" and "alice" in str(run)
    again = views.read_upload(
        sqlite_workspace, reader, data=data, filename="copy.txt", list_versions={}, actor="bob"
    )
    assert again == (doc_id, [])


def test_screen_upload_row_limit() -> None:
    from sanctionwatch.screening.service import MatchOptions, Screener

    screener = Screener.build([], versions={})
    data = b"name\n" + b"".join(b"P %d\n" % i for i in range(4))
    with pytest.raises(UploadTooLarge, match="4 rows"):
        views.screen_upload(
            screener, data=data, filename="p.csv", max_rows=3, options=MatchOptions()
        )
    result = views.screen_upload(
        screener, data=data, filename="p.csv", max_rows=4, options=MatchOptions()
    )
    assert [r["row"] for r in result["rows"]] == [1, 2, 3, 4]
    assert result["columns"] == ["name"]
    assert all(r["sw_match"] is False for r in result["rows"])


def test_views_are_json_ready(ws: Workspace) -> None:
    import json

    for value in (
        views.entity_links(ws, YUK_TUNG["entity_id"]),
        views.graph(ws, ListStore()),
        views.timeline(ws),
        views.dashboard(ws, ListStore()),
    ):
        json.dumps(value)
    assert dataclasses.is_dataclass(views.UploadResult)

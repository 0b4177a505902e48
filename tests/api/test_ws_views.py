"""`/api/entities/{id}/links`, `/api/graph`, `/api/timeline`, `/api/dashboard` over the
showcase (the logic is tested in tests/cases/test_views.py; these pin the wire)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.wsapp import WsEnv, make_env
from tests.cases.builders import YUK_TUNG, showcase_alerts, showcase_events


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    for env in make_env(tmp_path_factory.mktemp("views")):
        env.ws.record_alerts(showcase_alerts())
        env.ws.save_events(showcase_events())
        alert_ids = [a.id for a in env.ws.alerts(kind="ship_event")]
        env.ws.create_case("YUK TUNG STS", actor="analyst", alert_ids=alert_ids)
        yield env


def test_entity_links(env: WsEnv) -> None:
    response = env.client.get(
        f"/api/entities/{YUK_TUNG['entity_id']}/links", headers=env.key("viewer")
    )
    assert response.status_code == 200
    links = response.json()
    assert len(links["alerts"]) == 3
    assert sorted(e["type"] for e in links["events"]) == ["encounter", "gap"]
    assert [c["title"] for c in links["cases"]] == ["YUK TUNG STS"]


def test_graph_of_a_case(env: WsEnv) -> None:
    case_id = env.ws.cases()[0].id
    graph = env.client.get(f"/api/graph?case_id={case_id}", headers=env.key("viewer")).json()
    types = {n["id"]: n["type"] for n in graph["nodes"]}
    assert types[f"case:{case_id}"] == "case"
    assert types[f"vessel:imo:{YUK_TUNG['imo']}"] == "vessel"
    assert types[f"entity:{YUK_TUNG['entity_id']}"] == "entity"
    assert all(e["source"] in types and e["target"] in types for e in graph["edges"])


def test_timeline_in_time_order(env: WsEnv) -> None:
    rows = env.client.get("/api/timeline", headers=env.key("viewer")).json()
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    assert rows[0]["at"] == "2024-03-01T02:10:00Z"


def test_dashboard(env: WsEnv) -> None:
    board = env.client.get("/api/dashboard", headers=env.key("viewer")).json()
    assert board["alerts_new"] == 1  # the two ship events went into the case
    assert board["alerts_by_kind"]["ship_event"] == 2
    assert [c["title"] for c in board["open_cases"]] == ["YUK TUNG STS"]
    assert {c["dataset"] for c in board["list_changes"]}


@pytest.mark.parametrize(
    "path",
    ["/api/graph?case_id=999999", "/api/timeline?case_id=999999"],
)
def test_unknown_case_is_404(env: WsEnv, path: str) -> None:
    assert env.client.get(path, headers=env.key("viewer")).status_code == 404

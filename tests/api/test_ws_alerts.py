"""`/api/alerts` and `/api/suggestions` over the showcase alerts (a designated tanker's AIS gap,
its encounter with a DPRK-flagged ship, a Korean news report naming it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.wsapp import WsEnv, make_env
from tests.cases.builders import CHON_MA_SAN, YUK_TUNG, screening_alert, showcase_alerts


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    for env in make_env(tmp_path_factory.mktemp("alerts")):
        env.ws.record_alerts([*showcase_alerts(), screening_alert("Zala Ltd", "zala-1", row=3)])
        yield env


def ids(response: object) -> list[int]:
    return [a["id"] for a in response.json()["results"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "query, expected_kinds",
    [
        pytest.param(
            "", ["screening_hit", "document_finding", "ship_event", "ship_event"], id="all"
        ),
        pytest.param("kind=ship_event", ["ship_event", "ship_event"], id="kind"),
        pytest.param(f"imo={CHON_MA_SAN['imo']}", ["ship_event"], id="imo"),
        pytest.param(
            f"entity_id={YUK_TUNG['entity_id']}",
            ["document_finding", "ship_event", "ship_event"],
            id="entity",
        ),
        pytest.param("q=Zala", ["screening_hit"], id="text"),
        pytest.param("status=dismissed", [], id="status"),
        pytest.param("limit=1", ["screening_hit"], id="limit"),
    ],
)
def test_list_alerts_filters(env: WsEnv, query: str, expected_kinds: list[str]) -> None:
    response = env.client.get(f"/api/alerts?{query}", headers=env.key("viewer"))
    assert response.status_code == 200
    assert sorted(a["kind"] for a in response.json()["results"]) == sorted(expected_kinds)


def test_alert_detail_has_evidence_and_versions(env: WsEnv) -> None:
    first = env.client.get("/api/alerts?kind=ship_event&limit=1", headers=env.key("viewer"))
    alert_id = ids(first)[0]
    alert = env.client.get(f"/api/alerts/{alert_id}", headers=env.key("viewer")).json()
    assert alert["status"] == "new"
    assert alert["algorithm"].endswith("@1")
    assert alert["list_versions"]["us_ofac_sdn"] == "2021-07-07"
    assert alert["evidence"]["type"] in {"gap", "encounter"}
    assert alert["vessels"][0]["imo"] == YUK_TUNG["imo"]


@pytest.mark.parametrize(
    "path, status",
    [
        pytest.param("/api/alerts/999999", 404, id="unknown"),
        pytest.param("/api/alerts/0", 400, id="zero"),
        pytest.param("/api/alerts?kind=weather", 400, id="bad-kind"),
        pytest.param("/api/alerts?limit=100000", 400, id="limit-too-big"),
    ],
)
def test_alert_errors(env: WsEnv, path: str, status: int) -> None:
    response = env.client.get(path, headers=env.key("viewer"))
    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)


def test_dismiss_alert(env: WsEnv) -> None:
    alert_id = ids(env.client.get("/api/alerts?q=Zala", headers=env.key("viewer")))[0]
    no_reason = env.client.post(
        f"/api/alerts/{alert_id}/dismiss", json={"reason": ""}, headers=env.key("analyst")
    )
    assert no_reason.status_code == 400
    done = env.client.post(
        f"/api/alerts/{alert_id}/dismiss",
        json={"reason": "different company, other country"},
        headers=env.key("analyst"),
    )
    assert done.status_code == 200
    assert done.json()["status"] == "dismissed"
    audit = env.ws.audit(target=f"alert:{alert_id}")
    assert [(e.actor, e.action) for e in audit][-1][0] == "analyst"
    dismissed = env.client.get("/api/alerts?status=dismissed", headers=env.key("viewer"))
    assert ids(dismissed) == [alert_id]


def test_suggestions_group_the_showcase(env: WsEnv) -> None:
    response = env.client.get("/api/suggestions", headers=env.key("viewer"))
    assert response.status_code == 200
    showcase = ids(
        env.client.get(f"/api/alerts?entity_id={YUK_TUNG['entity_id']}", headers=env.key("viewer"))
    )
    groups = [set(s["alert_ids"]) for s in response.json()]
    assert set(showcase) in groups or any(set(showcase) <= g for g in groups)
    assert all(s["reasons"] for s in response.json())


@pytest.mark.parametrize(
    "query, status",
    [
        pytest.param("report_window_days=0", 200, id="reports-reach-no-further-back"),
        pytest.param("report_window_days=365&window_hours=24", 200, id="both-windows"),
        pytest.param("report_window_days=-1", 400, id="negative"),
        pytest.param("report_window_days=many", 400, id="not-a-number"),
    ],
)
def test_suggestions_take_the_report_window(env: WsEnv, query: str, status: int) -> None:
    response = env.client.get(f"/api/suggestions?{query}", headers=env.key("viewer"))
    assert response.status_code == status, response.text

"""`/api/cases`: open a case from alerts, add alerts, notes and decisions, read it back with
its audit trail, and export the report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.wsapp import WsEnv, make_env
from tests.cases.builders import showcase_alerts


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    for env in make_env(tmp_path_factory.mktemp("cases")):
        env.ws.record_alerts(showcase_alerts())
        yield env


@pytest.fixture(scope="module")
def case(env: WsEnv) -> dict[str, object]:
    alert_ids = [a.id for a in env.ws.alerts(kind="ship_event")]
    response = env.client.post(
        "/api/cases",
        json={
            "title": "YUK TUNG STS, March 2024",
            "summary": "Gap then encounter.",
            "alert_ids": alert_ids,
        },
        headers=env.key("analyst"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_case_created_with_its_alerts(env: WsEnv, case: dict[str, object]) -> None:
    assert case["status"] == "open" and case["created_by"] == "analyst"
    detail = env.client.get(f"/api/cases/{case['id']}", headers=env.key("viewer")).json()
    assert {a["kind"] for a in detail["alerts"]} == {"ship_event"}
    assert all(a["status"] == "in_case" for a in detail["alerts"])
    assert "case.create" in [e["action"] for e in detail["audit"]]


def test_add_alert_note_and_decision(env: WsEnv, case: dict[str, object]) -> None:
    report = env.ws.alerts(kind="document_finding")[0]
    added = env.client.post(
        f"/api/cases/{case['id']}/alerts",
        json={"alert_ids": [report.id]},
        headers=env.key("analyst"),
    )
    assert added.status_code == 200
    assert report.id in [a["id"] for a in added.json()["alerts"]]
    note = env.client.post(
        f"/api/cases/{case['id']}/notes",
        json={"text": "Korean report confirms the STS."},
        headers=env.key("analyst"),
    )
    assert note.status_code == 201 and note.json()["author"] == "analyst"
    decision = env.client.post(
        f"/api/cases/{case['id']}/decisions",
        json={"status": "confirmed", "rationale": "AIS and press agree."},
        headers=env.key("analyst"),
    )
    assert decision.status_code == 201
    detail = env.client.get(f"/api/cases/{case['id']}", headers=env.key("viewer")).json()
    assert detail["case"]["status"] == "confirmed"
    assert [d["status"] for d in detail["decisions"]] == ["confirmed"]
    assert {"note.add", "case.decide"} <= {e["action"] for e in detail["audit"]}
    listed = env.client.get("/api/cases?status=confirmed", headers=env.key("viewer")).json()
    assert [c["id"] for c in listed] == [case["id"]]


@pytest.mark.parametrize(
    "path, body, status",
    [
        pytest.param("/api/cases", {"title": ""}, 400, id="empty-title"),
        pytest.param("/api/cases", {"title": "x", "alert_ids": [999999]}, 404, id="unknown-alert"),
        pytest.param("/api/cases/999999/notes", {"text": "x"}, 404, id="unknown-case"),
        pytest.param(
            "/api/cases/1/decisions",
            {"status": "closed", "rationale": "x"},
            400,
            id="bad-status",
        ),
        pytest.param("/api/cases/1/alerts", {"alert_ids": []}, 400, id="no-alerts"),
    ],
)
def test_case_errors(
    env: WsEnv, case: dict[str, object], path: str, body: object, status: int
) -> None:
    response = env.client.post(path, json=body, headers=env.key("analyst"))
    assert response.status_code == status, response.text
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    "fmt, media, marker",
    [
        pytest.param("html", "text/html", b"YUK TUNG", id="html"),
        pytest.param("ftm", "application/x-ndjson", b'"schema"', id="ftm"),
        pytest.param("pdf", "application/pdf", b"%PDF", id="pdf"),
    ],
)
def test_report_download(
    env: WsEnv, case: dict[str, object], fmt: str, media: str, marker: bytes
) -> None:
    response = env.client.get(
        f"/api/cases/{case['id']}/report?format={fmt}", headers=env.key("viewer")
    )
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith(media)
    assert "attachment" in response.headers["content-disposition"]
    assert marker in response.content


def test_report_unknown_case_is_404(env: WsEnv) -> None:
    response = env.client.get("/api/cases/999999/report", headers=env.key("viewer"))
    assert response.status_code == 404

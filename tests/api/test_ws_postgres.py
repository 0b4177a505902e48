"""The workspace API on a team server's PostgreSQL: sessions, CSRF, roles, cases and audit
work the same as on the embedded SQLite file (the service itself is tested on both backends
in tests/cases)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.api.auth import CSRF_HEADER, SESSION_COOKIE
from tests.api.wsapp import WsEnv, make_env
from tests.cases.builders import showcase_alerts
from tests.store.conftest import pg_admin_url

pytestmark = pytest.mark.postgres
__all__ = ["pg_admin_url"]


@pytest.fixture(scope="module")
def env(pg_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    import psycopg

    name = f"sw_test_api_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        for env in make_env(tmp_path_factory.mktemp("pg"), db_url=url):
            env.ws.record_alerts(showcase_alerts())
            yield env
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_case_work_over_a_session_with_csrf(env: WsEnv) -> None:
    client, token = env.login("analyst")
    alert_ids = [a.id for a in env.ws.alerts(kind="ship_event")]
    refused = client.post("/api/cases", json={"title": "STS", "alert_ids": alert_ids})
    assert refused.status_code == 403
    created = client.post(
        "/api/cases", json={"title": "STS", "alert_ids": alert_ids}, headers={CSRF_HEADER: token}
    )
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    decided = client.post(
        f"/api/cases/{case_id}/decisions",
        json={"status": "under_review", "rationale": "AIS gap then encounter."},
        headers={CSRF_HEADER: token},
    )
    assert decided.status_code == 201
    detail = env.client.get(f"/api/cases/{case_id}", headers=env.key("viewer")).json()
    assert detail["case"]["status"] == "under_review"
    assert {e["actor"] for e in detail["audit"]} == {"analyst"}
    assert all(a["status"] == "in_case" for a in detail["alerts"])


def test_viewer_key_cannot_write(env: WsEnv) -> None:
    response = env.client.post("/api/cases", json={"title": "x"}, headers=env.key("viewer"))
    assert response.status_code == 403


def test_logout_and_deactivation_end_access(env: WsEnv) -> None:
    client, token = env.login("viewer")
    session_id = client.cookies[SESSION_COOKIE]
    assert client.post("/api/logout", headers={CSRF_HEADER: token}).status_code == 200
    assert (
        TestClient(env.app, cookies={SESSION_COOKIE: session_id}).get("/api/me").status_code == 401
    )
    env.client.post(
        "/api/users",
        json={"name": "zoe", "role": "analyst", "password": "zoe's long password"},
        headers=env.key("admin"),
    )
    zoe = TestClient(env.app)
    assert (
        zoe.post("/api/login", json={"name": "zoe", "password": "zoe's long password"}).status_code
        == 200
    )
    env.client.post("/api/users/zoe/deactivate", headers=env.key("admin"))
    assert zoe.get("/api/me").status_code == 401

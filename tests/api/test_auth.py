"""Authentication on the wire: API keys in three headers, roles, cookie sessions (attributes,
logout, deactivation, fixation), login, the first admin, and the read/yente settings."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from sanctionwatch.api.auth import (
    CSRF_HEADER,
    SESSION_COOKIE,
    ensure_first_admin,
    require_viewer,
)
from sanctionwatch.cases.model import User
from sanctionwatch.cases.workspace import open_workspace
from tests.api.wsapp import PASSWORDS, WsEnv, make_env


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    yield from make_env(tmp_path_factory.mktemp("auth"))


# --- API keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(lambda key: {"Authorization": f"ApiKey {key}"}, id="apikey-scheme"),
        pytest.param(lambda key: {"Authorization": f"Bearer {key}"}, id="bearer-scheme"),
        pytest.param(lambda key: {"X-API-Key": key}, id="x-api-key"),
    ],
)
def test_api_key_headers(env: WsEnv, header: object) -> None:
    response = env.client.get("/api/me", headers=header(env.keys["analyst"]))  # type: ignore[operator]
    assert response.status_code == 200
    assert response.json()["user"]["name"] == "analyst"
    assert response.json()["via"] == "api_key"
    assert response.json()["csrf_token"] is None


@pytest.mark.parametrize(
    "headers, detail",
    [
        pytest.param({}, "Authentication required", id="none"),
        pytest.param({"Authorization": "ApiKey swk_" + "x" * 40}, "Invalid", id="unknown-key"),
        pytest.param({"Authorization": "Basic dXNlcjpwdw=="}, "Authentication", id="basic"),
        pytest.param({"Cookie": f"{SESSION_COOKIE}=forged"}, "Session", id="forged-cookie"),
    ],
)
def test_no_valid_credential_is_401(env: WsEnv, headers: dict[str, str], detail: str) -> None:
    response = env.client.get("/api/alerts", headers=headers)
    assert response.status_code == 401
    assert detail in response.json()["detail"]
    assert response.headers["www-authenticate"].startswith("ApiKey")


def test_bad_key_does_not_fall_back_to_the_cookie(env: WsEnv) -> None:
    client, _token = env.login("admin")
    response = client.get("/api/me", headers={"X-API-Key": "swk_wrong"})
    assert response.status_code == 401


def test_revoked_key_is_refused_at_once(env: WsEnv) -> None:
    created = env.client.post(
        "/api/users/viewer/keys", json={"label": "to revoke"}, headers=env.key("admin")
    )
    assert created.status_code == 201
    secret, key_id = created.json()["secret"], created.json()["key"]["id"]
    assert env.client.get("/api/me", headers={"X-API-Key": secret}).status_code == 200
    revoked = env.client.delete(f"/api/keys/{key_id}", headers=env.key("admin"))
    assert revoked.status_code == 200
    assert env.client.get("/api/me", headers={"X-API-Key": secret}).status_code == 401


def test_key_secret_is_returned_once_only(env: WsEnv) -> None:
    created = env.client.post(
        "/api/users/analyst/keys", json={"label": "once"}, headers=env.key("admin")
    )
    secret = created.json()["secret"]
    assert secret.startswith("swk_")
    assert created.json()["key"]["prefix"] in secret
    listed = env.client.get("/api/keys", headers=env.key("admin"))
    assert listed.status_code == 200
    assert secret not in listed.text
    assert all(env.keys[role] not in listed.text for role in env.keys)
    assert "once" in listed.text


# --- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, method, path, body, allowed",
    [
        pytest.param("viewer", "GET", "/api/alerts", None, True, id="viewer-reads"),
        pytest.param("viewer", "POST", "/api/cases", {"title": "x"}, False, id="viewer-no-case"),
        pytest.param("analyst", "POST", "/api/cases", {"title": "x"}, True, id="analyst-case"),
        pytest.param("analyst", "GET", "/api/users", None, False, id="analyst-no-users"),
        pytest.param("analyst", "GET", "/api/keys", None, False, id="analyst-no-keys"),
        pytest.param(
            "analyst",
            "POST",
            "/api/users",
            {"name": "eve", "role": "admin"},
            False,
            id="analyst-no-user-add",
        ),
        pytest.param("admin", "GET", "/api/users", None, True, id="admin-users"),
        pytest.param("admin", "POST", "/api/cases", {"title": "y"}, True, id="admin-case"),
    ],
)
def test_roles(env: WsEnv, role: str, method: str, path: str, body: object, allowed: bool) -> None:
    response = env.client.request(method, path, json=body, headers=env.key(role))
    assert (response.status_code < 400) is allowed, response.text
    if not allowed:
        assert response.status_code == 403
        assert "role" in response.json()["detail"]


def test_actor_is_the_authenticated_user(env: WsEnv) -> None:
    created = env.client.post(
        "/api/cases", json={"title": "who did it"}, headers=env.key("analyst")
    )
    case = created.json()
    assert case["created_by"] == "analyst"
    note = env.client.post(
        f"/api/cases/{case['id']}/notes", json={"text": "seen"}, headers=env.key("admin")
    )
    assert note.json()["author"] == "admin"
    detail = env.client.get(f"/api/cases/{case['id']}", headers=env.key("viewer")).json()
    assert {e["actor"] for e in detail["audit"]} == {"analyst", "admin"}


def test_role_change_takes_effect_at_once(env: WsEnv) -> None:
    env.ws.add_user("bob", "viewer", actor="test", password="bob's long password")
    _info, secret = env.ws.create_api_key("bob", label="bob", actor="test")
    headers = {"X-API-Key": secret}
    assert env.client.post("/api/cases", json={"title": "b"}, headers=headers).status_code == 403
    promoted = env.client.post(
        "/api/users/bob/role", json={"role": "analyst"}, headers=env.key("admin")
    )
    assert promoted.json()["role"] == "analyst"
    assert env.client.post("/api/cases", json={"title": "b"}, headers=headers).status_code == 201


# --- sessions ----------------------------------------------------------------------------


def test_login_sets_a_hardened_cookie(env: WsEnv) -> None:
    client = TestClient(env.app)
    response = client.post("/api/login", json={"name": "viewer", "password": PASSWORDS["viewer"]})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    assert "Path=/" in cookie


def test_cookie_is_secure_over_https(env: WsEnv) -> None:
    client = TestClient(env.app, base_url="https://testserver")
    response = client.post("/api/login", json={"name": "viewer", "password": PASSWORDS["viewer"]})
    assert "Secure" in response.headers["set-cookie"]
    assert response.headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize(
    "name, password",
    [
        pytest.param("viewer", "wrong password", id="wrong-password"),
        pytest.param("nobody", "whatever it is", id="unknown-user"),
    ],
)
def test_login_refused_with_one_message(env: WsEnv, name: str, password: str) -> None:
    response = TestClient(env.app).post("/api/login", json={"name": name, "password": password})
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong user name or password."}
    assert "set-cookie" not in response.headers


def test_session_fixation_new_id_at_login(env: WsEnv) -> None:
    client, _ = env.login("analyst")
    first = client.cookies[SESSION_COOKIE]
    again = client.post("/api/login", json={"name": "analyst", "password": PASSWORDS["analyst"]})
    second = client.cookies[SESSION_COOKIE]
    assert again.status_code == 200
    assert second != first
    stale = TestClient(env.app, cookies={SESSION_COOKIE: first})
    assert stale.get("/api/me").status_code == 401  # the pre-login id is dead


def test_logout_ends_access_at_once(env: WsEnv) -> None:
    client, token = env.login("analyst")
    session_id = client.cookies[SESSION_COOKIE]
    assert client.get("/api/me").status_code == 200
    out = client.post("/api/logout", headers={CSRF_HEADER: token})
    assert out.status_code == 200
    assert (
        f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
        or "Max-Age=0" in out.headers["set-cookie"]
    )
    replay = TestClient(env.app, cookies={SESSION_COOKIE: session_id})
    assert replay.get("/api/me").status_code == 401


def test_deactivation_ends_sessions_and_keys_at_once(env: WsEnv) -> None:
    env.ws.add_user("carol", "analyst", actor="test", password="carol's long password")
    _info, secret = env.ws.create_api_key("carol", label="carol", actor="test")
    client = TestClient(env.app)
    client.post("/api/login", json={"name": "carol", "password": "carol's long password"})
    assert client.get("/api/me").status_code == 200
    done = env.client.post("/api/users/carol/deactivate", headers=env.key("admin"))
    assert done.status_code == 200
    assert done.json()["active"] is False
    assert client.get("/api/me").status_code == 401
    assert env.client.get("/api/me", headers={"X-API-Key": secret}).status_code == 401
    again = TestClient(env.app).post(
        "/api/login", json={"name": "carol", "password": "carol's long password"}
    )
    assert again.status_code == 401


def test_me_over_a_session_gives_the_csrf_token(env: WsEnv) -> None:
    client, token = env.login("viewer")
    body = client.get("/api/me").json()
    assert body == {
        "user": body["user"],
        "via": "session",
        "csrf_token": token,
    }
    assert body["user"]["name"] == "viewer"


# --- passwords -----------------------------------------------------------------------------


def secret_keys(value: object) -> set[str]:
    """Keys anywhere in a JSON value that would hold a password or its hash."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if any(word in key.lower() for word in ("password", "hash", "salt")):
                found.add(key)
            found |= secret_keys(item)
    elif isinstance(value, list):
        for item in value:
            found |= secret_keys(item)
    return found


def test_passwords_never_returned_or_logged(env: WsEnv, caplog: pytest.LogCaptureFixture) -> None:
    password = "a very secret passphrase 9417"
    with caplog.at_level(logging.DEBUG):
        created = env.client.post(
            "/api/users",
            json={"name": "dave", "role": "viewer", "password": password},
            headers=env.key("admin"),
        )
        login = TestClient(env.app).post("/api/login", json={"name": "dave", "password": password})
        wrong = TestClient(env.app).post(
            "/api/login", json={"name": "dave", "password": password + "x"}
        )
        short = env.client.post(
            "/api/users",
            json={"name": "erin", "role": "viewer", "password": "short1"},
            headers=env.key("admin"),
        )
        users = env.client.get("/api/users", headers=env.key("admin"))
    assert created.status_code == 201 and login.status_code == 200 and wrong.status_code == 401
    assert short.status_code == 400
    for response in (created, login, wrong, short, users):
        assert password not in response.text
        assert "short1" not in response.text
        assert not secret_keys(response.json())
    assert all(password not in record.getMessage() for record in caplog.records)


# --- the first admin and the settings -----------------------------------------------------


def test_ensure_first_admin(tmp_path: Path) -> None:
    with open_workspace(f"sqlite:///{tmp_path / 'ws.sqlite'}") as ws:
        password = ensure_first_admin(ws, name="root")
        assert password is not None and len(password) >= 20
        assert ws.user("root").role == "admin"
        assert ws.authenticate("root", password) is not None
        assert ensure_first_admin(ws, name="root") is None  # users exist: nothing changes
        assert [u.name for u in ws.users()] == ["root"]


@pytest.fixture(scope="module")
def open_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    yield from make_env(
        tmp_path_factory.mktemp("open"), auth_read_required=False, yente_auth_required=True
    )


@pytest.mark.parametrize(
    "path, status",
    [
        pytest.param("/api/alerts", 200, id="api-read-open"),
        pytest.param("/api/dashboard", 200, id="dashboard-open"),
        pytest.param("/api/users", 401, id="admin-still-needed"),
        pytest.param("/search/default?q=zala", 401, id="yente-closed"),
        pytest.param("/entities/nothing", 401, id="yente-entity-closed"),
    ],
)
def test_read_settings(open_env: WsEnv, path: str, status: int) -> None:
    assert open_env.client.get(path).status_code == status


def test_yente_closed_accepts_a_key(open_env: WsEnv) -> None:
    response = open_env.client.get("/search/default?q=zala", headers=open_env.key("viewer"))
    assert response.status_code == 200
    match = open_env.client.post(
        "/match/default",
        json={"queries": {"q": {"schema": "Person", "properties": {"name": ["Zala"]}}}},
        headers=open_env.key("viewer"),
    )
    assert match.status_code == 200


def test_writes_need_auth_even_with_open_reads(open_env: WsEnv) -> None:
    assert open_env.client.post("/api/cases", json={"title": "x"}).status_code == 401


def test_yente_open_by_default(env: WsEnv) -> None:
    assert env.client.get("/search/default?q=zala").status_code == 200
    assert env.client.get("/healthz").status_code == 200


def test_html_paths_redirect_to_login(env: WsEnv) -> None:
    """Pages (the web layer's) get a redirect to the login page instead of a 401."""

    @env.app.get("/test-page", include_in_schema=False)
    def page(user: User = Depends(require_viewer)) -> dict[str, str]:
        return {"user": user.name}

    try:
        response = env.client.get("/test-page?x=1", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Ftest-page%3Fx%3D1"
        ok = env.client.get("/test-page", headers=env.key("viewer"))
        assert ok.json() == {"user": "viewer"}
    finally:
        env.app.router.routes.pop()

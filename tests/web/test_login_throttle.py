"""The login form under the throttle: 429 with Retry-After past the limit, for known and
unknown names alike, per client address too; on an app of its own (the session-wide app's
clients all share one address, which these tests lock)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sanctionwatch.cases.workspace import Workspace, open_workspace
from sanctionwatch.web.app import create_web_app
from tests.api.conftest import wait_ready
from tests.web.conftest import LOGIN_TOKEN, web_settings

PASSWORD = "analyst-pass-1"


@pytest.fixture(scope="module")
def app_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, Workspace]]:
    settings = web_settings(
        tmp_path_factory.mktemp("throttle"),
        login_max_failures=2,
        login_window_minutes=15,
        login_lockout_minutes=5,
    )
    workspace = open_workspace(settings.db_url)
    workspace.add_user("ana", "analyst", actor="test", password=PASSWORD)
    app = create_web_app(settings, workspace=workspace)
    yield app, workspace
    workspace.close()


def post_login(app: FastAPI, name: str, password: str, address: str) -> httpx.Response:
    with TestClient(app, follow_redirects=False, client=(address, 50000)) as client:
        wait_ready(client)
        token = LOGIN_TOKEN.search(client.get("/login").text)
        assert token
        response: httpx.Response = client.post(
            "/login",
            data={"name": name, "password": password, "login_token": token.group(1)},
        )
        return response


def test_locked_account_answers_429_with_retry_after(app_ws: tuple[FastAPI, Workspace]) -> None:
    app, workspace = app_ws
    statuses = [post_login(app, "ana", "wrong", f"10.0.0.{n}").status_code for n in (1, 2)]
    assert statuses == [401, 401]
    refused = post_login(app, "ana", PASSWORD, "10.0.0.9")  # the right password, too late
    assert refused.status_code == 429
    # whole seconds left of the 5 minutes: a second may pass between the lock and this
    assert 298 <= int(refused.headers["retry-after"]) <= 300
    page = re.sub(r"\s+", " ", refused.text)
    assert "Too many failed logins. Try again in 5 minutes." in page
    assert 'name="login_token"' in page  # the form is still there
    assert "sw_session" not in refused.cookies
    assert [e.action for e in workspace.audit(target="user:ana")][:3] == [
        "login.lockout",
        "login.failure",
        "login.failure",
    ]


def test_unknown_name_gets_the_same_answers(app_ws: tuple[FastAPI, Workspace]) -> None:
    app, _ = app_ws
    answers = [post_login(app, "nobody", "wrong", f"10.1.0.{n}") for n in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    # whole seconds left of the 5 minutes: a second may pass between the lock and this
    assert 298 <= int(answers[2].headers["retry-after"]) <= 300


def test_one_address_is_locked_across_names(app_ws: tuple[FastAPI, Workspace]) -> None:
    app, _ = app_ws
    assert post_login(app, "x1", "wrong", "203.0.113.5").status_code == 401
    assert post_login(app, "x2", "wrong", "203.0.113.5").status_code == 401
    assert post_login(app, "x3", "wrong", "203.0.113.5").status_code == 429

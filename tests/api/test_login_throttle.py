"""`/api/login` under the login throttle: 429 with Retry-After past the limit, for known and
unknown names alike, and a success resets the account; on an app of its own so these
lock-outs never touch the shared test app."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sanctionwatch.api.app import create_app
from sanctionwatch.cases.workspace import open_workspace
from tests.api.conftest import api_settings, wait_ready

PASSWORD = "analyst-pass-1"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    settings = api_settings(
        tmp_path_factory.mktemp("api-throttle"),
        login_max_failures=2,
        login_window_minutes=15,
        login_lockout_minutes=5,
    )
    workspace = open_workspace(settings.db_url)
    workspace.add_user("ana", "analyst", actor="test", password=PASSWORD)
    workspace.add_user("bob", "analyst", actor="test", password=PASSWORD)
    yield create_app(settings, workspace=workspace)
    workspace.close()


def post_login(app: FastAPI, name: str, password: str, address: str) -> httpx.Response:
    with TestClient(app, client=(address, 50000)) as client:
        wait_ready(client)
        response: httpx.Response = client.post(
            "/api/login", json={"name": name, "password": password}
        )
        return response


def test_locked_account_answers_429_with_retry_after(app: FastAPI) -> None:
    statuses = [post_login(app, "ana", "wrong", f"10.1.0.{n}").status_code for n in (1, 2)]
    assert statuses == [401, 401]
    refused = post_login(app, "ana", PASSWORD, "10.1.0.9")  # the right password, too late
    assert refused.status_code == 429
    # whole seconds left of the 5 minutes: a second may pass between the lock and this
    assert 298 <= int(refused.headers["retry-after"]) <= 300
    assert refused.json() == {"detail": "Too many failed logins; try again later."}
    assert "set-cookie" not in refused.headers


def test_unknown_names_are_locked_the_same_way(app: FastAPI) -> None:
    statuses = [post_login(app, "nobody", "x", f"10.2.0.{n}").status_code for n in (1, 2, 3)]
    assert statuses == [401, 401, 429]


def test_one_address_is_locked_across_accounts(app: FastAPI) -> None:
    assert post_login(app, "bob", "wrong", "10.3.0.1").status_code == 401
    assert post_login(app, "ghost", "wrong", "10.3.0.1").status_code == 401
    assert post_login(app, "bob", PASSWORD, "10.3.0.1").status_code == 429
    assert post_login(app, "bob", PASSWORD, "10.3.0.2").status_code == 200  # another address

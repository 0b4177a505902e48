"""Web fixtures: the whole app (API + pages) over a real store holding the UN DPRK list, a
workspace in the same SQLite file with one user per role, and logged-in test clients.

`web_env` is reused by the browser tests (`tests/browser`), which serve the same app with a
real uvicorn server.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from followthemoney import EntityProxy

from sanctionwatch.cases.workspace import Workspace, open_workspace
from sanctionwatch.settings import Settings, load_settings
from sanctionwatch.sources import un_sc_xml
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.store import open_store
from sanctionwatch.web.app import create_web_app
from tests.api.conftest import wait_ready
from tests.paths import LISTS

UN_DPRK = LISTS / "un" / "derived" / "consolidated_DPRK_1718_subset.xml"
PASSWORDS = {"admin": "admin-pass-1", "ana": "analyst-pass-1", "vic": "viewer-pass-1"}
ROLES = {"admin": "admin", "ana": "analyst", "vic": "viewer"}
HOSTILE = '<script>alert("xss")</script>"><img src=x onerror=alert(1)>'


@dataclass(frozen=True)
class WebEnv:
    home: Path
    settings: Settings
    workspace: Workspace


def web_settings(home: Path, **extra: object) -> Settings:
    base = load_settings(env={"SANCTIONWATCH_HOME": str(home)})
    options = {"api_refresh_seconds": 0, "reader_ner": False, **extra}
    return dataclasses.replace(base, db_url=f"sqlite:///{home / 'sw.sqlite'}", extra=options)


def hostile_list() -> ParsedList:
    """A list entry whose name is an XSS payload (a list file is outside data too)."""
    person = EntityProxy.from_dict(
        {"id": "xss-person-1", "schema": "Person", "properties": {"name": [HOSTILE]}}
    )
    return ParsedList(
        dataset="hostile", version="2026-01-01", entities=[person], source="t", format="ftm_json"
    )


def make_env(home: Path) -> WebEnv:
    settings = web_settings(home)
    with open_store(settings.db_url) as store:
        store.import_list(un_sc_xml.parse([SourceFile.read(UN_DPRK)]))
        store.import_list(hostile_list())
    workspace = open_workspace(settings.db_url)
    for name, role in ROLES.items():
        workspace.add_user(name, role, actor="test", password=PASSWORDS[name])
    return WebEnv(home=home, settings=settings, workspace=workspace)


@pytest.fixture(scope="session")
def web_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    env = make_env(tmp_path_factory.mktemp("web"))
    yield env
    env.workspace.close()


@pytest.fixture(scope="session")
def web_app(web_env: WebEnv) -> FastAPI:
    return create_web_app(web_env.settings, workspace=web_env.workspace)


@pytest.fixture(scope="session")
def anon(web_app: FastAPI) -> Iterator[TestClient]:
    """A client with no session (follows no redirect, so tests see them)."""
    with TestClient(web_app, follow_redirects=False) as client:
        wait_ready(client)
        yield client


LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def log_in(client: TestClient, name: str, password: str | None = None) -> TestClient:
    page = client.get("/login")
    token = LOGIN_TOKEN.search(page.text)
    assert token, page.text
    response = client.post(
        "/login",
        data={
            "name": name,
            "password": PASSWORDS[name] if password is None else password,
            "login_token": token.group(1),
            "next": "/",
        },
    )
    assert response.status_code == 303, response.text
    return client


def csrf_of(client: TestClient, path: str = "/") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def _client(app: FastAPI, name: str) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        wait_ready(client)
        yield log_in(client, name)


@pytest.fixture(scope="session")
def admin(web_app: FastAPI) -> Iterator[TestClient]:
    yield from _client(web_app, "admin")


@pytest.fixture(scope="session")
def analyst(web_app: FastAPI) -> Iterator[TestClient]:
    yield from _client(web_app, "ana")


@pytest.fixture(scope="session")
def viewer(web_app: FastAPI) -> Iterator[TestClient]:
    yield from _client(web_app, "vic")

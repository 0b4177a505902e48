"""The workspace API under test: the app over the fake list store, a real workspace on a SQLite
file in tmp, one user per role with a password and an API key, and helpers to act as them.

Each `test_ws_*`/`test_auth`/`test_security` module builds one `WsEnv` (module scope) with
`make_env`; sessions are opened through the real `/api/login`.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sanctionwatch.api.app import create_app
from sanctionwatch.api.auth import CSRF_HEADER
from sanctionwatch.api.ports import ScreenerLike, StoreLike
from sanctionwatch.cases import credentials
from sanctionwatch.cases.workspace import Workspace, open_workspace
from sanctionwatch.documents.cache import load_or_build_gazetteer
from sanctionwatch.documents.reader import Reader
from sanctionwatch.documents.service import AnalyzeOptions, build_reader
from sanctionwatch.screening.service import Screener
from sanctionwatch.settings import Settings, load_settings
from tests.api.conftest import READY_TIMEOUT
from tests.api.fakes import EU_FSF, ZALA, FakeStore, read_entities

ROLES = ("viewer", "analyst", "admin")
PASSWORDS = {role: f"correct horse {role} battery" for role in ROLES}
BASE_URL = "http://testserver"


def ws_settings(home: Path, db_url: str | None = None, **extra: object) -> Settings:
    base = load_settings(env={"SANCTIONWATCH_HOME": str(home)})
    return dataclasses.replace(
        base,
        db_url=db_url or base.db_url,
        extra={"api_refresh_seconds": 0, "reader_ner": False, **extra},
    )


def in_memory_screener(store: StoreLike) -> ScreenerLike:
    return Screener.build(store.entities(), versions=store.current_versions())


# The gazetteer takes ~20 s to build (lemma tables); tests share one, cached on disk by list
# versions (`documents.cache`), so only a cold run pays. Tests that upload are marked slow.
GAZETTEER_CACHE = Path(tempfile.gettempdir()) / "sanctionwatch-tests" / "gazetteer"


def reader_factory(settings: Settings) -> Any:
    def build(store: StoreLike) -> Reader:
        gazetteer = load_or_build_gazetteer(
            store.entities, versions=store.current_versions(), cache_dir=GAZETTEER_CACHE
        )
        return build_reader(settings, gazetteer, options=AnalyzeOptions(ner=False))

    return build


@dataclass
class WsEnv:
    app: FastAPI
    client: TestClient  # no credentials
    ws: Workspace
    keys: dict[str, str] = field(default_factory=dict)  # role -> API key secret

    def key(self, role: str) -> dict[str, str]:
        """Headers of an API-key request as `role` (yente clients' `ApiKey` scheme)."""
        return {"Authorization": f"ApiKey {self.keys[role]}"}

    def login(self, role: str, *, base_url: str = BASE_URL) -> tuple[TestClient, str]:
        """A client with a cookie session of `role`'s user, and the session's CSRF token."""
        client = TestClient(self.app, base_url=base_url, raise_server_exceptions=False)
        response = client.post("/api/login", json={"name": role, "password": PASSWORDS[role]})
        assert response.status_code == 200, response.text
        return client, str(response.json()["csrf_token"])

    def session_post(self, role: str, path: str, **kwargs: Any) -> Any:
        client, token = self.login(role)
        headers = {CSRF_HEADER: token, **kwargs.pop("headers", {})}
        return client.post(path, headers=headers, **kwargs)


def wait_ready(client: TestClient, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if client.get("/readyz", headers=headers).status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError("the API did not become ready")


def make_env(home: Path, db_url: str | None = None, **extra: object) -> Iterator[WsEnv]:
    """Build the app and its users; yields the env with the app's lifespan running.
    Passwords are hashed with cheap scrypt parameters here (stored with each hash, so
    verification works unchanged); the production cost is the workspace's tests' business."""
    saved_n = credentials.SCRYPT_N
    credentials.SCRYPT_N = 2**10
    try:
        yield from _make_env(home, db_url, **extra)
    finally:
        credentials.SCRYPT_N = saved_n


def _make_env(home: Path, db_url: str | None, **extra: object) -> Iterator[WsEnv]:
    settings = ws_settings(home, db_url, **extra)
    workspace = open_workspace(settings.db_url)
    app = create_app(
        settings,
        store=FakeStore(read_entities(ZALA, EU_FSF)),
        screener_factory=in_memory_screener,
        workspace=workspace,
        reader_factory=reader_factory(settings),
    )
    env = WsEnv(app=app, client=TestClient(app), ws=workspace)
    for role in ROLES:
        workspace.add_user(role, role, actor="test", password=PASSWORDS[role])
        _info, secret = workspace.create_api_key(role, label=f"{role} key", actor="test")
        env.keys[role] = secret
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        wait_ready(client, env.key("viewer"))
        env.client = client
        yield env
    workspace.close()


def pdf_with_text(text: str) -> bytes:
    """A minimal, valid one-page PDF whose text layer is `text` (ASCII), for upload tests."""
    stream = zlib.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)

"""API fixtures: the app over the fake store and the real screener, in-process and running."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from followthemoney import EntityProxy

from sanctionwatch.api.app import create_app
from sanctionwatch.settings import Settings, load_settings
from tests.api.fakes import EU_FSF, ZALA, FakeStore, read_entities

READY_TIMEOUT = 60.0


def api_settings(home: Path, **extra: object) -> Settings:
    base = load_settings(env={"SANCTIONWATCH_HOME": str(home)})
    return dataclasses.replace(base, extra={"api_refresh_seconds": 0, **extra})


def wait_ready(client: TestClient | httpx.Client) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        response = client.get("/readyz")
        if response.status_code == 200:
            return
        if "failed" in response.text:
            raise AssertionError(f"the index build failed: {response.text}")
        time.sleep(0.05)
    raise AssertionError("the API did not become ready")


@pytest.fixture(scope="session")
def fixture_entities() -> list[EntityProxy]:
    return read_entities(ZALA, EU_FSF)


@pytest.fixture(scope="module")
def store(fixture_entities: list[EntityProxy]) -> FakeStore:
    return FakeStore(fixture_entities)


@pytest.fixture(scope="module")
def app(store: FakeStore, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return create_app(api_settings(tmp_path_factory.mktemp("home")), store=store)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        wait_ready(test_client)
        yield test_client


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server_url(app: FastAPI) -> Iterator[str]:
    """The app served by a real uvicorn on a free loopback port; stopped afterwards."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_TIMEOUT
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    with httpx.Client(base_url=url) as http:
        wait_ready(http)
    yield url
    server.should_exit = True
    thread.join(timeout=10)

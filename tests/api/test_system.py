"""`/healthz`, `/readyz`, `/algorithms`, `/catalog`, the OpenAPI document, and index refresh."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from followthemoney import EntityProxy

from sanctionwatch.api.app import create_app
from sanctionwatch.api.ports import ScreenerLike, StoreLike
from tests.api.conftest import api_settings, wait_ready
from tests.api.fakes import VERSION, FakeStore


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}


def test_algorithms_shape(client: TestClient) -> None:
    data = client.get("/algorithms").json()
    assert set(data) == {"algorithms", "default", "best"}
    names = [a["name"] for a in data["algorithms"]]
    assert data["best"] in names or data["best"] == "best"
    for algo in data["algorithms"]:
        assert {"name", "description", "features", "docs"} <= set(algo)


def test_catalog(client: TestClient, store: FakeStore) -> None:
    data = client.get("/catalog").json()
    assert set(data) == {"datasets", "current", "outdated", "index_stale"}
    names = [d["name"] for d in data["datasets"]]
    assert names[0] == "default" and "us_ofac_sdn" in names
    default = data["datasets"][0]
    assert sorted(default["children"]) == sorted(store.current_versions())
    assert data["index_stale"] is False and data["outdated"] == []
    assert client.get("/manifest").json() == data


def test_openapi_documents_the_yente_paths(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/match/{dataset}",
        "/search/{dataset}",
        "/entities/{entity_id}",
        "/algorithms",
        "/catalog",
        "/healthz",
        "/readyz",
    ):
        assert path in paths
    assert "400" in paths["/match/{dataset}"]["post"]["responses"]


def test_openapi_never_advertises_422(client: TestClient) -> None:
    """We answer validation errors with yente's 400 `{"detail": str}`, so the docs say so."""
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "422" not in operation["responses"], (method, path)
    error = document["components"]["schemas"]["ErrorResponse"]
    assert error["required"] == ["detail"] and error["properties"]["detail"]["type"] == "string"


def test_readyz_is_503_until_the_index_is_built(
    tmp_path: Path, fixture_entities: list[EntityProxy]
) -> None:
    gate = threading.Event()
    store = FakeStore(fixture_entities)

    def slow_factory(store: StoreLike) -> ScreenerLike:
        from sanctionwatch.screening.service import Screener

        gate.wait(timeout=30)
        return Screener.build(store.entities(), versions=store.current_versions())

    app = create_app(api_settings(tmp_path), store=store, screener_factory=slow_factory)
    with TestClient(app) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"detail": "Index not ready."}
        assert client.post("/match/default", json={"queries": {}}).status_code == 503
        assert client.get("/healthz").status_code == 200
        gate.set()
        wait_ready(client)


def test_new_list_version_rebuilds_the_screener(
    tmp_path: Path, fixture_entities: list[EntityProxy]
) -> None:
    store = FakeStore(fixture_entities)
    app = create_app(api_settings(tmp_path), store=store)
    holder = app.state.holder
    with TestClient(app) as client:
        wait_ready(client)
        first = holder.screener
        assert holder.refresh() is False  # same versions: nothing to do
        store.bump("eu_fsf", "20991231")
        catalog = client.get("/catalog").json()
        assert catalog["index_stale"] is True and catalog["outdated"] == ["eu_fsf"]
        assert holder.refresh() is True
        assert holder.screener is not first
        assert holder.built_versions["eu_fsf"] == "20991231"
        catalog = client.get("/catalog").json()
        assert catalog["index_stale"] is False
        eu = next(d for d in catalog["datasets"] if d["name"] == "eu_fsf")
        assert eu["version"] == eu["index_version"] == "20991231"
        other = next(d for d in catalog["datasets"] if d["name"] == "us_ofac_sdn")
        assert other["index_version"] == VERSION


UPDATEZ_CASES = {
    "no-token-configured": (None, "s3cret", 403),
    "wrong-token": ("s3cret", "guess", 403),
    "empty-token": ("s3cret", "", 403),
    "right-token": ("s3cret", "s3cret", 200),
}


@pytest.mark.parametrize(
    ("configured", "sent", "status"), UPDATEZ_CASES.values(), ids=UPDATEZ_CASES.keys()
)
def test_updatez_rebuilds_on_demand(
    tmp_path: Path,
    fixture_entities: list[EntityProxy],
    configured: str | None,
    sent: str,
    status: int,
) -> None:
    store = FakeStore(fixture_entities)
    extra = {} if configured is None else {"api_update_token": configured}
    app = create_app(api_settings(tmp_path, **extra), store=store)
    with TestClient(app) as client:
        wait_ready(client)
        store.bump("eu_fsf", "20991231")
        response = client.post("/updatez", params={"token": sent, "sync": "true"})
        assert response.status_code == status, response.text
        rebuilt = app.state.holder.built_versions["eu_fsf"] == "20991231"
        assert rebuilt is (status == 200)
        if status == 403:
            assert response.json() == {"detail": "Invalid token."}

"""The API over the real embedded store (SQLite): imports become visible after a refresh."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.api.app import create_app
from sanctionwatch.sources.base import ParsedList
from sanctionwatch.store import Store, open_store
from tests.api.conftest import api_settings, wait_ready
from tests.api.fakes import EU_FSF, ZALA, read_entities

OSETROVA = "NK-2Tbri3s6GgNtAwsSXh4qpL"
ZAKHAROV = "NK-aU5ybkbRFJucf8YMwsJvDw"
KUZMENKO = "NK-2Ka3UvopqbpZmVDFjWd4LA"  # in the eu_fsf fixture


def parsed(dataset: str, version: str, path: Path, drop: str | None = None) -> ParsedList:
    entities = [e for e in read_entities(path) if e.id != drop]
    return ParsedList(
        dataset=dataset, version=version, entities=entities, source=path.name, format="ftm_json"
    )


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Store]]:
    home = tmp_path_factory.mktemp("home")
    settings = api_settings(home)
    settings = dataclasses.replace(settings, db_url=f"sqlite:///{home / 'sw.sqlite'}")
    store = open_store(settings.db_url)
    store.import_list(parsed("zala", "2026-06-03", ZALA))
    store.import_list(parsed("eu_fsf", "2024-07-05", EU_FSF))
    app = create_app(settings)  # opens the store from settings.db_url itself
    with TestClient(app) as client:
        wait_ready(client)
        yield client, store
    store.close()


def first_ids(client: TestClient, path: str, name: str) -> list[str]:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["responses"]["q"]["results"]]


def test_catalog_lists_the_imported_versions(real: tuple[TestClient, Store]) -> None:
    client, _ = real
    catalog = client.get("/catalog").json()
    versions = {d["name"]: (d["version"], d["index_version"]) for d in catalog["datasets"]}
    assert versions["zala"] == ("2026-06-03", "2026-06-03")
    assert versions["eu_fsf"] == ("2024-07-05", "2024-07-05")
    assert sorted(catalog["current"]) == ["eu_fsf", "zala"] and not catalog["index_stale"]


def test_match_by_dataset(real: tuple[TestClient, Store]) -> None:
    client, _ = real
    assert OSETROVA in first_ids(client, "/match/zala", "Maria Aleksandrovna Osetrova")
    assert OSETROVA not in first_ids(client, "/match/eu_fsf", "Maria Aleksandrovna Osetrova")
    assert KUZMENKO in first_ids(client, "/match/default", "Vitaly Yurievich Kuzmenko")


def test_entity_nested_from_the_store(real: tuple[TestClient, Store]) -> None:
    client, _ = real
    data = client.get(f"/entities/{ZAKHAROV}").json()
    assert data["id"] == ZAKHAROV
    assert {s["schema"] for s in data["properties"]["sanctions"]} == {"Sanction"}
    assert client.get("/entities/NK-missing").json() == {"detail": "No such entity!"}


def test_new_import_is_served_after_refresh(real: tuple[TestClient, Store]) -> None:
    client, store = real
    holder = client.app.state.holder  # type: ignore[attr-defined]
    store.import_list(parsed("eu_fsf", "2024-08-01", EU_FSF, drop=KUZMENKO), force=True)
    assert client.get("/catalog").json()["outdated"] == ["eu_fsf"]
    assert KUZMENKO in first_ids(client, "/match/default", "Vitaly Yurievich Kuzmenko")
    assert holder.refresh() is True
    assert KUZMENKO not in first_ids(client, "/match/default", "Vitaly Yurievich Kuzmenko")
    assert client.get("/catalog").json()["current"] == ["eu_fsf", "zala"]

"""`GET /search/{dataset}`: text search with facets, yente's shapes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

OSETROVA = "NK-2Tbri3s6GgNtAwsSXh4qpL"


def search(client: TestClient, path: str = "/search/default", **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_search_shape_and_facets(client: TestClient) -> None:
    data = search(client, q="Osetrova")
    assert set(data) == {"results", "facets", "total", "limit", "offset"}
    assert data["limit"] == 10 and data["offset"] == 0
    assert OSETROVA in [r["id"] for r in data["results"]]
    assert set(data["facets"]) == {"countries", "topics", "datasets"}
    countries = data["facets"]["countries"]
    assert countries["label"] == "Countries"
    ru = next(v for v in countries["values"] if v["name"] == "ru")
    assert ru["label"] == "Russia" and ru["count"] >= 1


def test_requested_facets_only(client: TestClient) -> None:
    data = search(client, q="Zakharov", facets=["datasets"])
    assert set(data["facets"]) == {"datasets"}


CASES = {
    "schema-person": ({"q": "Zakharova", "schema": "Person"}, True),
    "schema-company": ({"q": "Zakharova", "schema": "Company"}, False),
    "country-ru": ({"q": "Zakharova", "countries": ["ru"]}, True),
    "country-fr": ({"q": "Zakharova", "countries": ["fr"]}, False),
    "dataset-filter": ({"q": "Zakharova", "datasets": ["us_ofac_sdn"]}, True),
    "dataset-filter-other": ({"q": "Zakharova", "datasets": ["eu_fsf"]}, False),
}


@pytest.mark.parametrize(("params", "found"), CASES.values(), ids=CASES.keys())
def test_filters(client: TestClient, params: dict[str, Any], found: bool) -> None:
    assert (OSETROVA in [r["id"] for r in search(client, **params)["results"]]) is found


def test_paging_is_consistent(client: TestClient) -> None:
    everything = search(client, q="Zakharov", limit=50)
    total = everything["total"]["value"]
    assert total >= 3
    pages = [search(client, q="Zakharov", limit=2, offset=o)["results"] for o in range(0, total, 2)]
    assert [r["id"] for page in pages for r in page] == [r["id"] for r in everything["results"]]


@pytest.mark.parametrize("dataset", ["us_ofac_sdn", "eu_fsf"])
def test_dataset_collection_path(client: TestClient, dataset: str) -> None:
    results = search(client, f"/search/{dataset}", q="Zakharov")["results"]
    assert results and all(dataset in r["datasets"] for r in results)

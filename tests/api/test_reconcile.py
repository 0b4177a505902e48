"""OpenRefine reconciliation (`/reconcile/{dataset}`): manifest, queries, suggest services."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

OSETROVA = "NK-2Tbri3s6GgNtAwsSXh4qpL"
QUERIES = {
    "q0": {"query": "Maria Aleksandrovna Osetrova", "type": "Person"},
    "q1": {
        "query": "Osetrova Maria",
        "type": "Person",
        "limit": 2,
        "properties": [{"pid": "Person:birthDate", "v": "1988-01-07"}],
    },
    "q2": {"query": "Joe Bloggs"},
}


def check_results(data: dict[str, Any]) -> None:
    assert set(data) == {"q0", "q1", "q2"}
    top = data["q0"]["result"][0]
    assert top["id"] == OSETROVA and top["match"] is True
    assert top["type"] == [
        {"id": "Person", "name": "People", "description": top["type"][0]["description"]}
    ]
    assert len(data["q1"]["result"]) <= 2 and data["q1"]["result"][0]["id"] == OSETROVA
    assert all(not r["match"] for r in data["q2"]["result"])


def test_manifest(client: TestClient) -> None:
    data = client.get("/reconcile/default").json()
    assert data["versions"] == ["0.2"]
    assert data["suggest"]["entity"]["service_url"].endswith("/reconcile/default")
    assert data["suggest"]["type"]["service_path"] == "/suggest/type"
    assert "Person" in [t["id"] for t in data["defaultTypes"]]
    assert client.get("/reconcile/no_such_list").status_code == 404


def test_queries_by_post_form(client: TestClient) -> None:
    response = client.post("/reconcile/default", data={"queries": json.dumps(QUERIES)})
    assert response.status_code == 200, response.text
    assert response.headers["x-batch-size"] == "3"
    check_results(response.json())


def test_queries_by_get(client: TestClient) -> None:
    response = client.get("/reconcile/default", params={"queries": json.dumps(QUERIES)})
    assert response.status_code == 200, response.text
    check_results(response.json())


def test_scores_below_the_match_cutoff_are_returned(client: TestClient) -> None:
    """Reconciliation shows candidates with no cutoff, as yente does."""
    queries = {"q": {"query": "Maria Osetrova", "type": "Person", "limit": 10}}
    scores = [
        r["score"]
        for r in client.get("/reconcile/default", params={"queries": json.dumps(queries)}).json()[
            "q"
        ]["result"]
    ]
    match = client.post(
        "/match/default",
        params={"limit": 10},
        json={"queries": {"q": {"schema": "Person", "properties": {"name": ["Maria Osetrova"]}}}},
    ).json()["responses"]["q"]["results"]
    assert len(scores) >= len(match)


BAD = {
    "not-json": "{not json",
    "not-an-object": json.dumps(["a"]),
    "query-not-object": json.dumps({"q": "x"}),
    "no-query-text": json.dumps({"q": {"type": "Person"}}),
    "unknown-type": json.dumps({"q": {"query": "x", "type": "Dragon"}}),
    "bad-limit": json.dumps({"q": {"query": "x", "limit": "ten"}}),
    "properties-not-list": json.dumps({"q": {"query": "x", "properties": {"pid": "x"}}}),
    "unknown-property": json.dumps(
        {"q": {"query": "x", "type": "Person", "properties": [{"pid": "shoeSize", "v": "9"}]}}
    ),
    "too-many": json.dumps({f"q{i}": {"query": "x"} for i in range(101)}),
}


@pytest.mark.parametrize("queries", BAD.values(), ids=BAD.keys())
def test_bad_queries_are_400(client: TestClient, queries: str) -> None:
    response = client.post("/reconcile/default", data={"queries": queries})
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"detail"}


def test_post_needs_a_urlencoded_form(client: TestClient) -> None:
    response = client.post("/reconcile/default", json={"queries": {}})
    assert response.status_code == 400
    assert "x-www-form-urlencoded" in response.json()["detail"]


SUGGEST = {
    "entity": ("Osetrova", OSETROVA),
    "type": ("Pers", "Person"),
    "property": ("birth", "Person:birthDate"),
}


@pytest.mark.parametrize(
    ("kind", "prefix", "expected"), [(k, *v) for k, v in SUGGEST.items()], ids=SUGGEST.keys()
)
def test_suggest(client: TestClient, kind: str, prefix: str, expected: str) -> None:
    response = client.get(f"/reconcile/default/suggest/{kind}", params={"prefix": prefix})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["prefix"] == prefix and data["code"] == "/api/status/ok"
    assert expected in [r["id"] for r in data["result"]]

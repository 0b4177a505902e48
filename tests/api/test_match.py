"""`POST /match/{dataset}` on real OpenSanctions fixture entities: yente's shapes and semantics."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

OSETROVA = "NK-2Tbri3s6GgNtAwsSXh4qpL"
OSETROVA_QUERY = {
    "schema": "Person",
    "properties": {"name": ["Maria Aleksandrovna Osetrova"], "birthDate": ["1988-01-07"]},
}


def match(client: TestClient, path: str = "/match/default", **params: Any) -> dict[str, Any]:
    response = client.post(path, params=params, json={"queries": {"q": OSETROVA_QUERY}})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def ids(data: dict[str, Any], key: str = "q") -> list[str]:
    return [r["id"] for r in data["responses"][key]["results"]]


def test_response_envelope_is_yentes(client: TestClient) -> None:
    response = client.post(
        "/match/default", json={"queries": {"a": OSETROVA_QUERY, "b": OSETROVA_QUERY}}
    )
    assert response.headers["x-batch-size"] == "2"
    data = response.json()
    assert set(data) == {"responses", "limit"} and data["limit"] == 5
    entry = data["responses"]["a"]
    assert set(entry) == {"status", "results", "total", "query"}
    assert entry["status"] == 200 and entry["total"]["relation"] == "eq"
    top = entry["results"][0]
    expected = {"id", "caption", "schema", "properties", "datasets", "referents", "target"}
    expected |= {"first_seen", "last_seen", "last_change", "score", "match", "explanations"}
    assert expected <= set(top)
    assert top["id"] == OSETROVA and top["match"] is True
    for feature in top["explanations"].values():
        assert isinstance(feature["score"], int | float)
    # The screener's audit record (algorithm, list versions) rides beside the explanations,
    # where yente clients (which validate every explanation as a feature score) ignore it.
    assert top["meta"]["algorithm"] and top["meta"]["list_versions"]


def test_match_is_score_at_or_above_threshold(client: TestClient) -> None:
    for threshold in (0.5, 0.7, 0.95, 1.0):
        data = match(client, threshold=threshold)
        entry = data["responses"]["q"]
        results = entry["results"]
        assert all(r["match"] == (r["score"] >= threshold) for r in results)
        assert entry["total"]["value"] == sum(r["match"] for r in results)
        assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_default_cutoff_drops_results_at_or_below_threshold(client: TestClient) -> None:
    results = match(client)["responses"]["q"]["results"]
    assert results and all(r["score"] > 0.7 for r in results)


def test_limit(client: TestClient) -> None:
    data = match(client, limit=1, threshold=0.0)
    assert data["limit"] == 1 and len(ids(data)) == 1


def test_query_echo_keeps_the_callers_id(client: TestClient) -> None:
    body = {"queries": {"q": {**OSETROVA_QUERY, "id": "customer-17"}}}
    query = client.post("/match/default", json=body).json()["responses"]["q"]["query"]
    assert query["id"] == "customer-17" and query["schema"] == "Person"
    assert query["properties"]["birthDate"] == ["1988-01-07"]


DATASET_CASES = {
    "default-spans-all": ("/match/default", {}, True),
    "own-dataset": ("/match/us_ofac_sdn", {}, True),
    "other-dataset": ("/match/eu_fsf", {}, False),
    "include-dataset": ("/match/default", {"include_dataset": ["gb_fcdo_sanctions"]}, True),
    "include-other": ("/match/default", {"include_dataset": ["eu_fsf"]}, False),
    "exclude-all-its-datasets": (
        "/match/default",
        {
            "exclude_dataset": [
                "gb_coh_disqualified",
                "us_sam_exclusions",
                "gb_fcdo_sanctions",
                "us_ofac_sdn",
                "ua_nsdc_sanctions",
                "ext_ru_egrul",
                "us_trade_csl",
            ]
        },
        False,
    ),
    "exclude-entity-id": ("/match/default", {"exclude_entity_ids": [OSETROVA]}, False),
    "exclude-schema": ("/match/default", {"exclude_schema": ["Person"]}, False),
}


@pytest.mark.parametrize(
    ("path", "params", "found"), DATASET_CASES.values(), ids=DATASET_CASES.keys()
)
def test_scope_and_filters(
    client: TestClient, path: str, params: dict[str, Any], found: bool
) -> None:
    assert (OSETROVA in ids(match(client, path, **params))) is found


def test_cross_script_query_finds_the_person(client: TestClient) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Мария Осетрова"]}}}}
    data = client.post("/match/default", params={"threshold": 0.5}, json=body).json()
    assert OSETROVA in ids(data)


def test_unrelated_name_does_not_match(client: TestClient) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Joe Bloggs"]}}}}
    data = client.post("/match/default", json=body).json()
    assert data["responses"]["q"]["total"]["value"] == 0

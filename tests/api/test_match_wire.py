"""`/match` sends its body without a second pass through the response models (the hot path
under load): it must still be exactly what those models would send, on either of its paths."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.api import models as m
from sanctionwatch.api.render import feature_explanation, timestamp

QUERIES: dict[str, dict[str, Any]] = {
    "person-with-birth-date": {
        "schema": "Person",
        "properties": {"name": ["Maria Aleksandrovna Osetrova"], "birthDate": ["1988-01-07"]},
    },
    "cyrillic": {"schema": "Person", "properties": {"name": ["Мария Осетрова"]}},
    "typo": {"schema": "Person", "properties": {"name": ["Maria Osetrva"]}},
    "company": {"schema": "Company", "properties": {"name": ["Zala Aero Group"]}},
    "nobody": {"schema": "Person", "properties": {"name": ["Joe Bloggs"]}},
}
PARAMS = {
    "defaults": {},
    "everything": {"threshold": 0.0, "cutoff": 0.0, "limit": 20},
}


@pytest.mark.parametrize("params", PARAMS.values(), ids=PARAMS.keys())
@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_body_is_what_the_response_model_sends(
    client: TestClient, query: dict[str, Any], params: dict[str, Any]
) -> None:
    response = client.post("/match/default", params=params, json={"queries": {"q": query}})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    data = response.json()
    expected = m.EntityMatchResponse.model_validate(data).model_dump(mode="json", by_alias=True)
    assert data == expected


def test_a_batch_answers_each_query_as_alone(client: TestClient) -> None:
    queries = dict.fromkeys(("a", "b", "c", "d", "e"), QUERIES["typo"])
    batch = client.post("/match/default", json={"queries": queries}).json()
    one = client.post("/match/default", json={"queries": {"a": QUERIES["typo"]}}).json()
    assert one["responses"]["a"]["results"]
    assert all(entry == one["responses"]["a"] for entry in batch["responses"].values())


EXPLANATIONS = {
    "extra-keys-dropped": (
        {"score": 1, "detail": "exact", "query": "A", "candidate": "A", "method": "literal"},
        {"score": 1.0, "detail": "exact", "query": "A", "candidate": "A", "weight": None},
    ),
    "missing-keys-none": (
        {"score": 0.5, "weight": 2},
        {"score": 0.5, "detail": None, "query": None, "candidate": None, "weight": 2.0},
    ),
}


@pytest.mark.parametrize(("raw", "wire"), EXPLANATIONS.values(), ids=EXPLANATIONS.keys())
def test_feature_explanation_is_the_wire_model(raw: dict[str, Any], wire: dict[str, Any]) -> None:
    out = feature_explanation(raw)
    assert out == wire and repr(out) == repr(wire)  # floats stay floats
    assert m.FeatureExplanation.model_validate(raw).model_dump() == wire


TIMESTAMPS = {
    "utc-as-z": ("2024-07-05T12:30:00+00:00", "2024-07-05T12:30:00Z"),
    "other-offset": ("2024-07-05T12:30:00-05:00", "2024-07-05T12:30:00-05:00"),
    "naive": ("2024-07-05T12:30:00.250000", "2024-07-05T12:30:00.250000"),
}


@pytest.mark.parametrize(("raw", "wire"), TIMESTAMPS.values(), ids=TIMESTAMPS.keys())
def test_timestamps_are_written_as_pydantic_writes_them(raw: str, wire: str) -> None:
    assert timestamp(raw) == wire
    model = m.EntityResponse(id="x", caption="x", schema="Person", first_seen=raw)  # type: ignore[arg-type]
    assert model.model_dump(mode="json")["first_seen"] == wire

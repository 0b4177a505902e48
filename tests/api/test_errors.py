"""One error body on the wire: `{"detail": "<message>"}` for every failure, with yente's codes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

PERSON = {"schema": "Person", "properties": {"name": ["Maria Osetrova"]}}


def person(**properties: Any) -> dict[str, Any]:
    return {"queries": {"q": {"schema": "Person", "properties": properties}}}


# (method, path, json body, status, a phrase the detail must contain)
CASES: list[tuple[str, str, Any, int, str]] = [
    ("post", "/match/no_such_list", {"queries": {"q": PERSON}}, 404, "No such dataset."),
    ("get", "/search/no_such_list?q=x", None, 404, "No such dataset."),
    ("get", "/entities/no-such-entity", None, 404, "No such entity!"),
    ("get", "/no/such/route", None, 404, "Not Found"),
    ("get", "/match/default", None, 405, "Method Not Allowed"),
    (
        "post",
        "/match/default",
        {"queries": {f"q{i}": PERSON for i in range(101)}},
        400,
        "Too many queries in one batch (limit: 100)",
    ),
    ("post", "/match/default", {"queries": {}}, 400, "No queries provided."),
    ("post", "/match/default?algorithm=no-such-algo", {"queries": {"q": PERSON}}, 400, "algo"),
    ("post", "/match/default", {}, 400, "body.queries: Field required"),
    ("post", "/match/default?limit=0", {"queries": {"q": PERSON}}, 400, "query.limit"),
    ("post", "/match/default?limit=501", {"queries": {"q": PERSON}}, 400, "query.limit"),
    ("post", "/match/default?threshold=1.5", {"queries": {"q": PERSON}}, 400, "query.threshold"),
    ("post", "/match/default?threshold=abc", {"queries": {"q": PERSON}}, 400, "query.threshold"),
    (
        "post",
        "/match/default?changed_since=yesterday",
        {"queries": {"q": PERSON}},
        400,
        "query.changed_since",
    ),
    (
        "post",
        "/match/default?changed_since=2024-13-45",
        {"queries": {"q": PERSON}},
        400,
        "changed_since",
    ),
    (
        "post",
        "/match/default?" + "&".join(f"exclude_entity_ids=e{i}" for i in range(51)),
        {"queries": {"q": PERSON}},
        400,
        "query.exclude_entity_ids",
    ),
    ("post", "/match/default?topics=sanction", {"queries": {"q": PERSON}}, 400, "topics"),
    (
        "post",
        "/match/default",
        {"queries": {"q": PERSON}, "config": {"nm_fuzzy": 1}},
        400,
        "Invalid configuration parameter: nm_fuzzy",
    ),
    ("post", "/match/default", {"queries": {"q": PERSON}, "weights": {"x": 1}}, 400, "weights"),
    ("get", "/search/default?schema=NoSuchSchema", None, 400, "Invalid schema"),
    ("get", "/search/default?limit=-1", None, 400, "query.limit"),
    ("get", "/search/default?offset=9500", None, 400, "query.offset"),
    ("get", "/search/default?facets=genders", None, 400, "query.facets"),
    ("get", "/search/default?filter=name:x", None, 400, "filter"),
]

CASE_IDS = [
    "match-unknown-dataset",
    "search-unknown-dataset",
    "entity-unknown",
    "unknown-route",
    "wrong-method",
    "match-101-queries",
    "match-no-queries",
    "match-unknown-algorithm",
    "match-no-body-field",
    "match-limit-0",
    "match-limit-501",
    "match-threshold-above-1",
    "match-threshold-not-number",
    "match-changed-since-word",
    "match-changed-since-impossible-date",
    "match-51-excluded-ids",
    "match-topics-unsupported",
    "match-unknown-config-key",
    "match-weights-unsupported",
    "search-unknown-schema",
    "search-negative-limit",
    "search-offset-too-far",
    "search-unknown-facet",
    "search-filter-unsupported",
]


@pytest.mark.parametrize(("method", "path", "body", "status", "phrase"), CASES, ids=CASE_IDS)
def test_error_status_and_shape(
    client: TestClient, method: str, path: str, body: Any, status: int, phrase: str
) -> None:
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == status, response.text
    data = response.json()
    assert set(data) == {"detail"}, data
    assert isinstance(data["detail"], str)
    assert phrase.lower() in data["detail"].lower()


# Bad query entities: each is a clear 400, never a 500.
BAD_EXAMPLES = {
    "empty-name": person(name=[""]),
    "blank-name": person(name=["   "]),
    "no-properties": person(),
    "name-10000-chars": person(name=["A" * 10_000]),
    "control-character": person(name=["Maria\x00Osetrova"]),
    "escape-character": person(name=["Maria\x1b[31mOsetrova"]),
    "malformed-date": person(name=["Maria Osetrova"], birthDate=["31/31/1988"]),
    "date-not-a-date": person(name=["Maria Osetrova"], birthDate=["yesterday"]),
    "unknown-property": person(name=["Maria Osetrova"], shoeSize=["42"]),
    "unknown-schema": {"queries": {"q": {"schema": "Dragon", "properties": {"name": ["x"]}}}},
    "non-matchable-schema": {
        "queries": {"q": {"schema": "Sanction", "properties": {"authority": ["x"]}}}
    },
    "value-not-a-string": person(name=[{"nested": "object"}]),
    "properties-not-a-dict": {"queries": {"q": {"schema": "Person", "properties": ["x"]}}},
    "too-many-values": person(name=[f"Name {i}" for i in range(101)]),
}


@pytest.mark.parametrize("body", BAD_EXAMPLES.values(), ids=BAD_EXAMPLES.keys())
def test_bad_examples_are_400(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/match/default", json=body)
    assert response.status_code == 400, response.text
    data = response.json()
    assert set(data) == {"detail"} and data["detail"], data


# Odd but legitimate input: screened normally (200), never a 500.
ODD_EXAMPLES = {
    "mixed-scripts": person(name=["Maria Осетрова"]),
    "homoglyph-cyrillic-a": person(name=["M\u0430ria Osetrova"]),
    "zero-width-space": person(name=["Maria\u200bOsetrova"]),
    "string-not-list": person(name="Maria Osetrova"),
    "partial-date": person(name=["Maria Osetrova"], birthDate=["1988"]),
    "country-name": person(name=["Maria Osetrova"], nationality=["Russia"]),
    "emoji": person(name=["Maria 🙂 Osetrova"]),
}


@pytest.mark.parametrize("body", ODD_EXAMPLES.values(), ids=ODD_EXAMPLES.keys())
def test_odd_examples_are_screened(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/match/default", json=body)
    assert response.status_code == 200, response.text
    assert "q" in response.json()["responses"]


def test_batch_fails_as_a_whole_on_one_bad_query(client: TestClient) -> None:
    body = {"queries": {"good": PERSON, "bad": {"schema": "Dragon", "properties": {}}}}
    response = client.post("/match/default", json=body)
    assert response.status_code == 400
    assert "'bad'" in response.json()["detail"]


def test_long_url_is_414(client: TestClient) -> None:
    response = client.get("/search/default", params={"q": "x", "countries": ["ru"] * 3000})
    assert response.status_code == 414
    assert response.json() == {"detail": "URL too long (limit: 8192 characters)"}


def test_large_body_is_413(client: TestClient) -> None:
    body = b"{" + b" " * (16 * 1024 * 1024) + b"}"
    response = client.post(
        "/match/default", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert set(response.json()) == {"detail"}

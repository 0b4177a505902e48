"""`POST /match` answers the same through `api.fastpath` as through FastAPI's own handler:
valid requests (taken the short way) and every kind of invalid one (handed to FastAPI)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from sanctionwatch.api import fastpath
from sanctionwatch.api import models as m
from tests.api.wsapp import WsEnv, make_env

QUERY = {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}
BODY = json.dumps({"queries": {"q": QUERY}}).encode()
JSON = "application/json"

# (id, path and query string, body, content type, taken the short way)
CASES: list[tuple[str, str, bytes, str | None, bool]] = [
    ("plain", "/match/default", BODY, JSON, True),
    ("charset", "/match/default", BODY, "application/json; charset=utf-8", True),
    ("vendor-json", "/match/default", BODY, "application/vnd.api+json", True),
    (
        "parameters",
        "/match/default?limit=3&threshold=0.5&cutoff=0.2&algorithm=best&exclude_schema=Vessel"
        "&exclude_entity_ids=x&exclude_entity_ids=y&changed_since=2020-01-01",
        BODY,
        JSON,
        True,
    ),
    ("repeated-scalar", "/match/default?limit=1&limit=2", BODY, JSON, True),
    ("unknown-parameter", "/match/default?fuzzy=true", BODY, JSON, True),
    ("one-dataset", "/match/eu_fsf", BODY, JSON, True),
    (
        "batch",
        "/match/default",
        json.dumps({"queries": {"a": QUERY, "b": {**QUERY, "id": "mine"}}}).encode(),
        JSON,
        True,
    ),
    ("no-such-dataset", "/match/nope", BODY, JSON, True),
    ("unknown-schema", "/match/default", BODY.replace(b"Person", b"Persn"), JSON, True),
    ("impossible-date", "/match/default?changed_since=2024-13-45", BODY, JSON, True),
    ("topics", "/match/default?topics=sanction", BODY, JSON, True),
    ("limit-zero", "/match/default?limit=0", BODY, JSON, False),
    ("limit-text", "/match/default?limit=five", BODY, JSON, False),
    ("limit-empty", "/match/default?limit=", BODY, JSON, False),
    ("threshold-high", "/match/default?threshold=1.5", BODY, JSON, False),
    ("date-pattern", "/match/default?changed_since=yesterday", BODY, JSON, False),
    (
        "too-many-ids",
        "/match/default?" + "&".join(["exclude_entity_ids=x"] * 51),
        BODY,
        JSON,
        False,
    ),
    ("bad-json", "/match/default", b'{"queries": ', JSON, False),
    ("no-queries-key", "/match/default", b"{}", JSON, False),
    ("value-not-text", "/match/default", BODY.replace(b'"Kim Jong Un"', b"42"), JSON, False),
    ("empty-body", "/match/default", b"", JSON, False),
    ("text-plain", "/match/default", BODY, "text/plain", False),
    ("no-content-type", "/match/default", BODY, None, False),
    ("utf-16", "/match/default", BODY.decode().encode("utf-16"), JSON, False),
]


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    yield from make_env(tmp_path_factory.mktemp("fast"))


@pytest.fixture(scope="module")
def generic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    saved = fastpath.ENABLED
    fastpath.ENABLED = False  # read when the app's routes are built
    try:
        yield from make_env(tmp_path_factory.mktemp("generic"))
    finally:
        fastpath.ENABLED = saved


def _answer(env: WsEnv, path: str, body: bytes, content_type: str | None) -> tuple[int, Any]:
    headers = {"content-type": content_type} if content_type else {}
    response = env.client.post(path, content=body, headers=headers)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("path", "body", "content_type", "short"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_same_answer_both_ways(
    fast: WsEnv,
    generic: WsEnv,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    body: bytes,
    content_type: str | None,
    short: bool,
) -> None:
    parsed: list[bytes] = []
    original = m.EntityMatchQuery.model_validate_json

    def spy(data: bytes, **kwargs: Any) -> m.EntityMatchQuery:
        result = original(data, **kwargs)
        parsed.append(data)  # only reached when the body validated
        return result

    monkeypatch.setattr(m.EntityMatchQuery, "model_validate_json", spy)
    expected = _answer(generic, path, body, content_type)
    assert not parsed  # the generic app never takes the short way
    assert _answer(fast, path, body, content_type) == expected
    assert bool(parsed) == short


def test_short_way_keeps_the_authentication(tmp_path_factory: pytest.TempPathFactory) -> None:
    for env in make_env(tmp_path_factory.mktemp("closed"), yente_auth_required=True):
        assert (
            env.client.post(
                "/match/default", content=BODY, headers={"content-type": JSON}
            ).status_code
            == 401
        )
        with_key = {"content-type": JSON, **env.key("viewer")}
        assert env.client.post("/match/default", content=BODY, headers=with_key).status_code == 200

"""The API's pure helpers: dataset scope, timestamps, explanation split, catalog freshness."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from sanctionwatch.api.catalog import catalog_dict
from sanctionwatch.api.errors import ApiError, validation_detail
from sanctionwatch.api.inputs import check_timestamp, resolve_scope
from sanctionwatch.api.render import scored_dict, timestamp
from tests.api.fakes import FakeDataset, FakeVersion

KNOWN = ["eu_fsf", "un_sc", "us_ofac_sdn"]

SCOPES: dict[str, tuple[str, dict[str, list[str]], frozenset[str] | None]] = {
    "default-is-unfiltered": ("default", {}, None),
    "one-dataset": ("un_sc", {}, frozenset({"un_sc"})),
    "include-narrows": (
        "default",
        {"include": ["un_sc", "eu_fsf"]},
        frozenset({"un_sc", "eu_fsf"}),
    ),
    "include-outside-collection": ("un_sc", {"include": ["eu_fsf"]}, frozenset()),
    "exclude": ("default", {"exclude": ["un_sc"]}, frozenset({"eu_fsf", "us_ofac_sdn"})),
    "include-unknown-name": ("default", {"include": ["nope"]}, frozenset()),
}


@pytest.mark.parametrize(("dataset", "params", "expected"), SCOPES.values(), ids=SCOPES.keys())
def test_resolve_scope(
    dataset: str, params: dict[str, list[str]], expected: frozenset[str] | None
) -> None:
    assert resolve_scope(dataset, KNOWN, **params) == expected


def test_unknown_dataset_is_404() -> None:
    with pytest.raises(ApiError) as err:
        resolve_scope("nope", KNOWN)
    assert (err.value.status_code, err.value.detail) == (404, "No such dataset.")


TIMESTAMPS = {
    "date": ("2024-07-05", "2024-07-05T00:00:00"),
    "datetime": ("2024-07-05T12:30:00", "2024-07-05T12:30:00"),
    "not-a-date": ("last tuesday", None),
    "empty": ("", None),
    "none": (None, None),
}


@pytest.mark.parametrize(("raw", "expected"), TIMESTAMPS.values(), ids=TIMESTAMPS.keys())
def test_timestamp(raw: str | None, expected: str | None) -> None:
    assert timestamp(raw) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13-01T00:00:00"], ids=["feb-30", "month-13"])
def test_impossible_dates_are_400(value: str) -> None:
    with pytest.raises(ApiError) as err:
        check_timestamp(value, "changed_since")
    assert err.value.status_code == 400


@dataclass
class Result:
    score: float
    match: bool
    explanations: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": "x",
            "caption": "X",
            "schema": "Person",
            "properties": {"name": ["X"]},
            "score": self.score,
            "match": self.match,
            "explanations": self.explanations,
        }


def test_scored_dict_moves_non_features_to_meta() -> None:
    explanations = {
        "name_match": {"score": 0.9, "detail": "exact", "query": "X", "candidate": "X"},
        "_meta": {"algorithm": "sw-v1", "list_versions": {"un_sc": "2026-02-27"}},
        "note": "free text",
    }
    out = scored_dict(Result(0.9, True, explanations))
    assert list(out["explanations"]) == ["name_match"]
    assert out["meta"] == {
        "algorithm": "sw-v1",
        "list_versions": {"un_sc": "2026-02-27"},
        "note": "free text",
    }
    assert out["referents"] == [] and out["target"] is False and out["last_change"] is None


def test_catalog_freshness() -> None:
    datasets = [
        FakeDataset("a", "2", [FakeVersion("1", 5), FakeVersion("2", 7)]),
        FakeDataset("b", "1", [FakeVersion("1", 3)]),
        FakeDataset("c", "1", [FakeVersion("1", 1)]),  # imported after the index was built
    ]
    out = catalog_dict(datasets, {"a": "1", "b": "1"})
    assert out["current"] == ["b"] and out["outdated"] == ["a", "c"] and out["index_stale"]
    by_name = {d["name"]: d for d in out["datasets"]}
    assert by_name["a"]["entity_count"] == 7 and by_name["default"]["children"] == ["a", "b", "c"]


def test_validation_detail_is_one_line() -> None:
    errors = [{"loc": ("query", "limit"), "msg": "Input should be less than or equal to 500"}] * 7
    detail = validation_detail(errors)
    assert detail.startswith("Invalid request: query.limit: Input should be")
    assert detail.endswith("(and 2 more)") and "\n" not in detail

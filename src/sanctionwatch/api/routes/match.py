"""`POST /match/{dataset}`: yente's query-by-example screening endpoint."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from sanctionwatch.api import models as m
from sanctionwatch.api.errors import ApiError
from sanctionwatch.api.inputs import (
    TS_PATTERN,
    check_timestamp,
    get_holder,
    reject_unsupported,
    resolve_scope,
)
from sanctionwatch.api.render import scored_dict
from sanctionwatch.api.state import ScreenerHolder
from sanctionwatch.errors import InputError
from sanctionwatch.screening.service import MatchOptions, make_query

router = APIRouter()

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.ErrorResponse, "description": "Invalid query"},
    404: {"model": m.ErrorResponse, "description": "No such dataset"},
    503: {"model": m.ErrorResponse, "description": "Index not ready"},
}
PATH_DATASET = Path(description="Dataset or collection name (`default`: every dataset)")


@router.post(
    "/match/{dataset}",
    summary="Query by example matcher",
    tags=["Matching"],
    response_model=m.EntityMatchResponse,
    responses=ERRORS,
)
def match(
    response: Response,
    body: m.EntityMatchQuery,
    dataset: str = PATH_DATASET,
    limit: int = Query(5, ge=1, le=m.MAX_MATCHES, title="Number of results to return"),
    threshold: float = Query(
        m.DEFAULT_THRESHOLD, ge=0.0, le=1.0, title="Score at or above which a result matches"
    ),
    cutoff: float = Query(
        m.DEFAULT_THRESHOLD,
        ge=0.0,
        le=1.0,
        deprecated=True,
        title="Deprecated: results scoring at or below min(cutoff, threshold) are dropped",
    ),
    algorithm: str = Query("best", max_length=100, title="Scoring algorithm (see /algorithms)"),
    include_dataset: list[str] = Query([], title="Only include the given datasets"),
    exclude_dataset: list[str] = Query([], title="Remove the given datasets"),
    exclude_schema: list[str] = Query([], title="Remove the given types of entities"),
    topics: list[str] = Query([], title="Only return entities with one of these topics"),
    changed_since: str | None = Query(
        None, pattern=TS_PATTERN, title="Only entities changed since this date"
    ),
    exclude_entity_ids: list[str] = Query(
        [], max_length=m.MAX_EXCLUDE_IDS, title="Entity IDs to exclude (known false positives)"
    ),
    holder: ScreenerHolder = Depends(get_holder),
) -> m.EntityMatchResponse:
    """Match entities given by example (FtM schema and properties) against the lists.

    Send one query per request for the best latency; a batch holds at most 100 queries. In
    each response, `match` is `score >= threshold` and `total` counts the matches.
    """
    screener = holder.screener
    scope = resolve_scope(
        dataset, screener.datasets, include=include_dataset, exclude=exclude_dataset
    )
    reject_unsupported({"topics": topics})
    if body.config:
        key = next(iter(body.config))
        raise ApiError(400, f"Invalid configuration parameter: {key} for algorithm {algorithm}")
    if body.weights:
        raise ApiError(400, "Per-request feature weights are not supported by this server")
    if not body.queries:
        raise ApiError(400, "No queries provided.")
    if len(body.queries) > m.MAX_BATCH:
        raise ApiError(400, f"Too many queries in one batch (limit: {m.MAX_BATCH})")
    options = MatchOptions(
        algorithm=algorithm,
        limit=limit,
        threshold=threshold,
        cutoff=min(cutoff, threshold),
        datasets=scope,
        exclude_schema=frozenset(exclude_schema),
        exclude_entity_ids=frozenset(exclude_entity_ids),
        changed_since=check_timestamp(changed_since, "changed_since"),
    )
    # Parse every query first: a bad one fails the batch before anything is scored.
    parsed = []
    for key, example in body.queries.items():
        try:
            query = make_query(example.schema_, example.values())
        except InputError as exc:
            raise ApiError(400, f"Cannot parse example entity {key!r}: {exc}") from exc
        parsed.append((key, example, query))
    responses: dict[str, m.EntityMatches] = {}
    for key, example, query in parsed:
        results = [scored_dict(r) for r in screener.match(query, options)]
        echo = query.to_dict()
        echo["id"] = example.id or query.id
        responses[key] = m.EntityMatches.model_validate(
            {
                "status": 200,
                "results": results,
                "total": {"value": sum(1 for r in results if r["match"]), "relation": "eq"},
                "query": echo,
            }
        )
    response.headers["x-batch-size"] = str(len(responses))
    return m.EntityMatchResponse(responses=responses, limit=limit)

"""`POST /match/{dataset}`: yente's query-by-example screening endpoint.

The hot path of the server, written for load (benchmarks/api_load.py). The body is rendered
once, straight to JSON bytes (orjson), in the exact shape of the response model, instead of
being validated and serialised again by FastAPI; the holder is read without a sync
dependency (each costs a thread-pool hop). Scoring itself runs in the thread pool: scoring
on the event loop saves a hop, but measured under load it starved every thread-pool route
that waits on the database (the dashboard went from 6 to 0.5 requests/s: a thread that
gives up the GIL for each SQLite call waits behind the loop's CPU-bound scoring each time;
re-measured with the dashboard cached, scoring on the loop still gave fewer /match requests
per second). Valid requests skip FastAPI's per-parameter validation (`fastpath`); invalid
ones get FastAPI's own answers.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Path, Query, Request, Response
from followthemoney import EntityProxy
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api import models as m
from sanctionwatch.api.errors import ApiError
from sanctionwatch.api.fastpath import FastJsonRoute
from sanctionwatch.api.inputs import (
    TS_PATTERN,
    check_timestamp,
    get_holder,
    reject_unsupported,
    resolve_scope,
)
from sanctionwatch.api.ports import ScreenerLike
from sanctionwatch.api.render import match_entry, scored_dict
from sanctionwatch.errors import InputError
from sanctionwatch.screening.service import MatchOptions, make_query

router = APIRouter(route_class=FastJsonRoute)  # the hot path: see `fastpath`

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.ErrorResponse, "description": "Invalid query"},
    404: {"model": m.ErrorResponse, "description": "No such dataset"},
    503: {"model": m.ErrorResponse, "description": "Index not ready"},
}
PATH_DATASET = Path(description="Dataset or collection name (`default`: every dataset)")


def score_queries(
    screener: ScreenerLike,
    parsed: list[tuple[str, str | None, EntityProxy]],
    options: MatchOptions,
) -> dict[str, dict[str, Any]]:
    """Every query's `EntityMatches` dict, keyed as in the request."""
    responses: dict[str, dict[str, Any]] = {}
    for key, caller_id, query in parsed:
        results = [scored_dict(r) for r in screener.match(query, options)]
        echo = query.to_dict()
        echo["id"] = caller_id or query.id
        responses[key] = match_entry(results, echo)
    return responses


@router.post(
    "/match/{dataset}",
    summary="Query by example matcher",
    tags=["Matching"],
    response_model=m.EntityMatchResponse,
    responses=ERRORS,
)
async def match(
    request: Request,
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
) -> Response:
    """Match entities given by example (FtM schema and properties) against the lists.

    Send one query per request for the best latency; a batch holds at most 100 queries. In
    each response, `match` is `score >= threshold` and `total` counts the matches.
    """
    # Read the holder directly: a sync dependency would cost a thread-pool hop per request.
    screener = get_holder(request).screener
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
    parsed: list[tuple[str, str | None, EntityProxy]] = []
    for key, example in body.queries.items():
        try:
            query = make_query(example.schema_, example.values())
        except InputError as exc:
            raise ApiError(400, f"Cannot parse example entity {key!r}: {exc}") from exc
        parsed.append((key, example.id, query))
    # One query (a few ms of CPU) is scored right here, on the event loop: requests then
    # finish in the order they came. In the thread pool, every waiting request's thread
    # fought for the GIL at once with the loop that reads and answers the others, and under
    # load some waited 5-10x the median (`benchmarks/api_load.py`). Batches, which can take
    # much longer, still go to the pool so the loop keeps answering meanwhile.
    if len(parsed) == 1:
        responses = score_queries(screener, parsed, options)
    else:
        responses = await run_in_threadpool(score_queries, screener, parsed, options)
    content = orjson.dumps({"responses": responses, "limit": limit})
    headers = {"x-batch-size": str(len(responses))}
    return Response(content, media_type="application/json", headers=headers)

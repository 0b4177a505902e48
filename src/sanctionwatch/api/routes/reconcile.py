"""OpenRefine reconciliation: `/reconcile/{dataset}` and its suggest services, as in yente.

Queries are scored with the `/match` algorithm but with no cutoff, so OpenRefine sees every
candidate with its score; `match` is `score >= 0.7` as in `/match`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api import freebase
from sanctionwatch.api import models as m
from sanctionwatch.api.errors import ApiError
from sanctionwatch.api.inputs import get_holder, resolve_scope
from sanctionwatch.api.render import scored_dict
from sanctionwatch.api.state import ScreenerHolder
from sanctionwatch.errors import InputError
from sanctionwatch.screening.service import MatchOptions, make_query

router = APIRouter(tags=["Reconciliation"])

PATH_DATASET = Path(description="Dataset or collection name (`default`: every dataset)")
PREFIX = Query(min_length=1, max_length=m.MAX_VALUE_CHARS, description="Search prefix")
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.ErrorResponse, "description": "Invalid query"},
    404: {"model": m.ErrorResponse, "description": "No such dataset"},
    503: {"model": m.ErrorResponse, "description": "Index not ready"},
}
FORM_BODY = {
    "requestBody": {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "queries": {"type": "string", "description": "JSON-encoded queries"}
                    },
                    "required": ["queries"],
                }
            }
        }
    }
}


def _reconcile(
    holder: ScreenerHolder, dataset: str, raw: str | None
) -> dict[str, m.FreebaseEntityResult]:
    screener = holder.screener
    scope = resolve_scope(dataset, screener.datasets)
    parsed = []
    for query in freebase.parse_queries(raw, max_batch=m.MAX_BATCH, max_limit=m.MAX_MATCHES):
        try:
            example = make_query(query.schema, query.properties)
        except InputError as exc:
            raise ApiError(400, f"Cannot parse query {query.key!r}: {exc}") from exc
        parsed.append((query, example))
    results: dict[str, m.FreebaseEntityResult] = {}
    for query, example in parsed:
        options = MatchOptions(limit=query.limit, cutoff=0.0, datasets=scope)
        scored = [scored_dict(r) for r in screener.match(example, options)]
        results[query.key] = m.FreebaseEntityResult.model_validate(
            {"result": [freebase.scored_candidate(s) for s in scored]}
        )
    return results


def _manifest(request: Request, dataset: str) -> m.FreebaseManifest:
    base = str(request.base_url).rstrip("/")
    service_url = f"{base}/reconcile/{dataset}"
    return m.FreebaseManifest.model_validate(
        {
            "versions": ["0.2"],
            "name": f"sanctionwatch: {dataset}",
            "identifierSpace": f"{base}/entities/",
            "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
            "view": {"url": f"{base}/entities/{{{{id}}}}"},
            "suggest": {
                kind: {"service_url": service_url, "service_path": f"/suggest/{kind}"}
                for kind in ("entity", "type", "property")
            },
            "defaultTypes": freebase.default_types(),
        }
    )


@router.get(
    "/reconcile/{dataset}",
    summary="Reconciliation manifest (or queries, with `queries`)",
    response_model=m.FreebaseManifest | dict[str, m.FreebaseEntityResult],
    responses=ERRORS,
)
def reconcile(
    request: Request,
    response: Response,
    dataset: str = PATH_DATASET,
    queries: str | None = Query(None, description="JSON-encoded reconciliation queries"),
    holder: ScreenerHolder = Depends(get_holder),
) -> Any:
    """The service manifest OpenRefine reads when the service is added; with `queries`, the
    reconciliation results (OpenRefine also sends queries by GET)."""
    if queries is None:
        resolve_scope(dataset, holder.screener.datasets)
        return _manifest(request, dataset)
    results = _reconcile(holder, dataset, queries)
    response.headers["x-batch-size"] = str(len(results))
    return results


@router.post(
    "/reconcile/{dataset}",
    summary="Reconciliation queries",
    response_model=dict[str, m.FreebaseEntityResult],
    responses=ERRORS,
    openapi_extra=FORM_BODY,
)
async def reconcile_post(
    request: Request,
    response: Response,
    dataset: str = PATH_DATASET,
    holder: ScreenerHolder = Depends(get_holder),
) -> dict[str, m.FreebaseEntityResult]:
    """Score a batch of OpenRefine queries (form field `queries`, JSON-encoded)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise ApiError(400, "Send the form as application/x-www-form-urlencoded")
    body = (await request.body()).decode("utf-8", errors="replace")
    form = parse_qs(body, keep_blank_values=True)
    raw = form.get("queries", [None])[-1]
    if raw is None:
        raise ApiError(400, "Cannot decode query")
    results = await run_in_threadpool(_reconcile, holder, dataset, raw)
    response.headers["x-batch-size"] = str(len(results))
    return results


@router.get(
    "/reconcile/{dataset}/suggest/entity",
    summary="Suggest entity",
    response_model=m.FreebaseEntitySuggestResponse,
    responses=ERRORS,
)
def suggest_entity(
    dataset: str = PATH_DATASET,
    prefix: str = PREFIX,
    limit: int = Query(freebase.SUGGEST_LIMIT, ge=1, le=m.MAX_PAGE),
    holder: ScreenerHolder = Depends(get_holder),
) -> m.FreebaseEntitySuggestResponse:
    """Entities whose names match the typed text (OpenRefine's entity auto-complete)."""
    screener = holder.screener
    scope = resolve_scope(dataset, screener.datasets)
    page = screener.search(
        prefix,
        limit=limit,
        offset=0,
        datasets=scope,
        schema=None,
        countries=frozenset(),
        topics=frozenset(),
    )
    return m.FreebaseEntitySuggestResponse.model_validate(
        {"prefix": prefix, "result": [freebase.entity_candidate(p) for p in page.results]}
    )


@router.get(
    "/reconcile/{dataset}/suggest/type",
    summary="Suggest type (schema)",
    response_model=m.FreebaseTypeSuggestResponse,
    responses=ERRORS,
)
def suggest_type(
    dataset: str = PATH_DATASET,
    prefix: str = PREFIX,
    holder: ScreenerHolder = Depends(get_holder),
) -> m.FreebaseTypeSuggestResponse:
    """Matchable schemata whose name or label contains the prefix."""
    resolve_scope(dataset, holder.screener.datasets)
    return m.FreebaseTypeSuggestResponse.model_validate(
        {"prefix": prefix, "result": freebase.suggest_types(prefix)}
    )


@router.get(
    "/reconcile/{dataset}/suggest/property",
    summary="Suggest property",
    response_model=m.FreebasePropertySuggestResponse,
    responses=ERRORS,
)
def suggest_property(
    dataset: str = PATH_DATASET,
    prefix: str = PREFIX,
    holder: ScreenerHolder = Depends(get_holder),
) -> m.FreebasePropertySuggestResponse:
    """Properties of matchable schemata whose name or label contains the prefix."""
    resolve_scope(dataset, holder.screener.datasets)
    return m.FreebasePropertySuggestResponse.model_validate(
        {"prefix": prefix, "result": freebase.suggest_properties(prefix)}
    )

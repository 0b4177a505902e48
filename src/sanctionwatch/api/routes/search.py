"""`GET /search/{dataset}`: yente's text search with facets."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from followthemoney import model

from sanctionwatch.api import models as m
from sanctionwatch.api.errors import ApiError
from sanctionwatch.api.inputs import TS_PATTERN, get_holder, reject_unsupported, resolve_scope
from sanctionwatch.api.render import facets_dict, proxy_dict
from sanctionwatch.api.state import ScreenerHolder

router = APIRouter()

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.ErrorResponse, "description": "Invalid query"},
    404: {"model": m.ErrorResponse, "description": "No such dataset"},
    503: {"model": m.ErrorResponse, "description": "Index not ready"},
}


class Facet(StrEnum):
    """The facets this server counts (yente's defaults)."""

    COUNTRIES = "countries"
    TOPICS = "topics"
    DATASETS = "datasets"


DEFAULT_FACETS = [Facet.COUNTRIES, Facet.TOPICS, Facet.DATASETS]


@router.get(
    "/search/{dataset}",
    summary="Simple entity search",
    tags=["Matching"],
    response_model=m.SearchResponse,
    responses=ERRORS,
)
def search(
    dataset: str = Path(description="Dataset or collection name (`default`: every dataset)"),
    q: str = Query("", max_length=m.MAX_VALUE_CHARS, title="Query text"),
    schema: str = Query("Thing", max_length=100, title="Types of entities that can match"),
    countries: list[str] = Query([], title="Filter by country codes"),
    topics: list[str] = Query([], title="Filter by entity topics (e.g. sanction)"),
    datasets: list[str] = Query([], title="Filter by data sources"),
    include_dataset: list[str] = Query([], title="Only include the given datasets"),
    exclude_dataset: list[str] = Query([], title="Remove the given datasets"),
    limit: int = Query(10, ge=0, le=m.MAX_PAGE, title="Number of results to return"),
    offset: int = Query(0, ge=0, le=m.MAX_OFFSET, title="Start at result with given offset"),
    facets: list[Facet] = Query(DEFAULT_FACETS, title="Facet counts to include"),
    fuzzy: bool = Query(False, title="Accepted for compatibility; matching is always tolerant"),
    simple: bool = Query(False, title="Accepted for compatibility; the query is plain text"),
    exclude_schema: list[str] = Query([], title="Not supported yet (400 when given)"),
    changed_since: str | None = Query(
        None, pattern=TS_PATTERN, title="Not supported yet (400 when given)"
    ),
    filter: list[str] = Query([], title="Not supported yet (400 when given)"),
    sort: list[str] = Query([], title="Not supported yet (400 when given)"),
    holder: ScreenerHolder = Depends(get_holder),
) -> m.SearchResponse:
    """Search entities by a piece of text, e.g. a name, for user-facing search boxes.

    For screening, use `/match`: it compares dates, countries and identifiers as well.
    """
    screener = holder.screener
    scope = resolve_scope(
        dataset, screener.datasets, include=include_dataset + datasets, exclude=exclude_dataset
    )
    reject_unsupported(
        {
            "exclude_schema": exclude_schema,
            "changed_since": changed_since,
            "filter": filter,
            "sort": sort,
        }
    )
    schema_obj = model.get(schema)
    if schema_obj is None:
        raise ApiError(400, "Invalid schema")
    page = screener.search(
        q,
        limit=limit,
        offset=offset,
        datasets=scope,
        schema=schema_obj.name,
        countries=frozenset(c.lower() for c in countries),
        topics=frozenset(topics),
    )
    return m.SearchResponse.model_validate(
        {
            "results": [proxy_dict(p) for p in page.results],
            # The store keeps dataset names only, so a dataset's label is its name.
            "facets": facets_dict(page.facets, wanted=[f.value for f in facets], dataset_titles={}),
            "total": {"value": page.total, "relation": "eq"},
            "limit": limit,
            "offset": offset,
        }
    )

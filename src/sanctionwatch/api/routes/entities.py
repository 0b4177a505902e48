"""`GET /entities/{entity_id}`: one entity with its adjacent entities nested, as yente does."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import RedirectResponse

from sanctionwatch.api import models as m
from sanctionwatch.api.errors import ApiError
from sanctionwatch.api.inputs import get_holder
from sanctionwatch.api.render import entity_dict, proxy_dict
from sanctionwatch.api.state import ScreenerHolder
from sanctionwatch.errors import NotFoundError

router = APIRouter()

NO_SUCH_ENTITY = "No such entity!"


@router.get(
    "/entities/{entity_id}",
    summary="Fetch an entity",
    tags=["Data access"],
    response_model=m.EntityResponse,
    responses={
        308: {"description": "The entity was merged into another ID"},
        404: {"model": m.ErrorResponse, "description": "Entity not found"},
    },
)
def fetch_entity(
    entity_id: str = Path(max_length=1000, description="ID of the entity to retrieve"),
    nested: bool = Query(True, title="Include adjacent entities (sanctions, addresses...)"),
    holder: ScreenerHolder = Depends(get_holder),
) -> Any:
    """Retrieve one entity with data from all datasets and, by default, the adjacent
    sanction, address, identification and related entities nested into its properties.
    A referent ID merged into another entity redirects (308) to the canonical ID."""
    data: dict[str, Any] | None
    try:
        if nested:
            data = holder.store.entity_nested(entity_id)
        else:
            proxy = holder.store.entity(entity_id)
            data = None if proxy is None else proxy_dict(proxy)
    except NotFoundError as exc:
        raise ApiError(404, NO_SUCH_ENTITY) from exc
    if data is None:
        raise ApiError(404, NO_SUCH_ENTITY)
    if data.get("id") != entity_id:
        url = f"/entities/{quote(str(data['id']), safe='')}"
        if not nested:
            url += "?nested=false"
        return RedirectResponse(url=url, status_code=308)
    return m.EntityResponse.model_validate(entity_dict(data))

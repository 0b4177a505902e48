"""System endpoints: `/healthz`, `/readyz`, `/algorithms`, `/catalog` (`/manifest`), `/updatez`."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request

from sanctionwatch.api import models as m
from sanctionwatch.api.catalog import catalog_dict
from sanctionwatch.api.errors import ApiError
from sanctionwatch.api.inputs import get_holder
from sanctionwatch.api.render import algorithms_dict
from sanctionwatch.api.state import ScreenerHolder
from sanctionwatch.screening.algorithms import BEST
from sanctionwatch.screening.service import algorithms as list_algorithms

router = APIRouter()


@router.get(
    "/healthz", summary="Health check", tags=["System information"], response_model=m.StatusResponse
)
async def healthz() -> m.StatusResponse:
    """Liveness: the process answers. See `/readyz` for the index."""
    # async: nothing here blocks, and a sync route costs two thread-pool hops under load
    return m.StatusResponse(status="ok")


@router.get(
    "/readyz",
    summary="Index readiness check",
    tags=["System information"],
    response_model=m.StatusResponse,
    responses={503: {"model": m.ErrorResponse, "description": "Index is not ready"}},
)
def readyz(holder: ScreenerHolder = Depends(get_holder)) -> m.StatusResponse:
    """Readiness: 503 until the screening index has been built from the store."""
    holder.screener  # noqa: B018 - raises NotReadyError (503) while warming up
    return m.StatusResponse(status="ok")


@router.get(
    "/algorithms",
    summary="Scoring algorithms",
    tags=["System information"],
    response_model=m.AlgorithmResponse,
)
def algorithms() -> dict[str, Any]:
    """The scoring algorithms `/match` accepts, with their features, and the default."""
    return algorithms_dict(list_algorithms(), best=BEST)


@router.get(
    "/catalog", summary="Data catalog", tags=["Data access"], response_model=m.DataCatalogModel
)
@router.get("/manifest", response_model=m.DataCatalogModel, include_in_schema=False)
def catalog(holder: ScreenerHolder = Depends(get_holder)) -> dict[str, Any]:
    """The loaded datasets, their current versions and those the index was built from."""
    return catalog_dict(holder.store.datasets(), holder.built_versions)


UPDATE_TOKEN_KEY = "api_update_token"


@router.post(
    "/updatez",
    summary="Rebuild the index now",
    tags=["System information"],
    response_model=m.StatusResponse,
    responses={403: {"model": m.ErrorResponse, "description": "Invalid token"}},
)
def updatez(
    request: Request,
    background: BackgroundTasks,
    token: str = Query("", max_length=200, title="Update token (setting api_update_token)"),
    sync: bool = Query(False, title="Wait until the index is rebuilt"),
    holder: ScreenerHolder = Depends(get_holder),
) -> m.StatusResponse:
    """Check the store's list versions now and rebuild the index if they changed (e.g. right
    after an import), instead of waiting for the next periodic check."""
    expected = str(request.app.state.settings.extra.get(UPDATE_TOKEN_KEY) or "")
    if not expected or not secrets.compare_digest(token.encode(), expected.encode()):
        raise ApiError(403, "Invalid token.")
    if sync:
        holder.refresh()
    else:
        background.add_task(holder.refresh)
    return m.StatusResponse(status="ok")

"""`/api/entities/{id}/links`, `/api/graph`, `/api/timeline`, `/api/dashboard`: the views the
web pages show, as JSON (both call `cases.views`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request

from sanctionwatch.api import ws_models as w
from sanctionwatch.api.auth import api_read, get_workspace
from sanctionwatch.api.dashboard import dashboard_data
from sanctionwatch.api.inputs import get_holder
from sanctionwatch.api.state import ScreenerHolder
from sanctionwatch.cases import views
from sanctionwatch.cases.model import User
from sanctionwatch.cases.workspace import Workspace

router = APIRouter(prefix="/api", tags=["Views"])


@router.get(
    "/entities/{entity_id}/links",
    summary="Alerts, documents, ship events and cases linked to a list entity",
    response_model=w.EntityLinks,
    responses=w.errors(400, 401, 403),
)
def entity_links(
    entity_id: str = Path(max_length=200),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> w.EntityLinks:
    return w.EntityLinks.model_validate(views.entity_links(ws, entity_id))


@router.get(
    "/graph",
    summary="Network of entities, vessels, documents and cases",
    response_model=w.Graph,
    responses=w.errors(400, 401, 403, 404),
)
def graph(
    entity_id: str | None = Query(None, max_length=200),
    case_id: int | None = Query(None, ge=1, le=w.MAX_ID),
    limit: int = Query(200, ge=1, le=2000, description="Alerts considered"),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
    holder: ScreenerHolder = Depends(get_holder),
) -> w.Graph:
    data = views.graph(ws, holder.store, entity_id=entity_id, case_id=case_id, limit=limit)
    return w.Graph.model_validate(data)


@router.get(
    "/timeline",
    summary="Dated alerts, notes and decisions",
    response_model=list[w.TimelineRow],
    responses=w.errors(400, 401, 403, 404),
)
def timeline(
    case_id: int | None = Query(None, ge=1, le=w.MAX_ID),
    limit: int = Query(500, ge=1, le=5000),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> list[w.TimelineRow]:
    return [
        w.TimelineRow.model_validate(r) for r in views.timeline(ws, case_id=case_id, limit=limit)
    ]


@router.get(
    "/dashboard",
    summary="New alerts, open cases, list versions and the last runs",
    response_model=w.Dashboard,
    responses=w.errors(400, 401, 403),
)
async def dashboard(request: Request, user: User | None = Depends(api_read)) -> w.Dashboard:
    """The figures are computed at most every `dashboard_cache_seconds` per worker."""
    return w.Dashboard.model_validate(await dashboard_data(request, user))

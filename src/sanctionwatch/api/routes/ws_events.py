"""`/api/events` (and as GeoJSON) and `/api/runs`: ship events and monitoring runs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from sanctionwatch.api import ws_models as w
from sanctionwatch.api.auth import api_read, get_workspace
from sanctionwatch.cases.model import User
from sanctionwatch.cases.views import events_geojson
from sanctionwatch.cases.workspace import Workspace

router = APIRouter(prefix="/api", tags=["Ship events and runs"])

TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"


class EventFilters:
    """The filters both event routes take."""

    def __init__(
        self,
        type: str | None = Query(None, max_length=40, description="encounter, gap, loitering..."),
        mmsi: int | None = Query(None, ge=0, le=999_999_999),
        imo: str | None = Query(None, max_length=20),
        since: str | None = Query(None, pattern=TIME_PATTERN, description="ISO 8601 UTC"),
        until: str | None = Query(None, pattern=TIME_PATTERN, description="ISO 8601 UTC"),
        limit: int = Query(500, ge=1, le=5000),
    ) -> None:
        self.type, self.mmsi, self.imo = type, mmsi, imo
        self.since, self.until, self.limit = since, until, limit

    def fetch(self, ws: Workspace) -> list[dict[str, Any]]:
        return ws.events(
            type=self.type,
            mmsi=self.mmsi,
            imo=self.imo,
            since=self.since,
            until=self.until,
            limit=self.limit,
        )


@router.get(
    "/events",
    summary="Ship events",
    response_model=list[w.EventModel],
    responses=w.errors(400, 401, 403),
)
def list_events(
    filters: EventFilters = Depends(),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> list[w.EventModel]:
    """Encounters, AIS gaps, loitering, port calls and identity changes the detectors found."""
    return [w.EventModel.model_validate(e) for e in filters.fetch(ws)]


@router.get(
    "/events.geojson",
    summary="Ship events as GeoJSON",
    response_model=w.FeatureCollection,
    responses=w.errors(400, 401, 403),
)
def events_as_geojson(
    filters: EventFilters = Depends(),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> w.FeatureCollection:
    return w.FeatureCollection.model_validate(events_geojson(filters.fetch(ws)))


@router.get(
    "/runs",
    summary="Monitoring runs",
    response_model=list[w.RunModel],
    responses=w.errors(400, 401, 403),
)
def list_runs(
    limit: int = Query(50, ge=1, le=1000),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> list[w.RunModel]:
    """Monitoring runs and uploads, newest first, with their inputs and summaries."""
    return [w.RunModel.model_validate(r) for r in ws.runs(limit=limit)]

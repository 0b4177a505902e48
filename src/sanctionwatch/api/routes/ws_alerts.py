"""`/api/alerts` and `/api/suggestions`: what the monitor raised, and what belongs together."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from sanctionwatch.api import ws_models as w
from sanctionwatch.api.auth import api_read, get_workspace, require_analyst
from sanctionwatch.cases.model import ALERT_KINDS, ALERT_STATUSES, CaseSuggestion, User
from sanctionwatch.cases.workspace import Workspace

router = APIRouter(prefix="/api", tags=["Alerts"])

ALERT_ID = Path(ge=1, le=w.MAX_ID, description="Alert id")
STATUS_PATTERN = "^(" + "|".join(ALERT_STATUSES) + ")$"
KIND_PATTERN = "^(" + "|".join(ALERT_KINDS) + ")$"


@router.get(
    "/alerts",
    summary="List alerts",
    response_model=w.AlertPage,
    responses=w.errors(400, 401, 403),
)
def list_alerts(
    status: str | None = Query(None, pattern=STATUS_PATTERN),
    kind: str | None = Query(None, pattern=KIND_PATTERN),
    entity_id: str | None = Query(None, max_length=200, description="List entity id"),
    imo: str | None = Query(None, max_length=20, description="Vessel IMO number"),
    q: str | None = Query(None, max_length=200, description="Text in the title or source"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> w.AlertPage:
    """Alerts, newest first, filtered by status, kind, list entity, vessel IMO or text."""
    found = ws.alerts(
        status=status, kind=kind, entity_id=entity_id, imo=imo, text=q, limit=limit, offset=offset
    )
    return w.AlertPage(
        results=[w.AlertModel.model_validate(a.to_dict()) for a in found],
        limit=limit,
        offset=offset,
    )


@router.get(
    "/alerts/{alert_id}",
    summary="One alert with its evidence",
    response_model=w.AlertModel,
    responses=w.errors(400, 401, 403, 404),
)
def get_alert(
    alert_id: int = ALERT_ID,
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> w.AlertModel:
    return w.AlertModel.model_validate(ws.alert(alert_id).to_dict())


@router.post(
    "/alerts/{alert_id}/dismiss",
    summary="Dismiss an alert",
    response_model=w.AlertModel,
    responses=w.errors(400, 401, 403, 404),
)
def dismiss_alert(
    body: w.DismissRequest,
    alert_id: int = ALERT_ID,
    user: User = Depends(require_analyst),
    ws: Workspace = Depends(get_workspace),
) -> w.AlertModel:
    """Mark an alert as not worth a case, with the reason (audited)."""
    ws.dismiss_alert(alert_id, actor=user.name, reason=body.reason)
    return w.AlertModel.model_validate(ws.alert(alert_id).to_dict())


@router.get(
    "/suggestions",
    summary="Alerts proposed for one case",
    response_model=list[CaseSuggestion],
    responses=w.errors(400, 401, 403),
)
def suggestions(
    window_hours: float = Query(72.0, gt=0, le=24 * 366, description="Time window in hours"),
    report_window_days: float = Query(
        90.0,
        ge=0,
        le=3660,
        description="How far back a dated news report reaches to the events it reports",
    ),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> list[CaseSuggestion]:
    """Alerts sharing a list entity, a vessel (IMO) or a time window, grouped, with the
    reasons; a group may name an open case its alerts would join."""
    return ws.suggestions(window_hours=window_hours, report_window_days=report_window_days)

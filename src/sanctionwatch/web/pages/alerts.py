"""Alerts: the filtered list (from which a case is opened) and one alert with its evidence."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from sanctionwatch.cases.model import ALERT_KINDS, ALERT_STATUSES, User
from sanctionwatch.web.deps import get_workspace, page_analyst, page_read
from sanctionwatch.web.pages.common import PAGE_SIZE, blocking, optional
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/alerts")
async def alerts(
    request: Request,
    status: str = Query("", max_length=20),
    kind: str = Query("", max_length=40),
    q: str = Query("", max_length=200),
    entity_id: str = Query("", max_length=200),
    imo: str = Query("", max_length=20),
    offset: int = Query(0, ge=0, le=1_000_000),
    user: User | None = Depends(page_read),
) -> Response:
    filters = {"status": status, "kind": kind, "q": q, "entity_id": entity_id, "imo": imo}
    found = await blocking(
        get_workspace(request).alerts,
        status=optional(status),
        kind=optional(kind),
        text=optional(q),
        entity_id=optional(entity_id),
        imo=optional(imo),
        limit=PAGE_SIZE,
        offset=offset,
    )
    return render(
        request,
        "alerts.html.j2",
        {
            "alerts": [a.to_dict() for a in found],
            "filters": filters,
            "kinds": ALERT_KINDS,
            "statuses": ALERT_STATUSES,
            "offset": offset,
            "page_size": PAGE_SIZE,
        },
        user=user,
        title="Alerts",
    )


@router.get("/alerts/{alert_id}")
async def alert(
    request: Request, alert_id: int, user: User | None = Depends(page_read)
) -> Response:
    workspace = get_workspace(request)
    stored = await blocking(workspace.alert, alert_id)
    cases = await blocking(workspace.cases)
    open_cases = [c.to_dict() for c in cases if c.status in ("open", "under_review")]
    data = stored.to_dict()
    return render(
        request,
        "alert.html.j2",
        {"a": data, "open_cases": open_cases},
        user=user,
        title=str(data["title"]),
    )


@router.post("/alerts/{alert_id}/dismiss")
async def dismiss(
    request: Request,
    alert_id: int,
    reason: str = Form(..., min_length=1, max_length=2000),
    user: User = Depends(page_analyst),
) -> Response:
    await blocking(get_workspace(request).dismiss_alert, alert_id, actor=user.name, reason=reason)
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)

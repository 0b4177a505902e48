"""Cases: the list, a new case from selected alerts, the case page (alerts, evidence, notes,
decisions, audit trail, suggestions to add) and links to its reports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from sanctionwatch.cases.model import CASE_STATUSES, User
from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.errors import InputError
from sanctionwatch.web.deps import get_workspace, page_analyst, page_read
from sanctionwatch.web.pages.common import blocking, int_list, optional, plain
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)

REPORT_FORMATS = ("html", "pdf", "ftm")


@router.get("/cases")
async def cases(
    request: Request,
    status: str = Query("", max_length=20),
    user: User | None = Depends(page_read),
) -> Response:
    workspace = get_workspace(request)
    found = await blocking(workspace.cases, status=optional(status))
    suggestions = await blocking(workspace.suggestions)
    return render(
        request,
        "cases.html.j2",
        {
            "cases": plain(found),
            "status": status,
            "statuses": CASE_STATUSES,
            "suggestions": plain(suggestions),
        },
        user=user,
        title="Cases",
    )


@router.post("/cases")
async def new_case(
    request: Request,
    title: str = Form("", max_length=300),
    summary: str = Form("", max_length=20_000),
    alert_ids: list[str] = Form([]),
    user: User = Depends(page_analyst),
) -> Response:
    ids = int_list(alert_ids, "alert_ids")
    workspace = get_workspace(request)
    if not title.strip():
        if not ids:
            raise InputError("a new case needs a title or at least one selected alert")
        first = await blocking(workspace.alert, ids[0])
        title = first.alert.title
    case = await blocking(
        workspace.create_case, title.strip(), actor=user.name, summary=summary, alert_ids=ids
    )
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def _case_page(workspace: Workspace, case_id: int) -> dict[str, Any]:
    """Everything the case page shows, read in one worker-thread call."""
    case = workspace.case(case_id)
    alerts = workspace.case_alerts(case_id)
    in_case = {a.id for a in alerts}
    suggestions = [
        s
        for s in workspace.suggestions()
        if s.case_id == case_id or in_case.intersection(s.alert_ids)
    ]
    return {
        "case": case.to_dict(),
        "alerts": [a.to_dict() for a in alerts],
        "notes": plain(workspace.notes(case_id)),
        "decisions": plain(workspace.decisions(case_id)),
        "audit": plain(workspace.audit(target=f"case:{case_id}")),
        "suggestions": [
            {**plain(s), "new_ids": [i for i in s.alert_ids if i not in in_case]}
            for s in suggestions
        ],
    }


@router.get("/cases/{case_id}")
async def case_page(
    request: Request, case_id: int, user: User | None = Depends(page_read)
) -> Response:
    data = await blocking(_case_page, get_workspace(request), case_id)
    data["statuses"] = CASE_STATUSES
    data["formats"] = REPORT_FORMATS
    return render(request, "case.html.j2", data, user=user, title=str(data["case"]["title"]))


@router.post("/cases/{case_id}/notes")
async def add_note(
    request: Request,
    case_id: int,
    text: str = Form(..., min_length=1, max_length=20_000),
    user: User = Depends(page_analyst),
) -> Response:
    await blocking(get_workspace(request).add_note, case_id, text, actor=user.name)
    return RedirectResponse(f"/cases/{case_id}#notes", status_code=303)


@router.post("/cases/{case_id}/decisions")
async def decide(
    request: Request,
    case_id: int,
    status: str = Form(..., max_length=20),
    rationale: str = Form(..., min_length=1, max_length=20_000),
    user: User = Depends(page_analyst),
) -> Response:
    await blocking(
        get_workspace(request).decide, case_id, status, actor=user.name, rationale=rationale
    )
    return RedirectResponse(f"/cases/{case_id}#decisions", status_code=303)


@router.post("/cases/{case_id}/alerts")
async def add_alerts(
    request: Request,
    case_id: int,
    alert_ids: list[str] = Form([]),
    user: User = Depends(page_analyst),
) -> Response:
    ids = int_list(alert_ids, "alert_ids")
    if not ids:
        raise InputError("select at least one alert to add")
    await blocking(get_workspace(request).add_alerts_to_case, case_id, ids, actor=user.name)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)

"""`/api/cases`: incidents, their alerts, notes, decisions, audit trail and reports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from sanctionwatch.api import ws_models as w
from sanctionwatch.api.auth import api_read, get_workspace, require_analyst
from sanctionwatch.api.inputs import get_holder
from sanctionwatch.api.ports import StoreLike
from sanctionwatch.api.state import ScreenerHolder
from sanctionwatch.cases.model import CASE_STATUSES, Case, Decision, Note, User
from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.errors import NotFoundError

router = APIRouter(prefix="/api", tags=["Cases"])

CASE_ID = Path(ge=1, le=w.MAX_ID, description="Case id")
STATUS_PATTERN = "^(" + "|".join(CASE_STATUSES) + ")$"
REPORT_TYPES = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "ftm": ("application/x-ndjson", "ftm.json"),
}


class NestedEntities:
    """The store's nested entities, raising `NotFoundError` for unknown ids as `Store` does."""

    def __init__(self, store: StoreLike) -> None:
        self._store = store

    def entity_nested(self, entity_id: str) -> dict[str, Any]:
        found = self._store.entity_nested(entity_id)
        if found is None:
            raise NotFoundError(f"no entity {entity_id!r} in the lists")
        return found


def case_detail(ws: Workspace, case_id: int) -> w.CaseDetail:
    case = ws.case(case_id)
    alerts = [w.AlertModel.model_validate(a.to_dict()) for a in ws.case_alerts(case_id)]
    return w.CaseDetail(
        case=case,
        alerts=alerts,
        notes=ws.notes(case_id),
        decisions=ws.decisions(case_id),
        audit=ws.audit(target=f"case:{case_id}"),
    )


@router.get(
    "/cases", summary="List cases", response_model=list[Case], responses=w.errors(400, 401, 403)
)
def list_cases(
    status: str | None = Query(None, pattern=STATUS_PATTERN),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> list[Case]:
    return ws.cases(status=status)


@router.post(
    "/cases",
    summary="Open a case",
    status_code=201,
    response_model=Case,
    responses=w.errors(400, 401, 403, 404),
)
def create_case(
    body: w.CaseCreate,
    user: User = Depends(require_analyst),
    ws: Workspace = Depends(get_workspace),
) -> Case:
    """Open a case, optionally with the alerts it starts from (they move to `in_case`)."""
    return ws.create_case(
        body.title, actor=user.name, summary=body.summary, alert_ids=body.alert_ids
    )


@router.get(
    "/cases/{case_id}",
    summary="A case with its alerts, notes, decisions and audit trail",
    response_model=w.CaseDetail,
    responses=w.errors(400, 401, 403, 404),
)
def get_case(
    case_id: int = CASE_ID,
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> w.CaseDetail:
    return case_detail(ws, case_id)


@router.post(
    "/cases/{case_id}/alerts",
    summary="Add alerts to a case",
    response_model=w.CaseDetail,
    responses=w.errors(400, 401, 403, 404),
)
def add_alerts(
    body: w.AlertIds,
    case_id: int = CASE_ID,
    user: User = Depends(require_analyst),
    ws: Workspace = Depends(get_workspace),
) -> w.CaseDetail:
    ws.add_alerts_to_case(case_id, body.alert_ids, actor=user.name)
    return case_detail(ws, case_id)


@router.post(
    "/cases/{case_id}/notes",
    summary="Add a note to a case",
    status_code=201,
    response_model=Note,
    responses=w.errors(400, 401, 403, 404),
)
def add_note(
    body: w.NoteCreate,
    case_id: int = CASE_ID,
    user: User = Depends(require_analyst),
    ws: Workspace = Depends(get_workspace),
) -> Note:
    return ws.add_note(case_id, body.text, actor=user.name)


@router.post(
    "/cases/{case_id}/decisions",
    summary="Decide a case's status, with the rationale",
    status_code=201,
    response_model=Decision,
    responses=w.errors(400, 401, 403, 404),
)
def decide(
    body: w.DecisionCreate,
    case_id: int = CASE_ID,
    user: User = Depends(require_analyst),
    ws: Workspace = Depends(get_workspace),
) -> Decision:
    """Append a decision (open, under review, confirmed, dismissed); decisions are never
    edited or deleted."""
    return ws.decide(case_id, body.status, actor=user.name, rationale=body.rationale)


@router.get(
    "/cases/{case_id}/report",
    summary="The case report (HTML, PDF or FtM JSON lines)",
    response_class=Response,
    responses={
        200: {
            "description": "The report",
            "content": {media: {} for media, _ in REPORT_TYPES.values()},
        },
        **w.errors(400, 401, 403, 404),
    },
)
def report(
    case_id: int = CASE_ID,
    format: str = Query("html", pattern="^(html|pdf|ftm)$"),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
    holder: ScreenerHolder = Depends(get_holder),
) -> Response:
    """A publishable report in the manner of a Panel of Experts annex, as a download."""
    from sanctionwatch.cases.report import render_report

    # The workspace reads nested entities from the list store (a `Store`; the API holds it
    # through its port, whose `entity_nested` may answer None instead of raising).
    dossier = ws.dossier(case_id, store=NestedEntities(holder.store))  # type: ignore[arg-type]
    media, suffix = REPORT_TYPES[format]
    headers: dict[str, Any] = {
        "Content-Disposition": f'attachment; filename="case-{case_id}.{suffix}"'
    }
    return Response(render_report(dossier, format), media_type=media, headers=headers)

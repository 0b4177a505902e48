"""Documents: the list, upload (audited by `cases.uploads`, read into findings and alerts by
`cases.views.read_uploads`), and one document with its evidence highlighted by the reader's
offsets."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from sanctionwatch.api.errors import NotReadyError
from sanctionwatch.cases import views
from sanctionwatch.cases.model import User
from sanctionwatch.web.deps import get_store, get_workspace, page_analyst, page_read
from sanctionwatch.web.highlight import pieces
from sanctionwatch.web.pages.common import PAGE_SIZE, blocking
from sanctionwatch.web.pages.uploads import read_upload
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/documents")
async def documents(
    request: Request,
    offset: int = Query(0, ge=0, le=1_000_000),
    user: User | None = Depends(page_read),
) -> Response:
    found = await blocking(get_workspace(request).documents, limit=PAGE_SIZE, offset=offset)
    return render(
        request,
        "documents.html.j2",
        {"documents": found, "offset": offset, "page_size": PAGE_SIZE},
        user=user,
        title="Documents",
    )


@router.post("/documents")
async def upload(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    user: User = Depends(page_analyst),
) -> Response:
    # audited, and refused with 415 when it is no document, before waiting for the reader
    data, filename = await read_upload(request, file, actor=user.name, kind="document")
    holder = request.app.state.readers
    try:
        reader = await blocking(holder.get)
    except NotReadyError as exc:
        return render(
            request,
            "error.html.j2",
            {"status": 503, "message": str(exc)},
            user=user,
            status_code=503,
            title="Not ready yet",
        )
    versions = await blocking(get_store(request).current_versions)
    results = await blocking(
        views.read_uploads,
        get_workspace(request),
        reader,
        data=data,
        filename=filename,
        list_versions=versions,
        actor=user.name,
    )
    first = results[0].document_id
    new_alerts = sum(len(r.alert_ids) for r in results)
    suffix = f"?new_alerts={new_alerts}" if new_alerts else ""
    if len(results) > 1:
        return RedirectResponse(f"/documents{suffix}", status_code=303)
    return RedirectResponse(f"/documents/{first}{suffix}", status_code=303)


@router.get("/documents/{doc_id}")
async def document(
    request: Request,
    doc_id: int,
    new_alerts: int = Query(0, ge=0),
    user: User | None = Depends(page_read),
) -> Response:
    workspace = get_workspace(request)
    doc = await blocking(workspace.document, doc_id)
    finding = doc.get("finding") or {}
    text = str(doc.get("text") or "")
    source = (finding.get("document") or {}).get("source") or doc.get("source")
    alerts = await blocking(workspace.alerts, kind="document_finding", text=source, limit=20)
    return render(
        request,
        "document.html.j2",
        {
            "doc": doc,
            "finding": finding,
            "pieces": pieces(text, finding),
            "alerts": [a for a in (x.to_dict() for x in alerts) if _same_document(a, text)],
            "new_alerts": new_alerts,
        },
        user=user,
        title=str(doc.get("title") or doc.get("source") or f"Document {doc_id}"),
    )


def _same_document(alert: dict[str, object], text: str) -> bool:
    """An alert raised from this text (the producers pin the text's sha256 in the evidence)."""
    evidence = alert.get("evidence")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return isinstance(evidence, dict) and evidence.get("text_sha256") == digest

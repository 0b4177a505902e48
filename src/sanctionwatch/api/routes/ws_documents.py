"""`/api/documents`: documents read by the monitor or uploaded here, with their findings."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api import ws_models as w
from sanctionwatch.api.auth import api_read, get_workspace, require_analyst
from sanctionwatch.api.readers import ReaderHolder
from sanctionwatch.api.uploads import read_upload_file, upload_errors
from sanctionwatch.cases.model import User
from sanctionwatch.cases.uploads import accept_upload
from sanctionwatch.cases.views import read_uploads
from sanctionwatch.cases.workspace import Workspace

router = APIRouter(prefix="/api", tags=["Documents"])

DOCUMENT_FILE = File(..., description="Text, HTML, PDF or an RSS/Atom feed")


def get_readers(request: Request) -> ReaderHolder:
    readers: ReaderHolder = request.app.state.readers
    return readers


@router.get(
    "/documents",
    summary="List documents",
    response_model=list[w.DocumentSummary],
    responses=w.errors(400, 401, 403),
)
def list_documents(
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> list[w.DocumentSummary]:
    return [w.DocumentSummary.model_validate(d) for d in ws.documents(limit=limit, offset=offset)]


@router.get(
    "/documents/{doc_id}",
    summary="One document with its text and findings",
    response_model=w.DocumentDetail,
    responses=w.errors(400, 401, 403, 404),
)
def get_document(
    doc_id: int = Path(ge=1, le=w.MAX_ID),
    _user: User | None = Depends(api_read),
    ws: Workspace = Depends(get_workspace),
) -> w.DocumentDetail:
    return w.DocumentDetail.model_validate(ws.document(doc_id))


@router.post(
    "/documents",
    summary="Upload a document to read",
    status_code=201,
    response_model=w.UploadResponse,
    responses=w.errors(400, 401, 403, 413, 415, 503),
)
async def upload_document(
    request: Request,
    file: UploadFile = DOCUMENT_FILE,
    user: User = Depends(require_analyst),
    ws: Workspace = Depends(get_workspace),
    readers: ReaderHolder = Depends(get_readers),
) -> w.UploadResponse:
    """Read the document (its type is decided by content, not by name), save it and raise
    an alert for each sanctions-relevant finding. A feed gives one document per item. The
    upload is an audit entry (user, time, file name, size, sha256), accepted or not."""
    data = await read_upload_file(request, file)
    filename = file.filename or "upload"
    with upload_errors():
        # audited, and other content refused before waiting for the reader
        await run_in_threadpool(
            lambda: accept_upload(
                ws, data=data, filename=filename, actor=user.name, kind="document"
            )
        )
        reader = await run_in_threadpool(readers.get)
        results = await run_in_threadpool(
            lambda: read_uploads(
                ws,
                reader,
                data=data,
                filename=filename,
                list_versions=readers.versions,
                actor=user.name,
            )
        )
    return w.UploadResponse(
        documents=[
            w.UploadedDocument(
                document_id=r.document_id, alert_ids=list(r.alert_ids), finding=dict(r.finding)
            )
            for r in results
        ]
    )

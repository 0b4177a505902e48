"""`/api/screen` (one party) and `/api/screen/file` (a CSV or Excel table of parties)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api import ws_models as w
from sanctionwatch.api.auth import get_workspace, require_analyst, require_viewer
from sanctionwatch.api.errors import ApiError
from sanctionwatch.api.inputs import get_holder
from sanctionwatch.api.models import ScoredEntityResponse
from sanctionwatch.api.render import scored_dict
from sanctionwatch.api.state import ScreenerHolder
from sanctionwatch.api.uploads import read_upload_file, upload_errors
from sanctionwatch.cases.model import User
from sanctionwatch.cases.uploads import accept_upload
from sanctionwatch.cases.views import query_properties, screen_upload
from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.screening.service import MatchOptions, Screener, make_query

router = APIRouter(prefix="/api", tags=["Screening"])

SCREEN_FILE_ROWS_KEY = "screen_file_max_rows"
DEFAULT_FILE_ROWS = 1000
TABLE_FILE = File(..., description="CSV or .xlsx with a name column")


@router.post(
    "/screen",
    summary="Screen one party",
    response_model=w.ScreenResponse,
    responses=w.errors(400, 401, 403, 503),
)
def screen(
    body: w.ScreenRequest,
    _user: User = Depends(require_viewer),
    holder: ScreenerHolder = Depends(get_holder),
) -> w.ScreenResponse:
    """Score one name (with birth date, country, identifiers, or FtM properties) against the
    lists; each result explains its score (which names, dates, identifiers agreed)."""
    schema, props = query_properties(
        body.schema_,
        name=body.name,
        birth_date=body.birth_date,
        country=body.country,
        identifiers=body.identifiers,
        properties=body.properties,
    )
    query = make_query(schema, props)
    options = MatchOptions(
        algorithm=body.algorithm, limit=body.limit, threshold=body.threshold, cutoff=0.5
    )
    results = holder.screener.match(query, options)
    return w.ScreenResponse(
        query=query.to_dict(),
        results=[ScoredEntityResponse.model_validate(scored_dict(r)) for r in results],
    )


@router.post(
    "/screen/file",
    summary="Screen a CSV or Excel table",
    response_model=w.ScreenFileResponse,
    responses=w.errors(400, 401, 403, 413, 415, 503),
)
async def screen_file(
    request: Request,
    file: UploadFile = TABLE_FILE,
    threshold: float = Query(0.7, ge=0.0, le=1.0),
    user: User = Depends(require_analyst),
    holder: ScreenerHolder = Depends(get_holder),
    ws: Workspace = Depends(get_workspace),
) -> w.ScreenFileResponse:
    """Every row with its best match, score and explanation (at most `screen_file_max_rows`
    rows, 1000 by default; larger files belong to `sanctionwatch screen-file`). The upload
    is an audit entry (user, time, file name, size, sha256), accepted or not."""
    data = await read_upload_file(request, file)
    filename = file.filename or "upload"
    with upload_errors():
        await run_in_threadpool(
            lambda: accept_upload(
                ws, data=data, filename=filename, actor=user.name, kind="screening_table"
            )
        )
    screener = holder.screener
    if not isinstance(screener, Screener):
        raise ApiError(503, "Table screening needs the screening engine; it is not loaded.")
    max_rows = int(request.app.state.settings.extra.get(SCREEN_FILE_ROWS_KEY, DEFAULT_FILE_ROWS))
    options = MatchOptions(limit=3, threshold=threshold, cutoff=0.5)
    with upload_errors():
        result = await run_in_threadpool(
            lambda: screen_upload(
                screener,
                data=data,
                filename=filename,
                max_rows=max_rows,
                options=options,
            )
        )
    return w.ScreenFileResponse.model_validate(result)

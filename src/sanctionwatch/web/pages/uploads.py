"""Reading an uploaded file with the size limit applied while reading, not after, and
recording it in the audit log (refused for its content: 415, also recorded)."""

from __future__ import annotations

from fastapi import Request, UploadFile

from sanctionwatch.api.uploads import upload_limit
from sanctionwatch.cases.uploads import accept_upload
from sanctionwatch.cases.views import UploadTooLarge
from sanctionwatch.errors import InputError
from sanctionwatch.web.deps import get_workspace
from sanctionwatch.web.pages.common import blocking

CHUNK = 64 * 1024


async def read_upload(
    request: Request, upload: UploadFile | None, *, actor: str, kind: str
) -> tuple[bytes, str]:
    """(bytes, file name) of a form's file field, audited as an upload of `kind` by `actor`;
    `UploadTooLarge` past the limit (before all its bytes are read, so not audited)."""
    if upload is None or not upload.filename:
        raise InputError("choose a file to upload")
    limit = upload_limit(request.app.state.settings)
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(f"{upload.filename}: larger than the limit of {limit} bytes")
        parts.append(chunk)
    data = b"".join(parts)
    await blocking(
        accept_upload,
        get_workspace(request),
        data=data,
        filename=upload.filename,
        actor=actor,
        kind=kind,
    )
    return data, upload.filename

"""Reading an uploaded file within the size limit, and the upload errors' HTTP statuses.

The limit (`upload_max_bytes`, default 10 MiB) is checked twice: against the declared
Content-Length before the body is used, and against the bytes actually read (a chunked
upload declares nothing), reading at most one byte more than allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request, UploadFile

from sanctionwatch.api.errors import ApiError
from sanctionwatch.cases.views import UnsupportedUpload, UploadTooLarge
from sanctionwatch.settings import Settings, whole_setting

UPLOAD_MAX_KEY = "upload_max_bytes"
DEFAULT_UPLOAD_MAX = 10 * 1024 * 1024


def upload_limit(settings: Settings) -> int:
    return whole_setting(settings.extra, UPLOAD_MAX_KEY, DEFAULT_UPLOAD_MAX)


def too_large(limit: int) -> ApiError:
    return ApiError(413, f"Upload too large (limit: {limit} bytes).")


async def read_upload_file(request: Request, file: UploadFile) -> bytes:
    """The file's bytes, or 413 when it is over the limit."""
    limit = upload_limit(request.app.state.settings)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:  # multipart framing allowed
        raise too_large(limit)
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


@contextmanager
def upload_errors() -> Iterator[None]:
    """Unsupported content -> 415, over a limit -> 413 (other input errors stay 400)."""
    try:
        yield
    except UnsupportedUpload as exc:
        raise ApiError(415, str(exc)) from exc
    except UploadTooLarge as exc:
        raise ApiError(413, str(exc)) from exc

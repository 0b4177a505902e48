"""Errors on HTML paths answered with a page, on JSON paths with the API's `{"detail"}`.

The API installs one handler per exception class; the web app wraps each so that a person in a
browser sees a readable page with the same message and status, while `/api/*` and the yente
routes keep their JSON bodies unchanged (their tests pin them).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sanctionwatch.api.auth import FORBIDDEN_PAGE_ATTR, is_json_path
from sanctionwatch.api.errors import status_for, validation_detail
from sanctionwatch.cases.views import UnsupportedUpload, UploadTooLarge
from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.web.templating import render

log = logging.getLogger(__name__)

Handler = Callable[[Request, Exception], Awaitable[Response]]

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    415: "Unsupported file type",
    500: "Server error",
    503: "Not ready yet",
}


def error_page(request: Request, status: int, message: str) -> Response:
    """The HTML error page (no session lookup failure can recurse here: `user` is optional)."""
    identity = getattr(request.state, "sw_identity", None)
    user = getattr(identity, "user", None)
    return render(
        request,
        "error.html.j2",
        {"status": status, "message": message},
        user=user,
        status_code=status,
        title=TITLES.get(status, "Error"),
    )


def forbidden_page(request: Request, message: str) -> Response:
    return error_page(request, 403, message)


def _wrap(fallback: Handler, status_of: Callable[[Exception], tuple[int, str]]) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        if is_json_path(request.url.path):
            return await fallback(request, exc)
        status, message = status_of(exc)
        if status >= 500:
            log.error("error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_page(request, status, message)

    return handler


def _ours(exc: Exception) -> tuple[int, str]:
    assert isinstance(exc, SanctionwatchError)
    if isinstance(exc, UploadTooLarge):
        return 413, str(exc)
    if isinstance(exc, UnsupportedUpload):
        return 415, str(exc)
    status = status_for(exc)
    return status, str(exc) if status < 500 else "Internal server error."


def _http(exc: Exception) -> tuple[int, str]:
    assert isinstance(exc, StarletteHTTPException)
    return exc.status_code, str(exc.detail)


def _validation(exc: Exception) -> tuple[int, str]:
    assert isinstance(exc, RequestValidationError)
    return 400, validation_detail(exc.errors())


def _unexpected(exc: Exception) -> tuple[int, str]:
    return 500, "Internal server error."


def install_page_errors(app: FastAPI) -> None:
    """Wrap the API's handlers (installed by `create_app`) with HTML pages for page paths.

    `AuthRequired` and `Forbidden` keep their own handlers (registered for those subclasses,
    so Starlette prefers them): a redirect to the login page and `forbidden_page`."""
    setattr(app.state, FORBIDDEN_PAGE_ATTR, forbidden_page)
    handlers = app.exception_handlers
    for cls, status_of in (
        (SanctionwatchError, _ours),
        (StarletteHTTPException, _http),
        (RequestValidationError, _validation),
        (Exception, _unexpected),
    ):
        existing = handlers.get(cls)
        if existing is None:
            continue
        app.add_exception_handler(cls, _wrap(existing, status_of))  # type: ignore[arg-type]

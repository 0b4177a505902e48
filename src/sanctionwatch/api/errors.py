"""One error body on the wire: yente's `{"detail": "<message>"}`, whatever went wrong.

yente answers bad input with 400 and a string `detail`; FastAPI's own request validation would
answer 422 with a list. We turn validation failures into the 400 string form as well, so a client
needs to handle exactly one error shape. Our own exceptions map to status codes here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sanctionwatch.errors import InputError, NotFoundError, SanctionwatchError

MAX_REPORTED_PROBLEMS = 5


class NotReadyError(SanctionwatchError):
    """The screening index has not been built yet (the server is warming up)."""


class ApiError(SanctionwatchError):
    """An error with a chosen HTTP status, raised by the API layer itself."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


def error_response(status_code: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status_code, content={"detail": detail})


def _location(loc: Sequence[Any]) -> str:
    """`('body', 'queries', 'q1', 'schema')` -> `body.queries.q1.schema`."""
    return ".".join(str(part) for part in loc)


def validation_detail(errors: Sequence[Any]) -> str:
    """One readable line for all validation problems (the first few, then a count)."""
    parts = []
    for err in errors[:MAX_REPORTED_PROBLEMS]:
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        parts.append(f"{_location(err.get('loc', ()))}: {msg}")
    more = len(errors) - MAX_REPORTED_PROBLEMS
    tail = f" (and {more} more)" if more > 0 else ""
    return "Invalid request: " + "; ".join(parts) + tail


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(400, validation_detail(exc.errors()))


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = error_response(exc.status_code, str(exc.detail))
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


def status_for(exc: SanctionwatchError) -> int:
    """The HTTP status for one of our own errors."""
    if isinstance(exc, ApiError):
        return exc.status_code
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, NotReadyError):
        return 503
    return 500  # StoreError, ConfigError...: the server's fault, not the request's


async def _own_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SanctionwatchError)
    return error_response(status_for(exc), str(exc) or type(exc).__name__)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(SanctionwatchError, _own_error_handler)

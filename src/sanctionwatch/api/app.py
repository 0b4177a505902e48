"""The yente-compatible HTTP API: `create_app(settings)` gives the FastAPI application.

The app holds one screener, built from the store at startup and rebuilt when the store's
current list versions change (see `state.ScreenerHolder`). Routes parse input, call one
service function and render yente's JSON; every error is `{"detail": "..."}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from sanctionwatch import __version__
from sanctionwatch.api.errors import error_response, install_error_handlers
from sanctionwatch.api.limits import RequestLimits
from sanctionwatch.api.ports import ScreenerFactory, ScreenerLike, StoreLike
from sanctionwatch.api.routes import entities, match, reconcile, search, system
from sanctionwatch.api.state import ScreenerHolder
from sanctionwatch.errors import ConfigError
from sanctionwatch.settings import Settings

if TYPE_CHECKING:
    from sanctionwatch.store import Store

log = logging.getLogger(__name__)

# Our options live in `settings.extra`, i.e. as extra keys of the settings file (settings.toml).
REFRESH_SECONDS_KEY = "api_refresh_seconds"
DEFAULT_REFRESH_SECONDS = 60.0

DESCRIPTION = (
    "Sanctions screening with yente's read API: the same paths, parameters and JSON, so "
    "yente clients work by changing the base URL. `default` spans every loaded dataset."
)


def refresh_seconds(settings: Settings) -> float:
    raw = settings.extra.get(REFRESH_SECONDS_KEY, DEFAULT_REFRESH_SECONDS)
    try:
        return float(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {REFRESH_SECONDS_KEY!r} must be a number, got {raw!r}") from exc


def default_screener_factory(settings: Settings) -> ScreenerFactory:
    """Index the store's current entities with the screening service (persisted index)."""
    from sanctionwatch.screening.loader import index_dir as screening_index_dir

    index_dir = screening_index_dir(settings)

    def build(store: StoreLike) -> ScreenerLike:
        from sanctionwatch.screening.service import Screener

        screener = Screener.build(
            store.entities(), versions=store.current_versions(), index_dir=index_dir
        )
        # Compute matching features off the request path, so no early query pays for them;
        # the feature cache is idempotent, so a query racing the warm-up is still correct.
        threading.Thread(target=screener.warm, name="screener-warm", daemon=True).start()
        return screener

    return build


def open_default_store(settings: Settings) -> Store:
    from sanctionwatch.store import open_store

    return open_store(settings.db_url)


def _log_task_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("screener refresh task failed", exc_info=task.exception())


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug: answer in the one error shape; Starlette still logs the traceback."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal server error")


def _error(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ErrorResponse"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _openapi_document(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI documents a 422 validation error on every route; we answer 400 instead. The
    size limits (`limits.RequestLimits`) apply to every route: document 414 and 413 too."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    responses = operation.get("responses", {})
                    if responses.pop("422", None) is not None:
                        responses.setdefault("400", _error("Invalid request"))
                    responses.setdefault("414", _error("URL too long"))
                    if "requestBody" in operation:
                        responses.setdefault("413", _error("Request body too large"))
            components = schema.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                components.pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def create_app(
    settings: Settings,
    *,
    screener_factory: ScreenerFactory | None = None,
    store: StoreLike | None = None,
) -> FastAPI:
    """The API over `store` (default: the store at `settings.db_url`)."""
    owned: Store | None = None  # a store we open is one we close at shutdown
    the_store: StoreLike
    if store is None:
        owned = open_default_store(settings)
        the_store = owned
    else:
        the_store = store
    factory = screener_factory or default_screener_factory(settings)
    holder = ScreenerHolder(the_store, factory)
    interval = refresh_seconds(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(holder.keep_fresh(interval))
        task.add_done_callback(_log_task_failure)
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if owned is not None:
                owned.close()

    app = FastAPI(
        title="sanctionwatch API",
        description=DESCRIPTION,
        version=__version__,
        lifespan=lifespan,
    )
    app.state.holder = holder
    app.state.settings = settings
    install_error_handlers(app)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"]
    )
    app.add_middleware(RequestLimits)
    for module in (match, search, entities, reconcile, system):
        app.include_router(module.router)
    app.openapi = _openapi_document(app)  # type: ignore[method-assign]
    return app

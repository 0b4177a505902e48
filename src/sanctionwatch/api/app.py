"""The HTTP API: `create_app(settings)` gives the FastAPI application.

Two parts share one app: yente's read API (`/match`, `/search`, `/entities`...) and the
analyst's workspace API under `/api/` (alerts, cases, documents, ship events, screening,
users). The app holds one screener, built from the store at startup and rebuilt when the
store's current list versions change (see `state.ScreenerHolder`), one document reader built
lazily (`readers.ReaderHolder`), and the workspace. Routes parse input, call one service
function and render JSON; every error is `{"detail": "..."}`. Who may call what is decided in
`auth`; every response carries the security headers of `headers`. Verified API keys and the
dashboard's figures are kept a few seconds per process (`caches`), and the warm screening
index is kept out of the garbage collector's way (`heap`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse

from sanctionwatch import __version__
from sanctionwatch.api import heap
from sanctionwatch.api.auth import (
    YENTE_REQUIRED_KEY,
    flag,
    install_auth_handlers,
    require_viewer,
)
from sanctionwatch.api.caches import ClearAfterWrites, make_caches
from sanctionwatch.api.errors import error_response, install_error_handlers
from sanctionwatch.api.headers import HEADERS as SECURITY_HEADERS
from sanctionwatch.api.headers import SecurityHeaders, redoc_page, swagger_page
from sanctionwatch.api.limits import RequestLimits
from sanctionwatch.api.ports import ScreenerFactory, ScreenerLike, StoreLike
from sanctionwatch.api.readers import ReaderFactory, ReaderHolder, default_reader_factory
from sanctionwatch.api.readers import wait_seconds as reader_wait_seconds
from sanctionwatch.api.routes import (
    entities,
    match,
    reconcile,
    search,
    system,
    ws_alerts,
    ws_cases,
    ws_documents,
    ws_events,
    ws_screen,
    ws_users,
    ws_views,
)
from sanctionwatch.api.state import ScreenerHolder
from sanctionwatch.errors import ConfigError
from sanctionwatch.settings import Settings, number_setting

if TYPE_CHECKING:
    from sanctionwatch.cases.workspace import Workspace
    from sanctionwatch.store import Store

log = logging.getLogger(__name__)

# Our options live in `settings.extra`, i.e. as extra keys of the settings file (settings.toml).
REFRESH_SECONDS_KEY = "api_refresh_seconds"
DEFAULT_REFRESH_SECONDS = 60.0
SESSION_HOURS_KEY = "session_hours"
HEAP_RESETTLE_MINUTES_KEY = "heap_resettle_minutes"
# Measured: 40,000 never-seen queries left 63 garbage objects frozen, while the full
# collection that frees them pauses a worker ~1 s: once a day is plenty.
DEFAULT_HEAP_RESETTLE_MINUTES = 1440.0
DEFAULT_SESSION_HOURS = 12.0
YENTE_ROUTERS = (match, search, entities, reconcile, system)
WORKSPACE_ROUTERS = (ws_alerts, ws_cases, ws_documents, ws_events, ws_screen, ws_views, ws_users)

DESCRIPTION = (
    "Sanctions screening with yente's read API: the same paths, parameters and JSON, so "
    "yente clients work by changing the base URL. `default` spans every loaded dataset."
)


def refresh_seconds(settings: Settings) -> float:
    return number_setting(settings.extra, REFRESH_SECONDS_KEY, DEFAULT_REFRESH_SECONDS)


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
        # Then take the warm index out of the garbage collector's way (`heap`).
        threading.Thread(
            target=_warm_and_settle,
            args=(screener.warm, resettle_seconds(settings)),
            name="screener-warm",
            daemon=True,
        ).start()
        return screener

    return build


def _warm_and_settle(warm: Callable[[], None], resettle: float | None) -> None:
    warm()
    heap.settle()
    heap.install_young_freezer(resettle)


def resettle_seconds(settings: Settings) -> float | None:
    """How often a server process collects the garbage its young-generation freezing kept
    (see `heap`); 0 turns the timer off (then only index builds do)."""
    minutes = number_setting(
        settings.extra, HEAP_RESETTLE_MINUTES_KEY, DEFAULT_HEAP_RESETTLE_MINUTES
    )
    if minutes < 0:
        raise ConfigError(f"setting {HEAP_RESETTLE_MINUTES_KEY!r} must be 0 or more, got {minutes}")
    return 60.0 * minutes or None


def open_default_store(settings: Settings) -> Store:
    from sanctionwatch.store import open_store

    return open_store(settings.db_url)


def session_hours(settings: Settings) -> float:
    hours = number_setting(settings.extra, SESSION_HOURS_KEY, DEFAULT_SESSION_HOURS)
    if hours <= 0:
        raise ConfigError(f"setting {SESSION_HOURS_KEY!r} must be positive, got {hours}")
    return hours


def open_default_workspace(settings: Settings) -> Workspace:
    from sanctionwatch.cases.workspace import open_workspace

    return open_workspace(settings.db_url, session_hours=session_hours(settings))


def _log_task_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("screener refresh task failed", exc_info=task.exception())


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug: answer in the one error shape; Starlette still logs the traceback."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = error_response(500, "Internal server error")
    # This answer leaves through Starlette's outermost error middleware, around ours.
    response.headers.update(SECURITY_HEADERS)
    return response


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
    workspace: Workspace | None = None,
    reader_factory: ReaderFactory | None = None,
) -> FastAPI:
    """The API over `store` and `workspace` (default: both in the database at
    `settings.db_url`; what this function opens it closes at shutdown)."""
    owned: Store | None = None  # a store we open is one we close at shutdown
    the_store: StoreLike
    if store is None:
        owned = open_default_store(settings)
        the_store = owned
    else:
        the_store = store
    owned_workspace = open_default_workspace(settings) if workspace is None else None
    the_workspace = workspace or owned_workspace
    factory = screener_factory or default_screener_factory(settings)
    holder = ScreenerHolder(the_store, factory)
    readers = ReaderHolder(
        the_store,
        reader_factory or default_reader_factory(settings, lambda: holder.current),
        wait=reader_wait_seconds(settings),
    )
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
            if owned_workspace is not None:
                owned_workspace.close()

    app = FastAPI(
        title="sanctionwatch API",
        description=DESCRIPTION,
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.holder = holder
    app.state.readers = readers
    app.state.workspace = the_workspace
    app.state.settings = settings
    app.state.caches = caches = make_caches(settings)
    install_error_handlers(app)
    install_auth_handlers(app)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"]
    )
    app.add_middleware(ClearAfterWrites, caches=caches)
    app.add_middleware(RequestLimits)
    app.add_middleware(SecurityHeaders)
    # yente's routes stay open (as yente's are) unless `yente_auth_required` is set.
    # (Decided once here: an open /match pays nothing for auth.)
    yente_open = not flag(settings, YENTE_REQUIRED_KEY, False)
    yente_access = [] if yente_open else [Depends(require_viewer)]
    for module in YENTE_ROUTERS:
        app.include_router(module.router, dependencies=yente_access)
    for module in WORKSPACE_ROUTERS:
        app.include_router(module.router)
    _add_docs(app)
    app.openapi = _openapi_document(app)  # type: ignore[method-assign]
    return app


def _add_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc at yente's paths, under a policy that names their scripts."""

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return swagger_page(app.title)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return redoc_page(app.title)

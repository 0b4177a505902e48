"""The web application: the API (`api.create_app`) plus the HTML pages and their assets.

One process serves both, so a browser and a program see the same workspace, the same sessions
and the same service functions; the pages add no logic of their own. Pages are left out of the
OpenAPI document (they are not an API), and their paths avoid the yente routes (`/entities`,
`/search`, `/match`), which keep their JSON answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from sanctionwatch.api.app import create_app
from sanctionwatch.api.ports import ScreenerFactory, StoreLike
from sanctionwatch.api.readers import ReaderFactory
from sanctionwatch.settings import Settings
from sanctionwatch.web.errors import install_page_errors
from sanctionwatch.web.pages import ROUTERS

if TYPE_CHECKING:
    from sanctionwatch.cases.workspace import Workspace

STATIC = Path(__file__).parent / "static"


def create_web_app(
    settings: Settings,
    *,
    screener_factory: ScreenerFactory | None = None,
    store: StoreLike | None = None,
    workspace: Workspace | None = None,
    reader_factory: ReaderFactory | None = None,
) -> FastAPI:
    """`api.create_app(...)` with the pages, `/static` and the login and logout pages."""
    app = create_app(
        settings,
        screener_factory=screener_factory,
        store=store,
        workspace=workspace,
        reader_factory=reader_factory,
    )
    install_page_errors(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app

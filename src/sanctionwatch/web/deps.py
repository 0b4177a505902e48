"""What page routes depend on: who is asking, and the services the app holds.

Authentication is `api.auth`'s (one implementation for JSON and HTML): reads go through the
same `auth_read_required` setting as `/api/*` GETs, writes need a role and, with a session
cookie, the CSRF token of the form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from fastapi import Request

from sanctionwatch.api.auth import (
    api_read,
    get_workspace,
    require_admin,
    require_analyst,
    require_viewer,
)

if TYPE_CHECKING:
    from sanctionwatch.api.ports import ScreenerLike
    from sanctionwatch.store import Store

page_read = api_read
page_analyst = require_analyst
page_admin = require_admin

__all__ = [
    "get_store",
    "get_workspace",
    "page_admin",
    "page_analyst",
    "page_read",
    "require_viewer",
    "screener",
]


def get_store(request: Request) -> Store:
    """The list store the app serves from (the one the screener holder indexes)."""
    store: Any = getattr(request.app.state, "store", None) or request.app.state.holder.store
    return cast("Store", store)


def screener(request: Request) -> ScreenerLike:
    """The current screener; `NotReadyError` while the index is being built."""
    found: ScreenerLike = request.app.state.holder.screener
    return found

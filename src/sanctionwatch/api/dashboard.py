"""The dashboard's figures for `/api/dashboard` and the front page, cached for a few seconds.

`cases.views.dashboard` costs several workspace and store queries; the front page is loaded
far more often than alerts, cases or lists change. Each worker keeps the computed figures for
`dashboard_cache_seconds` (see `caches` for what that means for freshness), keyed by the
reader's role so that a cached answer is only ever served to a reader of the same role
(today every role may see the whole dashboard; the key keeps it so if that changes).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api.caches import AppCaches
from sanctionwatch.cases import views
from sanctionwatch.cases.model import User

ANONYMOUS = "anonymous"  # a reader without a login, where `auth_read_required` is off


def _store(request: Request) -> Any:
    return getattr(request.app.state, "store", None) or request.app.state.holder.store


async def dashboard_data(request: Request, user: User | None) -> dict[str, Any]:
    """`views.dashboard(workspace, store)`, computed at most once per TTL per role."""
    caches: AppCaches | None = getattr(request.app.state, "caches", None)
    key = ANONYMOUS if user is None else user.role
    if caches is not None:
        found = caches.dashboard.get(key)
        if found is not None:
            return found
    data = await run_in_threadpool(views.dashboard, request.app.state.workspace, _store(request))
    if caches is not None:
        caches.dashboard.put(key, data)
    return data

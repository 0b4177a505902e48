"""The HTML pages, one router per area; `ROUTERS` is what `web.app` mounts."""

from __future__ import annotations

from fastapi import APIRouter

from sanctionwatch.web.pages import (
    alerts,
    auth,
    cases,
    dashboard,
    documents,
    entities,
    lists,
    maps,
    network,
    screening,
    users,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    dashboard.router,
    lists.router,
    entities.router,
    screening.router,
    documents.router,
    alerts.router,
    cases.router,
    maps.router,
    network.router,
    users.router,
)

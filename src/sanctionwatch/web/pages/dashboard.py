"""The front page: new alerts, list changes, open cases, last runs (`cases.views.dashboard`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sanctionwatch.api.dashboard import dashboard_data
from sanctionwatch.cases.model import User
from sanctionwatch.web.deps import page_read
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def dashboard(request: Request, user: User | None = Depends(page_read)) -> Response:
    data = await dashboard_data(request, user)  # cached a few seconds per worker and role
    return render(request, "dashboard.html.j2", {"d": data}, user=user, title="Dashboard")

"""Users and API keys (admins only): add a user, change a role, deactivate, create and revoke
keys. A new key's secret is shown once, on the page that answers its creation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sanctionwatch.cases.model import ROLES, User
from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.web.deps import get_workspace, page_admin
from sanctionwatch.web.pages.common import blocking, optional, plain
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)


def _users_page(workspace: Workspace) -> dict[str, Any]:
    return {"users": plain(workspace.users()), "keys": plain(workspace.api_keys()), "roles": ROLES}


async def _page(
    request: Request, user: User, *, secret: str | None = None, key_user: str | None = None
) -> Response:
    data = await blocking(_users_page, get_workspace(request))
    data.update(secret=secret, key_user=key_user)
    response = render(request, "users.html.j2", data, user=user, title="Users")
    response.headers["Cache-Control"] = "no-store"  # a new key's secret must not be cached
    return response


@router.get("/users")
async def users(request: Request, user: User = Depends(page_admin)) -> Response:
    return await _page(request, user)


@router.post("/users")
async def add_user(
    request: Request,
    name: str = Form(..., min_length=1, max_length=100),
    role: str = Form(..., max_length=20),
    password: str = Form("", max_length=1000),
    user: User = Depends(page_admin),
) -> Response:
    await blocking(
        get_workspace(request).add_user,
        name.strip(),
        role,
        actor=user.name,
        password=optional(password),
    )
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{name}/role")
async def set_role(
    request: Request,
    name: str,
    role: str = Form(..., max_length=20),
    user: User = Depends(page_admin),
) -> Response:
    await blocking(get_workspace(request).set_role, name, role, actor=user.name)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{name}/deactivate")
async def deactivate(request: Request, name: str, user: User = Depends(page_admin)) -> Response:
    await blocking(get_workspace(request).deactivate_user, name, actor=user.name)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{name}/keys")
async def create_key(
    request: Request,
    name: str,
    label: str = Form("", max_length=200),
    user: User = Depends(page_admin),
) -> Response:
    _info, secret = await blocking(
        get_workspace(request).create_api_key, name, label=label.strip(), actor=user.name
    )
    return await _page(request, user, secret=secret, key_user=name)


@router.post("/keys/{key_id}/revoke")
async def revoke_key(request: Request, key_id: int, user: User = Depends(page_admin)) -> Response:
    await blocking(get_workspace(request).revoke_api_key, key_id, actor=user.name)
    return RedirectResponse("/users", status_code=303)

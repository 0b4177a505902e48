"""`/api/users`, `/api/keys`, `/api/me`, `/api/login`, `/api/logout`: who may do what.

Admins manage users, roles and API keys; a key's secret is in the response that creates it
and nowhere else. `/api/login` starts a cookie session for JSON clients (the web pages have
their own login form over the same `auth.log_in`).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from sanctionwatch.api import ws_models as w
from sanctionwatch.api.auth import (
    SESSION_COOKIE,
    AuthRequired,
    check_origin,
    client_address,
    cookie_secure,
    get_workspace,
    identify,
    log_in,
    log_out,
    require_admin,
    require_viewer,
)
from sanctionwatch.api.models import StatusResponse
from sanctionwatch.cases.model import ApiKeyInfo, User
from sanctionwatch.cases.throttle import policy_from
from sanctionwatch.cases.workspace import Workspace

router = APIRouter(prefix="/api", tags=["Users and access"])

USER_NAME = Path(pattern=w.NAME_PATTERN, description="User name")


@router.get("/me", summary="The current user", response_model=w.Me, responses=w.errors(401))
async def me(request: Request, user: User = Depends(require_viewer)) -> w.Me:
    identity = await identify(request)
    assert identity is not None  # require_viewer passed
    token = identity.csrf if identity.via == "session" else None
    return w.Me(user=user, via=identity.via, csrf_token=token)


@router.post(
    "/login",
    summary="Log in (cookie session)",
    response_model=w.Me,
    responses=w.errors(400, 401, 403, 429),
)
def login(
    request: Request,
    response: Response,
    body: w.LoginRequest,
    ws: Workspace = Depends(get_workspace),
) -> w.Me:
    """Check the password (failed logins are limited per account and per client address:
    429 with Retry-After) and start a new session (a new id at every login); the session
    cookie is HttpOnly and SameSite=Lax. Use the returned `csrf_token` in the X-CSRF-Token
    header of every later POST/DELETE."""
    check_origin(request)  # no login CSRF from another site
    outcome = ws.login(
        body.name,
        body.password,
        address=client_address(request),
        policy=policy_from(request.app.state.settings.extra),
    )
    if outcome.retry_after:
        raise HTTPException(
            429,
            "Too many failed logins; try again later.",
            headers={"Retry-After": str(outcome.retry_after)},
        )
    user = outcome.user
    if user is None or not user.active:
        raise AuthRequired("Wrong user name or password.")
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        ws.end_session(previous)  # a session id the client had before dies here
    token = log_in(response, ws, user, secure=cookie_secure(request))
    return w.Me(user=user, via="session", csrf_token=token)


@router.post(
    "/logout",
    summary="Log out (end the session)",
    response_model=StatusResponse,
    responses=w.errors(401, 403),
)
def logout(
    request: Request, response: Response, _user: User = Depends(require_viewer)
) -> StatusResponse:
    log_out(request, response)
    return StatusResponse(status="ok")


@router.get("/users", summary="List users", response_model=list[User], responses=w.errors(401, 403))
def list_users(
    _admin: User = Depends(require_admin), ws: Workspace = Depends(get_workspace)
) -> list[User]:
    return ws.users()


@router.post(
    "/users",
    summary="Add a user",
    status_code=201,
    response_model=User,
    responses=w.errors(400, 401, 403),
)
def add_user(
    body: w.UserCreate,
    admin: User = Depends(require_admin),
    ws: Workspace = Depends(get_workspace),
) -> User:
    """Add a viewer, analyst or admin; without a password the user can only use API keys."""
    return ws.add_user(body.name, body.role, actor=admin.name, password=body.password)


@router.post(
    "/users/{name}/role",
    summary="Change a user's role",
    response_model=User,
    responses=w.errors(400, 401, 403, 404),
)
def set_role(
    body: w.RoleChange,
    name: str = USER_NAME,
    admin: User = Depends(require_admin),
    ws: Workspace = Depends(get_workspace),
) -> User:
    return ws.set_role(name, body.role, actor=admin.name)


@router.post(
    "/users/{name}/deactivate",
    summary="Deactivate a user (ends their sessions and keys at once)",
    response_model=User,
    responses=w.errors(400, 401, 403, 404),
)
def deactivate(
    name: str = USER_NAME,
    admin: User = Depends(require_admin),
    ws: Workspace = Depends(get_workspace),
) -> User:
    ws.deactivate_user(name, actor=admin.name)
    return ws.user(name)


@router.post(
    "/users/{name}/keys",
    summary="Create an API key (the secret is shown once)",
    status_code=201,
    response_model=w.KeyCreated,
    responses=w.errors(400, 401, 403, 404),
)
def create_key(
    body: w.KeyCreate,
    name: str = USER_NAME,
    admin: User = Depends(require_admin),
    ws: Workspace = Depends(get_workspace),
) -> w.KeyCreated:
    info, secret = ws.create_api_key(name, label=body.label, actor=admin.name)
    return w.KeyCreated(key=info, secret=secret)


@router.get(
    "/keys", summary="List API keys", response_model=list[ApiKeyInfo], responses=w.errors(401, 403)
)
def list_keys(
    _admin: User = Depends(require_admin), ws: Workspace = Depends(get_workspace)
) -> list[ApiKeyInfo]:
    """Every key with its prefix, owner, label and state; never the secret."""
    return ws.api_keys()


@router.delete(
    "/keys/{key_id}",
    summary="Revoke an API key",
    response_model=StatusResponse,
    responses=w.errors(400, 401, 403, 404),
)
def revoke_key(
    key_id: int = Path(ge=1, le=w.MAX_ID),
    admin: User = Depends(require_admin),
    ws: Workspace = Depends(get_workspace),
) -> StatusResponse:
    ws.revoke_api_key(key_id, actor=admin.name)
    return StatusResponse(status="ok")

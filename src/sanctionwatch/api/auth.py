"""Who is asking, and may they: sessions for people, API keys for machines, roles, CSRF.

Two credentials, two threat models. A session cookie is *ambient*: the browser attaches it to
any request to our host, including one a hostile page triggers, so every unsafe request
authenticated by cookie must also carry the session's CSRF token (header `X-CSRF-Token` or form
field `csrf_token`) and, when the browser says where it comes from (Origin / Referer), come
from our own host. An API key is sent on purpose by a program (`Authorization: ApiKey <key>`
as yente clients do, `Authorization: Bearer <key>` or `X-API-Key: <key>`), so it needs no
token. Sessions live server-side in the workspace: logging out or deactivating a user ends
access at once, and every login gets a fresh session id (no fixation).

Routes declare what they need with `Depends(require("analyst"))`; reads use `read_access`
(open or viewer, by setting). Failures raise `AuthRequired` (401 on JSON paths, a redirect to
the login page on HTML paths) or `Forbidden` (403).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api.caches import WRITE_FLAG, AppCaches
from sanctionwatch.cases.credentials import sha256_hex
from sanctionwatch.cases.model import ROLE_RANK, Role, User
from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.errors import ConfigError, SanctionwatchError
from sanctionwatch.settings import Settings

log = logging.getLogger(__name__)

SESSION_COOKIE = "sw_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
API_KEY_HEADER = "X-API-Key"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

# Settings (extra keys of the settings file), read with `flag` / `setting`.
READ_REQUIRED_KEY = "auth_read_required"  # /api GETs and pages need a logged-in viewer
YENTE_REQUIRED_KEY = "yente_auth_required"  # /match, /search, /entities... need a viewer
TRUSTED_ORIGINS_KEY = "auth_trusted_origins"  # extra origins (a reverse proxy's public URL)
COOKIE_SECURE_KEY = "session_cookie_secure"  # "auto" (https requests), true or false

# Paths whose clients are programs: they get JSON errors, never a redirect to the login page.
JSON_PREFIXES = (
    "/api/",
    "/match",
    "/search",
    "/entities",
    "/catalog",
    "/manifest",
    "/algorithms",
    "/healthz",
    "/readyz",
    "/updatez",
    "/reconcile",
    "/openapi.json",
    "/docs",
    "/redoc",
)
# `app.state.forbidden_page(request, message) -> Response` renders the HTML 403 (web layer).
FORBIDDEN_PAGE_ATTR = "forbidden_page"

_IDENTITY_ATTR = "sw_identity"
_UNSET = object()


class AuthRequired(SanctionwatchError):
    """No valid credential: 401 on JSON paths, a redirect to `/login` on HTML paths."""


class Forbidden(SanctionwatchError):
    """Authenticated, but not allowed: role too low, CSRF token missing or wrong, foreign
    origin (403)."""


@dataclass(frozen=True)
class Identity:
    """The authenticated user of one request and how they proved it."""

    user: User
    via: Literal["session", "api_key"]
    csrf: str | None = None  # the session's CSRF token (sessions only)


# --- settings --------------------------------------------------------------------------


def flag(settings: Settings, key: str, default: bool) -> bool:
    """A boolean extra setting (TOML bool, or a string such as "true"/"0")."""
    raw = settings.extra.get(key, default)
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"setting {key!r} must be true or false, got {raw!r}")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    """The client's address, the key of the per-address login counter."""
    return request.client.host if request.client is not None else "unknown"


def cookie_secure(request: Request) -> bool:
    """Whether the session cookie gets the Secure attribute: by default when the request
    came over https (setting `session_cookie_secure`: "auto", true or false)."""
    raw = _settings(request).extra.get(COOKIE_SECURE_KEY, "auto")
    if str(raw).strip().lower() == "auto":
        return request.url.scheme == "https"
    return flag(_settings(request), COOKIE_SECURE_KEY, False)


def trusted_origins(settings: Settings) -> frozenset[str]:
    raw = settings.extra.get(TRUSTED_ORIGINS_KEY, [])
    items = [raw] if isinstance(raw, str) else list(raw)
    return frozenset(urlsplit(str(o)).netloc.lower() or str(o).lower() for o in items if o)


# --- identifying the caller -------------------------------------------------------------


def get_workspace(request: Request) -> Workspace:
    """The workspace the app opened (`app.state.workspace`)."""
    workspace: Workspace = request.app.state.workspace
    return workspace


def api_key_from(request: Request) -> str | None:
    """The API key a program sent, if any (the three accepted headers)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() in {"apikey", "bearer"} and value.strip():
        return value.strip()
    key = request.headers.get(API_KEY_HEADER, "").strip()
    return key or None


def _caches(request: Request) -> AppCaches | None:
    found: AppCaches | None = getattr(request.app.state, "caches", None)
    return found


def _known(request: Request) -> tuple[bool, Identity | None]:
    """What can be told without the workspace: (decided, identity). Decided when the request
    was identified before, carries no credential at all, or shows a recently verified API
    key (`caches`); then no thread-pool hop is needed."""
    cached = getattr(request.state, _IDENTITY_ATTR, _UNSET)
    if cached is not _UNSET:
        assert cached is None or isinstance(cached, Identity)
        return True, cached
    key = api_key_from(request)
    identity: Identity | None = None
    if key is not None:
        caches = _caches(request)
        user = None if caches is None else caches.api_keys.get(sha256_hex(key))
        if user is None:
            return False, None
        identity = Identity(user=user, via="api_key")
    elif request.cookies.get(SESSION_COOKIE):
        return False, None  # sessions are always checked: logging out must end them at once
    setattr(request.state, _IDENTITY_ATTR, identity)
    return True, identity


def _identify(request: Request) -> Identity | None:
    """Resolve the credential once per request (blocking: it may read the workspace)."""
    decided, identity = _known(request)
    if decided:
        return identity
    workspace = get_workspace(request)
    key = api_key_from(request)
    if key is not None:
        # A presented key is the only credential considered: a bad key never falls back to
        # a cookie the same client happens to carry.
        user = workspace.verify_api_key(key)
        if user is not None and user.active:
            identity = Identity(user=user, via="api_key")
            caches = _caches(request)
            if caches is not None:
                caches.api_keys.put(sha256_hex(key), user)
        else:
            request.state.sw_auth_problem = "Invalid or revoked API key."
    else:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            found = workspace.session_user(session_id)
            if found is not None and found[0].active:
                identity = Identity(user=found[0], via="session", csrf=found[1])
            else:
                request.state.sw_auth_problem = "Session expired or ended; log in again."
    setattr(request.state, _IDENTITY_ATTR, identity)
    return identity


async def identify(request: Request) -> Identity | None:
    decided, identity = _known(request)
    if decided:
        return identity
    return await run_in_threadpool(_identify, request)


async def current_user(request: Request) -> User | None:
    """FastAPI dependency: the user behind the session cookie or API key, or None."""
    identity = await identify(request)
    return None if identity is None else identity.user


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's session ("" without a session), for forms."""
    identity = _identify(request)
    if identity is None or identity.csrf is None:
        return ""
    return identity.csrf


# --- CSRF ------------------------------------------------------------------------------


def check_origin(request: Request) -> None:
    """Refuse a request whose Origin (or, without one, Referer) names another host."""
    origin = request.headers.get("origin")
    if origin == "null":
        raise Forbidden("Cross-origin request refused (Origin: null).")
    source = origin or request.headers.get("referer")
    if not source:
        return  # older clients and privacy settings omit both: the token decides alone
    netloc = urlsplit(source).netloc.lower()
    allowed = {request.url.netloc.lower()} | trusted_origins(_settings(request))
    if netloc not in allowed:
        raise Forbidden(f"Cross-origin request refused (from {netloc or source!r}).")


async def sent_csrf_token(request: Request) -> str | None:
    """The token from the `X-CSRF-Token` header or, for form posts, the `csrf_token` field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(FORM_TYPES):
        form = await request.form()  # cached on the request: the route reads it again freely
        value = form.get(CSRF_FIELD)
        if isinstance(value, str):
            return value
    return None


async def check_csrf(request: Request, identity: Identity) -> None:
    check_origin(request)
    sent = await sent_csrf_token(request)
    expected = identity.csrf or ""
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(
            f"CSRF token missing or wrong: send the session's token in the {CSRF_HEADER} "
            f"header or the {CSRF_FIELD} form field."
        )


# --- dependencies ----------------------------------------------------------------------


def require(role: Role) -> Callable[..., Awaitable[User]]:
    """A dependency that lets through users with at least `role`; on unsafe methods with a
    session cookie it also checks the CSRF token and the origin."""
    if role not in ROLE_RANK:
        raise ValueError(f"unknown role {role!r}")

    async def dependency(request: Request) -> User:
        identity = await identify(request)
        if identity is None:
            problem = getattr(request.state, "sw_auth_problem", None)
            raise AuthRequired(
                problem
                or "Authentication required: log in, or send an API key "
                "(Authorization: ApiKey <key>)."
            )
        unsafe = request.method in UNSAFE_METHODS
        if unsafe and identity.via == "session":
            await check_csrf(request, identity)
        if not identity.user.can(role):
            raise Forbidden(
                f"This needs the {role} role; {identity.user.name} is {identity.user.role}."
            )
        if unsafe and role != "viewer":
            # a change to the workspace: this process's caches are emptied once it is
            # answered (`caches.ClearAfterWrites`)
            setattr(request.state, WRITE_FLAG, True)
        return identity.user

    dependency.__name__ = f"require_{role}"
    return dependency


require_viewer = require("viewer")
require_analyst = require("analyst")
require_admin = require("admin")


def read_access(setting: str, *, default: bool) -> Callable[..., Awaitable[User | None]]:
    """A dependency for reads: a viewer when `setting` is on, anyone (or nobody) when off."""

    async def dependency(request: Request) -> User | None:
        if flag(_settings(request), setting, default):
            return await require_viewer(request)
        return await current_user(request)

    dependency.__name__ = f"read_access_{setting}"
    return dependency


api_read = read_access(READ_REQUIRED_KEY, default=True)


# --- logging in and out -----------------------------------------------------------------


def log_in(response: Response, workspace: Workspace, user: User, *, secure: bool) -> str:
    """Start a new server-side session (always a new id: no session fixation) and set its
    cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site posts).
    Returns the new session's CSRF token."""
    session_id, token = workspace.create_session(user.name)
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="lax", secure=secure, path="/"
    )
    return token


def log_out(request: Request, response: Response) -> None:
    """End the request's session server-side (the cookie is worthless from now on) and clear
    the cookie."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        get_workspace(request).end_session(session_id)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    setattr(request.state, _IDENTITY_ATTR, None)


def ensure_first_admin(workspace: Workspace, *, name: str = "admin") -> str | None:
    """On a workspace without users, create `name` as admin with a random password and
    return it (the caller shows it once); None when users exist."""
    if workspace.users():
        return None
    password = secrets.token_urlsafe(18)
    workspace.add_user(name, "admin", actor="system", password=password)
    return password


# --- error handlers ---------------------------------------------------------------------


def is_json_path(path: str) -> bool:
    return path.startswith(JSON_PREFIXES)


def _next_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="")


async def _auth_required_handler(request: Request, exc: Exception) -> Response:
    if is_json_path(request.url.path):
        return JSONResponse(
            status_code=401,
            content={"detail": str(exc)},
            headers={"WWW-Authenticate": 'ApiKey realm="sanctionwatch"'},
        )
    return RedirectResponse(_next_url(request), status_code=303)


async def _forbidden_handler(request: Request, exc: Exception) -> Response:
    page: Any = getattr(request.app.state, FORBIDDEN_PAGE_ATTR, None)
    if page is not None and not is_json_path(request.url.path):
        response: Response = page(request, str(exc))
        return response
    return JSONResponse(status_code=403, content={"detail": str(exc)})


def install_auth_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AuthRequired, _auth_required_handler)
    app.add_exception_handler(Forbidden, _forbidden_handler)

"""Log in and log out.

The login form cannot carry a session's CSRF token (there is no session yet), so it uses a
double-submit token: a random value in a short-lived SameSite=Strict cookie and the same value
in the form. A hostile page can make a browser post the form but cannot read or set our cookie,
so it cannot forge a login (login CSRF would silently log the victim into the attacker's
account). The Origin check of `api.auth` applies as well. After login the user is sent back to
the page they asked for, but only to a path on this site (no open redirect).

Failed logins are throttled per account and per client address (`cases.throttle`): past the
limit the form answers 429 with Retry-After, without checking the password, for known and
unknown names alike. The address is the connection's peer as uvicorn reports it (behind a
local reverse proxy, uvicorn's default `--forwarded-allow-ips` makes it the client's).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api.auth import (
    Forbidden,
    check_origin,
    client_address,
    cookie_secure,
    current_user,
    log_in,
    log_out,
)
from sanctionwatch.cases.model import User
from sanctionwatch.cases.throttle import policy_from
from sanctionwatch.web.deps import get_workspace, require_viewer
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)

LOGIN_COOKIE = "sw_login"
LOGIN_COOKIE_SECONDS = 3600


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else the dashboard."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _wait(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _login_page(
    request: Request, *, next_url: str, message: str = "", status_code: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html.j2",
        {"next_url": next_url, "login_token": token, "message": message},
        user=None,
        status_code=status_code,
        title="Log in",
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=LOGIN_COOKIE_SECONDS,
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request),
        path="/login",
    )
    return response


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    user = await current_user(request)
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_url=safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    name: str = Form("", max_length=200),
    password: str = Form("", max_length=1000),
    next: str = Form("/", max_length=2000),
    login_token: str = Form("", max_length=200),
) -> Response:
    check_origin(request)
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), login_token.encode()):
        raise Forbidden("The login form expired or did not come from this site; try again.")
    workspace = get_workspace(request)
    outcome = await run_in_threadpool(
        lambda: workspace.login(
            name.strip(),
            password,
            address=client_address(request),
            policy=policy_from(request.app.state.settings.extra),
        )
    )
    if outcome.retry_after:
        refused = _login_page(
            request,
            next_url=safe_next(next),
            message=f"Too many failed logins. Try again in {_wait(outcome.retry_after)}.",
            status_code=429,
        )
        refused.headers["Retry-After"] = str(outcome.retry_after)
        return refused
    user = outcome.user
    if user is None or not user.active:
        return _login_page(
            request,
            next_url=safe_next(next),
            message="Unknown user or wrong password.",
            status_code=401,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    await run_in_threadpool(log_in, response, workspace, user, secure=cookie_secure(request))
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, user: User = Depends(require_viewer)) -> Response:
    response = RedirectResponse("/login", status_code=303)
    await run_in_threadpool(log_out, request, response)
    return response

"""The Jinja2 environment of the pages, and `render` for routes.

Autoescaping is on for every template: names from the lists, notes and document text are data
an attacker may control (a hostile list entry or news item), so they must never reach the page
as markup. The only strings inserted unescaped are the SVG drawings of `web.svg`, which escape
their own text, and they are wrapped in `Markup` by the route, never in a template.

Every form includes `csrf_token(request)`: the session's token that `api.auth.require` checks
on each unsafe request (forms work without JavaScript, so the token travels as a form field).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChainableUndefined, Environment, FileSystemLoader

from sanctionwatch import __version__
from sanctionwatch.api.auth import CSRF_FIELD, csrf_token
from sanctionwatch.cases.model import ROLE_RANK, User

TEMPLATES = Path(__file__).parent / "templates"

# (path, label, role needed): the navigation bar, in order.
NAV: tuple[tuple[str, str, str], ...] = (
    ("/", "Dashboard", "viewer"),
    ("/alerts", "Alerts", "viewer"),
    ("/cases", "Cases", "viewer"),
    ("/screen", "Screening", "viewer"),
    ("/documents", "Documents", "viewer"),
    ("/lists", "Lists", "viewer"),
    ("/map", "Map", "viewer"),
    ("/graph", "Graph", "viewer"),
    ("/timeline", "Timeline", "viewer"),
    ("/users", "Users", "admin"),
)


def short_time(value: object) -> str:
    """ "2026-11-29T02:10:00Z" -> "2026-11-29 02:10" (UTC); anything else as text."""
    if not isinstance(value, str) or not value:
        return "" if value is None else str(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d %H:%M") if "T" in value else value


def score(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) else ""


def can(user: User | None, role: str) -> bool:
    return user is not None and user.active and ROLE_RANK[user.role] >= ROLE_RANK[role]


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        # Evidence is JSON written by several producers, where keys are optional: a missing
        # key renders as nothing instead of failing the page.
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["time"] = short_time
    env.filters["score"] = score
    env.globals.update(
        csrf_token=csrf_token, csrf_field=CSRF_FIELD, can=can, nav=NAV, version=__version__
    )
    return env


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    user: User | None,
    status_code: int = 200,
    title: str = "",
) -> HTMLResponse:
    """One page: `template` with the request, the user and `context`."""
    page = environment().get_template(template)
    text = page.render(
        request=request, user=user, title=title, path=request.url.path, **dict(context or {})
    )
    return HTMLResponse(text, status_code=status_code)

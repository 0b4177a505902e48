"""Security headers on every response, and the API docs pages that fit under them.

The Content-Security-Policy is the second line against stored XSS (templates escape first):
scripts only from our own origin, never inline, so an injected `<script>` or `onerror=` does
not run even if something slipped through; `frame-ancestors 'none'` stops clickjacking.
Inline *styles* stay allowed (the server-rendered SVG maps and graphs use style attributes);
they cannot run code. A response that sets its own policy (the API docs pages) keeps it.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


_RAW = [
    (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in HEADERS.items()
]
_RAW_HSTS = (b"strict-transport-security", HSTS.encode("latin-1"))


class SecurityHeaders:
    """Pure ASGI middleware: adds `HEADERS` to every HTTP response (HSTS over https), except
    those the response sets itself. Works on the raw header list, encoded once: it runs on
    every response of the server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = [*_RAW, _RAW_HSTS] if scope.get("scheme") == "https" else _RAW

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw: list[tuple[bytes, bytes]] = list(message.get("headers", ()))
                message["headers"] = raw
                present = {name.lower() for name, _ in raw}
                raw.extend(item for item in wanted if item[0] not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- the API docs: FastAPI's pages load their scripts from a CDN and start them inline ---

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
DOCS_SOURCES = "https://cdn.jsdelivr.net"


def _script_hashes(html: str) -> str:
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )


def docs_page(html: HTMLResponse) -> HTMLResponse:
    """The docs page with a policy that allows exactly its CDN scripts and its own inline
    script (by hash, not 'unsafe-inline')."""
    text = bytes(html.body).decode()
    policy = "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {DOCS_SOURCES} {_script_hashes(text)}".strip(),
            f"style-src 'self' 'unsafe-inline' {DOCS_SOURCES} https://fonts.googleapis.com",
            "font-src 'self' https://fonts.gstatic.com",
            "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "frame-ancestors 'none'",
        )
    )
    return HTMLResponse(text, headers={"Content-Security-Policy": policy})


def swagger_page(title: str) -> HTMLResponse:
    return docs_page(get_swagger_ui_html(openapi_url="/openapi.json", title=f"{title} - docs"))


def redoc_page(title: str) -> HTMLResponse:
    return docs_page(get_redoc_html(openapi_url="/openapi.json", title=f"{title} - ReDoc"))

"""Request size limits, checked before anything is parsed: 414 for long URLs (as yente),
413 for large declared bodies. Both answer in the one error shape."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

MAX_URL_CHARS = 8192
MAX_BODY_BYTES = 16 * 1024 * 1024  # 100 queries of 100 properties of long values fit easily


class RequestLimits:
    """Pure ASGI middleware (no per-request task or body buffering)."""

    def __init__(
        self, app: ASGIApp, *, max_url: int = MAX_URL_CHARS, max_body: int = MAX_BODY_BYTES
    ) -> None:
        self.app = app
        self.max_url = max_url
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            url_chars = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            if url_chars > self.max_url:
                await _reject(send, 414, f"URL too long (limit: {self.max_url} characters)")
                return
            for name, value in scope.get("headers") or []:
                if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                    await _reject(
                        send, 413, f"Request body too large (limit: {self.max_body} bytes)"
                    )
                    return
        await self.app(scope, receive, send)


async def _reject(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

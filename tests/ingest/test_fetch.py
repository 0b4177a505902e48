"""Downloads use conditional requests, checksums and a size limit; no live network."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sanctionwatch.ingest.fetch import FetchError, fetch

URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"


def recording_server(body: bytes, etag: str) -> tuple[httpx.Client, list[httpx.Request]]:
    """A fake publisher that honours If-None-Match, and the requests it saw."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("If-None-Match") == etag:
            return httpx.Response(304)
        return httpx.Response(200, content=body, headers={"ETag": etag})

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


def test_second_fetch_is_conditional_and_unchanged(tmp_path: Path) -> None:
    client, seen = recording_server(b"<CONSOLIDATED_LIST/>", '"v1"')
    first = fetch(client, URL, tmp_path, max_bytes=1000)
    second = fetch(client, URL, tmp_path, max_bytes=1000)
    assert first.changed and not second.changed
    assert second.path == first.path and first.path.read_bytes() == b"<CONSOLIDATED_LIST/>"
    assert "If-None-Match" not in seen[0].headers
    assert seen[1].headers["If-None-Match"] == '"v1"'


def test_new_content_is_detected_by_checksum(tmp_path: Path) -> None:
    client, _ = recording_server(b"one", '"a"')
    fetch(client, URL, tmp_path, max_bytes=1000)
    client, _ = recording_server(b"two", '"b"')
    again = fetch(client, URL, tmp_path, max_bytes=1000)
    assert again.changed and again.path.read_bytes() == b"two"


@pytest.mark.parametrize(
    ("status", "body", "limit", "message"),
    [
        pytest.param(500, b"", 1000, "HTTP 500", id="server-error"),
        pytest.param(404, b"", 1000, "HTTP 404", id="not-found"),
        pytest.param(200, b"x" * 50, 10, "larger than the limit", id="too-large"),
    ],
)
def test_failures_raise_and_leave_nothing(
    tmp_path: Path, status: int, body: bytes, limit: int, message: str
) -> None:
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(status, content=body))
    )
    with pytest.raises(FetchError, match=message):
        fetch(client, URL, tmp_path, max_bytes=limit)
    assert [p.name for p in tmp_path.iterdir()] == []

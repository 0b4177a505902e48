"""Download official list files politely: conditional requests and checksums.

Users with internet call this from `sanctionwatch sync`; tests and offline users pass a mirror
folder instead and never reach this module's network code. The HTTP client is passed in, so
tests record I/O with `httpx.MockTransport` rather than calling the internet.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from sanctionwatch.errors import SanctionwatchError

STATE_FILE = "fetch-state.json"


class FetchError(SanctionwatchError):
    """A list could not be downloaded."""


@dataclass(frozen=True)
class FetchRecord:
    """What we know of the last download of one URL."""

    url: str
    path: str
    sha256: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Download:
    """The outcome of one fetch: where the file is and whether its content changed."""

    url: str
    path: Path
    sha256: str
    changed: bool


def _load_state(folder: Path) -> dict[str, FetchRecord]:
    path = folder / STATE_FILE
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {url: FetchRecord(**rec) for url, rec in raw.items()}
    except (ValueError, TypeError) as exc:
        raise FetchError(
            f"{path}: unreadable download state ({exc}); delete it to refetch"
        ) from exc


def _save_state(folder: Path, state: dict[str, FetchRecord]) -> None:
    data = json.dumps({url: asdict(rec) for url, rec in state.items()}, indent=1)
    _atomic_write(folder / STATE_FILE, data.encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file and rename, so a crash never leaves half a list behind."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_name_for(url: str) -> str:
    """A stable local file name for a URL: its last path segment, prefixed by a short hash."""
    tail = httpx.URL(url).path.rstrip("/").rsplit("/", 1)[-1] or "index"
    return f"{hashlib.sha256(url.encode()).hexdigest()[:8]}-{tail}"


def fetch(client: httpx.Client, url: str, folder: Path, *, max_bytes: int) -> Download:
    """Fetch `url` into `folder` with If-None-Match/If-Modified-Since; verify the size limit."""
    folder.mkdir(parents=True, exist_ok=True)
    state = _load_state(folder)
    previous = state.get(url)
    headers: dict[str, str] = {}
    if previous is not None and Path(previous.path).is_file():
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    try:
        with client.stream("GET", url, headers=headers, follow_redirects=True) as response:
            if response.status_code == 304 and previous is not None:
                return Download(url, Path(previous.path), previous.sha256, changed=False)
            if response.status_code != 200:
                raise FetchError(f"{url}: HTTP {response.status_code}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url}: larger than the limit of {max_bytes} bytes")
                chunks.append(chunk)
            etag = response.headers.get("ETag")
            last_modified = response.headers.get("Last-Modified")
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {exc}") from exc
    data = b"".join(chunks)
    digest = hashlib.sha256(data).hexdigest()
    path = folder / file_name_for(url)
    changed = previous is None or previous.sha256 != digest
    if changed or not path.is_file():
        _atomic_write(path, data)
    state[url] = FetchRecord(url, str(path), digest, etag, last_modified)
    _save_state(folder, state)
    return Download(url, path, digest, changed=changed)

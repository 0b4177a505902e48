"""Short-lived, per-process caches of answers that cost database reads on every request.

Two answers are asked for far more often than they change: "whose API key is this?" (every
request a program sends) and the dashboard's figures (every load of the front page). Each
worker process keeps them for a few seconds (settings `api_key_cache_seconds` and
`dashboard_cache_seconds`; 0 turns a cache off). What that means for freshness:

- A change made through this process (any state-changing request that needed the analyst or
  admin role: revoking a key, deactivating a user, a decision...) empties both caches of this
  process when its response has been sent, so whoever made it sees it at once.
- A change made elsewhere (another worker, the CLI, the monitor) is seen within the TTL: a
  revoked key or a deactivated user keeps working for at most `api_key_cache_seconds` on
  workers that had just verified it, and the dashboard lags by at most
  `dashboard_cache_seconds`. Sessions are never cached: logging out ends a session at once.

Only successful key checks are cached, keyed by the key's SHA-256 (never the secret), so a
new key works at once and guessing keys cannot grow the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

from sanctionwatch.errors import ConfigError
from sanctionwatch.settings import Settings, number_setting

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

API_KEY_SECONDS_KEY = "api_key_cache_seconds"
DASHBOARD_SECONDS_KEY = "dashboard_cache_seconds"
DEFAULT_SECONDS = 5.0
MAX_ITEMS = 1024  # a full cache starts over: simpler than LRU, and keys are few in practice
# `request.state` flag set by `auth.require` on a state-changing request it let through
WRITE_FLAG = "sw_wrote"


class TtlCache(Generic[K, V]):
    """Values kept for `seconds` after they were put (thread-safe enough: single dict
    operations under the GIL, and a lost race only recomputes a value)."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._items: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None:
            return None
        if found[0] <= self.clock():
            self._items.pop(key, None)
            return None
        return found[1]

    def put(self, key: K, value: V) -> None:
        if self.seconds <= 0:
            return
        if len(self._items) >= MAX_ITEMS:
            self._items.clear()
        self._items[key] = (self.clock() + self.seconds, value)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class AppCaches:
    """The caches of one app (one worker process)."""

    api_keys: TtlCache[str, Any]  # SHA-256 of a key -> its `cases.model.User`
    dashboard: TtlCache[str, dict[str, Any]]  # reader's role -> `cases.views.dashboard`

    def clear(self) -> None:
        self.api_keys.clear()
        self.dashboard.clear()


def seconds_setting(settings: Settings, key: str) -> float:
    seconds = number_setting(settings.extra, key, DEFAULT_SECONDS)
    if seconds < 0:
        raise ConfigError(f"setting {key!r} must not be negative, got {seconds}")
    return seconds


def make_caches(settings: Settings) -> AppCaches:
    return AppCaches(
        api_keys=TtlCache(seconds_setting(settings, API_KEY_SECONDS_KEY)),
        dashboard=TtlCache(seconds_setting(settings, DASHBOARD_SECONDS_KEY)),
    )


class ClearAfterWrites:
    """Pure ASGI middleware: empties `caches` once a request that `auth.require` flagged as
    a write has been answered (the change is committed by then; clearing before it could let
    a concurrent reader cache the old state again)."""

    def __init__(self, app: ASGIApp, *, caches: AppCaches) -> None:
        self.app = app
        self.caches = caches

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            state = scope.get("state")
            if state and state.get(WRITE_FLAG):
                self.caches.clear()

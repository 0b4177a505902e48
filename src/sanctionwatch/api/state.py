"""The one screener an API process serves from, rebuilt when the store's lists change.

A screener is an in-memory index over one set of list versions. The holder builds it from the
store at startup (in a worker thread, so the server answers `/healthz` and a 503 on `/readyz`
while warming up, as yente does), then polls the store's current versions and swaps in a new
screener when they change. Requests read `holder.screener` once and use that object for the
whole request, so a swap never mixes two indexes within one response.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping

from sanctionwatch.api.errors import NotReadyError
from sanctionwatch.api.ports import ScreenerFactory, ScreenerLike, StoreLike
from sanctionwatch.errors import SanctionwatchError

log = logging.getLogger(__name__)


class ScreenerHolder:
    """Holds the current screener and the list versions it was built from."""

    def __init__(self, store: StoreLike, factory: ScreenerFactory) -> None:
        self.store = store
        self._factory = factory
        self._screener: ScreenerLike | None = None
        self._built_versions: dict[str, str] | None = None
        self._lock = threading.Lock()
        self.last_error: str | None = None

    @property
    def ready(self) -> bool:
        return self._screener is not None

    @property
    def current(self) -> ScreenerLike | None:
        """The current screener, or None while the first build runs (never raises)."""
        return self._screener

    @property
    def built_versions(self) -> dict[str, str]:
        return dict(self._built_versions or {})

    @property
    def screener(self) -> ScreenerLike:
        """The current screener; `NotReadyError` (503) while the first build runs."""
        screener = self._screener
        if screener is None:
            failed = f" The last build failed: {self.last_error}" if self.last_error else ""
            raise NotReadyError("Index not ready." + failed)
        return screener

    def refresh(self) -> bool:
        """Rebuild if the store's current versions differ from the built ones (blocking).

        Returns True when a new screener was swapped in. A failed build keeps the old screener
        and records the error, so a broken import never takes a running server down.
        """
        with self._lock:
            try:
                versions: Mapping[str, str] = dict(self.store.current_versions())
                if self._screener is not None and versions == self._built_versions:
                    return False
                screener = self._factory(self.store)
            except SanctionwatchError as exc:
                self.last_error = str(exc)
                log.warning("screener build failed, keeping the previous one: %s", exc)
                return False
            self._screener = screener
            # The versions the index really holds (the store may have moved on meanwhile).
            self._built_versions = dict(screener.versions)
            self.last_error = None
            log.info("screener built for versions %s", self._built_versions)
            return True

    async def keep_fresh(self, interval: float) -> None:
        """Build now, then re-check every `interval` seconds (until cancelled)."""
        while True:
            try:
                await asyncio.to_thread(self.refresh)
            except Exception as exc:
                # A bug below us: make it visible on /readyz, then let the task fail loudly.
                self.last_error = f"{type(exc).__name__}: {exc}"
                raise
            if interval <= 0:
                return
            await asyncio.sleep(interval)

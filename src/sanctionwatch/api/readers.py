"""The one document reader an API process serves uploads with, built once in the background.

Building a reader takes seconds (the gazetteer of every listed name, the regime taxonomy, the
packaged NER models), so it is built lazily on the first upload (or when `start()` is called),
in a worker thread, and kept. A request waits for the first build up to a bound and then gets
a 503 asking to retry. When the store's list versions change, the next request starts a
rebuild in the background and keeps using the previous reader until the new one is ready,
so an upload never waits for a list import.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from sanctionwatch.api.errors import NotReadyError
from sanctionwatch.api.ports import ScreenerLike, StoreLike
from sanctionwatch.documents.reader import Reader
from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.settings import Settings, number_setting

log = logging.getLogger(__name__)

READER_NER_KEY = "reader_ner"  # packaged statistical NER for uploads (as `analyze` does)
READER_WAIT_KEY = "reader_wait_seconds"
DEFAULT_WAIT_SECONDS = 60.0

# Builds a reader over the store's current lists; may use the current screener for linking.
ReaderFactory = Callable[[StoreLike], Reader]


def default_reader_factory(
    settings: Settings, screener: Callable[[], ScreenerLike | None]
) -> ReaderFactory:
    """The reader `sanctionwatch analyze` builds: the cached gazetteer of the current lists,
    the regime taxonomy, NER unless `reader_ner = false`, and the screening engine for names
    the gazetteer does not link (when the API's screener is ready)."""
    from sanctionwatch.api.auth import flag

    ner = flag(settings, READER_NER_KEY, True)
    cache_dir: Path = settings.home / "documents-cache"

    def build(store: StoreLike) -> Reader:
        from sanctionwatch.documents.cache import load_or_build_gazetteer
        from sanctionwatch.documents.service import AnalyzeOptions, build_reader
        from sanctionwatch.screening.service import Screener

        gazetteer = load_or_build_gazetteer(
            store.entities, versions=store.current_versions(), cache_dir=cache_dir
        )
        current = screener()
        return build_reader(
            settings,
            gazetteer,
            options=AnalyzeOptions(ner=ner),
            screener=current if isinstance(current, Screener) else None,
        )

    return build


def wait_seconds(settings: Settings) -> float:
    return number_setting(settings.extra, READER_WAIT_KEY, DEFAULT_WAIT_SECONDS)


class ReaderHolder:
    """Holds the current reader and the list versions it was built for."""

    def __init__(self, store: StoreLike, factory: ReaderFactory, *, wait: float) -> None:
        self.store = store
        self._factory = factory
        self._wait = wait
        self._reader: Reader | None = None
        self._versions: dict[str, str] | None = None
        self._building: threading.Thread | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self.last_error: str | None = None

    @property
    def ready(self) -> bool:
        return self._reader is not None

    @property
    def versions(self) -> dict[str, str]:
        """The list versions of the current reader (its gazetteer)."""
        return dict(self._versions or {})

    def start(self) -> None:
        """Start a build in the background unless one is running."""
        with self._lock:
            if self._building is not None and self._building.is_alive():
                return
            if self._reader is None:
                self._ready.clear()  # the first build: callers wait for this one
            self._building = threading.Thread(target=self._build, name="reader-build", daemon=True)
            self._building.start()

    def _build(self) -> None:
        try:
            versions: Mapping[str, str] = dict(self.store.current_versions())
            reader = self._factory(self.store)
        except SanctionwatchError as exc:
            self.last_error = str(exc)
            log.warning("reader build failed, keeping the previous one: %s", exc)
        else:
            self._reader, self._versions = reader, dict(versions)
            self.last_error = None
            log.info("reader built for versions %s", self._versions)
        finally:
            self._ready.set()

    def get(self) -> Reader:
        """The current reader; the first call waits for the first build (bounded), a call
        after a list change triggers a rebuild and meanwhile returns the previous reader."""
        reader = self._reader
        if reader is None:
            self.start()
            self._ready.wait(self._wait)
            reader = self._reader
            if reader is None:
                failed = f" The last build failed: {self.last_error}" if self.last_error else ""
                raise NotReadyError(
                    "The document reader is still being built; retry shortly." + failed
                )
            return reader
        if dict(self.store.current_versions()) != self._versions:
            self.start()
        return reader

"""The monitor's schedule: run, wait the interval, run again, until interrupted.

One scheduler at a time per database: a team server may run several web workers, but two
schedulers would do every run twice (harmless, as runs are idempotent, but wasteful and
confusing in the run history). The lock is where the data is: a PostgreSQL advisory lock held
by a dedicated connection for a server database, an exclusive file lock beside the SQLite
file for the embedded default. Both are released by the operating system or the server when
the process dies, so a crashed scheduler never blocks the next one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sanctionwatch.errors import ConfigError, SanctionwatchError

LOCK_NAME = "sanctionwatch-monitor-scheduler"


class SchedulerBusyError(ConfigError):
    """Another scheduler holds the lock of this database."""


def advisory_key(name: str = LOCK_NAME) -> int:
    """A stable signed 64-bit key for `pg_try_advisory_lock`."""
    value = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")
    return value - (1 << 64) if value >= 1 << 63 else value


def lock_file(db_url: str, home: Path) -> Path:
    """Beside the SQLite file (`x.sqlite.monitor.lock`), else in HOME."""
    from sqlalchemy.engine import make_url

    database = make_url(db_url).database
    if database and database != ":memory:":
        return Path(database + ".monitor.lock")
    return home / "monitor.lock"


@contextlib.contextmanager
def scheduler_lock(db_url: str, *, home: Path) -> Iterator[None]:
    """Hold the one-scheduler lock of `db_url`; raise `SchedulerBusyError` when taken."""
    if db_url.startswith("postgresql"):
        with _advisory_lock(db_url):
            yield
    else:
        with _file_lock(lock_file(db_url, home)):
            yield


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise SchedulerBusyError(
                f"a monitor scheduler is already running on this store ({holder}; lock {path})"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def _advisory_lock(db_url: str) -> Iterator[None]:
    from sqlalchemy import text

    from sanctionwatch.store.engine import create_store_engine

    engine = create_store_engine(db_url)
    try:
        with engine.connect() as conn:
            key = advisory_key()
            taken = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            conn.commit()
            if not taken:
                raise SchedulerBusyError(
                    "a monitor scheduler is already running on this database "
                    f"(PostgreSQL advisory lock {key} is held)"
                )
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
    finally:
        engine.dispose()


def run_schedule(
    run: Callable[[], Mapping[str, Any]],
    *,
    interval_s: float,
    stop: threading.Event | None = None,
    max_runs: int | None = None,
    on_run: Callable[[Mapping[str, Any]], None] | None = None,
    on_error: Callable[[SanctionwatchError], None] | None = None,
) -> int:
    """Call `run` now and then every `interval_s` seconds (measured from the end of a run)
    until `stop` is set or `max_runs` runs were made; returns the number of runs.

    A run failing with one of our errors (a list server down, a feed unreachable) is
    reported and the schedule goes on; anything else is a bug and ends it.
    """
    if interval_s <= 0:
        raise ConfigError(f"the monitor interval must be positive, got {interval_s} s")
    stop = stop or threading.Event()
    runs = 0
    while not stop.is_set():
        try:
            summary = run()
        except SanctionwatchError as exc:
            if on_error is not None:
                on_error(exc)
        else:
            if on_run is not None:
                on_run(summary)
        runs += 1
        if max_runs is not None and runs >= max_runs:
            break
        stop.wait(interval_s)
    return runs

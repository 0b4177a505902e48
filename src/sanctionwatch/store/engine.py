"""Open the database behind a store URL: an embedded SQLite file, or PostgreSQL.

Why SQLite is the embedded default: it is in the standard library (nothing to install or run),
one transactional file that an import can change atomically, and in WAL mode readers (the API,
a screening run) keep reading the old version while an import writes the new one. DuckDB is
reserved for batch analytics (`engine/`): it is columnar and built for scans, not for the many
small transactional writes and point reads of a store, and it allows one writing process only.

PostgreSQL is for a team server: `postgresql://...` URLs are rewritten to the psycopg 3 driver.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from sanctionwatch.errors import MissingExtraError, StoreError

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_PAGE_SIZE = 16_384
"""Bytes per page of a new SQLite store (SQLite's default is 4,096). An import writes
hundreds of thousands of rows into a table with three indexes: with 16 KiB pages its
B-tree work and WAL writes cost the writing process about 30% less CPU, and the file is
a little smaller; a point read touches no more pages (the trees are shallower)."""
WRITE_OPTION = "sanctionwatch_write"
"""Execution option: this connection's transaction will write (SQLite: BEGIN IMMEDIATE)."""


def normalise_url(db_url: str) -> str:
    """Pick the driver we support for each backend; refuse other backends clearly."""
    url = db_url.strip()
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith(("postgresql+psycopg://", "sqlite://")):
        return url
    raise StoreError(
        f"unsupported store URL {db_url!r}: use sqlite:///path/to/file.sqlite "
        "or postgresql://user@host:port/database"
    )


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself: pysqlite's implicit transactions
    # do not cover DDL (the staging table), which would break the one-transaction import.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    # Before WAL mode: only a new, empty file takes it (an existing store keeps its own).
    cursor.execute(f"PRAGMA page_size = {SQLITE_PAGE_SIZE}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; safe in WAL mode
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.execute("PRAGMA cache_size = -65536")  # 64 MiB page cache
    cursor.execute("PRAGMA analysis_limit = 1000")  # ANALYZE samples: milliseconds, not seconds
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A writer takes the write lock up front (waiting up to busy_timeout) instead of failing
    # with SQLITE_BUSY when it later upgrades a read transaction.
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_store_engine(db_url: str) -> Engine:
    """A SQLAlchemy engine for the URL, with the per-backend settings the store relies on."""
    url_text = normalise_url(db_url)
    try:
        url = make_url(url_text)
    except ArgumentError as exc:
        raise StoreError(f"invalid store URL {db_url!r}: {exc}") from exc
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:"):
            raise StoreError("the embedded store needs a file: sqlite:///path/to/file.sqlite")
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("psycopg", "postgres") from exc
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    return create_engine(url, **kwargs)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


class Database:
    """What the store and the workspace share: one engine, write and read transactions, a
    printable URL without the password, and closing (also as a context manager)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A connection in a write transaction (SQLite: BEGIN IMMEDIATE), committed on exit."""
        with self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection in a read transaction: one consistent snapshot per call."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

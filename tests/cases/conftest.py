"""Workspace fixtures, shared by every `tests/cases` module (the monitor's and the reports'
tests use them too): a workspace on a SQLite file in tmp, and the same on a fresh PostgreSQL
database (marked `postgres`; skipped locally when the server is unreachable, a failure in CI).

`workspace` is parametrised over both backends; `sqlite_workspace` is for tests that are about
the service logic, not the database. `FakeClock` makes times (and session expiry) testable;
`fast_hashing` makes password hashing cheap where a test creates many users.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.store.engine import create_store_engine
from tests.store.conftest import pg_admin_url, pg_database

__all__ = ["FakeClock", "pg_admin_url", "pg_database"]

DROP_OURS = (
    "DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables "
    "WHERE schemaname = 'public' AND (tablename LIKE 'ws\\_%' OR tablename LIKE 'store\\_%') "
    "LOOP EXECUTE format('DROP TABLE %I CASCADE', t); END LOOP; END $$"
)


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    moment: datetime = field(default_factory=lambda: datetime(2026, 11, 29, 2, 10, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def ws_pg_url(pg_database: str) -> str:
    """The session's PostgreSQL database with no workspace or store tables."""
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(DROP_OURS)
    return pg_database


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def workspace_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspace.sqlite'}"
    url: str = request.getfixturevalue("ws_pg_url")
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap scrypt parameters for tests that hash many passwords (the parameters are stored
    with each hash, so verification is unaffected); the production cost is tested apart."""
    from sanctionwatch.cases import credentials

    monkeypatch.setattr(credentials, "SCRYPT_N", 2**10)


def _open(url: str, clock: FakeClock) -> Workspace:
    workspace = Workspace(create_store_engine(url), clock=clock)
    workspace.setup()
    return workspace


@pytest.fixture
def workspace(workspace_url: str, clock: FakeClock) -> Iterator[Workspace]:
    """A fresh workspace on SQLite and on PostgreSQL, with a hand-moved clock."""
    opened = _open(workspace_url, clock)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_workspace(tmp_path: Path, clock: FakeClock) -> Iterator[Workspace]:
    """A fresh workspace on a SQLite file, for tests of logic rather than of the backends."""
    opened = _open(f"sqlite:///{tmp_path / 'workspace.sqlite'}", clock)
    try:
        yield opened
    finally:
        opened.close()

"""Store fixtures: every store test runs on SQLite and on PostgreSQL.

The PostgreSQL variant creates its own database `sw_test_<hex>` per test session (per xdist
worker) and drops it afterwards, so parallel runs never share data; each test starts with the
store's tables dropped. Unreachable server: skipped locally, a failure in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.store import Store, open_store

PG_ADMIN_URLS = (
    os.environ.get("SANCTIONWATCH_TEST_PG_URL", ""),
    "postgresql://postgres@127.0.0.1:5432/postgres",
    "postgresql://root@127.0.0.1:5432/postgres",
)


def _reachable_admin_url() -> tuple[str | None, str]:
    try:
        import psycopg
    except ImportError:
        return None, "psycopg is not installed (pip install 'sanctionwatch[postgres]')"
    errors = []
    for url in filter(None, PG_ADMIN_URLS):
        try:
            with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
                conn.execute("SELECT 1")
            return url, ""
        except psycopg.Error as exc:
            errors.append(f"{url}: {str(exc).strip()}")
    return None, "; ".join(errors)


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url, why = _reachable_admin_url()
    if url is None:
        message = f"PostgreSQL on 127.0.0.1:5432 is not reachable ({why})"
        if os.environ.get("CI"):
            pytest.fail(message + " and CI is set: the postgres tests must run in CI")
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def pg_database(pg_admin_url: str) -> Iterator[str]:
    """A database of this test session (of this xdist worker) alone, dropped at the end."""
    import psycopg

    name = f"sw_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_database: str) -> str:
    """The session's database, emptied: each test starts from a store with no data."""
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(
            "DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename LIKE 'store\\_%' "
            "LOOP EXECUTE format('DROP TABLE %I CASCADE', t); END LOOP; END $$"
        )
    return pg_database


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened

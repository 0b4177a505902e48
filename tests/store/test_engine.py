"""`store.engine`: the SQLite settings an import's speed depends on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sanctionwatch.store import open_store
from sanctionwatch.store.engine import SQLITE_PAGE_SIZE


def _page_size(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def test_a_new_store_gets_large_pages(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    open_store(f"sqlite:///{path}").close()
    assert _page_size(path) == SQLITE_PAGE_SIZE != 4096


def test_an_existing_store_keeps_its_page_size(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")  # a store made before: 4 KiB pages, WAL
    conn.execute("CREATE TABLE before (x)")
    conn.close()
    with open_store(f"sqlite:///{path}") as store:
        assert store.datasets() == []
    assert _page_size(path) == 4096

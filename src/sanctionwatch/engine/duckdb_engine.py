"""DuckDB, the embedded default engine."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from sanctionwatch.engine.sql import Dialect, sql_literal


class DuckDBEngine:
    """An in-memory DuckDB database; tables and views are made in its main schema (not
    TEMP, which is local to one connection), so `branch` connections see and add to them.

    Insertion order is not preserved: every query that needs an order says ORDER BY (or a
    window's ORDER BY), and dropping the guarantee lets DuckDB skip order-keeping work.
    """

    dialect: Dialect = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        self.con: Any = duckdb.connect(":memory:")
        self.con.execute("SET preserve_insertion_order = false")
        if threads is not None:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            self.con.execute("SET memory_limit = ?", [memory_limit])
        self._arrow: dict[str, pa.Table] = {}
        self.concurrency = int(threads) if threads is not None else os.cpu_count() or 1

    def branch(self) -> DuckDBEngine:
        """Another connection to this database, with this one's Arrow tables registered
        (registrations are local to a connection; tables and settings are shared). DuckDB
        runs queries of several connections at once: small statements mostly use one
        thread, so independent stages on two connections use both cores."""
        twin = DuckDBEngine.__new__(DuckDBEngine)
        twin.con = self.con.cursor()
        twin._arrow = {}
        twin.concurrency = 1
        for name, table in self._arrow.items():
            twin.register(name, table)
        return twin

    def register(self, name: str, table: pa.Table) -> None:
        self._arrow[name] = table  # keep a reference: DuckDB scans it lazily
        self.con.register(name, table)

    def register_parquet(self, name: str, root: str, columns: Sequence[str]) -> None:
        pattern = sql_literal(f"{root.rstrip('/')}/**/*.parquet")
        picked = ", ".join(columns)
        self.con.execute(
            f"CREATE OR REPLACE VIEW {name} AS SELECT {picked}"
            f" FROM read_parquet({pattern}, hive_partitioning = true)"
        )

    def create(self, name: str, select_sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {select_sql}")

    def view(self, name: str, select_sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {select_sql}")

    def arrow(self, select_sql: str) -> pa.Table:
        result = self.con.sql(select_sql).to_arrow_table()
        assert isinstance(result, pa.Table)
        return result

    def count(self, name: str) -> int:
        # fetchall, not fetchone: a result left unfinished blocks the connection's next
        # `sql()` call (duckdb 2.0 raises "connection has an unfinished result")
        found = self.con.execute(f"SELECT count(*) FROM {name}").fetchall()
        return int(found[0][0]) if found else 0

    def close(self) -> None:
        self.con.close()

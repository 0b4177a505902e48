"""The engine contract: register Arrow tables, materialise named SELECTs, fetch results.

Detectors are written against this protocol only, so the same SQL runs on DuckDB (embedded,
default) and Spark (clusters). Queries are SELECT statements in DuckDB's dialect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pyarrow as pa

from sanctionwatch.engine.sql import Dialect


class Engine(Protocol):
    """What a batch computation needs from an SQL engine."""

    dialect: Dialect

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under `name`, replacing any previous one."""

    def create(self, name: str, select_sql: str) -> None:
        """Materialise `select_sql` (DuckDB dialect) as table or view `name`."""

    def view(self, name: str, select_sql: str) -> None:
        """Name `select_sql` (DuckDB dialect) without computing it: for a stage read once."""

    def arrow(self, select_sql: str) -> pa.Table:
        """Run `select_sql` (DuckDB dialect) and return the result as Arrow."""

    def count(self, name: str) -> int:
        """Rows in table `name`."""

    def close(self) -> None:
        """Release the engine's resources."""


@dataclass(frozen=True)
class Step:
    """One named SELECT of a batch computation.

    `view=True` names it without computing it: for a stage read once (the engine then plans
    it inline into its reader) or a cheap union of stages that would otherwise be copied."""

    name: str
    sql: str
    view: bool = False


def run_steps(engine: Engine, steps: list[Step]) -> None:
    """Materialise (or name, for views) each step in order."""
    for step in steps:
        if step.view:
            engine.view(step.name, step.sql)
        else:
            engine.create(step.name, step.sql)


def rows(engine: Engine, select_sql: str) -> list[dict[str, Any]]:
    """The result of a (small) query as a list of dicts."""
    result: list[dict[str, Any]] = engine.arrow(select_sql).to_pylist()
    return result

"""The engine contract: register Arrow tables, materialise named SELECTs, fetch results.

Detectors are written against this protocol only, so the same SQL runs on DuckDB (embedded,
default) and Spark (clusters). Queries are SELECT statements in DuckDB's dialect.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import pyarrow as pa

from sanctionwatch.engine.sql import Dialect


class Engine(Protocol):
    """What a batch computation needs from an SQL engine."""

    dialect: Dialect
    # how many `branch` handles may run queries at once (1: one after the other)
    concurrency: int

    def branch(self) -> Engine:
        """A handle on the same tables whose queries may run while this engine's run
        (names made on either are seen by both). Close it after use."""

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under `name`, replacing any previous one."""

    def register_parquet(self, name: str, root: str, columns: Sequence[str]) -> None:
        """Make the Parquet files under folder `root` (hive-partitioned, e.g. `day=...`)
        queryable under `name` with `columns`, read by the engine itself: on Spark by its
        executors, so the data never passes through this process (`root` must then be on
        storage they all see)."""

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


T = TypeVar("T")


def run_concurrently(
    engine: Engine,
    jobs: Sequence[Callable[[Engine], T]],
    branches: Branches | None = None,
) -> list[T]:
    """Each job's result, in order. Jobs must be independent (read what exists, make names
    of their own); up to `engine.concurrency` run at once, each worker on its own branch,
    taking jobs in order (put the longest first). With concurrency 1, one after the other
    on `engine` itself. `branches` (made ahead of time, see `Branches`) are used instead of
    new ones, and left open for their owner to reuse and close."""
    workers = min(engine.concurrency, len(jobs))
    if workers <= 1:
        return [job(engine) for job in jobs]
    # one branch per worker, made here in the caller's thread unless given; a job takes a
    # free one
    made = [] if branches is not None else [engine.branch() for _ in range(workers)]
    handles: queue.SimpleQueue[Engine] = queue.SimpleQueue()
    for handle in branches.get(workers) if branches is not None else made:
        handles.put(handle)

    def run(job: Callable[[Engine], T]) -> T:
        handle = handles.get()
        try:
            return job(handle)
        finally:
            handles.put(handle)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(run, job) for job in jobs]
            return [future.result() for future in futures]
    finally:
        for handle in made:
            handle.close()


class Branches:
    """Up to `engine.concurrency` branches of `engine`, made in a background thread from
    the start: a branch is another connection with the Arrow inputs registered again
    (~1 ms each on DuckDB), so making them while a long query runs takes that off the
    critical path. Use as a context manager: the branches are closed on exit."""

    def __init__(self, engine: Engine) -> None:
        count = engine.concurrency if engine.concurrency > 1 else 0
        maker = ThreadPoolExecutor(max_workers=1)
        self._made = maker.submit(lambda: [engine.branch() for _ in range(count)])
        maker.shutdown(wait=False)  # its one thread ends with the task

    def get(self, count: int) -> list[Engine]:
        """`count` branches (at most the engine's concurrency), waiting until made."""
        made = self._made.result()
        if count > len(made):
            raise ValueError(f"{count} branches asked, {len(made)} made")
        return made[:count]

    def close(self) -> None:
        for handle in self._made.result():
            handle.close()

    def __enter__(self) -> Branches:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rows(engine: Engine, select_sql: str) -> list[dict[str, Any]]:
    """The result of a (small) query as a list of dicts."""
    result: list[dict[str, Any]] = engine.arrow(select_sql).to_pylist()
    return result


class MadeOnce:
    """A name that two concurrent jobs need (`run_concurrently`): the first to ask makes it,
    a later one waits until it is made. Never waits for a job not yet started: the maker
    holds the lock while it works."""

    def __init__(self, make: Callable[[Engine], object]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._made = False

    def ensure(self, engine: Engine) -> None:
        with self._lock:
            if not self._made:
                self._make(engine)
                self._made = True

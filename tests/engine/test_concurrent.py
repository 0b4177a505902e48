"""`run_concurrently`: independent jobs on branches of one DuckDB database."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pyarrow as pa
import pytest

from sanctionwatch.engine import Engine, rows, run_concurrently
from sanctionwatch.engine.duckdb_engine import DuckDBEngine


def _engine(threads: int) -> DuckDBEngine:
    engine = DuckDBEngine(threads=threads)
    engine.register("src", pa.table({"x": list(range(100))}))
    engine.create("base", "SELECT x FROM src WHERE x % 2 = 0")
    return engine


def test_jobs_see_tables_and_arrow_and_make_their_own() -> None:
    engine = _engine(threads=2)
    seen: set[int] = set()

    def job(k: int) -> Callable[[Engine], int]:
        def run(e: Engine) -> int:
            seen.add(threading.get_ident())
            e.create(f"made_{k}", f"SELECT x + {k} AS y FROM base JOIN src USING (x)")
            return int(rows(e, f"SELECT sum(y) AS s FROM made_{k}")[0]["s"])

        return run

    results = run_concurrently(engine, [job(k) for k in range(4)])
    assert results == [2450 + 50 * k for k in range(4)]  # in job order
    assert 1 <= len(seen) <= 2  # at most two workers, none of them the caller's thread
    assert threading.get_ident() not in seen
    # names made on branches stay visible to the engine after they close
    assert engine.count("made_3") == 50
    engine.close()


def test_one_thread_runs_in_order_on_the_engine_itself() -> None:
    engine = _engine(threads=1)
    order: list[int] = []

    def job(k: int) -> Callable[[Engine], int]:
        def run(e: Engine) -> int:
            assert e is engine
            order.append(k)
            return k

        return run

    assert run_concurrently(engine, [job(k) for k in range(3)]) == [0, 1, 2]
    assert order == [0, 1, 2]
    engine.close()


def test_a_failing_job_raises_in_the_caller() -> None:
    engine = _engine(threads=2)

    def bad(e: Engine) -> int:
        e.create("broken", "SELECT no_such_column FROM base")
        return 0

    with pytest.raises(Exception, match="no_such_column"):
        run_concurrently(engine, [bad, lambda e: e.count("base")])
    engine.close()

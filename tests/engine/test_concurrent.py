"""`run_concurrently`: independent jobs on branches of one DuckDB database."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pyarrow as pa
import pytest

from sanctionwatch.engine import Branches, Engine, MadeOnce, rows, run_concurrently
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


def test_branches_made_ahead_serve_several_runs_and_close_on_exit() -> None:
    engine = _engine(threads=2)
    with Branches(engine) as branches:
        made = branches.get(2)
        used: set[int] = set()

        def job(k: int) -> Callable[[Engine], int]:
            def run(e: Engine) -> int:
                used.add(id(e))
                return e.count("base") + k

            return run

        assert run_concurrently(engine, [job(0), job(1)], branches) == [50, 51]
        # the same branches again: they stay open between runs
        assert run_concurrently(engine, [job(2), job(3), job(4)], branches) == [52, 53, 54]
        assert used <= {id(b) for b in made}
        with pytest.raises(ValueError, match="3 branches asked"):
            branches.get(3)
    with pytest.raises(Exception, match=r"(?i)closed"):
        made[0].count("base")
    assert engine.count("base") == 50  # the engine itself stays open
    engine.close()


def test_no_branches_for_an_engine_without_concurrency() -> None:
    engine = _engine(threads=1)
    with Branches(engine) as branches:
        assert branches.get(0) == []
        assert run_concurrently(engine, [lambda e: e is engine], branches) == [True]
    engine.close()


def test_a_name_needed_by_two_jobs_is_made_once() -> None:
    made: list[int] = []

    def make(engine: object) -> None:
        time.sleep(0.01)  # the second caller arrives while the first makes it
        made.append(1)

    once = MadeOnce(make)
    engine = DuckDBEngine(threads=1)
    callers = [threading.Thread(target=once.ensure, args=(engine,)) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    once.ensure(engine)
    engine.close()
    assert made == [1]

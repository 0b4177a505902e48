"""Batch computations written once in SQL (DuckDB dialect) and run on DuckDB or Spark."""

from __future__ import annotations

from sanctionwatch.engine.base import (
    Branches,
    Engine,
    MadeOnce,
    Step,
    rows,
    run_concurrently,
    run_steps,
)
from sanctionwatch.engine.spark_engine import SparkOptions
from sanctionwatch.engine.sql import Dialect, render

__all__ = [
    "Branches",
    "Dialect",
    "Engine",
    "MadeOnce",
    "SparkOptions",
    "Step",
    "open_engine",
    "render",
    "rows",
    "run_concurrently",
    "run_steps",
]


def open_engine(
    name: str,
    *,
    threads: int | None = None,
    spark: object | None = None,
    spark_options: SparkOptions | None = None,
) -> Engine:
    """An engine by name: "duckdb" (default, embedded) or "spark" (extra `[spark]`; on the
    session `spark`, else one made from `spark_options`)."""
    from sanctionwatch.errors import InputError

    if name == "duckdb":
        from sanctionwatch.engine.duckdb_engine import DuckDBEngine

        return DuckDBEngine(threads=threads)
    if name == "spark":
        from sanctionwatch.engine.spark_engine import SparkEngine, spark_session

        return SparkEngine(spark if spark is not None else spark_session(spark_options))
    raise InputError(f"unknown engine {name!r}: use duckdb or spark")

"""Spark (local mode) gives the same events as DuckDB and the reference: one small real slice
and the seeded synthetic set. One session for the whole test session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime.pipeline import DetectInput, detect
from sanctionwatch.maritime.reference import detect_reference
from tests.maritime.conftest import SEED, real_input
from tests.maritime.parity import normalise

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from sanctionwatch.engine.spark_engine import local_session

    # small-data settings: no adaptive re-planning, no whole-stage code generation
    session = local_session(
        master="local[2]",
        shuffle_partitions=1,
        conf={
            "spark.sql.adaptive.enabled": "false",
            "spark.sql.codegen.wholeStage": "false",
            "spark.ui.showConsoleProgress": "false",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session


def test_spark_equals_duckdb_and_reference(
    spark: Any, synthetic: DetectInput, ports: pa.Table
) -> None:
    from sanctionwatch.engine.spark_engine import SparkEngine

    print(f"seed = {SEED}")
    real = real_input(
        ports, "gfw_segment/regression/regr_567000000.json.gz", "dma/ais-close-approach-wgs84.csv"
    )
    # one run over both inputs keeps the Spark job count (and test time) down
    data = DetectInput(
        pa.concat_tables([synthetic.positions, real.positions]),
        real.identities,
        ports,
    )
    engine = SparkEngine(spark)
    try:
        on_spark = detect(engine, data)
    finally:
        engine.close()
    on_duckdb = detect(DuckDBEngine(), data)
    assert any(e.type == "encounter" for e in on_duckdb.events)
    assert any(e.type == "identity" for e in on_duckdb.events)
    assert normalise(on_spark.events) == normalise(on_duckdb.events)
    assert normalise(on_duckdb.events) == normalise(detect_reference(data).events)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(0, 1200, id="multiple"),
        pytest.param(0, 1000, id="not-a-multiple"),
        pytest.param(0, 100, id="shorter-than-step"),
        pytest.param(600, 600, id="empty"),
        pytest.param(700, 600, id="reversed"),
    ],
)
def test_range_shim_matches_duckdb(spark: Any, a: int, b: int) -> None:
    from sanctionwatch.engine.spark_engine import SparkEngine

    sql = f"SELECT unnest(range({a}, {b}, 600)) AS x"
    expected = DuckDBEngine().arrow(sql).column("x").to_pylist()
    got = SparkEngine(spark).arrow(sql).column("x").to_pylist()
    assert [int(v) for v in got] == expected == list(range(a, b, 600))

"""The DuckDB -> Spark rendering shims, and the portable SQL helpers, as case tables."""

from __future__ import annotations

import math

import pytest

from sanctionwatch.engine import Step, run_steps
from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.engine.sql import SQLRenderError, haversine_km, render, sql_literal


@pytest.mark.parametrize(
    ("duckdb_sql", "expected_spark"),
    [
        pytest.param(
            "SELECT unnest(range(a, b, 600)) AS gt FROM p",
            "SELECT EXPLODE(IF(a >= b, ARRAY(), SEQUENCE(a, b - 1, 600))) AS gt FROM p",
            id="range-unnest-to-guarded-sequence-explode",
        ),
        pytest.param(
            "SELECT unnest([-1, 0, 1]) AS dy",
            "SELECT EXPLODE(ARRAY(-1, 0, 1)) AS dy",
            id="array-literal",
        ),
        pytest.param(
            "CREATE OR REPLACE TEMP TABLE x AS SELECT 1",
            "CREATE TEMPORARY VIEW x AS SELECT 1",
            id="temp-table-to-temp-view",
        ),
        pytest.param("SELECT max_by(lat, ts) FROM t", "SELECT MAX_BY(lat, ts) FROM t", id="max-by"),
    ],
)
def test_render_for_spark(duckdb_sql: str, expected_spark: str) -> None:
    assert render(duckdb_sql, "spark") == expected_spark


def test_render_duckdb_is_identity() -> None:
    assert render("SELECT 1", "duckdb") == "SELECT 1"


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        pytest.param(3, "3", id="int"),
        pytest.param(0.5, "0.5", id="float"),
        pytest.param(True, "TRUE", id="bool"),
        pytest.param("PRK", "'PRK'", id="string"),
    ],
)
def test_sql_literal(value: float | int | str | bool, literal: str) -> None:
    assert sql_literal(value) == literal


def test_sql_literal_refuses_quotes() -> None:
    with pytest.raises(SQLRenderError):
        sql_literal("a'b")


def test_empty_range_gives_no_rows_on_duckdb() -> None:
    engine = DuckDBEngine()
    assert engine.arrow("SELECT unnest(range(5, 5, 600)) AS x").num_rows == 0
    assert engine.arrow("SELECT unnest(range(0, 1200, 600)) AS x").column("x").to_pylist() == [
        0,
        600,
    ]


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        pytest.param((0.0, 0.0), (0.0, 1.0), 111.195, id="one-degree-equator"),
        pytest.param((57.0, 11.0), (57.0, 11.0), 0.0, id="same-point"),
        pytest.param((39.0, 125.0), (38.7, 125.4), 48.09, id="nampo-area"),
    ],
)
def test_haversine_sql_matches_python(
    a: tuple[float, float], b: tuple[float, float], km: float
) -> None:
    engine = DuckDBEngine()
    sql = f"SELECT {haversine_km(str(a[0]), str(a[1]), str(b[0]), str(b[1]))} AS d"
    got = engine.arrow(sql).column("d")[0].as_py()
    dlat, dlon = math.radians(b[0] - a[0]), math.radians(b[1] - a[1])
    h = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(a[0])) * math.cos(math.radians(b[0])) * math.sin(dlon / 2) ** 2
    )
    assert math.isclose(got, 2 * 6371.0 * math.asin(math.sqrt(h)), rel_tol=1e-12)
    assert math.isclose(got, km, abs_tol=0.01)


def test_run_steps_materialises_tables_and_names_views_in_order() -> None:
    """A view step is only named: it reads what the steps before it made, when queried."""
    engine = DuckDBEngine()
    run_steps(
        engine,
        [
            Step("a", "SELECT unnest(range(0, 5)) AS x"),
            Step("b", "SELECT x * 2 AS y FROM a", view=True),
            Step("c", "SELECT sum(y) AS s FROM b"),
        ],
    )
    kinds = engine.arrow("SELECT view_name FROM duckdb_views() WHERE NOT internal").column(0)
    assert kinds.to_pylist() == ["b"]
    assert engine.arrow("SELECT s FROM c").column("s")[0].as_py() == 20

"""Render one SQL definition, written in DuckDB's dialect, for another engine.

sqlglot does the translation. The few real differences between DuckDB and Spark are pinned here
as small shims, each covered by a test:

1. `unnest(range(a, b, s))` becomes `explode(if(a >= b, array(), sequence(a, b - 1, s)))`:
   `range` excludes its end and `sequence` includes it, and Spark raises on a sequence whose
   bounds run the wrong way. sqlglot's own rendering (`sequence(a, b - s, s)`) loses the first
   element when `b - a` is not a multiple of `s`, so this shim replaces it;
2. array literals `[1, 2]` become `array(1, 2)`;
3. temporary tables become temporary views (the engines below never send CREATE statements;
   they materialise a SELECT under a name, so this shim only matters for hand-written scripts);
4. `ORDER BY` inside window frames gets Spark's `NULLS LAST` spelled out, so the two engines
   order nulls alike.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import sqlglot
from sqlglot import exp

from sanctionwatch.errors import InputError

Dialect = Literal["duckdb", "spark"]
DIALECTS: tuple[Dialect, ...] = ("duckdb", "spark")


class SQLRenderError(InputError):
    """A statement could not be rendered for the requested engine."""


@lru_cache(maxsize=512)
def render(sql: str, dialect: Dialect) -> str:
    """The statement `sql` (DuckDB dialect) rendered for `dialect`."""
    if dialect == "duckdb":
        return sql
    if dialect != "spark":
        raise SQLRenderError(f"unknown SQL dialect {dialect!r}")
    try:
        statements = sqlglot.parse(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise SQLRenderError(f"cannot render SQL for spark: {exc}") from exc
    if len(statements) != 1 or statements[0] is None:
        raise SQLRenderError(f"expected one statement, got {len(statements)}")
    tree = statements[0].transform(_exclusive_range_for_spark)
    return str(tree.sql(dialect="spark"))


def _exclusive_range_for_spark(node: exp.Expression) -> exp.Expression:
    """`range(a, b, s)` (end exclusive) -> `IF(a >= b, ARRAY(), SEQUENCE(a, b - 1, s))`.

    sqlglot renders it as `SEQUENCE(a, b - s, s)` guarded by `a > b - s`, which drops the
    element `a` whenever `b - a` is not a multiple of `s` (a 10-minute grid point between two
    reports 3 minutes apart). For integers, `b - 1` is the exact inclusive end.
    """
    if not (isinstance(node, exp.GenerateSeries) and node.args.get("is_end_exclusive")):
        return node
    start, end, step = node.args["start"], node.args["end"], node.args.get("step")
    if step is None:
        step = exp.Literal.number(1)
    sequence = exp.Anonymous(
        this="SEQUENCE",
        expressions=[
            start.copy(),
            exp.Sub(this=end.copy(), expression=exp.Literal.number(1)),
            step.copy(),
        ],
    )
    return exp.If(
        this=exp.GTE(this=start.copy(), expression=end.copy()),
        true=exp.Array(expressions=[]),
        false=sequence,
    )


def sql_literal(value: float | int | str | bool) -> str:
    """A parameter value inlined as a SQL literal (numbers and plain strings only)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(float(value))
    if "'" in value:
        raise SQLRenderError(f"refusing to inline a string with a quote: {value!r}")
    return f"'{value}'"


def haversine_km(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """A SQL expression for the great-circle distance in km (R = 6371 km), portable.

    Squares are written `s * s`, not `pow(s, 2)`: both engines compute the repeated `sin`
    once (common subexpressions), and a multiplication is much cheaper than `pow` (a third
    of the expression's time on DuckDB); the product is the correctly rounded square."""
    dlat = f"sin(radians({lat2} - {lat1}) / 2)"
    dlon = f"sin(radians({lon2} - {lon1}) / 2)"
    return (
        f"(2 * 6371.0 * asin(sqrt(least(1.0, {dlat} * {dlat}"
        f" + cos(radians({lat1})) * cos(radians({lat2})) * {dlon} * {dlon}))))"
    )

"""Distance to shore by grid cell: the SQL join gives every row what the reference gives.

Candidate rows are real positions (a GFW regression track and the Danish pass) plus seeded
points in the Yellow Sea and Korea Bay, where DPRK ship-to-ship transfers were reported.
"""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa
import pytest

from sanctionwatch.engine import rows
from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime.basemap import distance_to_shore_km
from sanctionwatch.maritime.params import NM_KM
from sanctionwatch.maritime.reference import far_from_shore, with_shore_km
from sanctionwatch.maritime.shore import (
    SHORE_CELL_DEG,
    cell_km,
    cell_of,
    register_shore,
    shore_km,
    shore_km_sql,
    shore_table,
)
from tests.maritime.conftest import SEED, real_input


@pytest.mark.parametrize(
    ("name", "lat", "lon", "cell"),
    [
        ("positive", 38.73, 125.38, (774, 2507)),
        ("negative longitude", 42.35, -70.75, (847, -1415)),
        ("negative latitude on a boundary", -0.05, 10.0, (-1, 200)),
        ("just below a boundary", 0.0499999, 0.0, (0, 0)),
    ],
)
def test_cell_of(name: str, lat: float, lon: float, cell: tuple[int, int]) -> None:
    assert cell_of(lat, lon) == cell, name


@pytest.mark.parametrize(
    ("name", "lat", "lon", "low", "high"),
    [
        ("Pyongyang: centre on land", 39.02, 125.75, 0.0, 0.0),
        ("Strait of Dover, mid-channel", 51.0, 1.45, 10.0, 22.0),
        ("Yellow Sea: beyond 50 nm", 36.0, 123.5, 50 * NM_KM, 200.0),
        ("Korea Bay, near Nampo: within 20 nm", 38.6, 125.0, 0.0, 20 * NM_KM),
    ],
)
def test_shore_km_is_the_cell_centres_distance(
    name: str, lat: float, lon: float, low: float, high: float
) -> None:
    clat, clon = cell_of(lat, lon)
    centre = ((clat + 0.5) * SHORE_CELL_DEG, (clon + 0.5) * SHORE_CELL_DEG)
    assert shore_km(lat, lon) == distance_to_shore_km(*centre) == cell_km(clat, clon), name
    assert low <= shore_km(lat, lon) <= high, name
    assert abs(shore_km(lat, lon) - distance_to_shore_km(lat, lon)) <= 4.0, name  # half a cell


def test_shore_table_dedupes_and_keeps_its_schema() -> None:
    table = shore_table([(720, 2470), (720, 2470), (774, 2507)])
    assert table.num_rows == 2
    assert table.schema.names == ["clat", "clon", "shore_km"]
    assert table.column("shore_km").to_pylist() == [cell_km(720, 2470), cell_km(774, 2507)]


@pytest.fixture(scope="module")
def candidates(ports: pa.Table) -> pa.Table:
    """Rows shaped like candidate events: a key, lat and lon (some null, as open gaps)."""
    print(f"seed = {SEED}")
    rng = random.Random(SEED)
    real = real_input(
        ports, "gfw_segment/regression/regr_567000000.json.gz", "dma/ais-close-approach-wgs84.csv"
    ).positions
    picked = real.take(list(range(0, real.num_rows, max(1, real.num_rows // 150))))
    data: dict[str, list[Any]] = {
        "key": list(range(picked.num_rows)),
        "lat": picked.column("lat").to_pylist(),
        "lon": picked.column("lon").to_pylist(),
    }
    for i in range(150):
        data["key"].append(10_000 + i)
        data["lat"].append(rng.uniform(34.0, 39.8))
        data["lon"].append(rng.uniform(119.5, 126.5))
    data["key"].append(99_999)
    data["lat"].append(None)
    data["lon"].append(None)
    return pa.table(data)


def run_join(engine: Any, candidates: pa.Table) -> dict[int, float]:
    engine.register("candidates", candidates)
    register_shore(engine, ["candidates"])
    found = rows(engine, shore_km_sql("candidates", "e.key"))
    return {int(r["key"]): float(r["shore_km"]) for r in found}


def test_duckdb_join_equals_reference(candidates: pa.Table) -> None:
    engine = DuckDBEngine(threads=1)
    try:
        got = run_join(engine, candidates)
    finally:
        engine.close()
    usable = [r for r in candidates.to_pylist() if r["lat"] is not None]
    expected = {r["key"]: r["shore_km"] for r in with_shore_km(usable)}
    assert {k: v for k, v in got.items() if k != 99_999} == expected
    assert got[99_999] == 0.0  # no position: counts as on the coast, never far from it
    assert any(v == 0.0 for v in expected.values()) and any(
        v > 50 * NM_KM for v in expected.values()
    )


def test_far_from_shore_thresholds_are_inclusive() -> None:
    row = {"lat": 36.0, "lon": 123.5}
    km = shore_km(36.0, 123.5)
    assert far_from_shore([row], km) == [{**row, "shore_km": km}]
    assert far_from_shore([row], km + 1e-9) == []


@pytest.mark.spark
def test_spark_join_equals_duckdb(spark: Any, candidates: pa.Table) -> None:
    from sanctionwatch.engine.spark_engine import SparkEngine

    duck = DuckDBEngine(threads=1)
    spark_engine = SparkEngine(spark)
    try:
        assert run_join(spark_engine, candidates) == run_join(duck, candidates)
    finally:
        duck.close()
        spark_engine.close()

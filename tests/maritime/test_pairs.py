"""The encounter pair join probes each pair of neighbouring cells from one side only (own
cell, the next east, the row above), and only from the upper half of a cell when a pair's
latitude difference cannot reach half a cell: either way it must find exactly the pairs of
a brute-force search over every two grid points at one time, once each, in MMSI order."""

from __future__ import annotations

import math
import random

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.engine.sql import haversine_km
from sanctionwatch.maritime import sql_events
from sanctionwatch.maritime.params import EncounterParams
from sanctionwatch.maritime.synthetic import move

T0 = 1609459200


def grid_points(seed: int, base_lat: float, p: EncounterParams) -> pa.Table:
    """Points near cell borders (within 0.6 km of a row or column edge), each with partners
    at 0.3 to 0.7 km in every direction, at a few grid times."""
    print(f"pair points seed = {seed}, latitude {base_lat}")
    rng = random.Random(seed)
    rows: dict[str, list[float | int]] = {k: [] for k in ("seg", "mmsi", "t", "lat", "lon")}
    mmsi = 200000000
    for step in range(3):
        for _ in range(150):
            lat = (math.floor(base_lat / p.cell_deg) + rng.randrange(20)) * p.cell_deg
            lat += rng.uniform(-0.006, 0.006)
            lon = 123.0 + rng.randrange(20) * p.cell_deg + rng.uniform(-0.006, 0.006)
            points = [(lat, lon)] + [
                move(lat, lon, rng.uniform(0, 360), rng.uniform(300, 700)) for _ in range(3)
            ]
            for plat, plon in points:
                mmsi += 1
                for key, value in zip(
                    ("seg", "mmsi", "t", "lat", "lon"),
                    (mmsi * 100000, mmsi, T0 + step * p.grid_s, plat, plon),
                    strict=True,
                ):
                    rows[key].append(value)
    table = pa.table(rows)
    cell = p.cell_deg
    return table.append_column(
        "clat", pa.array([math.floor(x / cell) for x in rows["lat"]], pa.int64())
    ).append_column("clon", pa.array([math.floor(x / cell) for x in rows["lon"]], pa.int64()))


def brute_force(p: EncounterParams) -> str:
    dist = haversine_km("a.lat", "a.lon", "b.lat", "b.lon")
    return f"""
SELECT a.mmsi AS mmsi1, b.mmsi AS mmsi2, a.t, a.seg AS seg1, b.seg AS seg2, a.lat AS lat1,
  a.lon AS lon1, b.lat AS lat2, b.lon AS lon2, {dist} AS dist_km
FROM grid a JOIN grid b ON a.t = b.t
WHERE a.mmsi < b.mmsi AND abs(a.clat - b.clat) <= 1 AND abs(a.clon - b.clon) <= 1
  AND {dist} <= {p.max_dist_km}"""


@pytest.mark.parametrize("base_lat", [0.0, 35.0, 59.0, -41.0])
@pytest.mark.parametrize(
    "params",
    [
        pytest.param(EncounterParams(), id="upper-half-probes-above"),
        pytest.param(EncounterParams(max_dist_km=0.6), id="wide-distance-all-probe-above"),
    ],
)
def test_pair_join_finds_the_brute_force_pairs(base_lat: float, params: EncounterParams) -> None:
    engine = DuckDBEngine(threads=2)
    engine.register("grid", grid_points(int(base_lat * 10) + 7, base_lat, params))
    engine.create("pair_points", sql_events.pair_points_sql(params))
    got = engine.arrow(
        "SELECT mmsi1, mmsi2, t, seg1, seg2, lat1, lon1, lat2, lon2, dist_km"
        " FROM pair_points ORDER BY ALL"
    ).to_pylist()
    expected = engine.arrow(f"SELECT * FROM ({brute_force(params)}) x ORDER BY ALL").to_pylist()
    engine.close()
    assert len(expected) > 100  # the case holds many pairs, many across cell borders
    assert got == expected

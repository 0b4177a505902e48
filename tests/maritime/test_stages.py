"""A stage stops at its candidate table when that is empty: the later queries are never
planned, and the stage returns no events (the reference finds none either)."""

from __future__ import annotations

import pyarrow as pa

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime.pipeline import DetectInput, detect
from sanctionwatch.maritime.records import IDENTITY_SCHEMA
from sanctionwatch.maritime.reference import detect_reference
from sanctionwatch.maritime.synthetic import KN_MS, move, positions_table
from tests.maritime.conftest import MIDNIGHT
from tests.maritime.parity import normalise


def two_fast_vessels(ports: pa.Table, apart_deg: float = 0.45) -> DetectInput:
    """Two vessels side by side (`apart_deg` of latitude; 50 km by default) at 12 kn, a
    report a minute for two hours, far from ports: by default no pair, no slow hour, no
    gap and no port call."""
    rows = []
    for mmsi, lat in ((412000001, 30.0), (412000002, 30.0 + apart_deg)):
        lon = 150.0
        for i in range(180):
            rows.append({"mmsi": mmsi, "ts": MIDNIGHT + 60 * i, "lat": lat, "lon": lon})
            lat, lon = move(lat, lon, 90.0, 12 * KN_MS * 60)
    return DetectInput(positions_table(rows), IDENTITY_SCHEMA.empty_table(), ports)


def names(engine: DuckDBEngine) -> set[str]:
    found = engine.con.execute(
        "SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()"
    ).fetchall()
    return {str(row[0]) for row in found}


def test_stages_stop_at_empty_candidates(ports: pa.Table) -> None:
    data = two_fast_vessels(ports)
    engine = DuckDBEngine(threads=2)
    result = detect(engine, data)
    made = names(engine)
    engine.close()
    assert result.events == [] == detect_reference(data).events
    # each stage made its candidate table, found it empty and went no further
    assert {"pair_points", "loitering_raw", "gap_starts", "port_near"} <= made
    assert not made & {"pairs", "encounter_merged", "gaps_raw", "gaps_checked", "shore"}
    assert result.stats["shore_cells"] == {"loitering": 0, "gap": 0}


def test_a_stage_with_candidates_runs_to_its_end(ports: pa.Table) -> None:
    """The same vessels 100 m apart: the encounter stage goes past `pair_points` (and
    finds no encounter: they are too fast), as the reference."""
    data = two_fast_vessels(ports, apart_deg=0.0009)
    engine = DuckDBEngine(threads=2)
    result = detect(engine, data)
    made = names(engine)
    engine.close()
    assert {"pairs", "encounter_merged"} <= made
    assert normalise(result.events) == normalise(detect_reference(data).events)

"""Cleaning in SQL (one window pass) against the plain-Python reference, on small tracks
built to hit each spike and break rule, and seeded tracks full of breaks for every detector."""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime import sql_clean
from sanctionwatch.maritime.params import CleanParams
from sanctionwatch.maritime.pipeline import DetectInput, detect
from sanctionwatch.maritime.records import IDENTITY_SCHEMA
from sanctionwatch.maritime.reference import clean, detect_reference
from sanctionwatch.maritime.sql_clean import SEG_FACTOR
from sanctionwatch.maritime.synthetic import move, positions_table
from tests.maritime.parity import normalise

T0 = 1609459200
HOME = (35.0, 123.0)
AWAY = (36.0, 124.0)  # ~140 km from HOME: impossible within minutes


def track(points: list[tuple[float, float]], *, step_s: int = 60) -> list[dict[str, Any]]:
    """Reports of MMSI 200000001, `step_s` apart, creeping east 1e-4 degrees a step."""
    return [
        {"mmsi": 200000001, "ts": T0 + i * step_s, "lat": lat, "lon": lon + i * 1e-4, "sog": 5.0}
        for i, (lat, lon) in enumerate(points)
    ]


CASES = [
    pytest.param(track([HOME] * 8), 0, 0, 1, id="clean-track"),
    pytest.param(track([HOME] * 3 + [AWAY] + [HOME] * 4), 1, 0, 1, id="one-spike-removed"),
    pytest.param(
        track([HOME, AWAY, HOME, AWAY, HOME, AWAY, HOME, HOME]),
        1,
        4,
        5,
        id="alternating-two-vessels-first-spike-then-jumps",
    ),
    pytest.param(track([HOME] * 3 + [AWAY] * 2 + [HOME] * 3), 0, 2, 3, id="two-report-excursion"),
    pytest.param(track([HOME] * 4 + [AWAY] * 4), 0, 1, 2, id="one-jump"),
    pytest.param(track([HOME] * 8, step_s=25 * 3600), 0, 7, 8, id="long-gaps"),
    pytest.param(track([AWAY] + [HOME] * 7), 0, 1, 2, id="first-report-is-never-a-spike"),
]


def sql_clean_rows(rows: list[dict[str, Any]]) -> tuple[list[tuple[int, int, int]], int]:
    engine = DuckDBEngine(threads=2)
    engine.register("raw_positions", positions_table(rows))
    engine.create("positions_seg", sql_clean.segmented_sql(CleanParams()))
    got = engine.arrow("SELECT mmsi, ts, brk, n_dedup FROM positions_seg ORDER BY ts").to_pylist()
    engine.close()
    spikes = got[0]["n_dedup"] - len(got) if got else 0
    out, breaks = [], 0
    for r in got:  # segment ids are numbered downstream as mmsi * SEG_FACTOR + breaks so far
        breaks += r["brk"] > 0
        out.append((r["ts"], r["mmsi"] * SEG_FACTOR + breaks, r["brk"]))
    return out, spikes


@pytest.mark.parametrize(("rows", "spikes", "breaks", "segments"), CASES)
def test_sql_cleaning_equals_reference(
    rows: list[dict[str, Any]], spikes: int, breaks: int, segments: int
) -> None:
    got, got_spikes = sql_clean_rows(rows)
    points, ref_spikes = clean(rows, CleanParams())
    assert got == [(p.ts, p.seg, p.brk) for p in points]
    assert got_spikes == ref_spikes[200000001] == spikes
    assert sum(1 for _, _, brk in got if brk > 0) == breaks
    assert len({seg for _, seg, _ in got}) == segments


def broken_tracks(seed: int) -> list[dict[str, Any]]:
    """Four slow, close vessels whose tracks are full of what cleaning must handle: jumps
    (mid-hour, so loitering hours split), long gaps, single-report spikes, duplicates."""
    print(f"broken tracks seed = {seed}")
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for v in range(4):
        mmsi = 200000000 + v
        lat, lon = HOME[0] + rng.random() * 0.01, HOME[1] + rng.random() * 0.01
        t = T0 + rng.randrange(600)
        for _ in range(rng.randrange(100, 400)):
            r = rng.random()
            if r < 0.03:
                lat, lon = move(lat, lon, rng.uniform(0, 360), rng.uniform(20000, 60000))
            elif r < 0.05:
                t += rng.choice([3, 7, 13, 25]) * 3600
            else:
                lat, lon = move(lat, lon, rng.uniform(0, 360), rng.uniform(0, 60))
            if rng.random() < 0.02:
                s_lat, s_lon = move(lat, lon, rng.uniform(0, 360), 50000)
                rows.append({"mmsi": mmsi, "ts": t, "lat": s_lat, "lon": s_lon, "sog": 0.5})
                t += rng.choice([60, 120, 300])
            rows.append({"mmsi": mmsi, "ts": t, "lat": lat, "lon": lon, "sog": 0.5})
            if rng.random() < 0.02:
                rows.append({"mmsi": mmsi, "ts": t, "lat": lat + 0.001, "lon": lon, "sog": 0.4})
            t += rng.choice([60, 120, 300, 600])
    return rows


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed-{s}") for s in (3, 6, 10)])
def test_all_detectors_equal_reference_on_broken_tracks(seed: int, ports: pa.Table) -> None:
    """Segment ids are numbered on grid points and hour buckets, not on every report: the
    events must still be the reference's, with breaks inside loitering hours and encounters."""
    data = DetectInput(positions_table(broken_tracks(seed)), IDENTITY_SCHEMA.empty_table(), ports)
    got = normalise(detect(DuckDBEngine(threads=2), data).events)
    assert any('"type": "loitering"' in e for e in got)
    assert got == normalise(detect_reference(data).events)

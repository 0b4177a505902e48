"""Cleaning in SQL (one window pass) against the plain-Python reference, on small tracks
built to hit each spike and break rule, and seeded tracks full of breaks for every detector."""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa
import pytest

from sanctionwatch.engine import Branches
from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime import sql_clean, sql_events
from sanctionwatch.maritime.params import CleanParams, LoiteringParams
from sanctionwatch.maritime.pipeline import DetectInput, detect
from sanctionwatch.maritime.records import IDENTITY_SCHEMA
from sanctionwatch.maritime.reference import clean, detect_reference
from sanctionwatch.maritime.sql_clean import SEG_FACTOR, CleanPlan
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


def sql_clean_rows(
    rows: list[dict[str, Any]], plan: CleanPlan
) -> tuple[list[tuple[int, int, int]], int]:
    engine = DuckDBEngine(threads=2)
    engine.register("raw_positions", positions_table(rows))
    sql_clean.clean_positions(engine, CleanParams(), plan=plan)
    got = engine.arrow("SELECT mmsi, ts, brk FROM positions_seg ORDER BY ts").to_pylist()
    counted = engine.arrow(sql_clean.SPIKES_SQL).to_pylist()
    engine.close()
    spikes = sum(r["spikes"] for r in counted)
    out, breaks = [], 0
    for r in got:  # segment ids are numbered downstream as mmsi * SEG_FACTOR + breaks so far
        breaks += r["brk"] > 0
        out.append((r["ts"], r["mmsi"] * SEG_FACTOR + breaks, r["brk"]))
    return out, spikes


PLANS = [pytest.param(p, id=f"plan-{p}") for p in ("dedup", "optimistic")]


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize(("rows", "spikes", "breaks", "segments"), CASES)
def test_sql_cleaning_equals_reference(
    rows: list[dict[str, Any]], spikes: int, breaks: int, segments: int, plan: CleanPlan
) -> None:
    got, got_spikes = sql_clean_rows(rows, plan)
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


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed-{s}") for s in (3, 6, 10)])
def test_all_detectors_equal_reference_on_broken_tracks(
    seed: int, plan: CleanPlan, ports: pa.Table
) -> None:
    """Segment ids are numbered on grid points and hour buckets, not on every report: the
    events must still be the reference's, with breaks inside loitering hours and encounters.
    The tracks hold duplicates, so the optimistic plan deduplicates their MMSIs again."""
    data = DetectInput(positions_table(broken_tracks(seed)), IDENTITY_SCHEMA.empty_table(), ports)
    result = detect(DuckDBEngine(threads=2), data, clean_plan=plan)
    got = normalise(result.events)
    assert any('"type": "loitering"' in e for e in got)
    assert got == normalise(detect_reference(data).events)
    assert result.stats["clean_plan"].startswith(plan)
    assert ("again" in result.stats["clean_plan"]) is (plan == "optimistic")


def jumpy_tracks(seed: int) -> list[dict[str, Any]]:
    """Three MMSIs whose every report sits at one of three places ~140 km apart, each place
    held for a run of 1-3 reports: spikes, runs of candidates, spikes next to jumps, two
    vessels alternating on one MMSI, with a few duplicates. Every spike rule, densely."""
    print(f"jumpy tracks seed = {seed}")
    rng = random.Random(seed)
    places = [HOME, AWAY, (35.0, 124.5)]
    rows: list[dict[str, Any]] = []
    for v in range(3):
        t = T0
        for _ in range(rng.randrange(60, 120)):
            lat, lon = rng.choice(places)
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                east = lon + (t - T0) * 1e-7
                rows.append({"mmsi": 200000000 + v, "ts": t, "lat": lat, "lon": east})
                if rng.random() < 0.03:
                    rows.append({"mmsi": 200000000 + v, "ts": t, "lat": lat + 1e-3, "lon": lon})
                t += rng.choice([60, 120, 600, 7200])
    return rows


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed-{s}") for s in range(1, 7)])
def test_sql_cleaning_equals_reference_on_jumpy_tracks(seed: int, plan: CleanPlan) -> None:
    """Every kept report, its segment, break code, distance from the previous report (NULL
    exactly when there is none: `STEP_KM` relies on it) and the next report's time and
    break code, as the reference has them (spikes only matter through these)."""
    rows = jumpy_tracks(seed)
    engine = DuckDBEngine(threads=2)
    engine.register("raw_positions", positions_table(rows))
    sql_clean.clean_positions(engine, CleanParams(), plan=plan)
    got = engine.arrow(
        "SELECT mmsi, ts, brk, pdist_km, nts, nbrk FROM positions_seg ORDER BY mmsi, ts"
    ).to_pylist()
    counted = {r["mmsi"]: r["spikes"] for r in engine.arrow(sql_clean.SPIKES_SQL).to_pylist()}
    engine.close()
    points, spikes = clean(rows, CleanParams())
    assert sum(spikes.values()) > 5  # the case is what it claims
    expected = []
    for i, q in enumerate(points):
        after = points[i + 1] if i + 1 < len(points) and points[i + 1].mmsi == q.mmsi else None
        pdist = None if q.pdist_km is None else round(q.pdist_km, 6)
        expected.append(
            (q.mmsi, q.ts, q.brk, pdist, after.ts if after else None, after and after.brk)
        )
    assert [
        (
            r["mmsi"],
            r["ts"],
            r["brk"],
            None if r["pdist_km"] is None else round(r["pdist_km"], 6),
            r["nts"],
            r["nbrk"],
        )
        for r in got
    ] == expected
    assert {m: counted.get(m, 0) for m in {r["mmsi"] for r in got}} == spikes


def test_one_engine_cleans_windows_with_different_plans() -> None:
    """Windows of one run may take different plans on one engine: each must replace what
    the last one left (a name once a view stays a view), and give the same rows."""
    rows = broken_tracks(3)
    engine = DuckDBEngine(threads=2)
    engine.register("raw_positions", positions_table(rows))
    query = "SELECT mmsi, ts, brk, nts FROM positions_seg ORDER BY mmsi, ts"
    seen = []
    plans: tuple[CleanPlan, ...] = ("optimistic", "dedup", "optimistic", "auto")
    for plan in plans:
        sql_clean.clean_positions(engine, CleanParams(), plan=plan)
        seen.append(engine.arrow(query).to_pylist())
    engine.close()
    assert seen[0] and all(s == seen[0] for s in seen)


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed-{s}") for s in (3, 6, 10)])
def test_hour_buckets_time_and_distance_moved_equal_reference(seed: int) -> None:
    """The time moved per (segment, hour) is taken from bucket ends (steps telescope), not
    summed from each report's previous time: it must equal the reference's sum of steps,
    also in hours split by a break and after spikes and duplicates."""
    rows = broken_tracks(seed)
    engine = DuckDBEngine(threads=2)
    engine.register("raw_positions", positions_table(rows))
    sql_clean.clean_positions(engine, CleanParams(), plan="dedup")
    lp = LoiteringParams()
    engine.create("position_hours", sql_events.position_hours_sql(lp.bucket_s))
    got = {
        (r["seg"], r["h"]): (int(r["dt"]), round(r["km"], 6), r["n"])
        for r in engine.arrow(sql_events.hour_buckets_sql(lp)).to_pylist()
    }
    engine.close()
    points, _ = clean(rows, CleanParams())
    expected: dict[tuple[int, int], tuple[int, float, int]] = {}
    for q in points:
        key = (q.seg, q.ts // lp.bucket_s)
        dt, km, n = expected.get(key, (0, 0.0, 0))
        expected[key] = (dt + q.step_s, km + q.step_km, n + 1)
    assert any(k[0] % SEG_FACTOR > 0 for k in expected)  # the tracks do hold breaks
    assert got == {k: (dt, round(km, 6), n) for k, (dt, km, n) in expected.items()}


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed-{s}") for s in (3, 6)])
def test_pass_b_beside_the_duplicate_check_gives_the_same_rows(seed: int) -> None:
    """With branches, pass B is made while the optimistic plan checks for duplicates; on
    tracks with duplicates it must be made again, giving the rows of the sequential run."""
    query = "SELECT mmsi, ts, brk, pdist_km, nts, nbrk FROM positions_seg ORDER BY mmsi, ts"
    seen, taken = [], []
    for with_branches in (False, True):
        engine = DuckDBEngine(threads=2)
        engine.register("raw_positions", positions_table(broken_tracks(seed)))
        with Branches(engine) as branches:
            plan = sql_clean.clean_positions(
                engine,
                CleanParams(),
                plan="optimistic",
                branches=branches if with_branches else None,
            )
        taken.append(plan)
        seen.append(engine.arrow(query).to_pylist())
        engine.close()
    assert taken[0] == taken[1] and taken[0].startswith("optimistic, ")  # duplicates redone
    assert seen[0] and seen[0] == seen[1]


@pytest.mark.parametrize(
    ("mmsi", "sampled"), [(200000064, True), (200000065, False), (200000000, True)]
)
def test_duplicate_sample_takes_the_mmsis_divisible_by_its_modulus(
    mmsi: int, sampled: bool
) -> None:
    """The sample tests the low bits of the MMSI; it must pick exactly the multiples."""
    rows = [{**r, "mmsi": mmsi} for r in track([HOME] * 4)]
    engine = DuckDBEngine(threads=2)
    engine.register("raw_positions", positions_table(rows + rows[:1]))  # one duplicate
    found = engine.arrow(sql_clean.dup_sample_sql()).to_pylist()[0]["n"]
    engine.close()
    assert (mmsi % sql_clean.DUP_SAMPLE_MOD == 0) is sampled
    assert found == (1 if sampled else 0)

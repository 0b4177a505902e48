"""Seeded synthetic AIS for tests and benchmarks: background traffic and injected meetings.

Pure Python and small; the speed benchmark generates its millions of rows inside DuckDB.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from sanctionwatch.maritime.records import POSITION_SCHEMA

Row = dict[str, Any]
KN_MS = 1852.0 / 3600.0


def move(lat: float, lon: float, bearing_deg: float, metres: float) -> tuple[float, float]:
    """The point `metres` away along `bearing_deg` (flat-earth step, fine below ~50 km)."""
    dlat = metres * math.cos(math.radians(bearing_deg)) / 111_195.0
    dlon = metres * math.sin(math.radians(bearing_deg)) / (111_195.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def positions_table(rows: list[Row]) -> pa.Table:
    cols = {n: [r.get(n) for r in rows] for n in POSITION_SCHEMA.names}
    return pa.table(cols, schema=POSITION_SCHEMA)


def random_tracks(
    rng: random.Random,
    *,
    n_vessels: int,
    start: int,
    hours: float,
    interval_s: int,
    lat0: float,
    lon0: float,
    box_deg: float,
    first_mmsi: int = 200_000_000,
) -> list[Row]:
    """Vessels on straight legs at 0-14 kn that turn now and then; 20% reports dropped."""
    rows: list[Row] = []
    for i in range(n_vessels):
        lat, lon = lat0 + rng.random() * box_deg, lon0 + rng.random() * box_deg
        speed, course = rng.uniform(0, 14), rng.uniform(0, 360)
        t = start + rng.randrange(interval_s)
        while t < start + hours * 3600:
            if rng.random() > 0.2:
                rows.append(
                    {
                        "mmsi": first_mmsi + i,
                        "ts": t,
                        "lat": lat,
                        "lon": lon,
                        "sog": round(speed, 1),
                        "cog": round(course, 1),
                        "source": "synth",
                    }
                )
            if rng.random() < 0.01:
                speed, course = rng.uniform(0, 14), rng.uniform(0, 360)
            lat, lon = move(lat, lon, course, speed * KN_MS * interval_s)
            t += interval_s
    return rows


@dataclass(frozen=True)
class Meeting:
    """An injected meeting of 2-3 vessels: where, when, how close, how slow, how reported."""

    mmsis: tuple[int, ...]
    lat: float
    lon: float
    start: int
    duration_s: int
    dist_m: float
    speed_kn: float
    interval_s: int
    dark: bool = False  # no reports at all while together


def meeting_rows(m: Meeting, rng: random.Random, *, approach_s: int = 3 * 3600) -> list[Row]:
    """Tracks for a meeting: each vessel approaches at 10 kn from its own direction, drifts
    alongside at `speed_kn` (abreast, `dist_m` apart), then leaves the way it came."""
    rows: list[Row] = []
    heading = rng.uniform(0, 360)
    for k, mmsi in enumerate(m.mmsis):
        # vessel k sits abreast, k * dist_m to the right of the first vessel
        side_lat, side_lon = move(m.lat, m.lon, heading + 90, k * m.dist_m)
        away = heading + 180 + (k - 1) * 60  # where it comes from and goes to
        phase = rng.randrange(m.interval_s)
        t = m.start - approach_s + phase
        while t <= m.start + m.duration_s + approach_s:
            if t < m.start:
                lat, lon = move(side_lat, side_lon, away, 10 * KN_MS * (m.start - t))
                sog = 10.0
            elif t <= m.start + m.duration_s:
                if m.dark:
                    t += m.interval_s
                    continue
                lat, lon = move(side_lat, side_lon, heading, m.speed_kn * KN_MS * (t - m.start))
                sog = m.speed_kn
            else:
                end_lat, end_lon = move(
                    side_lat, side_lon, heading, m.speed_kn * KN_MS * m.duration_s
                )
                lat, lon = move(
                    end_lat, end_lon, away + 180, 10 * KN_MS * (t - m.start - m.duration_s)
                )
                sog = 10.0
            rows.append(
                {
                    "mmsi": mmsi,
                    "ts": t,
                    "lat": lat,
                    "lon": lon,
                    "sog": sog,
                    "cog": None,
                    "source": "injected",
                }
            )
            t += m.interval_s
    return rows

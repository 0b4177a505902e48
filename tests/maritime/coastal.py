"""Tracks off a real coast, where distance to shore (not to a port) decides an event.

The transect is 36.62 N off the south-east coast of Shandong, in the Yellow Sea: the nearest
World Port Index port is over 95 km from every point used here, so within 50 nm of it the
coastline is what matters. `SHORE_CASES` are the named cases of issue 5 (a loiterer 12 nm and
30 nm off, a gap starting 40 nm and 60 nm off); `coastal_rows` adds seeded loiterers and
gaps scattered across the coast and the open sea, for the parity tests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sanctionwatch.maritime.synthetic import KN_MS, move

TRANSECT_LAT = 36.62
T0 = 1609459200  # 2021-01-01T00:00:00Z


@dataclass(frozen=True)
class ShoreCase:
    """One vessel: a loiterer around (lat, lon), or a gap that starts at (lat, lon)."""

    name: str
    kind: str  # "loitering" or "gap"
    mmsi: int
    lon: float
    nominal_nm: float  # its distance to shore, as measured on the Natural Earth coast
    expected: bool  # loitering found / gap likely intentional
    lat: float = TRANSECT_LAT


SHORE_CASES = (
    ShoreCase("loiterer 12 nm off, no port near", "loitering", 412000012, 122.31, 12, False),
    ShoreCase("loiterer 30 nm off", "loitering", 412000030, 123.01, 30, True),
    ShoreCase("gap starting 40 nm off", "gap", 412000040, 123.26, 40, False),
    ShoreCase("gap starting 60 nm off", "gap", 412000060, 123.71, 60, True),
)


def loiterer_rows(
    mmsi: int, lat: float, lon: float, *, start: int = T0, hours: float = 6.0
) -> list[dict[str, Any]]:
    """Drifting at 0.3 kn for `hours`, centred on (lat, lon), a report every 5 minutes."""
    a_lat, a_lon = move(lat, lon, 270.0, 0.3 * KN_MS * hours * 3600 / 2)
    return [
        {"mmsi": mmsi, "ts": t, "lat": p[0], "lon": p[1], "sog": 0.3, "cog": 90.0}
        for t in range(start, start + int(hours * 3600) + 1, 300)
        for p in [move(a_lat, a_lon, 90.0, 0.3 * KN_MS * (t - start))]
    ]


def gapper_rows(
    mmsi: int, lat: float, lon: float, *, start: int = T0, dark_h: float = 18.0
) -> list[dict[str, Any]]:
    """12 h northwards at 2.5 kn (reports every 5 minutes, inside one 1-degree reception cell)
    to (lat, lon), dark for `dark_h`, then an hour of reports 20 km further north."""
    rows = []
    for t in range(start, start + 12 * 3600 + 1, 300):
        p = move(lat, lon, 180.0, 2.5 * KN_MS * (start + 12 * 3600 - t))
        rows.append({"mmsi": mmsi, "ts": t, "lat": p[0], "lon": p[1], "sog": 2.5, "cog": 0.0})
    back = start + 12 * 3600 + int(dark_h * 3600)
    for t in range(back, back + 3601, 300):
        p = move(lat, lon, 0.0, 20_000 + 2.5 * KN_MS * (t - back))
        rows.append({"mmsi": mmsi, "ts": t, "lat": p[0], "lon": p[1], "sog": 2.5, "cog": 0.0})
    return rows


def shore_case_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for case in SHORE_CASES:
        make = loiterer_rows if case.kind == "loitering" else gapper_rows
        rows += make(case.mmsi, case.lat, case.lon)
    return rows


def coastal_rows(seed: int, n: int = 24) -> list[dict[str, Any]]:
    """`n` loiterers and `n` gaps at seeded places in 36.1-37.6 N, 121.5-124.5 E: Shandong's
    coast and hinterland, its bays and the open Yellow Sea, so some are on land, some near
    it and some far out (distances to shore from 0 to about 80 nm)."""
    print(f"coastal seed = {seed}")
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        lat, lon = rng.uniform(36.1, 37.6), rng.uniform(121.5, 124.5)
        start = T0 + rng.randrange(0, 6 * 3600, 60)
        rows += loiterer_rows(413_000_000 + i, lat, lon, start=start, hours=rng.uniform(4.5, 8))
        lat, lon = rng.uniform(36.6, 37.6), rng.uniform(121.5, 124.5)
        rows += gapper_rows(413_100_000 + i, lat, lon, start=start, dark_h=rng.uniform(13, 30))
    return rows

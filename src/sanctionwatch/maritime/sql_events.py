"""Event detectors in SQL (DuckDB dialect), one function per stage, parameters inlined.

Every query reads `positions_seg` (see `sql_clean`) and, where needed, `ports`
(World Port Index: iso3, label, lat, lon) and `shore` (distance to shore of the candidate
events' cells, registered by `shore.register_shore` just before the final query). Each
final query returns one row per event with the columns `mmsi1, mmsi2, start_t, end_t, lat,
lon` plus detector-specific columns; the pipeline turns those rows into `Event`s.
`reference.py` implements the same semantics in plain Python, and the tests hold them equal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sanctionwatch.engine.sql import haversine_km, sql_literal
from sanctionwatch.maritime.params import (
    NM_KM,
    EncounterParams,
    GapParams,
    LoiteringParams,
    PortVisitParams,
)
from sanctionwatch.maritime.shore import shore_km_sql
from sanctionwatch.maritime.sql_clean import SEG_FACTOR, STEP_KM, STEP_S

KM_PER_DEG = 111.0  # a little under the real 111.19, so bands are never too narrow


def _lit(value: float | int | str) -> str:
    return sql_literal(value)


def nearest_port_sql(table: str, key: str, max_km: float) -> str:
    """`key` columns of `table` with the distance to the nearest port within `max_km`
    (NULL when none is that close). A latitude band keeps the join small on both engines."""
    band = max_km / KM_PER_DEG + 0.01
    dist = haversine_km("e.lat", "e.lon", "p.lat", "p.lon")
    return f"""
SELECT {key}, min(CASE WHEN {dist} <= {_lit(max_km)} THEN {dist} END) AS port_km
FROM {table} e LEFT JOIN ports p ON abs(p.lat - e.lat) <= {_lit(band)}
GROUP BY {key}"""


# --- encounters -------------------------------------------------------------------------


def resampled_sql(p: EncounterParams) -> str:
    """Reports on the fixed time grid. The next report of the same segment (`nts`, ... where
    `nbrk = 0`) comes from `positions_seg`, so this is a projection, not a window pass."""
    g = _lit(p.grid_s)
    return f"""
SELECT mmsi, gt AS t,
  lat + (nlat - lat) * (gt - ts) / (nts - ts) AS lat,
  lon + (nlon - lon) * (gt - ts) / (nts - ts) AS lon
FROM (
  SELECT mmsi, ts, lat, lon, nts, nlat, nlon,
    unnest(range(CAST(ceil(ts / {g}.0) * {g} AS BIGINT), nts, {g})) AS gt
  FROM positions_seg
  WHERE nbrk = 0 AND nts - ts < {_lit(p.max_interp_gap_s)}
) g"""


def grid_sql(p: EncounterParams) -> str:
    """Grid points with their segment id, neighbour cell and implied speed from the previous
    grid point of the same segment.

    Segment ids come from this (small) table, not from the cleaned reports: each segment
    break is merged into the stream of grid points as a marker (`kind` 0, sorted before a grid
    point at the same second), so the running count of markers is the segment number, and a
    previous element that is a marker means "first grid point of its segment"."""
    step = haversine_km("plat", "plon", "lat", "lon")
    w = "PARTITION BY mmsi ORDER BY t, kind"
    return f"""
SELECT seg, mmsi, t, lat, lon,
  CAST(floor(lat / {_lit(p.cell_deg)}) AS BIGINT) AS clat,
  CAST(floor(lon / {_lit(p.cell_deg)}) AS BIGINT) AS clon,
  CASE WHEN pkind = 1 AND t - pt = {_lit(p.grid_s)}
       THEN {step} / {NM_KM} * 3600.0 / {_lit(p.grid_s)} END AS kn
FROM (
  SELECT mmsi, t, lat, lon, kind,
    mmsi * {SEG_FACTOR} + CAST(sum(CASE WHEN kind = 0 THEN 1 ELSE 0 END)
      OVER ({w} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS seg,
    lag(kind) OVER ({w}) AS pkind,
    lag(t) OVER ({w}) AS pt,
    lag(lat) OVER ({w}) AS plat,
    lag(lon) OVER ({w}) AS plon
  FROM (
    SELECT mmsi, t, lat, lon, 1 AS kind FROM resampled
    UNION ALL
    SELECT mmsi, ts AS t, CAST(NULL AS DOUBLE) AS lat, CAST(NULL AS DOUBLE) AS lon, 0 AS kind
    FROM positions_seg WHERE brk > 0
  ) u
) r
WHERE kind = 1"""


def pairs_sql(p: EncounterParams) -> str:
    dist = haversine_km("a.lat", "a.lon", "b.lat", "b.lon")
    return f"""
SELECT seg1, seg2, mmsi1, mmsi2, t, lat1, lon1, lat2, lon2, kn1, kn2, dist_km,
  sum(CASE WHEN t - prev_t = {_lit(p.grid_s)} THEN 0 ELSE 1 END)
    OVER (PARTITION BY seg1, seg2 ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    AS run
FROM (
  SELECT a.seg AS seg1, b.seg AS seg2, a.mmsi AS mmsi1, b.mmsi AS mmsi2, a.t,
    a.lat AS lat1, a.lon AS lon1, b.lat AS lat2, b.lon AS lon2, a.kn AS kn1, b.kn AS kn2,
    {dist} AS dist_km,
    lag(a.t) OVER (PARTITION BY a.seg, b.seg ORDER BY a.t) AS prev_t
  FROM (
    SELECT g.seg, g.mmsi, g.t, g.lat, g.lon, g.kn, g.clat + dy AS nlat, g.clon + dx AS nlon
    FROM grid g, (SELECT unnest([-1, 0, 1]) AS dy) y, (SELECT unnest([-1, 0, 1]) AS dx) x
  ) a
  JOIN grid b ON a.t = b.t AND b.clat = a.nlat AND b.clon = a.nlon AND a.mmsi < b.mmsi
  WHERE {dist} <= {_lit(p.max_dist_km)}
) q"""


def runs_sql(p: EncounterParams) -> str:
    """Raw runs long enough, grouped per MMSI pair: a new group after `merge_gap_s`."""
    return f"""
SELECT seg1, seg2, run, mmsi1, mmsi2, start_t, end_t,
  sum(CASE WHEN prev_end IS NULL OR start_t - prev_end >= {_lit(p.merge_gap_s)} THEN 1 ELSE 0 END)
    OVER (PARTITION BY mmsi1, mmsi2 ORDER BY start_t, end_t, seg1, seg2
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS grp
FROM (
  SELECT seg1, seg2, run, mmsi1, mmsi2, start_t, end_t,
    max(end_t) OVER (PARTITION BY mmsi1, mmsi2 ORDER BY start_t, end_t, seg1, seg2
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM (
    SELECT seg1, seg2, run, min(mmsi1) AS mmsi1, min(mmsi2) AS mmsi2,
      min(t) AS start_t, max(t) AS end_t
    FROM pairs GROUP BY seg1, seg2, run
    HAVING max(t) - min(t) >= {_lit(p.min_raw_s)}
  ) r
) m"""


def merged_sql(p: EncounterParams) -> str:
    return f"""
SELECT r.mmsi1, r.mmsi2, r.grp, min(q.t) AS start_t, max(q.t) AS end_t, count(*) AS n_points,
  median(q.dist_km) AS median_dist_km, min(q.dist_km) AS min_dist_km,
  avg((q.lat1 + q.lat2) / 2) AS lat, avg((q.lon1 + q.lon2) / 2) AS lon,
  median((q.kn1 + q.kn2) / 2) AS median_kn
FROM pairs q JOIN encounter_runs r ON q.seg1 = r.seg1 AND q.seg2 = r.seg2 AND q.run = r.run
GROUP BY r.mmsi1, r.mmsi2, r.grp
HAVING max(q.t) - min(q.t) >= {_lit(p.min_duration_s)}"""


def encounters_sql(p: EncounterParams) -> str:
    near = nearest_port_sql("encounter_merged", "e.mmsi1, e.mmsi2, e.grp", p.min_port_km)
    return f"""
SELECT e.mmsi1, e.mmsi2, e.start_t, e.end_t, e.lat, e.lon, e.n_points, e.median_dist_km,
  e.min_dist_km, e.median_kn
FROM encounter_merged e
JOIN ({near}) n ON e.mmsi1 = n.mmsi1 AND e.mmsi2 = n.mmsi2 AND e.grp = n.grp
WHERE n.port_km IS NULL AND e.median_kn < {_lit(p.max_median_kn)}"""


# --- loitering ----------------------------------------------------------------------------


def hour_buckets_sql(p: LoiteringParams) -> str:
    """One row per (segment, hour): time span, reports, distance and time moved, position sums.

    Segment ids come from the (small) bucket table rather than from every report: `sub`
    numbers the breaks within an hour (a window over the rare hours that hold a break), and
    a running count of the bucket rows that start with a break gives the segment number."""
    b = _lit(p.bucket_s)
    hour = f"CAST(floor(ts / {b}.0) AS BIGINT)"
    moves = f"SELECT mmsi, ts, lat, lon, brk, {STEP_KM} AS km, {STEP_S} AS dt, {hour} AS h"
    break_hours = f"SELECT DISTINCT mmsi, {hour} AS h FROM positions_seg WHERE brk > 0"
    return f"""
SELECT mmsi, h, t0, t1, n, km, dt, slat, slon,
  mmsi * {SEG_FACTOR} + CAST(sum(CASE WHEN sub > 0 THEN 1 ELSE 0 END)
    OVER (PARTITION BY mmsi ORDER BY h, sub ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    AS BIGINT) AS seg
FROM (
  SELECT mmsi, h, sub, min(ts) AS t0, max(ts) AS t1, count(*) AS n, sum(km) AS km,
    sum(dt) AS dt, sum(lat) AS slat, sum(lon) AS slon
  FROM (
    SELECT m.mmsi, m.ts, m.lat, m.lon, m.km, m.dt, m.h, 0 AS sub
    FROM ({moves} FROM positions_seg) m
    LEFT JOIN ({break_hours}) x ON m.mmsi = x.mmsi AND m.h = x.h
    WHERE x.mmsi IS NULL
    UNION ALL
    SELECT mmsi, ts, lat, lon, km, dt, h,
      sum(CASE WHEN brk > 0 THEN 1 ELSE 0 END) OVER (PARTITION BY mmsi, h ORDER BY ts
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS sub
    FROM ({moves} FROM positions_seg) m2
    WHERE EXISTS (SELECT 1 FROM ({break_hours}) y WHERE y.mmsi = m2.mmsi AND y.h = m2.h)
  ) r
  GROUP BY mmsi, h, sub
) g"""


def loitering_sql(p: LoiteringParams) -> str:
    inner = f"""
SELECT seg, mmsi, h, t0, t1, n, km, dt, slat, slon,
  sum(CASE WHEN h - ph = 1 THEN 0 ELSE 1 END)
    OVER (PARTITION BY seg ORDER BY h ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
FROM (
  SELECT seg, mmsi, h, t0, t1, n, km, dt, slat, slon,
    lag(h) OVER (PARTITION BY seg ORDER BY h) AS ph
  FROM ({hour_buckets_sql(p)}) hb
  WHERE dt > 0 AND km / {NM_KM} * 3600.0 / dt < {_lit(p.max_kn)}
) s"""
    events = f"""
SELECT seg, min(mmsi) AS mmsi1, min(t0) AS start_t, max(t1) AS end_t,
  sum(slat) / sum(n) AS lat, sum(slon) / sum(n) AS lon, CAST(sum(n) AS BIGINT) AS n_points,
  sum(km) / {NM_KM} AS distance_nm, sum(km) / {NM_KM} * 3600.0 / sum(dt) AS avg_kn
FROM ({inner}) r GROUP BY seg, run
HAVING max(t1) - min(t0) >= {_lit(p.min_duration_s)}"""
    return events


def loitering_final_sql(p: LoiteringParams) -> str:
    """Slow runs far from ports and from shore. Needs the table `shore` registered for the
    cells of `loitering_raw` (`shore.register_shore`); a cell missing from it counts as 0."""
    near = nearest_port_sql("loitering_raw", "e.seg, e.start_t", p.min_port_km)
    far = shore_km_sql("loitering_raw", "e.seg, e.start_t", p.shore_cell_deg)
    return f"""
SELECT e.mmsi1, CAST(NULL AS BIGINT) AS mmsi2, e.start_t, e.end_t, e.lat, e.lon, e.n_points,
  e.distance_nm, e.avg_kn, s.shore_km
FROM loitering_raw e JOIN ({near}) n ON e.seg = n.seg AND e.start_t = n.start_t
JOIN ({far}) s ON e.seg = s.seg AND e.start_t = s.start_t
WHERE n.port_km IS NULL AND s.shore_km >= {_lit(p.min_shore_km)}"""


# --- gaps ---------------------------------------------------------------------------------


def gaps_raw_sql(p: GapParams, *, data_end: int) -> str:
    """Gaps from the next report (computed while cleaning), with `n_before`, the reports in
    the `before_window_s` up to the gap's start. Gaps are rare, so the count is a join on
    (mmsi, time bucket of `before_window_s`) rather than a window over every report."""
    c = _lit(p.reception_cell_deg)
    w = _lit(p.before_window_s)
    bucket = f"CAST(floor(ts / {w}.0) AS BIGINT)"
    gaps = f"""
SELECT mmsi, ts AS start_t, nts AS end_t, lat, lon, nlat, nlon, cog, sog
FROM positions_seg
WHERE (nts IS NOT NULL AND nts - ts >= {_lit(p.min_gap_s)})
   OR (nts IS NULL AND {_lit(data_end)} - ts >= {_lit(p.min_gap_s)})"""
    return f"""
SELECT g.mmsi, g.start_t, g.end_t, g.lat, g.lon, g.nlat, g.nlon, g.cog, g.sog, n.n_before,
  CAST(floor(g.lat / {c}) AS BIGINT) AS clat, CAST(floor(g.lon / {c}) AS BIGINT) AS clon
FROM ({gaps}) g
JOIN (
  SELECT k.mmsi, k.start_t, count(*) AS n_before
  FROM (
    SELECT mmsi, start_t, CAST(floor(start_t / {w}.0) AS BIGINT) + d AS hb
    FROM ({gaps}) g0, (SELECT unnest([-1, 0]) AS d) x
  ) k
  JOIN positions_seg s ON s.mmsi = k.mmsi AND {bucket} = k.hb
  WHERE s.ts BETWEEN k.start_t - {w} AND k.start_t
  GROUP BY k.mmsi, k.start_t
) n ON g.mmsi = n.mmsi AND g.start_t = n.start_t"""


def reception_sql(p: GapParams, *, days: float) -> str:
    c = _lit(p.reception_cell_deg)
    return f"""
SELECT CAST(floor(lat / {c}) AS BIGINT) AS clat, CAST(floor(lon / {c}) AS BIGINT) AS clon,
  count(*) / {_lit(days)} AS per_day
FROM positions_seg GROUP BY CAST(floor(lat / {c}) AS BIGINT), CAST(floor(lon / {c}) AS BIGINT)"""


def gaps_checked_sql(p: GapParams, *, data_end: int) -> str:
    """Every gap with the conditions of "likely intentional" other than shore checked:
    `candidate` is true when only the shore distance can still decide."""
    near = nearest_port_sql("gaps_raw", "e.mmsi, e.start_t", p.intentional_port_km)
    return f"""
SELECT g.mmsi, g.start_t,
  coalesce(g.end_t, {_lit(data_end)}) AS end_t, g.lat, g.lon, g.nlat AS end_lat,
  g.nlon AS end_lon, g.cog, g.sog,
  g.n_before, coalesce(r.per_day, 0.0) AS reception_per_day, n.port_km,
  g.end_t IS NULL AS is_open,
  (coalesce(g.end_t, {_lit(data_end)}) - g.start_t >= {_lit(p.intentional_gap_s)}
   AND n.port_km IS NULL
   AND coalesce(r.per_day, 0.0) >= {_lit(p.min_reception_per_day)}
   AND g.n_before >= {_lit(p.min_positions_before)}) AS candidate
FROM gaps_raw g
JOIN ({near}) n ON g.mmsi = n.mmsi AND g.start_t = n.start_t
LEFT JOIN reception r ON g.clat = r.clat AND g.clon = r.clon"""


GAP_SHORE_CANDIDATES = "SELECT mmsi, start_t, lat, lon FROM gaps_checked WHERE candidate"


def gaps_sql(p: GapParams) -> str:
    """Gap events from `gaps_checked`: likely intentional when a candidate starts at least
    `intentional_shore_km` from shore. Only candidates are measured (`shore_km` is NULL for
    the others), so the table `shore` holds the cells of `gap_shore_candidates` only: gaps
    are many, and the ones that are short, near a port or in poor reception never need it."""
    far = shore_km_sql("gap_shore_candidates", "e.mmsi, e.start_t", p.shore_cell_deg)
    return f"""
SELECT g.mmsi AS mmsi1, CAST(NULL AS BIGINT) AS mmsi2, g.start_t, g.end_t, g.lat, g.lon,
  g.end_lat, g.end_lon, g.cog, g.sog, g.n_before, g.reception_per_day, g.port_km,
  s.shore_km, g.is_open,
  (g.candidate AND coalesce(s.shore_km, 0.0) >= {_lit(p.intentional_shore_km)})
    AS likely_intentional
FROM gaps_checked g
LEFT JOIN ({far}) s ON g.mmsi = s.mmsi AND g.start_t = s.start_t"""


# --- port visits --------------------------------------------------------------------------


def port_near_sql(p: PortVisitParams, targets: Sequence[Mapping[str, Any]] = ()) -> str:
    """Positions within `exit_km` of a port of `p.countries`, with the nearest one. `targets`
    (those ports) only narrows the scan to their bounding box; results do not depend on it."""
    countries = ", ".join(_lit(c) for c in p.countries)
    dist = haversine_km("s.lat", "s.lon", "q.lat", "q.lon")
    band = p.exit_km / KM_PER_DEG + 0.01
    box = "TRUE"
    if targets:
        lats = [float(t["lat"]) for t in targets]
        lons = [float(t["lon"]) for t in targets]
        wide = band / max(math.cos(math.radians(max(abs(x) for x in lats))), 0.01)
        box = (
            f"s.lat BETWEEN {_lit(min(lats) - band)} AND {_lit(max(lats) + band)}"
            f" AND s.lon BETWEEN {_lit(min(lons) - wide)} AND {_lit(max(lons) + wide)}"
        )
    return f"""
SELECT mmsi, ts, label, d FROM (
  SELECT s.mmsi, s.ts, q.label, {dist} AS d,
    row_number() OVER (PARTITION BY s.mmsi, s.ts ORDER BY {dist}, q.label) AS rn
  FROM (SELECT mmsi, ts, lat, lon FROM positions_seg s WHERE {box}) s JOIN ports q
    ON q.iso3 IN ({countries}) AND abs(s.lat - q.lat) <= {_lit(band)}
   AND abs(s.lon - q.lon) * cos(radians(q.lat)) <= {_lit(band)}
  WHERE {dist} <= {_lit(p.exit_km)}
) x WHERE rn = 1"""


def port_visits_sql(p: PortVisitParams) -> str:
    """Visits from the tracks of the vessels that came near a port. (A join, not
    `IN (subquery)`: Spark 4.3.0 fails with "key not found" on that subquery over the union
    view `positions_seg` built from checkpointed stages.)"""
    flags = """
SELECT s.mmsi, s.ts, s.lat, s.lon, s.sog, n.label, n.d,
  CASE WHEN n.d IS NULL THEN 0 ELSE 1 END AS inside,
  lead(s.ts) OVER (PARTITION BY s.mmsi ORDER BY s.ts) AS nts,
  max(s.ts) OVER (PARTITION BY s.mmsi) AS last_ts
FROM positions_seg s
JOIN (SELECT DISTINCT mmsi FROM port_near) v ON s.mmsi = v.mmsi
LEFT JOIN port_near n ON s.mmsi = n.mmsi AND s.ts = n.ts"""
    runs = f"""
SELECT *, sum(CASE WHEN inside = 1 AND prev_label = label THEN 0 ELSE 1 END)
  OVER (PARTITION BY mmsi ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
FROM (SELECT *, lag(label) OVER (PARTITION BY mmsi ORDER BY ts) AS prev_label FROM ({flags}) f) r"""
    return f"""
SELECT mmsi AS mmsi1, CAST(NULL AS BIGINT) AS mmsi2, min(label) AS port,
  min(CASE WHEN d <= {_lit(p.entry_km)} THEN ts END) AS start_t, max(ts) AS end_t,
  avg(lat) AS lat, avg(lon) AS lon, count(*) AS n_points,
  min(d) AS min_port_km, min(sog) AS min_sog,
  CASE WHEN max(ts) < max(last_ts) THEN 1 ELSE 0 END AS exited,
  max(nts - ts) AS max_gap_s
FROM ({runs}) v
WHERE inside = 1
GROUP BY mmsi, run
HAVING min(d) <= {_lit(p.entry_km)}"""

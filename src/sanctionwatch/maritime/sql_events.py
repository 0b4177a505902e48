"""Event detectors in SQL (DuckDB dialect), one function per stage, parameters inlined.

Every query reads `positions_seg` (see `sql_clean`) and, where needed, `ports`
(World Port Index: iso3, label, lat, lon). Each final query returns one row per event with
the columns `mmsi1, mmsi2, start_t, end_t, lat, lon` plus detector-specific columns; the
pipeline turns those rows into `Event`s. `reference.py` implements the same semantics in
plain Python, and the tests hold them equal.
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
    g = _lit(p.grid_s)
    return f"""
SELECT seg, mmsi, gt AS t,
  lat + (lat1 - lat) * (gt - ts) / (ts1 - ts) AS lat,
  lon + (lon1 - lon) * (gt - ts) / (ts1 - ts) AS lon
FROM (
  SELECT seg, mmsi, ts, lat, lon, ts1, lat1, lon1,
    unnest(range(CAST(ceil(ts / {g}.0) * {g} AS BIGINT), ts1, {g})) AS gt
  FROM (
    SELECT seg, mmsi, ts, lat, lon,
      lead(ts) OVER (PARTITION BY seg ORDER BY ts) AS ts1,
      lead(lat) OVER (PARTITION BY seg ORDER BY ts) AS lat1,
      lead(lon) OVER (PARTITION BY seg ORDER BY ts) AS lon1
    FROM positions_seg
  ) p
  WHERE ts1 IS NOT NULL AND ts1 - ts < {_lit(p.max_interp_gap_s)}
) g"""


def grid_sql(p: EncounterParams) -> str:
    step = haversine_km("plat", "plon", "lat", "lon")
    return f"""
SELECT seg, mmsi, t, lat, lon,
  CAST(floor(lat / {_lit(p.cell_deg)}) AS BIGINT) AS clat,
  CAST(floor(lon / {_lit(p.cell_deg)}) AS BIGINT) AS clon,
  CASE WHEN t - pt = {_lit(p.grid_s)}
       THEN {step} / {NM_KM} * 3600.0 / {_lit(p.grid_s)} END AS kn
FROM (
  SELECT seg, mmsi, t, lat, lon,
    lag(t) OVER (PARTITION BY seg ORDER BY t) AS pt,
    lag(lat) OVER (PARTITION BY seg ORDER BY t) AS plat,
    lag(lon) OVER (PARTITION BY seg ORDER BY t) AS plon
  FROM resampled
) r"""


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


def loitering_sql(p: LoiteringParams) -> str:
    b = _lit(p.bucket_s)
    inner = f"""
SELECT seg, mmsi, h, t0, t1, n, km, dt, slat, slon,
  sum(CASE WHEN h - ph = 1 THEN 0 ELSE 1 END)
    OVER (PARTITION BY seg ORDER BY h ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
FROM (
  SELECT seg, mmsi, h, t0, t1, n, km, dt, slat, slon,
    lag(h) OVER (PARTITION BY seg ORDER BY h) AS ph
  FROM (
    SELECT seg, min(mmsi) AS mmsi, CAST(floor(ts / {b}.0) AS BIGINT) AS h,
      min(ts) AS t0, max(ts) AS t1, count(*) AS n, sum(step_km) AS km, sum(step_s) AS dt,
      sum(lat) AS slat, sum(lon) AS slon
    FROM positions_seg GROUP BY seg, CAST(floor(ts / {b}.0) AS BIGINT)
  ) hb
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
    near = nearest_port_sql("loitering_raw", "e.seg, e.start_t", p.min_port_km)
    return f"""
SELECT e.mmsi1, CAST(NULL AS BIGINT) AS mmsi2, e.start_t, e.end_t, e.lat, e.lon, e.n_points,
  e.distance_nm, e.avg_kn
FROM loitering_raw e JOIN ({near}) n ON e.seg = n.seg AND e.start_t = n.start_t
WHERE n.port_km IS NULL"""


# --- gaps ---------------------------------------------------------------------------------


def gaps_raw_sql(p: GapParams, *, data_end: int) -> str:
    c = _lit(p.reception_cell_deg)
    return f"""
SELECT mmsi, ts AS start_t, nts AS end_t, lat, lon, nlat, nlon, cog, sog, n_before,
  CAST(floor(lat / {c}) AS BIGINT) AS clat, CAST(floor(lon / {c}) AS BIGINT) AS clon
FROM (
  SELECT mmsi, ts, lat, lon, cog, sog,
    lead(ts) OVER (PARTITION BY mmsi ORDER BY ts) AS nts,
    lead(lat) OVER (PARTITION BY mmsi ORDER BY ts) AS nlat,
    lead(lon) OVER (PARTITION BY mmsi ORDER BY ts) AS nlon,
    count(*) OVER (PARTITION BY mmsi ORDER BY ts
                   RANGE BETWEEN {_lit(p.before_window_s)} PRECEDING AND CURRENT ROW) AS n_before
  FROM positions_seg
) w
WHERE (nts IS NOT NULL AND nts - ts >= {_lit(p.min_gap_s)})
   OR (nts IS NULL AND {_lit(data_end)} - ts >= {_lit(p.min_gap_s)})"""


def reception_sql(p: GapParams, *, days: float) -> str:
    c = _lit(p.reception_cell_deg)
    return f"""
SELECT CAST(floor(lat / {c}) AS BIGINT) AS clat, CAST(floor(lon / {c}) AS BIGINT) AS clon,
  count(*) / {_lit(days)} AS per_day
FROM positions_seg GROUP BY CAST(floor(lat / {c}) AS BIGINT), CAST(floor(lon / {c}) AS BIGINT)"""


def gaps_sql(p: GapParams, *, data_end: int) -> str:
    near = nearest_port_sql("gaps_raw", "e.mmsi, e.start_t", p.intentional_port_km)
    return f"""
SELECT g.mmsi AS mmsi1, CAST(NULL AS BIGINT) AS mmsi2, g.start_t,
  coalesce(g.end_t, {_lit(data_end)}) AS end_t, g.lat, g.lon, g.nlat AS end_lat,
  g.nlon AS end_lon, g.cog, g.sog,
  g.n_before, coalesce(r.per_day, 0.0) AS reception_per_day, n.port_km,
  g.end_t IS NULL AS is_open,
  (coalesce(g.end_t, {_lit(data_end)}) - g.start_t >= {_lit(p.intentional_gap_s)}
   AND n.port_km IS NULL
   AND coalesce(r.per_day, 0.0) >= {_lit(p.min_reception_per_day)}
   AND g.n_before >= {_lit(p.min_positions_before)}) AS likely_intentional
FROM gaps_raw g
JOIN ({near}) n ON g.mmsi = n.mmsi AND g.start_t = n.start_t
LEFT JOIN reception r ON g.clat = r.clat AND g.clon = r.clon"""


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
    flags = """
SELECT s.mmsi, s.ts, s.lat, s.lon, s.sog, n.label, n.d,
  CASE WHEN n.d IS NULL THEN 0 ELSE 1 END AS inside,
  lead(s.ts) OVER (PARTITION BY s.mmsi ORDER BY s.ts) AS nts,
  max(s.ts) OVER (PARTITION BY s.mmsi) AS last_ts
FROM positions_seg s
LEFT JOIN port_near n ON s.mmsi = n.mmsi AND s.ts = n.ts
WHERE s.mmsi IN (SELECT mmsi FROM port_near)"""
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

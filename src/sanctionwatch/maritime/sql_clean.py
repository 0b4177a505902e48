"""Cleaning and segmentation in SQL (DuckDB dialect; rendered for Spark by the engine layer).

Input table `raw_positions` (schema of `records.Position`). Output tables:
- `positions_flagged`: one report per (mmsi, ts) (conflicting duplicates: the minimum of each
  field, a hash aggregate rather than a sort), with a `spike` flag
  for a single report that is impossible from both neighbours while they agree with each other;
- `positions_seg`: spikes removed; `seg` = mmsi * 100000 + number of breaks so far, a break
  (`brk`) being a gap longer than `max_gap_s` (1) or an impossible implied speed (2);
  `step_km`/`step_s` measure the move from the previous report of the same segment.
"""

from __future__ import annotations

from sanctionwatch.engine.sql import haversine_km, sql_literal
from sanctionwatch.maritime.params import NM_KM, CleanParams

SEG_FACTOR = 100000


def knots(dist_km: str, dt: str, params: CleanParams) -> str:
    """Implied speed in knots over `dt` seconds, with the minimum time step applied."""
    return f"({dist_km} / {NM_KM} * 3600.0 / greatest({dt}, {sql_literal(params.min_dt_s)}))"


def dedup_sql(time_filter: str = "TRUE") -> str:
    return f"""
SELECT mmsi, ts, min(lat) AS lat, min(lon) AS lon, min(sog) AS sog, min(cog) AS cog,
  min(receiver) AS receiver
FROM raw_positions
WHERE lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 AND ({time_filter})
GROUP BY mmsi, ts"""


def flagged_sql(params: CleanParams, time_filter: str = "TRUE") -> str:
    mx = sql_literal(params.max_knots)
    prev = haversine_km("plat", "plon", "lat", "lon")
    nxt = haversine_km("lat", "lon", "nlat", "nlon")
    skip = haversine_km("plat", "plon", "nlat", "nlon")
    return f"""
SELECT mmsi, ts, lat, lon, sog, cog, receiver,
  CASE WHEN pts IS NULL OR nts IS NULL THEN 0
       WHEN {knots(prev, "ts - pts", params)} <= {mx} THEN 0
       WHEN {knots(nxt, "nts - ts", params)} <= {mx} THEN 0
       WHEN {knots(skip, "nts - pts", params)} <= {mx} THEN 1
       ELSE 0 END AS spike
FROM (
  SELECT mmsi, ts, lat, lon, sog, cog, receiver,
    lag(ts) OVER (PARTITION BY mmsi ORDER BY ts) AS pts,
    lag(lat) OVER (PARTITION BY mmsi ORDER BY ts) AS plat,
    lag(lon) OVER (PARTITION BY mmsi ORDER BY ts) AS plon,
    lead(ts) OVER (PARTITION BY mmsi ORDER BY ts) AS nts,
    lead(lat) OVER (PARTITION BY mmsi ORDER BY ts) AS nlat,
    lead(lon) OVER (PARTITION BY mmsi ORDER BY ts) AS nlon
  FROM ({dedup_sql(time_filter)}) d
) w"""


def segmented_sql(params: CleanParams) -> str:
    dist = haversine_km("plat", "plon", "lat", "lon")
    return f"""
SELECT mmsi, ts, lat, lon, sog, cog, receiver, brk, pdist_km, pts,
  mmsi * {SEG_FACTOR} + sum(CASE WHEN brk > 0 THEN 1 ELSE 0 END)
    OVER (PARTITION BY mmsi ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS seg,
  CASE WHEN brk = 0 AND pts IS NOT NULL THEN pdist_km ELSE 0.0 END AS step_km,
  CASE WHEN brk = 0 AND pts IS NOT NULL THEN ts - pts ELSE 0 END AS step_s
FROM (
  SELECT mmsi, ts, lat, lon, sog, cog, receiver, pts, pdist_km,
    CASE WHEN pts IS NULL THEN 0
         WHEN ts - pts > {sql_literal(params.max_gap_s)} THEN 1
         WHEN {knots("pdist_km", "ts - pts", params)} > {sql_literal(params.max_knots)} THEN 2
         ELSE 0 END AS brk
  FROM (
    SELECT mmsi, ts, lat, lon, sog, cog, receiver, pts, {dist} AS pdist_km
    FROM (
      SELECT mmsi, ts, lat, lon, sog, cog, receiver,
        lag(ts) OVER (PARTITION BY mmsi ORDER BY ts) AS pts,
        lag(lat) OVER (PARTITION BY mmsi ORDER BY ts) AS plat,
        lag(lon) OVER (PARTITION BY mmsi ORDER BY ts) AS plon
      FROM positions_flagged WHERE spike = 0
    ) a
  ) a2
) b"""

"""Identity summaries in SQL; the rules over these (small) summaries live in `identity.py`."""

from __future__ import annotations

from sanctionwatch.engine.sql import sql_literal
from sanctionwatch.maritime.params import IdentityParams


def jumps_sql(p: IdentityParams) -> str:
    """Per MMSI: impossible-speed jumps (segment breaks and dropped spikes: reports before
    minus reports kept), and MID 445."""
    mid = sql_literal(p.dprk_mid)
    return f"""
SELECT mmsi, n_positions, jumps, segments, first_ts, last_ts, max_jump_km, last_lat, last_lon,
  spikes
FROM (
  SELECT mmsi, count(*) AS n_positions, sum(CASE WHEN brk = 2 THEN 1 ELSE 0 END) AS jumps,
    1 + sum(CASE WHEN brk > 0 THEN 1 ELSE 0 END) AS segments,
    min(ts) AS first_ts, max(ts) AS last_ts,
    max(CASE WHEN brk = 2 THEN pdist_km END) AS max_jump_km,
    max_by(lat, ts) AS last_lat, max_by(lon, ts) AS last_lon,
    max(n_dedup) - count(*) AS spikes
  FROM positions_seg GROUP BY mmsi
) s
WHERE jumps + spikes >= {sql_literal(p.min_jumps)}
   OR CAST(floor(mmsi / 1000000) AS BIGINT) = {mid}"""


def identity_summary_sql() -> str:
    """Per (MMSI, IMO, name, call sign, length, beam): first and last time seen, and how often
    it came back. Dimensions rarely change, so they add few rows; when they do, it is news."""
    return """
SELECT mmsi, imo, name, callsign, length, width,
  min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS n
FROM identities GROUP BY mmsi, imo, name, callsign, length, width"""

"""Identity summaries in SQL; the rules over these (small) summaries live in `identity.py`."""

from __future__ import annotations

from sanctionwatch.engine.sql import sql_literal
from sanctionwatch.maritime.params import IdentityParams
from sanctionwatch.maritime.sql_clean import SPIKES_SQL


def jumps_sql(p: IdentityParams) -> str:
    """Per MMSI: impossible-speed jumps (segment breaks and dropped spikes, counted from the
    small table of reports next to a jump: `sql_clean.SPIKES_SQL`), and MID 445. Sums come
    from `sql_events.position_hours_sql` (no aggregate of its own over every report); the
    last position is looked up for the few MMSIs kept."""
    mid = sql_literal(p.dprk_mid)
    return f"""
SELECT j.mmsi, n_positions, jumps, segments, first_ts, last_ts, max_jump_km,
  l.lat AS last_lat, l.lon AS last_lon, spikes
FROM (
  SELECT s.mmsi, n_positions, jumps, segments, first_ts, last_ts, max_jump_km,
    coalesce(k.spikes, 0) AS spikes
  FROM (
    SELECT mmsi, CAST(sum(n) AS BIGINT) AS n_positions, CAST(sum(n_jump) AS BIGINT) AS jumps,
      CAST(1 + sum(n_brk) AS BIGINT) AS segments, min(t0) AS first_ts, max(t1) AS last_ts,
      max(max_jump_km) AS max_jump_km
    FROM position_hours GROUP BY mmsi
  ) s
  LEFT JOIN ({SPIKES_SQL}) k ON s.mmsi = k.mmsi
  WHERE jumps + coalesce(k.spikes, 0) >= {sql_literal(p.min_jumps)}
     OR CAST(floor(s.mmsi / 1000000) AS BIGINT) = {mid}
) j
JOIN positions_seg l ON l.mmsi = j.mmsi AND l.ts = j.last_ts"""


def identity_summary_sql() -> str:
    """Per (MMSI, IMO, name, call sign, length, beam): first and last time seen, and how often
    it came back. Dimensions rarely change, so they add few rows; when they do, it is news."""
    return """
SELECT mmsi, imo, name, callsign, length, width,
  min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS n
FROM identities GROUP BY mmsi, imo, name, callsign, length, width"""

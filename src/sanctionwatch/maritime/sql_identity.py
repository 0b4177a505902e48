"""Identity summaries in SQL; the rules over these (small) summaries live in `identity.py`."""

from __future__ import annotations

from sanctionwatch.engine.sql import sql_literal
from sanctionwatch.maritime.params import IdentityParams


def jumps_sql(p: IdentityParams) -> str:
    """Per MMSI: impossible-speed jumps (segment breaks and dropped spikes), and MID 445."""
    mid = sql_literal(p.dprk_mid)
    return f"""
SELECT s.mmsi, s.n_positions, s.jumps, s.segments, s.first_ts, s.last_ts, s.max_jump_km,
  s.last_lat, s.last_lon, coalesce(f.spikes, 0) AS spikes
FROM (
  SELECT mmsi, count(*) AS n_positions, sum(CASE WHEN brk = 2 THEN 1 ELSE 0 END) AS jumps,
    count(DISTINCT seg) AS segments, min(ts) AS first_ts, max(ts) AS last_ts,
    max(CASE WHEN brk = 2 THEN pdist_km END) AS max_jump_km,
    max_by(lat, ts) AS last_lat, max_by(lon, ts) AS last_lon
  FROM positions_seg GROUP BY mmsi
) s
LEFT JOIN (SELECT mmsi, sum(spike) AS spikes FROM positions_flagged GROUP BY mmsi) f
  ON s.mmsi = f.mmsi
WHERE s.jumps + coalesce(f.spikes, 0) >= {sql_literal(p.min_jumps)}
   OR CAST(floor(s.mmsi / 1000000) AS BIGINT) = {mid}"""


def identity_summary_sql() -> str:
    """Per (MMSI, IMO, name, call sign): first and last time seen, and how often it came back."""
    return """
SELECT mmsi, imo, name, callsign, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS n
FROM identities GROUP BY mmsi, imo, name, callsign"""

"""Cleaning and segmentation in SQL (DuckDB dialect; rendered for Spark by the engine layer).

Input table `raw_positions` (schema of `records.Position`). Output: `positions_seg`, one row
per kept report, built in one window pass over (mmsi ORDER BY ts) after a hash aggregate:

A. over the deduplicated reports (conflicting duplicates of one (mmsi, ts): the minimum of
   each field, a hash aggregate rather than a sort): flag a `spike` and find the previous
   kept report, hence the move from it (`pts`, `pdist_km`) and its break code `brk` (1: a gap
   longer than `max_gap_s`, 2: an impossible implied speed), and the next kept report
   (`nts`, `nlat`, `nlon`: what gaps need) with the break code of the move to it (`nbrk`:
   0 when it is in the same segment, what resampling needs); `n_dedup` counts the reports of
   each MMSI, so spikes per MMSI = `n_dedup` minus kept rows.
   A *candidate* is a report impossible from both neighbours while they agree with each
   other; a `spike` is a candidate whose previous report is not a candidate. Spikes are thus
   never adjacent, so the previous kept report is the one before, or the one before that: a
   LAG of 1 to 3 rows (LEAD of 1 to 2 for the next one) finds it in this same pass. (Runs of
   candidates, as when two vessels alternate on one MMSI, are kept and become jumps, not
   silently dropped.)
B. segment ids (mmsi * 100000 + number of breaks so far) are numbered later, on the small
   tables that need them (see `segmented_sql`).

Downstream stages read these columns instead of running their own window passes over the big
table. `reference.py` keeps the plain-Python semantics.
"""

from __future__ import annotations

from sanctionwatch.engine.sql import haversine_km, sql_literal
from sanctionwatch.maritime.params import NM_KM, CleanParams

SEG_FACTOR = 100000
WINDOW = "PARTITION BY mmsi ORDER BY ts"
# the move from the previous report of the same segment (0 at a segment's first report)
STEP_KM = "CASE WHEN brk = 0 AND pts IS NOT NULL THEN pdist_km ELSE 0.0 END"
STEP_S = "CASE WHEN brk = 0 AND pts IS NOT NULL THEN ts - pts ELSE 0 END"


def knots(dist_km: str, dt: str, params: CleanParams) -> str:
    """Implied speed in knots over `dt` seconds, with the minimum time step applied."""
    return f"({dist_km} / {NM_KM} * 3600.0 / greatest({dt}, {sql_literal(params.min_dt_s)}))"


def _too_fast(a: str, b: str, params: CleanParams) -> str:
    """The move between reports with column prefixes `a` and `b` (ts, lat, lon) is impossible."""
    dist = haversine_km(f"{a}lat", f"{a}lon", f"{b}lat", f"{b}lon")
    return f"{knots(dist, f'{b}ts - {a}ts', params)} > {sql_literal(params.max_knots)}"


def candidate_sql(a: str, b: str, c: str, params: CleanParams) -> str:
    """Report `b` is impossible from both `a` (before) and `c` (after), which agree.

    A CASE, not AND, so that each distance is only computed when the previous test passed."""
    return (
        f"CASE WHEN {a}ts IS NULL OR {c}ts IS NULL THEN FALSE"
        f" WHEN NOT ({_too_fast(a, b, params)}) THEN FALSE"
        f" WHEN NOT ({_too_fast(b, c, params)}) THEN FALSE"
        f" WHEN {_too_fast(a, c, params)} THEN FALSE ELSE TRUE END"
    )


def dedup_sql(time_filter: str = "TRUE") -> str:
    return f"""
SELECT mmsi, ts, min(lat) AS lat, min(lon) AS lon, min(sog) AS sog, min(cog) AS cog
FROM raw_positions
WHERE lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 AND ({time_filter})
GROUP BY mmsi, ts"""


def _break_sql(t0: str, t1: str, dist_km: str, params: CleanParams) -> str:
    """The break code of a move between kept reports: 1 a long gap, 2 an impossible jump."""
    return (
        f"CASE WHEN {t1} - {t0} > {sql_literal(params.max_gap_s)} THEN 1"
        f" WHEN {knots(dist_km, f'{t1} - {t0}', params)} > {sql_literal(params.max_knots)}"
        " THEN 2 ELSE 0 END"
    )


def flagged_sql(params: CleanParams, time_filter: str = "TRUE") -> str:
    """Pass A: every deduplicated report with `spike`, `n_dedup` and, for the reports that
    are not spikes, the previous and next kept reports and the moves to and from them.

    Every candidate test needs the move from the previous report to be impossible (`fast`),
    so the usual report costs two distances (from the previous and to the next report); the
    other tests run only after a jump. Distances are written as in the next report's row, so
    `nbrk` here equals the next row's `brk` bit for bit."""
    lags = ",\n            ".join(
        f"{fn}({col}, {k}) OVER ({WINDOW}) AS {prefix}{col}"
        for fn, k, prefix in (
            ("lag", 1, "p1"),
            ("lag", 2, "p2"),
            ("lag", 3, "p3"),
            ("lead", 1, "n1"),
            ("lead", 2, "n2"),
        )
        for col in ("ts", "lat", "lon")
    )
    cand_0 = candidate_sql("p1", "", "n1", params)  # this report
    cand_1 = candidate_sql("p2", "p1", "", params)  # the previous one
    cand_2 = candidate_sql("p3", "p2", "p1", params)  # the one before that
    cand_n = candidate_sql("", "n1", "n2", params)  # the next one
    d2 = haversine_km("p2lat", "p2lon", "lat", "lon")
    nd2 = haversine_km("lat", "lon", "n2lat", "n2lon")
    mx = sql_literal(params.max_knots)
    return f"""
SELECT mmsi, ts, lat, lon, sog, cog, n_dedup, spike, pts, pdist_km, nts, nlat, nlon,
  CASE WHEN pts IS NULL THEN 0 ELSE {_break_sql("pts", "ts", "pdist_km", params)} END AS brk,
  CASE WHEN nts IS NULL THEN NULL ELSE {_break_sql("ts", "nts", "ndist_km", params)} END
    AS nbrk
FROM (
  SELECT mmsi, ts, lat, lon, sog, cog, n_dedup, spike,
    CASE WHEN prev_spike THEN p2ts ELSE p1ts END AS pts,
    CASE WHEN prev_spike THEN {d2} ELSE d1 END AS pdist_km,
    CASE WHEN next_spike THEN n2ts ELSE n1ts END AS nts,
    CASE WHEN next_spike THEN n2lat ELSE n1lat END AS nlat,
    CASE WHEN next_spike THEN n2lon ELSE n1lon END AS nlon,
    CASE WHEN next_spike THEN {nd2} ELSE nd1 END AS ndist_km
  FROM (
    SELECT mmsi, ts, lat, lon, sog, cog, n_dedup, p1ts, d1, p2ts, p2lat, p2lon, n1ts, n1lat,
      n1lon, nd1, n2ts, n2lat, n2lon,
      CASE WHEN NOT fast THEN 0 WHEN {cand_0} AND NOT ({cand_1}) THEN 1 ELSE 0 END AS spike,
      CASE WHEN NOT fast THEN FALSE WHEN {cand_1} AND NOT ({cand_2}) THEN TRUE ELSE FALSE END
        AS prev_spike,
      CASE WHEN NOT nfast THEN FALSE WHEN {cand_n} AND NOT ({cand_0}) THEN TRUE ELSE FALSE END
        AS next_spike
    FROM (
      SELECT *, coalesce({knots("d1", "ts - p1ts", params)} > {mx}, FALSE) AS fast,
        coalesce({knots("nd1", "n1ts - ts", params)} > {mx}, FALSE) AS nfast
      FROM (
        SELECT *, {haversine_km("p1lat", "p1lon", "lat", "lon")} AS d1,
          {haversine_km("lat", "lon", "n1lat", "n1lon")} AS nd1
        FROM (
          SELECT mmsi, ts, lat, lon, sog, cog,
            {lags},
            count(*) OVER ({WINDOW} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
              AS n_dedup
          FROM ({dedup_sql(time_filter)}) d
        ) w
      ) w1
    ) w2
  ) w3
) w4"""


def segmented_sql(params: CleanParams, time_filter: str = "TRUE") -> str:
    """`positions_seg`: the kept reports. Segment ids are not a column: a running count of
    breaks over every report would need its own sort (SQL does not nest window functions),
    so the stages that group by segment number it on their smaller tables (grid points,
    hour buckets; see `sql_events`), as mmsi * SEG_FACTOR + breaks so far."""
    return f"""
SELECT mmsi, ts, lat, lon, sog, cog, n_dedup, brk, pdist_km, pts, nts, nlat, nlon, nbrk
FROM ({flagged_sql(params, time_filter)}) a
WHERE spike = 0"""

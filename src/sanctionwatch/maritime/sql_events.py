"""Event detectors in SQL (DuckDB dialect), one function per stage, parameters inlined.

Every query reads `positions_seg` (see `sql_clean`; `sog` and `cog` of the few reports
that need them come from `raw_positions` through `sql_clean.report_attrs_sql`) and, where
needed, `ports` (World Port Index: iso3, label, lat, lon) and `shore` (distance to shore of
the candidate events' cells, registered by `shore.register_shore` just before the final
query). Each
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
from sanctionwatch.maritime.sql_clean import (
    NEXT_IN_SEGMENT,
    SEG_FACTOR,
    STEP_KM,
    report_attrs_sql,
)

KM_PER_DEG = 111.0  # a little under the real 111.19, so bands are never too narrow


def _lit(value: float | int | str) -> str:
    return sql_literal(value)


def nearest_port_sql(table: str, key: str, max_km: float) -> str:
    """`key` columns of `table` with the distance to the nearest port within `max_km`
    (NULL when none is that close). A latitude band keeps the join small on both engines.

    The band is found by equality, not by comparing every row with every port: ports
    are put in latitude buckets one band wide, each port also in the buckets above and
    below its own, so a row's own bucket holds every port within a band of it (and each
    port once). A hash join instead of a nested loop over all 3,669 ports (loitering's
    final query at 10M positions: 20 -> 15 ms)."""
    band = _lit(max_km / KM_PER_DEG + 0.01)
    dist = haversine_km("e.lat", "e.lon", "p.lat", "p.lon")
    bucketed = f"""
SELECT q.lat, q.lon, CAST(floor(q.lat / {band}) AS BIGINT) + d AS bucket
FROM ports q, (VALUES (-1), (0), (1)) AS x(d)"""
    return f"""
SELECT {key}, min(CASE WHEN {dist} <= {_lit(max_km)} THEN {dist} END) AS port_km
FROM {table} e LEFT JOIN ({bucketed}) p
  ON p.bucket = CAST(floor(e.lat / {band}) AS BIGINT) AND abs(p.lat - e.lat) <= {band}
GROUP BY {key}"""


# --- encounters -------------------------------------------------------------------------


def resampled_sql(p: EncounterParams) -> str:
    """Reports on the fixed time grid. The next report of the same segment (`nts`, ... where
    `nbrk = 0`, tested as `NEXT_IN_SEGMENT`) comes from `positions_seg`, so this is a
    projection, not a window pass.
    Reports closer than the grid step mostly hold no grid point before the next one: they
    are filtered out before `range` builds a list for each (a list per report cost more
    than the rest of the projection)."""
    g = _lit(p.grid_s)
    first = f"CAST(ceil(ts / {g}.0) * {g} AS BIGINT)"
    return f"""
SELECT mmsi, gt AS t,
  lat + (nlat - lat) * (gt - ts) / (nts - ts) AS lat,
  lon + (nlon - lon) * (gt - ts) / (nts - ts) AS lon
FROM (
  SELECT mmsi, ts, lat, lon, nts, nlat, nlon, unnest(range({first}, nts, {g})) AS gt
  FROM positions_seg
  WHERE {NEXT_IN_SEGMENT} AND nts - ts < {_lit(p.max_interp_gap_s)} AND {first} < nts
) g"""


# the reports that start a segment after a break (few): only the grid points of their MMSIs
# need a running count of breaks, which they mark. One scan of the cleaned reports for both.
GRID_BREAKS = "SELECT mmsi, ts FROM positions_seg WHERE brk > 0"


def grid_sql(p: EncounterParams) -> str:
    """Grid points with their segment id and neighbour cell.

    Segment ids come from this (small) table, not from the cleaned reports. An MMSI without
    a break (in table `grid_breaks`: most of them) has one segment, numbered without a window.
    For the others, each segment break is merged into the stream of grid points as a marker
    (`kind` 0, sorted before a grid point at the same second), so the running count of
    markers is the segment number. (The implied speed from the previous grid point is only
    read for the few points of a pair: `pairs_sql` looks it up there.)"""
    cells = (
        f"CAST(floor(lat / {_lit(p.cell_deg)}) AS BIGINT) AS clat,"
        f" CAST(floor(lon / {_lit(p.cell_deg)}) AS BIGINT) AS clon"
    )
    w = "PARTITION BY mmsi ORDER BY t, kind"
    return f"""
SELECT r.mmsi * {SEG_FACTOR} AS seg, r.mmsi, r.t, r.lat, r.lon, {cells}
FROM resampled r LEFT JOIN (SELECT DISTINCT mmsi FROM grid_breaks) b ON r.mmsi = b.mmsi
WHERE b.mmsi IS NULL
UNION ALL
SELECT seg, mmsi, t, lat, lon, {cells}
FROM (
  SELECT mmsi, t, lat, lon, kind,
    mmsi * {SEG_FACTOR} + CAST(sum(CASE WHEN kind = 0 THEN 1 ELSE 0 END)
      OVER ({w} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS seg
  FROM (
    SELECT r.mmsi, r.t, r.lat, r.lon, 1 AS kind
    FROM resampled r JOIN (SELECT DISTINCT mmsi FROM grid_breaks) b ON r.mmsi = b.mmsi
    UNION ALL
    SELECT mmsi, ts AS t, CAST(NULL AS DOUBLE) AS lat, CAST(NULL AS DOUBLE) AS lon, 0 AS kind
    FROM grid_breaks
  ) u
) r
WHERE kind = 1"""


# the cells a grid point probes for partners: its own (partners with a larger MMSI only),
# the next one east, and the three of the row above. Every pair of neighbouring cells is
# then probed from one side only, so each pair is found once. An inline table: the
# planners know it holds 5 rows (DuckDB took `unnest([...])` for one row and built its
# hash table on the larger side of the pair join).
FORWARD_CELLS = "(VALUES (0, 0), (0, 1), (1, -1), (1, 0), (1, 1)) AS d(dy, dx)"
KM_PER_DEG_LAT = 6371.0 * math.pi / 180  # great-circle km per degree of latitude, exactly


def pair_points_sql(p: EncounterParams) -> str:
    """Grid points of two MMSIs within `max_dist_km` at one time (the one big join), with
    `mmsi1 < mmsi2`.

    Each point probes the cells of `FORWARD_CELLS` (5 instead of the 9 around it). Two
    points that close also differ by at most `max_dist_km / KM_PER_DEG_LAT` in latitude (a
    great circle is never shorter than its change of latitude). When that is under half a
    cell, a partner in the row above can only be near a point in the upper half of its
    own cell, so points in the lower half probe their own row only: 2 cells, 3.5 on
    average instead of 6 (longitude keeps its neighbours: a degree of it shrinks north).
    A pair found from the point with the larger MMSI is swapped into order; the distance
    is computed on the ordered pair, so it is the value a search from `mmsi1` gives."""
    c = _lit(p.cell_deg)
    probes = "TRUE"
    if p.max_dist_km / KM_PER_DEG_LAT < p.cell_deg / 2 - 1e-9:
        probes = f"d.dy = 0 OR g.lat / {c} - g.clat >= 0.5"

    def ordered(column: str, n: int) -> str:
        first, other = ("b", "a") if n == 1 else ("a", "b")
        return f"CASE WHEN a.mmsi > b.mmsi THEN {first}.{column} ELSE {other}.{column} END"

    picks = ", ".join(
        f"{ordered(col, n)} AS {col}{n}" for col in ("seg", "mmsi", "lat", "lon") for n in (1, 2)
    )
    return f"""
SELECT seg1, seg2, mmsi1, mmsi2, t, lat1, lon1, lat2, lon2, dist_km
FROM (
  SELECT *, {haversine_km("lat1", "lon1", "lat2", "lon2")} AS dist_km
  FROM (
    SELECT {picks}, a.t
    FROM (
      SELECT g.seg, g.mmsi, g.t, g.lat, g.lon, g.clat + d.dy AS nlat, g.clon + d.dx AS nlon,
        d.dy = 0 AND d.dx = 0 AS own
      FROM grid g, {FORWARD_CELLS}
      WHERE {probes}
    ) a
    JOIN grid b ON a.t = b.t AND b.clat = a.nlat AND b.clon = a.nlon
      AND (NOT a.own OR a.mmsi < b.mmsi)
  ) q
) r
WHERE dist_km <= {_lit(p.max_dist_km)}"""


def pairs_sql(p: EncounterParams) -> str:
    """Pair points keyed into runs of consecutive steps, with each vessel's implied
    speed from its previous grid point of the same segment (`kn1`, `kn2`; NULL when that
    point is missing). Only pair points need the speed, so it is looked up for them: the
    engine builds its hash tables on the few pair points and probes them with the grid
    (a table of the wanted grid points first took one more statement: the same time at
    10M positions, 3 ms more at 1M).

    A pair has one point per grid time, so within a run of consecutive steps `t` grows by
    exactly one step per row and `t - step * row_number` stays constant, while after a
    missing step it grows: that key names the run with one window (a `lag` and a running
    sum of run starts needed two, each with its own sort)."""
    g = _lit(p.grid_s)

    def kn(alias: str, n: int) -> str:
        step = haversine_km(f"{alias}.lat", f"{alias}.lon", f"q.lat{n}", f"q.lon{n}")
        return f"CASE WHEN {alias}.t IS NOT NULL THEN {step} / {NM_KM} * 3600.0 / {g} END"

    return f"""
SELECT q.seg1, q.seg2, q.mmsi1, q.mmsi2, q.t, q.lat1, q.lon1, q.lat2, q.lon2,
  {kn("g1", 1)} AS kn1, {kn("g2", 2)} AS kn2, q.dist_km,
  q.t - {g} * row_number() OVER (PARTITION BY q.seg1, q.seg2 ORDER BY q.t) AS run
FROM pair_points q
LEFT JOIN grid g1 ON g1.seg = q.seg1 AND g1.t = q.t - {g}
LEFT JOIN grid g2 ON g2.seg = q.seg2 AND g2.t = q.t - {g}"""


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
    """Runs merged per MMSI pair and group, with their figures. The runs are a CTE, not a
    view of their own: read once, they are planned inline either way, and making a view
    costs ~1 ms of binding on the encounter chain, the longest job."""
    return f"""
WITH encounter_runs AS ({runs_sql(p)})
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


def position_hours_sql(bucket_s: int) -> str:
    """One row per (MMSI, hour): time span, reports, distance moved, position sums, breaks
    and jumps, `pt1`, the time of the MMSI's last report before the hour (the previous
    row's `t1`), and `brk_before`, the MMSI's breaks in earlier hours (both from one window
    over this small table). The one hash aggregate over every cleaned
    report that loitering (by segment and hour) and identity (by MMSI:
    `sql_identity.jumps_sql`) both read."""
    b = _lit(bucket_s)
    return f"""
SELECT *, lag(t1) OVER (PARTITION BY mmsi ORDER BY h) AS pt1,
  CAST(coalesce(sum(n_brk) OVER (PARTITION BY mmsi ORDER BY h
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS BIGINT) AS brk_before
FROM (
  SELECT mmsi, CAST(floor(ts / {b}.0) AS BIGINT) AS h, min(ts) AS t0, max(ts) AS t1,
    count(*) AS n, sum({STEP_KM}) AS km, sum(lat) AS slat, sum(lon) AS slon,
    sum(CASE WHEN brk > 0 THEN 1 ELSE 0 END) AS n_brk,
    sum(CASE WHEN brk = 2 THEN 1 ELSE 0 END) AS n_jump,
    max(CASE WHEN brk = 2 THEN pdist_km END) AS max_jump_km
  FROM positions_seg GROUP BY mmsi, CAST(floor(ts / {b}.0) AS BIGINT)
) a"""


def hour_buckets_sql(p: LoiteringParams) -> str:
    """One row per (segment, hour) from `position_hours` (made with `p.bucket_s`).

    Segment ids come from the (small) bucket table rather than from every report: an hour
    without a break is one bucket as it is; in the rare hours that hold a break, `sub`
    numbers the breaks (a window over those hours' reports alone). The segment number is
    the MMSI's breaks before the hour (`brk_before`, from `position_hours`) plus `sub`:
    every break of an earlier hour starts a bucket of its own, so this equals a running
    count of the bucket rows that start with a break, without a window over the buckets.

    The time moved within a segment (`dt`) telescopes: the steps of a bucket's reports add
    up to its last report's time minus the time of the report before its first one, when
    that first report continues a segment (an hour without a break, or the part of an hour
    before its first break: the report before it is `pt1`), and minus its own time when it
    starts one (or is the MMSI's first report)."""
    b = _lit(p.bucket_s)
    hour = f"CAST(floor(ts / {b}.0) AS BIGINT)"
    moves = f"SELECT mmsi, ts, lat, lon, brk, {STEP_KM} AS km, {hour} AS h"
    return f"""
SELECT mmsi, h, t0, t1, n, km, dt, slat, slon,
  mmsi * {SEG_FACTOR} + CAST(brk_before + sub AS BIGINT) AS seg
FROM (
  SELECT mmsi, h, 0 AS sub, brk_before, t0, t1, n, km, t1 - coalesce(pt1, t0) AS dt,
    slat, slon
  FROM position_hours WHERE n_brk = 0
  UNION ALL
  SELECT mmsi, h, sub, min(brk_before) AS brk_before, min(ts) AS t0, max(ts) AS t1,
    count(*) AS n, sum(km) AS km,
    max(ts) - CASE WHEN sub = 0 THEN coalesce(min(pt1), min(ts)) ELSE min(ts) END AS dt,
    sum(lat) AS slat, sum(lon) AS slon
  FROM (
    SELECT m.mmsi, m.ts, m.lat, m.lon, m.km, m.h, y.pt1, y.brk_before,
      sum(CASE WHEN m.brk > 0 THEN 1 ELSE 0 END) OVER (PARTITION BY m.mmsi, m.h ORDER BY m.ts
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS sub
    FROM ({moves} FROM positions_seg) m
    JOIN position_hours y ON y.mmsi = m.mmsi AND y.h = m.h AND y.n_brk > 0
  ) r
  GROUP BY mmsi, h, sub
) g"""


def loitering_sql(p: LoiteringParams) -> str:
    """Runs of consecutive slow hours of one segment. A segment has one bucket per hour, so
    `h - row_number` is constant along consecutive hours and grows after a missing one: it
    keys the run with one window (as in `pairs_sql`)."""
    inner = f"""
SELECT seg, mmsi, h, t0, t1, n, km, dt, slat, slon,
  h - row_number() OVER (PARTITION BY seg ORDER BY h) AS run
FROM ({hour_buckets_sql(p)}) hb
WHERE dt > 0 AND km / {NM_KM} * 3600.0 / dt < {_lit(p.max_kn)}"""
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


def gap_starts_sql(p: GapParams, *, data_end: int) -> str:
    """Gaps from the next report (computed while cleaning); open gaps run to `data_end`.
    (One comparison on `coalesce` rather than an OR of two cases: a third of the scan.)"""
    return f"""
SELECT mmsi, ts AS start_t, nts AS end_t, lat, lon, nlat, nlon
FROM positions_seg
WHERE coalesce(nts, {_lit(data_end)}) - ts >= {_lit(p.min_gap_s)}"""


def gaps_raw_sql(p: GapParams) -> str:
    """`gap_starts` with the start report's `sog` and `cog` and `n_before`, the reports in
    the `before_window_s` up to the gap's start. Gaps are rare, so the count is a join on
    (mmsi, time bucket of `before_window_s`) rather than a window over every report."""
    c = _lit(p.reception_cell_deg)
    w = _lit(p.before_window_s)
    bucket = f"CAST(floor(ts / {w}.0) AS BIGINT)"
    attrs = report_attrs_sql("SELECT mmsi, start_t AS ts FROM gap_starts")
    return f"""
SELECT g.mmsi, g.start_t, g.end_t, g.lat, g.lon, g.nlat, g.nlon, a.cog, a.sog, n.n_before,
  CAST(floor(g.lat / {c}) AS BIGINT) AS clat, CAST(floor(g.lon / {c}) AS BIGINT) AS clon
FROM gap_starts g
JOIN ({attrs}) a ON g.mmsi = a.mmsi AND g.start_t = a.ts
JOIN (
  SELECT k.mmsi, k.start_t, count(*) AS n_before
  FROM (
    SELECT mmsi, start_t, CAST(floor(start_t / {w}.0) AS BIGINT) + d AS hb
    FROM gap_starts g0, (VALUES (-1), (0)) AS x(d)
  ) k
  JOIN positions_seg s ON s.mmsi = k.mmsi AND {bucket} = k.hb
  WHERE s.ts BETWEEN k.start_t - {w} AND k.start_t
  GROUP BY k.mmsi, k.start_t
) n ON g.mmsi = n.mmsi AND g.start_t = n.start_t"""


def reception_sql(p: GapParams, *, days: float) -> str:
    """Reports per day in the reception cells of `gaps_raw` only: a join from those few
    cells instead of an aggregate over every report (and nothing to scan without gaps)."""
    c = _lit(p.reception_cell_deg)
    return f"""
SELECT k.clat, k.clon, count(*) / {_lit(days)} AS per_day
FROM positions_seg s
JOIN (SELECT DISTINCT clat, clon FROM gaps_raw) k
  ON CAST(floor(s.lat / {c}) AS BIGINT) = k.clat AND CAST(floor(s.lon / {c}) AS BIGINT) = k.clon
GROUP BY k.clat, k.clon"""


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
    flags = f"""
SELECT s.mmsi, s.ts, s.lat, s.lon, a.sog, n.label, n.d,
  CASE WHEN n.d IS NULL THEN 0 ELSE 1 END AS inside,
  lead(s.ts) OVER (PARTITION BY s.mmsi ORDER BY s.ts) AS nts,
  max(s.ts) OVER (PARTITION BY s.mmsi) AS last_ts
FROM positions_seg s
JOIN (SELECT DISTINCT mmsi FROM port_near) v ON s.mmsi = v.mmsi
LEFT JOIN port_near n ON s.mmsi = n.mmsi AND s.ts = n.ts
LEFT JOIN ({report_attrs_sql("SELECT mmsi, ts FROM port_near")}) a
  ON s.mmsi = a.mmsi AND s.ts = a.ts"""
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

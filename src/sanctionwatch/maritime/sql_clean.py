"""Cleaning and segmentation in SQL (DuckDB dialect; rendered for Spark by the engine layer).

Input table `raw_positions` (schema of `records.Position`). Output: the view `positions_seg`,
one row per kept report, built by `clean_positions` in one window pass over the big table:

A. `positions_flagged`: the deduplicated reports (conflicting duplicates of one (mmsi, ts):
   the minimum of each field; see `clean_positions` for when that takes a hash aggregate
   and when the window itself proves there is nothing to merge) with, from ONE window
   (mmsi ORDER BY ts) of lag 1 and lead 1 only, the distance from the previous report
   (`pdist_km`), the next report (`nts`, `nlat`, `nlon`), the break codes (`brk` for the
   move from the previous report, `nbrk` for the move to the next: 1 a gap longer than
   `max_gap_s`, 2 an impossible implied speed, 0 same segment) and `anom`, how the report
   relates to jumps. The three codes are stored packed in one small column `code` (see
   `code_sql`): this table is written for every report, and its width is what it costs.
B. `positions_fixed`: the rare reports next to an impossible move, fixed in a second window
   over them alone. A *candidate* is a report impossible from both neighbours while they
   agree with each other; a *spike* is a candidate whose previous report is not a candidate.
   Spikes are dropped (kept here with `spike` true, so `SPIKES_SQL` counts them per MMSI
   without a count over every report), and the reports around one then see the report
   beyond it.
C. `positions_seg` = the untouched reports of A plus B, as a view (nothing is copied) that
   decodes `brk` and `nbrk`.

Why this shape: whether a report is a spike, or next to one, depends on reports up to three
away, but only after an impossible move. Every report that a spike decision needs
(the previous report of a report reached too fast, the next report of one that leaves too
fast) is itself next to an impossible move, so B's window over those reports alone, ordered
by time, finds them at lag/lead 1 or 2: the big window keeps six lag/lead instead of
fifteen, and the spike logic runs on a few rows. (A count per MMSI over the big window
cost more than the six lag/lead together: it is gone, see `SPIKES_SQL`.) (Runs of candidates,
as when two vessels alternate on one MMSI, are kept and become jumps, not silently dropped.)

Segment ids (mmsi * 100000 + number of breaks so far) are numbered later, on the small
tables that need them (see `sql_events`): a running count over every report would need its
own sort. Downstream stages read these columns instead of running their own window passes
over the big table. `reference.py` keeps the plain-Python semantics.
"""

from __future__ import annotations

from typing import Literal

from sanctionwatch.engine.base import Branches, Engine, Step, rows, run_concurrently, run_steps
from sanctionwatch.engine.sql import haversine_km, sql_literal
from sanctionwatch.maritime.params import NM_KM, CleanParams

SEG_FACTOR = 100000
WINDOW = "PARTITION BY mmsi ORDER BY ts"
# the move from the previous report of the same segment (0 at a segment's first report)
# (`pdist_km` is NULL exactly when there is no previous report: the haversine itself is not
# NULL then, as `least` skips NULLs on both engines). The time moved needs no column: within
# a segment the steps telescope, so `sql_events` takes it from the times of the first and
# last reports of a bucket and of the report before it.
STEP_KM = "CASE WHEN brk = 0 AND pdist_km IS NOT NULL THEN pdist_km ELSE 0.0 END"
# the columns of `positions_seg`, in order
# (no `sog`, `cog`: carrying them through the window's sort and into the table cost a sixth
# of the cleaning; the few rows that report them, gap starts and port calls, look them up
# with `report_attrs_sql`. No time of the previous report: see STEP_KM.)
SEG_COLUMNS = "mmsi, ts, lat, lon, brk, pdist_km, nts, nlat, nlon, nbrk"
# spikes (dropped reports) per MMSI, for identity's jump count
SPIKES_SQL = "SELECT mmsi, count(*) AS spikes FROM positions_fixed WHERE spike GROUP BY mmsi"
# `anom` codes: how a report relates to impossible moves (fast: from the previous report;
# nfast: to the next one; a candidate is always both)
NORMAL, FAST, NFAST, BOTH, CANDIDATE = 0, 1, 2, 3, 7
# `brk` (0-2), `nbrk` (0-2, NULL stored as 3) and `anom` (0-7) packed into one TINYINT
# (at most 2 + 9 + 84 = 95): one byte instead of three 4-byte columns with validity masks.
# `anom` = 0 (the reports `positions_seg` takes from pass A as they are) is `code` < 12.


def code_sql(brk: str, nbrk: str, anom: str) -> str:
    """The packed `code` of the expressions `brk`, `nbrk` and `anom`."""
    return f"CAST({brk} + 3 * coalesce({nbrk}, 3) + 12 * {anom} AS TINYINT)"


BRK_SQL = "CAST(code % 3 AS INTEGER)"
NBRK_SQL = (
    "CASE WHEN code % 12 >= 9 THEN CAST(NULL AS INTEGER) ELSE CAST((code % 12) // 3 AS INTEGER) END"
)
ANOM_SQL = "CAST(code // 12 AS INTEGER)"
NORMAL_CODES = 12  # code < 12: anom = NORMAL
# `nbrk = 0` on `positions_seg`, as a test of the stored `code`: the scan evaluates it
# itself, where a filter on the decoded `nbrk` ran above the union (twice the scan's time)
NEXT_IN_SEGMENT = "code < 3"


def knots(dist_km: str, dt: str, params: CleanParams) -> str:
    """Implied speed in knots over `dt` seconds, with the minimum time step applied."""
    return f"({dist_km} / {NM_KM} * 3600.0 / greatest({dt}, {sql_literal(params.min_dt_s)}))"


CleanPlan = Literal["auto", "dedup", "optimistic"]
# `auto` looks for duplicates among the MMSIs divisible by this (a cheap sample) first; a
# power of two, so the test is on the low bits (`&` cost a third less than `%` at 1M rows)
DUP_SAMPLE_MOD = 64
VALID = "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180"


def valid_sql(time_filter: str = "TRUE") -> str:
    """Reports with valid coordinates in the time filter, as they are (no deduplication)."""
    return f"""
SELECT mmsi, ts, lat, lon FROM raw_positions WHERE {VALID} AND ({time_filter})"""


def dedup_sql(time_filter: str = "TRUE", source: str = "raw_positions") -> str:
    return f"""
SELECT mmsi, ts, min(lat) AS lat, min(lon) AS lon
FROM {source}
WHERE {VALID} AND ({time_filter})
GROUP BY mmsi, ts"""


def report_attrs_sql(keys: str) -> str:
    """`sog` and `cog` of the cleaned reports (mmsi, ts) of `keys`, as deduplication gives
    them (the minimum of each over the valid reports at that time): a join probed by the
    raw reports into the few keys, instead of two more columns through the cleaning."""
    return f"""
SELECT k.mmsi, k.ts, min(r.sog) AS sog, min(r.cog) AS cog
FROM (SELECT DISTINCT mmsi, ts FROM ({keys}) k0) k
JOIN raw_positions r ON r.mmsi = k.mmsi AND r.ts = k.ts
WHERE r.lat BETWEEN -90 AND 90 AND r.lon BETWEEN -180 AND 180
GROUP BY k.mmsi, k.ts"""


def dup_sample_sql(time_filter: str = "TRUE") -> str:
    """Duplicated (mmsi, ts) among a sample of MMSIs: a hash aggregate over ~1/64 of rows.
    Invalid coordinates are not filtered out: the answer only picks a plan (all plans give
    the same rows), and the filter cost half the sample's time."""
    return f"""
SELECT count(*) AS n FROM (
  SELECT mmsi, ts FROM raw_positions
  WHERE (mmsi & {DUP_SAMPLE_MOD - 1}) = 0 AND ({time_filter})
  GROUP BY mmsi, ts HAVING count(*) > 1
) d"""


def dup_mmsi_sql(table: str) -> str:
    """MMSIs with two reports at one time in a pass over undeduplicated reports: there,
    duplicates are neighbours in the window's order, so a row's next one has its time."""
    return f"SELECT DISTINCT mmsi FROM {table} WHERE nts = ts"


def dup_count_sql(table: str) -> str:
    """How many MMSIs `dup_mmsi_sql` names (a count, so the table is made only if any)."""
    return f"SELECT count(*) AS n FROM ({dup_mmsi_sql(table)}) d"


def _break_sql(t0: str, t1: str, dist_km: str, params: CleanParams) -> str:
    """The break code of a move between kept reports: 1 a long gap, 2 an impossible jump."""
    return (
        f"CASE WHEN {t1} - {t0} > {sql_literal(params.max_gap_s)} THEN 1"
        f" WHEN {knots(dist_km, f'{t1} - {t0}', params)} > {sql_literal(params.max_knots)}"
        " THEN 2 ELSE 0 END"
    )


def _in(column: str, codes: tuple[int, ...]) -> str:
    return f"{column} IN ({', '.join(str(c) for c in codes)})"


def slow_bound_sql(lat1: str, lon1: str, lat2: str, lon2: str, dt: str, params: CleanParams) -> str:
    """True only when the move is surely not impossible, without trigonometry: R times the
    sum of the latitude and longitude differences (radians) is a path along a meridian
    and a parallel, never shorter than the great circle, and the margin covers rounding.
    The usual report passes; the rest get the exact haversine, so results are the same."""
    bound = f"(6371.0 * (abs(radians({lat2} - {lat1})) + abs(radians({lon2} - {lon1}))))"
    return f"{knots(bound, dt, params)} <= {sql_literal(params.max_knots * (1 - 1e-9))}"


def flagged_sql(params: CleanParams, source: str) -> str:
    """Pass A: every report of `source` (deduplicated) with neighbours and `code` (the
    break codes and `anom`, packed).

    Distances are written as in the next report's row (from the earlier report to the later
    one), so `nbrk` here equals the next row's `brk` bit for bit. Each report costs one
    haversine (from the previous report, kept for loitering and jumps); the move to the next
    report is checked with `slow_bound_sql` first, and the distance from the previous to the
    next report (for a candidate) runs only after a jump."""
    mx, gap = sql_literal(params.max_knots), sql_literal(params.max_gap_s)
    skip = haversine_km("plat", "plon", "nlat", "nlon")
    ndist = haversine_km("lat", "lon", "nlat", "nlon")
    brk = f"CASE WHEN pts IS NULL THEN 0 WHEN ts - pts > {gap} THEN 1 WHEN fast THEN 2 ELSE 0 END"
    nbrk = (
        f"CASE WHEN nts IS NULL THEN NULL WHEN nts - ts > {gap} THEN 1 WHEN nfast THEN 2 ELSE 0 END"
    )
    anom = f"""CASE WHEN NOT fast AND NOT nfast THEN {NORMAL}
       WHEN NOT fast THEN {NFAST} WHEN NOT nfast THEN {FAST}
       WHEN {knots(skip, "nts - pts", params)} > {mx} THEN {BOTH}
       ELSE {CANDIDATE} END"""
    # the usual report (neighbours on both sides, no long gap, no impossible move) has
    # code 0; only the others evaluate the three codes (~15 ms of ~270 at 1M reports)
    usual = f"NOT fast AND NOT nfast AND ts - pts <= {gap} AND nts - ts <= {gap}"
    # `fast` needs a previous report: the haversine from a NULL position is not NULL
    # (`least` skips NULLs), which flagged every MMSI's first report and sent it to pass B
    return f"""
SELECT mmsi, ts, lat, lon, CASE WHEN pts IS NOT NULL THEN pdist_km END AS pdist_km, nts,
  nlat, nlon,
  CASE WHEN {usual} THEN CAST(0 AS TINYINT) ELSE {code_sql(brk, nbrk, anom)} END AS code
FROM (
  SELECT *, pts IS NOT NULL AND {knots("pdist_km", "ts - pts", params)} > {mx} AS fast,
    CASE WHEN nts IS NULL THEN FALSE
         WHEN {slow_bound_sql("lat", "lon", "nlat", "nlon", "nts - ts", params)} THEN FALSE
         ELSE {knots(ndist, "nts - ts", params)} > {mx} END AS nfast
  FROM (
    SELECT *, {haversine_km("plat", "plon", "lat", "lon")} AS pdist_km
    FROM (
      SELECT mmsi, ts, lat, lon,
        lag(ts) OVER ({WINDOW}) AS pts, lag(lat) OVER ({WINDOW}) AS plat,
        lag(lon) OVER ({WINDOW}) AS plon, lead(ts) OVER ({WINDOW}) AS nts,
        lead(lat) OVER ({WINDOW}) AS nlat, lead(lon) OVER ({WINDOW}) AS nlon
      FROM ({source}) d
    ) w
  ) w1
) w2"""


def fixed_sql(params: CleanParams) -> str:
    """Pass B: the reports next to an impossible move (`anom` > 0), spikes dropped and the
    reports around a spike given the report beyond it.

    Over these rows alone, ordered by time: a report reached too fast has its previous
    report at lag 1 (that one leaves too fast, so it is here), and when that previous report
    is a candidate, the one before it is at lag 2 (it also leaves too fast). Symmetrically a
    report that leaves too fast has its next report at lead 1, whose own `nts`... give the
    report after that. Spikes stay in the table (`spike` true) to be counted per MMSI."""
    fast = _in("anom", (FAST, BOTH, CANDIDATE))
    nfast = _in("anom", (NFAST, BOTH, CANDIDATE))
    d2 = haversine_km("p2lat", "p2lon", "lat", "lon")
    nd2 = haversine_km("lat", "lon", "n2lat", "n2lon")
    return f"""
SELECT mmsi, ts, lat, lon, spike,
  CASE WHEN prev_spike THEN {_break_sql("p2ts", "ts", d2, params)} ELSE brk END AS brk,
  CASE WHEN prev_spike THEN {d2} ELSE pdist_km END AS pdist_km,
  CASE WHEN next_spike THEN n2ts ELSE nts END AS nts,
  CASE WHEN next_spike THEN n2lat ELSE nlat END AS nlat,
  CASE WHEN next_spike THEN n2lon ELSE nlon END AS nlon,
  CASE WHEN next_spike THEN {_break_sql("ts", "n2ts", nd2, params)} ELSE nbrk END AS nbrk
FROM (
  SELECT *,
    anom = {CANDIDATE} AND NOT (coalesce(c1, FALSE) AND {fast}) AS spike,
    {fast} AND coalesce(c1, FALSE) AND NOT coalesce(c2, FALSE) AS prev_spike,
    {nfast} AND coalesce(cn1, FALSE) AND anom <> {CANDIDATE} AS next_spike
  FROM (
    SELECT *,
      lag(anom = {CANDIDATE}) OVER ({WINDOW}) AS c1,
      lag(anom = {CANDIDATE}, 2) OVER ({WINDOW}) AS c2,
      lead(anom = {CANDIDATE}) OVER ({WINDOW}) AS cn1,
      lag(ts, 2) OVER ({WINDOW}) AS p2ts, lag(lat, 2) OVER ({WINDOW}) AS p2lat,
      lag(lon, 2) OVER ({WINDOW}) AS p2lon, lead(nts) OVER ({WINDOW}) AS n2ts,
      lead(nlat) OVER ({WINDOW}) AS n2lat, lead(nlon) OVER ({WINDOW}) AS n2lon
    FROM (
      SELECT mmsi, ts, lat, lon, pdist_km, nts, nlat, nlon, {BRK_SQL} AS brk,
        {NBRK_SQL} AS nbrk, {ANOM_SQL} AS anom
      FROM positions_flagged WHERE code >= {NORMAL_CODES}
    ) a
  ) w
) f"""


def segmented_sql() -> str:
    """`positions_seg`: the reports of pass A that no jump touched, plus pass B's, with
    `code` (of `brk` and `nbrk`; `anom` is 0 here) beside the decoded columns, so stages
    can filter on the stored byte (`NEXT_IN_SEGMENT`)."""
    return f"""
SELECT mmsi, ts, lat, lon, {BRK_SQL} AS brk, pdist_km, nts, nlat, nlon, {NBRK_SQL} AS nbrk,
  code
FROM positions_flagged WHERE code < {NORMAL_CODES}
UNION ALL
SELECT {SEG_COLUMNS}, {code_sql("brk", "nbrk", "0")} AS code
FROM positions_fixed WHERE NOT spike"""


def clean_positions(
    engine: Engine,
    params: CleanParams,
    time_filter: str = "TRUE",
    plan: CleanPlan = "auto",
    branches: Branches | None = None,
) -> str:
    """Make `positions_seg` from `raw_positions` (reports in `time_filter`); returns the plan
    taken. Every plan gives the same rows; they differ in what they cost.

    Merging duplicates is a hash aggregate over every report, a third of the cleaning time
    on data without any (deduplicated feeds, one receiver). So unless a sample of MMSIs
    shows duplicates ("dedup" plan), pass A runs on the reports as they are ("optimistic"):
    duplicates are then neighbours in its window, so the pass itself proves there are none,
    or names the MMSIs that have some, and only those are deduplicated and passed again.
    Pass B starts at once, beside that check (on `branches`, when given): it is made again
    only in the rare case that the check finds duplicates.
    """
    valid = valid_sql(time_filter)
    if plan == "auto":
        plan = "dedup" if rows(engine, dup_sample_sql(time_filter))[0]["n"] else "optimistic"
    # every name keeps its kind (table or view) whatever the plan: one engine may clean
    # several windows of time, each with its own plan
    if plan == "dedup":
        engine.create("positions_pass", flagged_sql(params, dedup_sql(time_filter)))
        _pass_b(engine, params, "SELECT * FROM positions_pass")
        return "dedup"
    engine.create("positions_pass", flagged_sql(params, valid))
    redo, _ = run_concurrently(
        engine,
        [
            lambda e: int(rows(e, dup_count_sql("positions_pass"))[0]["n"]),
            lambda e: _pass_b(e, params, "SELECT * FROM positions_pass"),
        ],
        branches,
    )
    if redo == 0:
        return "optimistic"
    engine.create("dup_mmsi", dup_mmsi_sql("positions_pass"))
    # joins rather than IN / NOT IN subqueries (`dup_mmsi` is distinct): Spark failed on
    # an IN subquery over these views (see `sql_events.port_visits_sql`)
    redo_raw = "SELECT r.* FROM raw_positions r JOIN dup_mmsi d ON r.mmsi = d.mmsi"
    engine.create("positions_redo", flagged_sql(params, dedup_sql(time_filter, f"({redo_raw}) r")))
    _pass_b(
        engine,
        params,
        "SELECT p.* FROM positions_pass p LEFT JOIN dup_mmsi d ON p.mmsi = d.mmsi"
        " WHERE d.mmsi IS NULL UNION ALL SELECT * FROM positions_redo",
    )
    return f"optimistic, {redo} MMSIs deduplicated again"


def _pass_b(engine: Engine, params: CleanParams, flagged: str) -> None:
    """Pass B over pass A's reports `flagged`, and the view `positions_seg`."""
    run_steps(
        engine,
        [
            Step("positions_flagged", flagged, view=True),
            Step("positions_fixed", fixed_sql(params)),
            Step("positions_seg", segmented_sql(), view=True),
        ],
    )

"""Run every detector on one engine: cleaning, then each SQL stage, then the Python rules.

`detect` is the one entry point the CLI, benchmarks and tests call. Stage timings and row
counts come back with the events so the benchmark can report positions per second per stage.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sanctionwatch.engine import (
    Branches,
    Engine,
    MadeOnce,
    Step,
    rows,
    run_concurrently,
    run_steps,
)
from sanctionwatch.errors import InputError
from sanctionwatch.maritime import sql_clean, sql_events, sql_identity
from sanctionwatch.maritime.events import (
    approach_then_dark,
    dark_sts,
    flag_watchlist,
    gap_kind,
    merge_windows,
    port_visit_details,
    rows_to_events,
    vessel_directory,
)
from sanctionwatch.maritime.identity import identity_rows
from sanctionwatch.maritime.params import DetectConfig
from sanctionwatch.maritime.records import POSITION_SCHEMA, Event
from sanctionwatch.maritime.shore import register_shore
from sanctionwatch.maritime.sql_clean import CleanPlan
from sanctionwatch.maritime.storage import StoredPositions
from sanctionwatch.maritime.watchlist import Watchlist

PORT_SCHEMA = pa.schema(
    [("iso3", pa.string()), ("label", pa.string()), ("lat", pa.float64()), ("lon", pa.float64())]
)
ALL_DETECTORS = ("encounter", "loitering", "gap", "port_visit", "identity", "dark_sts")


def load_ports(path: Path | None) -> pa.Table:
    """World Port Index rows (iso3, label, latitude, longitude); empty without a file."""
    columns: dict[str, list[Any]] = {"iso3": [], "label": [], "lat": [], "lon": []}
    if path is not None:
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (KeyError, ValueError):
                continue
            columns["iso3"].append(row.get("iso3") or "")
            columns["label"].append(row.get("label") or "")
            columns["lat"].append(lat)
            columns["lon"].append(lon)
    return pa.table(columns, schema=PORT_SCHEMA)


def port_targets(ports: pa.Table, countries: Iterable[str]) -> list[dict[str, Any]]:
    """The ports of `countries` as rows: filtered in Arrow first, since turning all 3,669
    World Port Index rows into dicts took ~1.3 ms, twice per run."""
    wanted = pa.array(sorted(set(countries)), pa.string())
    chosen: list[dict[str, Any]] = ports.filter(
        pc.is_in(ports["iso3"], value_set=wanted)
    ).to_pylist()
    return chosen


@dataclass
class DetectResult:
    """Events plus what each stage did."""

    events: list[Event]
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DetectInput:
    """What the detectors read: positions, identities, ports and the watchlist."""

    positions: pa.Table | StoredPositions  # stored: the engine reads the Parquet itself
    identities: pa.Table
    ports: pa.Table
    watchlist: Watchlist | None = None


class _Timer:
    """Runs stages (steps to materialise or name, then an optional final query) and times
    them. A step read once is a view (`Step(..., view=True)`), which the engine then plans
    inline into its reader."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        # process CPU (all engine threads), steadier than wall; stages that run at once
        # (`run_concurrently`) each count the CPU of the others meanwhile
        self.cpu: dict[str, float] = {}
        self._lock = threading.Lock()

    def stage(
        self,
        engine: Engine,
        name: str,
        steps: list[Step],
        final: str | None,
        *,
        before_final: Callable[[], object] | None = None,
        candidates: str | None = None,
    ) -> list[dict[str, Any]]:
        """`before_final` runs between the steps and the final query, inside the stage's
        time: registering the shore cells of a stage's candidates is part of its cost.

        `candidates` names the step that every later step and the final query start from
        (by inner joins): when it is empty, the stage ends there with no rows. Those
        queries could find nothing, and planning them costs a few ms each, most of a
        stage's time on data without such events."""
        start, cpu = time.perf_counter(), time.process_time()
        result = self._run(engine, steps, final, before_final, candidates)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        with self._lock:
            self.stages[name] = self.stages.get(name, 0.0) + wall
            self.cpu[name] = self.cpu.get(name, 0.0) + cpu
        return result

    @staticmethod
    def _run(
        engine: Engine,
        steps: list[Step],
        final: str | None,
        before_final: Callable[[], object] | None,
        candidates: str | None,
    ) -> list[dict[str, Any]]:
        for step in steps:
            run_steps(engine, [step])
            if step.name == candidates and engine.count(step.name) == 0:
                return []
        if before_final is not None:
            before_final()
        return rows(engine, final) if final is not None else []


Job = Callable[[Engine], None]
Directory = dict[int, dict[str, str | None]]
SPAN_SQL = "SELECT count(*) AS n, min(ts) AS t0, max(ts) AS t1 FROM positions_seg"
# the same span from the per-(MMSI, hour) sums, far fewer rows than the cleaned reports
SPAN_FROM_HOURS_SQL = """SELECT CAST(coalesce(sum(n), 0) AS BIGINT) AS n, min(t0) AS t0,
  max(t1) AS t1 FROM position_hours"""


def _stage_jobs(
    timer: _Timer,
    cfg: DetectConfig,
    data: DetectInput,
    wanted: set[str],
    found: dict[str, list[dict[str, Any]]],
    shore_cells: dict[str, int],
    span: dict[str, Any],
    made: dict[str, list[Event]],
) -> list[Job]:
    """The stages after cleaning as independent jobs, longest first: each reads
    `positions_seg` and small inputs and makes names of its own, and puts its rows in
    `found` under its own key. (Loitering and identity share `position_hours`, so one job
    runs both; `shore` is registered per connection, so each branch has its own.)
    The span of the cleaned reports (`n`, `t0`, `t1`) goes into `span`, measured by the gap
    job that needs it, or by the identity summary: off the path of the longest stage.

    The summary runs second, so that the vessel directory is known when the later jobs end:
    they turn their rows into events (`made`) in their own thread while the encounter chain
    still runs, which takes that Python off the end of the run."""
    jobs: list[Job] = []
    needs_gap = bool(wanted & {"gap", "dark_sts", "port_visit"})
    directory: Future[Directory] = Future()
    hours_made = threading.Event()  # `position_hours` exists: the span can come from it
    # the encounter chain's break reports, made first by the other worker (off the chain)
    grid_breaks = MadeOnce(
        lambda engine: timer.stage(
            engine, "encounter", [Step("grid_breaks", sql_events.GRID_BREAKS)], None
        )
    )

    def convert(kind: str) -> None:
        # waits only on the summary, which was taken before any job that calls this one
        made[kind] = detector_events(kind, found[kind], cfg, directory.result())

    def measure_span(engine: Engine) -> None:
        span.update(rows(engine, SPAN_FROM_HOURS_SQL if hours_made.is_set() else SPAN_SQL)[0])

    def encounter(engine: Engine) -> None:
        p = cfg.encounter
        timer.stage(engine, "encounter", [Step("resampled", sql_events.resampled_sql(p))], None)
        grid_breaks.ensure(engine)
        found["encounter"] = timer.stage(
            engine,
            "encounter",
            [
                Step("grid", sql_events.grid_sql(p)),
                Step("pair_points", sql_events.pair_points_sql(p)),
                Step("pairs", sql_events.pairs_sql(p)),
                Step("encounter_merged", sql_events.merged_sql(p)),
            ],
            sql_events.encounters_sql(p),
            candidates="pair_points",
        )
        # with one worker the summary has not run yet: then `assemble` converts these rows
        if directory.done():
            convert("encounter")

    def loitering_identity(engine: Engine) -> None:
        # per (MMSI, hour) sums that loitering and identity share: made by the first
        hours = [Step("position_hours", sql_events.position_hours_sql(cfg.loitering.bucket_s))]
        if wanted & {"loitering", "dark_sts"}:
            lp = cfg.loitering
            shore_cells["loitering"] = 0
            found["loitering"] = timer.stage(
                engine,
                "loitering",
                [*hours, Step("loitering_raw", sql_events.loitering_sql(lp))],
                sql_events.loitering_final_sql(lp),
                before_final=lambda: shore_cells.update(
                    loitering=register_shore(engine, ["loitering_raw"], lp.shore_cell_deg)
                ),
                candidates="loitering_raw",
            )
            hours_made.set()
            convert("loitering")
            hours = []
        if "identity" in wanted:
            found["jumps"] = timer.stage(
                engine, "identity", hours, sql_identity.jumps_sql(cfg.identity)
            )
            hours_made.set()

    def gap(engine: Engine) -> None:
        measure_span(engine)
        if not span["n"]:
            return
        data_end: int = span["t1"]
        days = max((data_end - span["t0"]) / 86400.0, 1.0)
        gp = cfg.gap
        shore_cells["gap"] = 0
        found["gap"] = timer.stage(
            engine,
            "gap",
            [
                Step("gap_starts", sql_events.gap_starts_sql(gp, data_end=data_end)),
                Step("gaps_raw", sql_events.gaps_raw_sql(gp)),
                Step("reception", sql_events.reception_sql(gp, days=days), view=True),
                Step("gaps_checked", sql_events.gaps_checked_sql(gp, data_end=data_end)),
                Step("gap_shore_candidates", sql_events.GAP_SHORE_CANDIDATES, view=True),
            ],
            sql_events.gaps_sql(gp),
            before_final=lambda: shore_cells.update(
                gap=register_shore(engine, ["gap_shore_candidates"], gp.shore_cell_deg)
            ),
            candidates="gap_starts",
        )
        convert("gap")

    def port_visit(engine: Engine) -> None:
        pp = cfg.port_visit
        targets = port_targets(data.ports, pp.countries)
        found["port_visit"] = timer.stage(
            engine,
            "port_visit",
            [Step("port_near", sql_events.port_near_sql(pp, targets))],
            sql_events.port_visits_sql(pp),
            candidates="port_near",
        )
        convert("port_visit")

    def summary(engine: Engine) -> None:
        try:
            found["summary"] = timer.stage(
                engine, "identity", [], sql_identity.identity_summary_sql()
            )
            directory.set_result(vessel_directory(found["summary"]))
        except BaseException as error:  # the jobs waiting on the directory fail too
            directory.set_exception(error)
            raise
        if not needs_gap:
            measure_span(engine)

    if wanted & {"encounter", "dark_sts"}:
        jobs += [encounter, grid_breaks.ensure]
    jobs.append(summary)
    if wanted & {"loitering", "dark_sts", "identity"}:
        jobs.append(loitering_identity)
    if needs_gap:
        jobs.append(gap)
    if "port_visit" in wanted:
        jobs.append(port_visit)
    return jobs


def detect(
    engine: Engine,
    data: DetectInput,
    *,
    config: DetectConfig | None = None,
    start: int | None = None,
    end: int | None = None,
    detectors: tuple[str, ...] = ALL_DETECTORS,
    clean_plan: CleanPlan = "auto",
) -> DetectResult:
    """All events in [start, end) (epoch s; None = unbounded) on one engine. `clean_plan`
    chooses how duplicates are found (see `sql_clean.clean_positions`), never the result."""
    cfg = config or DetectConfig()
    timer = _Timer()
    if isinstance(data.positions, StoredPositions):
        engine.register_parquet("raw_positions", str(data.positions.root), POSITION_SCHEMA.names)
    else:
        engine.register("raw_positions", data.positions)
    engine.register("identities", data.identities)
    engine.register("ports", data.ports)
    conds = ["TRUE"]
    if start is not None:
        conds.append(f"ts >= {int(start)}")
    if end is not None:
        conds.append(f"ts < {int(end)}")
    found: dict[str, list[dict[str, Any]]] = {k: [] for k in (*ALL_DETECTORS, "summary", "jumps")}
    # cells measured per stage (0 when a stage had no candidates)
    shore_cells: dict[str, int] = {}
    span: dict[str, Any] = {}
    made: dict[str, list[Event]] = {}  # events the jobs made from their rows
    jobs = _stage_jobs(timer, cfg, data, set(detectors), found, shore_cells, span, made)
    started, started_cpu = time.perf_counter(), time.process_time()
    # the workers' connections are made while the cleaning's first pass runs
    with Branches(engine) as branches:
        where = " AND ".join(conds)
        plan = sql_clean.clean_positions(engine, cfg.clean, where, clean_plan, branches)
        timer.stages["clean"] = time.perf_counter() - started
        timer.cpu["clean"] = time.process_time() - started_cpu
        started = time.perf_counter()
        run_concurrently(engine, jobs, branches)
    stats: dict[str, Any] = {"positions_in": _positions_in(engine, data), "clean_plan": plan}
    stats["after_clean_s"] = round(time.perf_counter() - started, 4)  # stages overlap
    stats["workers"] = min(engine.concurrency, len(jobs))
    n, t0, t1 = span["n"], span["t0"], span["t1"]
    stats["positions_clean"] = n
    if n == 0:  # the stages found nothing; the identity summary alone makes no event
        return DetectResult([], {**stats, "stages_s": timer.stages})
    summary, jumps = found.pop("summary"), found.pop("jumps")
    started, started_cpu = time.perf_counter(), time.process_time()
    events = assemble(
        found, summary=summary, jumps=jumps, data=data, config=cfg, detectors=detectors, made=made
    )
    timer.stages["assemble"] = time.perf_counter() - started
    timer.cpu["assemble"] = time.process_time() - started_cpu
    stats.update(
        stages_s={k: round(v, 4) for k, v in timer.stages.items()},
        stages_cpu_s={k: round(v, 4) for k, v in timer.cpu.items()},
        events=dict(Counter(e.type for e in events)),
        shore_cells=shore_cells,
        data_start=t0,
        data_end=t1,
    )
    return DetectResult(events, stats)


def _positions_in(engine: Engine, data: DetectInput) -> int:
    """Reports given: the table's rows, or a count of the stored ones (a scan on the engine)."""
    if isinstance(data.positions, StoredPositions):
        return int(rows(engine, "SELECT count(*) AS n FROM raw_positions")[0]["n"])
    return int(data.positions.num_rows)


def assemble(
    found: dict[str, list[dict[str, Any]]],
    *,
    summary: list[dict[str, Any]],
    jumps: list[dict[str, Any]],
    data: DetectInput,
    config: DetectConfig,
    detectors: tuple[str, ...] = ALL_DETECTORS,
    made: Mapping[str, list[Event]] | None = None,
) -> list[Event]:
    """Events from detector rows (SQL or reference): the Python rules over small results.
    `made` holds the events of detectors already converted (`detector_events`)."""
    cfg = config
    directory = vessel_directory(summary)
    events: dict[str, list[Event]] = {k: [] for k in ALL_DETECTORS}
    for kind in ("encounter", "loitering", "gap", "port_visit"):
        if made is not None and kind in made:
            events[kind] = made[kind]
        elif kind != "port_visit" or "port_visit" in detectors:
            events[kind] = detector_events(kind, found[kind], cfg, directory)
    if "port_visit" in detectors:
        pp = cfg.port_visit
        visits = events["port_visit"]
        ports = port_targets(data.ports, pp.countries)
        events["port_visit"] = visits + approach_then_dark(events["gap"], ports, pp)
    if "identity" in detectors:
        ip = cfg.identity
        events["identity"] = rows_to_events(
            "identity", identity_rows(jumps, summary, ip), ip, directory
        )
    if "dark_sts" in detectors:
        events["dark_sts"] = dark_sts(
            events["loitering"], events["encounter"], events["gap"], cfg.dark_sts
        )
    chosen = [e for k in detectors for e in events[k]]
    flagged = flag_watchlist(chosen, data.watchlist, directory)
    return sorted(flagged, key=lambda e: (e.start, e.key))


def detector_events(
    kind: str, rows: list[dict[str, Any]], cfg: DetectConfig, directory: Directory
) -> list[Event]:
    """The events of one detector (encounter, loitering, gap, port_visit) from its rows,
    before the rules that combine detectors."""
    if kind == "encounter":
        return rows_to_events(kind, rows, cfg.encounter, directory)
    if kind == "loitering":
        return rows_to_events(kind, rows, cfg.loitering, directory)
    if kind == "gap":
        return [gap_kind(e) for e in rows_to_events(kind, rows, cfg.gap, directory)]
    if kind == "port_visit":
        pp = cfg.port_visit
        return [port_visit_details(e, pp) for e in rows_to_events(kind, rows, pp, directory)]
    raise ValueError(f"no detector rows of kind {kind!r}")


def detect_windows(
    engine: Engine,
    data: DetectInput,
    *,
    window_s: int,
    overlap_s: int,
    config: DetectConfig | None = None,
    detectors: tuple[str, ...] = ALL_DETECTORS,
) -> DetectResult:
    """Detect in overlapping windows and merge idempotently: no blind spot at window edges
    for events shorter than `overlap_s` (choose it >= longest event + merge gap)."""
    if isinstance(data.positions, StoredPositions):
        raise InputError("detection in windows needs the positions in memory, not stored")
    ts = data.positions["ts"]
    if data.positions.num_rows == 0:
        return DetectResult([], {})
    present = set(pc.unique(pc.floor(pc.divide(pc.cast(ts, pa.float64()), window_s))).to_pylist())
    reach = -(-overlap_s // window_s)  # windows an overlap can reach into
    chosen = sorted({int(k) + d for k in present for d in range(-reach, reach + 1)})
    found: list[Event] = []
    windows = 0
    for index in chosen:  # empty stretches of time cost nothing
        w_start = index * window_s
        if not any(index + d in present for d in range(-reach, reach + 1)):
            continue
        result = detect(
            engine,
            data,
            config=config,
            start=w_start - overlap_s,
            end=w_start + window_s + overlap_s,
            detectors=detectors,
        )
        found += result.events
        windows += 1
    return DetectResult(merge_windows(found), {"windows": windows})

"""`sanctionwatch ais`: ingest AIS, detect ship events, show a vessel, draw a map."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from sanctionwatch.cli.common import err_console, handle_errors, print_json, settings
from sanctionwatch.errors import InputError, SanctionwatchError

ais_app = typer.Typer(
    help="Maritime watch: AIS ingestion and ship-event detection.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(ais_app, name="ais")


def _context_dir(explicit: Path | None) -> Path | None:
    """Where wpi_ports.csv and the watchlist CSV live: option, setting, or ../shared."""
    if explicit is not None:
        return explicit
    configured = settings().extra.get("ais_context")
    if configured:
        return Path(str(configured))
    for base in (Path.cwd(), *Path.cwd().parents[:2]):
        candidate = base / "shared" / "data" / "ais" / "context"
        if candidate.is_dir():
            return candidate
    return None


def _parse_time(value: str | None) -> int | None:
    from sanctionwatch.maritime.ingest.timeparse import parse_time

    if value is None:
        return None
    parsed = parse_time(value if len(value) > 10 else value + "T00:00:00")
    if parsed is None:
        raise InputError(f"cannot read time {value!r}: use ISO 8601, e.g. 2021-01-01T00:00:00Z")
    return parsed


def _load(
    inputs: list[Path] | None,
    start: int | None,
    end: int | None,
    context: Path | None,
    *,
    leave_stored: bool = False,
) -> Any:
    """The detectors' input. With `leave_stored`, ingested positions stay on disk for the
    engine to read (Spark: on its executors) instead of passing through this process."""
    from sanctionwatch.maritime.ingest import read_inputs
    from sanctionwatch.maritime.pipeline import DetectInput, load_ports
    from sanctionwatch.maritime.storage import ingested_for_engine
    from sanctionwatch.maritime.watchlist import load_watchlist

    report = None
    if inputs:
        ingested = read_inputs(inputs)
        positions, identities, report = ingested.positions, ingested.identities, ingested.report
    else:
        positions, identities = ingested_for_engine(
            settings().home, start=start, end=end, stored=leave_stored
        )
    ctx = _context_dir(context)
    ports_file = ctx / "wpi_ports.csv" if ctx else None
    csvs = [ctx / "dprk_vessel_watchlist_sourced.csv"] if ctx else []
    if ports_file is None or not ports_file.is_file():
        err_console.print(
            "[yellow]warning:[/yellow] no World Port Index found (--context): "
            "port distances and DPRK port visits are off"
        )
        ports_file = None
    watchlist = load_watchlist([c for c in csvs if c.is_file()], _store_vessels())
    data = DetectInput(positions, identities, load_ports(ports_file), watchlist)
    return data, report


def _store_vessels() -> list[Any]:
    """Designated vessels from the list store, when the store package is there."""
    try:
        from sanctionwatch.store import open_store  # type: ignore[attr-defined]
    except ImportError:
        return []
    config = settings()
    if config.is_embedded and not (config.home / "sanctionwatch.sqlite").is_file():
        return []  # no lists imported yet: do not create a store just to read it
    try:
        store = open_store(config.db_url)
        return list(store.entities(schemata=["Vessel"]))
    except SanctionwatchError as exc:
        err_console.print(f"[yellow]warning:[/yellow] store not read: {exc}")
        return []


@ais_app.command("ingest")
@handle_errors
def ingest(
    inputs: Annotated[list[Path], typer.Argument(help="NMEA, CSV, JSON/NDJSON, Parquet")],
) -> None:
    """Read AIS files and store positions and identities as Parquet partitioned by day."""
    from sanctionwatch.maritime.ingest import read_inputs
    from sanctionwatch.maritime.storage import ais_root, store_ingested

    ingested = read_inputs(inputs)
    written = store_ingested(settings().home, ingested.positions, ingested.identities)
    report = ingested.report.to_dict()
    report["problems"] = report["problems"][:20]  # type: ignore[index]
    print_json({"stored": written, "root": str(ais_root(settings().home)), "report": report})


@ais_app.command("detect")
@handle_errors
def detect_cmd(
    inputs: Annotated[
        list[Path] | None, typer.Argument(help="files; default: ingested data")
    ] = None,
    engine: Annotated[str, typer.Option(help="duckdb or spark")] = "duckdb",
    from_: Annotated[str | None, typer.Option("--from", help="start time, ISO 8601 UTC")] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="end time (exclusive), ISO 8601 UTC")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="one JSON object per event (default)")
    ] = False,
    as_geojson: Annotated[
        bool, typer.Option("--geojson", help="a GeoJSON FeatureCollection")
    ] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="one CSV row per event")] = False,
    window_days: Annotated[float, typer.Option(help="process in windows of this many days")] = 0,
    context: Annotated[
        Path | None, typer.Option(help="folder with wpi_ports.csv and watchlist")
    ] = None,
    map_out: Annotated[
        Path | None, typer.Option("--map", help="also write a map here (.png, .svg, else HTML)")
    ] = None,
) -> None:
    """Detect encounters, loitering, gaps, port visits, identity anomalies and dark STS."""
    from sanctionwatch.engine import SparkOptions, open_engine
    from sanctionwatch.maritime.pipeline import detect, detect_windows

    start, end = _parse_time(from_), _parse_time(to)
    # on Spark, ingested positions are read by the executors (not for windows or a map,
    # which need them in this process)
    leave_stored = engine == "spark" and window_days <= 0 and map_out is None
    data, report = _load(inputs, start, end, context, leave_stored=leave_stored)
    eng = open_engine(engine, spark_options=SparkOptions.from_settings(settings().extra))
    try:
        if window_days > 0:
            day = 86400
            result = detect_windows(eng, data, window_s=int(window_days * day), overlap_s=day)
        else:
            result = detect(eng, data, start=start, end=end)
    finally:
        eng.close()
    events = [
        e
        for e in result.events
        if (start is None or e.start >= start) and (end is None or e.start < end)
    ]
    if report is not None:
        dropped = {k: v for k, v in report.counts.items() if k.startswith("dropped:")}
        err_console.print(
            f"read {report.counts['positions']} positions; dropped {dropped}", highlight=False
        )
    err_console.print(f"{len(events)} events", highlight=False)
    if as_geojson:
        print_json(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": e.to_json(),
                        "geometry": None
                        if e.lat is None
                        else {"type": "Point", "coordinates": [e.lon, e.lat]},
                    }
                    for e in events
                ],
            }
        )
    elif as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(
            [
                "type",
                "mmsis",
                "start",
                "end",
                "lat",
                "lon",
                "duration_h",
                "definition",
                "params_hash",
                "watchlist",
                "details",
            ]
        )
        for e in events:
            j = e.to_json()
            writer.writerow(
                [
                    j["type"],
                    " ".join(str(v["mmsi"]) for v in j["vessels"]),
                    j["start"],
                    j["end"],
                    j["lat"],
                    j["lon"],
                    j["duration_h"],
                    j["definition"],
                    j["params_hash"],
                    len(j["watchlist"]),
                    json.dumps(j["details"], default=str),
                ]
            )
    else:
        del as_json  # JSON lines are the default
        for e in events:
            print_json(e.to_json())
    if map_out is not None:
        _write_map(map_out, data.positions, events, title="sanctionwatch AIS events")


def _write_map(
    path: Path, positions: Any, events: list[Any], *, title: str, mmsis: set[int] | None = None
) -> None:
    from sanctionwatch.maritime.mapview import render_html, render_png, render_svg

    wanted = mmsis or {v.mmsi for e in events for v in e.vessels}
    tracks: dict[int, list[tuple[int, float, float]]] = {}
    for r in positions.select(["mmsi", "ts", "lat", "lon"]).to_pylist():
        if r["mmsi"] in wanted:
            tracks.setdefault(r["mmsi"], []).append((r["ts"], r["lat"], r["lon"]))
    suffix = path.suffix.lower()
    if suffix == ".png":  # the format follows the file name: .png, .svg, else HTML
        path.write_bytes(render_png(tracks, events))
    elif suffix == ".svg":
        path.write_text(render_svg(tracks, events, title=title), encoding="utf-8")
    else:
        path.write_text(render_html(tracks, events, title=title), encoding="utf-8")
    err_console.print(f"map written to {path}", highlight=False)


@ais_app.command("vessel")
@handle_errors
def vessel(
    mmsi_or_imo: Annotated[str, typer.Argument(help="an MMSI (9 digits) or an IMO number")],
    inputs: Annotated[
        list[Path] | None, typer.Option("--input", help="files; default: ingested")
    ] = None,
    context: Annotated[
        Path | None, typer.Option(help="folder with wpi_ports.csv and watchlist")
    ] = None,
    map_out: Annotated[
        Path | None, typer.Option("--map", help="write a map of the track (.png, .svg, else HTML)")
    ] = None,
) -> None:
    """Identity history and events of one vessel (by MMSI, or every MMSI that sent an IMO)."""
    from sanctionwatch.engine import open_engine
    from sanctionwatch.maritime.pipeline import detect
    from sanctionwatch.maritime.records import iso

    key = mmsi_or_imo.strip().upper().removeprefix("IMO").strip()
    if not key.isdigit():
        raise InputError(f"not an MMSI or IMO number: {mmsi_or_imo!r}")
    data, _ = _load(inputs, None, None, context)
    ids = data.identities.to_pylist()
    mmsis = {r["mmsi"] for r in ids if r["imo"] == key}
    if len(key) == 9:
        mmsis.add(int(key))
    history = sorted((r for r in ids if r["mmsi"] in mmsis), key=lambda r: r["ts"])
    eng = open_engine("duckdb")
    try:
        events = [e for e in detect(eng, data).events if mmsis & {v.mmsi for v in e.vessels}]
    finally:
        eng.close()
    print_json(
        {
            "query": mmsi_or_imo,
            "mmsis": sorted(mmsis),
            "identity_history": [
                {
                    **{k: r[k] for k in ("mmsi", "imo", "name", "callsign", "shiptype")},
                    "time": iso(r["ts"]),
                }
                for r in history
            ],
            "events": [e.to_json() for e in events],
        }
    )
    if map_out is not None:
        _write_map(map_out, data.positions, events, title=f"vessel {mmsi_or_imo}", mmsis=mmsis)

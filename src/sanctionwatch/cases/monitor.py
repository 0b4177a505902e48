"""One monitoring run: sync the lists, re-screen the portfolio, read new documents, run the
ship detectors on new AIS files, and record what deserves an analyst's look as alerts.

Each step calls the existing service of its package (`ingest.service.sync`, the `Screener`,
the document `Reader`, `maritime.pipeline.detect`) and hands its output to a pure producer
(`cases.producers`). Idempotent by construction: inputs already processed are skipped by
their digest (`Workspace.input_seen`), and an alert raised again has the same fingerprint, so
a second run on the same inputs reports `alerts_new: 0`. Inputs are marked as processed only
after their alerts are stored: a run that dies half-way is simply done again.

The portfolio is read and validated before anything is recorded, so a bad portfolio file
fails the run with every problem listed and leaves the workspace untouched.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanctionwatch.cases.model import Alert
from sanctionwatch.cases.portfolio import Portfolio, read_portfolio
from sanctionwatch.cases.producers import (
    READER_ALGORITHM,
    Screened,
    alerts_from_events,
    alerts_from_finding,
    alerts_from_list_changes,
    alerts_from_screening,
)
from sanctionwatch.errors import ConfigError, InputError, Problem, SanctionwatchError
from sanctionwatch.settings import Settings, number_setting

if TYPE_CHECKING:
    from sanctionwatch.cases.workspace import Workspace
    from sanctionwatch.maritime.watchlist import Watchlist
    from sanctionwatch.screening.service import Screener
    from sanctionwatch.store.models import Changes
    from sanctionwatch.store.store import Store

DAY_S = 86400
AIS_MARGIN_S = DAY_S
"""Context read around new AIS data: an event starting up to a day before the new positions
is detected again with a full day of history behind it, so window edges cut nothing short."""
MAX_WARNINGS = 20
RUN_KIND = "monitor"


@dataclass(frozen=True)
class MonitorOptions:
    """What one run reads. Settings keys: `monitor_portfolio`, `monitor_documents` (a list or
    one path; folders, files or feed URLs), `monitor_ais`, `monitor_threshold`, `ais_context`;
    command-line options override them."""

    portfolio: Path | None = None
    documents: tuple[str, ...] = ()
    ais: tuple[Path, ...] = ()
    ais_context: Path | None = None  # folder with wpi_ports.csv and the sourced watchlist CSV
    sync: bool = True
    mirror: Path | None = None
    threshold: float | None = None  # None: the screener's default (MatchOptions.threshold)
    ner: bool = True
    engine: str = "duckdb"

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> MonitorOptions:
        """Options from the settings' `monitor_*` keys; `overrides` that are not None win."""
        extra = settings.extra
        options = cls(
            portfolio=_path(extra.get("monitor_portfolio")),
            documents=tuple(str(p) for p in _as_list(extra.get("monitor_documents"))),
            ais=tuple(Path(str(p)).expanduser() for p in _as_list(extra.get("monitor_ais"))),
            ais_context=_path(extra.get("ais_context")),
            mirror=settings.mirror,
            threshold=_threshold(extra.get("monitor_threshold")),
            engine=_engine(extra.get("monitor_engine")),
        )
        return replace(options, **{k: v for k, v in overrides.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))  # type: ignore[no-any-return]


def _engine(value: Any) -> str:
    """The engine of the ship detectors: `monitor_engine`, "duckdb" (default) or "spark"
    (where: the `spark_*` settings)."""
    engine = str(value or "duckdb").strip().lower()
    if engine not in ("duckdb", "spark"):
        raise ConfigError(f"setting 'monitor_engine' must be duckdb or spark, got {value!r}")
    return engine


def _path(value: Any) -> Path | None:
    return Path(str(value)).expanduser() if value not in (None, "") else None


def _as_list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _threshold(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        threshold = float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting 'monitor_threshold' must be a number, got {value!r}") from exc
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"setting 'monitor_threshold' must be between 0 and 1, got {value}")
    return threshold


def interval_minutes(settings: Settings) -> float:
    """The schedule (`monitor_interval_minutes`, default 60)."""
    minutes = number_setting(settings.extra, "monitor_interval_minutes", 60)
    if minutes <= 0:
        raise ConfigError(f"setting 'monitor_interval_minutes' must be positive, got {minutes}")
    return minutes


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _digest(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class _Run:
    """The state one run builds up: expensive objects made once, alerts, inputs to mark."""

    settings: Settings
    options: MonitorOptions
    store: Store
    workspace: Workspace
    run_id: str
    list_versions: dict[str, str] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    marks: list[tuple[str, str, str]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _screener: Screener | None = None

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)

    def screener(self) -> Screener:
        """The screener of the current lists (its persisted index reused), built on demand."""
        if self._screener is None:
            from sanctionwatch.screening.loader import index_dir
            from sanctionwatch.screening.service import Screener

            if not self.list_versions:
                raise InputError("no lists in the store yet: sync or import them first")
            self._screener = Screener.build(
                self.store.entities(),
                versions=self.list_versions,
                index_dir=index_dir(self.settings),
            )
        return self._screener


def run_once(
    settings: Settings,
    options: MonitorOptions,
    *,
    store: Store | None = None,
    workspace: Workspace | None = None,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """One monitoring run; returns its summary (also stored with the run)."""
    from sanctionwatch.cases.workspace import open_workspace
    from sanctionwatch.store import open_store

    started = time.perf_counter()
    portfolio = read_portfolio(options.portfolio) if options.portfolio is not None else None
    own_store = store is None
    own_ws = workspace is None
    store = store or open_store(settings.db_url)
    try:
        workspace = workspace or open_workspace(settings.db_url)
        try:
            run_id = workspace.start_run(kind=RUN_KIND, inputs=options.to_dict())
            run = _Run(settings, options, store, workspace, run_id)
            try:
                _steps(run, portfolio, on_step or (lambda _name: None))
            except SanctionwatchError as exc:
                # The run is closed with its error. Alerts are only recorded at the end and
                # no input is marked, so the next run does it all again; the documents and
                # events saved so far are deduplicated when it saves them again.
                workspace.finish_run(run_id, summary={"error": str(exc), **run.summary})
                raise
            summary = _finish(run, started)
        finally:
            if own_ws:
                workspace.close()
    finally:
        if own_store:
            store.close()
    return summary


def _steps(run: _Run, portfolio: Portfolio | None, step: Callable[[str], None]) -> None:
    step("lists")
    _lists_step(run)
    if portfolio is not None:
        step("portfolio")
        _portfolio_step(run, portfolio)
    if run.options.documents:
        step("documents")
        _documents_step(run)
    if run.options.ais:
        step("ais")
        _ais_step(run)
    step("alerts")


def _finish(run: _Run, started: float) -> dict[str, Any]:
    result = run.workspace.record_alerts(run.alerts, run_id=run.run_id)
    for kind, key, digest in run.marks:
        run.workspace.mark_input(kind, key, digest, run_id=run.run_id)
    by_kind = Counter(run.workspace.alert(i).alert.kind for i in result.new_ids)
    summary = {
        "run_id": run.run_id,
        "alerts_new": len(result.new_ids),
        "alerts_total": result.total,
        "alerts_new_by_kind": dict(sorted(by_kind.items())),
        **run.summary,
        "list_versions": dict(sorted(run.list_versions.items())),
        "warnings": run.warnings,
        "duration_s": round(time.perf_counter() - started, 3),
    }
    run.workspace.finish_run(run.run_id, summary=summary)
    return summary


# --- step 1: lists ---------------------------------------------------------------------------


def _lists_step(run: _Run) -> None:
    """Sync (unless switched off) and report what the new current versions changed."""
    synced: list[str] = []
    if run.options.sync:
        from sanctionwatch.ingest.service import sync

        result = sync(run.settings, run.store, mirror=run.options.mirror)
        synced = [r.dataset for r in result.imports if r.current and not r.unchanged]
        for failure in result.failures[:5]:
            run.warn(f"list sync: {failure.get('file', '')}: {failure.get('error', '')}")
    run.list_versions = run.store.current_versions()
    changed: dict[str, Any] = {}
    for dataset in sorted(set(synced)):
        diff = run.store.changes(dataset)
        changed[dataset] = {
            "from": diff.from_version,
            "to": diff.to_version,
            "added": len(diff.added),
            "removed": len(diff.removed),
            "modified": len(diff.modified),
        }
    run.summary.update(lists_synced=len(set(synced)), lists_changed=changed)


def _latest_changes(run: _Run) -> list[Changes]:
    """What the newest version of each list changed (lists with an earlier version only)."""
    found = []
    for info in run.store.datasets():
        if len(info.versions) > 1 and info.current_version is not None:
            found.append(run.store.changes(info.name))
    return found


# --- step 2: portfolio -----------------------------------------------------------------------


def _portfolio_step(run: _Run, portfolio: Portfolio) -> None:
    """Screen every row; skipped when neither the file, the lists nor the threshold changed."""
    from sanctionwatch.screening.service import MatchOptions

    threshold = run.options.threshold
    match_options = (
        MatchOptions(limit=5) if threshold is None else MatchOptions(limit=5, threshold=threshold)
    )
    key = str(Path(portfolio.path).resolve())
    digest = _digest(portfolio.sha256, run.list_versions, match_options.threshold)
    run.summary.update(portfolio=portfolio.path, portfolio_rows=len(portfolio.rows))
    if run.workspace.input_seen("portfolio", key, digest):
        run.summary.update(portfolio_rows_screened=0, portfolio_skipped=True)
        return
    if not run.list_versions:
        run.warn("portfolio not screened: no lists in the store (sync or import them first)")
        run.summary.update(portfolio_rows_screened=0, portfolio_skipped=False)
        return
    screener = run.screener()
    screened: list[Screened] = []
    for row in portfolio.rows:
        results = screener.match(row.query(), match_options)
        screened.append((row, [r.to_dict() for r in results]))
    hits = alerts_from_screening(
        screened, portfolio=portfolio.path, list_versions=run.list_versions
    )
    changes = alerts_from_list_changes(
        _latest_changes(run), screened, portfolio=portfolio.path, list_versions=run.list_versions
    )
    run.alerts += hits + changes
    run.marks.append(("portfolio", key, digest))
    run.summary.update(
        portfolio_rows_screened=len(screened),
        portfolio_skipped=False,
        portfolio_hits=len(hits),
        portfolio_list_changes=len(changes),
    )


# --- step 3: documents -----------------------------------------------------------------------


def _documents_step(run: _Run) -> None:
    """Read documents not seen with this text; save each, raise an alert when it flags."""
    from sanctionwatch.documents.service import read_inputs

    pending = []
    skipped = failed = 0
    for item in read_inputs(run.options.documents, run.settings):
        if isinstance(item, Problem):
            failed += 1
            run.warn(f"document skipped: {item.message}")
            continue
        digest = hashlib.sha256(item.text.encode("utf-8")).hexdigest()
        if run.workspace.input_seen("document", item.source, digest):
            skipped += 1
        else:
            pending.append((item, digest))
    run.summary.update(documents_read=len(pending), documents_skipped=skipped)
    run.summary.update(documents_failed=failed, documents_flagged=0)
    if not pending:
        return
    reader, params = _reader(run)
    flagged = 0
    for document, digest in pending:
        finding = reader.analyze(document).to_dict()
        run.workspace.save_document(finding, text=document.text, run_id=run.run_id)
        found = alerts_from_finding(
            finding,
            text_sha256=digest,
            list_versions=run.list_versions,
            params=params,
            received_at=run.workspace.now(),
        )
        flagged += bool(found)
        run.alerts += found
        run.marks.append(("document", document.source, digest))
    run.summary["documents_flagged"] = flagged


def _reader(run: _Run) -> tuple[Any, dict[str, Any]]:
    """The reader over the current lists (gazetteer cached per list versions) and the
    parameters that pin its configuration in the alerts."""
    from sanctionwatch.documents.cache import load_or_build_gazetteer
    from sanctionwatch.documents.gazetteer import Gazetteer
    from sanctionwatch.documents.regime import regime_path
    from sanctionwatch.documents.service import AnalyzeOptions, build_reader

    if run.list_versions:
        gazetteer = load_or_build_gazetteer(
            run.store.entities,
            versions=run.list_versions,
            cache_dir=run.settings.home / "documents-cache",
        )
        screener = run.screener()
    else:
        run.warn("documents read without lists: mentions are not linked to list entries")
        gazetteer, screener = Gazetteer.build(), None
    reader = build_reader(
        run.settings, gazetteer, options=AnalyzeOptions(ner=run.options.ner), screener=screener
    )
    regime = regime_path(run.settings)
    params = {
        "reader": READER_ALGORITHM,
        "regime": reader.regime.id,
        "regime_sha256": sha256_file(regime) if regime.is_file() else None,
        "ner": run.options.ner,
    }
    return reader, params


# --- step 4: AIS -----------------------------------------------------------------------------


def ais_files(inputs: Iterable[Path]) -> list[Path]:
    """Files of the AIS inputs (folders recursively, hidden files skipped), sorted."""
    out: list[Path] = []
    for path in inputs:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(f"AIS input {path}: no such file or folder")
    return out


def _ais_step(run: _Run) -> None:
    """Ingest new AIS files, detect events around the new data, raise the alerts."""
    files = ais_files(run.options.ais)
    new: list[tuple[Path, str]] = []
    for path in files:
        digest = sha256_file(path)
        if not run.workspace.input_seen("ais", str(path.resolve()), digest):
            new.append((path, digest))
    run.summary.update(ais_files_read=len(new), ais_files_skipped=len(files) - len(new))
    run.summary.update(ais_positions=0, events_found=0, events_new=0)
    if not new:
        return
    events = _detect_new(run, [p for p, _ in new])
    run.summary["events_found"] = len(events)
    run.summary["events_new"] = run.workspace.save_events(events, run_id=run.run_id)
    names = [p.name for p, _ in new]
    source = names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more AIS files"
    run.alerts += alerts_from_events(events, source=source, list_versions=run.list_versions)
    run.marks += [("ais", str(p.resolve()), d) for p, d in new]


def _detect_new(run: _Run, paths: Sequence[Path]) -> list[dict[str, Any]]:
    import pyarrow.compute as pc

    from sanctionwatch.engine import SparkOptions, open_engine
    from sanctionwatch.maritime.ingest import read_inputs
    from sanctionwatch.maritime.pipeline import DetectInput, detect, load_ports
    from sanctionwatch.maritime.storage import ingested_for_engine, store_ingested

    ingested = read_inputs(paths)
    dropped = sum(v for k, v in ingested.report.counts.items() if k.startswith("dropped:"))
    if dropped:
        run.warn(f"AIS: {dropped} messages dropped while reading (see `sanctionwatch ais ingest`)")
    store_ingested(run.settings.home, ingested.positions, ingested.identities)
    run.summary["ais_positions"] = ingested.positions.num_rows
    if ingested.positions.num_rows == 0:
        return []
    first = int(pc.min(ingested.positions["ts"]).as_py())
    last = int(pc.max(ingested.positions["ts"]).as_py())
    start, end = first - 2 * AIS_MARGIN_S, last + AIS_MARGIN_S + 1
    # on Spark the executors read the stored positions, not this process
    positions, identities = ingested_for_engine(
        run.settings.home, start=start, end=end, stored=run.options.engine == "spark"
    )
    context = run.options.ais_context
    ports_file = context / "wpi_ports.csv" if context is not None else None
    if ports_file is None or not ports_file.is_file():
        run.warn("AIS: no World Port Index (ais_context): DPRK port visits are not detected")
        ports_file = None
    data = DetectInput(positions, identities, load_ports(ports_file), _watchlist(run))
    engine = open_engine(
        run.options.engine, spark_options=SparkOptions.from_settings(run.settings.extra)
    )
    try:
        result = detect(engine, data, start=start, end=end)
    finally:
        engine.close()
    keep_from = first - AIS_MARGIN_S
    return [e.to_json() for e in result.events if e.start >= keep_from]


def _watchlist(run: _Run) -> Watchlist:
    """Designated vessels of the store plus the sourced watchlist CSV of the context folder."""
    from sanctionwatch.maritime.watchlist import load_watchlist

    context = run.options.ais_context
    csvs = [context / "dprk_vessel_watchlist_sourced.csv"] if context is not None else []
    vessels = run.store.entities(schemata=["Vessel"]) if run.list_versions else []
    return load_watchlist([c for c in csvs if c.is_file()], vessels)

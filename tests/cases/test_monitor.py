"""Monitoring runs on real inputs: the UN list (two versions), the example portfolio, the German
article and a real AIS track; idempotency, changed inputs, bad portfolios, the schedule."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.cases.monitor import MonitorOptions, interval_minutes, run_once
from sanctionwatch.cases.schedule import (
    SchedulerBusyError,
    run_schedule,
    scheduler_lock,
)
from sanctionwatch.cases.workspace import open_workspace
from sanctionwatch.errors import ConfigError, InputError, ParseError
from sanctionwatch.settings import Settings, load_settings
from tests.cases.monitor_data import (
    AIS_CONTEXT,
    AIS_FILE,
    GERMAN,
    PORTFOLIO,
    WATCHED_MMSI,
    fresh_home,
    keep_caches,
)

SUMMARY_KEYS = {
    "run_id",
    "alerts_new",
    "alerts_total",
    "alerts_new_by_kind",
    "lists_synced",
    "lists_changed",
    "portfolio_rows_screened",
    "documents_read",
    "documents_skipped",
    "ais_files_read",
    "ais_files_skipped",
    "events_found",
    "list_versions",
    "duration_s",
}


@pytest.fixture
def config(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Settings]:
    settings = fresh_home(tmp_path_factory, tmp_path / "home")
    yield settings
    keep_caches(tmp_path_factory, settings.home)


def options(**over: Any) -> MonitorOptions:
    base = MonitorOptions(
        portfolio=PORTFOLIO,
        documents=(str(GERMAN),),
        ais=(AIS_FILE,),
        ais_context=AIS_CONTEXT,
        sync=False,
        ner=False,
    )
    return MonitorOptions(**{**base.__dict__, **over})


@pytest.mark.slow
def test_second_run_on_the_same_inputs_raises_nothing(config: Settings) -> None:
    first = run_once(config, options())
    assert set(first) >= SUMMARY_KEYS
    assert first["alerts_new_by_kind"] == {
        "document_finding": 1,
        "list_change": 1,
        "screening_hit": 4,
        "ship_event": first["events_found"],
    }
    assert first["alerts_new"] == first["alerts_total"] == 6 + first["events_found"]
    assert first["portfolio_rows_screened"] == 8
    assert (first["documents_read"], first["documents_skipped"]) == (1, 0)
    assert (first["ais_files_read"], first["ais_files_skipped"]) == (1, 0)
    # The workspace keeps one event per (type, vessels, start, definition): identity events
    # of two kinds starting together are one row there, two alerts here.
    assert 0 < first["events_new"] <= first["events_found"]
    assert first["list_versions"] == {
        "test_watch": "2026-01-15",
        "un_sc_sanctions": "2026-02-27",
    }
    second = run_once(config, options())
    assert second["alerts_new"] == 0 and second["alerts_new_by_kind"] == {}
    assert second["alerts_total"] == first["alerts_total"]
    assert (second["documents_read"], second["documents_skipped"]) == (0, 1)
    assert (second["ais_files_read"], second["ais_files_skipped"]) == (0, 1)
    assert second["portfolio_rows_screened"] == 0
    # Another threshold screens the portfolio again; what it finds is already known.
    third = run_once(config, options(threshold=0.93))
    assert third["portfolio_rows_screened"] == 8 and third["alerts_new"] == 0
    with open_workspace(config.db_url) as ws:
        runs = {r["id"] for r in ws.runs()}
        assert runs == {first["run_id"], second["run_id"], third["run_id"]}
        alerts = ws.alerts(limit=500)
        assert len(ws.documents()) == 1 and len(ws.events()) == first["events_new"]
    for stored in alerts:
        alert = stored.alert
        assert (
            alert.algorithm and alert.params_hash and alert.list_versions == first["list_versions"]
        )
        assert stored.run_id == first["run_id"]
    by_kind: dict[str, list[Any]] = {}
    for stored in alerts:
        by_kind.setdefault(stored.alert.kind, []).append(stored.alert)
    hits = {e.entity_id for a in by_kind["screening_hit"] for e in a.entities}
    assert {"unsc-6908500", "unsc-6908503", "unsc-690752", "unsc-6909527"} == hits
    [change] = by_kind["list_change"]
    assert change.entities[0].entity_id == "unsc-6909527"  # newly designated 2026-02-27
    assert change.evidence["from_version"] == "2025-11-20"
    [document] = by_kind["document_finding"]
    assert document.evidence["document"]["language"] == "de"
    for ship in by_kind["ship_event"]:
        assert [e.entity_id for e in ship.entities] == ["test-vessel-567000000"]
        assert ship.vessels[0].mmsi == WATCHED_MMSI and "watchlist" in ship.evidence["reasons"]


@pytest.mark.slow
def test_a_changed_document_is_read_again(config: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    article = folder / "summit.txt"
    article.write_text(GERMAN.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.txt").write_text("Nichts Neues aus Hamburg.\n", encoding="utf-8")
    only_docs = options(portfolio=None, ais=(), documents=(str(folder),))
    first = run_once(config, only_docs)
    assert first["documents_read"] == 2 and first["alerts_new_by_kind"] == {"document_finding": 1}
    with article.open("a", encoding="utf-8") as fh:
        fh.write("\nNordkorea lieferte nach Berichten weitere Granaten an Russland.\n")
    second = run_once(config, only_docs)
    assert (second["documents_read"], second["documents_skipped"]) == (1, 1)
    assert second["alerts_new_by_kind"] == {"document_finding": 1}
    with open_workspace(config.db_url) as ws:
        assert len(ws.documents()) == 3


BAD_ROWS = [
    "C-1,Acme Ltd,,,",
    "C-2,Jane Roe,person,1960-01-01,",
    "C-3,Beta GmbH,,,DE",
    "C-4,Gamma SA,,,FR",
    "C-5,Delta Ltd,,,",
    "C-6,John Doe,person,12/31/1960,",
]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        pytest.param(
            "id,name,type,birth_date,country\n" + "\n".join(BAD_ROWS) + "\n",
            ("line 7", "birth_date", "12/31/1960"),
            id="bad-date-line-7",
        ),
        pytest.param("id,party,country\nC-1,Acme,DE\n", ("line 1", "name", ""), id="no-name"),
    ],
)
def test_bad_portfolio_records_nothing(
    tmp_path: Path, text: str, where: tuple[str, str, str]
) -> None:
    config = load_settings(env={"SANCTIONWATCH_HOME": str(tmp_path / "home")})
    path = tmp_path / "portfolio.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        run_once(config, options(portfolio=path))
    [problem] = caught.value.problems
    assert (problem.file, problem.location, problem.field, problem.value) == (str(path), *where)
    with open_workspace(config.db_url) as ws:
        assert ws.runs() == [] and ws.count_alerts() == 0


def test_failed_step_closes_the_run_with_its_error(tmp_path: Path) -> None:
    config = load_settings(env={"SANCTIONWATCH_HOME": str(tmp_path / "home")})
    with pytest.raises(InputError, match="no such file or folder"):
        run_once(config, options(portfolio=None, documents=(), ais=(tmp_path / "missing",)))
    with open_workspace(config.db_url) as ws:
        [run] = ws.runs()
        assert "no such file" in str(run) and ws.count_alerts() == 0


def test_options_from_the_settings_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text(
        'monitor_portfolio = "~/watch.xlsx"\n'
        'monitor_documents = ["/feeds/a.rss", "https://example.org/feed"]\n'
        'monitor_ais = "/data/ais"\n'
        "monitor_threshold = 0.8\n"
        "monitor_interval_minutes = 15\n",
        encoding="utf-8",
    )
    config = load_settings(env={"SANCTIONWATCH_HOME": str(home)})
    found = MonitorOptions.from_settings(config)
    assert found.portfolio == Path("~/watch.xlsx").expanduser()
    assert found.documents == ("/feeds/a.rss", "https://example.org/feed")
    assert found.ais == (Path("/data/ais"),) and found.threshold == 0.8
    assert interval_minutes(config) == 15
    assert MonitorOptions.from_settings(config, threshold=0.9, portfolio=None).threshold == 0.9
    bad = Settings(home=home, db_url="", extra={"monitor_threshold": "high"})
    with pytest.raises(ConfigError, match="monitor_threshold"):
        MonitorOptions.from_settings(bad)
    with pytest.raises(ConfigError, match="monitor_interval_minutes"):
        interval_minutes(Settings(home=home, db_url="", extra={"monitor_interval_minutes": 0}))


def test_the_ship_detectors_engine_is_a_setting(tmp_path: Path) -> None:
    def engine(**extra: Any) -> str:
        return MonitorOptions.from_settings(Settings(home=tmp_path, db_url="", extra=extra)).engine

    assert engine() == "duckdb"
    assert engine(monitor_engine="Spark") == "spark"
    from_env = load_settings(
        env={"SANCTIONWATCH_HOME": str(tmp_path), "SANCTIONWATCH_MONITOR_ENGINE": "spark"}
    )
    assert MonitorOptions.from_settings(from_env).engine == "spark"
    with pytest.raises(ConfigError, match="monitor_engine"):
        engine(monitor_engine="hadoop")


@pytest.mark.postgres
def test_documents_run_on_postgresql(ws_pg_url: str, tmp_path: Path) -> None:
    config = load_settings(
        env={"SANCTIONWATCH_HOME": str(tmp_path / "home"), "SANCTIONWATCH_DB_URL": ws_pg_url}
    )
    docs = options(portfolio=None, ais=())
    first = run_once(config, docs)
    assert first["alerts_new_by_kind"] == {"document_finding": 1}
    assert any("without lists" in w for w in first["warnings"])
    assert run_once(config, docs)["alerts_new"] == 0


# --- the schedule ----------------------------------------------------------------------------


def test_schedule_runs_until_stopped_and_survives_our_errors() -> None:
    calls: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def run() -> dict[str, Any]:
        calls.append(len(calls))
        if len(calls) == 2:
            raise InputError("feed unreachable")
        if len(calls) == 4:
            stop.set()
        return {"alerts_new": 0}

    made = run_schedule(
        run, interval_s=0.01, stop=stop, on_error=lambda exc: errors.append(str(exc))
    )
    assert made == 4 and errors == ["feed unreachable"]
    assert run_schedule(run, interval_s=0.01, max_runs=2) == 2
    with pytest.raises(ConfigError):
        run_schedule(run, interval_s=0)


def test_schedule_lets_bugs_surface() -> None:
    def run() -> dict[str, Any]:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_schedule(run, interval_s=0.01)


def test_one_scheduler_per_sqlite_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sw.sqlite'}"
    with scheduler_lock(url, home=tmp_path):
        with (
            pytest.raises(SchedulerBusyError, match="already running"),
            scheduler_lock(url, home=tmp_path),
        ):
            pass
        other = f"sqlite:///{tmp_path / 'other.sqlite'}"
        with scheduler_lock(other, home=tmp_path):
            pass
    with scheduler_lock(url, home=tmp_path):  # released on exit
        pass


@pytest.mark.postgres
def test_one_scheduler_per_postgresql_database(ws_pg_url: str, tmp_path: Path) -> None:
    with (
        scheduler_lock(ws_pg_url, home=tmp_path),
        pytest.raises(SchedulerBusyError, match="advisory lock"),
        scheduler_lock(ws_pg_url, home=tmp_path),
    ):
        pass
    with scheduler_lock(ws_pg_url, home=tmp_path):
        pass

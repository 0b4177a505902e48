"""`sanctionwatch monitor` end to end: the JSON summary contract, idempotency, settings-file
inputs, errors naming file, line and column, and the one-scheduler lock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli.main import build_app
from tests.cases.monitor_data import (
    AIS_CONTEXT,
    AIS_FILE,
    GERMAN,
    PORTFOLIO,
    fresh_home,
    keep_caches,
)

CONTRACT = {"alerts_new", "alerts_total"}
ADDED = {
    "run_id",
    "lists_synced",
    "lists_changed",
    "portfolio_rows_screened",
    "documents_read",
    "documents_skipped",
    "ais_files_read",
    "ais_files_skipped",
    "events_found",
    "alerts_new_by_kind",
    "list_versions",
    "duration_s",
}


def invoke(home: Path, *args: str) -> Any:
    return CliRunner().invoke(
        build_app("monitor"),
        ["monitor", *args],
        env={"SANCTIONWATCH_HOME": str(home), "SANCTIONWATCH_CONFIG": str(home / "settings.toml")},
        catch_exceptions=False,
    )


def summary_of(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.stdout.splitlines() if line.strip()]
    summary: dict[str, Any] = json.loads(line)
    return summary


@pytest.mark.slow
def test_once_json_twice(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    home = fresh_home(tmp_path_factory, tmp_path / "home").home
    args = [
        "--once",
        "--json",
        "--no-sync",
        "--no-ner",
        "--portfolio",
        str(PORTFOLIO),
        "--documents",
        str(GERMAN),
        "--ais",
        str(AIS_FILE),
        "--ais-context",
        str(AIS_CONTEXT),
    ]
    first = summary_of(invoke(home, *args))
    assert set(first) >= CONTRACT | ADDED
    assert first["alerts_new"] == first["alerts_total"] > 0
    assert set(first["alerts_new_by_kind"]) == {
        "screening_hit",
        "list_change",
        "document_finding",
        "ship_event",
    }
    second = summary_of(invoke(home, *args))
    assert second["alerts_new"] == 0 and second["alerts_total"] == first["alerts_total"]
    table = invoke(home, *[a for a in args if a != "--json"])
    assert table.exit_code == 0 and "alerts_new" in table.stdout
    keep_caches(tmp_path_factory, home)


def test_inputs_from_the_settings_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Ein ruhiger Tag im Hafen von Hamburg.\n", encoding="utf-8")
    (home / "settings.toml").write_text(f'monitor_documents = "{docs}"\n', encoding="utf-8")
    first = summary_of(invoke(home, "--once", "--json", "--no-sync", "--no-ner"))
    assert (first["documents_read"], first["alerts_new"]) == (1, 0)
    again = summary_of(invoke(home, "--once", "--json", "--no-sync", "--no-ner"))
    assert (again["documents_read"], again["documents_skipped"]) == (0, 1)


def test_bad_portfolio_exits_2_naming_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "watch.csv"
    rows = ["A,,", "B,,", "C,,", "D,,", "E,,", "F,31.02.1970,"]
    path.write_text("name,birth_date,country\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = invoke(tmp_path / "home", "--once", "--no-sync", "--portfolio", str(path))
    assert result.exit_code == 2
    assert f"{path}:line 7 [birth_date]" in result.output
    assert "31.02.1970" in result.output


def test_a_second_scheduler_is_refused(tmp_path: Path) -> None:
    from sanctionwatch.cases.schedule import scheduler_lock
    from sanctionwatch.settings import load_settings

    home = tmp_path / "home"
    config = load_settings(env={"SANCTIONWATCH_HOME": str(home)})
    with scheduler_lock(config.db_url, home=home):
        result = invoke(home, "--no-sync", "--interval-minutes", "5")
    assert result.exit_code == 2
    assert "already running" in result.output

"""`sanctionwatch run`, the main job: sync from a mirror, one monitoring pass over the example
inputs (or the configured ones), the JSON summary with the monitor's, then the web UI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli import run as run_module
from sanctionwatch.cli.main import build_app
from sanctionwatch.settings import load_settings
from tests.cases.monitor_data import AIS_CONTEXT, AIS_FILE, GERMAN, PORTFOLIO, UN_2025, UN_2026
from tests.paths import AIS, DOCUMENTS


def invoke(home: Path, *args: str, mirror: Path | None = None) -> Any:
    env = {"SANCTIONWATCH_HOME": str(home)}
    if mirror is not None:
        env["SANCTIONWATCH_MIRROR"] = str(mirror)
    return CliRunner().invoke(build_app("run"), ["run", *args], env=env, catch_exceptions=False)


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    folder = tmp_path / "mirror"
    (folder / "old").mkdir(parents=True)
    (folder / "old" / "consolidated.xml.gz").symlink_to(UN_2025)
    (folder / "consolidated.xml").symlink_to(UN_2026)
    return folder


@pytest.mark.slow
def test_run_json_includes_one_monitor_pass(tmp_path: Path, mirror: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text(
        f'monitor_portfolio = "{PORTFOLIO}"\n'
        f'monitor_documents = ["{GERMAN}"]\n'
        f'monitor_ais = "{AIS_FILE}"\n'
        f'ais_context = "{AIS_CONTEXT}"\n',
        encoding="utf-8",
    )
    result = invoke(home, "--json", "--no-serve", "--no-ner", mirror=mirror)
    assert result.exit_code == 0, result.output
    [summary] = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert set(summary) == {"sync", "datasets", "monitor"}
    [un] = summary["datasets"]
    assert (un["dataset"], un["changes"]["added"]) == ("un_sc_sanctions", 4)
    monitor = summary["monitor"]
    assert monitor["alerts_new"] == monitor["alerts_total"] > 0
    assert monitor["alerts_new_by_kind"]["list_change"] == 1
    assert monitor["documents_read"] == 1 and monitor["ais_files_read"] == 1
    again = invoke(home, "--json", "--no-serve", "--no-ner", mirror=mirror)
    [second] = [json.loads(line) for line in again.stdout.splitlines() if line.strip()]
    assert second["monitor"]["alerts_new"] == 0


def test_example_inputs_are_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no monitor_* settings, the pass reads the repository's example portfolio, the
    shared documents and the small shared AIS folder (and says which)."""
    seen: dict[str, Any] = {}

    def fake_run_once(config: Any, options: Any, **_: Any) -> dict[str, Any]:
        seen["options"] = options
        return {"alerts_new": 0, "alerts_total": 0}

    monkeypatch.setattr("sanctionwatch.cases.monitor.run_once", fake_run_once)
    monkeypatch.chdir(run_module.REPO)
    config = load_settings(env={"SANCTIONWATCH_HOME": str(tmp_path / "home")})
    run_module._monitor(config, ner=False)
    options = seen["options"]
    assert options.portfolio.resolve() == PORTFOLIO.resolve()
    texts = {Path(d).resolve() for d in options.documents}
    assert (DOCUMENTS / "putin-kim-summit-de.txt").resolve() in texts and len(texts) == 17
    assert all(p.suffix == ".txt" for p in texts)
    assert [p.resolve() for p in options.ais] == [(AIS / "gfw_segment" / "regression").resolve()]
    assert options.ais_context.resolve() == AIS_CONTEXT.resolve()
    assert options.sync is False  # run has just synced


def test_serves_the_web_ui_after_the_summary(
    tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append((app, kw)))
    result = invoke(tmp_path / "home", "--no-monitor", "--port", "8765", mirror=mirror)
    assert result.exit_code == 0, result.output
    assert calls == [
        ("sanctionwatch.web.asgi:make_app", {"factory": True, "host": "127.0.0.1", "port": 8765})
    ]
    from sanctionwatch.web.asgi import make_app

    assert callable(make_app)

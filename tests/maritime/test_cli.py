"""`sanctionwatch ais`: ingest, detect (JSON, GeoJSON, CSV), vessel, map; JSON shape pinned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli.main import build_app
from tests.paths import AIS

KEYS = {
    "type",
    "vessels",
    "start",
    "end",
    "lat",
    "lon",
    "duration_h",
    "details",
    "watchlist",
    "definition",
    "params_hash",
}
CONTEXT = str(AIS / "context")
GFW = str(AIS / "gfw_segment" / "regression" / "regr_567000000.json.gz")


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SANCTIONWATCH_HOME", str(tmp_path / "home"))
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(build_app("ais"), ["ais", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_detect_json_shape(runner: CliRunner) -> None:
    out = invoke(runner, "detect", GFW, "--json", "--context", CONTEXT)
    events = [json.loads(line) for line in out.splitlines()]
    assert events
    for event in events:
        assert set(event) == KEYS
        assert event["type"] in {
            "encounter",
            "loitering",
            "gap",
            "port_visit",
            "identity",
            "dark_sts",
        }
        assert set(event["vessels"][0]) == {"mmsi", "imo", "name", "flag"}
        assert event["start"].endswith("Z")


def test_ingest_then_detect_and_vessel(runner: CliRunner, tmp_path: Path) -> None:
    report = json.loads(invoke(runner, "ingest", GFW))
    assert report["stored"]["positions"] > 0
    out = invoke(
        runner,
        "detect",
        "--geojson",
        "--context",
        CONTEXT,
        "--from",
        "2021-01-01",
        "--to",
        "2021-01-05",
    )
    collection = json.loads(out)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    csv_out = invoke(runner, "detect", "--csv", "--context", CONTEXT)
    assert csv_out.splitlines()[0].startswith("type,mmsis,start")
    map_path = tmp_path / "map.html"
    vessel = json.loads(
        invoke(runner, "vessel", "567000000", "--context", CONTEXT, "--map", str(map_path))
    )
    assert vessel["mmsis"] == [567000000]
    assert {h["name"] for h in vessel["identity_history"]} >= {"HIGHSEATOUR 9", "B D C 2"}
    assert any(e["details"].get("kind") == "shared_or_spoofed_mmsi" for e in vessel["events"])
    assert "<svg" in map_path.read_text(encoding="utf-8")


def test_bad_engine_is_a_clean_error(runner: CliRunner) -> None:
    result = runner.invoke(build_app("ais"), ["ais", "detect", GFW, "--engine", "nope"])
    assert result.exit_code == 2

"""`/api/events`, `/api/events.geojson` and `/api/runs` over the showcase ship events."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.wsapp import WsEnv, make_env
from tests.cases.builders import CHON_MA_SAN, YUK_TUNG, showcase_events


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    for env in make_env(tmp_path_factory.mktemp("events")):
        run_id = env.ws.start_run(kind="monitor", inputs={"ais": ["east-china-sea.nmea"]})
        env.ws.save_events(showcase_events(), run_id=run_id)
        env.ws.finish_run(run_id, summary={"events": 2})
        yield env


@pytest.mark.parametrize(
    "query, types",
    [
        pytest.param("", ["encounter", "gap"], id="all"),
        pytest.param("type=gap", ["gap"], id="type"),
        pytest.param(f"mmsi={CHON_MA_SAN['mmsi']}", ["encounter"], id="mmsi"),
        pytest.param(f"imo={YUK_TUNG['imo']}", ["encounter", "gap"], id="imo"),
        pytest.param("since=2024-03-02T00:00:00Z", ["encounter"], id="since"),
        pytest.param("until=2024-03-02T00:00:00Z", ["gap"], id="until"),
    ],
)
def test_events_filters(env: WsEnv, query: str, types: list[str]) -> None:
    response = env.client.get(f"/api/events?{query}", headers=env.key("viewer"))
    assert response.status_code == 200
    assert sorted(e["type"] for e in response.json()) == types


def test_events_keep_their_definition_and_vessels(env: WsEnv) -> None:
    encounter = env.client.get("/api/events?type=encounter", headers=env.key("viewer")).json()[0]
    assert encounter["definition"] == "encounter@1"
    assert {v["imo"] for v in encounter["vessels"]} == {YUK_TUNG["imo"], CHON_MA_SAN["imo"]}


def test_events_geojson(env: WsEnv) -> None:
    response = env.client.get("/api/events.geojson", headers=env.key("viewer"))
    assert response.status_code == 200
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    points = sorted(f["geometry"]["coordinates"] for f in collection["features"])
    assert points == [[123.85, 31.12], [123.92, 31.05]]
    assert {f["properties"]["type"] for f in collection["features"]} == {"gap", "encounter"}


def test_bad_time_filter_is_400(env: WsEnv) -> None:
    response = env.client.get("/api/events?since=yesterday", headers=env.key("viewer"))
    assert response.status_code == 400


def test_runs(env: WsEnv) -> None:
    runs = env.client.get("/api/runs", headers=env.key("viewer")).json()
    assert runs[0]["kind"] == "monitor"

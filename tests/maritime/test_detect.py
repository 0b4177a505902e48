"""Acceptance cases of issue 5 on real data, and the engine held to the pure-Python reference."""

from __future__ import annotations

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime.pipeline import DetectInput, DetectResult, detect, detect_windows
from sanctionwatch.maritime.reference import detect_reference
from tests.maritime.conftest import MIDNIGHT, SEED, real_input
from tests.maritime.parity import normalise


def run(data: DetectInput) -> DetectResult:
    return detect(DuckDBEngine(threads=2), data)


def encounters(result: DetectResult) -> list[tuple[int, ...]]:
    return [tuple(v.mmsi for v in e.vessels) for e in result.events if e.type == "encounter"]


@pytest.fixture(scope="module")
def gfw(ports: pa.Table) -> DetectResult:
    return run(real_input(ports, "gfw_segment/regression", "gfw_segment/416000000.json.gz"))


def test_danish_ferry_tanker_pass_is_not_an_encounter(ports: pa.Table) -> None:
    result = run(real_input(ports, "dma/ais-close-approach-wgs84.csv"))
    assert result.stats["positions_clean"] == 255  # two duplicate (mmsi, time) reports
    assert encounters(result) == []


def test_boston_harbour_stops_are_not_encounters(ports: pa.Table) -> None:
    result = run(real_input(ports, "noaa/marinecadastre_2014-01_boston_972.csv"))
    assert result.stats["positions_clean"] == 972
    assert encounters(result) == []
    assert not [e for e in result.events if e.type == "loitering"]  # inside 20 nm of Boston


@pytest.mark.parametrize(
    ("mmsi", "kinds"),
    [
        pytest.param(416000000, {"shared_or_spoofed_mmsi"}, id="416000000-shared"),
        pytest.param(412331088, {"shared_or_spoofed_mmsi"}, id="412331088-shared"),
        pytest.param(
            567000000,
            {"shared_or_spoofed_mmsi", "placeholder_imo", "name_change"},
            id="567000000-shared-placeholder",
        ),
        pytest.param(666000001, {"placeholder_imo"}, id="666000001-imo-123456789"),
    ],
)
def test_gfw_identity_anomalies(gfw: DetectResult, mmsi: int, kinds: set[str]) -> None:
    found = {
        e.details["kind"] for e in gfw.events if e.type == "identity" and e.vessels[0].mmsi == mmsi
    }
    assert kinds <= found


def test_gfw_quiet_mmsi_is_not_flagged_as_shared(gfw: DetectResult) -> None:
    flagged = {
        e.vessels[0].mmsi
        for e in gfw.events
        if e.type == "identity" and e.details["kind"] == "shared_or_spoofed_mmsi"
    }
    assert 209515000 not in flagged


def test_every_event_has_definition_and_params_hash(gfw: DetectResult) -> None:
    assert gfw.events
    for e in gfw.events:
        name, _, version = e.definition.partition("@")
        assert name and version.startswith("v")
        assert len(e.params_hash) == 12


@pytest.fixture(scope="module")
def synthetic_result(synthetic: DetectInput) -> DetectResult:
    return run(synthetic)


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        pytest.param((300000001, 300000002), True, id="across-midnight-23:00-01:30"),
        pytest.param((300000011, 300000012), True, id="three-vessel-a-b"),
        pytest.param((300000011, 300000013), True, id="three-vessel-a-c-300m"),
        pytest.param((300000012, 300000013), True, id="three-vessel-b-c"),
        pytest.param((300000021, 300000022), False, id="too-short-1h"),
        pytest.param((300000031, 300000032), False, id="too-fast-5kn"),
        pytest.param((300000041, 300000042), False, id="too-far-800m"),
        pytest.param((300000051, 300000052), False, id="dark-no-reports"),
    ],
)
def test_synthetic_meetings(
    synthetic_result: DetectResult, pair: tuple[int, int], expected: bool
) -> None:
    print(f"seed = {SEED}")
    assert (pair in encounters(synthetic_result)) is expected


def test_midnight_encounter_found_whole_in_day_windows(synthetic: DetectInput) -> None:
    result = detect_windows(DuckDBEngine(), synthetic, window_s=86400, overlap_s=86400 // 2)
    found = [
        e
        for e in result.events
        if e.type == "encounter" and tuple(v.mmsi for v in e.vessels) == (300000001, 300000002)
    ]
    assert len(found) == 1
    event = found[0]
    assert event.start < MIDNIGHT < (event.end or 0)
    assert event.start <= MIDNIGHT - 3600 + 600 and (event.end or 0) >= MIDNIGHT + 5400 - 600


def test_dark_meeting_is_a_dark_sts_candidate(synthetic_result: DetectResult) -> None:
    dark = {e.vessels[0].mmsi for e in synthetic_result.events if e.type == "dark_sts"}
    gaps = {e.vessels[0].mmsi for e in synthetic_result.events if e.type == "gap"}
    assert {300000051, 300000052} <= gaps
    assert dark <= gaps


@pytest.mark.parametrize(
    "paths",
    [
        pytest.param(("dma/ais-close-approach-wgs84.csv",), id="dma"),
        pytest.param(("noaa/marinecadastre_2014-01_boston_972.csv",), id="boston"),
        pytest.param(
            (
                "gfw_segment/regression/regr_567000000.json.gz",
                "gfw_segment/regression/regr_412331088.json.gz",
                "gfw_segment/regression/regr_666000001.json.gz",
            ),
            id="gfw-identity",
        ),
        pytest.param(("noaa/marinecadastre_2023-01-11_sample1000.csv",), id="noaa-1000"),
    ],
)
def test_duckdb_equals_reference_on_real_data(ports: pa.Table, paths: tuple[str, ...]) -> None:
    data = real_input(ports, *paths)
    assert normalise(run(data).events) == normalise(detect_reference(data).events)


def test_duckdb_equals_reference_on_synthetic(
    synthetic: DetectInput, synthetic_result: DetectResult
) -> None:
    print(f"seed = {SEED}")
    reference = detect_reference(synthetic)
    assert any(e.type == "encounter" for e in reference.events)
    assert normalise(synthetic_result.events) == normalise(reference.events)

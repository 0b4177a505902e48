"""DPRK port visits (3 km entry, 4 km exit, stop) and "heading for a DPRK port, then dark"."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime.pipeline import DetectInput, DetectResult, detect
from sanctionwatch.maritime.records import IDENTITY_SCHEMA
from sanctionwatch.maritime.reference import detect_reference
from sanctionwatch.maritime.synthetic import KN_MS, move, positions_table
from tests.maritime.parity import normalise

NAMPO = (38.716667, 125.4)
T0 = 1609459200


def track(
    mmsi: int, legs: list[tuple[float, float, int]], start: tuple[float, float], *, every: int = 300
) -> list[dict[str, Any]]:
    """A track of (bearing, knots, seconds) legs from `start`, one report every `every` s."""
    rows, (lat, lon), t = [], start, T0
    for bearing, knots, seconds in legs:
        for _ in range(seconds // every):
            rows.append(
                {
                    "mmsi": mmsi,
                    "ts": t,
                    "lat": lat,
                    "lon": lon,
                    "sog": knots,
                    "cog": bearing,
                    "source": "test",
                }
            )
            lat, lon = move(lat, lon, bearing, knots * KN_MS * every)
            t += every
    return rows


@pytest.fixture(scope="module")
def result(ports: pa.Table) -> tuple[DetectResult, DetectInput]:
    # a ship 20 km west of Nampo steams east into port, stops 6 h, and leaves west
    west = move(*NAMPO, 270, 20_000)
    visit = track(445111000, [(90, 10, 3888), (0, 0.0, 6 * 3600), (270, 10, 3888)], west)
    # a tanker 60 km south-west heads for Nampo at 10 kn, then goes dark for 30 h
    sw = move(*NAMPO, 225, 60_000)
    dark = track(351000001, [(45, 10, 3 * 3600)], sw)
    dark += [{**dark[-1], "ts": dark[-1]["ts"] + 30 * 3600}]
    data = DetectInput(positions_table(visit + dark), IDENTITY_SCHEMA.empty_table(), ports)
    return detect(DuckDBEngine(), data), data


def test_port_visit_with_stop_and_exit(result: tuple[DetectResult, DetectInput]) -> None:
    visits = [
        e for e in result[0].events if e.type == "port_visit" and e.details["kind"] == "visit"
    ]
    assert len(visits) == 1
    details = visits[0].details
    assert details["port"] == "NAMPO" and details["stop"] and details["exited"]
    assert details["confidence"] == 4
    assert 6 <= (visits[0].duration_h or 0) <= 7
    assert visits[0].vessels[0].flag == "KP"


def test_heading_for_dprk_port_then_dark(result: tuple[DetectResult, DetectInput]) -> None:
    found = [
        e
        for e in result[0].events
        if e.type == "port_visit" and e.details["kind"] == "approach_then_dark"
    ]
    assert [e.vessels[0].mmsi for e in found] == [351000001]
    assert found[0].details["port"] == "NAMPO"


def test_dprk_flag_identity(result: tuple[DetectResult, DetectInput]) -> None:
    kinds = {
        (e.vessels[0].mmsi, e.details["kind"]) for e in result[0].events if e.type == "identity"
    }
    assert (445111000, "dprk_flag") in kinds


def test_ports_equal_reference(result: tuple[DetectResult, DetectInput]) -> None:
    assert normalise(result[0].events) == normalise(detect_reference(result[1]).events)

"""Distance to shore in the loitering and gap detectors (issue 5), on DuckDB and the reference.

Loitering needs >= 20 nm from shore and from every port; a gap is likely intentional only
when it starts >= 50 nm from shore (its other conditions unchanged). The named cases sit off
a coast with no port within 50 nm, and each is also run with the shore threshold at 0, so
the test shows that the shore, not a port, decides. Seeded coastal tracks hold DuckDB to the
reference where the shore condition cuts both ways.
"""

from __future__ import annotations

import dataclasses

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime.events import haversine_km
from sanctionwatch.maritime.params import (
    NM_KM,
    DarkSTSParams,
    Definition,
    DetectConfig,
    GapParams,
    LoiteringParams,
)
from sanctionwatch.maritime.pipeline import DetectInput, DetectResult, detect
from sanctionwatch.maritime.records import IDENTITY_SCHEMA, Event
from sanctionwatch.maritime.reference import detect_reference
from sanctionwatch.maritime.shore import shore_km
from sanctionwatch.maritime.synthetic import positions_table
from tests.maritime.coastal import SHORE_CASES, ShoreCase, coastal_rows, shore_case_rows
from tests.maritime.conftest import SEED
from tests.maritime.parity import normalise

NO_SHORE = DetectConfig(
    loitering=LoiteringParams(min_shore_km=0.0), gap=GapParams(intentional_shore_km=0.0)
)
DETECTORS = ("loitering", "gap")


def on_duckdb(data: DetectInput, config: DetectConfig | None = None) -> DetectResult:
    engine = DuckDBEngine(threads=2)
    try:
        return detect(engine, data, config=config, detectors=DETECTORS)
    finally:
        engine.close()


def of(events: list[Event], case: ShoreCase) -> list[Event]:
    return [e for e in events if e.type == case.kind and e.vessels[0].mmsi == case.mmsi]


@pytest.fixture(scope="module")
def cases_input(ports: pa.Table) -> DetectInput:
    return DetectInput(positions_table(shore_case_rows()), IDENTITY_SCHEMA.empty_table(), ports)


@pytest.fixture(scope="module")
def runs(cases_input: DetectInput) -> dict[str, list[Event]]:
    return {
        "duckdb": on_duckdb(cases_input).events,
        "reference": detect_reference(cases_input, detectors=DETECTORS).events,
        "duckdb_no_shore": on_duckdb(cases_input, NO_SHORE).events,
        "reference_no_shore": detect_reference(
            cases_input, config=NO_SHORE, detectors=DETECTORS
        ).events,
    }


@pytest.mark.parametrize("case", SHORE_CASES, ids=[c.name for c in SHORE_CASES])
def test_case_sits_where_it_says(ports: pa.Table, case: ShoreCase) -> None:
    """Preconditions of the case table: the coast is that far; no port within 50 nm."""
    assert abs(shore_km(case.lat, case.lon) / NM_KM - case.nominal_nm) <= 1.0, case.name
    nearest = min(haversine_km(case.lat, case.lon, p["lat"], p["lon"]) for p in ports.to_pylist())
    assert nearest > 50 * NM_KM, case.name


@pytest.mark.parametrize("case", SHORE_CASES, ids=[c.name for c in SHORE_CASES])
def test_shore_decides(runs: dict[str, list[Event]], case: ShoreCase) -> None:
    for engine in ("duckdb", "reference"):
        found = of(runs[engine], case)
        without = of(runs[f"{engine}_no_shore"], case)
        if case.kind == "loitering":
            assert bool(found) is case.expected, (engine, case.name)
            assert len(without) == 1, (engine, case.name)  # only the shore removed it
            shore = without[0].details["shore_km"]
        else:
            assert len(found) == 1 and len(without) == 1, (engine, case.name)
            gap = found[0].details
            assert gap["likely_intentional"] is case.expected, (engine, case.name)
            assert gap["kind"] == ("likely_intentional" if case.expected else "gap")
            assert without[0].details["likely_intentional"] is True, (engine, case.name)
            assert gap["n_before"] >= 14 and gap["reception_per_day"] >= 10.0, case.name
            duration_h = found[0].duration_h
            assert gap["port_km"] is None and duration_h is not None and duration_h >= 12, case.name
            shore = gap["shore_km"]
        assert abs(shore / NM_KM - case.nominal_nm) <= 2.0, (engine, case.name, shore)


def test_cases_duckdb_equals_reference(runs: dict[str, list[Event]]) -> None:
    assert normalise(runs["duckdb"]) == normalise(runs["reference"])
    assert normalise(runs["duckdb_no_shore"]) == normalise(runs["reference_no_shore"])


@pytest.mark.parametrize(
    ("name", "shift", "found"),
    [
        pytest.param("threshold exactly at the distance", 0.0, True, id="inclusive"),
        pytest.param("threshold just beyond it", 1e-9, False, id="just-beyond"),
    ],
)
def test_loitering_shore_threshold_is_inclusive(
    cases_input: DetectInput, name: str, shift: float, found: bool
) -> None:
    case = next(c for c in SHORE_CASES if c.kind == "loitering" and c.expected)
    measured = of(on_duckdb(cases_input).events, case)[0].details["shore_km"]
    exact = shore_km(*_mean_position(cases_input, case.mmsi))
    assert round(exact, 6) == measured
    config = DetectConfig(loitering=LoiteringParams(min_shore_km=exact + shift))
    assert bool(of(on_duckdb(cases_input, config).events, case)) is found, name
    reference = detect_reference(cases_input, config=config, detectors=DETECTORS).events
    assert bool(of(reference, case)) is found, name


def _mean_position(data: DetectInput, mmsi: int) -> tuple[float, float]:
    mine = [r for r in data.positions.to_pylist() if r["mmsi"] == mmsi]
    return sum(r["lat"] for r in mine) / len(mine), sum(r["lon"] for r in mine) / len(mine)


@pytest.mark.parametrize(
    ("params", "definition"),
    [
        pytest.param(LoiteringParams(), "loitering@v2", id="loitering"),
        pytest.param(GapParams(), "gap@v2", id="gap"),
        pytest.param(DarkSTSParams(), "dark_sts@v2", id="dark-sts-built-on-both"),
    ],
)
def test_definitions_changed_version(params: Definition, definition: str) -> None:
    assert params.definition == definition


@pytest.mark.parametrize(
    ("params", "field", "default", "other"),
    [
        pytest.param(LoiteringParams(), "min_shore_km", 20 * NM_KM, 15 * NM_KM, id="loiter-20nm"),
        pytest.param(LoiteringParams(), "shore_cell_deg", 0.05, 0.1, id="loitering-cell"),
        pytest.param(GapParams(), "intentional_shore_km", 50 * NM_KM, 40 * NM_KM, id="gap-50nm"),
        pytest.param(GapParams(), "shore_cell_deg", 0.05, 0.1, id="gap-cell"),
    ],
)
def test_params_hash_follows_shore_parameters(
    params: LoiteringParams | GapParams, field: str, default: float, other: float
) -> None:
    assert params.as_dict()[field] == default
    changed: LoiteringParams | GapParams = dataclasses.replace(params, **{field: other})  # type: ignore[arg-type]
    assert changed.params_hash != params.params_hash


@pytest.fixture(scope="module")
def coastal(ports: pa.Table) -> DetectInput:
    return DetectInput(positions_table(coastal_rows(SEED)), IDENTITY_SCHEMA.empty_table(), ports)


def test_coastal_duckdb_equals_reference(coastal: DetectInput) -> None:
    """Seeded loiterers and gaps from the beach to 80 nm out: the engines agree, and the
    shore condition both keeps and removes events (else this test could not fail)."""
    print(f"seed = {SEED}")
    duck = on_duckdb(coastal)
    reference = detect_reference(coastal, detectors=DETECTORS)
    assert normalise(duck.events) == normalise(reference.events)
    assert duck.stats["shore_cells"]["loitering"] > 0 and duck.stats["shore_cells"]["gap"] > 0
    loiter = [e for e in reference.events if e.type == "loitering"]
    loiter_no_shore = [
        e
        for e in detect_reference(coastal, config=NO_SHORE, detectors=DETECTORS).events
        if e.type == "loitering"
    ]
    assert 0 < len(loiter) < len(loiter_no_shore)
    candidates = [
        e for e in reference.events if e.type == "gap" and e.details["shore_km"] is not None
    ]
    intentional = [e.details["likely_intentional"] for e in candidates]
    assert True in intentional and False in intentional
    assert all(
        e.details["likely_intentional"] is False
        for e in reference.events
        if e.type == "gap" and e.details["shore_km"] is None
    )

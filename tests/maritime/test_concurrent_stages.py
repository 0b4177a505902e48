"""Stages after cleaning run two at once on DuckDB (`engine.run_concurrently`): the same
events as one after the other, with and without positions, for any detector subset."""

from __future__ import annotations

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime.pipeline import ALL_DETECTORS, DetectInput, detect
from sanctionwatch.maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA
from tests.maritime.parity import normalise


def _detect(data: DetectInput, workers: int, detectors: tuple[str, ...]) -> list[str]:
    engine = DuckDBEngine(threads=2)
    engine.concurrency = workers
    result = detect(engine, data, detectors=detectors)
    assert 1 <= result.stats["workers"] <= workers
    engine.close()
    return normalise(result.events)


@pytest.mark.parametrize(
    "detectors", [ALL_DETECTORS, ("identity",), ("encounter", "gap"), ("port_visit",)]
)
def test_concurrent_stages_give_the_sequential_events(
    synthetic: DetectInput, detectors: tuple[str, ...]
) -> None:
    together = _detect(synthetic, 2, detectors)
    assert together == _detect(synthetic, 1, detectors)
    if detectors == ALL_DETECTORS:
        assert together  # the synthetic set has events of several kinds


def test_no_positions_no_events_and_a_span_of_zero(ports: pa.Table) -> None:
    empty = DetectInput(POSITION_SCHEMA.empty_table(), IDENTITY_SCHEMA.empty_table(), ports)
    for workers in (1, 2):
        engine = DuckDBEngine(threads=2)
        engine.concurrency = workers
        result = detect(engine, empty)
        assert result.events == []
        assert result.stats["positions_clean"] == 0
        engine.close()

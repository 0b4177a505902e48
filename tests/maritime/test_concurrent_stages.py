"""Stages after cleaning run two at once on DuckDB (`engine.run_concurrently`): the same
events as one after the other, with and without positions, for any detector subset."""

from __future__ import annotations

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime.pipeline import (
    ALL_DETECTORS,
    SPAN_FROM_HOURS_SQL,
    SPAN_SQL,
    DetectInput,
    detect,
)
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


class _Recording(DuckDBEngine):
    """Keeps the queries whose results were fetched."""

    def __init__(self) -> None:
        super().__init__(threads=2)
        self.fetched: list[str] = []

    def arrow(self, select_sql: str) -> pa.Table:
        self.fetched.append(select_sql)
        return super().arrow(select_sql)


def test_the_span_from_position_hours_is_the_span_of_the_cleaned_reports(
    synthetic: DetectInput,
) -> None:
    spans = {}
    for detectors, source in ((ALL_DETECTORS, SPAN_FROM_HOURS_SQL), (("gap",), SPAN_SQL)):
        engine = _Recording()
        engine.concurrency = 1  # in list order: the gap job runs after `position_hours`
        stats = detect(engine, synthetic, detectors=detectors).stats
        engine.close()
        assert source in engine.fetched
        spans[source] = (stats["positions_clean"], stats["data_start"], stats["data_end"])
    assert spans[SPAN_SQL] == spans[SPAN_FROM_HOURS_SQL]
    assert spans[SPAN_SQL][0] > 0

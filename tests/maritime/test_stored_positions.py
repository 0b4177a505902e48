"""Ingested positions left on disk (`StoredPositions`) and read by the engine itself give the
same events as the same positions handed over in memory: on DuckDB, and on Spark, whose
executors then read the Parquet (the driver never holds the positions). Input: the seeded
synthetic tracks (meetings across midnight, three vessels, dark) plus a real GFW identity
track, stored by `store_ingested` as `ais ingest` does (partitioned by day)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.errors import InputError
from sanctionwatch.maritime.ingest import read_inputs
from sanctionwatch.maritime.pipeline import DetectInput, detect, detect_windows
from sanctionwatch.maritime.storage import (
    StoredPositions,
    load_identities,
    load_ingested,
    store_ingested,
    stored_positions,
)
from tests.maritime.parity import normalise
from tests.paths import AIS

REAL = "gfw_segment/regression/regr_567000000.json.gz"


@pytest.fixture(scope="module")
def stored_home(tmp_path_factory: pytest.TempPathFactory, synthetic: DetectInput) -> Path:
    home = tmp_path_factory.mktemp("stored-ais")
    real = read_inputs([AIS / REAL])
    assert isinstance(synthetic.positions, pa.Table)
    store_ingested(home, synthetic.positions, synthetic.identities)
    store_ingested(home, real.positions, real.identities)
    return home


def in_memory(home: Path, ports: pa.Table) -> DetectInput:
    positions, identities = load_ingested(home)
    return DetectInput(positions, identities, ports)


def on_disk(home: Path, ports: pa.Table) -> DetectInput:
    stored = stored_positions(home)
    assert stored is not None
    return DetectInput(stored, load_identities(home), ports)


def events_of(engine: Any, data: DetectInput, **window: int) -> list[str]:
    try:
        return normalise(detect(engine, data, **window).events)
    finally:
        engine.close()


def test_nothing_stored_says_none(tmp_path: Path) -> None:
    assert stored_positions(tmp_path) is None


def test_duckdb_reads_the_stored_positions_alike(stored_home: Path, ports: pa.Table) -> None:
    expected = events_of(DuckDBEngine(threads=2), in_memory(stored_home, ports))
    assert len(expected) > 10
    found = detect(DuckDBEngine(threads=2), on_disk(stored_home, ports))
    assert normalise(found.events) == expected
    assert found.stats["positions_in"] == load_ingested(stored_home)[0].num_rows


def test_a_time_window_over_stored_positions(stored_home: Path, ports: pa.Table) -> None:
    positions = load_ingested(stored_home)[0]
    middle = int(positions["ts"].to_numpy().mean())
    window = {"start": middle - 86400, "end": middle + 86400}
    expected = events_of(DuckDBEngine(threads=2), in_memory(stored_home, ports), **window)
    assert events_of(DuckDBEngine(threads=2), on_disk(stored_home, ports), **window) == expected


def test_windows_need_positions_in_memory(stored_home: Path, ports: pa.Table) -> None:
    with pytest.raises(InputError, match="in memory"):
        detect_windows(
            DuckDBEngine(threads=1), on_disk(stored_home, ports), window_s=86400, overlap_s=3600
        )


@pytest.mark.spark
def test_spark_executors_read_the_stored_positions(
    spark: Any, stored_home: Path, ports: pa.Table
) -> None:
    from sanctionwatch.engine.spark_engine import SparkEngine

    expected = events_of(DuckDBEngine(threads=2), in_memory(stored_home, ports))
    assert events_of(SparkEngine(spark, checkpoint=True), on_disk(stored_home, ports)) == expected
    assert not spark.catalog.tableExists("raw_positions")  # the engine dropped its view


def test_stored_positions_is_a_path(stored_home: Path) -> None:
    stored = stored_positions(stored_home)
    assert stored == StoredPositions((stored_home / "ais" / "positions").resolve())

"""`sanctionwatch ais detect --engine spark` through the CLI gives the DuckDB run's events.

The input is one small real file holding identity tricks (GFW regression track of MMSI
567000000: shared MMSI, placeholder IMO, name and dimension changes) plus the Danish close
pass. The session-scoped `spark` fixture starts Spark first, so the CLI's engine reuses it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli.main import build_app
from tests.maritime.parity import _round
from tests.paths import AIS

pytestmark = pytest.mark.spark

INPUTS = [
    str(AIS / "gfw_segment" / "regression" / "regr_567000000.json.gz"),
    str(AIS / "dma" / "ais-close-approach-wgs84.csv"),
]


def detect_json(engine: str) -> list[dict[str, Any]]:
    args = ["ais", "detect", *INPUTS, "--engine", engine, "--json"]
    result = CliRunner().invoke(build_app("ais"), [*args, "--context", str(AIS / "context")])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_cli_spark_equals_duckdb(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANCTIONWATCH_HOME", str(tmp_path / "home"))
    # the engine's session comes from the settings (`SparkOptions`): this one is visible
    # on the shared session, the master is not (a running context keeps its own)
    monkeypatch.setenv("SANCTIONWATCH_SPARK_SHUFFLE_PARTITIONS", "3")
    partitions = spark.conf.get("spark.sql.shuffle.partitions")
    on_duckdb = detect_json("duckdb")
    try:
        on_spark = detect_json("spark")
        assert spark.conf.get("spark.sql.shuffle.partitions") == "3"
    finally:  # the CLI's getOrCreate re-sets runtime settings on the shared session
        spark.conf.set("spark.sql.shuffle.partitions", partitions)
    kinds = {e["details"].get("kind") for e in on_duckdb if e["type"] == "identity"}
    assert {"shared_or_spoofed_mmsi", "placeholder_imo", "dimension_mismatch"} <= kinds
    assert on_spark and normalise(on_spark) == normalise(on_duckdb)


def normalise(events: list[dict[str, Any]]) -> list[str]:
    """Sorted JSON with floats to 5 decimals (as `parity.normalise` does for Event lists)."""
    return sorted(json.dumps(_round(e), sort_keys=True) for e in events)


def test_cli_spark_reads_the_ingested_store(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ais ingest`, then `ais detect --engine spark` without files: Spark reads the stored
    Parquet itself (`StoredPositions`) and finds what DuckDB finds in the same store."""
    monkeypatch.setenv("SANCTIONWATCH_HOME", str(tmp_path / "home"))
    app = build_app("ais")
    ingested = CliRunner().invoke(app, ["ais", "ingest", *INPUTS])
    assert ingested.exit_code == 0, ingested.output

    def detect_stored(engine: str) -> list[dict[str, Any]]:
        args = ["ais", "detect", "--engine", engine, "--json", "--context", str(AIS / "context")]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines()]

    partitions = spark.conf.get("spark.sql.shuffle.partitions")
    on_duckdb = detect_stored("duckdb")
    try:
        on_spark = detect_stored("spark")
    finally:  # as above: the CLI's session settings stay on the shared session
        spark.conf.set("spark.sql.shuffle.partitions", partitions)
    assert on_duckdb and normalise(on_spark) == normalise(on_duckdb)

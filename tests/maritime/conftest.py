"""Shared maritime fixtures: real slices from the shared data, ports, a seeded synthetic set."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from sanctionwatch.maritime.ingest import read_inputs
from sanctionwatch.maritime.pipeline import DetectInput, load_ports
from sanctionwatch.maritime.records import IDENTITY_SCHEMA
from sanctionwatch.maritime.synthetic import Meeting, meeting_rows, positions_table, random_tracks
from tests.paths import AIS

SEED = 20260105
MIDNIGHT = 1609545600  # 2021-01-02T00:00:00Z


@pytest.fixture(scope="session")
def ports() -> pa.Table:
    return load_ports(AIS / "context" / "wpi_ports.csv")


def real_input(ports: pa.Table, *paths: str) -> DetectInput:
    ingested = read_inputs([AIS / p for p in paths])
    return DetectInput(ingested.positions, ingested.identities, ports)


def synthetic_rows(seed: int) -> list[dict[str, Any]]:
    """Background traffic in the Yellow Sea plus meetings: one across midnight (23:00-01:30),
    one three-vessel, one too short, one too fast, one too far apart, one dark."""
    print(f"synthetic seed = {seed}")
    rng = random.Random(seed)
    rows = random_tracks(
        rng,
        n_vessels=12,
        start=MIDNIGHT - 12 * 3600,
        hours=24,
        interval_s=300,
        lat0=35.0,
        lon0=123.0,
        box_deg=0.6,
    )
    meetings = [
        Meeting((300000001, 300000002), 35.3, 123.3, MIDNIGHT - 3600, 9000, 100, 0.5, 60),
        Meeting(
            (300000011, 300000012, 300000013),
            35.5,
            123.1,
            MIDNIGHT - 8 * 3600,
            4 * 3600,
            150,
            1.0,
            180,
        ),
        Meeting((300000021, 300000022), 35.1, 123.5, MIDNIGHT + 2 * 3600, 3600, 50, 0.5, 60),
        Meeting((300000031, 300000032), 35.2, 123.0, MIDNIGHT + 3 * 3600, 4 * 3600, 50, 5.0, 60),
        Meeting((300000041, 300000042), 35.45, 123.45, MIDNIGHT - 6 * 3600, 4 * 3600, 800, 0.5, 60),
        Meeting(
            (300000051, 300000052),
            35.05,
            123.05,
            MIDNIGHT - 5 * 3600,
            6 * 3600,
            50,
            0.5,
            60,
            dark=True,
        ),
    ]
    for m in meetings:
        rows += meeting_rows(m, rng)
    return rows


@pytest.fixture(scope="session")
def synthetic(ports: pa.Table) -> Iterator[DetectInput]:
    yield DetectInput(positions_table(synthetic_rows(SEED)), IDENTITY_SCHEMA.empty_table(), ports)


# Small-data Spark: interpreted expressions instead of compiling Java for every query
# (NO_CODEGEN, no whole-stage codegen), no adaptive re-planning, and a JVM that only uses the
# quick C1 compiler and the serial GC. Test inputs are thousands of rows, so compiling is the
# cost; these settings roughly halve JVM start and cut the first detector run about threefold.
SPARK_TEST_CONF = {
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
    "spark.ui.showConsoleProgress": "false",
    "spark.default.parallelism": "2",
}


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """The one SparkSession of the test session: local[2], 2 shuffle partitions, no UI."""
    pytest.importorskip("pyspark")
    from sanctionwatch.engine.spark_engine import local_session

    session = local_session(master="local[2]", shuffle_partitions=2, conf=SPARK_TEST_CONF)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()

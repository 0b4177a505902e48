"""Ingested AIS on disk: Parquet datasets partitioned by day under `settings.home / "ais"`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from sanctionwatch.maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA


def _with_day(table: pa.Table) -> pa.Table:
    seconds = pc.cast(table["ts"], pa.timestamp("s", tz="UTC"))
    day = pc.strftime(seconds, format="%Y-%m-%d")
    return table.append_column("day", day)


def write_day_partitioned(table: pa.Table, root: Path) -> int:
    """Append `table` under `root/day=YYYY-MM-DD/`; returns the rows written."""
    if table.num_rows == 0:
        return 0
    root.mkdir(parents=True, exist_ok=True)
    ds.write_dataset(
        _with_day(table),
        root,
        format="parquet",
        partitioning=["day"],
        partitioning_flavor="hive",
        existing_data_behavior="overwrite_or_ignore",
        basename_template=f"part-{uuid.uuid4().hex}-{{i}}.parquet",
    )
    return int(table.num_rows)


def read_partitioned(
    root: Path, schema: pa.Schema, *, start: int | None = None, end: int | None = None
) -> pa.Table:
    """Rows in [start, end) from a day-partitioned dataset (empty when there is none)."""
    if not root.is_dir():
        return schema.empty_table()
    dataset = ds.dataset(root, format="parquet", partitioning="hive")
    expr = None
    if start is not None:
        expr = ds.field("ts") >= start
    if end is not None:
        cond = ds.field("ts") < end
        expr = cond if expr is None else expr & cond
    table = dataset.to_table(columns=schema.names, filter=expr)
    return table.cast(schema)


def ais_root(home: Path) -> Path:
    return home / "ais"


@dataclass(frozen=True)
class StoredPositions:
    """Ingested positions left on disk (`root`: the day-partitioned Parquet folder) for the
    engine to read itself: Spark then reads them on its executors, not through this
    process. Use `stored_positions`, which says None when nothing is stored."""

    root: Path


def stored_positions(home: Path) -> StoredPositions | None:
    root = ais_root(home) / "positions"
    if not root.is_dir() or not any(root.rglob("*.parquet")):
        return None
    return StoredPositions(root.resolve())


def store_ingested(home: Path, positions: pa.Table, identities: pa.Table) -> dict[str, int]:
    root = ais_root(home)
    return {
        "positions": write_day_partitioned(positions, root / "positions"),
        "identities": write_day_partitioned(identities, root / "identities"),
    }


def load_ingested(
    home: Path, *, start: int | None = None, end: int | None = None
) -> tuple[pa.Table, pa.Table]:
    root = ais_root(home)
    return (
        read_partitioned(root / "positions", POSITION_SCHEMA, start=start, end=end),
        load_identities(home),
    )


def ingested_for_engine(
    home: Path, *, start: int | None, end: int | None, stored: bool
) -> tuple[pa.Table | StoredPositions, pa.Table]:
    """The ingested positions and identities for a detection: with `stored`, positions stay
    on disk for the engine to read (Spark: on its executors), when any are stored."""
    on_disk = stored_positions(home) if stored else None
    if on_disk is not None:
        return on_disk, load_identities(home)
    return load_ingested(home, start=start, end=end)


def load_identities(home: Path) -> pa.Table:
    """The ingested identity (static) messages: few beside the positions."""
    return read_partitioned(ais_root(home) / "identities", IDENTITY_SCHEMA)

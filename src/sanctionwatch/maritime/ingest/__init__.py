"""Read AIS inputs of any supported format into position and identity tables.

Formats are recognised by content, not only by name: NMEA (`!AIVDM`, tag blocks, `$PGHP`),
CSV with a known header, GFW JSON/NDJSON messages, and Parquet. Gzip is read transparently.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from sanctionwatch.errors import InputError
from sanctionwatch.maritime.ingest.batch import Batch, IngestReport
from sanctionwatch.maritime.ingest.nmea import read_nmea
from sanctionwatch.maritime.ingest.tabular import read_csv, read_ndjson
from sanctionwatch.maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA

__all__ = ["IngestReport", "Ingested", "read_inputs", "read_text"]

PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Ingested:
    """Positions and identities read from some inputs, with the report of what was dropped."""

    positions: pa.Table
    identities: pa.Table
    report: IngestReport


def _expand(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(f"no such file or directory: {path}")
    return out


def sniff(head: str) -> str:
    """The format of a text input from its first non-empty lines."""
    for line in head.splitlines():
        text = line.strip().lstrip("\ufeff")
        if not text or text.startswith("#"):
            continue
        if text.startswith(("!", "\\", "$")):
            return "nmea"
        if text.startswith(("{", "[")):
            return "ndjson"
        if "," in text:
            return "csv"
        return "unknown"
    return "empty"


def read_text(text: str, *, name: str, batch: Batch) -> None:
    """Parse one text input of any text format into `batch`."""
    kind = sniff(text[:4096])
    batch.report.formats[kind] += 1
    lines = io.StringIO(text)
    if kind == "nmea":
        read_nmea(lines, file=name, batch=batch)
    elif kind == "csv":
        read_csv(lines, file=name, batch=batch)
    elif kind == "ndjson":
        read_ndjson(text, file=name, batch=batch)
    elif kind == "unknown":
        batch.report.problem(reason="unknown_format", file=name, value=text[:80])


def read_parquet(path: Path, *, batch: Batch) -> pa.Table:
    """A Parquet file of positions (our own schema, or mmsi/timestamp/lat/lon columns)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    batch.report.formats["parquet"] += 1
    names = set(table.column_names)
    if "ts" not in names and "timestamp" in names:
        column = table["timestamp"]
        if pa.types.is_timestamp(column.type):
            seconds = pc.divide(pc.cast(pc.cast(column, pa.timestamp("s")), pa.int64()), 1)
            table = table.append_column("ts", seconds)
    missing = [n for n in ("mmsi", "ts", "lat", "lon") if n not in table.column_names]
    if missing:
        batch.report.problem(
            reason="missing_columns",
            file=str(path),
            location="schema",
            field_name=",".join(missing),
        )
        return pa.table({n: [] for n in POSITION_SCHEMA.names}, schema=POSITION_SCHEMA)
    columns = {}
    for field in POSITION_SCHEMA:
        if field.name in table.column_names:
            columns[field.name] = pc.cast(table[field.name], field.type)
        else:
            columns[field.name] = pa.nulls(table.num_rows, field.type)
    out = pa.table(columns, schema=POSITION_SCHEMA)
    valid = pc.and_(
        pc.and_(pc.is_valid(out["ts"]), pc.is_valid(out["mmsi"])),
        pc.and_(
            pc.and_(pc.greater_equal(out["lat"], -90), pc.less_equal(out["lat"], 90)),
            pc.and_(pc.greater_equal(out["lon"], -180), pc.less_equal(out["lon"], 180)),
        ),
    )
    valid = pc.fill_null(valid, False)
    kept = out.filter(valid)
    dropped = out.num_rows - kept.num_rows
    if dropped:
        batch.report.counts["dropped:invalid_coordinates"] += dropped
    batch.report.counts["positions"] += kept.num_rows
    return kept


def read_inputs(paths: Sequence[Path | str]) -> Ingested:
    """Read every file (directories recursively); problems are counted, never raised."""
    batch = Batch()
    parquet_tables: list[pa.Table] = []
    for path in _expand(Path(p) for p in paths):
        name = str(path)
        batch.report.files.append(name)
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                batch.report.problem(reason="truncated_gzip", file=name, value=str(exc))
                data = _partial_gunzip(data)
        if data[:4] == PARQUET_MAGIC:
            parquet_tables.append(read_parquet(path, batch=batch))
            continue
        read_text(data.decode("utf-8", errors="replace"), name=name, batch=batch)
    positions = pa.concat_tables([batch.positions_table(), *parquet_tables])
    return Ingested(positions, batch.identities_table(), batch.report)


def _partial_gunzip(data: bytes) -> bytes:
    """Whatever a truncated gzip stream yields before it breaks."""
    import zlib

    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return decoder.decompress(data)
    except zlib.error:
        return b""


def empty_identities() -> pa.Table:
    return pa.table({n: [] for n in IDENTITY_SCHEMA.names}, schema=IDENTITY_SCHEMA)

"""One definition per maritime record; Arrow/Parquet schemas and SQL columns derive from them.

Times are epoch seconds (UTC) everywhere inside the engine: plain integers behave the same on
DuckDB, Spark and in Python.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Union

import pyarrow as pa


@dataclass(frozen=True, slots=True)
class Position:
    """One AIS position report (types 1/2/3/18/19/27, or a row of a position export)."""

    mmsi: int
    ts: int
    lat: float
    lon: float
    sog: float | None = None
    cog: float | None = None
    heading: float | None = None
    receiver: str | None = None  # "terrestrial", "satellite" or None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """One static identity report (types 5/19/24, or the identity columns of an export)."""

    mmsi: int
    ts: int
    imo: str | None = None
    name: str | None = None
    callsign: str | None = None
    shiptype: str | None = None
    length: float | None = None
    width: float | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class VesselRef:
    """A vessel as it appears in an event: MMSI plus its most common broadcast identity."""

    mmsi: int
    imo: str | None = None
    name: str | None = None
    flag: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"mmsi": self.mmsi, "imo": self.imo, "name": self.name, "flag": self.flag}


EVENT_TYPES = ("encounter", "loitering", "gap", "port_visit", "identity", "dark_sts")


@dataclass(frozen=True)
class Event:
    """A ship event; `definition` is "name@version" and `params_hash` pins the parameters."""

    type: str
    vessels: tuple[VesselRef, ...]
    start: int
    end: int | None
    lat: float | None
    lon: float | None
    definition: str
    params_hash: str
    details: Mapping[str, Any] = field(default_factory=dict)
    watchlist: tuple[Mapping[str, Any], ...] = ()

    @property
    def duration_h(self) -> float | None:
        return None if self.end is None else round((self.end - self.start) / 3600.0, 4)

    @property
    def key(self) -> tuple[str, tuple[int, ...], int, str]:
        """Identity of an event across engines and windows."""
        kind = str(self.details.get("kind", ""))
        return (self.type, tuple(v.mmsi for v in self.vessels), self.start, kind)

    def to_json(self) -> dict[str, Any]:
        """The wire shape of issue 5 (times in ISO 8601 UTC)."""
        return {
            "type": self.type,
            "vessels": [v.to_dict() for v in self.vessels],
            "start": iso(self.start),
            "end": None if self.end is None else iso(self.end),
            "lat": self.lat,
            "lon": self.lon,
            "duration_h": self.duration_h,
            "details": dict(self.details),
            "watchlist": [dict(w) for w in self.watchlist],
            "definition": self.definition,
            "params_hash": self.params_hash,
        }


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_ARROW = {int: pa.int64(), float: pa.float64(), str: pa.string(), bool: pa.bool_()}
_SQL = {int: "BIGINT", float: "DOUBLE", str: "VARCHAR", bool: "BOOLEAN"}


def _base_type(hint: Any) -> tuple[type, bool]:
    """(python type, nullable) of a field annotation such as `float | None`."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0], True
    return hint, False


def arrow_schema(record: type) -> pa.Schema:
    """The Arrow (and Parquet) schema of a flat record dataclass."""
    hints = typing.get_type_hints(record)
    out = []
    for f in dataclasses.fields(record):
        base, nullable = _base_type(hints[f.name])
        out.append(pa.field(f.name, _ARROW[base], nullable=nullable))
    return pa.schema(out)


def sql_columns(record: type) -> dict[str, str]:
    """Column name -> SQL type for a flat record dataclass."""
    hints = typing.get_type_hints(record)
    return {f.name: _SQL[_base_type(hints[f.name])[0]] for f in dataclasses.fields(record)}


POSITION_SCHEMA = arrow_schema(Position)
IDENTITY_SCHEMA = arrow_schema(Identity)

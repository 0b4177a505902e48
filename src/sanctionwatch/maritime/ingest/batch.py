"""Accumulate decoded positions and identities column-wise, and count every drop.

Lenient on values, strict on structure: a bad row is counted under a reason and the first
problems are kept with their file and line; nothing is dropped silently.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from sanctionwatch.errors import Problem
from sanctionwatch.maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA

MAX_PROBLEMS = 200  # keep the first problems in full; the counters hold the rest


@dataclass
class IngestReport:
    """What an ingestion read, kept and dropped, and why."""

    files: list[str] = field(default_factory=list)
    formats: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self, *, reason: str, file: str, location: str = "", value: str = "", field_name: str = ""
    ) -> None:
        """Count one dropped item under `reason` and keep its details while there is room."""
        self.counts[f"dropped:{reason}"] += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(file, location, field_name, value[:120], reason))

    def merge(self, other: IngestReport) -> None:
        self.files += other.files
        self.formats.update(other.formats)
        self.counts.update(other.counts)
        room = MAX_PROBLEMS - len(self.problems)
        self.problems += other.problems[: max(room, 0)]

    def to_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "formats": dict(self.formats),
            "counts": dict(sorted(self.counts.items())),
            "problems": [p.to_dict() for p in self.problems],
        }


def clean_float(value: object) -> float | None:
    """A finite float or None (NaN, empty strings and junk become None)."""
    if value is None or value == "":
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def clean_text(value: object) -> str | None:
    """Trimmed text without AIS '@' padding, or None."""
    if value is None:
        return None
    text = str(value).replace("@", " ").strip()
    if not text or text.lower() in {"nan", "none", "null", "not available"}:
        return None
    return " ".join(text.split())


def clean_imo(value: object) -> str | None:
    """IMO digits as broadcast ("IMO9307839" -> "9307839"); validity is judged later."""
    text = clean_text(value)
    if text is None:
        return None
    if text.upper().startswith("IMO"):
        text = text[3:].strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text if text.isdigit() else None


@dataclass
class Batch:
    """Column buffers for positions and identities from one or more files."""

    report: IngestReport = field(default_factory=IngestReport)
    pos: dict[str, list[object]] = field(
        default_factory=lambda: {n: [] for n in POSITION_SCHEMA.names}
    )
    ids: dict[str, list[object]] = field(
        default_factory=lambda: {n: [] for n in IDENTITY_SCHEMA.names}
    )
    _last_identity: dict[int, tuple[object, ...]] = field(default_factory=dict)

    def add_position(
        self,
        *,
        file: str,
        location: str,
        mmsi: int | None,
        ts: int | None,
        lat: float | None,
        lon: float | None,
        sog: float | None = None,
        cog: float | None = None,
        heading: float | None = None,
        receiver: str | None = None,
        source: str | None = None,
    ) -> bool:
        """Validate and keep one position; count and report it when it is unusable."""
        if mmsi is None or not 0 < mmsi < 10**9:
            self.report.problem(
                reason="bad_mmsi", file=file, location=location, value=str(mmsi), field_name="mmsi"
            )
            return False
        if ts is None:
            self.report.problem(
                reason="bad_timestamp", file=file, location=location, field_name="timestamp"
            )
            return False
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.report.problem(
                reason="invalid_coordinates",
                file=file,
                location=location,
                value=f"{lat},{lon}",
                field_name="lat/lon",
            )
            return False
        if sog is not None and not 0 <= sog < 102.2:  # 102.3 = "not available"
            sog = None
        if cog is not None and not 0 <= cog < 360:
            cog = None
        if heading is not None and not 0 <= heading < 360:
            heading = None
        for name, value in (
            ("mmsi", mmsi),
            ("ts", ts),
            ("lat", lat),
            ("lon", lon),
            ("sog", sog),
            ("cog", cog),
            ("heading", heading),
            ("receiver", receiver),
            ("source", source),
        ):
            self.pos[name].append(value)
        self.report.counts["positions"] += 1
        return True

    def add_identity(
        self,
        *,
        mmsi: int | None,
        ts: int | None,
        imo: str | None = None,
        name: str | None = None,
        callsign: str | None = None,
        shiptype: str | None = None,
        length: float | None = None,
        width: float | None = None,
        source: str | None = None,
    ) -> None:
        """Keep a static identity when it says something new for that MMSI."""
        if mmsi is None or ts is None or (imo is None and name is None and callsign is None):
            return
        value = (imo, name, callsign, shiptype, length, width)  # dimensions: identity checks
        if self._last_identity.get(mmsi) == value:
            return
        self._last_identity[mmsi] = value
        for column, item in (
            ("mmsi", mmsi),
            ("ts", ts),
            ("imo", imo),
            ("name", name),
            ("callsign", callsign),
            ("shiptype", shiptype),
            ("length", length),
            ("width", width),
            ("source", source),
        ):
            self.ids[column].append(item)
        self.report.counts["identities"] += 1

    def positions_table(self) -> pa.Table:
        return pa.table(self.pos, schema=POSITION_SCHEMA)

    def identities_table(self) -> pa.Table:
        return pa.table(self.ids, schema=IDENTITY_SCHEMA)

"""MarineCadastre-style CSV (both schemas), DMA-style CSV and GFW JSON/NDJSON messages."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sanctionwatch.maritime.ingest.batch import Batch, clean_float, clean_imo, clean_text
from sanctionwatch.maritime.ingest.timeparse import parse_time

# canonical field -> accepted column names (lower case), so reordered or renamed columns work
ALIASES: dict[str, tuple[str, ...]] = {
    "mmsi": ("mmsi", "ssvid", "userid"),
    "ts": ("basedatetime", "timestamp", "t", "time", "datetime", "# timestamp", "ts"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "long", "longitude"),
    "sog": ("sog", "speed"),
    "cog": ("cog", "course"),
    "heading": ("heading",),
    "name": ("vesselname", "name", "shipname", "ship name"),
    "imo": ("imo",),
    "callsign": ("callsign", "call sign"),
    "shiptype": ("vesseltype", "ship_type", "shiptype", "ship type"),
    "length": ("length",),
    "width": ("width",),
    "receiver": ("receiver_type", "transceiverclass"),
}
REQUIRED = ("mmsi", "ts", "lat", "lon")


def _columns(header: Iterable[str]) -> dict[str, str]:
    """Canonical field -> the file's column name."""
    lower = {h.strip().lower(): h for h in header}
    found: dict[str, str] = {}
    for canonical, names in ALIASES.items():
        for name in names:
            if name in lower:
                found[canonical] = lower[name]
                break
    return found


def _mmsi(value: object) -> int | None:
    text = str(value).strip() if value is not None else ""
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


def _add_record(
    row: Mapping[str, Any], cols: Mapping[str, str], *, file: str, where: str, batch: Batch
) -> None:
    def get(field: str) -> Any:
        column = cols.get(field)
        return None if column is None else row.get(column)

    mmsi = _mmsi(get("mmsi"))
    ts = parse_time(get("ts"))
    receiver = clean_text(get("receiver"))
    if receiver is not None and receiver.upper() in ("A", "B"):
        receiver = None  # MarineCadastre's transceiver class, not a receiver type
    lat, lon = clean_float(get("lat")), clean_float(get("lon"))
    if ("lat" in cols or "lon" in cols) and not (lat is None and lon is None and _is_static(row)):
        batch.add_position(
            file=file,
            location=where,
            mmsi=mmsi,
            ts=ts,
            lat=lat,
            lon=lon,
            sog=clean_float(get("sog")),
            cog=clean_float(get("cog")),
            heading=clean_float(get("heading")),
            receiver=receiver,
            source=file,
        )
    batch.add_identity(
        mmsi=mmsi,
        ts=ts,
        imo=clean_imo(get("imo")),
        name=clean_text(get("name")),
        callsign=clean_text(get("callsign")),
        shiptype=clean_text(get("shiptype")),
        length=clean_float(get("length")),
        width=clean_float(get("width")),
        source=file,
    )


def _is_static(row: Mapping[str, Any]) -> bool:
    """GFW messages of type AIS.5/AIS.24 carry identity only."""
    kind = str(row.get("type", ""))
    return kind in {"AIS.5", "AIS.24", "5", "24"}


def read_csv(lines: Iterable[str], *, file: str, batch: Batch) -> None:
    """A position CSV with any of the known headers, in any column order."""
    reader = csv.DictReader(lines)
    cols = _columns(reader.fieldnames or [])
    missing = [f for f in REQUIRED if f not in cols]
    if missing:
        batch.report.problem(
            reason="missing_columns",
            file=file,
            location="header",
            value=",".join(reader.fieldnames or []),
            field_name=",".join(missing),
        )
        return
    for number, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            batch.report.problem(
                reason="wrong_field_count",
                file=file,
                location=f"line {number}",
                value=str(list(row.values())),
            )
            continue
        _add_record(row, cols, file=file, where=f"line {number}", batch=batch)


def _records_of(document: Any) -> list[Any]:
    """Records of a whole JSON document: an array, a GeoJSON FeatureCollection, or one object."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("features"), list):
        out = []
        for feature in document["features"]:
            props = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
            geometry = feature.get("geometry") if isinstance(feature, dict) else None
            if isinstance(geometry, dict) and geometry.get("type") == "Point":
                coords = geometry.get("coordinates") or [None, None]
                props.setdefault("lon", coords[0])
                props.setdefault("lat", coords[1] if len(coords) > 1 else None)
            out.append(props)
        return out
    return [document]


def read_ndjson(text: str, *, file: str, batch: Batch) -> None:
    """GFW-style decoded messages: one JSON object per line, or one JSON document."""
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n" in stripped.strip()):
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            document = None
        if document is not None:
            for number, item in enumerate(_records_of(document), start=1):
                if isinstance(item, dict):
                    _add_record(
                        item,
                        _columns(item.keys()),
                        file=file,
                        where=f"record {number}",
                        batch=batch,
                    )
                else:
                    batch.report.problem(
                        reason="bad_json", file=file, location=f"record {number}", value=str(item)
                    )
            return
    for number, line in enumerate(text.splitlines(), start=1):
        text = line.strip()
        if not text:
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            batch.report.problem(
                reason="bad_json", file=file, location=f"line {number}", value=text
            )
            continue
        records = record if isinstance(record, list) else [record]
        for item in records:
            if not isinstance(item, dict):
                batch.report.problem(
                    reason="bad_json", file=file, location=f"line {number}", value=text
                )
                continue
            _add_record(item, _columns(item.keys()), file=file, where=f"line {number}", batch=batch)

"""Timestamps in the formats AIS exports use, to epoch seconds UTC."""

from __future__ import annotations

from datetime import UTC, datetime

_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",  # Danish Maritime Authority exports
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%Y%m%d%H%M%S",
)


def parse_time(value: object) -> int | None:
    """Epoch seconds for ISO 8601 (with or without zone), common exports, or epoch s/ms."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _epoch(float(value))
    text = str(value).strip()
    if not text:
        return None
    if text.replace(".", "", 1).isdigit() and len(text.split(".")[0]) in (9, 10, 12, 13):
        return _epoch(float(text))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(text.split(".")[0], fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def _epoch(number: float) -> int | None:
    if number > 1e11:  # milliseconds
        number /= 1000.0
    if not 0 < number < 4.2e9:
        return None
    return int(number)

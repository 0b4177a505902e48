"""Pure conversions between the workspace records and their table rows, and the search keys.

No database here. Keys are what ties alerts together across analytics: a list entity id, a
vessel's IMO number (which survives renames and reflagging) and its MMSI (which does not, but
is all a ship event may know). They are normalised once, here, so "IMO 9123456", "9123456"
and "IMO9123456" are one key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sanctionwatch.cases.model import (
    ALERT_KINDS,
    SEVERITIES,
    Alert,
    fingerprint,
)
from sanctionwatch.errors import InputError

_IMO_DIGITS = re.compile(r"\d{7}")


def utc_iso(moment: datetime) -> str:
    """The workspace's time format: ISO 8601 UTC to the second, "2026-11-29T02:10:00Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime (naive taken as UTC); None if unparseable."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def normal_time(value: str | None, *, field: str) -> str | None:
    """Store times in one format so they sort and compare as text; refuse non-times."""
    if value is None or value == "":
        return None
    moment = parse_iso(str(value))
    if moment is None:
        raise InputError(f"{field}: {value!r} is not an ISO 8601 time")
    return utc_iso(moment)


def lenient_time(value: str | None) -> str | None:
    """A time for a searchable column: normalised, or None when unparseable (the record's
    JSON keeps the original text, so nothing is lost)."""
    if not value:
        return None
    moment = parse_iso(str(value))
    return None if moment is None else utc_iso(moment)


def event_time(alert: Alert) -> str | None:
    """When the alert's underlying event happened, as suggestions compare it (the
    `occurred_at` column). A document dated only by its receipt has none: its alert's
    `occurred_at` says when it reached us, not when the events it reports happened."""
    if alert.kind == "document_finding" and alert.evidence.get("dated_by") == "received":
        return None
    return lenient_time(alert.occurred_at)


def ended_at(alert: Alert) -> str | None:
    """When the alert's underlying event ended: ship events span hours or days (a gap, an
    encounter), and two events of one incident are close in time end-to-start, not
    start-to-start. Other alerts are instants."""
    if alert.kind != "ship_event":
        return None
    end = alert.evidence.get("end")
    return lenient_time(end) if isinstance(end, str) else None


def imo_key(imo: str | int | None) -> str | None:
    """ "imo:9123456" from any spelling of an IMO number; None when there is none."""
    if imo is None:
        return None
    text = str(imo).strip()
    digits = re.sub(r"\D", "", text)
    if _IMO_DIGITS.fullmatch(digits) and set(digits) != {"0"}:
        return f"imo:{digits}"
    cleaned = re.sub(r"^IMO\s*", "", text.upper()).strip()
    return f"imo:{cleaned}" if cleaned and set(cleaned) != {"0"} else None


def mmsi_key(mmsi: int | str | None) -> str | None:
    if mmsi is None or str(mmsi).strip() in ("", "0"):
        return None
    return f"mmsi:{str(mmsi).strip()}"


def entity_key(entity_id: str | None) -> str | None:
    return f"entity:{entity_id}" if entity_id else None


def alert_keys(alert: Alert) -> tuple[str, ...]:
    """The keys an alert is found (and grouped) by, sorted and unique."""
    keys: set[str | None] = {entity_key(e.entity_id) for e in alert.entities}
    for vessel in alert.vessels:
        keys.add(imo_key(vessel.imo))
        keys.add(mmsi_key(vessel.mmsi))
    return tuple(sorted(k for k in keys if k))


def event_keys(event: Mapping[str, Any]) -> tuple[str, ...]:
    """IMO and MMSI keys of a maritime event's vessels, and its watchlist entities."""
    keys: set[str | None] = set()
    for vessel in event.get("vessels") or ():
        keys.add(imo_key(vessel.get("imo")))
        keys.add(mmsi_key(vessel.get("mmsi")))
    for entry in event.get("watchlist") or ():
        keys.add(entity_key(entry.get("entity_id")))
        keys.add(imo_key(entry.get("imo")))
    return tuple(sorted(k for k in keys if k))


def event_fingerprint(event: Mapping[str, Any]) -> str:
    """Identity of a ship event across monitor runs: type, its kind within the type (an
    identity event may be an MMSI-445 flag and a dimension mismatch at the same start),
    vessels, start and definition."""
    try:
        mmsis = [v.get("mmsi") for v in event.get("vessels") or ()]
        kind = (event.get("details") or {}).get("kind")
        parts: list[Any] = [event["type"], mmsis, event["start"], event.get("definition")]
        if kind is not None:  # events without a kind keep their earlier fingerprints
            parts.append(kind)
        return fingerprint("ship_event_record", *parts)
    except (KeyError, AttributeError, TypeError) as exc:
        raise InputError(f"ship event without type, start or vessels: {exc}") from exc


def check_alert(alert: Alert) -> None:
    """Refuse an alert the workspace could not file or show (strict on structure)."""
    where = f"alert {alert.fingerprint!r}"
    if alert.kind not in ALERT_KINDS:
        raise InputError(f"{where}: unknown kind {alert.kind!r} (known: {', '.join(ALERT_KINDS)})")
    if alert.severity not in SEVERITIES:
        raise InputError(f"{where}: unknown severity {alert.severity!r}")
    if not alert.fingerprint or len(alert.fingerprint) > 64:
        raise InputError(f"{where}: a fingerprint of 1 to 64 characters is required")


def alert_to_json(alert: Alert) -> str:
    return json.dumps(alert.to_dict(), ensure_ascii=False, sort_keys=True, default=str)


def alert_from_json(text: str) -> Alert:
    return Alert.from_dict(json.loads(text))


def unique_by_fingerprint(alerts: Iterable[Alert]) -> list[Alert]:
    """First alert of each fingerprint, in input order (a batch may repeat one)."""
    seen: dict[str, Alert] = {}
    for alert in alerts:
        check_alert(alert)
        seen.setdefault(alert.fingerprint, alert)
    return list(seen.values())

"""Turn detector rows (from SQL or the reference) into `Event`s, and derived Python events:
dark STS candidates, "heading for a DPRK port, then dark", watchlist flags, window merging."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sanctionwatch.maritime.flags import flag_of
from sanctionwatch.maritime.params import (
    DarkSTSParams,
    Definition,
    PortVisitParams,
)
from sanctionwatch.maritime.records import Event, VesselRef
from sanctionwatch.maritime.watchlist import Watchlist

Row = Mapping[str, Any]
BASE_COLUMNS = {"mmsi1", "mmsi2", "start_t", "end_t", "lat", "lon", "kind"}


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def vessel_directory(summary: Iterable[Row]) -> dict[int, dict[str, str | None]]:
    """MMSI -> most common broadcast imo, name and call sign (ties: alphabetical)."""
    counts: dict[int, dict[str, Counter[str]]] = defaultdict(
        lambda: {"imo": Counter(), "name": Counter(), "callsign": Counter()}
    )
    for r in summary:
        for field in ("imo", "name", "callsign"):
            if r.get(field) and not (field == "imo" and set(str(r[field])) == {"0"}):
                counts[int(r["mmsi"])][field][str(r[field])] += int(r.get("n") or 1)
    out: dict[int, dict[str, str | None]] = {}
    for mmsi, fields in counts.items():
        out[mmsi] = {
            f: (min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] if c else None)
            for f, c in fields.items()
        }
    return out


def vessel_ref(mmsi: int, directory: Mapping[int, Mapping[str, str | None]]) -> VesselRef:
    info = directory.get(mmsi, {})
    return VesselRef(mmsi=mmsi, imo=info.get("imo"), name=info.get("name"), flag=flag_of(mmsi))


def rows_to_events(
    kind: str,
    rows: Iterable[Row],
    params: Definition,
    directory: Mapping[int, Mapping[str, str | None]],
) -> list[Event]:
    """Events of one type from rows with mmsi1, mmsi2, start_t, end_t, lat, lon, ..."""
    events = []
    # the hash serialises every parameter: once per call, not once per event
    definition, params_hash = params.definition, params.params_hash
    refs: dict[int, VesselRef] = {}  # a vessel is in many events; its reference is immutable

    def ref(mmsi: int) -> VesselRef:
        found = refs.get(mmsi)
        if found is None:
            found = refs[mmsi] = vessel_ref(mmsi, directory)
        return found

    for r in rows:
        mmsis = tuple(int(m) for m in (r["mmsi1"], r.get("mmsi2")) if m is not None)
        details = {k: _num(v) for k, v in r.items() if k not in BASE_COLUMNS and k != "seg"}
        if r.get("kind"):
            details = {"kind": r["kind"], **details}
        end = r.get("end_t")
        events.append(
            Event(
                type=kind,
                vessels=tuple(ref(m) for m in mmsis),
                start=int(r["start_t"]),
                end=None if end is None else int(end),
                lat=_num(r.get("lat")),
                lon=_num(r.get("lon")),
                definition=definition,
                params_hash=params_hash,
                details=details,
            )
        )
    return sorted(events, key=lambda e: e.key)


def gap_kind(event: Event) -> Event:
    """Name a gap's kind from its flags, for readers of the JSON."""
    kind = "likely_intentional" if event.details.get("likely_intentional") else "gap"
    return replace(event, details={"kind": kind, **event.details})


def port_visit_details(event: Event, params: PortVisitParams) -> Event:
    """Stop, port gap and GFW-style confidence (1 entry, +1 exit, +2 stop or port gap)."""
    d = dict(event.details)
    stop = d.get("min_sog") is not None and d["min_sog"] < params.stop_kn
    port_gap = (d.get("max_gap_s") or 0) > params.port_gap_s
    d.update(
        kind="visit",
        stop=stop,
        port_gap=port_gap,
        confidence=1 + int(bool(d.get("exited"))) + 2 * int(stop or port_gap),
    )
    return replace(event, details=d)


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    y = math.sin(math.radians(lon2 - lon1)) * math.cos(math.radians(lat2))
    x = math.cos(math.radians(lat1)) * math.sin(math.radians(lat2)) - math.sin(
        math.radians(lat1)
    ) * math.cos(math.radians(lat2)) * math.cos(math.radians(lon2 - lon1))
    return (math.degrees(math.atan2(y, x)) + 360) % 360


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    a = (
        math.sin(math.radians(lat2 - lat1) / 2) ** 2
        + math.cos(math.radians(lat1))
        * math.cos(math.radians(lat2))
        * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def approach_then_dark(
    gaps: Sequence[Event], ports: Sequence[Row], params: PortVisitParams
) -> list[Event]:
    """Gaps that start within `approach_km` of a DPRK port with the course pointing at it."""
    out = []
    targets = [p for p in ports if p["iso3"] in params.countries]
    for gap in gaps:
        if gap.lat is None or gap.lon is None:
            continue
        for port in targets:
            dist = haversine_km(gap.lat, gap.lon, port["lat"], port["lon"])
            if dist > params.approach_km or dist <= params.exit_km:
                continue
            cog = gap.details.get("cog")
            if cog is None:
                continue
            off = abs(
                (_bearing(gap.lat, gap.lon, port["lat"], port["lon"]) - cog + 180) % 360 - 180
            )
            if off <= params.approach_max_bearing_deg:
                out.append(
                    replace(
                        gap,
                        type="port_visit",
                        definition=params.definition,
                        params_hash=params.params_hash,
                        details={
                            "kind": "approach_then_dark",
                            "port": port["label"],
                            "port_km": round(dist, 3),
                            "course_off_deg": round(off, 1),
                            "gap_h": gap.duration_h,
                        },
                    )
                )
                break
    return out


def dark_sts(
    loitering: Sequence[Event],
    encounters: Sequence[Event],
    gaps: Sequence[Event],
    params: DarkSTSParams,
) -> list[Event]:
    """Loitering with no AIS partner and a gap just before or after, with a score in [0, 1]."""
    # encounters and gaps by vessel: each loitering event looks at its vessel's only
    encounters_of: dict[int, list[Event]] = defaultdict(list)
    for e in encounters:
        for m in {v.mmsi for v in e.vessels}:
            encounters_of[m].append(e)
    gaps_of: dict[int, list[Event]] = defaultdict(list)
    for g in gaps:
        gaps_of[g.vessels[0].mmsi].append(g)
    out = []
    for loiter in loitering:
        mmsi = loiter.vessels[0].mmsi
        end = loiter.end if loiter.end is not None else loiter.start
        if any(
            e.start <= end and (e.end or e.start) >= loiter.start
            for e in encounters_of.get(mmsi, ())
        ):
            continue
        mine = gaps_of.get(mmsi, [])
        before = [
            g
            for g in mine
            if g.end is not None
            and loiter.start - params.gap_window_s <= g.end <= loiter.start + 3600
        ]
        after = [g for g in mine if end - 3600 <= g.start <= end + params.gap_window_s]
        if not before and not after:
            continue
        intentional = sum(bool(g.details.get("likely_intentional")) for g in before + after)
        score = 0.5 + 0.2 * int(bool(before and after)) + 0.1 * min(intentional, 2)
        score += 0.1 * int(loiter.vessels[0].flag == "KP")
        if score < params.min_score:
            continue
        out.append(
            replace(
                loiter,
                type="dark_sts",
                definition=params.definition,
                params_hash=params.params_hash,
                details={
                    "score": round(min(score, 1.0), 3),
                    "gap_before": bool(before),
                    "gap_after": bool(after),
                    "intentional_gaps": intentional,
                    "loitering_h": loiter.duration_h,
                },
            )
        )
    return out


def flag_watchlist(
    events: Iterable[Event],
    watchlist: Watchlist | None,
    directory: Mapping[int, Mapping[str, str | None]],
) -> list[Event]:
    """Attach every list entry any vessel of the event matches."""
    if watchlist is None or not watchlist.entries:
        return list(events)
    cache: dict[int, list[dict[str, Any]]] = {}
    out = []
    for event in events:
        hits: list[dict[str, Any]] = []
        for v in event.vessels:
            if v.mmsi not in cache:
                info = directory.get(v.mmsi, {})
                cache[v.mmsi] = watchlist.match(
                    mmsi=v.mmsi, imo=v.imo, name=v.name, callsign=info.get("callsign")
                )
            hits += cache[v.mmsi]
        imo = event.details.get("imo_value")
        if isinstance(imo, str):
            hits += [
                h
                for h in watchlist.match(mmsi=-1, imo=imo, name=None, callsign=None)
                if h not in hits
            ]
        out.append(replace(event, watchlist=tuple(hits)) if hits else event)
    return out


def merge_windows(events: Iterable[Event]) -> list[Event]:
    """Idempotent merge of events from overlapping windows: of events with the same type,
    vessels and kind whose intervals overlap, keep the longest (a window cuts events short)."""
    groups: dict[tuple[Any, ...], list[Event]] = defaultdict(list)
    for e in events:
        groups[(e.type, tuple(v.mmsi for v in e.vessels), e.details.get("kind"))].append(e)
    out: list[Event] = []
    for items in groups.values():
        items.sort(key=lambda e: (-(_end(e) - e.start), e.start))
        kept: list[Event] = []
        for e in items:
            if not any(e.start <= _end(k) and k.start <= _end(e) for k in kept):
                kept.append(e)
        out += kept
    return sorted(out, key=lambda e: (e.start, e.key))


def _end(e: Event) -> int:
    return e.end if e.end is not None else e.start

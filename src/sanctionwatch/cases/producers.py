"""Alert producers: pure functions from one analytic's output to `Alert`s.

One producer per source: portfolio screening hits, list changes hitting a portfolio party,
document findings and ship events. They do no I/O, so the monitor, the web upload and tests
call the very same code.

Fingerprints are built from the parts that identify the finding, never from scores, run ids,
times of the run or list versions: the same finding raised by a later run (or another
process) has the same fingerprint and the workspace stores it once. What changes the finding
changes the fingerprint: a new list entry matched, a document's text edited, an event with a
different start.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sanctionwatch.cases.model import Alert, EntityRef, Severity, VesselRef, fingerprint
from sanctionwatch.cases.portfolio import PortfolioRow
from sanctionwatch.cases.rows import lenient_time
from sanctionwatch.store.models import ChangeItem, Changes

LIST_DIFF_ALGORITHM = "list-diff@v1"
READER_ALGORITHM = "reader@v1"
DPRK_MID = "445"
HIGH_SCORE = 0.9  # a screening hit at or above this is high severity

# Severity of a document by the strongest assertion among its activities.
ASSERTION_SEVERITY: Mapping[str, Severity] = {
    "reported_violation": "high",
    "enforcement_action": "high",
    "alleged_violation": "medium",
    "attempted": "medium",
    "under_investigation": "medium",
    "designation_basis": "medium",
}
MENTION_SCHEMA = {"PERSON": "Person", "ORG": "Organization", "VESSEL": "Vessel"}
_RANK = {"low": 0, "medium": 1, "high": 2}

Screened = tuple[PortfolioRow, Sequence[Mapping[str, Any]]]
"""A portfolio row with its screening results (`MatchResult.to_dict()`, best first)."""


def params_hash(params: Mapping[str, Any]) -> str:
    """12 hex digits pinning a parameter set (the maritime definitions use the same length)."""
    blob = json.dumps(params, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def _max_severity(values: Iterable[Severity]) -> Severity:
    return max(values, key=lambda s: _RANK[s], default="low")


def _portfolio_name(portfolio: str) -> str:
    """The file name: moving a portfolio to another folder must not raise its alerts again."""
    return Path(portfolio).name


# --- screening hits and list changes ---------------------------------------------------------


def _match_meta(match: Mapping[str, Any]) -> tuple[str, str]:
    meta = (match.get("explanations") or {}).get("_meta") or {}
    return str(meta.get("algorithm") or "screening"), str(meta.get("params_hash") or "")


def _entity_ref(match: Mapping[str, Any]) -> EntityRef:
    datasets = list(match.get("datasets") or [])
    return EntityRef(
        entity_id=str(match["id"]),
        dataset=datasets[0] if datasets else None,
        caption=match.get("caption"),
        schema=match.get("schema"),
    )


def _match_vessels(match: Mapping[str, Any]) -> tuple[VesselRef, ...]:
    """The matched list entry as a vessel (IMO and MMSI from its properties), if it is one."""
    if match.get("schema") != "Vessel":
        return ()
    props = match.get("properties") or {}
    imos = [str(v).upper().removeprefix("IMO").strip() for v in props.get("imoNumber", [])]
    mmsis = [int(v) for v in props.get("mmsi", []) if str(v).strip().isdigit()]
    flags = list(props.get("flag", []))
    return (
        VesselRef(
            mmsi=mmsis[0] if mmsis else None,
            imo=imos[0] if imos else None,
            name=match.get("caption"),
            flag=flags[0].upper() if flags else None,
        ),
    )


def _match_countries(match: Mapping[str, Any]) -> tuple[str, ...]:
    props = match.get("properties") or {}
    found = {str(c).lower() for p in ("country", "nationality", "flag") for c in props.get(p, [])}
    return tuple(sorted(found))


def _slim_match(match: Mapping[str, Any]) -> dict[str, Any]:
    """The match as evidence: what was matched and why (the explanation with its algorithm,
    parameter hash and list versions)."""
    keep = ("id", "caption", "schema", "datasets", "score", "match", "explanations", "features")
    return {k: match.get(k) for k in keep} | {"properties": match.get("properties") or {}}


def alerts_from_screening(
    screened: Iterable[Screened],
    *,
    portfolio: str,
    list_versions: Mapping[str, str],
) -> list[Alert]:
    """A `screening_hit` per portfolio row and listed entity it matches (`match` is true,
    i.e. the score reached the screener's threshold)."""
    alerts: list[Alert] = []
    name = _portfolio_name(portfolio)
    for row, matches in screened:
        for match in matches:
            if not match.get("match"):
                continue
            algorithm, phash = _match_meta(match)
            score = float(match.get("score") or 0.0)
            ref = _entity_ref(match)
            alerts.append(
                Alert(
                    kind="screening_hit",
                    fingerprint=fingerprint("screening_hit", name, row.key, ref.entity_id),
                    title=f"Portfolio party {row.name!r} matches {ref.caption} ({score:.2f})",
                    severity="high" if score >= HIGH_SCORE else "medium",
                    algorithm=algorithm,
                    params_hash=phash,
                    list_versions=dict(list_versions),
                    source=portfolio,
                    evidence={
                        "portfolio": portfolio,
                        "row": row.line,
                        "key": row.key,
                        "query": row.to_dict(),
                        "match": _slim_match(match),
                    },
                    entities=(ref,),
                    vessels=_match_vessels(match),
                    countries=_match_countries(match),
                )
            )
    return alerts


def _changed(changes: Iterable[Changes]) -> dict[str, tuple[Changes, str, ChangeItem]]:
    """Entity id -> (changes, "added" | "modified", item) for lists with an earlier version
    (a first import "adds" the whole list, which is no news about anybody)."""
    found: dict[str, tuple[Changes, str, ChangeItem]] = {}
    for diff in changes:
        if diff.from_version is None:
            continue
        for change, items in (("added", diff.added), ("modified", diff.modified)):
            for item in items:
                found.setdefault(item.id, (diff, change, item))
    return found


def alerts_from_list_changes(
    changes: Iterable[Changes],
    screened: Iterable[Screened],
    *,
    portfolio: str,
    list_versions: Mapping[str, str],
) -> list[Alert]:
    """A `list_change` per portfolio row that matches an entity added or amended in the
    newest version of a list: "a newly designated party in your portfolio"."""
    changed = _changed(changes)
    if not changed:
        return []
    alerts: list[Alert] = []
    name = _portfolio_name(portfolio)
    params = {"threshold_source": "screener", "changes": ["added", "modified"]}
    for row, matches in screened:
        for match in matches:
            hit = changed.get(str(match.get("id")))
            if hit is None or not match.get("match"):
                continue
            diff, change, item = hit
            ref = _entity_ref(match)
            what = (
                "Newly designated party in your portfolio"
                if change == "added"
                else "Listing amended for a party in your portfolio"
            )
            alerts.append(
                Alert(
                    kind="list_change",
                    fingerprint=fingerprint(
                        "list_change",
                        diff.dataset,
                        diff.to_version,
                        change,
                        item.id,
                        name,
                        row.key,
                    ),
                    title=(
                        f"{what}: {row.name!r} ~ {item.caption} ({diff.dataset} {diff.to_version})"
                    ),
                    severity="high" if change == "added" else "medium",
                    algorithm=LIST_DIFF_ALGORITHM,
                    params_hash=params_hash(params),
                    list_versions=dict(list_versions),
                    source=diff.dataset,
                    evidence={
                        "dataset": diff.dataset,
                        "from_version": diff.from_version,
                        "to_version": diff.to_version,
                        "change": change,
                        "entity": {
                            "id": item.id,
                            "caption": item.caption,
                            "schema": item.schema,
                            "properties": match.get("properties") or {},
                        },
                        "item": item.to_dict(),
                        "portfolio": portfolio,
                        "portfolio_row": row.to_dict(),
                        "match": _slim_match(match),
                    },
                    occurred_at=_version_time(diff.to_version),
                    entities=(ref,),
                    vessels=_match_vessels(match),
                    countries=_match_countries(match),
                )
            )
    return alerts


def _version_time(version: str) -> str | None:
    """A dated list version ("2026-02-27") as the time the change was published."""
    if len(version) == 10 and version[4] == "-" and version[7] == "-":
        return f"{version}T00:00:00Z"
    return None


# --- documents -------------------------------------------------------------------------------


def document_time(
    document: Mapping[str, Any], received_at: str | None
) -> tuple[str | None, str | None]:
    """(time, "published" | "received") of a document's alert: its publication date when the
    reader found one (an ISO date; an unreadable value is kept in the evidence but not
    used), else when it was received; (None, None) with neither."""
    published = document.get("published")
    if isinstance(published, str) and (moment := lenient_time(published)) is not None:
        return moment, "published"
    if received_at is not None and (moment := lenient_time(received_at)) is not None:
        return moment, "received"
    return None, None


def alerts_from_finding(
    finding: Mapping[str, Any],
    *,
    text_sha256: str,
    list_versions: Mapping[str, str],
    params: Mapping[str, Any] | None = None,
    received_at: str | None = None,
) -> list[Alert]:
    """One `document_finding` for a document the reader flags (`alert` true), else [].

    `params` pins the reader's configuration (regime file, NER on or off) in the hash. The
    fingerprint is the text's digest: the same text read again is the same alert, an edited
    text a new one. The alert is dated by the document's publication, else by `received_at`
    (when the workspace got the document); the evidence says which (`dated_by`), because
    case suggestions treat the two differently (`cases.suggest`).
    """
    if not finding.get("alert"):
        return []
    document = dict(finding.get("document") or {})
    occurred_at, dated_by = document_time(document, received_at)
    activities = [dict(a) for a in finding.get("activities") or []]
    signals = [a for a in activities if a.get("assertion") in ASSERTION_SEVERITY]
    severity = _max_severity(ASSERTION_SEVERITY[a["assertion"]] for a in signals)
    mentions = [dict(m) for m in finding.get("mentions") or []]
    linked = [m for m in mentions if m.get("entity_id")]
    entities: dict[str, EntityRef] = {}
    for m in linked:
        entities.setdefault(
            str(m["entity_id"]),
            EntityRef(
                entity_id=str(m["entity_id"]),
                dataset=m.get("dataset"),
                caption=m.get("text"),
                schema=MENTION_SCHEMA.get(str(m.get("type"))),
            ),
        )
    vessels: dict[str, VesselRef] = {}
    for m in mentions:
        if m.get("imo"):
            imo = str(m["imo"]).upper().removeprefix("IMO").strip()
            vessels.setdefault(imo, VesselRef(imo=imo, name=m.get("text")))
    categories = sorted({str(a.get("category")) for a in signals})
    label = document.get("title") or document.get("source") or "document"
    return [
        Alert(
            kind="document_finding",
            fingerprint=fingerprint("document_finding", text_sha256),
            title=f"{', '.join(categories)} ({_strongest(signals)}): {label}"[:300],
            severity=severity,
            algorithm=READER_ALGORITHM,
            params_hash=params_hash(params or {}),
            list_versions=dict(list_versions),
            source=str(document.get("source") or ""),
            evidence={
                "document": document,
                "activities": activities,
                "mentions": linked,
                "exemptions": list(finding.get("exemptions") or []),
                "text_sha256": text_sha256,
            }
            | ({} if dated_by is None else {"dated_by": dated_by}),
            occurred_at=occurred_at,
            entities=tuple(entities.values()),
            vessels=tuple(vessels.values()),
            countries=tuple(sorted({str(c).lower() for c in finding.get("countries") or []})),
        )
    ]


def _strongest(signals: Sequence[Mapping[str, Any]]) -> str:
    return max(
        (str(a["assertion"]) for a in signals),
        key=lambda a: (_RANK[ASSERTION_SEVERITY[a]], a),
        default="",
    )


# --- ship events -----------------------------------------------------------------------------


def event_reasons(event: Mapping[str, Any]) -> list[str]:
    """Why a ship event deserves an analyst's look; [] when it does not.

    A listed vessel (watchlist), a DPRK-flagged vessel (MID 445), a dark ship-to-ship
    candidate or a visit to (or dark approach of) a port of the watched countries.
    """
    reasons: list[str] = []
    if event.get("watchlist"):
        reasons.append("watchlist")
    if any(_is_dprk(v) for v in event.get("vessels") or []):
        reasons.append("dprk_flag")
    if event.get("type") == "dark_sts":
        reasons.append("dark_sts")
    if event.get("type") == "port_visit":
        reasons.append("port_visit")
    return reasons


def _is_dprk(vessel: Mapping[str, Any]) -> bool:
    return vessel.get("flag") == "KP" or str(vessel.get("mmsi") or "").startswith(DPRK_MID)


def _event_severity(event: Mapping[str, Any], reasons: Sequence[str]) -> Severity:
    if "watchlist" in reasons or "port_visit" in reasons:
        return "high"
    if "dark_sts" in reasons and "dprk_flag" in reasons:
        return "high"
    return "medium"


def _event_vessels(event: Mapping[str, Any]) -> tuple[VesselRef, ...]:
    """The event's vessels; a vessel matched to a list entry by MMSI or name gets the list's
    IMO when it broadcast none (the hull is what links an event to reports and cases)."""
    listed_imo: dict[int, str] = {}
    for entry in event.get("watchlist") or []:
        if entry.get("imo") and entry.get("vessel_mmsi") is not None:
            listed_imo.setdefault(int(entry["vessel_mmsi"]), str(entry["imo"]))
    out = []
    for v in event.get("vessels") or []:
        mmsi = int(v["mmsi"]) if v.get("mmsi") is not None else None
        imo = v.get("imo") or (listed_imo.get(mmsi) if mmsi is not None else None)
        out.append(VesselRef(mmsi=mmsi, imo=imo, name=v.get("name"), flag=v.get("flag")))
    return tuple(out)


def _event_entities(event: Mapping[str, Any]) -> tuple[EntityRef, ...]:
    found: dict[str, EntityRef] = {}
    for entry in event.get("watchlist") or []:
        entity_id = entry.get("entity_id")
        if entity_id:
            lists = str(entry.get("list") or "").split(",")
            found.setdefault(
                str(entity_id),
                EntityRef(
                    entity_id=str(entity_id),
                    dataset=lists[0] or None,
                    caption=entry.get("name"),
                    schema="Vessel",
                ),
            )
    return tuple(found.values())


def alerts_from_events(
    events: Iterable[Mapping[str, Any]],
    *,
    source: str,
    list_versions: Mapping[str, str],
) -> list[Alert]:
    """A `ship_event` alert for each event (issue-5 JSON) with a reason (`event_reasons`)."""
    alerts: list[Alert] = []
    for event in events:
        reasons = event_reasons(event)
        if not reasons:
            continue
        vessels = _event_vessels(event)
        details = event.get("details") or {}
        kind = details.get("kind", "")
        names = ", ".join(v.name or str(v.mmsi) for v in vessels)
        label = str(event["type"]) + (f" ({kind})" if kind and kind != event["type"] else "")
        alerts.append(
            Alert(
                kind="ship_event",
                fingerprint=fingerprint(
                    "ship_event",
                    event["type"],
                    [v.mmsi for v in vessels],
                    event["start"],
                    event.get("definition"),
                    kind,
                ),
                title=f"{label}: {names} [{', '.join(reasons)}]",
                severity=_event_severity(event, reasons),
                algorithm=str(event.get("definition") or event["type"]),
                params_hash=str(event.get("params_hash") or ""),
                list_versions=dict(list_versions),
                source=source,
                evidence={**event, "reasons": reasons},
                occurred_at=event.get("start"),
                entities=_event_entities(event),
                vessels=vessels,
                countries=tuple(sorted({v.flag.lower() for v in vessels if v.flag})),
            )
        )
    return alerts

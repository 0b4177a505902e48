"""The case's chronology: one ordered table of what happened and when.

A Panel of Experts annex tells an incident as a timeline: when a party was listed, when the
ship went dark, when the report appeared, what the analysts decided. The rows come from the
alerts' `occurred_at` (or the time they were recorded, when the underlying event has no
time), the listing dates of the entities' sanctions, the notes and the decisions.

Times are ISO 8601 strings of different precision ("2017-08-05", "2024-06-19T02:10:00Z");
sorting them as text puts a date before the times of the same day, which is what a reader
expects. Pure: a dossier in, rows out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sanctionwatch.cases.model import CaseDossier, StoredAlert

# Order of rows that share a time: the listing first, then what happened, then what was said.
_RANK = {"listing": 0, "alert": 1, "case": 2, "note": 3, "decision": 4}


@dataclass(frozen=True)
class ChronologyRow:
    when: str
    kind: str  # listing | alert | case | note | decision
    title: str
    detail: str
    ref: str  # what the row points at: "alert 12", "KPi.001", "note 3"


def _alert_detail(stored: StoredAlert) -> str:
    alert = stored.alert
    evidence: Mapping[str, Any] = alert.evidence
    if alert.kind == "ship_event":
        vessels = ", ".join(v.name or (f"MMSI {v.mmsi}" if v.mmsi else "?") for v in alert.vessels)
        end = evidence.get("end")
        span = f" until {end}" if end else ""
        return f"{evidence.get('type', 'event')} ({vessels}){span}"
    if alert.kind == "document_finding":
        doc = evidence.get("document") or {}
        return f"{doc.get('title') or doc.get('source') or alert.source} [{doc.get('language')}]"
    if alert.kind == "screening_hit":
        match = evidence.get("match") or {}
        return f"{match.get('caption', '?')} (score {match.get('score', '?')})"
    if alert.kind == "list_change":
        return f"{evidence.get('change', 'change')} in {evidence.get('dataset', alert.source)}"
    return alert.source


def _listings(entity: Mapping[str, Any]) -> list[ChronologyRow]:
    props = entity.get("properties") or {}
    caption = str(entity.get("caption") or entity.get("id"))
    rows = []
    for sanction in props.get("sanctions") or []:
        if not isinstance(sanction, Mapping):
            continue
        sp = sanction.get("properties") or {}
        dates = sp.get("listingDate") or sp.get("startDate") or []
        refs = [str(r) for k in ("unscId", "authorityId") for r in sp.get(k) or []]
        authority = "; ".join(str(a) for a in sp.get("authority") or []) or "listed"
        programme = "; ".join(str(p) for p in sp.get("program") or [])
        for date in dates:
            rows.append(
                ChronologyRow(
                    when=str(date),
                    kind="listing",
                    title=f"{caption} designated",
                    detail=f"{authority}" + (f", {programme}" if programme else ""),
                    ref=", ".join(dict.fromkeys(refs)) or str(entity.get("id")),
                )
            )
    return rows


def chronology(dossier: CaseDossier) -> tuple[ChronologyRow, ...]:
    """Every dated thing in the dossier, oldest first (ties: listing, alert, case, note,
    decision, then by reference), duplicates removed."""
    rows: list[ChronologyRow] = []
    for entity in dossier.entities:
        rows.extend(_listings(entity))
    for stored in dossier.alerts:
        when = stored.alert.occurred_at
        title = stored.alert.title if when else f"{stored.alert.title} (recorded)"
        rows.append(
            ChronologyRow(
                when=when or stored.created_at,
                kind="alert",
                title=title,
                detail=_alert_detail(stored),
                ref=f"alert {stored.id}",
            )
        )
        end = stored.alert.evidence.get("end") if stored.alert.kind == "ship_event" else None
        if isinstance(end, str) and when and end != when:
            rows.append(
                ChronologyRow(
                    when=end,
                    kind="alert",
                    title=f"end of {stored.alert.evidence.get('type', 'event')}",
                    detail=_alert_detail(stored),
                    ref=f"alert {stored.id}",
                )
            )
    case = dossier.case
    rows.append(
        ChronologyRow(
            when=case.created_at,
            kind="case",
            title="case opened",
            detail=f"by {case.created_by}",
            ref=f"case {case.id}",
        )
    )
    for note in dossier.notes:
        rows.append(
            ChronologyRow(
                when=note.created_at,
                kind="note",
                title=f"note by {note.author}",
                detail=note.text,
                ref=f"note {note.id}",
            )
        )
    for decision in dossier.decisions:
        rows.append(
            ChronologyRow(
                when=decision.created_at,
                kind="decision",
                title=f"status set to {decision.status} by {decision.actor}",
                detail=decision.rationale,
                ref=f"decision {decision.id}",
            )
        )
    unique = dict.fromkeys(rows)
    return tuple(sorted(unique, key=lambda r: (r.when, _RANK.get(r.kind, 9), r.ref, r.title)))

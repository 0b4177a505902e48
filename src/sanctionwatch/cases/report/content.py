"""What a report says, whatever its format: the dossier turned into plain rows.

The HTML and the PDF render the same `Report`, so the two can never disagree about what the
evidence is. Everything an alert needs to be reproduced (algorithm or definition version,
parameter hash, list versions) is carried to every alert row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sanctionwatch.cases.model import AuditEntry, CaseDossier, Decision, Note, StoredAlert
from sanctionwatch.cases.report.chronology import ChronologyRow, chronology
from sanctionwatch.cases.report.entities import EntityView, Fact, entity_views
from sanctionwatch.cases.report.figures import MapFigure, map_figure


@dataclass(frozen=True)
class Segment:
    """A run of evidence text; `mark` is "activity" (an indicator term), "mention" (a name the
    reader found) or "" (plain)."""

    text: str
    mark: str = ""


@dataclass(frozen=True)
class ActivityView:
    category: str
    direction: str
    assertion: str
    provisions: tuple[str, ...]
    cues: tuple[str, ...]
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class AlertView:
    id: int
    kind: str
    title: str
    severity: str
    status: str
    occurred_at: str
    created_at: str
    algorithm: str
    params_hash: str
    list_versions: str
    source: str
    fingerprint: str


@dataclass(frozen=True)
class DocumentEvidence:
    alert_id: int
    source: str
    title: str
    language: str
    activities: tuple[ActivityView, ...]
    mentions: tuple[Fact, ...]  # linked mentions: surface -> entity id (dataset, score)


@dataclass(frozen=True)
class ShipEvidence:
    alert_id: int
    type: str
    kind: str
    vessels: tuple[Fact, ...]  # name -> "IMO ..., MMSI ..., flag ..."
    start: str
    end: str
    position: str
    duration_h: str
    definition: str
    params_hash: str
    details: tuple[Fact, ...]
    watchlist: tuple[str, ...]


@dataclass(frozen=True)
class ScreeningEvidence:
    alert_id: int
    source: str
    query: tuple[Fact, ...]
    match: str
    score: str
    explanation: tuple[Fact, ...]


@dataclass(frozen=True)
class ListChangeEvidence:
    alert_id: int
    dataset: str
    versions: str
    change: str
    entity: str
    party: str


@dataclass(frozen=True)
class Report:
    case_id: int
    title: str
    status: str
    summary: str
    created_at: str
    created_by: str
    updated_at: str
    generated_at: str
    list_versions: tuple[Fact, ...]
    decisions: tuple[Decision, ...]
    entities: tuple[EntityView, ...]
    alerts: tuple[AlertView, ...]
    chronology: tuple[ChronologyRow, ...]
    figure: MapFigure | None
    documents: tuple[DocumentEvidence, ...]
    ship_events: tuple[ShipEvidence, ...]
    screening: tuple[ScreeningEvidence, ...]
    list_changes: tuple[ListChangeEvidence, ...]
    notes: tuple[Note, ...]
    audit: tuple[AuditEntry, ...]


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def flatten(value: Any, prefix: str = "") -> list[Fact]:
    """A nested explanation as "a.b: value" lines, in key order (lists joined)."""
    if isinstance(value, Mapping):
        out: list[Fact] = []
        for key in sorted(value, key=str):
            out.extend(flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list | tuple):
        if all(not isinstance(v, Mapping | list | tuple) for v in value):
            return [Fact(prefix, ", ".join(_s(v) for v in value))]
        return [Fact(prefix, json.dumps(value, ensure_ascii=False, sort_keys=True))]
    return [Fact(prefix, _s(value))]


def highlight(
    evidence: str, *, cues: Iterable[str], mentions: Iterable[tuple[int, int]]
) -> tuple[Segment, ...]:
    """Split the evidence sentence into plain, activity (indicator terms, case-insensitive)
    and mention runs. Activity marks win where both overlap."""
    marks = [""] * len(evidence)
    for start, end in mentions:
        for i in range(max(start, 0), min(end, len(evidence))):
            marks[i] = "mention"
    folded = evidence.lower()
    for cue in cues:
        term = cue.lower()
        # lower() keeps lengths except for a few letters (İ); mark only where offsets line up
        if not term or len(folded) != len(evidence):
            continue
        at = folded.find(term)
        while at >= 0:
            for i in range(at, at + len(term)):
                marks[i] = "activity"
            at = folded.find(term, at + len(term))
    segments: list[Segment] = []
    for char, mark in zip(evidence, marks, strict=True):
        if segments and segments[-1].mark == mark:
            segments[-1] = Segment(segments[-1].text + char, mark)
        else:
            segments.append(Segment(char, mark))
    return tuple(segments)


def _alert_view(stored: StoredAlert) -> AlertView:
    alert = stored.alert
    versions = ", ".join(f"{k} {v}" for k, v in sorted(alert.list_versions.items())) or "-"
    return AlertView(
        id=stored.id,
        kind=alert.kind,
        title=alert.title,
        severity=alert.severity,
        status=stored.status,
        occurred_at=alert.occurred_at or "",
        created_at=stored.created_at,
        algorithm=alert.algorithm,
        params_hash=alert.params_hash,
        list_versions=versions,
        source=alert.source,
        fingerprint=alert.fingerprint,
    )


def _document(stored: StoredAlert) -> DocumentEvidence:
    ev = stored.alert.evidence
    doc = ev.get("document") or {}
    mentions = [m for m in ev.get("mentions") or [] if isinstance(m, Mapping)]
    activities = []
    for act in ev.get("activities") or []:
        start = int(act.get("start") or 0)
        evidence = _s(act.get("evidence"))
        inside = [
            (int(m["start"]) - start, int(m["end"]) - start)
            for m in mentions
            if isinstance(m.get("start"), int)
            and isinstance(m.get("end"), int)
            and start <= m["start"]
            and m["end"] <= start + len(evidence)
        ]
        activities.append(
            ActivityView(
                category=_s(act.get("category")),
                direction=_s(act.get("direction")),
                assertion=_s(act.get("assertion")),
                provisions=tuple(_s(p) for p in act.get("provisions") or ()),
                cues=tuple(_s(c) for c in act.get("cues") or ()),
                segments=highlight(evidence, cues=act.get("cues") or (), mentions=inside),
            )
        )
    linked = [
        Fact(
            _s(m.get("text")),
            f"{m.get('entity_id')} ({m.get('dataset') or '-'}, score {m.get('score')})",
        )
        for m in mentions
        if m.get("entity_id")
    ]
    return DocumentEvidence(
        alert_id=stored.id,
        source=_s(doc.get("source") or stored.alert.source),
        title=_s(doc.get("title")),
        language=_s(doc.get("language")),
        activities=tuple(activities),
        mentions=tuple(dict.fromkeys(linked)),
    )


def _vessel_fact(vessel: Mapping[str, Any]) -> Fact:
    parts = [
        f"{label} {vessel[key]}"
        for key, label in (("imo", "IMO"), ("mmsi", "MMSI"), ("flag", "flag"))
        if vessel.get(key)
    ]
    return Fact(_s(vessel.get("name")) or "(no name broadcast)", ", ".join(parts) or "-")


def _ship(stored: StoredAlert) -> ShipEvidence:
    ev = stored.alert.evidence
    details = dict(ev.get("details") or {})
    lat, lon = ev.get("lat"), ev.get("lon")
    position = f"{lat}, {lon}" if lat is not None and lon is not None else "-"
    if details.get("end_lat") is not None and details.get("end_lon") is not None:
        position += f" to {details['end_lat']}, {details['end_lon']}"
    watch = []
    for entry in ev.get("watchlist") or []:
        if isinstance(entry, Mapping):
            watch.append(", ".join(f"{k}: {v}" for k, v in sorted(entry.items()) if v))
    return ShipEvidence(
        alert_id=stored.id,
        type=_s(ev.get("type")),
        kind=_s(details.get("kind")),
        vessels=tuple(_vessel_fact(v) for v in ev.get("vessels") or [] if isinstance(v, Mapping)),
        start=_s(ev.get("start")),
        end=_s(ev.get("end")),
        position=position,
        duration_h=_s(ev.get("duration_h")),
        definition=_s(ev.get("definition") or stored.alert.algorithm),
        params_hash=_s(ev.get("params_hash") or stored.alert.params_hash),
        details=tuple(flatten(details)),
        watchlist=tuple(watch),
    )


def _screening(stored: StoredAlert) -> ScreeningEvidence:
    ev = stored.alert.evidence
    match = ev.get("match") or {}
    explanation = match.get("explanations", match.get("explanation", {}))
    source = _s(ev.get("portfolio") or stored.alert.source)
    if ev.get("row") is not None:
        source += f", row {ev['row']}"
    return ScreeningEvidence(
        alert_id=stored.id,
        source=source,
        query=tuple(flatten(ev.get("query") or {})),
        match=f"{match.get('caption', '?')} ({match.get('id', '?')}, {match.get('schema', '?')})",
        score=_s(match.get("score")),
        explanation=tuple(flatten(explanation)),
    )


def _list_change(stored: StoredAlert) -> ListChangeEvidence:
    ev = stored.alert.evidence
    entity = ev.get("entity") or {}
    row = ev.get("portfolio_row") or {}
    party = ", ".join(f"{k}: {v}" for k, v in sorted(row.items()) if v) if row else ""
    return ListChangeEvidence(
        alert_id=stored.id,
        dataset=_s(ev.get("dataset") or stored.alert.source),
        versions=f"{ev.get('from_version') or '-'} -> {ev.get('to_version') or '-'}",
        change=_s(ev.get("change")),
        entity=f"{entity.get('caption') or '?'} ({entity.get('id') or '?'})",
        party=party,
    )


def list_versions(alerts: Sequence[StoredAlert]) -> tuple[Fact, ...]:
    """Every list version any alert of the case was raised against."""
    seen: dict[str, set[str]] = {}
    for stored in alerts:
        for dataset, version in stored.alert.list_versions.items():
            seen.setdefault(dataset, set()).add(str(version))
    return tuple(Fact(k, ", ".join(sorted(v))) for k, v in sorted(seen.items()))


def build_report(dossier: CaseDossier) -> Report:
    """The dossier as report content (pure)."""
    alerts = tuple(sorted(dossier.alerts, key=lambda a: a.id))
    case = dossier.case
    return Report(
        case_id=case.id,
        title=case.title,
        status=case.status,
        summary=case.summary,
        created_at=case.created_at,
        created_by=case.created_by,
        updated_at=case.updated_at,
        generated_at=dossier.generated_at,
        list_versions=list_versions(alerts),
        decisions=tuple(sorted(dossier.decisions, key=lambda d: (d.created_at, d.id))),
        entities=entity_views(dossier.entities),
        alerts=tuple(_alert_view(a) for a in alerts),
        chronology=chronology(dossier),
        figure=map_figure(dossier),
        documents=tuple(_document(a) for a in alerts if a.alert.kind == "document_finding"),
        ship_events=tuple(_ship(a) for a in alerts if a.alert.kind == "ship_event"),
        screening=tuple(_screening(a) for a in alerts if a.alert.kind == "screening_hit"),
        list_changes=tuple(_list_change(a) for a in alerts if a.alert.kind == "list_change"),
        notes=tuple(sorted(dossier.notes, key=lambda n: (n.created_at, n.id))),
        audit=tuple(sorted(dossier.audit, key=lambda e: (e.at, e.id))),
    )

"""The case as FollowTheMoney entities (JSON lines), for Aleph, yente, nomenklatura & co.

FtM schemata are used unchanged:
- the list entities as stored, each nested dict flattened back into its entities (a Person
  and its Sanction, Identification and Address entities, linked by id as in the store);
- the case itself: a `Project` (name, status, summary, dates); notes and decisions: `Note`s on
  it; evidence tied to it by `Documentation` (documents) and `UnknownLink` (events, vessels,
  entities, with a role);
- a document finding: an `Article` (web source) or `Document` (file), its linked mentions as
  `Mention`s resolved to list entities, each activity with its evidence sentence as a `Note`;
- a ship event: an `Event` (start, end, position, definition and parameter hash in its
  summary) linked to its vessels; a vessel not on the lists becomes a `Vessel` (name, IMO,
  MMSI, flag), a listed one is referenced by its list id (matched by IMO number);
- a screening hit: the portfolio file as a `Document` and the party as a `Mention` resolved to
  the matched entity.

Ids are derived from stable content (case id, alert fingerprint, text hash, IMO/MMSI), so
the same dossier gives the same ids, and a vessel or document shared by two cases gets one id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from sanctionwatch.cases.model import CaseDossier, StoredAlert
from sanctionwatch.cases.report.entities import imo_digits

PREFIX = "sw"


def stable_id(*parts: object) -> str:
    """`sw-<kind>-<sha1 of the parts>`: the same parts, the same id, in every render."""
    digest = hashlib.sha1(json.dumps([str(p) for p in parts]).encode()).hexdigest()
    return f"{PREFIX}-{parts[0]}-{digest[:24]}"


def _proxy(schema: str, entity_id: str, props: Mapping[str, Iterable[Any] | Any]) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for prop, values in props.items():
        items = values if isinstance(values, list | tuple) else [values]
        for value in items:
            if value is not None and value != "":
                proxy.add(prop, value)
    return proxy


def flatten_nested(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A nested entity dict (`Store.entity_nested`) as the flat entities it was made of."""
    schema = model.get(str(data.get("schema")))
    out: list[dict[str, Any]] = []
    props: dict[str, list[Any]] = {}
    for name, values in (data.get("properties") or {}).items():
        prop = schema.get(name) if schema is not None else None
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, Mapping):
                out.extend(flatten_nested(value))
                if prop is not None and not prop.stub:
                    props.setdefault(name, []).append(value.get("id"))
            elif prop is not None and not prop.stub:
                props.setdefault(name, []).append(value)
    entity = {
        k: data[k]
        for k in ("id", "schema", "datasets", "referents", "first_seen", "last_seen")
        if k in data
    }
    entity["properties"] = props
    return [entity, *out]


def _language(code: Any) -> str | None:
    return registry.language.clean(str(code)) if code else None


class _Builder:
    def __init__(self, dossier: CaseDossier) -> None:
        self.dossier = dossier
        self.out: dict[str, dict[str, Any]] = {}
        self.listed_by_imo: dict[str, str] = {}
        self.legal: set[str] = set()
        self.case_id = stable_id("case", dossier.case.id, dossier.case.created_at)

    def emit(self, proxy: EntityProxy) -> str:
        assert proxy.id is not None  # every proxy here is made with an id
        data = proxy.to_dict()
        previous = self.out.get(proxy.id)
        if previous is not None:  # merge: the same vessel seen by two events
            merged = model.get_proxy(previous)
            merged.merge(proxy)
            data = merged.to_dict()
        self.out[proxy.id] = data
        return proxy.id

    def link(self, subject: str, obj: str, role: str) -> None:
        self.emit(
            _proxy(
                "UnknownLink",
                stable_id("link", subject, obj, role),
                {"subject": subject, "object": obj, "role": role},
            )
        )

    def listed(self) -> None:
        for nested in self.dossier.entities:
            for flat in flatten_nested(nested):
                proxy = model.get_proxy(flat, cleaned=False)  # raises on a bad schema/property
                self.out.setdefault(str(proxy.id), flat)  # as stored: datasets, first_seen...
                if proxy.schema.is_a("LegalEntity"):
                    self.legal.add(str(proxy.id))
                for imo in proxy.get("imoNumber", quiet=True):
                    self.listed_by_imo.setdefault(imo_digits(imo), str(proxy.id))
            if nested.get("id"):
                self.link(self.case_id, str(nested["id"]), "subject of the case")

    def case(self) -> None:
        case = self.dossier.case
        self.emit(
            _proxy(
                "Project",
                self.case_id,
                {
                    "name": case.title,
                    "projectId": f"sanctionwatch-case-{case.id}",
                    "status": case.status,
                    "summary": case.summary,
                    "startDate": case.created_at[:19],
                    "modifiedAt": case.updated_at[:19],
                    "publisher": "sanctionwatch",
                },
            )
        )
        for note in self.dossier.notes:
            self.emit(
                _proxy(
                    "Note",
                    stable_id("note", self.dossier.case.id, note.id),
                    {
                        "entity": self.case_id,
                        "name": f"note by {note.author}",
                        "description": note.text,
                        "createdAt": note.created_at[:19],
                    },
                )
            )
        for decision in self.dossier.decisions:
            self.emit(
                _proxy(
                    "Note",
                    stable_id("decision", self.dossier.case.id, decision.id),
                    {
                        "entity": self.case_id,
                        "name": f"decision: {decision.status} by {decision.actor}",
                        "description": decision.rationale,
                        "createdAt": decision.created_at[:19],
                    },
                )
            )

    def vessel(self, vessel: Mapping[str, Any]) -> str:
        imo = imo_digits(vessel.get("imo") or "")
        if imo and imo in self.listed_by_imo:
            return self.listed_by_imo[imo]
        mmsi = vessel.get("mmsi")
        key = ("imo", imo) if imo else ("mmsi", mmsi)
        name = vessel.get("name") or (f"MMSI {mmsi}" if mmsi else f"IMO {imo}")
        return self.emit(
            _proxy(
                "Vessel",
                stable_id("vessel", *key),
                {
                    "name": name,
                    "imoNumber": f"IMO{imo}" if imo else None,
                    "mmsi": str(mmsi) if mmsi else None,
                    "flag": vessel.get("flag"),
                },
            )
        )

    def ship_event(self, stored: StoredAlert) -> None:
        ev = stored.alert.evidence
        vessels = [v for v in ev.get("vessels") or [] if isinstance(v, Mapping)]
        names = " / ".join(str(v.get("name") or v.get("mmsi")) for v in vessels)
        position = f"{ev.get('lat')}, {ev.get('lon')}" if ev.get("lat") is not None else None
        summary = (
            f"definition {ev.get('definition') or stored.alert.algorithm}, parameters "
            f"{ev.get('params_hash') or stored.alert.params_hash}, duration "
            f"{ev.get('duration_h')} h, details "
            f"{json.dumps(ev.get('details') or {}, sort_keys=True, ensure_ascii=False)}"
        )
        event_id = self.emit(
            _proxy(
                "Event",
                stable_id("event", stored.alert.fingerprint),
                {
                    "name": f"{ev.get('type', 'ship event')}: {names}",
                    "startDate": str(ev.get("start") or "")[:19],
                    "endDate": str(ev.get("end") or "")[:19],
                    "location": position,
                    "summary": summary,
                    "recordId": stored.alert.fingerprint,
                    "country": [v.get("flag") for v in vessels if v.get("flag")],
                    "involved": [
                        e.entity_id for e in stored.alert.entities if e.entity_id in self.legal
                    ],
                },
            )
        )
        self.link(self.case_id, event_id, "evidence: ship event")
        for vessel in vessels:
            self.link(event_id, self.vessel(vessel), "vessel in the event")

    def document(self, stored: StoredAlert) -> None:
        ev = stored.alert.evidence
        doc = ev.get("document") or {}
        source = str(doc.get("source") or stored.alert.source)
        web = source.startswith(("http://", "https://"))
        doc_id = self.emit(
            _proxy(
                "Article" if web else "Document",
                stable_id("document", ev.get("text_sha256") or source),
                {
                    "title": doc.get("title"),
                    "fileName": None if web else PurePosixPath(source).name or source,
                    "sourceUrl": source if web else None,
                    "language": _language(doc.get("language")),
                    "detectedLanguage": _language(doc.get("language")),
                },
            )
        )
        self.emit(
            _proxy(
                "Documentation",
                stable_id("documentation", self.case_id, doc_id),
                {"document": doc_id, "entity": self.case_id, "role": "evidence"},
            )
        )
        for m in ev.get("mentions") or []:
            if not isinstance(m, Mapping) or not m.get("text"):
                continue
            resolved = m.get("entity_id")
            self.emit(
                _proxy(
                    "Mention",
                    stable_id("mention", doc_id, m.get("start"), m.get("end"), m.get("text")),
                    {
                        "document": doc_id,
                        "name": m.get("text"),
                        "resolved": resolved if resolved in self.legal else None,
                        "detectedSchema": _mention_schema(m.get("type")),
                        "contextCountry": m.get("country"),
                    },
                )
            )
            if resolved and resolved not in self.legal:  # a listed vessel, say
                self.link(doc_id, str(resolved), f"mentions {m.get('text')}")
        for n, act in enumerate(ev.get("activities") or []):
            self.emit(
                _proxy(
                    "Note",
                    stable_id("activity", doc_id, n, act.get("start"), act.get("category")),
                    {
                        "entity": doc_id,
                        "name": f"{act.get('category')} ({act.get('direction')}, "
                        f"{act.get('assertion')})",
                        "description": act.get("evidence"),
                        "summary": "; ".join(act.get("provisions") or []) or None,
                        "detectedLanguage": _language(doc.get("language")),
                    },
                )
            )

    def screening(self, stored: StoredAlert) -> None:
        ev = stored.alert.evidence
        portfolio = str(ev.get("portfolio") or stored.alert.source)
        query = ev.get("query") or {}
        match = ev.get("match") or {}
        doc_id = self.emit(
            _proxy(
                "Document",
                stable_id("portfolio", portfolio),
                {"fileName": PurePosixPath(portfolio).name or portfolio, "title": "portfolio"},
            )
        )
        names = query.get("properties", {}).get("name") if isinstance(query, Mapping) else None
        name = (names or [None])[0] if isinstance(names, list) else names
        name = name or query.get("name") or stored.alert.title
        resolved = match.get("id")
        self.emit(
            _proxy(
                "Mention",
                stable_id("mention", doc_id, ev.get("row"), name),
                {
                    "document": doc_id,
                    "name": name,
                    "resolved": resolved if resolved in self.legal else None,
                    "detectedSchema": query.get("schema") or match.get("schema"),
                },
            )
        )
        self.emit(
            _proxy(
                "Documentation",
                stable_id("documentation", self.case_id, doc_id),
                {"document": doc_id, "entity": self.case_id, "role": "evidence: screening"},
            )
        )

    def list_change(self, stored: StoredAlert) -> None:
        entity = stored.alert.evidence.get("entity")
        if isinstance(entity, Mapping) and entity.get("id") and entity["id"] not in self.out:
            proxy = model.get_proxy(dict(entity), cleaned=False)
            self.emit(proxy)
            self.link(self.case_id, str(proxy.id), "subject of the case: list change")

    def build(self) -> list[dict[str, Any]]:
        self.case()
        self.listed()
        for stored in sorted(self.dossier.alerts, key=lambda a: a.id):
            kind = stored.alert.kind
            if kind == "ship_event":
                self.ship_event(stored)
            elif kind == "document_finding":
                self.document(stored)
            elif kind == "screening_hit":
                self.screening(stored)
            elif kind == "list_change":
                self.list_change(stored)
        return [self.out[k] for k in sorted(self.out)]


def _mention_schema(kind: Any) -> str | None:
    return {"PERSON": "Person", "ORG": "Organization", "VESSEL": "Vessel"}.get(str(kind))


def ftm_entities(dossier: CaseDossier) -> list[dict[str, Any]]:
    """Every entity of the case, sorted by id."""
    return _Builder(dossier).build()


def render_ftm(dossier: CaseDossier) -> bytes:
    """JSON lines, one FtM entity per line, keys sorted: the same dossier, the same bytes."""
    lines = _lines(ftm_entities(dossier))
    return "".join(lines).encode("utf-8")


def _lines(entities: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    for entity in entities:
        yield json.dumps(entity, ensure_ascii=False, sort_keys=True, default=str) + "\n"

"""What the analyst looks at, computed once for the JSON API and the HTML pages alike.

Each function reads the workspace (and the list store where names or versions are needed) and
returns plain JSON-ready dicts, so `/api/*` routes and the web pages are thin shells over the
same answers: the links of an entity, a network graph, a timeline, the dashboard, an uploaded
document read into findings and alerts, an uploaded table screened row by row.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from followthemoney import EntityProxy

from sanctionwatch.cases.model import StoredAlert
from sanctionwatch.documents.extract import PDF_MAGIC, Input, decode, read_input, sniff
from sanctionwatch.documents.model import DocumentError
from sanctionwatch.errors import InputError

if TYPE_CHECKING:
    from sanctionwatch.cases.workspace import Workspace
    from sanctionwatch.documents.reader import Reader
    from sanctionwatch.screening.service import MatchOptions, Screener

LINK_LIMIT = 500  # alerts considered per entity
DOCUMENT_SCAN = 2000  # most recent documents matched against an entity's document alerts
OPEN_CASE_STATUSES = ("open", "under_review")
ZIP_MAGIC = b"PK\x03\x04"


class ListStore(Protocol):
    """What the views read from the list store (`store.Store` and the API's store port)."""

    def entity(self, entity_id: str) -> EntityProxy | None: ...

    def datasets(self) -> Sequence[Any]: ...


class UnsupportedUpload(InputError):
    """An upload whose content is not a kind we read (HTTP 415)."""


class UploadTooLarge(InputError):
    """An upload over a size or row limit (HTTP 413)."""


# --- links, graph, timeline --------------------------------------------------------------


def _document_key(alert: StoredAlert) -> str | None:
    doc = alert.alert.evidence.get("document")
    return str(doc.get("source")) if isinstance(doc, Mapping) and doc.get("source") else None


def _linked_documents(ws: Workspace, alerts: Iterable[StoredAlert]) -> list[dict[str, Any]]:
    sources = {key for a in alerts if (key := _document_key(a)) is not None}
    if not sources:
        return []
    return [d for d in ws.documents(limit=DOCUMENT_SCAN) if d.get("source") in sources]


def entity_links(ws: Workspace, entity_id: str) -> dict[str, Any]:
    """The alerts naming a list entity, and through them its documents, ship events (by the
    IMO and MMSI of the vessels in those alerts) and cases."""
    alerts = ws.alerts(entity_id=entity_id, limit=LINK_LIMIT)
    events: dict[Any, dict[str, Any]] = {}
    imos = {v.imo for a in alerts for v in a.alert.vessels if v.imo}
    mmsis = {v.mmsi for a in alerts for v in a.alert.vessels if v.mmsi and not v.imo}
    for imo in sorted(imos):
        events.update((e["id"], e) for e in ws.events(imo=imo))
    for mmsi in sorted(mmsis):
        events.update((e["id"], e) for e in ws.events(mmsi=mmsi))
    case_ids = sorted({c for a in alerts for c in a.case_ids})
    return {
        "alerts": [a.to_dict() for a in alerts],
        "documents": _linked_documents(ws, alerts),
        "events": sorted(events.values(), key=lambda e: str(e.get("start") or "")),
        "cases": [ws.case(c).to_dict() for c in case_ids],
    }


class _Graph:
    """Nodes and edges, each added once."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, str]] = {}

    def node(self, node_id: str, label: str, kind: str) -> str:
        known = self.nodes.get(node_id)
        if known is None or (known["label"] == node_id and label != node_id):
            self.nodes[node_id] = {"id": node_id, "label": label, "type": kind}
        return node_id

    def edge(self, source: str, target: str, label: str) -> None:
        if source != target:
            a, b = sorted((source, target))
            self.edges.setdefault((a, b, label), {"source": a, "target": b, "label": label})


def _vessel_node(g: _Graph, imo: str | None, mmsi: int | None, name: str | None) -> str | None:
    if imo:
        return g.node(f"vessel:imo:{imo}", name or f"IMO {imo}", "vessel")
    if mmsi:
        return g.node(f"vessel:mmsi:{mmsi}", name or f"MMSI {mmsi}", "vessel")
    return None


def graph(
    ws: Workspace,
    store: ListStore,
    *,
    entity_id: str | None = None,
    case_id: int | None = None,
    limit: int = 200,
) -> dict[str, Any]:
    """The network of list entities, vessels, documents and cases that alerts tie together
    (of one case, of one entity, or of the `limit` newest alerts). Each alert links every
    pair of things it names; a listed vessel is joined to its ship node by IMO."""
    titles: dict[int, str] = {}

    def case_title(c: int) -> str:
        if c not in titles:
            titles[c] = ws.case(c).title  # NotFoundError for an unknown case
        return titles[c]

    if case_id is not None:
        case_title(case_id)
        alerts = ws.case_alerts(case_id)[:limit]
    elif entity_id is not None:
        alerts = ws.alerts(entity_id=entity_id, limit=limit)
    else:
        alerts = ws.alerts(limit=limit)
    g = _Graph()
    if case_id is not None:
        g.node(f"case:{case_id}", case_title(case_id), "case")
    for stored in alerts:
        alert = stored.alert
        ids: list[str] = []
        for ref in alert.entities:
            entity_node = g.node(f"entity:{ref.entity_id}", ref.caption or ref.entity_id, "entity")
            ids.append(entity_node)
            proxy = store.entity(ref.entity_id)
            if proxy is not None:
                g.node(entity_node, proxy.caption, "entity")
                for imo in proxy.get("imoNumber", quiet=True):
                    vessel = _vessel_node(g, imo.removeprefix("IMO").strip(), None, proxy.caption)
                    if vessel is not None:
                        g.edge(entity_node, vessel, "listed vessel")
        for v in alert.vessels:
            vessel = _vessel_node(g, v.imo, v.mmsi, v.name)
            if vessel is not None:
                ids.append(vessel)
        doc = _document_key(stored)
        if doc is not None:
            title = alert.evidence.get("document", {}).get("title") or doc
            ids.append(g.node(f"document:{doc}", str(title), "document"))
        for c in stored.case_ids:
            case_node = g.node(f"case:{c}", case_title(c), "case")
            for other in ids:
                g.edge(case_node, other, "in case")
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                g.edge(a, b, alert.kind)
    return {"nodes": list(g.nodes.values()), "edges": list(g.edges.values())}


def _alert_row(stored: StoredAlert) -> dict[str, Any]:
    alert = stored.alert
    return {
        "at": alert.occurred_at or stored.created_at,
        "type": "alert",
        "kind": alert.kind,
        "title": alert.title,
        "ref": f"alert:{stored.id}",
        "severity": alert.severity,
    }


def timeline(
    ws: Workspace, *, case_id: int | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """Dated rows in time order: alerts (when the underlying event happened, else when it was
    raised) and, for a case, its opening, notes and decisions; without a case, the newest
    `limit` alerts and every case's decisions."""
    rows: list[dict[str, Any]] = []
    if case_id is not None:
        case = ws.case(case_id)
        rows.append(
            {
                "at": case.created_at,
                "type": "case",
                "kind": "opened",
                "title": case.title,
                "ref": f"case:{case.id}",
            }
        )
        rows += [_alert_row(a) for a in ws.case_alerts(case_id)]
        rows += [
            {
                "at": n.created_at,
                "type": "note",
                "kind": "note",
                "title": n.text,
                "ref": f"case:{case_id}",
                "actor": n.author,
            }
            for n in ws.notes(case_id)
        ]
        cases = [case]
    else:
        rows += [_alert_row(a) for a in ws.alerts(limit=limit)]
        cases = ws.cases()
    for case in cases:
        rows += [
            {
                "at": d.created_at,
                "type": "decision",
                "kind": d.status,
                "title": f"{case.title}: {d.status}",
                "ref": f"case:{case.id}",
                "actor": d.actor,
                "rationale": d.rationale,
            }
            for d in ws.decisions(case.id)
        ]
    rows.sort(key=lambda r: (str(r["at"]), r["type"], r["ref"]))
    return rows[-limit:]


def dashboard(ws: Workspace, store: ListStore) -> dict[str, Any]:
    """The front page: new alerts, alerts by kind, the newest alerts, open cases, what the
    lists hold now against their previous version, and the last monitoring runs."""
    from sanctionwatch.cases.model import ALERT_KINDS

    changes = []
    for info in store.datasets():
        versions = list(info.versions)
        current = next((v for v in versions if v.version == info.current_version), None)
        earlier = [v for v in versions if v.version < (info.current_version or "")]
        previous = earlier[-1] if earlier else None
        changes.append(
            {
                "dataset": info.name,
                "current_version": info.current_version,
                "previous_version": previous.version if previous else None,
                "entities": current.entities if current else None,
                "previous_entities": previous.entities if previous else None,
            }
        )
    open_cases = [c.to_dict() for c in ws.cases() if c.status in OPEN_CASE_STATUSES]
    return {
        "alerts_new": ws.count_alerts(status="new"),
        "alerts_by_kind": {kind: ws.count_alerts(kind=kind) for kind in ALERT_KINDS},
        "recent_alerts": [a.to_dict() for a in ws.alerts(limit=10)],
        "open_cases": open_cases,
        "list_changes": changes,
        "runs": ws.runs(limit=10),
    }


def events_geojson(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Ship events as a GeoJSON FeatureCollection (events without a position get no
    geometry, as GeoJSON allows)."""
    features = []
    for event in events:
        lat, lon = event.get("lat"), event.get("lon")
        point = None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "properties": dict(event), "geometry": point})
    return {"type": "FeatureCollection", "features": features}


# --- screening ---------------------------------------------------------------------------


def identifier_property(schema: str, value: str) -> str:
    """The FtM property an identifier fills: an IMO number (prefixed, or 7 digits for a
    vessel), a vessel's registration number, else a generic id number."""
    digits = "".join(c for c in value if c.isdigit())
    if value.upper().replace(" ", "").startswith("IMO") or (
        schema == "Vessel" and len(digits) == 7
    ):
        return "imoNumber"
    return "registrationNumber" if schema == "Vessel" else "idNumber"


def query_properties(
    schema: str,
    *,
    name: str | None = None,
    birth_date: str | None = None,
    country: str | None = None,
    identifiers: Sequence[str] = (),
    properties: Mapping[str, Sequence[str]] | None = None,
) -> tuple[str, dict[str, list[str]]]:
    """The schema and FtM properties of a screening form: a birth date makes a generic
    LegalEntity a Person (only people have one)."""
    props: dict[str, list[str]] = {k: [str(v) for v in vs] for k, vs in (properties or {}).items()}
    if name and name.strip():
        props.setdefault("name", []).append(name.strip())
    if birth_date:
        props.setdefault("birthDate", []).append(birth_date)
        if schema == "LegalEntity":
            schema = "Person"
    if country:
        props.setdefault("country", []).append(country)
    for value in identifiers:
        if value.strip():
            props.setdefault(identifier_property(schema, value), []).append(value.strip())
    return schema, props


# --- uploads ---------------------------------------------------------------------------


def document_kind(data: bytes, filename: str) -> str:
    """ "pdf", "feed", "html" or "text", decided by the content (a PDF named .txt is a PDF);
    anything else (images, archives, office files, binaries) is `UnsupportedUpload`."""
    if not data.strip():
        raise InputError(f"{filename}: empty file")
    if data.startswith(PDF_MAGIC):
        return "pdf"
    try:
        decode(data, filename)
    except DocumentError as exc:
        raise UnsupportedUpload(
            f"{filename}: not a document we can read (send text, HTML, PDF or an RSS/Atom feed)"
        ) from exc
    return sniff(Input(filename, data))


@dataclass(frozen=True)
class UploadResult:
    document_id: int
    alert_ids: tuple[int, ...]
    finding: Mapping[str, Any]


def read_uploads(
    ws: Workspace,
    reader: Reader,
    *,
    data: bytes,
    filename: str,
    list_versions: Mapping[str, str],
    actor: str,
) -> list[UploadResult]:
    """Read an uploaded document (several for a feed), save each, and raise their alerts.
    The upload is recorded as a run of kind "upload" naming the actor, so the workspace says
    who brought which document in."""
    from sanctionwatch.cases.producers import alerts_from_finding

    name = Path(filename.replace("\\", "/")).name[:200] or "upload"
    kind = document_kind(data, name)
    documents = read_input(Input(name, data))
    digest = hashlib.sha256(data).hexdigest()
    run_id = ws.start_run(
        kind="upload",
        inputs={
            "filename": name,
            "actor": actor,
            "sha256": digest,
            "bytes": len(data),
            "kind": kind,
        },
    )
    results = []
    for doc in documents:
        finding = reader.analyze(doc).to_dict()
        doc_id = ws.save_document(finding, text=doc.text, run_id=run_id)
        text_sha256 = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        alerts = alerts_from_finding(
            finding,
            text_sha256=text_sha256,
            list_versions=list_versions,
            received_at=ws.now(),
        )
        recorded = ws.record_alerts(alerts, run_id=run_id)
        results.append(UploadResult(doc_id, tuple(recorded.new_ids), finding))
    ws.finish_run(
        run_id,
        summary={
            "actor": actor,
            "documents": len(results),
            "alerts_new": sum(len(r.alert_ids) for r in results),
        },
    )
    return results


def read_upload(
    ws: Workspace,
    reader: Reader,
    *,
    data: bytes,
    filename: str,
    list_versions: Mapping[str, str],
    actor: str,
) -> tuple[int, list[int]]:
    """(document id, new alert ids) of one uploaded document; for a feed, the first item's
    document id and the new alerts of every item (see `read_uploads` for all of them)."""
    results = read_uploads(
        ws, reader, data=data, filename=filename, list_versions=list_versions, actor=actor
    )
    return results[0].document_id, [i for r in results for i in r.alert_ids]


def table_kind(data: bytes, filename: str) -> str:
    """ "xlsx" or "csv", by content: an Excel workbook is a zip, a CSV is text."""
    if not data.strip():
        raise InputError(f"{filename}: empty file")
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    try:
        decode(data, filename)
    except DocumentError as exc:
        raise UnsupportedUpload(f"{filename}: not a CSV or Excel (.xlsx) table") from exc
    return "csv"


TABLE_SCHEMATA = ("LegalEntity", "Person", "Vessel", "Company")


def table_schema(properties: Iterable[str]) -> str:
    """The most general schema that has every mapped property: a table with a birth date
    column screens people, one with an IMO column vessels, one with only names anything."""
    from followthemoney import model

    wanted = set(properties)
    for name in TABLE_SCHEMATA:
        schema = model.get(name)
        if schema is not None and all(schema.get(prop) is not None for prop in wanted):
            return name
    return "LegalEntity"  # rows then report the property that does not fit in `sw_error`


def screen_upload(
    screener: Screener,
    *,
    data: bytes,
    filename: str,
    max_rows: int,
    options: MatchOptions,
) -> dict[str, Any]:
    """Screen every row of an uploaded CSV or Excel table (at most `max_rows` rows: larger
    files belong to `sanctionwatch screen-file`). Rows keep their input values and get the
    best match with its explanation, as the batch screener writes them."""
    from sanctionwatch.screening.batch import read_table, screen_row, spec_for

    kind = table_kind(data, filename)
    with tempfile.TemporaryDirectory(prefix="sw-upload-") as tmp:
        path = Path(tmp) / f"upload.{kind}"
        path.write_bytes(data)
        columns, rows = read_table(path)
    if len(rows) > max_rows:
        raise UploadTooLarge(
            f"{filename}: {len(rows)} rows; the limit here is {max_rows} "
            "(use `sanctionwatch screen-file` for large files)"
        )
    mapped = spec_for(columns, options=options)
    spec = spec_for(columns, options=options, schema=table_schema(mapped.mapping.values()))
    results = []
    for number, row in enumerate(rows, start=1):
        out = screen_row(screener, row, spec)
        results.append({"row": number, "input": row, **out})
    return {"filename": filename, "columns": columns, "rows": results}


__all__ = [
    "ListStore",
    "UnsupportedUpload",
    "UploadResult",
    "UploadTooLarge",
    "dashboard",
    "document_kind",
    "entity_links",
    "events_geojson",
    "graph",
    "identifier_property",
    "query_properties",
    "read_upload",
    "read_uploads",
    "screen_upload",
    "table_kind",
    "timeline",
]

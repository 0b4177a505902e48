"""Evidence the monitor (or an upload) stores beside its alerts: documents with their
finding, and ship events. Functions of an open connection; `Workspace` owns the transactions.

Idempotent by content like the alerts (see `cases.intake`): a document by the sha256 of its
text, a ship event by (type, vessels, start, definition).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, insert, select, true

from sanctionwatch.cases.audit import dumps
from sanctionwatch.cases.intake import insert_or_ignore, known_fingerprints
from sanctionwatch.cases.rows import (
    event_fingerprint,
    event_keys,
    imo_key,
    lenient_time,
    mmsi_key,
    normal_time,
)
from sanctionwatch.cases.tables import document_table, event_key_table, event_table
from sanctionwatch.errors import InputError, NotFoundError

# -- documents ------------------------------------------------------------------------------


def save_document(
    conn: Connection, finding: Mapping[str, Any], *, text: str, run_id: str | None, now: str
) -> int:
    """Store a read document once per text (sha256); return its id, new or existing."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    document = finding.get("document") or {}
    if not isinstance(document, Mapping):
        raise InputError("finding['document'] must be an object with source, language, title")
    stmt = (
        insert_or_ignore(conn, document_table, unique=("sha256",))
        .values(
            sha256=sha,
            source=str(document.get("source") or ""),
            title=document.get("title"),
            language=document.get("language"),
            alert=bool(finding.get("alert")),
            created_at=now,
            run_id=run_id,
            text=text,
            finding=dumps(dict(finding)),
        )
        .returning(document_table.c.id)
    )
    doc_id = conn.execute(stmt).scalar()
    if doc_id is None:
        query = select(document_table.c.id).where(document_table.c.sha256 == sha)
        doc_id = conn.execute(query).scalar_one()
    return int(doc_id)


_DOC_SUMMARY = ("id", "source", "title", "language", "alert", "created_at")


def documents(conn: Connection, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """Documents newest first, without their text: {"id", "source", "title", "language",
    "alert", "created_at"}."""
    t = document_table
    query = (
        select(*(t.c[name] for name in _DOC_SUMMARY))
        .order_by(t.c.id.desc())
        .limit(max(0, limit))
        .offset(max(0, offset))
    )
    return [
        {name: getattr(row, name) for name in _DOC_SUMMARY} | {"alert": bool(row.alert)}
        for row in conn.execute(query)
    ]


def document(conn: Connection, doc_id: int) -> dict[str, Any]:
    row = conn.execute(select(document_table).where(document_table.c.id == doc_id)).first()
    if row is None:
        raise NotFoundError(f"no document {doc_id}")
    return {
        **{name: getattr(row, name) for name in _DOC_SUMMARY},
        "alert": bool(row.alert),
        "sha256": row.sha256,
        "run_id": row.run_id,
        "text": row.text,
        "finding": json.loads(row.finding),
    }


# -- ship events ----------------------------------------------------------------------------


def save_events(
    conn: Connection, events: Iterable[Mapping[str, Any]], *, run_id: str | None, now: str
) -> int:
    """Store ship events not stored yet (by `event_fingerprint`); return how many were new."""
    unique: dict[str, Mapping[str, Any]] = {}
    for event in events:
        unique.setdefault(event_fingerprint(event), event)
    known = known_fingerprints(conn, event_table, list(unique))
    fresh = {fp: event for fp, event in unique.items() if fp not in known}
    if not fresh:
        return 0
    rows = [
        {
            "fingerprint": fp,
            "type": str(event["type"]),
            "start": normal_time(str(event["start"]), field=f"ship event {event['type']} start"),
            "end": lenient_time(event.get("end")),
            "created_at": now,
            "run_id": run_id,
            "data": dumps(dict(event)),
        }
        for fp, event in fresh.items()
    ]
    stmt = insert_or_ignore(conn, event_table, unique=("fingerprint",)).returning(
        event_table.c.id, event_table.c.fingerprint
    )
    stored = {fp: int(event_id) for event_id, fp in conn.execute(stmt, rows)}
    keys = [
        {"event_id": event_id, "key": key}
        for fp, event_id in stored.items()
        for key in event_keys(fresh[fp])
    ]
    if keys:
        conn.execute(insert(event_key_table), keys)
    return len(stored)


def _event_has_key(key: str) -> ColumnElement[bool]:
    keyed = select(event_key_table.c.event_id).where(event_key_table.c.key == key)
    return event_table.c.id.in_(keyed)


def list_events(
    conn: Connection,
    *,
    type: str | None,
    mmsi: int | None,
    imo: str | None,
    since: str | None,
    until: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Events newest first (by start): {"id", **event json}; since/until bound the start."""
    t = event_table
    where: list[ColumnElement[bool]] = []
    if type is not None:
        where.append(t.c.type == type)
    if mmsi is not None:
        key = mmsi_key(mmsi)
        if key is None:
            raise InputError(f"mmsi {mmsi!r} is not an MMSI")
        where.append(_event_has_key(key))
    if imo is not None:
        key = imo_key(imo)
        if key is None:
            raise InputError(f"imo {imo!r} is not an IMO number")
        where.append(_event_has_key(key))
    low = normal_time(since, field="since")
    high = normal_time(until, field="until")
    if low is not None:
        where.append(t.c.start >= low)
    if high is not None:
        where.append(t.c.start <= high)
    query = (
        select(t.c.id, t.c.data)
        .where(and_(true(), *where))
        .order_by(t.c.start.desc(), t.c.id.desc())
        .limit(max(0, limit))
    )
    return [{"id": row.id, **json.loads(row.data)} for row in conn.execute(query)]

"""What the monitor writes into the workspace: runs, processed inputs and alerts (documents
and ship events: `cases.evidence`). Functions of an open connection; `Workspace` owns the
transactions.

Everything here is idempotent by content: an alert by its fingerprint, an input by (kind,
key, digest). The inserts are insert-or-ignore against a unique index, which is what makes two
monitor processes racing on the same inputs store each thing once, on SQLite (writers take
turns) and on PostgreSQL (the second insert waits for the first, then does nothing).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Table,
    and_,
    exists,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.sql.dml import Insert

from sanctionwatch.cases.audit import dumps
from sanctionwatch.cases.model import ALERT_KINDS, ALERT_STATUSES, Alert, StoredAlert
from sanctionwatch.cases.rows import (
    alert_from_json,
    alert_keys,
    alert_to_json,
    ended_at,
    event_time,
    imo_key,
    unique_by_fingerprint,
)
from sanctionwatch.cases.tables import (
    alert_key_table,
    alert_table,
    case_alert_table,
    input_table,
    run_table,
)
from sanctionwatch.errors import InputError, NotFoundError

LOOKUP_CHUNK = 500  # fingerprints per IN (...) lookup: well under every backend's limits


@dataclass(frozen=True)
class RecordResult:
    """What `record_alerts` did: ids of the alerts it stored now, and the workspace total."""

    new_ids: tuple[int, ...]
    total: int


def insert_or_ignore(conn: Connection, table: Table, *, unique: tuple[str, ...]) -> Insert:
    """INSERT ... ON CONFLICT (unique) DO NOTHING in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=list(unique))
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing(index_elements=list(unique))


def _check_choice(value: str | None, choices: tuple[str, ...], field: str) -> None:
    if value is not None and value not in choices:
        raise InputError(f"unknown {field} {value!r} (known: {', '.join(choices)})")


# -- runs and inputs ------------------------------------------------------------------------


def start_run(conn: Connection, *, kind: str, inputs: Mapping[str, Any], now: str) -> str:
    if not kind.strip():
        raise InputError("a monitoring run needs a kind (e.g. 'monitor')")
    run_id = uuid.uuid4().hex
    conn.execute(
        insert(run_table).values(
            id=run_id, kind=kind.strip(), started_at=now, inputs=dumps(dict(inputs))
        )
    )
    return run_id


def finish_run(conn: Connection, run_id: str, *, summary: Mapping[str, Any], now: str) -> None:
    result = conn.execute(
        update(run_table)
        .where(run_table.c.id == run_id)
        .values(finished_at=now, summary=dumps(dict(summary)))
    )
    if result.rowcount == 0:
        raise NotFoundError(f"no monitoring run {run_id!r}")


def runs(conn: Connection, *, limit: int) -> list[dict[str, Any]]:
    """Runs, newest first: {"id", "kind", "started_at", "finished_at", "inputs", "summary"}."""
    query = (
        select(run_table)
        .order_by(run_table.c.started_at.desc(), run_table.c.id)
        .limit(max(0, limit))
    )
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "started_at": row.started_at,
            "finished_at": row.finished_at,
            "inputs": json.loads(row.inputs),
            "summary": None if row.summary is None else json.loads(row.summary),
        }
        for row in conn.execute(query)
    ]


def input_seen(conn: Connection, kind: str, key: str, digest: str) -> bool:
    t = input_table
    query = select(exists().where(t.c.kind == kind, t.c.key == key, t.c.digest == digest))
    return bool(conn.execute(query).scalar())


def mark_input(
    conn: Connection, kind: str, key: str, digest: str, *, run_id: str | None, now: str
) -> None:
    stmt = insert_or_ignore(conn, input_table, unique=("kind", "key", "digest"))
    conn.execute(stmt.values(kind=kind, key=key, digest=digest, run_id=run_id, seen_at=now))


# -- alerts ---------------------------------------------------------------------------------


def known_fingerprints(conn: Connection, table: Table, fingerprints: list[str]) -> set[str]:
    """Which of the fingerprints the table holds already (looked up in chunks)."""
    known: set[str] = set()
    column = table.c.fingerprint
    for i in range(0, len(fingerprints), LOOKUP_CHUNK):
        chunk = fingerprints[i : i + LOOKUP_CHUNK]
        known.update(conn.execute(select(column).where(column.in_(chunk))).scalars())
    return known


def record_alerts(
    conn: Connection, alerts: Iterable[Alert], *, run_id: str | None, now: str
) -> RecordResult:
    """Store alerts whose fingerprint is new, with their keys; return the new ids in order.

    Known fingerprints are looked up first (a monitor re-records mostly known alerts), the
    rest inserted in one batch that still ignores a fingerprint a concurrent run stored in
    the meantime (on PostgreSQL; on SQLite the write lock makes the lookup authoritative).
    """
    unique = unique_by_fingerprint(alerts)
    known = known_fingerprints(conn, alert_table, [a.fingerprint for a in unique])
    fresh = [a for a in unique if a.fingerprint not in known]
    stored: dict[str, int] = {}
    if fresh:
        stmt = insert_or_ignore(conn, alert_table, unique=("fingerprint",)).returning(
            alert_table.c.id, alert_table.c.fingerprint
        )
        rows = [
            {
                "fingerprint": alert.fingerprint,
                "kind": alert.kind,
                "severity": alert.severity,
                "status": "new",
                "title": alert.title,
                "source": alert.source,
                "occurred_at": event_time(alert),
                "ended_at": ended_at(alert),
                "created_at": now,
                "run_id": run_id,
                "data": alert_to_json(alert),
            }
            for alert in fresh
        ]
        stored = {fp: int(alert_id) for alert_id, fp in conn.execute(stmt, rows)}
    new = [a for a in fresh if a.fingerprint in stored]
    keys = [{"alert_id": stored[a.fingerprint], "key": k} for a in new for k in alert_keys(a)]
    if keys:
        conn.execute(insert(alert_key_table), keys)
    total = conn.execute(select(func.count()).select_from(alert_table)).scalar_one()
    return RecordResult(new_ids=tuple(stored[a.fingerprint] for a in new), total=int(total))


def _case_ids(conn: Connection, alert_ids: list[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {}
    if alert_ids:
        t = case_alert_table
        query = (
            select(t.c.alert_id, t.c.case_id)
            .where(t.c.alert_id.in_(alert_ids))
            .order_by(t.c.case_id)
        )
        for alert_id, case_id in conn.execute(query):
            found.setdefault(alert_id, []).append(case_id)
    return {k: tuple(v) for k, v in found.items()}


def stored_alerts(conn: Connection, rows: list[Row[Any]]) -> list[StoredAlert]:
    """StoredAlerts from full `ws_alerts` rows, in the rows' order, with their case ids."""
    cases = _case_ids(conn, [row.id for row in rows])
    return [
        StoredAlert(
            id=row.id,
            alert=alert_from_json(row.data),
            status=row.status,
            created_at=row.created_at,
            run_id=row.run_id,
            case_ids=cases.get(row.id, ()),
        )
        for row in rows
    ]


def _has_key(key: str) -> ColumnElement[bool]:
    keyed = select(alert_key_table.c.alert_id).where(alert_key_table.c.key == key)
    return alert_table.c.id.in_(keyed)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def alert_filter(
    *,
    status: str | None = None,
    kind: str | None = None,
    entity_id: str | None = None,
    imo: str | None = None,
    text: str | None = None,
) -> ColumnElement[bool]:
    """The WHERE clause of an alert listing (InputError for an unknown status or kind)."""
    _check_choice(status, ALERT_STATUSES, "alert status")
    _check_choice(kind, ALERT_KINDS, "alert kind")
    t = alert_table
    where: list[ColumnElement[bool]] = []
    if status is not None:
        where.append(t.c.status == status)
    if kind is not None:
        where.append(t.c.kind == kind)
    if entity_id:
        where.append(_has_key(f"entity:{entity_id}"))
    if imo:
        key = imo_key(imo)
        if key is None:
            raise InputError(f"imo {imo!r} is not an IMO number")
        where.append(_has_key(key))
    if text and text.strip():
        pattern = _like(text.strip())
        where.append(
            t.c.title.ilike(pattern, escape="\\")
            | t.c.source.ilike(pattern, escape="\\")
            | t.c.data.ilike(pattern, escape="\\")
        )
    return and_(true(), *where)


def list_alerts(
    conn: Connection, where: ColumnElement[bool], *, limit: int, offset: int
) -> list[StoredAlert]:
    query = (
        select(alert_table)
        .where(where)
        .order_by(alert_table.c.id.desc())
        .limit(max(0, limit))
        .offset(max(0, offset))
    )
    return stored_alerts(conn, list(conn.execute(query)))


def count_alerts(conn: Connection, where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(alert_table).where(where)
    return int(conn.execute(query).scalar_one())


def get_alert(conn: Connection, alert_id: int) -> StoredAlert:
    row = conn.execute(select(alert_table).where(alert_table.c.id == alert_id)).first()
    if row is None:
        raise NotFoundError(f"no alert {alert_id}")
    return stored_alerts(conn, [row])[0]

"""The audit log: one entry per change made through the application, written in the same
transaction as the change (so a change without its entry, or an entry for a change that was
rolled back, cannot exist). The table refuses UPDATE and DELETE (see `cases.tables`); this
module only appends and reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from sanctionwatch.cases.model import AuditEntry
from sanctionwatch.cases.tables import audit_table
from sanctionwatch.errors import InputError


def dumps(value: Any) -> str:
    """The JSON text every workspace column holds: UTF-8 kept readable, stable key order."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def check_actor(actor: str) -> str:
    """Every change names who made it; an anonymous change would make the log useless."""
    name = actor.strip() if isinstance(actor, str) else ""
    if not name:
        raise InputError("an actor is required for every change (the audit log names it)")
    return name


def append(
    conn: Connection,
    *,
    at: str,
    actor: str,
    action: str,
    target: str,
    details: Mapping[str, Any] | None = None,
) -> int:
    """Append one entry; returns its id."""
    values = {
        "at": at,
        "actor": check_actor(actor),
        "action": action,
        "target": target,
        "details": dumps(dict(details or {})),
    }
    result = conn.execute(insert(audit_table).values(**values).returning(audit_table.c.id))
    return int(result.scalar_one())


def entry_from_row(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        details=json.loads(row.details),
    )


def entries(
    conn: Connection, *, targets: tuple[str, ...] | None = None, limit: int = 200
) -> list[AuditEntry]:
    """Entries, newest first; with `targets`, only those about one of them."""
    query = select(audit_table).order_by(audit_table.c.id.desc()).limit(max(0, limit))
    if targets is not None:
        if not targets:
            return []
        query = query.where(audit_table.c.target.in_(targets))
    return [entry_from_row(row) for row in conn.execute(query)]

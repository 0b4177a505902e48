"""Cases, notes, decisions and alert dismissal: the analyst's changes, each with its audit
entry in the same transaction. Functions of an open connection; `Workspace` owns the
transactions.

Decisions are append-only (a trigger refuses UPDATE and DELETE): a case's status is the last
decision's, and the case row's `status` is a copy kept for listing, written in the same
transaction as the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Row, insert, select, update

from sanctionwatch.cases import audit
from sanctionwatch.cases.intake import insert_or_ignore, stored_alerts
from sanctionwatch.cases.model import (
    CASE_STATUSES,
    Case,
    CaseStatus,
    Decision,
    Note,
    StoredAlert,
)
from sanctionwatch.cases.suggest import Keyed, keyed_alert
from sanctionwatch.cases.tables import (
    alert_key_table,
    alert_table,
    case_alert_table,
    case_table,
    decision_table,
    note_table,
)
from sanctionwatch.errors import InputError, NotFoundError

MAX_TITLE = 500


def _required(value: str, what: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InputError(f"{what} must not be empty")
    return text


def _case_from_row(row: Row[Any]) -> Case:
    return Case(
        id=row.id,
        title=row.title,
        status=row.status,
        summary=row.summary,
        created_at=row.created_at,
        updated_at=row.updated_at,
        created_by=row.created_by,
    )


def get_case(conn: Connection, case_id: int) -> Case:
    row = conn.execute(select(case_table).where(case_table.c.id == case_id)).first()
    if row is None:
        raise NotFoundError(f"no case {case_id}")
    return _case_from_row(row)


def list_cases(conn: Connection, *, status: str | None) -> list[Case]:
    """Cases, most recently changed first."""
    if status is not None and status not in CASE_STATUSES:
        raise InputError(f"unknown case status {status!r} (known: {', '.join(CASE_STATUSES)})")
    query = select(case_table).order_by(case_table.c.updated_at.desc(), case_table.c.id.desc())
    if status is not None:
        query = query.where(case_table.c.status == status)
    return [_case_from_row(row) for row in conn.execute(query)]


def _touch(conn: Connection, case_id: int, now: str, **values: Any) -> None:
    conn.execute(
        update(case_table).where(case_table.c.id == case_id).values(updated_at=now, **values)
    )


def _add_alerts(
    conn: Connection, case_id: int, alert_ids: Sequence[int], *, actor: str, now: str
) -> list[int]:
    """Link alerts to a case (known links are kept as they are); returns the newly linked."""
    wanted = list(dict.fromkeys(int(i) for i in alert_ids))
    if not wanted:
        return []
    rows = conn.execute(
        select(alert_table.c.id, alert_table.c.status).where(alert_table.c.id.in_(wanted))
    ).all()
    missing = sorted(set(wanted) - {row.id for row in rows})
    if missing:
        raise NotFoundError(f"no alert {', '.join(str(i) for i in missing)}")
    stmt = insert_or_ignore(conn, case_alert_table, unique=("case_id", "alert_id"))
    added: list[int] = []
    for alert_id in wanted:
        values = {"case_id": case_id, "alert_id": alert_id, "added_at": now, "added_by": actor}
        if conn.execute(stmt.values(**values)).rowcount:
            added.append(alert_id)
    if added:
        conn.execute(
            update(alert_table).where(alert_table.c.id.in_(added)).values(status="in_case")
        )
        was = {row.id: row.status for row in rows}
        audit.append(
            conn,
            at=now,
            actor=actor,
            action="case.add_alert",
            target=f"case:{case_id}",
            details={"alert_ids": added, "previous_status": {str(i): was[i] for i in added}},
        )
    return added


def create_case(
    conn: Connection,
    title: str,
    *,
    actor: str,
    summary: str,
    alert_ids: Sequence[int],
    now: str,
) -> Case:
    actor = audit.check_actor(actor)
    title = _required(title, "a case title")
    if len(title) > MAX_TITLE:
        raise InputError(f"a case title has at most {MAX_TITLE} characters, got {len(title)}")
    values = {
        "title": title,
        "status": "open",
        "summary": summary or "",
        "created_at": now,
        "updated_at": now,
        "created_by": actor,
    }
    result = conn.execute(insert(case_table).values(**values).returning(case_table.c.id))
    case_id = int(result.scalar_one())
    audit.append(
        conn,
        at=now,
        actor=actor,
        action="case.create",
        target=f"case:{case_id}",
        details={"title": title, "summary": values["summary"]},
    )
    _add_alerts(conn, case_id, alert_ids, actor=actor, now=now)
    return get_case(conn, case_id)


def add_alerts_to_case(
    conn: Connection, case_id: int, alert_ids: Sequence[int], *, actor: str, now: str
) -> None:
    actor = audit.check_actor(actor)
    get_case(conn, case_id)
    if _add_alerts(conn, case_id, alert_ids, actor=actor, now=now):
        _touch(conn, case_id, now)


def case_alerts(conn: Connection, case_id: int) -> list[StoredAlert]:
    """The case's alerts in the order they were raised."""
    get_case(conn, case_id)
    linked = select(case_alert_table.c.alert_id).where(case_alert_table.c.case_id == case_id)
    query = select(alert_table).where(alert_table.c.id.in_(linked)).order_by(alert_table.c.id)
    return stored_alerts(conn, list(conn.execute(query)))


def add_note(conn: Connection, case_id: int, text: str, *, actor: str, now: str) -> Note:
    actor = audit.check_actor(actor)
    get_case(conn, case_id)
    body = _required(text, "a note")
    values = {"case_id": case_id, "author": actor, "text": body, "created_at": now}
    note_id = int(
        conn.execute(insert(note_table).values(**values).returning(note_table.c.id)).scalar_one()
    )
    audit.append(
        conn,
        at=now,
        actor=actor,
        action="note.add",
        target=f"case:{case_id}",
        details={"note_id": note_id, "text": body},
    )
    _touch(conn, case_id, now)
    return Note(id=note_id, case_id=case_id, author=actor, text=body, created_at=now)


def notes(conn: Connection, case_id: int) -> list[Note]:
    """The case's notes, oldest first (a conversation reads top-down)."""
    get_case(conn, case_id)
    query = select(note_table).where(note_table.c.case_id == case_id).order_by(note_table.c.id)
    return [
        Note(id=r.id, case_id=r.case_id, author=r.author, text=r.text, created_at=r.created_at)
        for r in conn.execute(query)
    ]


def decide(
    conn: Connection, case_id: int, status: str, *, actor: str, rationale: str, now: str
) -> Decision:
    actor = audit.check_actor(actor)
    if status not in CASE_STATUSES:
        raise InputError(f"unknown case status {status!r} (known: {', '.join(CASE_STATUSES)})")
    reasons = _required(rationale, "a decision's rationale")
    before = get_case(conn, case_id)
    values = {
        "case_id": case_id,
        "actor": actor,
        "status": status,
        "rationale": reasons,
        "created_at": now,
    }
    decision_id = int(
        conn.execute(
            insert(decision_table).values(**values).returning(decision_table.c.id)
        ).scalar_one()
    )
    _touch(conn, case_id, now, status=status)
    audit.append(
        conn,
        at=now,
        actor=actor,
        action="case.decide",
        target=f"case:{case_id}",
        details={
            "decision_id": decision_id,
            "from": before.status,
            "to": status,
            "rationale": reasons,
        },
    )
    return Decision(
        id=decision_id,
        case_id=case_id,
        actor=actor,
        status=cast(CaseStatus, status),
        rationale=reasons,
        created_at=now,
    )


def decisions(conn: Connection, case_id: int) -> list[Decision]:
    """The case's decisions, oldest first."""
    get_case(conn, case_id)
    t = decision_table
    query = select(t).where(t.c.case_id == case_id).order_by(t.c.id)
    return [
        Decision(
            id=r.id,
            case_id=r.case_id,
            actor=r.actor,
            status=r.status,
            rationale=r.rationale,
            created_at=r.created_at,
        )
        for r in conn.execute(query)
    ]


def dismiss_alert(conn: Connection, alert_id: int, *, actor: str, reason: str, now: str) -> None:
    """Mark a new alert as not worth a case. An alert in a case is decided with its case."""
    actor = audit.check_actor(actor)
    why = _required(reason, "a dismissal reason")
    row = conn.execute(select(alert_table.c.status).where(alert_table.c.id == alert_id)).first()
    if row is None:
        raise NotFoundError(f"no alert {alert_id}")
    if row.status == "dismissed":
        return
    if row.status == "in_case":
        case_ids = conn.execute(
            select(case_alert_table.c.case_id).where(case_alert_table.c.alert_id == alert_id)
        ).scalars()
        listed = ", ".join(str(i) for i in case_ids)
        raise InputError(
            f"alert {alert_id} is in case {listed}: decide the case instead of dismissing it"
        )
    conn.execute(update(alert_table).where(alert_table.c.id == alert_id).values(status="dismissed"))
    audit.append(
        conn,
        at=now,
        actor=actor,
        action="alert.dismiss",
        target=f"alert:{alert_id}",
        details={"reason": why},
    )


OPEN_CASE_STATUSES = ("open", "under_review")


def suggestion_inputs(conn: Connection) -> tuple[list[Keyed], list[Keyed]]:
    """New alerts, and alerts of open cases (as anchors), with their keys and times."""
    a, ca, c, k = alert_table, case_alert_table, case_table, alert_key_table
    times = (a.c.kind, a.c.occurred_at, a.c.ended_at, a.c.created_at)
    new_rows = conn.execute(
        select(a.c.id, *times).where(a.c.status == "new").order_by(a.c.id)
    ).all()
    anchor_rows = conn.execute(
        select(ca.c.alert_id.label("id"), *times, ca.c.case_id)
        .join(a, a.c.id == ca.c.alert_id)
        .join(c, c.c.id == ca.c.case_id)
        .where(c.c.status.in_(OPEN_CASE_STATUSES))
        .order_by(ca.c.case_id, ca.c.alert_id)
    ).all()
    new_keys = (
        select(k.c.alert_id, k.c.key).join(a, a.c.id == k.c.alert_id).where(a.c.status == "new")
    )
    anchor_keys = (
        select(k.c.alert_id, k.c.key)
        .join(ca, ca.c.alert_id == k.c.alert_id)
        .join(c, c.c.id == ca.c.case_id)
        .where(c.c.status.in_(OPEN_CASE_STATUSES))
    )
    keys: dict[int, list[str]] = {}
    for query in (new_keys, anchor_keys):
        for alert_id, key in conn.execute(query):
            keys.setdefault(alert_id, []).append(key)

    def keyed(row: Any, case_id: int | None) -> Keyed:
        return keyed_alert(
            row.id,
            kind=row.kind,
            occurred_at=row.occurred_at,
            ended_at=row.ended_at,
            created_at=row.created_at,
            keys=keys.get(row.id, ()),
            case_id=case_id,
        )

    new = [keyed(r, None) for r in new_rows]
    return new, [keyed(r, r.case_id) for r in anchor_rows]

"""The audit log and the decisions are append-only in the database itself, on both backends:
raw SQL UPDATE and DELETE (and TRUNCATE on PostgreSQL) are refused by triggers."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sanctionwatch.cases.workspace import Workspace, open_workspace
from tests.cases.builders import showcase_alerts

TAMPERING = [
    pytest.param("UPDATE ws_audit_log SET actor = 'someone else'", id="audit-update"),
    pytest.param(
        "UPDATE ws_audit_log SET details = '{}' WHERE action = 'case.decide'", id="audit-update-one"
    ),
    pytest.param("DELETE FROM ws_audit_log", id="audit-delete"),
    pytest.param("DELETE FROM ws_audit_log WHERE action = 'note.add'", id="audit-delete-one"),
    pytest.param("UPDATE ws_decisions SET status = 'dismissed'", id="decision-update"),
    pytest.param("DELETE FROM ws_decisions", id="decision-delete"),
]


def _history(ws: Workspace) -> int:
    ids = ws.record_alerts(showcase_alerts()).new_ids
    case = ws.create_case("YUK TUNG", actor="kim", alert_ids=ids[:2])
    ws.add_note(case.id, "imagery requested", actor="kim")
    ws.decide(case.id, "confirmed", actor="lee", rationale="imagery")
    return case.id


@pytest.mark.parametrize("statement", TAMPERING)
def test_raw_sql_cannot_rewrite_history(workspace: Workspace, statement: str) -> None:
    case_id = _history(workspace)
    before = (workspace.audit(), workspace.decisions(case_id))
    with pytest.raises(DBAPIError, match="append-only"), workspace.engine.begin() as conn:
        conn.execute(text(statement))
    assert (workspace.audit(), workspace.decisions(case_id)) == before
    assert len(before[0]) == 4 and len(before[1]) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["ws_audit_log", "ws_decisions"])
def test_truncate_refused_on_postgres(ws_pg_url: str, table: str) -> None:
    with open_workspace(ws_pg_url) as ws:
        _history(ws)
        with pytest.raises(DBAPIError, match="append-only"), ws.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table}"))
        assert len(ws.audit()) == 4


def test_reopening_keeps_triggers_and_data(workspace_url: str) -> None:
    with open_workspace(workspace_url) as ws:
        case_id = _history(ws)
    with open_workspace(workspace_url) as again:  # setup is idempotent
        assert len(again.audit()) == 4
        assert [d.status for d in again.decisions(case_id)] == ["confirmed"]
        with pytest.raises(DBAPIError, match="append-only"), again.engine.begin() as conn:
            conn.execute(text("DELETE FROM ws_audit_log"))


def test_the_workspace_has_no_way_to_edit_history() -> None:
    names = {n for n in dir(Workspace) if not n.startswith("_")}
    editing = {n for n in names if n.split("_")[0] in {"update", "delete", "edit", "remove"}}
    assert editing == set()
    assert not any("audit" in n and n != "audit" for n in names)
    assert not any("decision" in n and n != "decisions" for n in names)


def test_audit_limit_and_targets(workspace: Workspace) -> None:
    case_id = _history(workspace)
    assert [e.action for e in workspace.audit(limit=2)] == ["case.decide", "note.add"]
    assert workspace.audit(target="case:999") == []
    entries = workspace.audit(target=f"case:{case_id}")
    assert all(e.target == f"case:{case_id}" for e in entries)
    assert entries[-1].details == {"title": "YUK TUNG", "summary": ""}
    assert entries[-1].at == "2026-11-29T02:10:00Z"

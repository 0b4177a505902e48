"""Cases on SQLite and PostgreSQL: open, add alerts, note, decide, dismiss, and the dossier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.errors import InputError, NotFoundError
from sanctionwatch.store import Store, open_store
from tests.cases.builders import YUK_TUNG, screening_alert, showcase_alerts
from tests.cases.conftest import FakeClock
from tests.store.builders import make, parsed

ANALYST = "kim.analyst"


def test_case_lifecycle(workspace: Workspace, clock: FakeClock) -> None:
    gap, encounter, report = workspace.record_alerts(showcase_alerts()).new_ids
    case = workspace.create_case(
        "YUK TUNG ship-to-ship transfer, East China Sea, March 2024",
        actor=ANALYST,
        summary="Gap, encounter with CHON MA SAN, Yonhap report.",
        alert_ids=[gap, encounter],
    )
    assert (case.status, case.created_by, case.created_at) == (
        "open",
        ANALYST,
        "2026-11-29T02:10:00Z",
    )
    assert [a.id for a in workspace.case_alerts(case.id)] == [gap, encounter]
    assert workspace.alert(gap).status == "in_case"
    assert workspace.alert(gap).case_ids == (case.id,)
    assert workspace.alert(report).status == "new"

    clock.advance(hours=2)
    workspace.add_alerts_to_case(case.id, [report, gap], actor=ANALYST)  # gap again: kept
    assert [a.id for a in workspace.case_alerts(case.id)] == [gap, encounter, report]
    note = workspace.add_note(case.id, "Encounter lasts 5.5 h at 12 m: a transfer.", actor=ANALYST)
    assert workspace.notes(case.id) == [note]

    clock.advance(days=1)
    decision = workspace.decide(
        case.id, "under_review", actor="lee.lead", rationale="Two sources agree."
    )
    clock.advance(days=1)
    workspace.decide(case.id, "confirmed", actor="lee.lead", rationale="Satellite imagery.")
    assert [d.status for d in workspace.decisions(case.id)] == ["under_review", "confirmed"]
    assert workspace.decisions(case.id)[0] == decision
    updated = workspace.case(case.id)
    assert updated.status == "confirmed" and updated.updated_at == "2026-12-01T04:10:00Z"
    assert workspace.cases(status="confirmed") == [updated]
    assert workspace.cases(status="open") == []

    assert [(e.action, e.actor) for e in workspace.audit(target=f"case:{case.id}")] == [
        ("case.decide", "lee.lead"),
        ("case.decide", "lee.lead"),
        ("note.add", ANALYST),
        ("case.add_alert", ANALYST),
        ("case.add_alert", ANALYST),
        ("case.create", ANALYST),
    ]
    decided = workspace.audit(target=f"case:{case.id}", limit=1)[0]
    assert decided.details == {
        "decision_id": decision.id + 1,
        "from": "under_review",
        "to": "confirmed",
        "rationale": "Satellite imagery.",
    }


def test_cases_newest_change_first(workspace: Workspace, clock: FakeClock) -> None:
    first = workspace.create_case("first", actor=ANALYST)
    clock.advance(minutes=1)
    second = workspace.create_case("second", actor=ANALYST)
    assert [c.id for c in workspace.cases()] == [second.id, first.id]
    clock.advance(minutes=1)
    workspace.add_note(first.id, "still relevant", actor=ANALYST)
    assert [c.id for c in workspace.cases()] == [first.id, second.id]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        pytest.param(lambda ws: ws.case(42), NotFoundError, "no case 42", id="unknown-case"),
        pytest.param(
            lambda ws: ws.create_case("x", actor=ANALYST, alert_ids=[1, 99]),
            NotFoundError,
            "no alert 99",
            id="unknown-alert",
        ),
        pytest.param(
            lambda ws: ws.create_case("  ", actor=ANALYST), InputError, "title", id="no-title"
        ),
        pytest.param(lambda ws: ws.create_case("x", actor=""), InputError, "actor", id="no-actor"),
        pytest.param(
            lambda ws: ws.decide(1, "closed", actor=ANALYST, rationale="r"),
            InputError,
            "unknown case status 'closed'",
            id="bad-status",
        ),
        pytest.param(
            lambda ws: ws.decide(1, "confirmed", actor=ANALYST, rationale=" "),
            InputError,
            "rationale",
            id="no-rationale",
        ),
        pytest.param(
            lambda ws: ws.add_note(1, "", actor=ANALYST), InputError, "note", id="empty-note"
        ),
        pytest.param(
            lambda ws: ws.add_alerts_to_case(7, [1], actor=ANALYST),
            NotFoundError,
            "no case 7",
            id="add-to-unknown-case",
        ),
        pytest.param(
            lambda ws: ws.cases(status="new"), InputError, "case status", id="list-bad-status"
        ),
        pytest.param(
            lambda ws: ws.dismiss_alert(2, actor=ANALYST, reason="dup"),
            InputError,
            "is in case 1",
            id="dismiss-in-case",
        ),
        pytest.param(
            lambda ws: ws.dismiss_alert(3, actor=ANALYST, reason=""),
            InputError,
            "reason",
            id="dismiss-no-reason",
        ),
    ],
)
def test_refused_changes_leave_no_trace(
    sqlite_workspace: Workspace, call: object, error: type[Exception], message: str
) -> None:
    ws = sqlite_workspace
    ws.record_alerts(showcase_alerts())
    ws.create_case("existing", actor=ANALYST, alert_ids=[2])
    before = (ws.audit(), ws.cases(), [a.status for a in ws.alerts()])
    with pytest.raises(error, match=message):
        call(ws)  # type: ignore[operator]
    assert (ws.audit(), ws.cases(), [a.status for a in ws.alerts()]) == before


def test_dismiss_alert(workspace: Workspace) -> None:
    alert_id = workspace.record_alerts([screening_alert("ACME", "ofac-1", row=3)]).new_ids[0]
    workspace.dismiss_alert(alert_id, actor=ANALYST, reason="Different company (registry no).")
    workspace.dismiss_alert(alert_id, actor=ANALYST, reason="again")  # no-op
    assert workspace.alert(alert_id).status == "dismissed"
    entries = workspace.audit(target=f"alert:{alert_id}")
    assert [(e.action, e.details) for e in entries] == [
        ("alert.dismiss", {"reason": "Different company (registry no)."})
    ]
    # a dismissed alert can still be filed in a case later
    case = workspace.create_case("reopened", actor=ANALYST, alert_ids=[alert_id])
    assert workspace.alert(alert_id).status == "in_case"
    added = workspace.audit(target=f"case:{case.id}", limit=1)[0]
    assert added.details == {
        "alert_ids": [alert_id],
        "previous_status": {str(alert_id): "dismissed"},
    }
    with pytest.raises(NotFoundError):
        workspace.dismiss_alert(999, actor=ANALYST, reason="x")


@pytest.fixture
def tanker_store(tmp_path: Path) -> Iterator[Store]:
    """A store holding YUK TUNG as OFAC lists it (vessel, IMO, sanction, linked owner)."""
    vessel = make(
        "Vessel",
        YUK_TUNG["entity_id"],
        name="YUK TUNG",
        imoNumber="9030591",
        topics="sanction",
    )
    owner = make("Company", "ofac-23787", name="YUK TUNG ENERGY PTE LTD")
    sanction = make("Sanction", "ofac-23788-sanction", entity=YUK_TUNG["entity_id"])
    sanction.add("program", "DPRK4")
    sanction.add("authority", "Office of Foreign Assets Control")
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        store.import_list(parsed("us_ofac_sdn", "2021-07-07", [vessel, owner, sanction]))
        yield store


def test_dossier(sqlite_workspace: Workspace, tanker_store: Store) -> None:
    ws = sqlite_workspace
    gap, encounter, report = ws.record_alerts(showcase_alerts()).new_ids
    other = ws.record_alerts([screening_alert("ACME", "ofac-1", row=3)]).new_ids[0]
    ws.dismiss_alert(other, actor=ANALYST, reason="unrelated")
    case = ws.create_case("YUK TUNG", actor=ANALYST, alert_ids=[gap, encounter])
    ws.add_alerts_to_case(case.id, [report], actor=ANALYST)
    ws.add_note(case.id, "see imagery", actor=ANALYST)
    ws.decide(case.id, "confirmed", actor="lee.lead", rationale="imagery")

    dossier = ws.dossier(case.id, store=tanker_store)
    assert dossier.case == ws.case(case.id)
    assert [a.id for a in dossier.alerts] == [gap, encounter, report]
    # YUK TUNG is in the store; CHON MA SAN (ofac-23729) is not: left out
    assert [e["id"] for e in dossier.entities] == [YUK_TUNG["entity_id"]]
    assert dossier.entities[0]["properties"]["imoNumber"] == ["IMO9030591"]  # FtM spelling
    assert [n.text for n in dossier.notes] == ["see imagery"]
    assert [d.status for d in dossier.decisions] == ["confirmed"]
    assert [e.action for e in dossier.audit] == [
        "case.create",
        "case.add_alert",
        "case.add_alert",
        "note.add",
        "case.decide",
    ]  # chronological; the unrelated alert's dismissal is not in it
    assert dossier.generated_at == "2026-11-29T02:10:00Z"
    assert ws.dossier(case.id).entities == ()  # no store: no entities
    with pytest.raises(NotFoundError):
        ws.dossier(99)

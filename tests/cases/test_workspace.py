"""The workspace's intake on SQLite and PostgreSQL: runs, inputs, alerts, documents, events.

What the monitor relies on: everything is idempotent by content, filters find alerts by entity,
IMO (any spelling) and text (any script), and two processes recording the same alerts store
each once.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.cases.model import Alert
from sanctionwatch.cases.workspace import Workspace, open_workspace
from sanctionwatch.errors import InputError, NotFoundError
from tests.cases.builders import (
    CHON_MA_SAN,
    YUK_TUNG,
    screening_alert,
    showcase_alerts,
    showcase_events,
)
from tests.cases.conftest import FakeClock


def test_record_alerts_is_idempotent(workspace: Workspace) -> None:
    alerts = showcase_alerts()
    first = workspace.record_alerts(alerts)
    assert len(first.new_ids) == 3 and first.total == 3
    again = workspace.record_alerts(list(reversed(alerts)))
    assert again.new_ids == () and again.total == 3
    extra = screening_alert("KOREA ACHIM SHIPPING CO", "ofac-23727", row=4)
    mixed = workspace.record_alerts([alerts[0], extra, extra])
    assert len(mixed.new_ids) == 1 and mixed.total == 4
    stored = workspace.alert(mixed.new_ids[0])
    assert stored.alert == extra and stored.status == "new" and stored.case_ids == ()


def test_alert_round_trips_exactly(workspace: Workspace) -> None:
    run_id = workspace.start_run(kind="monitor", inputs={"ais": ["east-china-sea.nmea"]})
    alerts = showcase_alerts()
    ids = workspace.record_alerts(alerts, run_id=run_id).new_ids
    for alert_id, alert in zip(ids, alerts, strict=True):
        stored = workspace.alert(alert_id)
        assert stored.alert == alert
        assert stored.run_id == run_id
        assert stored.created_at == "2026-11-29T02:10:00Z"
        assert stored.to_dict()["evidence"] == dict(alert.evidence)


FILTER_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("all, newest first", {}, ["report", "screening", "encounter", "gap"]),
    ("kind", {"kind": "ship_event"}, ["encounter", "gap"]),
    ("entity", {"entity_id": "ofac-23788"}, ["report", "encounter", "gap"]),
    ("other entity", {"entity_id": "ofac-23729"}, ["encounter"]),
    ("IMO as spelled in lists", {"imo": "IMO 9030591"}, ["report", "encounter", "gap"]),
    ("IMO digits", {"imo": "8660313"}, ["encounter"]),
    ("text in Korean", {"text": "육퉁"}, ["report"]),
    ("text, any case", {"text": "chon ma"}, ["encounter"]),
    ("wildcards are literal", {"text": "100%"}, []),
    ("status", {"status": "dismissed"}, []),
    ("status and kind", {"status": "new", "kind": "screening_hit"}, ["screening"]),
    ("page", {"limit": 2, "offset": 1}, ["screening", "encounter"]),
]


def test_alert_filters(workspace: Workspace) -> None:
    gap, encounter, report = showcase_alerts()
    screening = screening_alert("KOREA ACHIM SHIPPING CO", "ofac-23727", row=4)
    ids = workspace.record_alerts([gap, encounter, screening, report]).new_ids
    names = dict(zip(ids, ["gap", "encounter", "screening", "report"], strict=True))
    for case, filters, expected in FILTER_CASES:
        found = workspace.alerts(**filters)
        assert [names[a.id] for a in found] == expected, case


def test_count_and_errors(workspace: Workspace) -> None:
    workspace.record_alerts(showcase_alerts())
    assert workspace.count_alerts() == 3
    assert workspace.count_alerts(kind="ship_event") == 2
    assert workspace.count_alerts(status="new", kind="document_finding") == 1
    with pytest.raises(InputError, match="unknown alert status"):
        workspace.alerts(status="open")
    with pytest.raises(InputError, match="unknown alert kind"):
        workspace.count_alerts(kind="tweet")
    with pytest.raises(NotFoundError):
        workspace.alert(999)


def test_bad_alert_is_refused_whole(workspace: Workspace) -> None:
    good, *_ = showcase_alerts()
    bad = replace(good, fingerprint="x", severity="critical")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="severity"):
        workspace.record_alerts([good, bad])
    assert workspace.count_alerts() == 0


def test_runs(workspace: Workspace, clock: FakeClock) -> None:
    first = workspace.start_run(kind="monitor", inputs={"documents": "/srv/feeds"})
    clock.advance(minutes=5)
    workspace.finish_run(first, summary={"alerts_new": 3, "alerts_total": 3})
    clock.advance(hours=1)
    second = workspace.start_run(kind="monitor", inputs={})
    runs = workspace.runs()
    assert [r["id"] for r in runs] == [second, first]
    assert runs[1] == {
        "id": first,
        "kind": "monitor",
        "started_at": "2026-11-29T02:10:00Z",
        "finished_at": "2026-11-29T02:15:00Z",
        "inputs": {"documents": "/srv/feeds"},
        "summary": {"alerts_new": 3, "alerts_total": 3},
    }
    assert runs[0]["finished_at"] is None and runs[0]["summary"] is None
    assert len(workspace.runs(limit=1)) == 1
    with pytest.raises(NotFoundError):
        workspace.finish_run("nope", summary={})


def test_inputs(workspace: Workspace) -> None:
    assert not workspace.input_seen("document", "feeds/yna.html", "ab12")
    workspace.mark_input("document", "feeds/yna.html", "ab12")
    workspace.mark_input("document", "feeds/yna.html", "ab12")  # again: no error
    assert workspace.input_seen("document", "feeds/yna.html", "ab12")
    assert not workspace.input_seen("document", "feeds/yna.html", "cd34")  # changed file
    assert not workspace.input_seen("ais", "feeds/yna.html", "ab12")


FINDING = {
    "document": {"source": "yna.html", "language": "ko", "title": "육퉁호 환적 정황"},
    "mentions": [{"text": "육퉁", "entity_id": "ofac-23788"}],
    "activities": [],
    "exemptions": [],
    "alert": True,
    "countries": ["kp"],
}


def test_documents(workspace: Workspace, clock: FakeClock) -> None:
    text = "제재 대상 유조선 육퉁(YUK TUNG)호가 천마산호와 환적을 한 정황이 포착됐다."
    first = workspace.save_document(FINDING, text=text)
    clock.advance(hours=1)
    assert workspace.save_document(FINDING, text=text) == first  # same text: same document
    other = workspace.save_document(
        {"document": {"source": "b.txt", "language": "en", "title": None}}, text="other"
    )
    assert [d["id"] for d in workspace.documents()] == [other, first]
    assert workspace.documents(limit=1, offset=1) == [
        {
            "id": first,
            "source": "yna.html",
            "title": "육퉁호 환적 정황",
            "language": "ko",
            "alert": True,
            "created_at": "2026-11-29T02:10:00Z",
        }
    ]
    full = workspace.document(first)
    assert full["text"] == text and full["finding"] == FINDING
    with pytest.raises(NotFoundError):
        workspace.document(999)


def test_events(workspace: Workspace) -> None:
    gap, encounter = showcase_events()
    assert workspace.save_events([gap, encounter, gap]) == 2
    assert workspace.save_events([encounter]) == 0
    everything = workspace.events()
    assert [e["type"] for e in everything] == ["encounter", "gap"]  # newest start first
    assert {k: v for k, v in everything[0].items() if k != "id"} == encounter
    assert [e["type"] for e in workspace.events(type="gap")] == ["gap"]
    assert [e["type"] for e in workspace.events(mmsi=CHON_MA_SAN["mmsi"])] == ["encounter"]
    assert len(workspace.events(imo=f"IMO{YUK_TUNG['imo']}")) == 2
    assert [e["type"] for e in workspace.events(since="2024-03-02")] == ["encounter"]
    assert [e["type"] for e in workspace.events(until="2024-03-01T23:00:00+09:00")] == ["gap"]
    assert len(workspace.events(limit=1)) == 1
    with pytest.raises(InputError, match="since"):
        workspace.events(since="last tuesday")


def test_identity_events_of_two_kinds_at_one_start_are_both_kept(
    sqlite_workspace: Workspace,
) -> None:
    vessel = {"mmsi": 445123000, "imo": None, "name": "KOREA", "flag": "KP"}
    base = {
        "type": "identity",
        "vessels": [vessel],
        "start": "2024-03-01T00:00:00Z",
        "end": None,
        "lat": None,
        "lon": None,
        "duration_h": None,
        "watchlist": [],
        "definition": "identity@v2",
        "params_hash": "abc",
    }
    flag = {**base, "details": {"kind": "dprk_flag"}}
    dims = {**base, "details": {"kind": "dimension_mismatch", "length": [60, 227]}}
    assert sqlite_workspace.save_events([flag, dims]) == 2
    assert sqlite_workspace.save_events([dims]) == 0


def _record_concurrently(url: str, alerts: list[Alert], workers: int) -> list[tuple[int, ...]]:
    barrier = threading.Barrier(workers)
    results: list[tuple[int, ...]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with open_workspace(url) as ws:  # its own engine: like another process
                barrier.wait()
                results.append(ws.record_alerts(alerts).new_ids)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test's assertion
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_concurrent_monitors_store_each_alert_once(
    workspace: Workspace, workspace_url: str
) -> None:
    alerts = showcase_alerts() + [
        screening_alert(f"PARTY {n}", f"ofac-{n}", row=n) for n in range(40)
    ]
    results = _record_concurrently(workspace_url, alerts, workers=3)
    # each alert is new for exactly one of the monitors (on PostgreSQL they may interleave)
    assert sum(len(ids) for ids in results) == len(alerts)
    assert len({i for ids in results for i in ids}) == len(alerts)
    assert workspace.count_alerts() == len(alerts)


def test_workspace_and_store_share_one_sqlite_file(tmp_path: Path) -> None:
    from sanctionwatch.store import open_store
    from tests.store.builders import listed, parsed

    url = f"sqlite:///{tmp_path / 'sanctionwatch.sqlite'}"
    errors: list[BaseException] = []
    with open_store(url) as store, open_workspace(url) as ws:

        def imports() -> None:
            try:
                for day in range(1, 6):
                    entities = [e for n in range(50) for e in listed(f"p{n}", f"P {n}", f"R{n}")]
                    store.import_list(parsed("test", f"2024-01-0{day}", entities))
            except BaseException as exc:  # noqa: BLE001 - re-raised by the assertion below
                errors.append(exc)

        thread = threading.Thread(target=imports)
        thread.start()
        for n in range(30):
            ws.record_alerts([screening_alert(f"PARTY {n}", f"ofac-{n}", row=n)])
            ws.save_events([showcase_events()[0]])
        thread.join(timeout=60)
        assert not errors, errors
        assert ws.count_alerts() == 30
        assert store.current_versions() == {"test": "2024-01-05"}


def test_refuses_a_workspace_of_another_schema_version(tmp_path: Path) -> None:
    from sqlalchemy import update

    from sanctionwatch.cases.tables import SCHEMA_KEY, meta_table
    from sanctionwatch.errors import StoreError

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with open_workspace(url) as ws, ws.engine.begin() as conn:
        conn.execute(update(meta_table).where(meta_table.c.key == SCHEMA_KEY).values(value="0"))
    with pytest.raises(StoreError, match="workspace_schema_version 0"):
        open_workspace(url)

"""Case suggestions: the showcase incident ends up in one suggestion; keys and the time window
decide the rest (pure cases first, then through the workspace)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from sanctionwatch.cases.model import CaseSuggestion, fingerprint
from sanctionwatch.cases.producers import alerts_from_finding
from sanctionwatch.cases.suggest import Keyed, suggest
from sanctionwatch.cases.workspace import Workspace
from tests.cases.builders import (
    CHON_MA_SAN,
    YUK_TUNG,
    document_alert,
    event_alert,
    screening_alert,
    ship_event,
    showcase_alerts,
)


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, tzinfo=UTC)


def k(alert_id: int, when: datetime | None, *keys: str, case: int | None = None) -> Keyed:
    return Keyed(alert_id=alert_id, at=when, keys=keys, case_id=case)


PURE_CASES = [
    pytest.param(
        [k(1, at(1), "imo:9030591"), k(2, at(2), "imo:9030591", "imo:8660313")],
        [],
        [CaseSuggestion((1, 2), ("imo:9030591", "window:2024-03-01..2024-03-02"))],
        id="shared-imo-in-window",
    ),
    pytest.param(
        [k(1, at(1), "imo:9030591"), k(2, at(20), "imo:9030591")],
        [],
        [],
        id="same-vessel-weeks-apart",
    ),
    pytest.param(
        [k(1, at(1), "imo:9030591"), k(2, at(1), "imo:8660313")],
        [],
        [],
        id="same-time-no-shared-key",
    ),
    pytest.param(
        [k(1, at(1), "entity:a"), k(2, at(3, 12), "entity:a"), k(3, at(6), "entity:a")],
        [],
        [CaseSuggestion((1, 2, 3), ("entity:a", "window:2024-03-01..2024-03-06"))],
        id="chain-longer-than-window",
    ),
    pytest.param(
        [k(1, None, "entity:a"), k(2, at(1), "entity:a"), k(3, at(25), "entity:a")],
        [],
        [CaseSuggestion((1, 3), ("entity:a", "window:2024-03-25..2024-03-25"))],
        id="untimed-screening-hit-joins-the-latest-incident-only",
    ),
    pytest.param(
        [
            k(1, None, "entity:a"),
            k(2, at(1), "entity:a"),
            k(3, at(2), "entity:a"),
            k(4, at(25), "entity:a"),
            k(5, at(26), "entity:a"),
        ],
        [],
        [
            CaseSuggestion((1, 4, 5), ("entity:a", "window:2024-03-25..2024-03-26")),
            CaseSuggestion((2, 3), ("entity:a", "window:2024-03-01..2024-03-02")),
        ],
        id="untimed-alert-does-not-bridge-two-incidents",
    ),
    pytest.param(
        [k(1, None, "entity:a"), k(2, None, "entity:a"), k(3, None, "entity:b")],
        [],
        [CaseSuggestion((1, 2), ("entity:a",))],
        id="all-untimed-link-as-before",
    ),
    pytest.param(
        [k(1, at(2), "mmsi:445539000")],
        [k(7, at(1), "mmsi:445539000", case=4)],
        [CaseSuggestion((1,), ("mmsi:445539000", "window:2024-03-02..2024-03-02"), case_id=4)],
        id="lone-alert-joins-open-case",
    ),
    pytest.param(
        [k(1, at(2), "entity:a")],
        [k(7, at(1), "entity:b", case=4)],
        [],
        id="lone-alert-no-case",
    ),
    pytest.param(
        [k(1, at(2), "entity:a", "entity:b")],
        [
            k(7, at(1), "entity:a", case=4),
            k(8, at(2), "entity:b", case=5),
            k(9, at(2), "entity:b", case=5),
        ],
        [
            CaseSuggestion(
                (1,), ("entity:a", "entity:b", "window:2024-03-02..2024-03-02"), case_id=5
            )
        ],
        id="most-linked-case-wins",
    ),
    pytest.param(
        [
            k(1, at(1), "entity:x"),
            k(2, at(1), "entity:x"),
            k(3, at(1), "entity:y"),
            k(4, at(1), "entity:y"),
            k(5, at(1), "entity:y"),
        ],
        [],
        [
            CaseSuggestion((3, 4, 5), ("entity:y", "window:2024-03-01..2024-03-01")),
            CaseSuggestion((1, 2), ("entity:x", "window:2024-03-01..2024-03-01")),
        ],
        id="largest-first",
    ),
]


def report(alert_id: int, when: datetime, *keys: str, case: int | None = None) -> Keyed:
    """A document finding dated by its publication."""
    return Keyed(alert_id=alert_id, at=when, keys=keys, case_id=case, report=True)


def undated_document(alert_id: int, received: datetime, *keys: str) -> Keyed:
    return Keyed(alert_id=alert_id, at=None, keys=keys, received=received)


def may(day: int) -> datetime:
    return datetime(2024, 5, day, tzinfo=UTC)


DOCUMENT_CASES = [
    pytest.param(
        [k(1, at(1), "imo:9030591"), report(2, may(20), "imo:9030591")],
        [],
        [CaseSuggestion((1, 2), ("imo:9030591", "window:2024-03-01..2024-05-20"))],
        id="report-11-weeks-after-the-transfer",
    ),
    pytest.param(
        [k(1, datetime(2024, 1, 2, tzinfo=UTC), "imo:9030591"), report(2, may(20), "imo:9030591")],
        [],
        [],
        id="report-older-than-its-window",
    ),
    pytest.param(
        [report(1, at(1), "imo:9030591"), k(2, at(20), "imo:9030591")],
        [],
        [],
        id="report-does-not-reach-forward-past-the-ordinary-window",
    ),
    pytest.param(
        [report(1, at(1), "imo:9030591"), report(2, may(1), "imo:9030591")],
        [],
        [CaseSuggestion((1, 2), ("imo:9030591", "window:2024-03-01..2024-05-01"))],
        id="follow-up-report-within-the-window",
    ),
    pytest.param(
        [report(1, may(20), "imo:9030591")],
        [k(7, at(1), "imo:9030591", case=4)],
        [CaseSuggestion((1,), ("imo:9030591", "window:2024-05-20..2024-05-20"), case_id=4)],
        id="report-joins-the-open-case-it-describes",
    ),
    pytest.param(
        [
            k(1, at(1), "imo:9030591"),
            k(2, at(25), "imo:9030591"),
            undated_document(3, at(10), "imo:9030591"),
        ],
        [],
        [CaseSuggestion((1, 3), ("imo:9030591", "window:2024-03-01..2024-03-01"))],
        id="undated-document-joins-the-latest-incident-before-it-was-received",
    ),
    pytest.param(
        [k(1, at(20), "imo:9030591"), undated_document(2, at(10), "imo:9030591")],
        [],
        [],
        id="undated-document-never-joins-what-came-after-it",
    ),
    pytest.param(
        [
            k(1, at(20), "imo:9030591"),
            undated_document(2, at(10), "imo:9030591"),
            undated_document(3, at(11), "imo:9030591"),
        ],
        [],
        [CaseSuggestion((2, 3), ("imo:9030591",))],
        id="undated-documents-link-each-other-without-a-dated-alternative",
    ),
]


@pytest.mark.parametrize(("new", "anchors", "expected"), DOCUMENT_CASES)
def test_suggest_documents(
    new: list[Keyed], anchors: list[Keyed], expected: list[CaseSuggestion]
) -> None:
    assert suggest(new, anchors, window_hours=72, report_window_days=90) == expected


@pytest.mark.parametrize(("new", "anchors", "expected"), PURE_CASES)
def test_suggest(new: list[Keyed], anchors: list[Keyed], expected: list[CaseSuggestion]) -> None:
    assert suggest(new, anchors, window_hours=72) == expected


def test_two_cases_are_not_merged_through_their_alerts() -> None:
    anchors = [k(7, at(1), "entity:a", case=4), k(8, at(1), "entity:a", case=5)]
    assert suggest([], anchors) == []
    assert suggest([k(1, at(30), "entity:a")], anchors) == []  # out of both windows


def test_showcase_is_one_suggestion(workspace: Workspace) -> None:
    """A designated tanker's AIS gap, its encounter with a DPRK-flagged ship, and a Korean news
    report naming it, among unrelated alerts, end up in one suggestion."""
    gap, encounter, report = showcase_alerts()
    unrelated_ship = ship_event(
        "loitering",
        [({"mmsi": 477123400, "imo": "9234567", "name": "OCEAN STAR", "entity_id": None}, "HK")],
        start="2024-03-02T09:00:00Z",
        end="2024-03-02T19:00:00Z",
        lat=31.3,
        lon=123.7,
    )
    earlier_gap = replace(
        gap,
        fingerprint="gap-2023",
        occurred_at="2023-10-02T00:00:00Z",
        evidence={**gap.evidence, "start": "2023-10-02T00:00:00Z", "end": "2023-10-03T00:00:00Z"},
    )
    ids = workspace.record_alerts(
        [
            gap,
            event_alert(unrelated_ship),
            encounter,
            screening_alert("ACME", "ofac-1", row=2),
            report,
            earlier_gap,
        ]
    ).new_ids
    assert workspace.suggestions() == [
        CaseSuggestion(
            alert_ids=(ids[0], ids[2], ids[4]),
            reasons=(
                f"entity:{YUK_TUNG['entity_id']}",
                f"imo:{YUK_TUNG['imo']}",
                f"mmsi:{YUK_TUNG['mmsi']}",
                "window:2024-03-01..2024-03-05",
            ),
        )
    ]
    # a one-day window still lets the news report look back three days to the encounter ...
    assert [s.alert_ids for s in workspace.suggestions(window_hours=24)] == [
        (ids[0], ids[2], ids[4])
    ]
    # ... unless its own window is shorter than that
    assert [s.alert_ids for s in workspace.suggestions(window_hours=24, report_window_days=2)] == [
        (ids[0], ids[2])
    ]


def test_russian_report_joins_the_open_case(workspace: Workspace) -> None:
    gap, encounter, _ = showcase_alerts()
    first = workspace.record_alerts([gap, encounter]).new_ids
    case = workspace.create_case("YUK TUNG", actor="kim", alert_ids=first)
    assert workspace.suggestions() == []  # nothing new
    russian = document_alert(
        source="https://www.rfa.org/russian/yuk-tung-2024-03.html",
        language="ru",
        title="Танкер YUK TUNG передал нефть северокорейскому судну",
        evidence=(
            "Танкер YUK TUNG передал нефтепродукты судну CHON MA SAN в Восточно-Китайском море."
        ),
        ship=YUK_TUNG,
        occurred_at=None,
    )
    chon_ma_san_later = replace(
        document_alert(
            source="later.txt",
            language="en",
            title="CHON MA SAN again",
            evidence="CHON MA SAN was seen in Nampo.",
            ship=CHON_MA_SAN,
            occurred_at="2024-09-01T00:00:00Z",
        ),
    )
    new = workspace.record_alerts([russian, chon_ma_san_later]).new_ids
    assert workspace.suggestions() == [
        CaseSuggestion(
            alert_ids=(new[0],),
            reasons=(f"entity:{YUK_TUNG['entity_id']}", f"imo:{YUK_TUNG['imo']}"),
            case_id=case.id,
        )
    ]
    workspace.decide(case.id, "confirmed", actor="lee", rationale="closed")
    assert workspace.suggestions() == []  # a decided case no longer collects alerts


def test_ship_events_are_spans() -> None:
    """A 28-hour gap and the encounter 80 minutes after it ends are close; starts are not."""
    gap = Keyed(1, at(1, 2), ("imo:9030591",), until=at(2, 6))
    encounter = Keyed(2, at(2, 8), ("imo:9030591",), until=at(2, 13))
    anchor = Keyed(9, at(2, 12), ("imo:9030591",), case_id=3)
    assert suggest([gap, encounter], window_hours=2) == [
        CaseSuggestion((1, 2), ("imo:9030591", "window:2024-03-01..2024-03-02"))
    ]
    assert suggest([gap], [anchor], window_hours=2) == []  # anchor 6 h after the gap ends
    assert suggest([encounter], [anchor], window_hours=2)[0].case_id == 3  # overlaps it
    with pytest.raises(ValueError, match="negative"):
        suggest([gap], window_hours=-1)


def finding(title: str, *, published: str | None) -> dict[str, object]:
    """A reader finding naming YUK TUNG by IMO, with or without a publication date."""
    return {
        "document": {
            "source": f"{title}.txt",
            "language": "en",
            "title": title,
            "published": published,
        },
        "alert": True,
        "activities": [
            {
                "category": "ship_to_ship_transfers",
                "assertion": "reported_violation",
                "evidence": title,
            }
        ],
        "mentions": [
            {
                "text": "YUK TUNG",
                "type": "VESSEL",
                "entity_id": YUK_TUNG["entity_id"],
                "imo": YUK_TUNG["imo"],
            }
        ],
    }


def test_document_dates_through_the_workspace(workspace: Workspace) -> None:
    """Alerts as the monitor raises them: a report published eleven weeks after the transfer
    joins it; one published a year later does not, and the undated one (dated by its
    receipt) joins that latest report, the tanker's latest incident, not the transfer."""
    gap, encounter, _ = showcase_alerts()
    received = workspace.now()
    documents = [
        alerts_from_finding(
            finding(title, published=published),
            text_sha256=fingerprint("text", title),
            list_versions={},
            received_at=received,
        )[0]
        for title, published in (
            ("panel-report", "2024-05-20"),
            ("year-later", "2025-03-20"),
            ("undated", None),
        )
    ]
    assert [d.occurred_at for d in documents] == [
        "2024-05-20T00:00:00Z",
        "2025-03-20T00:00:00Z",
        received,
    ]
    ids = workspace.record_alerts([gap, encounter, *documents]).new_ids
    transfer, latest = workspace.suggestions()
    assert transfer.alert_ids == (ids[0], ids[1], ids[2])
    assert transfer.reasons[-1] == "window:2024-03-01..2024-05-20"
    assert latest.alert_ids == (ids[3], ids[4])
    assert latest.reasons[-1] == "window:2025-03-20..2025-03-20"
    # the undated report is stored with its receipt time but takes no part in the windows
    assert workspace.alert(ids[4]).alert.occurred_at == received

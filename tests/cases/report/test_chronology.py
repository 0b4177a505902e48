"""The chronology: listing dates, alert times, notes and decisions in one ordered table."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sanctionwatch.cases.model import CaseDossier
from sanctionwatch.cases.report.chronology import ChronologyRow, chronology


def _find(rows: tuple[ChronologyRow, ...], **want: str) -> ChronologyRow:
    hits = [r for r in rows if all(getattr(r, k) == v for k, v in want.items())]
    assert len(hits) == 1, (want, rows)
    return hits[0]


def test_rows_are_ordered_oldest_first(dossier: CaseDossier) -> None:
    rows = chronology(dossier)
    assert [r.when for r in rows] == sorted(r.when for r in rows)
    assert len(set(rows)) == len(rows)


@pytest.mark.parametrize(
    ("when", "kind", "ref"),
    [
        pytest.param("2017-08-05", "listing", "KPe.047", id="UN listing of the Foreign Trade Bank"),
        pytest.param("2024-03-02T04:10:00Z", "alert", "alert 1", id="gap starts"),
        pytest.param("2024-03-03T19:40:00Z", "alert", "alert 1", id="gap ends"),
        pytest.param("2024-03-03T21:05:00Z", "alert", "alert 2", id="encounter"),
        pytest.param("2026-11-28T09:00:00Z", "case", "case 1", id="case opened"),
        pytest.param("2026-11-28T10:00:00Z", "note", "note 1", id="note"),
        pytest.param("2026-11-29T01:00:00Z", "decision", "decision 1", id="decision"),
    ],
)
def test_case_table(dossier: CaseDossier, when: str, kind: str, ref: str) -> None:
    _find(chronology(dossier), when=when, kind=kind, ref=ref)


def test_listing_before_events_before_decision(dossier: CaseDossier) -> None:
    rows = chronology(dossier)
    order = [r.ref for r in rows]
    assert order.index("KPe.047") < order.index("alert 1") < order.index("decision 1")


def test_an_alert_without_event_time_is_dated_when_recorded(dossier: CaseDossier) -> None:
    stored = next(a for a in dossier.alerts if a.alert.kind == "screening_hit")
    undated = replace(stored, alert=replace(stored.alert, occurred_at=None))
    rows = chronology(replace(dossier, alerts=(undated,)))
    row = _find(rows, ref=f"alert {stored.id}")
    assert row.when == stored.created_at and row.title.endswith("(recorded)")


def test_same_time_listing_comes_before_the_alert(dossier: CaseDossier) -> None:
    """Ties break by kind: a designation on the day of an event is read first."""
    stored = dossier.alerts[0]
    same_day = replace(stored, alert=replace(stored.alert, occurred_at="2017-08-05"))
    rows = chronology(replace(dossier, alerts=(same_day,)))
    day = [r.kind for r in rows if r.when == "2017-08-05"]
    assert day == ["listing", "alert"]

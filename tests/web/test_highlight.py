"""Cutting a document's text by the reader's offsets (pure)."""

from __future__ import annotations

import pytest

from sanctionwatch.web.highlight import pieces

TEXT = "Russland erhielt Raketen von Nordkorea. Hilfe ist erlaubt."
SENT = (0, 39)
MENTION = {"start": 29, "end": 38, "type": "COUNTRY", "entity_id": None}
LINKED = {"start": 0, "end": 8, "type": "COUNTRY", "entity_id": "ru-x"}


@pytest.mark.parametrize(
    ("case", "finding", "marked", "linked"),
    [
        ("nothing found", {}, "", ""),
        ("one activity", {"activities": [{"start": 0, "end": 39}]}, TEXT[:39], ""),
        (
            "mention inside the activity",
            {"activities": [{"start": 0, "end": 39}], "mentions": [LINKED, MENTION]},
            TEXT[:39],
            "Russland",
        ),
        (
            "offsets past the end are clamped",
            {"activities": [{"start": 40, "end": 999}]},
            TEXT[40:],
            "",
        ),
        ("an empty or reversed span is ignored", {"activities": [{"start": 9, "end": 3}]}, "", ""),
        ("a span without offsets is ignored", {"activities": [{"evidence": "x"}]}, "", ""),
    ],
)
def test_pieces(case: str, finding: dict[str, object], marked: str, linked: str) -> None:
    out = pieces(TEXT, finding)
    assert "".join(p.text for p in out) == TEXT, case
    assert "".join(p.text for p in out if p.activities) == marked, case
    assert "".join(p.text for p in out if p.entity_id) == linked, case
    starts = [p.start for p in out]
    assert starts == sorted(starts) and starts[0] == 0


def test_exemptions_and_unlinked_mentions_are_marked_apart() -> None:
    finding = {"exemptions": [{"start": 40, "end": 58}], "mentions": [MENTION]}
    out = pieces(TEXT, finding)
    assert "".join(p.text for p in out if p.exemptions) == TEXT[40:58]
    assert [p.text for p in out if p.mention_type == "COUNTRY"] == ["Nordkorea"]
    assert all(p.entity_id is None for p in out)


def test_every_activity_gets_an_anchor_where_it_starts() -> None:
    finding = {"activities": [{"start": 0, "end": 39}, {"start": 0, "end": 39}]}
    out = pieces(TEXT, finding)
    assert out[0].anchors == (0, 1)
    assert all(p.anchors == () for p in out[1:])

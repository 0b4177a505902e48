"""Document text cut into pieces by the reader's offsets, for highlighting in a page.

The reader reports activities, exemptions and mentions as character offsets into the document
text. A page shows the whole text with each activity's evidence marked and each linked mention
pointing at its list entry. Spans overlap (a mention inside an activity's clause), so the text is
cut at every span boundary and each piece carries every span covering it; the template wraps a
piece in one element per covering span. No HTML is produced here: the template escapes the text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any


@dataclass(frozen=True)
class Piece:
    """A run of text covered by the same spans."""

    text: str
    start: int
    activities: tuple[int, ...] = ()  # indexes into the finding's activities
    exemptions: tuple[int, ...] = ()  # indexes into the finding's exemptions
    entity_id: str | None = None  # the linked list entry of a covering mention
    mention_type: str | None = None
    anchors: tuple[int, ...] = ()  # activities whose span starts here (page anchors)

    @property
    def plain(self) -> bool:
        return not (self.activities or self.exemptions or self.mention_type)


def _span(item: Mapping[str, Any], length: int) -> tuple[int, int] | None:
    """A clamped (start, end), or None for a span the text does not hold."""
    try:
        start, end = int(item["start"]), int(item["end"])
    except (KeyError, TypeError, ValueError):
        return None
    start, end = max(0, start), min(length, end)
    return (start, end) if start < end else None


def pieces(text: str, finding: Mapping[str, Any]) -> list[Piece]:
    """`text` cut at every activity, exemption and mention boundary of `finding`."""
    length = len(text)
    activities = [_span(a, length) for a in finding.get("activities") or ()]
    exemptions = [_span(x, length) for x in finding.get("exemptions") or ()]
    mentions: list[tuple[tuple[int, int], Mapping[str, Any]]] = []
    for mention in finding.get("mentions") or ():
        span = _span(mention, length)
        if span is not None:
            mentions.append((span, mention))
    cuts = {0, length}
    for span in [*activities, *exemptions, *(m[0] for m in mentions)]:
        if span is not None:
            cuts.update(span)
    bounds = sorted(cuts)
    out: list[Piece] = []
    for start, end in pairwise(bounds):
        covering = [m for (s, e), m in mentions if s <= start and end <= e]
        # The innermost (shortest) mention wins when mentions nest.
        covering.sort(key=lambda m: int(m["end"]) - int(m["start"]))
        mention = covering[0] if covering else None
        out.append(
            Piece(
                text=text[start:end],
                start=start,
                activities=_covering(activities, start, end),
                exemptions=_covering(exemptions, start, end),
                entity_id=None if mention is None else mention.get("entity_id"),
                mention_type=None if mention is None else str(mention.get("type") or "mention"),
                anchors=tuple(
                    i for i, span in enumerate(activities) if span is not None and span[0] == start
                ),
            )
        )
    return out


def _covering(spans: Sequence[tuple[int, int] | None], start: int, end: int) -> tuple[int, ...]:
    return tuple(
        i
        for i, span in enumerate(spans)
        if span is not None and span[0] <= start and end <= span[1]
    )

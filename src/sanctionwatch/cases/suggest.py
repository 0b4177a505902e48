"""Case suggestions: which new alerts belong together, and which would join an open case.

Pure: alerts in, `CaseSuggestion`s out. Two alerts are linked when they share a key (a list
entity id, a vessel's IMO number, or its MMSI) and happened within `window_hours` of each
other (ship events are spans: a 28-hour AIS gap and the encounter right after it are
close); an alert with no time (a screening hit on a portfolio row) is linked to every alert
sharing one of its keys, because a customer matching a listed tanker is relevant to whatever
that tanker did. Groups are the connected components of these links (single linkage: a chain
gap -> encounter -> news report is one incident even if its ends are further apart than the
window).

Alerts already in an open case (or one under review) take part as anchors: a group linked to
one is proposed to join that case (`case_id`); two cases are never merged through their own
alerts. A lone new alert is suggested only when it would join a case.

The time window is what keeps a vessel watched for years from becoming one giant case: the
same tanker going dark in March and in October is two incidents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sanctionwatch.cases.model import CaseSuggestion
from sanctionwatch.cases.rows import parse_iso


@dataclass(frozen=True)
class Keyed:
    """An alert as suggestions see it: its id, when it happened and its keys."""

    alert_id: int
    at: datetime | None
    keys: tuple[str, ...]
    case_id: int | None = None  # set for alerts already in an open case
    until: datetime | None = None  # end of the event's span (ship events); None: an instant

    def span(self) -> tuple[float, float] | None:
        """(start, end) in epoch seconds, or None for an alert with no time."""
        if self.at is None:
            return None
        start = self.at.timestamp()
        return start, max(start, self.until.timestamp() if self.until else start)


class _Links:
    """Union-find over node indexes, remembering which keys made each link."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.pairs: list[tuple[int, int, str]] = []

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def link(self, a: int, b: int, key: str) -> None:
        self.pairs.append((a, b, key))
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Seconds between two spans (0 when they overlap)."""
    return max(0.0, max(a[0], b[0]) - min(a[1], b[1]))


def _link_key(
    nodes: Sequence[Keyed], members: list[int], key: str, window_s: float, links: _Links
) -> None:
    """Link the nodes that share `key`: new alerts whose spans come within the window of each
    other, anchors to the new alerts near them, alerts with no time to all."""
    new = [i for i in members if nodes[i].case_id is None]
    if not new:
        return
    spans = {i: span for i in members if (span := nodes[i].span()) is not None}
    untimed = [i for i in members if i not in spans]
    # Sweep the new alerts by start: each links to the one reaching furthest so far if it
    # starts within the window of that end (the connected components of "spans within the
    # window", with n links instead of n^2).
    reach: int | None = None
    for i in sorted((i for i in new if i in spans), key=lambda i: spans[i]):
        if reach is not None and spans[i][0] - spans[reach][1] <= window_s:
            links.link(reach, i, key)
        if reach is None or spans[i][1] > spans[reach][1]:
            reach = i
    timed_new = [i for i in new if i in spans]
    for anchor in (i for i in members if nodes[i].case_id is not None and i in spans):
        for i in timed_new:
            if _gap(spans[anchor], spans[i]) <= window_s:
                links.link(anchor, i, key)
    for u in untimed:
        for i in members:
            if i != u and not (nodes[i].case_id is not None and nodes[u].case_id is not None):
                links.link(u, i, key)


def _window_reason(nodes: Sequence[Keyed]) -> str | None:
    """The UTC days ("window:FIRST..LAST") the group's timed alerts span."""
    starts = [n.at for n in nodes if n.at is not None]
    if not starts:
        return None
    ends = [n.until or n.at for n in nodes if n.at is not None]
    return f"window:{min(starts):%Y-%m-%d}..{max(ends):%Y-%m-%d}"


def suggest(
    new: Sequence[Keyed],
    anchors: Sequence[Keyed] = (),
    *,
    window_hours: float = 72.0,
) -> list[CaseSuggestion]:
    """Group new alerts (and attach them to open cases) by shared keys within the window.

    `anchors` are alerts already in open cases (`case_id` set). Suggestions come largest
    first; each lists its alerts in id order and its reasons: the shared keys and the time
    window the group's new alerts span.
    """
    if window_hours < 0:
        raise ValueError(f"window_hours must not be negative, got {window_hours}")
    nodes = [n for n in new if n.case_id is None] + [a for a in anchors if a.case_id is not None]
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, node in enumerate(nodes):
        for key in dict.fromkeys(node.keys):
            by_key[key].append(index)
    links = _Links(len(nodes))
    for key, members in sorted(by_key.items()):
        if len(members) > 1:
            _link_key(nodes, members, key, window_hours * 3600.0, links)

    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(nodes)):
        groups[links.find(index)].append(index)
    keys_of: dict[int, set[str]] = defaultdict(set)
    case_links: dict[int, Counter[int]] = defaultdict(Counter)
    for a, b, key in links.pairs:
        root = links.find(a)
        keys_of[root].add(key)
        for x, y in ((a, b), (b, a)):
            case_id = nodes[x].case_id
            if case_id is not None and nodes[y].case_id is None:
                case_links[root][case_id] += 1

    out: list[CaseSuggestion] = []
    for root, members in groups.items():
        fresh = [nodes[i] for i in members if nodes[i].case_id is None]
        votes = case_links.get(root)
        case_id = min(votes, key=lambda c: (-votes[c], c)) if votes else None
        if not fresh or (len(fresh) < 2 and case_id is None):
            continue
        reasons = sorted(keys_of[root])
        window = _window_reason(fresh)
        if window is not None:
            reasons.append(window)
        out.append(
            CaseSuggestion(
                alert_ids=tuple(sorted(n.alert_id for n in fresh)),
                reasons=tuple(reasons),
                case_id=case_id,
            )
        )
    return sorted(out, key=lambda s: (-len(s.alert_ids), s.alert_ids))


def keyed_alerts(
    rows: Sequence[tuple[int, str | None, str | None, int | None]],
    keys: Mapping[int, Sequence[str]],
) -> list[Keyed]:
    """`Keyed` alerts from (alert id, occurred_at, ended_at, case id) rows and their keys."""
    return [
        Keyed(
            alert_id=alert_id,
            at=None if occurred is None else parse_iso(occurred),
            keys=tuple(keys.get(alert_id, ())),
            case_id=case_id,
            until=None if ended is None else parse_iso(ended),
        )
        for alert_id, occurred, ended, case_id in rows
    ]

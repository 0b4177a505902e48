"""Case suggestions: which new alerts belong together, and which would join an open case.

Pure: alerts in, `CaseSuggestion`s out. Two alerts are linked when they share a key (a list
entity id, a vessel's IMO number, or its MMSI) and their times allow it:

1. Alerts with a time link when they happened within `window_hours` (default 72) of each
   other. Ship events are spans: a 28-hour AIS gap and the encounter right after it are close.
2. A report, i.e. a document finding dated by its publication, also links to alerts that
   happened up to `report_window_days` (default 90, `DEFAULT_REPORT_WINDOW_DAYS`) before it
   was published: the press and monitoring reports describe a transfer days or weeks after
   it. Forwards a report has only the ordinary window: it cannot describe what came later.
3. An alert without a time of its own joins, per shared key, only the most recent alert with
   that key that has one: the vessel's or party's latest incident. That covers a screening hit
   on a portfolio row (a customer matching a listed tanker is relevant to what the tanker did
   last) and a document with no publication date (its alert carries the time it was received,
   which says nothing about when the reported events happened; only that they had started by
   then, so later alerts are not candidates). Only when no such dated alternative exists does
   an undated alert link, as it always did, to every other undated alert sharing the key. So
   an undated alert never bridges two incidents the windows keep apart.

Groups are the connected components of these links (single linkage: a chain gap -> encounter
-> news report is one incident even if its ends are further apart than the window).

Alerts already in an open case (or one under review) take part as anchors: a group linked to
one is proposed to join that case (`case_id`); two cases are never merged through their own
alerts. A lone new alert is suggested only when it would join a case.

The windows are what keep a vessel watched for years from becoming one giant case: the same
tanker going dark in March and in October is two incidents, and an article about the March
transfer belongs with March.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sanctionwatch.cases.model import CaseSuggestion
from sanctionwatch.cases.rows import parse_iso

DEFAULT_WINDOW_HOURS = 72.0
DEFAULT_REPORT_WINDOW_DAYS = 90.0


@dataclass(frozen=True)
class Keyed:
    """An alert as suggestions see it: its id, when it happened and its keys."""

    alert_id: int
    at: datetime | None
    keys: tuple[str, ...]
    case_id: int | None = None  # set for alerts already in an open case
    until: datetime | None = None  # end of the event's span (ship events); None: an instant
    report: bool = False  # a document dated by its publication: looks back the report window
    received: datetime | None = None  # an undated document: what it reports began by then

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
    nodes: Sequence[Keyed],
    members: list[int],
    key: str,
    windows: tuple[float, float],
    links: _Links,
) -> None:
    """Link the nodes that share `key` by the rules of the module docstring; `windows` are
    (ordinary, report look-back) in seconds."""
    new = [i for i in members if nodes[i].case_id is None]
    if not new:
        return
    window_s, report_s = windows
    spans = {i: span for i in members if (span := nodes[i].span()) is not None}
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
    for report in (i for i in spans if nodes[i].report):
        for i in spans:
            lag = spans[report][0] - spans[i][1]  # how long before the report `i` ended
            if window_s < lag <= report_s and not _both_anchors(nodes, report, i):
                links.link(i, report, key)
    for u in (i for i in members if i not in spans):
        _link_undated(nodes, members, u, spans, key, links)


def _both_anchors(nodes: Sequence[Keyed], a: int, b: int) -> bool:
    return nodes[a].case_id is not None and nodes[b].case_id is not None


def _link_undated(
    nodes: Sequence[Keyed],
    members: list[int],
    u: int,
    spans: Mapping[int, tuple[float, float]],
    key: str,
    links: _Links,
) -> None:
    """Rule 3: the latest dated alert with the key (begun by the time a document was
    received), else every other undated one."""
    received = nodes[u].received
    by = float("inf") if received is None else received.timestamp()
    dated = [i for i in spans if spans[i][0] <= by and not _both_anchors(nodes, u, i)]
    if dated:
        latest = max(dated, key=lambda i: (spans[i][0], spans[i][1], -nodes[i].alert_id))
        links.link(u, latest, key)
        return
    for i in members:
        if i != u and i not in spans and not _both_anchors(nodes, u, i):
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
    window_hours: float = DEFAULT_WINDOW_HOURS,
    report_window_days: float = DEFAULT_REPORT_WINDOW_DAYS,
) -> list[CaseSuggestion]:
    """Group new alerts (and attach them to open cases) by shared keys within the windows.

    `anchors` are alerts already in open cases (`case_id` set). Suggestions come largest
    first; each lists its alerts in id order and its reasons: the shared keys and the time
    window the group's dated new alerts span.
    """
    if window_hours < 0:
        raise ValueError(f"window_hours must not be negative, got {window_hours}")
    if report_window_days < 0:
        raise ValueError(f"report_window_days must not be negative, got {report_window_days}")
    windows = (window_hours * 3600.0, report_window_days * 86400.0)
    nodes = [n for n in new if n.case_id is None] + [a for a in anchors if a.case_id is not None]
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, node in enumerate(nodes):
        for key in dict.fromkeys(node.keys):
            by_key[key].append(index)
    links = _Links(len(nodes))
    for key, members in sorted(by_key.items()):
        if len(members) > 1:
            _link_key(nodes, members, key, windows, links)

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


def keyed_alert(
    alert_id: int,
    *,
    kind: str,
    occurred_at: str | None,
    ended_at: str | None,
    created_at: str,
    keys: Sequence[str],
    case_id: int | None = None,
) -> Keyed:
    """A `Keyed` alert from its stored times. `occurred_at` is the time of what happened (none
    for a document dated only by its receipt, see `cases.rows.event_time`); an undated
    document was received no later than its alert was recorded (`created_at`)."""
    at = None if occurred_at is None else parse_iso(occurred_at)
    document = kind == "document_finding"
    return Keyed(
        alert_id=alert_id,
        at=at,
        keys=tuple(keys),
        case_id=case_id,
        until=None if ended_at is None else parse_iso(ended_at),
        report=document and at is not None,
        received=parse_iso(created_at) if document and at is None else None,
    )

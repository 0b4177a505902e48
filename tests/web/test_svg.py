"""The map and graph drawings (pure): escaped, linked, deterministic."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from sanctionwatch.web.svg import force_layout, graph_svg, map_bbox, map_svg

HOSTILE = '<script>alert(1)</script>"'
EVENT = {
    "id": 7,
    "type": "encounter",
    "lat": 31.05,
    "lon": 123.92,
    "start": "2024-03-02T08:00:00Z",
    "duration_h": 5.5,
    "vessels": [{"mmsi": 445539000, "imo": "8660313", "name": HOSTILE}],
}
TRACK = {445539000: [(1709366400, 31.0, 123.8), (1709370000, 31.05, 123.92)]}
GRAPH = {
    "nodes": [
        {"id": "entity:ofac-23788", "label": HOSTILE, "type": "entity"},
        {"id": "vessel:imo:9030591", "label": "YUK TUNG", "type": "vessel"},
        {"id": "case:1", "label": "case 1", "type": "case"},
        {"id": "document:x", "label": "report", "type": "document"},
    ],
    "edges": [
        {"source": "entity:ofac-23788", "target": "vessel:imo:9030591", "label": "listed vessel"},
        {"source": "case:1", "target": "vessel:imo:9030591", "label": "in case"},
        {"source": "document:x", "target": "vessel:imo:9030591", "label": HOSTILE},
    ],
}


def parse(svg: str) -> ElementTree.Element:
    """Well-formed XML, so no text broke out of its element or attribute."""
    return ElementTree.fromstring(svg)


def test_map_draws_land_track_and_linked_marker() -> None:
    svg = map_svg([EVENT], TRACK, href=lambda e: f"#event-{e['id']}")
    root = parse(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}path[@class='land']") is not None  # the East China Sea coast
    track = root.find(f"{ns}path[@class='track']")
    assert track is not None and track.get("d", "").count("M") == 1
    links = root.findall(f"{ns}a")
    assert [a.get("href") for a in links] == ["#event-7"]
    assert "<script>" not in svg


def test_track_lifts_the_pen_across_jumps() -> None:
    hour = 3600
    track = [
        (0, 31.0, 123.0),
        (hour, 31.1, 123.1),
        (20 * hour, 31.2, 123.2),  # 19 h without a position
        (21 * hour, 31.3, 123.3),
        (22 * hour, 40.0, 150.0),  # a leap across the sea in an hour
    ]
    svg = map_svg([], {1: track}, href=lambda e: "")
    [d] = re.findall(r'class="track" d="([^"]+)"', svg)
    assert [c[0] for c in d.split()] == ["M", "L", "M", "L", "M"]


def test_map_without_events_shows_the_korean_peninsula() -> None:
    root = parse(map_svg([], {}, href=lambda e: ""))
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


@pytest.mark.parametrize(
    ("case", "points"),
    [
        ("one point", [(31.0, 124.0)]),
        ("a long track", [(30.0, 120.0), (40.0, 130.0)]),
        ("near the pole", [(85.0, 10.0)]),
        ("across the world", [(-45.5, -179.7), (65.1, 179.97)]),
        ("on the date line", [(10.0, 179.9)]),
    ],
)
def test_bbox_holds_the_points_with_the_canvas_shape(
    case: str, points: list[tuple[float, float]]
) -> None:
    lon0, lat0, lon1, lat1 = map_bbox(points, width=900, height=600)
    for lat, lon in points:
        assert lon0 <= lon <= lon1 and lat0 <= lat <= lat1, case
    assert lon1 - lon0 >= 3.0 and lat1 - lat0 > 0
    assert lon0 >= -180.0 and lon1 <= 180.0 and lat0 > -90.0 and lat1 < 90.0, case


def test_map_of_events_all_over_the_world() -> None:
    events = [
        {**EVENT, "id": i, "lat": lat, "lon": lon}
        for i, (lat, lon) in enumerate([(-45.5, -179.7), (65.1, 179.97), (38.7, 125.3)])
    ]
    root = parse(map_svg(events, {}, href=lambda e: f"#event-{e['id']}"))
    assert len(root.findall("{http://www.w3.org/2000/svg}a")) == 3


def test_graph_is_escaped_linked_and_deterministic() -> None:
    links = {"entity:ofac-23788": "/entity/ofac-23788", "case:1": "/cases/1"}
    svg = graph_svg(GRAPH, href=lambda n: links.get(str(n["id"])))
    root = parse(svg)
    hrefs = sorted(a.get("href") or "" for a in root.iter("{http://www.w3.org/2000/svg}a"))
    assert hrefs == ["/cases/1", "/entity/ofac-23788"]
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg == graph_svg(GRAPH, href=lambda n: links.get(str(n["id"])))


def test_force_layout_spreads_nodes_in_the_unit_square() -> None:
    ids = [f"n{i}" for i in range(30)]
    edges = [(ids[i], ids[(i + 1) % 30]) for i in range(30)]
    pos = force_layout(ids, edges)
    assert set(pos) == set(ids)
    assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in pos.values())
    distinct = {(round(x, 3), round(y, 3)) for x, y in pos.values()}
    assert len(distinct) == 30
    assert force_layout([], []) == {} and force_layout(["a"], []) == {"a": (0.5, 0.5)}


def test_numbers_are_rounded_for_small_pages() -> None:
    svg = map_svg([EVENT], TRACK, href=lambda e: "#")
    assert not re.search(r"\d\.\d{3,}", svg.split('class="land"')[0])


def test_force_layout_keeps_clusters_readable_beside_loose_nodes() -> None:
    clusters = [[f"c{c}n{i}" for i in range(5)] for c in range(3)]
    loose = [f"loose{i}" for i in range(20)]
    edges = [(a, b) for group in clusters for a in group for b in group if a < b]
    pos = force_layout([n for g in clusters for n in g] + loose, edges)
    points = list(pos.values())
    nearest = min(
        ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5
        for i, (x1, y1) in enumerate(points)
        for (x2, y2) in points[i + 1 :]
    )
    assert nearest > 0.03  # at 900 px, labels of neighbours do not sit on each other

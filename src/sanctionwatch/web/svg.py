"""Inline SVG for the pages: the ship-event map and the network graph (pure functions).

Both return SVG markup as a string in which every piece of data (names, labels, ids) has been
escaped here, so a template may insert it as-is. They draw from plain dicts (the workspace's
event JSON, `cases.views.graph` nodes and edges) and take the link of each marker or node from a
callable, so the page decides the URLs and these functions stay free of routing.

The map draws land from the offline basemap (`maritime.basemap`, Natural Earth data shipped in a
package), so it works with no tile server. The graph layout is a force layout (Fruchterman and
Reingold) started from fixed positions and run a fixed number of steps: the same graph always
gives the same picture, which keeps screenshots and tests stable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

import numpy as np

from sanctionwatch.maritime.basemap import land_svg_path, project

BBox = tuple[float, float, float, float]
Track = Sequence[tuple[int, float, float]]  # (unix seconds, lat, lon)

EVENT_COLOURS = {
    "encounter": "#c0392b",
    "dark_sts": "#111111",
    "loitering": "#e67e22",
    "gap": "#7f8c8d",
    "port_visit": "#27ae60",
    "identity": "#8e44ad",
}
TRACK_COLOURS = ("#1f77b4", "#9467bd", "#2ca02c", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
NODE_COLOURS = {
    "entity": "#c0392b",
    "vessel": "#1f77b4",
    "document": "#27ae60",
    "case": "#8e44ad",
}
TRACK_BREAK_S = 6 * 3600  # no position for longer than this: the line stops
TRACK_BREAK_DEG = 2.0  # a leap of more than this between two positions: the line stops
MIN_SPAN_DEG = 3.0  # a lone event at sea still shows the nearest coasts (about 300 km)


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def map_bbox(points: Sequence[tuple[float, float]], *, width: int, height: int) -> BBox:
    """(min_lon, min_lat, max_lon, max_lat) around `points` (lat, lon), padded, at least
    MIN_SPAN_DEG wide, and widened to the canvas' aspect ratio so that land keeps its shape
    (a degree of longitude is cos(latitude) of a degree of latitude)."""
    if not points:
        return (118.0, 30.0, 135.0, 44.0)  # the Yellow Sea and the Korean peninsula
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    mid_lat = (lat0 + lat1) / 2
    shrink = max(math.cos(math.radians(mid_lat)), 0.2)
    lat_span = max(lat1 - lat0, MIN_SPAN_DEG) * 1.2
    lon_span = max(lon1 - lon0, MIN_SPAN_DEG) * 1.2
    aspect = width / height
    if lon_span * shrink / lat_span < aspect:
        lon_span = lat_span * aspect / shrink
    else:
        lat_span = lon_span * shrink / aspect
    # Never more than the world: events spread over oceans show the whole map, a little
    # squeezed, rather than an invalid box.
    lon_span, lat_span = min(lon_span, 360.0), min(lat_span, 179.8)
    mid_lon = min(max((lon0 + lon1) / 2, -180.0 + lon_span / 2), 180.0 - lon_span / 2)
    mid_lat = min(max(mid_lat, -89.9 + lat_span / 2), 89.9 - lat_span / 2)
    return (
        mid_lon - lon_span / 2,
        mid_lat - lat_span / 2,
        mid_lon + lon_span / 2,
        mid_lat + lat_span / 2,
    )


def _event_label(event: Mapping[str, Any]) -> str:
    vessels = ", ".join(
        str(v.get("name") or v.get("imo") or v.get("mmsi")) for v in event.get("vessels") or ()
    )
    duration = event.get("duration_h")
    hours = f", {duration:g} h" if isinstance(duration, int | float) else ""
    return f"{event.get('type')}: {vessels} at {event.get('start')}{hours}"


def map_svg(
    events: Sequence[Mapping[str, Any]],
    tracks: Mapping[int, Track],
    *,
    href: Callable[[Mapping[str, Any]], str],
    width: int = 960,
    height: int = 600,
) -> str:
    """Land, then one line per track, then a linked marker per event with a position."""
    placed = [e for e in events if e.get("lat") is not None and e.get("lon") is not None]
    points = [(float(e["lat"]), float(e["lon"])) for e in placed]
    points += [(lat, lon) for track in tracks.values() for _, lat, lon in track]
    bbox = map_bbox(points, width=width, height=height)

    def xy(lat: float, lon: float) -> str:
        x, y = project(lon, lat, bbox, width, height)
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Map of ship events">',
        f'<rect class="sea" x="0" y="0" width="{width}" height="{height}"/>',
    ]
    land = land_svg_path(bbox, width, height)
    if land:
        parts.append(f'<path class="land" d="{_attr(land)}"/>')
    parts.append(_graticule(bbox, width=width, height=height))
    for n, (mmsi, track) in enumerate(sorted(tracks.items())):
        if len(track) < 2:
            continue
        colour = TRACK_COLOURS[n % len(TRACK_COLOURS)]
        parts.append(
            f'<path class="track" d="{_track_d(track, xy)}" stroke="{colour}">'
            f"<title>MMSI {_attr(mmsi)}: {len(track)} positions</title></path>"
        )
    for event in placed:
        x, y = project(float(event["lon"]), float(event["lat"]), bbox, width, height)
        colour = EVENT_COLOURS.get(str(event.get("type")), "#34495e")
        parts.append(
            f'<a href="{_attr(href(event))}" class="event-marker" '
            f'data-event="{_attr(event.get("id", ""))}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}">'
            f"<title>{escape(_event_label(event))}</title></circle></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _track_d(track: Track, xy: Callable[[float, float], str]) -> str:
    """SVG path data for a track, lifting the pen across a jump (a gap in time or a leap in
    place: an AIS gap, a spoofed or shared MMSI), which a straight line would misrepresent
    as a voyage; gaps are events of their own on the map."""
    out: list[str] = []
    previous: tuple[int, float, float] | None = None
    for point in sorted(track):
        ts, lat, lon = point
        jump = previous is None or (
            ts - previous[0] > TRACK_BREAK_S
            or abs(lat - previous[1]) > TRACK_BREAK_DEG
            or abs(lon - previous[2]) > TRACK_BREAK_DEG
        )
        out.append(("M" if jump else "L") + xy(lat, lon))
        previous = point
    return " ".join(out)


def _graticule(bbox: BBox, *, width: int, height: int) -> str:
    """Lines every few degrees with their labels, so positions can be read off the map."""
    lon0, lat0, lon1, lat1 = bbox
    span = max(lon1 - lon0, lat1 - lat0)
    step = next((s for s in (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0) if span / s <= 12), 60.0)
    out = ['<g class="graticule">']
    lon = math.ceil(lon0 / step) * step
    while lon <= lon1:
        x, _ = project(lon, lat0, bbox, width, height)
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}"/>')
        out.append(f'<text x="{x + 2:.1f}" y="{height - 4}">{lon:g}°</text>')
        lon += step
    lat = math.ceil(lat0 / step) * step
    while lat <= lat1:
        _, y = project(lon0, lat, bbox, width, height)
        out.append(f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}"/>')
        out.append(f'<text x="2" y="{y - 2:.1f}">{lat:g}°</text>')
        lat += step
    out.append("</g>")
    return "".join(out)


def force_layout(
    node_ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    *,
    iterations: int = 200,
    gravity: float = 1.0,
) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1] x [0, 1] for `node_ids` (Fruchterman-Reingold, deterministic).

    The nodes start on a circle in the given order; the temperature falls linearly, so the
    same input always ends in the same place. A pull towards the centre (`gravity`) keeps
    unconnected nodes from drifting off: without it they take the whole canvas and squeeze
    every cluster into one unreadable spot (on a real 50-node graph, the nearest-neighbour
    distance rose from 0.005 to 0.07 of the canvas with it).
    """
    n = len(node_ids)
    if n == 0:
        return {}
    if n == 1:
        return {node_ids[0]: (0.5, 0.5)}
    index = {node: i for i, node in enumerate(node_ids)}
    angles = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    pos = np.stack([np.cos(angles), np.sin(angles)], axis=1) * 0.5
    pairs = np.array(
        [(index[a], index[b]) for a, b in edges if a in index and b in index and a != b],
        dtype=np.int64,
    ).reshape(-1, 2)
    k = math.sqrt(1.0 / n)
    temperature = 0.1
    for step in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        push = (k * k / dist**2)[:, :, None] * delta
        disp = push.sum(axis=1)
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            length = np.maximum(np.linalg.norm(d, axis=1), 1e-3)[:, None]
            pull = d * length / k
            np.add.at(disp, pairs[:, 0], -pull)
            np.add.at(disp, pairs[:, 1], pull)
        disp -= gravity * pos * np.linalg.norm(pos, axis=1)[:, None] / k
        size = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)[:, None]
        t = temperature * (1 - step / iterations)
        pos += disp / size * np.minimum(size, t)
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    scaled = (pos - lo) / np.where(hi - lo > 1e-9, hi - lo, 1.0)
    return {node: (float(scaled[i, 0]), float(scaled[i, 1])) for node, i in index.items()}


def graph_svg(
    graph: Mapping[str, Any],
    *,
    href: Callable[[Mapping[str, Any]], str | None],
    width: int = 960,
    height: int = 640,
) -> str:
    """The `cases.views.graph` nodes and edges: coloured circles by type, labelled, linked."""
    nodes: list[Mapping[str, Any]] = sorted(graph.get("nodes") or (), key=lambda n: str(n["id"]))
    edges = [(str(e["source"]), str(e["target"]), e) for e in graph.get("edges") or ()]
    layout = force_layout([str(n["id"]) for n in nodes], [(a, b) for a, b, _ in edges])
    margin = 60

    def at(node_id: str) -> tuple[float, float]:
        x, y = layout[node_id]
        return margin + x * (width - 2 * margin), margin + y * (height - 2 * margin)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Network graph">'
    ]
    for source, target, edge in edges:
        if source not in layout or target not in layout:
            continue
        (x1, y1), (x2, y2) = at(source), at(target)
        parts.append(
            f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}">'
            f"<title>{escape(str(edge.get('label') or ''))}</title></line>"
        )
    for node in nodes:
        x, y = at(str(node["id"]))
        kind = str(node.get("type") or "")
        colour = NODE_COLOURS.get(kind, "#34495e")
        label = str(node.get("label") or node["id"])
        short = label if len(label) <= 28 else label[:27] + "…"
        shape = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{colour}">'
            f"<title>{escape(kind)}: {escape(label)}</title></circle>"
            f'<text x="{x + 12:.1f}" y="{y + 4:.1f}">{escape(short)}</text>'
        )
        link = href(node)
        cls = f"node node-{_attr(kind)}"
        if link:
            parts.append(f'<a href="{_attr(link)}" class="{cls}">{shape}</a>')
        else:
            parts.append(f'<g class="{cls}">{shape}</g>')
    parts.append("</svg>")
    return "".join(parts)

"""The case map: ship events and the positions they name, on the offline coastline.

`map_figure` computes everything once (frame, land path, projected lines and points) as plain
data; `map_svg` draws it as one SVG element, which the HTML report inlines and the PDF embeds
(fpdf2 turns it into PDF vector paths, no raster), so the two reports show one map. Labels on
the map are ASCII ("alert 12"): names stay in tooltips and the tables, where every script
renders.

What is drawn: each ship event's position as a marker coloured by event type; where an event
says where it ended (`details.end_lat/end_lon`, e.g. an AIS gap) a dashed line from its start
to its end position; and for each vessel a thin line through its events in time order, the
track the evidence establishes (not a full AIS track: the dossier holds events, not
positions).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sanctionwatch.cases.model import CaseDossier
from sanctionwatch.maritime.basemap import land_svg_path, project

EVENT_COLOURS: Mapping[str, str] = {
    "encounter": "#c0392b",
    "loitering": "#e67e22",
    "gap": "#555555",
    "port_visit": "#27ae60",
    "identity": "#8e44ad",
    "dark_sts": "#000000",
}
TRACK_COLOURS = ("#1f77b4", "#17becf", "#9467bd", "#8c564b", "#e377c2", "#bcbd22")
MIN_SPAN_DEG = 0.6  # a single event still gets enough coast around it to be placed
PAD = 0.25  # share of the span added on each side

BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    colour: str
    label: str
    ref: str  # "alert 12"


@dataclass(frozen=True)
class MapLine:
    points: tuple[tuple[float, float], ...]
    colour: str
    dashed: bool
    label: str


@dataclass(frozen=True)
class MapFigure:
    width: int
    height: int
    bbox: BBox
    land: str  # SVG path data of the land inside bbox, "" over open sea
    lines: tuple[MapLine, ...]
    points: tuple[MapPoint, ...]
    legend: tuple[tuple[str, str], ...]  # (colour, text)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _position(lat: Any, lon: Any) -> tuple[float, float] | None:
    la, lo = _num(lat), _num(lon)
    if la is None or lo is None or not (-90 <= la <= 90 and -180 <= lo <= 180):
        return None
    return la, lo


@dataclass(frozen=True)
class _Event:
    ref: str
    type: str
    start: str
    at: tuple[float, float]
    end_at: tuple[float, float] | None
    vessels: tuple[str, ...]
    label: str


def _events(dossier: CaseDossier) -> list[_Event]:
    out = []
    for stored in dossier.alerts:
        if stored.alert.kind != "ship_event":
            continue
        ev: Mapping[str, Any] = stored.alert.evidence
        at = _position(ev.get("lat"), ev.get("lon"))
        if at is None:
            continue
        details = ev.get("details") or {}
        end_at = _position(details.get("end_lat"), details.get("end_lon"))
        vessels = tuple(
            str(v.get("mmsi") or v.get("imo") or v.get("name"))
            for v in ev.get("vessels") or []
            if isinstance(v, Mapping)
        )
        names = ", ".join(str(v.get("name") or v.get("mmsi")) for v in ev.get("vessels") or [] if v)
        label = f"alert {stored.id}: {ev.get('type')} {ev.get('start', '')} {names}".strip()
        out.append(
            _Event(
                ref=f"alert {stored.id}",
                type=str(ev.get("type", "event")),
                start=str(ev.get("start") or stored.alert.occurred_at or ""),
                at=at,
                end_at=end_at,
                vessels=vessels,
                label=label,
            )
        )
    return sorted(out, key=lambda e: (e.start, e.ref))


def frame(positions: Sequence[tuple[float, float]], width: int, height: int) -> BBox:
    """A box around the positions, padded, at least MIN_SPAN_DEG wide, with the canvas's
    aspect ratio on the ground (a degree of longitude shrinks with cos(latitude))."""
    lats = [p[0] for p in positions]
    lons = [p[1] for p in positions]
    mid_lat = (min(lats) + max(lats)) / 2
    squeeze = max(math.cos(math.radians(mid_lat)), 0.1)
    lat_span = max(max(lats) - min(lats), MIN_SPAN_DEG) * (1 + 2 * PAD)
    lon_span = max(max(lons) - min(lons), MIN_SPAN_DEG) * (1 + 2 * PAD)
    # ground aspect width/height = lon_span * squeeze / lat_span; widen one to the canvas's
    if lon_span * squeeze / lat_span < width / height:
        lon_span = lat_span * width / height / squeeze
    else:
        lat_span = lon_span * squeeze * height / width
    mid_lon = (min(lons) + max(lons)) / 2
    lat0 = max(mid_lat - lat_span / 2, -89.9)
    lat1 = min(mid_lat + lat_span / 2, 89.9)
    return (
        round(mid_lon - lon_span / 2, 6),
        round(lat0, 6),
        round(mid_lon + lon_span / 2, 6),
        round(lat1, 6),
    )


def map_figure(dossier: CaseDossier, *, width: int = 720, height: int = 440) -> MapFigure | None:
    """The map of the case's ship events, or None when no event has a position."""
    events = _events(dossier)
    if not events:
        return None
    positions = [e.at for e in events] + [e.end_at for e in events if e.end_at is not None]
    bbox = frame(positions, width, height)

    def xy(position: tuple[float, float]) -> tuple[float, float]:
        x, y = project(position[1], position[0], bbox, width, height)
        return round(x, 2), round(y, 2)

    lines: list[MapLine] = []
    by_vessel: dict[str, list[tuple[float, float]]] = {}
    for event in events:
        for vessel in event.vessels:
            by_vessel.setdefault(vessel, []).append(event.at)
            if event.end_at is not None:
                by_vessel[vessel].append(event.end_at)
    legend: list[tuple[str, str]] = []
    for n, (vessel, track) in enumerate(sorted(by_vessel.items())):
        colour = TRACK_COLOURS[n % len(TRACK_COLOURS)]
        if len(track) > 1:
            lines.append(MapLine(tuple(xy(p) for p in track), colour, False, f"vessel {vessel}"))
            legend.append((colour, f"vessel {vessel}: events in time order"))
    points: list[MapPoint] = []
    for event in events:
        colour = EVENT_COLOURS.get(event.type, "#333333")
        if event.end_at is not None:
            lines.append(
                MapLine((xy(event.at), xy(event.end_at)), colour, True, f"{event.ref} start-end")
            )
        x, y = xy(event.at)
        points.append(MapPoint(x, y, colour, event.label, event.ref))
    for kind in sorted({e.type for e in events}):
        legend.append((EVENT_COLOURS.get(kind, "#333333"), kind))
    return MapFigure(
        width=width,
        height=height,
        bbox=bbox,
        land=land_svg_path(bbox, width, height),
        lines=tuple(lines),
        points=tuple(points),
        legend=tuple(legend),
    )


def map_svg(figure: MapFigure) -> str:
    """The figure as one inline SVG element (no external references)."""
    w, h = figure.width, figure.height
    min_lon, min_lat, max_lon, max_lat = figure.bbox
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-label="Map of the case\'s ship events">',
        f'<defs><clipPath id="frame"><rect width="{w}" height="{h}"/></clipPath></defs>',
        f'<rect width="{w}" height="{h}" fill="#e8f1f8" stroke="#889"/>',
        '<g clip-path="url(#frame)">',
    ]
    if figure.land:
        parts.append(
            f'<path d="{figure.land}" fill="#f3efe4" stroke="#9a8f7a" stroke-width="0.6"/>'
        )
    for line in figure.lines:
        dash = ' stroke-dasharray="5 4"' if line.dashed else ""
        pts = " ".join(f"{x},{y}" for x, y in line.points)
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{line.colour}" '
            f'stroke-width="{1.8 if line.dashed else 1.2}"{dash}>'
            f"<title>{html.escape(line.label)}</title></polyline>"
        )
    for point in figure.points:
        parts.append(
            f'<circle cx="{point.x}" cy="{point.y}" r="5" fill="{point.colour}" '
            f'stroke="#fff" stroke-width="1.2"><title>{html.escape(point.label)}</title></circle>'
            f'<text x="{point.x + 7}" y="{point.y - 6}" font-size="10" '
            f'font-family="sans-serif">{html.escape(point.ref)}</text>'
        )
    parts.append("</g>")
    parts.append(
        f'<text x="4" y="{h - 4}" font-size="9" font-family="sans-serif" fill="#445">'
        f"lat {min_lat:.2f}..{max_lat:.2f}, lon {min_lon:.2f}..{max_lon:.2f} · coastline: "
        "Natural Earth (offline)</text></svg>"
    )
    return "".join(parts)

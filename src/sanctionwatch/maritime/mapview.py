"""Static maps of tracks and events on the offline basemap: SVG, HTML (the SVG inline) or PNG.

No tiles and no network: land comes from `basemap` (Natural Earth shipped in a package), so an
analyst's map looks the same on an air-gapped laptop. One layout (`MapLayout`) serves the three
outputs, so a PNG and an SVG of the same events agree to the pixel on where things are.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sanctionwatch.maritime.basemap import (
    DATA_NAME,
    BBox,
    fit_bbox,
    land_polygons_px,
    land_svg_path,
    project,
)
from sanctionwatch.maritime.records import Event, iso

Tracks = Mapping[int, Sequence[tuple[int, float, float]]]  # mmsi -> [(ts, lat, lon)]

SEA, LAND, LAND_EDGE, GRID = "#dcebf5", "#f2efe6", "#b9b2a0", "#b8c8d8"
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")
EVENT_COLOURS = {
    "encounter": "#d62728",
    "loitering": "#ff7f0e",
    "gap": "#555555",
    "port_visit": "#2ca02c",
    "identity": "#9467bd",
    "dark_sts": "#000000",
}
MIN_SPAN_DEG = 0.2  # a lone event still shows some coast around it


@dataclass(frozen=True)
class MapLayout:
    """Canvas size and the bbox shown; `xy` places a (lat, lon) on the canvas."""

    bbox: BBox
    width: int
    height: int

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = project(lon, lat, self.bbox, self.width, self.height)
        return round(x, 1), round(y, 1)


def layout(tracks: Tracks, events: Sequence[Event], *, width: int, height: int) -> MapLayout:
    """A bbox around every track point and event (and where a gap ended), at least
    MIN_SPAN_DEG across, with the canvas' proportions on the ground."""
    places = [(e.lat, e.lon) for e in events if e.lat is not None and e.lon is not None]
    places += [end for end in map(_gap_end, events) if end is not None]
    lats = [p[1] for t in tracks.values() for p in t] + [p[0] for p in places]
    lons = [p[2] for t in tracks.values() for p in t] + [p[1] for p in places]
    if not lats:
        lats, lons = [38.0], [125.0]  # nothing to show: the Korea Bay
    mid_lat, mid_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    half = MIN_SPAN_DEG / 2
    lats += [mid_lat - half, mid_lat + half]
    lons += [mid_lon - half, mid_lon + half]
    return MapLayout(fit_bbox(lons, lats, width, height, pad=0.08), width, height)


def _step(span: float) -> float:
    """A round graticule step giving 3 to 8 lines across `span` degrees."""
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60):
        if span / step <= 8:
            return float(step)
    return 90.0


def _graticule(lay: MapLayout) -> list[tuple[str, float, float, float, float, str]]:
    """(axis, x1, y1, x2, y2, label) of each graticule line."""
    lon0, lat0, lon1, lat1 = lay.bbox
    out = []
    step = _step(max(lon1 - lon0, lat1 - lat0))
    digits = max(0, -math.floor(math.log10(step)))
    lat = math.ceil(lat0 / step) * step
    while lat <= lat1:
        _, y = lay.xy(lat, lon0)
        out.append(("lat", 0.0, y, float(lay.width), y, f"{lat:.{digits}f}°"))
        lat += step
    lon = math.ceil(lon0 / step) * step
    while lon <= lon1:
        x, _ = lay.xy(lat0, lon)
        out.append(("lon", x, 0.0, x, float(lay.height), f"{lon:.{digits}f}°"))
        lon += step
    return out


def event_label(e: Event) -> str:
    kind = e.details.get("kind", "")
    mmsis = ", ".join(str(v.mmsi) for v in e.vessels)
    hours = "" if e.duration_h is None else f", {e.duration_h} h"
    return f"{e.type}{' ' + str(kind) if kind else ''} {iso(e.start)}{hours} (MMSI {mmsis})"


def render_svg(
    tracks: Tracks, events: Sequence[Event], *, title: str = "", width: int = 900, height: int = 640
) -> str:
    """A standalone SVG: sea, land, graticule, one polyline per track, a ring per event (a
    gap also gets a dashed line to where the vessel reappeared)."""
    lay = layout(tracks, events, width=width, height=height)
    parts = [
        f'<rect width="{width}" height="{height}" fill="{SEA}"/>',
        f'<path d="{land_svg_path(lay.bbox, width, height)}" fill="{LAND}" '
        f'stroke="{LAND_EDGE}" stroke-width="0.6"/>',
    ]
    for axis, x1, y1, x2, y2, label in _graticule(lay):
        parts.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{GRID}" stroke-width="0.5"/>'
        )
        tx, ty = (2, y1 - 2) if axis == "lat" else (x1 + 2, height - 3)
        parts.append(f'<text x="{tx}" y="{ty}" font-size="10" fill="#456">{label}</text>')
    for n, (mmsi, points) in enumerate(sorted(tracks.items())):
        colour = COLOURS[n % len(COLOURS)]
        path = " ".join(f"{x},{y}" for x, y in (lay.xy(p[1], p[2]) for p in sorted(points)))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5">'
            f"<title>MMSI {mmsi}</title></polyline>"
        )
    for e in events:
        if e.lat is None or e.lon is None:
            continue
        x, y = lay.xy(e.lat, e.lon)
        colour = EVENT_COLOURS.get(e.type, "#000")
        end = _gap_end(e)
        if end is not None:
            ex, ey = lay.xy(*end)
            parts.append(
                f'<line x1="{x}" y1="{y}" x2="{ex}" y2="{ey}" stroke="{colour}" '
                'stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="6" fill="none" stroke-width="2" stroke="{colour}">'
            f"<title>{html.escape(event_label(e))}</title></circle>"
        )
    parts.append(
        f'<text x="{width - 4}" y="{height - 4}" font-size="9" fill="#678" text-anchor="end">'
        f"Land: {html.escape(DATA_NAME)}</text>"
    )
    head = f"<title>{html.escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{head}{"".join(parts)}</svg>'
    )


def _gap_end(e: Event) -> tuple[float, float] | None:
    lat, lon = e.details.get("end_lat"), e.details.get("end_lon")
    if e.type != "gap" or lat is None or lon is None:
        return None
    return float(lat), float(lon)


def render_html(
    tracks: Tracks, events: Sequence[Event], *, title: str, width: int = 900, height: int = 640
) -> str:
    """One self-contained HTML page: the SVG map and a legend of tracks and events."""
    svg = render_svg(tracks, events, title=title, width=width, height=height)
    legend = [
        f'<li style="color:{COLOURS[n % len(COLOURS)]}">MMSI {mmsi}: {len(points)} positions</li>'
        for n, (mmsi, points) in enumerate(sorted(tracks.items()))
    ]
    legend += [
        f'<li style="color:{EVENT_COLOURS.get(e.type, "#000")}">{html.escape(event_label(e))}</li>'
        for e in events
    ]
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title></head><body><h3>{html.escape(title)}</h3>{svg}"
        f"<ul>{''.join(legend)}</ul></body></html>"
    )


def render_png(
    tracks: Tracks, events: Sequence[Event], *, width: int = 900, height: int = 640
) -> bytes:
    """The same map as `render_svg`, rasterised with Pillow (no SVG renderer needed)."""
    from PIL import Image, ImageDraw  # imported here: only PNG output needs it

    lay = layout(tracks, events, width=width, height=height)
    image = Image.new("RGB", (width, height), SEA)
    draw = ImageDraw.Draw(image)
    for polygon in land_polygons_px(lay.bbox, width, height):  # largest first: enclaves last
        exterior, *holes = polygon
        draw.polygon([tuple(p) for p in exterior.tolist()], fill=LAND, outline=LAND_EDGE)
        for hole in holes:
            draw.polygon([tuple(p) for p in hole.tolist()], fill=SEA, outline=LAND_EDGE)
    for axis, x1, y1, x2, y2, label in _graticule(lay):
        draw.line([(x1, y1), (x2, y2)], fill=GRID, width=1)
        draw.text((2, y1 - 12) if axis == "lat" else (x1 + 2, height - 12), label, fill="#445566")
    for n, (_mmsi, points) in enumerate(sorted(tracks.items())):
        xy = [lay.xy(p[1], p[2]) for p in sorted(points)]
        if len(xy) > 1:
            draw.line(xy, fill=COLOURS[n % len(COLOURS)], width=2)
    for e in events:
        if e.lat is None or e.lon is None:
            continue
        x, y = lay.xy(e.lat, e.lon)
        colour = EVENT_COLOURS.get(e.type, "#000000")
        end = _gap_end(e)
        if end is not None:
            draw.line([(x, y), lay.xy(*end)], fill=colour, width=1)
        draw.ellipse([x - 6, y - 6, x + 6, y + 6], outline=colour, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()

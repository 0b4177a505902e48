"""A static, self-contained HTML map (inline SVG) of tracks and events: no tiles, no network.

There is no coastline basemap: positions are drawn on a plain lat/lon grid with labels.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from sanctionwatch.maritime.records import Event, iso

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")
EVENT_COLOURS = {
    "encounter": "#d62728",
    "loitering": "#ff7f0e",
    "gap": "#7f7f7f",
    "port_visit": "#2ca02c",
    "identity": "#9467bd",
    "dark_sts": "#000000",
}


def render_html(
    tracks: Mapping[int, Sequence[tuple[int, float, float]]],
    events: Sequence[Event],
    *,
    title: str,
    width: int = 900,
    height: int = 640,
) -> str:
    """Tracks (mmsi -> [(ts, lat, lon)]) and event markers, in one HTML page."""
    lats = [p[1] for t in tracks.values() for p in t] + [e.lat for e in events if e.lat is not None]
    lons = [p[2] for t in tracks.values() for p in t] + [e.lon for e in events if e.lon is not None]
    if not lats:
        lats, lons = [0.0], [0.0]
    pad = 0.02
    lat0, lat1 = min(lats) - pad, max(lats) + pad
    lon0, lon1 = min(lons) - pad, max(lons) + pad
    margin = 40

    def xy(lat: float, lon: float) -> tuple[float, float]:
        x = margin + (lon - lon0) / (lon1 - lon0) * (width - 2 * margin)
        y = height - margin - (lat - lat0) / (lat1 - lat0) * (height - 2 * margin)
        return round(x, 1), round(y, 1)

    parts = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#eef4fa"/>']
    for i in range(5):
        lat = lat0 + (lat1 - lat0) * i / 4
        lon = lon0 + (lon1 - lon0) * i / 4
        _, y = xy(lat, lon0)
        x, _ = xy(lat0, lon)
        parts.append(
            f'<line x1="{margin}" y1="{y}" x2="{width - margin}" y2="{y}" '
            f'stroke="#ccd" stroke-width="0.5"/><text x="2" y="{y}" font-size="10">'
            f"{lat:.3f}</text>"
        )
        parts.append(
            f'<line x1="{x}" y1="{margin}" x2="{x}" y2="{height - margin}" '
            f'stroke="#ccd" stroke-width="0.5"/><text x="{x}" y="{height - 5}" '
            f'font-size="10">{lon:.3f}</text>'
        )
    legend = []
    for n, (mmsi, points) in enumerate(sorted(tracks.items())):
        colour = COLOURS[n % len(COLOURS)]
        path = " ".join(f"{x},{y}" for x, y in (xy(p[1], p[2]) for p in sorted(points)))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="1.5"><title>MMSI {mmsi}</title></polyline>'
        )
        legend.append(f'<li style="color:{colour}">MMSI {mmsi}: {len(points)} positions</li>')
    for e in events:
        if e.lat is None or e.lon is None:
            continue
        x, y = xy(e.lat, e.lon)
        label = html.escape(
            f"{e.type} {e.details.get('kind', '')} {iso(e.start)} "
            f"{e.duration_h} h {[v.mmsi for v in e.vessels]}"
        )
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="6" fill="none" stroke-width="2" '
            f'stroke="{EVENT_COLOURS.get(e.type, "#000")}"><title>{label}</title>'
            "</circle>"
        )
        legend.append(f"<li>{label}</li>")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        + "".join(parts)
        + "</svg>"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title></head><body><h3>{html.escape(title)}</h3>{svg}"
        f"<p>No coastline basemap; plain lat/lon grid.</p><ul>{''.join(legend)}</ul>"
        "</body></html>"
    )

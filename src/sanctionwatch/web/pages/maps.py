"""The map of ship events and the tracks around them, as inline SVG on the offline basemap.

Events come from the workspace; tracks from the AIS positions ingested under the data folder
(`maritime.storage`), for the vessels of the shown events and a margin around their times, thinned
to a bounded number of points per vessel so the page stays small. Each marker links to the
event's row below the map (the event's full record: vessels, times, definition, parameters).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from sanctionwatch.cases.model import User
from sanctionwatch.maritime.records import EVENT_TYPES, POSITION_SCHEMA
from sanctionwatch.maritime.storage import ais_root, read_partitioned
from sanctionwatch.web import svg
from sanctionwatch.web.deps import get_workspace, page_read
from sanctionwatch.web.pages.common import blocking, optional, optional_int
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)

MAX_EVENTS = 500
MAX_TRACK_POINTS = 400
TRACK_MARGIN_S = 12 * 3600
MAX_TRACKED_VESSELS = 20


def _seconds(value: object) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def tracks_for(
    home: Path, events: Sequence[Mapping[str, Any]]
) -> dict[int, list[tuple[int, float, float]]]:
    """Positions of the events' vessels from `margin` before the first event to after the
    last, at most MAX_TRACK_POINTS per vessel (evenly thinned)."""
    mmsis = sorted(
        {int(v["mmsi"]) for e in events for v in e.get("vessels") or () if v.get("mmsi")}
    )
    mmsis = mmsis[:MAX_TRACKED_VESSELS]
    starts = [s for e in events if (s := _seconds(e.get("start"))) is not None]
    ends = [s for e in events if (s := _seconds(e.get("end") or e.get("start"))) is not None]
    if not mmsis or not starts:
        return {}
    table = read_partitioned(
        ais_root(home) / "positions",
        POSITION_SCHEMA,
        start=min(starts) - TRACK_MARGIN_S,
        end=max(ends) + TRACK_MARGIN_S,
    )
    if table.num_rows == 0:
        return {}
    import pyarrow as pa
    import pyarrow.compute as pc

    table = table.filter(pc.is_in(table["mmsi"], value_set=pa.array(mmsis, pa.int64())))
    rows = table.select(["mmsi", "ts", "lat", "lon"]).to_pylist()
    tracks: dict[int, list[tuple[int, float, float]]] = {}
    for row in rows:
        tracks.setdefault(int(row["mmsi"]), []).append(
            (int(row["ts"]), float(row["lat"]), float(row["lon"]))
        )
    for mmsi, points in tracks.items():
        points.sort()
        step = max(1, len(points) // MAX_TRACK_POINTS)
        tracks[mmsi] = points[::step]
    return tracks


@router.get("/map")
async def ship_map(
    request: Request,
    type: str = Query("", max_length=40),
    mmsi: str = Query("", max_length=12),
    imo: str = Query("", max_length=20),
    since: str = Query("", max_length=40),
    until: str = Query("", max_length=40),
    user: User | None = Depends(page_read),
) -> Response:
    filters = {"type": type, "mmsi": mmsi, "imo": imo, "since": since, "until": until}
    events = await blocking(
        get_workspace(request).events,
        type=optional(type),
        mmsi=optional_int(mmsi, "mmsi"),
        imo=optional(imo),
        since=optional(since),
        until=optional(until),
        limit=MAX_EVENTS,
    )
    tracks = await blocking(tracks_for, request.app.state.settings.home, events)
    drawing = await blocking(
        svg.map_svg, events, tracks, href=lambda e: f"#event-{e.get('id', '')}"
    )
    return render(
        request,
        "map.html.j2",
        {
            "svg": Markup(drawing),  # svg.map_svg escapes every value it draws
            "events": events,
            "tracks": {m: len(p) for m, p in sorted(tracks.items())},
            "filters": filters,
            "types": EVENT_TYPES,
        },
        user=user,
        title="Map of ship events",
    )

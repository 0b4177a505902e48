"""Maps of tracks and events on the offline basemap: SVG, HTML and PNG agree with the data."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyarrow as pa
import pytest
from PIL import Image

from sanctionwatch.maritime.basemap import distance_to_shore_km, is_land
from sanctionwatch.maritime.mapview import (
    LAND,
    SEA,
    layout,
    render_html,
    render_png,
    render_svg,
)
from sanctionwatch.maritime.records import Event, VesselRef
from tests.maritime.conftest import real_input

T0 = 1609545600
# A DPRK-flagged tanker in the Korea Bay goes dark at sea, reappears off Nampo
KOREA_BAY = {
    445000001: [(T0 + i * 600, 38.3 + i * 0.008, 124.3 + i * 0.013) for i in range(40)],
}
GAP = Event(
    type="gap",
    vessels=(VesselRef(445000001),),
    start=T0 + 39 * 600,
    end=T0 + 39 * 600 + 14 * 3600,
    lat=38.612,
    lon=124.807,
    definition="gap@v1",
    params_hash="x",
    details={"kind": "likely_intentional", "end_lat": 38.70, "end_lon": 125.15},
)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_png_pixels_follow_land_and_sea() -> None:
    """Sample the canvas on a grid: away from the coast (over 5 km) a pixel has the land colour
    exactly where the basemap says land, the sea colour where it says sea (tracks, markers
    and the graticule cover a few samples, hence the small tolerance)."""
    width, height = 480, 360
    image = Image.open(io.BytesIO(render_png(KOREA_BAY, [GAP], width=width, height=height)))
    assert image.size == (width, height) and image.format == "PNG"
    lay = layout(KOREA_BAY, [GAP], width=width, height=height)
    lon0, lat0, lon1, lat1 = lay.bbox
    counts = {"land": 0, "sea": 0, "wrong": 0}
    for i in range(1, 32):
        for j in range(1, 24):
            lon = lon0 + (lon1 - lon0) * i / 32
            lat = lat0 + (lat1 - lat0) * j / 24
            land = is_land(lat, lon)
            if (land and _near_coast_on_land(lat, lon)) or (
                not land and distance_to_shore_km(lat, lon) < 5
            ):
                continue
            x, y = lay.xy(lat, lon)
            pixel = image.getpixel((min(int(x), width - 1), min(int(y), height - 1)))
            expected = hex_rgb(LAND if land else SEA)
            counts["land" if land else "sea"] += 1
            counts["wrong"] += pixel != expected
    assert counts["land"] > 30 and counts["sea"] > 30, counts
    assert counts["wrong"] <= 0.08 * (counts["land"] + counts["sea"]), counts


def _near_coast_on_land(lat: float, lon: float) -> bool:
    """True when a point 0.05 deg away in any direction is at sea (5 km of land margin)."""
    return any(
        not is_land(lat + dy, lon + dx) for dy in (-0.05, 0, 0.05) for dx in (-0.05, 0, 0.05)
    )


def test_svg_has_land_tracks_and_event_markers() -> None:
    svg = render_svg(KOREA_BAY, [GAP], title="Korea Bay <test>")
    land_path = re.search(r'<path d="([^"]*)" fill="' + LAND, svg)
    assert land_path and land_path.group(1).startswith("M")  # the DPRK coast is in view
    assert svg.count("<polyline") == 1
    assert "stroke-dasharray" in svg  # the gap's jump to where the vessel reappeared
    assert "Korea Bay &lt;test&gt;" in svg  # escaped
    assert "Natural Earth" in svg


def test_html_map_of_the_danish_close_pass(ports: pa.Table, tmp_path: Path) -> None:
    """Real tracks (two ships passing off Gothenburg): the page holds the SVG with land, both
    tracks and a legend line per vessel."""
    data = real_input(ports, "dma/ais-close-approach-wgs84.csv")
    tracks: dict[int, list[tuple[int, float, float]]] = {}
    for r in data.positions.select(["mmsi", "ts", "lat", "lon"]).to_pylist():
        tracks.setdefault(r["mmsi"], []).append((r["ts"], r["lat"], r["lon"]))
    page = render_html(tracks, [], title="DMA close pass")
    assert page.startswith("<!doctype html>")
    assert page.count("<polyline") == 2
    assert re.search(r'<path d="M[^"]+" fill="' + LAND, page)  # Sweden's coast
    assert "MMSI 265410000" in page and "MMSI 265550210" in page


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_cli_map_format_follows_the_file_name(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from sanctionwatch.cli.main import build_app
    from tests.paths import AIS

    monkeypatch.setenv("SANCTIONWATCH_HOME", str(tmp_path / "home"))
    out = tmp_path / f"map{suffix}"
    args = ["ais", "detect", str(AIS / "dma" / "ais-close-approach-wgs84.csv")]
    result = CliRunner().invoke(build_app("ais"), [*args, "--map", str(out)])
    assert result.exit_code == 0, result.output
    head = out.read_bytes()[:16]
    expected = {".png": b"\x89PNG", ".svg": b"<svg", ".html": b"<!doctype html>"}[suffix]
    assert head.startswith(expected)

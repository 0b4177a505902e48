"""The pure-Python reference of every SQL detector: small, slow, obvious.

Each function mirrors one SQL stage of `sql_clean` / `sql_events` / `sql_identity` with the
same boundaries (strict or inclusive as there), so tests can hold the engines to it.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from sanctionwatch.maritime.events import haversine_km
from sanctionwatch.maritime.params import (
    NM_KM,
    CleanParams,
    DetectConfig,
    EncounterParams,
    GapParams,
    IdentityParams,
    LoiteringParams,
    PortVisitParams,
)
from sanctionwatch.maritime.pipeline import ALL_DETECTORS, DetectInput, DetectResult, assemble
from sanctionwatch.maritime.shore import SHORE_CELL_DEG, shore_km
from sanctionwatch.maritime.sql_clean import SEG_FACTOR
from sanctionwatch.maritime.sql_events import KM_PER_DEG

Row = dict[str, Any]


@dataclass(frozen=True)
class P:
    """A cleaned, segmented position (the columns of `positions_seg`)."""

    mmsi: int
    ts: int
    lat: float
    lon: float
    sog: float | None
    cog: float | None
    seg: int
    brk: int
    pdist_km: float | None
    step_km: float
    step_s: int


def _kn(dist: float, dt: int, p: CleanParams) -> float:
    return dist / NM_KM * 3600.0 / max(dt, p.min_dt_s)


def _candidate(track: list[Row], i: int, p: CleanParams) -> bool:
    """Report i is impossible from both neighbours while they agree with each other."""
    if not 0 < i < len(track) - 1:
        return False
    a, r, b = track[i - 1], track[i], track[i + 1]
    return (
        _kn(haversine_km(a["lat"], a["lon"], r["lat"], r["lon"]), r["ts"] - a["ts"], p)
        > p.max_knots
        and _kn(haversine_km(r["lat"], r["lon"], b["lat"], b["lon"]), b["ts"] - r["ts"], p)
        > p.max_knots
        and _kn(haversine_km(a["lat"], a["lon"], b["lat"], b["lon"]), b["ts"] - a["ts"], p)
        <= p.max_knots
    )


def clean(
    raw: Iterable[Row], p: CleanParams, start: int | None = None, end: int | None = None
) -> tuple[list[P], dict[int, int]]:
    """(segmented positions, spikes per MMSI). A spike is a candidate (see `_candidate`)
    whose previous report is not one; runs of candidates stay, as jumps."""
    best: dict[tuple[int, int], Row] = {}
    for r in raw:
        if not (-90 <= r["lat"] <= 90 and -180 <= r["lon"] <= 180):
            continue
        if (start is not None and r["ts"] < start) or (end is not None and r["ts"] >= end):
            continue
        key = (r["mmsi"], r["ts"])
        if key not in best:
            best[key] = dict(r)
            continue
        kept = best[key]  # conflicting duplicates: the minimum of each field, as in SQL
        for field in ("lat", "lon", "sog", "cog", "receiver"):
            if r.get(field) is not None and (kept.get(field) is None or r[field] < kept[field]):
                kept[field] = r[field]
    tracks: dict[int, list[Row]] = defaultdict(list)
    for (mmsi, _), r in sorted(best.items()):
        tracks[mmsi].append(r)
    out: list[P] = []
    spikes: dict[int, int] = {}
    for mmsi, track in tracks.items():
        cand = [_candidate(track, i, p) for i in range(len(track))]
        keep = []
        for i, r in enumerate(track):
            if cand[i] and not (i > 0 and cand[i - 1]):  # a spike: never two in a row
                spikes[mmsi] = spikes.get(mmsi, 0) + 1
                continue
            keep.append(r)
        spikes.setdefault(mmsi, 0)
        breaks = 0
        prev: Row | None = None
        for r in keep:
            dist = (
                None if prev is None else haversine_km(prev["lat"], prev["lon"], r["lat"], r["lon"])
            )
            brk = 0
            if prev is not None and dist is not None:
                if r["ts"] - prev["ts"] > p.max_gap_s:
                    brk = 1
                elif _kn(dist, r["ts"] - prev["ts"], p) > p.max_knots:
                    brk = 2
            breaks += brk > 0
            ok = brk == 0 and prev is not None
            out.append(
                P(
                    mmsi,
                    r["ts"],
                    r["lat"],
                    r["lon"],
                    r.get("sog"),
                    r.get("cog"),
                    mmsi * SEG_FACTOR + breaks,
                    brk,
                    dist,
                    dist if ok and dist is not None else 0.0,
                    r["ts"] - prev["ts"] if ok and prev is not None else 0,
                )
            )
            prev = r
    return out, spikes


def _by(points: Iterable[P], key: str) -> dict[int, list[P]]:
    groups: dict[int, list[P]] = defaultdict(list)
    for pt in points:
        groups[getattr(pt, key)].append(pt)
    for items in groups.values():
        items.sort(key=lambda x: x.ts)
    return groups


def _nearest_port(lat: float, lon: float, ports: list[Row], max_km: float) -> float | None:
    band = max_km / KM_PER_DEG + 0.01
    best = None
    for q in ports:
        if abs(q["lat"] - lat) <= band:
            d = haversine_km(lat, lon, q["lat"], q["lon"])
            if d <= max_km and (best is None or d < best):
                best = d
    return best


def encounters(points: list[P], ports: list[Row], p: EncounterParams) -> list[Row]:
    grid: dict[int, list[tuple[int, int, float, float, float | None]]] = defaultdict(list)
    for seg, track in _by(points, "seg").items():
        resampled: list[tuple[int, float, float]] = []
        for a, b in itertools.pairwise(track):
            if b.ts - a.ts >= p.max_interp_gap_s:
                continue
            t = math.ceil(a.ts / float(p.grid_s)) * p.grid_s
            while t < b.ts:
                resampled.append(
                    (
                        t,
                        a.lat + (b.lat - a.lat) * (t - a.ts) / (b.ts - a.ts),
                        a.lon + (b.lon - a.lon) * (t - a.ts) / (b.ts - a.ts),
                    )
                )
                t += p.grid_s
        prev: tuple[int, float, float] | None = None
        for t, lat, lon in resampled:
            kn: float | None = None
            if prev is not None and t - prev[0] == p.grid_s:
                kn = haversine_km(prev[1], prev[2], lat, lon) / NM_KM * 3600.0 / p.grid_s
            grid[t].append((seg, track[0].mmsi, lat, lon, kn))
            prev = (t, lat, lon)
    pairs: dict[tuple[int, int], list[tuple[int, Row]]] = defaultdict(list)
    for t, at_t in grid.items():
        for sa, ma, la, oa, ka in at_t:
            for sb, mb, lb, ob, kb in at_t:
                if (
                    ma >= mb
                    or abs(math.floor(la / p.cell_deg) - math.floor(lb / p.cell_deg)) > 1
                    or abs(math.floor(oa / p.cell_deg) - math.floor(ob / p.cell_deg)) > 1
                ):
                    continue
                d = haversine_km(la, oa, lb, ob)
                if d <= p.max_dist_km:
                    pairs[(sa, sb)].append(
                        (
                            t,
                            {
                                "m1": ma,
                                "m2": mb,
                                "lat": (la + lb) / 2,
                                "lon": (oa + ob) / 2,
                                "d": d,
                                "kn": None if ka is None or kb is None else (ka + kb) / 2,
                            },
                        )
                    )
    runs: dict[tuple[int, int], list[tuple[int, int, list[Row]]]] = defaultdict(list)
    for items in pairs.values():
        items.sort(key=lambda x: x[0])
        chunks: list[list[tuple[int, Row]]] = []
        for item in items:
            if not chunks or item[0] - chunks[-1][-1][0] != p.grid_s:
                chunks.append([])
            chunks[-1].append(item)
        for chunk in chunks:
            if chunk[-1][0] - chunk[0][0] >= p.min_raw_s:
                first = chunk[0][1]
                runs[(first["m1"], first["m2"])].append(
                    (chunk[0][0], chunk[-1][0], [x for _, x in chunk])
                )
    out = []
    for (m1, m2), pair_runs in runs.items():
        pair_runs.sort(key=lambda x: (x[0], x[1]))
        groups: list[list[tuple[int, int, list[Row]]]] = []
        last_end: int | None = None
        for run in pair_runs:
            if last_end is None or run[0] - last_end >= p.merge_gap_s:
                groups.append([])
            groups[-1].append(run)
            last_end = run[1] if last_end is None else max(last_end, run[1])
        for group in groups:
            pts = [r for run in group for r in run[2]]
            start, end = min(r[0] for r in group), max(r[1] for r in group)
            if end - start < p.min_duration_s:
                continue
            lat = sum(r["lat"] for r in pts) / len(pts)
            lon = sum(r["lon"] for r in pts) / len(pts)
            speeds = [r["kn"] for r in pts if r["kn"] is not None]
            median_kn = statistics.median(speeds) if speeds else None
            if _nearest_port(lat, lon, ports, p.min_port_km) is not None:
                continue
            if median_kn is None or not median_kn < p.max_median_kn:
                continue
            out.append(
                {
                    "mmsi1": m1,
                    "mmsi2": m2,
                    "start_t": start,
                    "end_t": end,
                    "lat": lat,
                    "lon": lon,
                    "n_points": len(pts),
                    "median_dist_km": statistics.median(r["d"] for r in pts),
                    "min_dist_km": min(r["d"] for r in pts),
                    "median_kn": median_kn,
                }
            )
    return out


def loitering(points: list[P], ports: list[Row], p: LoiteringParams) -> list[Row]:
    out = []
    for _seg, track in _by(points, "seg").items():
        buckets: dict[int, list[P]] = defaultdict(list)
        for pt in track:
            buckets[math.floor(pt.ts / float(p.bucket_s))].append(pt)
        slow = []
        for h in sorted(buckets):
            b = buckets[h]
            km, dt = sum(x.step_km for x in b), sum(x.step_s for x in b)
            if dt > 0 and km / NM_KM * 3600.0 / dt < p.max_kn:
                slow.append((h, b, km, dt))
        runs: list[list[tuple[int, list[P], float, int]]] = []
        for item in slow:
            if not runs or item[0] - runs[-1][-1][0] != 1:
                runs.append([])
            runs[-1].append(item)
        for run in runs:
            pts = [x for _, b, _, _ in run for x in b]
            start, end = min(x.ts for x in pts), max(x.ts for x in pts)
            if end - start < p.min_duration_s:
                continue
            lat, lon = sum(x.lat for x in pts) / len(pts), sum(x.lon for x in pts) / len(pts)
            if _nearest_port(lat, lon, ports, p.min_port_km) is not None:
                continue
            shore = shore_km(lat, lon, p.shore_cell_deg)
            if not shore >= p.min_shore_km:
                continue
            km, dt = sum(r[2] for r in run), sum(r[3] for r in run)
            out.append(
                {
                    "mmsi1": pts[0].mmsi,
                    "mmsi2": None,
                    "start_t": start,
                    "end_t": end,
                    "lat": lat,
                    "lon": lon,
                    "n_points": len(pts),
                    "distance_nm": km / NM_KM,
                    "avg_kn": km / NM_KM * 3600.0 / dt,
                    "shore_km": shore,
                }
            )
    return out


def gaps(points: list[P], ports: list[Row], p: GapParams) -> list[Row]:
    if not points:
        return []
    t0, t1 = min(x.ts for x in points), max(x.ts for x in points)
    days = max((t1 - t0) / 86400.0, 1.0)
    cells: dict[tuple[int, int], int] = defaultdict(int)

    def cell(x: P) -> tuple[int, int]:
        return (math.floor(x.lat / p.reception_cell_deg), math.floor(x.lon / p.reception_cell_deg))

    for x in points:
        cells[cell(x)] += 1
    out = []
    for _mmsi, track in _by(points, "mmsi").items():
        for i, x in enumerate(track):
            nxt = track[i + 1] if i + 1 < len(track) else None
            end = nxt.ts if nxt else t1
            if end - x.ts < p.min_gap_s:
                continue
            n_before = sum(1 for y in track[: i + 1] if x.ts - y.ts <= p.before_window_s)
            port_km = _nearest_port(x.lat, x.lon, ports, p.intentional_port_km)
            per_day = cells[cell(x)] / days
            candidate = (
                end - x.ts >= p.intentional_gap_s
                and port_km is None
                and per_day >= p.min_reception_per_day
                and n_before >= p.min_positions_before
            )
            shore = shore_km(x.lat, x.lon, p.shore_cell_deg) if candidate else None
            out.append(
                {
                    "mmsi1": x.mmsi,
                    "mmsi2": None,
                    "start_t": x.ts,
                    "end_t": end,
                    "lat": x.lat,
                    "lon": x.lon,
                    "end_lat": nxt.lat if nxt else None,
                    "end_lon": nxt.lon if nxt else None,
                    "cog": x.cog,
                    "sog": x.sog,
                    "n_before": n_before,
                    "reception_per_day": per_day,
                    "port_km": port_km,
                    "shore_km": shore,
                    "is_open": nxt is None,
                    "likely_intentional": shore is not None and shore >= p.intentional_shore_km,
                }
            )
    return out


def port_visits(points: list[P], ports: list[Row], p: PortVisitParams) -> list[Row]:
    targets = [q for q in ports if q["iso3"] in p.countries]
    out = []
    for mmsi, track in _by(points, "mmsi").items():
        flags = []
        for x in track:
            near = sorted(
                (haversine_km(x.lat, x.lon, q["lat"], q["lon"]), q["label"]) for q in targets
            )
            near = [n for n in near if n[0] <= p.exit_km]
            flags.append(near[0] if near else None)
        if not any(flags):
            continue
        runs: list[list[int]] = []
        prev_label = None
        for i, f in enumerate(flags):
            label = f[1] if f else None
            if f is None:
                prev_label = label
                continue
            if not runs or prev_label != label or runs[-1][-1] != i - 1:
                runs.append([])
            runs[-1].append(i)
            prev_label = label
        for run in runs:
            ds = [flags[i][0] for i in run]  # type: ignore[index]
            if min(ds) > p.entry_km:
                continue
            entry = min(track[i].ts for i in run if flags[i][0] <= p.entry_km)  # type: ignore[index]
            sogs = [x for x in (track[i].sog for i in run) if x is not None]
            steps = [track[i + 1].ts - track[i].ts for i in run if i + 1 < len(track)]
            out.append(
                {
                    "mmsi1": mmsi,
                    "mmsi2": None,
                    "port": flags[run[0]][1],  # type: ignore[index]
                    "start_t": entry,
                    "end_t": track[run[-1]].ts,
                    "lat": sum(track[i].lat for i in run) / len(run),
                    "lon": sum(track[i].lon for i in run) / len(run),
                    "n_points": len(run),
                    "min_port_km": min(ds),
                    "min_sog": min(sogs) if sogs else None,
                    "exited": int(run[-1] < len(track) - 1),
                    "max_gap_s": max(steps) if steps else None,
                }
            )
    return out


def jumps(points: list[P], spikes: dict[int, int], p: IdentityParams) -> list[Row]:
    out = []
    for mmsi, track in _by(points, "mmsi").items():
        n_jumps = sum(1 for x in track if x.brk == 2)
        if n_jumps + spikes.get(mmsi, 0) >= p.min_jumps or mmsi // 1_000_000 == p.dprk_mid:
            dists = [x.pdist_km for x in track if x.brk == 2 and x.pdist_km is not None]
            out.append(
                {
                    "mmsi": mmsi,
                    "n_positions": len(track),
                    "jumps": n_jumps,
                    "segments": len({x.seg for x in track}),
                    "first_ts": track[0].ts,
                    "last_ts": track[-1].ts,
                    "max_jump_km": max(dists) if dists else None,
                    "last_lat": track[-1].lat,
                    "last_lon": track[-1].lon,
                    "spikes": spikes.get(mmsi, 0),
                }
            )
    return out


def identity_summary(identities: Iterable[Row]) -> list[Row]:
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for r in identities:
        key = (r["mmsi"], r["imo"], r["name"], r["callsign"], r.get("length"), r.get("width"))
        groups[key].append(r["ts"])
    return [
        {
            "mmsi": k[0],
            "imo": k[1],
            "name": k[2],
            "callsign": k[3],
            "length": k[4],
            "width": k[5],
            "first_ts": min(v),
            "last_ts": max(v),
            "n": len(v),
        }
        for k, v in groups.items()
    ]


def detect_reference(
    data: DetectInput,
    *,
    config: DetectConfig | None = None,
    start: int | None = None,
    end: int | None = None,
    detectors: tuple[str, ...] = ALL_DETECTORS,
) -> DetectResult:
    """The same events as `pipeline.detect`, computed in plain Python (small inputs only)."""
    cfg = config or DetectConfig()
    if not isinstance(data.positions, pa.Table):
        raise TypeError("the reference reads positions in memory (a pyarrow Table)")
    points, spikes = clean(data.positions.to_pylist(), cfg.clean, start, end)
    ports = data.ports.to_pylist()
    summary = identity_summary(data.identities.to_pylist())
    if not points:
        return DetectResult([], {"positions_clean": 0})
    found = {
        "encounter": encounters(points, ports, cfg.encounter),
        "loitering": loitering(points, ports, cfg.loitering),
        "gap": gaps(points, ports, cfg.gap),
        "port_visit": port_visits(points, ports, cfg.port_visit),
    }
    events = assemble(
        found,
        summary=summary,
        jumps=jumps(points, spikes, cfg.identity),
        data=data,
        config=cfg,
        detectors=detectors,
    )
    return DetectResult(events, {"positions_clean": len(points)})


def with_shore_km(rows: Iterable[Row], cell_deg: float = SHORE_CELL_DEG) -> list[Row]:
    """Rows (anything with lat, lon) with `shore_km` added, as `shore.shore_km_sql` joins it:
    the distance of the cell the position falls in (0 on land)."""
    return [{**r, "shore_km": shore_km(r["lat"], r["lon"], cell_deg)} for r in rows]


def far_from_shore(
    rows: Iterable[Row], min_km: float, cell_deg: float = SHORE_CELL_DEG
) -> list[Row]:
    """Those rows at least `min_km` from shore (inclusive, as `shore_km >= min_km` in SQL):
    loitering at 20 nm, likely intentional gaps at 50 nm (issue 5)."""
    return [r for r in with_shore_km(rows, cell_deg) if r["shore_km"] >= min_km]

"""Identity anomalies from per-MMSI summaries (computed by SQL on either engine).

Kinds: `dprk_flag` (MID 445), `shared_or_spoofed_mmsi` (one MMSI in two places at an impossible
speed), `invalid_imo` / `placeholder_imo`, `imo_on_several_mmsis` (overlapping in time, or
sequential = a re-flag or MMSI change), `name_change` / `callsign_change`, and
`dimension_mismatch`: a hull does not change size, so an MMSI whose broadcast length or beam
varies by more than `max_dimension_change`, an IMO claimed by MMSIs of different sizes, or a
broadcast that disagrees with the hull's known dimensions is two ships under one identity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sanctionwatch.maritime.params import IdentityParams

Row = dict[str, Any]
Dimensions = tuple[float | None, float | None]  # (length, beam) in metres


def imo_check_digit_ok(imo: str) -> bool:
    """True for a 7-digit IMO number whose last digit is the IMO check digit."""
    if len(imo) != 7 or not imo.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(imo[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(imo[6])


def imo_problem(imo: str, params: IdentityParams) -> str | None:
    """ "placeholder_imo", "invalid_imo" or None for a broadcast IMO value."""
    if imo in params.placeholder_imos:
        return "placeholder_imo"
    if not imo_check_digit_ok(imo):
        return "invalid_imo"
    return None


def _row(kind: str, mmsis: tuple[int, ...], start: int, end: int, **details: Any) -> Row:
    return {
        "mmsi1": mmsis[0],
        "mmsi2": mmsis[1] if len(mmsis) > 1 else None,
        "start_t": start,
        "end_t": end,
        "lat": details.pop("lat", None),
        "lon": details.pop("lon", None),
        "kind": kind,
        **details,
    }


def identity_rows(
    jumps: Iterable[Mapping[str, Any]],
    summary: Iterable[Mapping[str, Any]],
    params: IdentityParams,
    *,
    known: Mapping[str, Dimensions] | None = None,
) -> list[Row]:
    """Identity anomaly rows from the `jumps_sql` and `identity_summary_sql` results;
    `known` maps an IMO number to the hull's registered (length, beam), when there is one."""
    out: list[Row] = []
    for j in jumps:
        mmsi = int(j["mmsi"])
        where = {"lat": j["last_lat"], "lon": j["last_lon"]}
        if mmsi // 1_000_000 == params.dprk_mid:
            out.append(
                _row(
                    "dprk_flag", (mmsi,), j["first_ts"], j["last_ts"], mid=params.dprk_mid, **where
                )
            )
        n_jumps = int(j["jumps"]) + int(j["spikes"])
        if n_jumps >= params.min_jumps:
            out.append(
                _row(
                    "shared_or_spoofed_mmsi",
                    (mmsi,),
                    j["first_ts"],
                    j["last_ts"],
                    impossible_jumps=n_jumps,
                    segments=int(j["segments"]),
                    max_jump_km=None if j["max_jump_km"] is None else round(j["max_jump_km"], 3),
                    **where,
                )
            )
    rows = sorted(summary, key=lambda r: (r["mmsi"], r["first_ts"]))
    per_imo: dict[str, dict[int, list[int]]] = defaultdict(dict)
    names: dict[int, dict[str, int]] = defaultdict(dict)
    calls: dict[int, dict[str, int]] = defaultdict(dict)
    bad: dict[tuple[int, str], tuple[str, int, int]] = {}
    for r in rows:
        mmsi, imo = int(r["mmsi"]), r["imo"]
        if imo and set(imo) == {"0"}:
            imo = None  # AIS default for "not available", not a claim
        if imo:
            span = per_imo[imo].setdefault(mmsi, [r["first_ts"], r["last_ts"]])
            span[0], span[1] = min(span[0], r["first_ts"]), max(span[1], r["last_ts"])
            problem = imo_problem(imo, params)
            if problem:
                old = bad.get((mmsi, imo))
                bad[(mmsi, imo)] = (
                    problem,
                    min(old[1], r["first_ts"]) if old else r["first_ts"],
                    max(old[2], r["last_ts"]) if old else r["last_ts"],
                )
        if r["name"]:
            names[mmsi].setdefault(r["name"], r["first_ts"])
        if r["callsign"]:
            calls[mmsi].setdefault(r["callsign"], r["first_ts"])
    for (mmsi, imo), (problem, first, last) in sorted(bad.items()):
        out.append(_row(problem, (mmsi,), first, last, imo_value=imo))
    for imo, spans in sorted(per_imo.items()):
        if len(spans) < 2 or imo_problem(imo, params):
            continue
        items = sorted(spans.items())
        for i, (m1, s1) in enumerate(items):
            for m2, s2 in items[i + 1 :]:
                overlap = s1[0] <= s2[1] and s2[0] <= s1[1]
                out.append(
                    _row(
                        "imo_on_several_mmsis",
                        (m1, m2),
                        min(s1[0], s2[0]),
                        max(s1[1], s2[1]),
                        imo_value=imo,
                        at_same_time=overlap,
                    )
                )
    out += dimension_rows(rows, params, known=known or {})
    for kind, table in (("name_change", names), ("callsign_change", calls)):
        for mmsi, seen in sorted(table.items()):
            if len(seen) > 1:
                ordered = sorted(seen.items(), key=lambda kv: (kv[1], kv[0]))
                out.append(
                    _row(
                        kind, (mmsi,), ordered[0][1], ordered[-1][1], values=[v for v, _ in ordered]
                    )
                )
    return out


def spread(values: Sequence[float | None]) -> float:
    """(largest - smallest) / smallest of the positive values; 0 for fewer than two."""
    found = [v for v in values if v is not None and v > 0]
    return (max(found) - min(found)) / min(found) if len(found) > 1 else 0.0


def _label(dims: Dimensions) -> str:
    length, beam = dims
    text = "?" if length is None else f"{length:g}"
    return f"{text}x{beam:g}" if beam else text


def dimension_rows(
    summary: Sequence[Mapping[str, Any]],
    params: IdentityParams,
    *,
    known: Mapping[str, Dimensions],
) -> list[Row]:
    """`dimension_mismatch` rows: one per MMSI whose broadcasts disagree with each other or
    with the known hull of the IMO it sends, and one per pair of MMSIs sending one IMO with
    different sizes. Summary rows must be sorted by (mmsi, first_ts)."""
    limit = params.max_dimension_change
    claims: dict[int, dict[Dimensions, list[int]]] = defaultdict(dict)
    imos: dict[int, set[str]] = defaultdict(set)
    for r in summary:
        mmsi, imo, length = int(r["mmsi"]), r.get("imo"), r.get("length")
        if imo and set(imo) != {"0"} and not imo_problem(imo, params):
            imos[mmsi].add(imo)
        if not length or length <= 0:
            continue
        dims = (float(length), r.get("width") or None)
        span = claims[mmsi].setdefault(dims, [r["first_ts"], r["last_ts"], 0])
        span[0], span[1] = min(span[0], r["first_ts"]), max(span[1], r["last_ts"])
        span[2] += int(r.get("n") or 1)
    out: list[Row] = []
    for mmsi, seen in sorted(claims.items()):
        ordered = sorted(seen.items(), key=lambda kv: (kv[1][0], kv[0][0]))
        change = max(spread([d[0] for d in seen]), spread([d[1] for d in seen]))
        hull = next((known[i] for i in sorted(imos[mmsi]) if i in known), None)
        off_hull = 0.0
        if hull is not None:
            off_hull = max(max(spread([d[0], hull[0]]), spread([d[1], hull[1]])) for d in seen)
        if change <= limit and off_hull <= limit:
            continue
        out.append(
            _row(
                "dimension_mismatch",
                (mmsi,),
                min(v[0] for v in seen.values()),
                max(v[1] for v in seen.values()),
                basis=[b for b, v in (("broadcasts", change), ("known", off_hull)) if v > limit],
                dimensions=[_label(d) for d, _ in ordered],
                max_change=round(max(change, off_hull), 4),
                known=None if hull is None else _label(hull),
            )
        )
    out += _shared_imo_rows(claims, imos, limit)
    return out


def _shared_imo_rows(
    claims: Mapping[int, Mapping[Dimensions, list[int]]],
    imos: Mapping[int, set[str]],
    tolerance: float,
) -> list[Row]:
    """Pairs of MMSIs that send one IMO with lengths further apart than `tolerance`, each
    MMSI sized by its most broadcast length (ties: the smaller)."""
    by_imo: dict[str, list[int]] = defaultdict(list)
    for mmsi, values in imos.items():
        for imo in values:
            if mmsi in claims:
                by_imo[imo].append(mmsi)
    out: list[Row] = []
    for imo, mmsis in sorted(by_imo.items()):
        sized = sorted(
            (m, min(claims[m].items(), key=lambda kv: (-kv[1][2], kv[0][0]))[0][0])
            for m in set(mmsis)
        )
        for i, (m1, l1) in enumerate(sized):
            for m2, l2 in sized[i + 1 :]:
                if spread([l1, l2]) <= tolerance:
                    continue
                spans = [v for m in (m1, m2) for v in claims[m].values()]
                out.append(
                    _row(
                        "dimension_mismatch",
                        (m1, m2),
                        min(v[0] for v in spans),
                        max(v[1] for v in spans),
                        basis=["imo"],
                        imo_value=imo,
                        dimensions=[f"{l1:g}", f"{l2:g}"],
                        max_change=round(spread([l1, l2]), 4),
                    )
                )
    return out

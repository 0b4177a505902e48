"""Identity anomalies from per-MMSI summaries (computed by SQL on either engine).

Kinds: `dprk_flag` (MID 445), `shared_or_spoofed_mmsi` (one MMSI in two places at an impossible
speed), `invalid_imo` / `placeholder_imo`, `imo_on_several_mmsis` (overlapping in time, or
sequential = a re-flag or MMSI change), `name_change` / `callsign_change`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sanctionwatch.maritime.params import IdentityParams

Row = dict[str, Any]


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
    jumps: Iterable[Mapping[str, Any]], summary: Iterable[Mapping[str, Any]], params: IdentityParams
) -> list[Row]:
    """Identity anomaly rows from the `jumps_sql` and `identity_summary_sql` results."""
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

"""Realistic alerts and ship events for workspace tests, in the shapes `cases.model` documents.

The showcase vessels are real designations: YUK TUNG (OFAC SDN ent_num 23788, IMO 9030591,
DPRK4 programme, "Linked To: YUK TUNG ENERGY PTE LTD") and CHON MA SAN (ent_num 23729,
IMO 8660313, DPRK-flagged), as in `../shared/data/lists/us_ofac/sdn_csv_2021-07/sdn.csv`.
The MMSIs are illustrative (445 is the DPRK's maritime identification digits).
"""

from __future__ import annotations

from typing import Any

from sanctionwatch.cases.model import Alert, EntityRef, VesselRef, fingerprint

LIST_VERSIONS = {"us_ofac_sdn": "2021-07-07", "un_sc_sanctions": "2026-02-27"}

YUK_TUNG: dict[str, Any] = {
    "entity_id": "ofac-23788",
    "imo": "9030591",
    "mmsi": 352001234,
    "name": "YUK TUNG",
}
CHON_MA_SAN: dict[str, Any] = {
    "entity_id": "ofac-23729",
    "imo": "8660313",
    "mmsi": 445539000,
    "name": "CHON MA SAN",
}


def vessel_json(ship: dict[str, Any], *, flag: str) -> dict[str, Any]:
    return {"mmsi": ship["mmsi"], "imo": ship["imo"], "name": ship["name"], "flag": flag}


def ship_event(
    type: str,
    ships: list[tuple[dict[str, Any], str]],
    *,
    start: str,
    end: str | None,
    lat: float,
    lon: float,
    details: dict[str, Any] | None = None,
    designated: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    """An issue-5 event dict: vessels, times, place, details and watchlist hits."""
    return {
        "type": type,
        "vessels": [vessel_json(ship, flag=flag) for ship, flag in ships],
        "start": start,
        "end": end,
        "lat": lat,
        "lon": lon,
        "duration_h": None,
        "details": details or {},
        "watchlist": [
            {
                "name": ship["name"],
                "imo": ship["imo"],
                "mmsi": None,
                "list": "us_ofac_sdn",
                "entity_id": ship["entity_id"],
                "source": "store",
            }
            for ship in designated
        ],
        "definition": f"{type}@1",
        "params_hash": "5f1c0e7a",
    }


def event_alert(event: dict[str, Any], *, severity: str = "high") -> Alert:
    """The alert the monitor raises for a ship event (entities: its designated vessels)."""
    mmsis = [v["mmsi"] for v in event["vessels"]]
    names = " / ".join(v["name"] for v in event["vessels"])
    return Alert(
        kind="ship_event",
        fingerprint=fingerprint(
            "ship_event", event["type"], mmsis, event["start"], event["definition"]
        ),
        title=f"{event['type']}: {names}",
        severity=severity,  # type: ignore[arg-type]
        algorithm=event["definition"],
        params_hash=event["params_hash"],
        list_versions=LIST_VERSIONS,
        source="ais/east-china-sea-2024-03.nmea",
        evidence=event,
        occurred_at=event["start"],
        entities=tuple(
            EntityRef(
                entity_id=w["entity_id"], dataset=w["list"], caption=w["name"], schema="Vessel"
            )
            for w in event["watchlist"]
        ),
        vessels=tuple(
            VesselRef(mmsi=v["mmsi"], imo=v["imo"], name=v["name"], flag=v["flag"])
            for v in event["vessels"]
        ),
        countries=tuple(
            sorted({"kp"} if any(v["flag"] == "KP" for v in event["vessels"]) else set())
        ),
    )


def document_alert(
    *,
    source: str,
    language: str,
    title: str,
    evidence: str,
    ship: dict[str, Any],
    occurred_at: str | None,
    category: str = "ship_to_ship_transfer",
) -> Alert:
    """A document finding whose linked mention is the ship's list entity (IMO when known)."""
    text_sha = fingerprint("text", evidence)
    mention = {
        "text": ship["name"],
        "label": "VESSEL",
        "entity_id": ship["entity_id"],
        "imo": ship["imo"],
        "score": 0.93,
    }
    return Alert(
        kind="document_finding",
        fingerprint=fingerprint("document_finding", source, text_sha),
        title=title,
        severity="medium",
        algorithm="reader@1",
        params_hash="0c9d2b11",
        list_versions=LIST_VERSIONS,
        source=source,
        evidence={
            "document": {"source": source, "language": language, "title": title},
            "activities": [
                {
                    "evidence": evidence,
                    "start": 0,
                    "end": len(evidence),
                    "category": category,
                    "direction": "to_dprk",
                    "assertion": "asserted",
                    "provisions": ["UNSCR 2397 (2017) para 5"],
                }
            ],
            "mentions": [mention],
            "text_sha256": text_sha,
        },
        occurred_at=occurred_at,
        entities=(
            EntityRef(
                entity_id=ship["entity_id"],
                dataset="us_ofac_sdn",
                caption=ship["name"],
                schema="Vessel",
            ),
        ),
        vessels=(VesselRef(imo=ship["imo"], name=ship["name"]),),
        countries=("kp",),
    )


def screening_alert(name: str, entity_id: str, *, row: int, score: float = 0.91) -> Alert:
    """A portfolio row that matched a listed party."""
    return Alert(
        kind="screening_hit",
        fingerprint=fingerprint("screening_hit", "portfolio.csv", row, entity_id),
        title=f"portfolio row {row}: {name} ~ {entity_id}",
        severity="high" if score >= 0.9 else "medium",
        algorithm="sw-v1",
        params_hash="a1b2c3d4",
        list_versions=LIST_VERSIONS,
        source="portfolio.csv",
        evidence={
            "portfolio": "portfolio.csv",
            "row": row,
            "query": {"name": name},
            "match": {"id": entity_id, "caption": name, "schema": "Company", "score": score},
        },
        occurred_at=None,
        entities=(
            EntityRef(entity_id=entity_id, dataset="us_ofac_sdn", caption=name, schema="Company"),
        ),
    )


def showcase_events() -> tuple[dict[str, Any], dict[str, Any]]:
    """YUK TUNG goes dark, then meets the DPRK-flagged CHON MA SAN in the East China Sea."""
    gap = ship_event(
        "gap",
        [(YUK_TUNG, "PA")],
        start="2024-03-01T02:10:00Z",
        end="2024-03-02T06:40:00Z",
        lat=31.12,
        lon=123.85,
        details={"kind": "likely_intentional", "likely_intentional": True, "gap_h": 28.5},
        designated=(YUK_TUNG,),
    )
    encounter = ship_event(
        "encounter",
        [(YUK_TUNG, "PA"), (CHON_MA_SAN, "KP")],
        start="2024-03-02T08:00:00Z",
        end="2024-03-02T13:30:00Z",
        lat=31.05,
        lon=123.92,
        details={"median_distance_m": 35.0, "min_distance_m": 12.0},
        designated=(YUK_TUNG, CHON_MA_SAN),
    )
    return gap, encounter


def showcase_alerts() -> list[Alert]:
    """The showcase: the tanker's AIS gap, its encounter, and a Korean news report about it."""
    gap, encounter = showcase_events()
    report = document_alert(
        source="https://www.yna.co.kr/view/AKR20240305000100504",
        language="ko",
        title="대북제재 선박 육퉁호, 동중국해서 북한 선박과 환적 정황",
        evidence=(
            "제재 대상 유조선 육퉁(YUK TUNG)호가 북한 선적 천마산호와 "
            "선박 간 환적을 한 정황이 포착됐다."
        ),
        ship=YUK_TUNG,
        occurred_at="2024-03-05T00:00:00Z",
    )
    return [event_alert(gap), event_alert(encounter), report]

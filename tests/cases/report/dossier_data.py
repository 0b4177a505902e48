"""A realistic case dossier built from real data, and its JSON form (the test fixture).

- Lists: the UN DPRK subset (`un/derived/consolidated_DPRK_1718_subset.xml`) and the DPRK rows
  of the OFAC SDN CSV of 2024-05-03 (vessels with IMO numbers: YUK TUNG, CHON MA SAN), imported
  into a tmp SQLite store; entity dicts come from `Store.entity_nested`, as in the workspace.
- Documents: the reader (no statistical NER, gazetteer from the lists) on the German editorial
  and the Russian (Foreign Trade Bank, KPe.047) and Korean dev texts, turned into alerts by the
  monitor's own producer (`alerts_from_finding`).
- Ship events: an AIS gap of YUK TUNG and its encounter with the DPRK-flagged CHON MA SAN in
  the issue-5 event JSON, through `alerts_from_events`.
- Screening: the screener built from the store matches a portfolio party, through
  `alerts_from_screening`.
Plus notes and decisions, and names and notes carrying HTML payloads (stored XSS tests).

Building takes tens of CPU-seconds (parsing lists, the gazetteer, the screening index), so
the tests read the result from `dossier.json`; `test_fixture.py` (slow) rebuilds it and fails
when it no longer matches what the code produces. Regenerate with
`.venv/bin/python -m tests.cases.report.dossier_data`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from sanctionwatch.cases.dossier import stable_entity
from sanctionwatch.cases.model import (
    Alert,
    AuditEntry,
    Case,
    CaseDossier,
    Decision,
    Note,
    StoredAlert,
)
from sanctionwatch.cases.portfolio import PortfolioRow
from sanctionwatch.cases.producers import (
    alerts_from_events,
    alerts_from_finding,
    alerts_from_screening,
)
from sanctionwatch.documents.gazetteer import Gazetteer
from sanctionwatch.documents.model import Document
from sanctionwatch.documents.reader import Reader
from sanctionwatch.documents.regime import load_regime
from sanctionwatch.errors import NotFoundError
from sanctionwatch.screening.service import MatchOptions, Screener
from sanctionwatch.sources import un_sc_xml, us_ofac_csv
from sanctionwatch.sources.base import SourceFile
from sanctionwatch.store import Store, open_store
from tests.paths import DOCUMENTS, LISTS, REGIMES

GENERATED_AT = "2026-11-29T02:10:00Z"
FIXTURE = Path(__file__).with_name("dossier.json")
XSS_NAME = '<script>alert("x")</script><img src=x "onerror=alert(1)>'
DOCS = (
    DOCUMENTS / "putin-kim-summit-de.txt",
    DOCUMENTS / "dev" / "11-ru-tatarinform-banki-sankcii-kndr-2022.txt",
    DOCUMENTS / "dev" / "14-ko-nocutnews-nis-pabyeong-mugi-2025.txt",
)
YUK_TUNG = {"mmsi": 352001234, "imo": "9030591", "name": "YUK TUNG", "flag": "PA"}
CHON_MA_SAN = {"mmsi": 445539000, "imo": "8660313", "name": "CHON MA SAN", "flag": "KP"}


def _ofac_dprk(tmp: Path) -> SourceFile:
    """The DPRK programme rows of the real SDN CSV (the whole file takes seconds to parse)."""
    source = LISTS / "us_ofac" / "sdn_csv_2024-05-03" / "sdn.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    with source.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) > 3 and "DPRK" in row[3]:
                writer.writerow(row)
    path = tmp / "sdn.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return SourceFile.read(path)


def build_store(tmp: Path) -> Store:
    """A SQLite store in `tmp` with the UN DPRK subset and the OFAC DPRK rows imported."""
    un = un_sc_xml.parse(
        [SourceFile.read(LISTS / "un" / "derived" / "consolidated_DPRK_1718_subset.xml")]
    )
    ofac = us_ofac_csv.parse([_ofac_dprk(tmp)])
    store = open_store(f"sqlite:///{tmp / 'store.sqlite'}")
    store.import_list(un)
    store.import_list(ofac, version="2024-05-03")
    return store


def _event(kind: str, vessels: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    watch = (
        [
            {
                "entity_id": "ofac-23788",
                "list": "us_ofac_sdn",
                "name": "YUK TUNG",
                "imo": "9030591",
                "vessel_mmsi": YUK_TUNG["mmsi"],
            }
        ]
        if any(v["mmsi"] == YUK_TUNG["mmsi"] for v in vessels)
        else []
    )
    return {
        "type": kind,
        "vessels": vessels,
        "watchlist": watch,
        "definition": f"{kind}@1",
        "params_hash": hashlib.sha256(kind.encode()).hexdigest()[:12],
        **fields,
    }


def ship_events() -> list[dict[str, Any]]:
    """YUK TUNG goes dark in the East China Sea, then meets CHON MA SAN off Nampo."""
    return [
        _event(
            "gap",
            [YUK_TUNG],
            start="2024-03-02T04:10:00Z",
            end="2024-03-03T19:40:00Z",
            lat=31.52,
            lon=123.91,
            duration_h=39.5,
            details={
                "kind": "likely_intentional",
                "end_lat": 38.31,
                "end_lon": 124.62,
                "distance_km": 801.2,
                "likely_intentional": True,
            },
        ),
        _event(
            "encounter",
            [YUK_TUNG, CHON_MA_SAN],
            start="2024-03-03T21:05:00Z",
            end="2024-03-04T03:35:00Z",
            lat=38.42,
            lon=124.71,
            duration_h=6.5,
            details={"median_distance_m": 82.0, "median_speed_kn": 0.4},
        ),
    ]


def _findings(store: Store, versions: dict[str, str]) -> list[Alert]:
    reader = Reader(
        gazetteer=Gazetteer.build(store.entities()),
        regime=load_regime(REGIMES / "dprk-1718.yaml"),
    )
    alerts: list[Alert] = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        # the path below the shared data folder: the fixture must not depend on where it is
        source = path.relative_to(DOCUMENTS.parent).as_posix()
        finding = reader.analyze(Document(source=source, text=text, title=path.stem))
        digest = hashlib.sha256(text.encode()).hexdigest()
        found = alerts_from_finding(finding.to_dict(), text_sha256=digest, list_versions=versions)
        assert found, f"the reader raised no alert on {path.name}"
        alerts.extend(found)
    return alerts


def _screening(store: Store, versions: dict[str, str]) -> list[Alert]:
    screener = Screener.build(store.entities(), versions=versions)
    row = PortfolioRow(
        line=7,
        key="cp-0042",
        schema="Organization",
        properties={"name": ("Foreign Trade Bank of the DPRK",), "country": ("kp",)},
        values={"name": "Foreign Trade Bank of the DPRK", "country": "KP"},
    )
    matches = [m.to_dict() for m in screener.match(row.query(), MatchOptions(threshold=0.6))]
    return alerts_from_screening(
        [(row, matches)], portfolio="/srv/portfolio/counterparties.csv", list_versions=versions
    )


def build_dossier(alerts: list[Alert], store: Store, *, case_title: str, note: str) -> CaseDossier:
    stored = tuple(
        StoredAlert(
            id=n,
            alert=alert,
            status="in_case",
            created_at=f"2026-11-2{n % 9}T0{n % 9}:00:00Z",
            run_id="run-1",
            case_ids=(1,),
        )
        for n, alert in enumerate(alerts, start=1)
    )
    ids = dict.fromkeys(e.entity_id for a in alerts for e in a.entities)
    entities = []
    for entity_id in ids:
        try:
            entities.append(stable_entity(store.entity_nested(entity_id)))
        except NotFoundError:
            continue
    case = Case(
        id=1,
        title=case_title,
        status="under_review",
        summary="YUK TUNG, designated by OFAC, went dark for 39 hours and met the DPRK-flagged "
        "CHON MA SAN off Nampo; reporting in German, Russian and Korean describes the trade.",
        created_at="2026-11-28T09:00:00Z",
        updated_at="2026-11-29T01:00:00Z",
        created_by="alice",
    )
    notes = (
        Note(
            1,
            1,
            "alice",
            "Check the Korean report: 김정은 named; Ким Чен Ын in the Russian "
            "one. Größere Lieferungen laut Bericht.",
            "2026-11-28T10:00:00Z",
        ),
        Note(2, 1, "bob", note, "2026-11-28T11:00:00Z"),
    )
    decisions = (
        Decision(
            1,
            1,
            "alice",
            "under_review",
            "Two independent sources and AIS agree.",
            "2026-11-29T01:00:00Z",
        ),
    )
    audit = (
        AuditEntry(
            1, "2026-11-28T09:00:00Z", "alice", "case.create", "case:1", {"title": case_title}
        ),
        AuditEntry(2, "2026-11-28T10:00:00Z", "alice", "note.add", "case:1", {"note": 1}),
        AuditEntry(
            3, "2026-11-29T01:00:00Z", "alice", "case.decide", "case:1", {"status": "under_review"}
        ),
    )
    return CaseDossier(
        case=case,
        alerts=stored,
        entities=tuple(entities),
        notes=notes,
        decisions=decisions,
        audit=audit,
        generated_at=GENERATED_AT,
    )


def case_alerts(store: Store) -> list[Alert]:
    """Ship events, document findings and a screening hit, as the monitor would raise them."""
    versions = store.current_versions()
    events = alerts_from_events(ship_events(), source="ais/yellow-sea.nmea", list_versions=versions)
    return events + _findings(store, versions) + _screening(store, versions)


def build_dossiers(tmp: Path) -> dict[str, CaseDossier]:
    """The showcase dossier and a hostile one (HTML payloads in names, notes, evidence)."""
    with build_store(tmp) as store:
        alerts = case_alerts(store)
        dossier = build_dossier(
            alerts,
            store,
            case_title="YUK TUNG: dark STS with CHON MA SAN",
            note="Ship-to-ship transfer likely; see alert 2.",
        )
        return {"dossier": dossier, "hostile": hostile(alerts, store)}


def hostile(case_alerts: list[Alert], store: Store) -> CaseDossier:
    """Names, notes and document evidence carrying HTML and attribute-breaking payloads."""
    first = case_alerts[0]
    evil_event = dict(first.evidence)
    evil_event["vessels"] = [{**v, "name": XSS_NAME} for v in evil_event["vessels"]]
    doc = next(a for a in case_alerts if a.kind == "document_finding")
    evidence = dict(doc.evidence)
    evidence["document"] = {**evidence["document"], "title": XSS_NAME}
    evidence["activities"] = [
        {**act, "evidence": f"{act['evidence']} {XSS_NAME}"} for act in evidence["activities"]
    ]
    alerts = [
        replace(first, title=XSS_NAME, evidence=evil_event),
        replace(doc, evidence=evidence),
    ]
    return build_dossier(alerts, store, case_title=XSS_NAME, note=XSS_NAME)


# --- the JSON fixture --------------------------------------------------------------------------


def dossier_to_json(dossier: CaseDossier) -> dict[str, Any]:
    return {
        "case": asdict(dossier.case),
        "alerts": [a.to_dict() for a in dossier.alerts],
        "entities": [dict(e) for e in dossier.entities],
        "notes": [asdict(n) for n in dossier.notes],
        "decisions": [asdict(d) for d in dossier.decisions],
        "audit": [{**asdict(a), "details": dict(a.details)} for a in dossier.audit],
        "generated_at": dossier.generated_at,
    }


def dossier_from_json(data: dict[str, Any]) -> CaseDossier:
    return CaseDossier(
        case=Case(**data["case"]),
        alerts=tuple(StoredAlert.from_dict(a) for a in data["alerts"]),
        entities=tuple(data["entities"]),
        notes=tuple(Note(**n) for n in data["notes"]),
        decisions=tuple(Decision(**d) for d in data["decisions"]),
        audit=tuple(AuditEntry(**a) for a in data["audit"]),
        generated_at=data["generated_at"],
    )


def fixture_text(dossiers: dict[str, CaseDossier]) -> str:
    data = {name: _canonical(dossier_to_json(d)) for name, d in sorted(dossiers.items())}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1, default=str) + "\n"


def _canonical(value: Any) -> Any:
    """FtM property values in a fixed order wherever they appear (alert evidence carries
    entities and match results too): parsers fill them from sets, so their order follows
    Python's per-process string hashing, which is not what this fixture is about."""
    if isinstance(value, dict):
        out = {k: _canonical(v) for k, v in value.items()}
        props = out.get("properties")
        if isinstance(props, dict):
            out["properties"] = {k: _sorted_values(v) for k, v in props.items()}
        return out
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _sorted_values(values: Any) -> Any:
    if not isinstance(values, list):
        return values
    plain = sorted((v for v in values if not isinstance(v, dict)), key=str)
    nested = sorted((v for v in values if isinstance(v, dict)), key=lambda e: str(e.get("id")))
    return [*plain, *nested]


def load_fixture() -> dict[str, CaseDossier]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return {name: dossier_from_json(d) for name, d in data.items()}


def main() -> None:
    """Rebuild the fixture: `.venv/bin/python -m tests.cases.report.dossier_data`."""
    with tempfile.TemporaryDirectory() as tmp:
        FIXTURE.write_text(fixture_text(build_dossiers(Path(tmp))), encoding="utf-8")
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    main()

"""Alert producers: which inputs raise alerts, with what severity, entities, vessels and
evidence, and fingerprints that depend on the finding only (never on scores or list versions)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from sanctionwatch.cases.model import fingerprint
from sanctionwatch.cases.portfolio import PortfolioRow
from sanctionwatch.cases.producers import (
    alerts_from_events,
    alerts_from_finding,
    alerts_from_list_changes,
    alerts_from_screening,
    event_reasons,
)
from sanctionwatch.documents.gazetteer import Gazetteer
from sanctionwatch.documents.model import Document
from sanctionwatch.documents.reader import Reader
from sanctionwatch.documents.regime import load_regime
from sanctionwatch.store.models import ChangeItem, Changes
from tests.paths import DOCUMENTS, REGIMES

V1 = {"un_sc_sanctions": "2026-02-27"}
V2 = {"un_sc_sanctions": "2026-03-31", "us_ofac_sdn": "2024-05-03"}

# --- documents -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reader() -> Iterator[Reader]:
    yield Reader(gazetteer=Gazetteer.build(), regime=load_regime(REGIMES / "dprk-1718.yaml"))


def finding_of(reader: Reader, name: str) -> tuple[dict[str, Any], str]:
    path = DOCUMENTS / name
    text = path.read_text(encoding="utf-8")
    finding = reader.analyze(Document(source=str(path), text=text)).to_dict()
    return finding, hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.slow  # the reader's first build (regime, gazetteer, territory names) takes seconds
def test_german_article_raises_one_document_alert(reader: Reader) -> None:
    finding, digest = finding_of(reader, "putin-kim-summit-de.txt")
    [alert] = alerts_from_finding(finding, text_sha256=digest, list_versions=V1)
    assert alert.kind == "document_finding"
    assert alert.severity in ("medium", "high")
    assert alert.fingerprint == fingerprint("document_finding", digest)
    assert alert.algorithm == "reader@v1" and len(alert.params_hash) == 12
    assert alert.list_versions == V1
    assert "kp" in alert.countries and "ru" in alert.countries
    assert alert.evidence["text_sha256"] == digest
    activities = alert.evidence["activities"]
    assert activities and all(a["evidence"] for a in activities)
    assert alert.evidence["document"]["language"] == "de"


@pytest.mark.slow
def test_hard_negative_raises_nothing(reader: Reader) -> None:
    finding, digest = finding_of(reader, "dev/07-de-eu-rat-umsetzung-resolution-2321-2017.txt")
    assert finding["alert"] is False
    assert alerts_from_finding(finding, text_sha256=digest, list_versions=V1) == []


def test_document_fingerprint_follows_the_text_not_the_lists() -> None:
    finding = {
        "document": {"source": "a.txt", "language": "en", "title": "t"},
        "alert": True,
        "activities": [{"category": "coal", "assertion": "alleged_violation", "evidence": "e"}],
        "mentions": [
            {"text": "Wise Honest", "type": "VESSEL", "entity_id": "ofac-1", "imo": "8905490"},
            {"text": "Pyongyang", "type": "LOCATION", "entity_id": None, "imo": None},
        ],
        "countries": ["KP"],
    }
    [a] = alerts_from_finding(finding, text_sha256="1" * 64, list_versions=V1)
    [b] = alerts_from_finding(finding, text_sha256="1" * 64, list_versions=V2)
    [c] = alerts_from_finding(finding, text_sha256="2" * 64, list_versions=V1)
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert a.severity == "medium"
    assert [(e.entity_id, e.schema) for e in a.entities] == [("ofac-1", "Vessel")]
    assert [(v.imo, v.name) for v in a.vessels] == [("8905490", "Wise Honest")]
    assert a.countries == ("kp",)
    stated = {"assertion": "reported_violation", "category": "coal", "evidence": "e"}
    reported = {**finding, "activities": [*finding["activities"], stated]}
    [d] = alerts_from_finding(reported, text_sha256="1" * 64, list_versions=V1)
    assert d.severity == "high"


DATED: dict[str, Any] = {
    "document": {"source": "a.txt", "language": "en", "title": "t"},
    "alert": True,
    "activities": [{"category": "coal", "assertion": "alleged_violation", "evidence": "e"}],
    "mentions": [{"text": "Wise Honest", "type": "VESSEL", "entity_id": "ofac-1", "imo": None}],
}
RECEIVED = "2026-11-29T02:10:00Z"


@pytest.mark.parametrize(
    ("published", "received", "occurred_at", "dated_by"),
    [
        pytest.param("2024-05-12", RECEIVED, "2024-05-12T00:00:00Z", "published", id="date"),
        pytest.param(
            "2024-05-12T09:30:00+09:00", RECEIVED, "2024-05-12T00:30:00Z", "published", id="time"
        ),
        pytest.param(None, RECEIVED, RECEIVED, "received", id="no-publication-date"),
        pytest.param("", RECEIVED, RECEIVED, "received", id="empty-publication-date"),
        pytest.param("12 Mai", RECEIVED, RECEIVED, "received", id="unreadable-date-kept-not-used"),
        pytest.param("missing", RECEIVED, RECEIVED, "received", id="reader-without-dates"),
        pytest.param(None, None, None, None, id="neither"),
    ],
)
def test_document_alert_dated_by_publication_else_receipt(
    published: str | None, received: str | None, occurred_at: str | None, dated_by: str | None
) -> None:
    document = dict(DATED["document"])
    if published != "missing":
        document["published"] = published
    finding = {**DATED, "document": document}
    [alert] = alerts_from_finding(
        finding, text_sha256="1" * 64, list_versions=V1, received_at=received
    )
    assert alert.occurred_at == occurred_at
    assert alert.evidence.get("dated_by") == dated_by
    assert alert.evidence["document"] == document  # the reader's value, as it came
    # the date is not part of the identity: the same text read later is the same alert
    assert alert.fingerprint == fingerprint("document_finding", "1" * 64)


# --- ship events -----------------------------------------------------------------------------


def event(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "gap",
        "vessels": [{"mmsi": 412000001, "imo": None, "name": "SOME SHIP", "flag": "CN"}],
        "start": "2024-03-01T02:00:00Z",
        "end": "2024-03-01T20:00:00Z",
        "lat": 38.9,
        "lon": 124.1,
        "duration_h": 18.0,
        "details": {"kind": "gap"},
        "watchlist": [],
        "definition": "gap@v1",
        "params_hash": "abcdef123456",
    }
    return {**base, **over}


LISTED = {
    "name": "NEW REGENT",
    "imo": "8312497",
    "mmsi": None,
    "list": "us_ofac_sdn",
    "entity_id": "ofac-27216",
    "source": "store",
    "basis": "name",
    "vessel_mmsi": 412000001,
}
DPRK = {"mmsi": 445123000, "imo": None, "name": "CHON MA SAN", "flag": "KP"}
TANKER = {"mmsi": 412000001, "imo": None, "name": "NEW REGENT", "flag": "CN"}


@pytest.mark.parametrize(
    ("ev", "reasons", "severity"),
    [
        pytest.param(event(), [], None, id="ordinary-gap-no-alert"),
        pytest.param(event(watchlist=[LISTED]), ["watchlist"], "high", id="listed-vessel-gap"),
        pytest.param(
            event(type="encounter", vessels=[TANKER, DPRK], details={}),
            ["dprk_flag"],
            "medium",
            id="encounter-with-dprk-flag",
        ),
        pytest.param(
            event(vessels=[{**DPRK, "flag": None}]), ["dprk_flag"], "medium", id="mid-445-no-flag"
        ),
        pytest.param(event(type="dark_sts", details={}), ["dark_sts"], "medium", id="dark-sts"),
        pytest.param(
            event(type="dark_sts", vessels=[TANKER, DPRK], details={}),
            ["dprk_flag", "dark_sts"],
            "high",
            id="dark-sts-with-dprk",
        ),
        pytest.param(
            event(type="port_visit", details={"kind": "visit", "port": "NAMPO"}),
            ["port_visit"],
            "high",
            id="dprk-port-visit",
        ),
    ],
)
def test_which_events_raise_alerts(
    ev: Mapping[str, Any], reasons: list[str], severity: str | None
) -> None:
    assert event_reasons(ev) == reasons
    alerts = alerts_from_events([ev], source="ais.nmea", list_versions=V1)
    if severity is None:
        assert alerts == []
        return
    [alert] = alerts
    assert alert.kind == "ship_event" and alert.severity == severity
    assert alert.algorithm == ev["definition"] and alert.params_hash == ev["params_hash"]
    assert alert.occurred_at == ev["start"]
    assert alert.evidence["reasons"] == reasons and alert.evidence["type"] == ev["type"]


def test_listed_vessel_brings_its_entity_and_imo() -> None:
    [alert] = alerts_from_events([event(watchlist=[LISTED])], source="f", list_versions=V1)
    assert [(e.entity_id, e.dataset, e.schema) for e in alert.entities] == [
        ("ofac-27216", "us_ofac_sdn", "Vessel")
    ]
    # The ship broadcast no IMO; the list's IMO ties the event to reports and cases.
    assert [(v.mmsi, v.imo, v.flag) for v in alert.vessels] == [(412000001, "8312497", "CN")]
    assert alert.countries == ("cn",)


def test_event_fingerprint_is_stable_across_runs_and_lists() -> None:
    ev = event(watchlist=[LISTED])
    [a] = alerts_from_events([ev], source="one.nmea", list_versions=V1)
    [b] = alerts_from_events([ev], source="two.nmea", list_versions=V2)
    [c] = alerts_from_events(
        [{**ev, "start": "2024-03-02T02:00:00Z"}], source="one.nmea", list_versions=V1
    )
    assert a.fingerprint == b.fingerprint != c.fingerprint


# --- screening hits and list changes ---------------------------------------------------------


def row(key: str = "C-1", name: str = "최춘식") -> PortfolioRow:
    return PortfolioRow(
        line=2,
        key=key,
        schema="Person",
        properties={"name": (name,), "birthDate": ("1954-10-12",)},
        values={"id": key, "name": name},
    )


def match(entity_id: str, score: float, *, is_match: bool = True, **over: Any) -> dict[str, Any]:
    return {
        "id": entity_id,
        "caption": "CHOE CHUN-SIK",
        "schema": "Person",
        "datasets": ["un_sc_sanctions"],
        "score": score,
        "match": is_match,
        "explanations": {"_meta": {"algorithm": "sw-v1", "params_hash": "0123456789ab"}},
        "features": {"name": score},
        "properties": {"name": ["CHOE CHUN-SIK"], "nationality": ["kp"]},
        **over,
    }


@pytest.mark.parametrize(
    ("matches", "severities"),
    [
        pytest.param([], [], id="no-candidates"),
        pytest.param([match("unsc-1", 0.6, is_match=False)], [], id="below-threshold"),
        pytest.param([match("unsc-1", 0.95)], ["high"], id="strong-hit"),
        pytest.param([match("unsc-1", 0.8)], ["medium"], id="weaker-hit"),
        pytest.param(
            [match("unsc-1", 0.95), match("unsc-2", 0.75)], ["high", "medium"], id="two-hits"
        ),
    ],
)
def test_screening_hits(matches: list[dict[str, Any]], severities: list[str]) -> None:
    alerts = alerts_from_screening(
        [(row(), matches)], portfolio="/data/portfolio.csv", list_versions=V1
    )
    assert [a.severity for a in alerts] == severities
    for alert in alerts:
        assert alert.kind == "screening_hit" and alert.algorithm == "sw-v1"
        assert alert.params_hash == "0123456789ab"
        assert alert.evidence["row"] == 2 and alert.evidence["query"]["key"] == "C-1"
        assert alert.countries == ("kp",)


def test_screening_fingerprint_ignores_score_folder_and_lists() -> None:
    def one(score: float, portfolio: str, versions: Mapping[str, str]) -> str:
        [alert] = alerts_from_screening(
            [(row(), [match("unsc-1", score)])], portfolio=portfolio, list_versions=versions
        )
        return alert.fingerprint

    base = one(0.95, "/a/portfolio.csv", V1)
    assert one(0.91, "/b/portfolio.csv", V2) == base
    [other] = alerts_from_screening(
        [(row(key="C-2"), [match("unsc-1", 0.95)])], portfolio="/a/portfolio.csv", list_versions=V1
    )
    assert other.fingerprint != base


def test_vessel_hit_carries_the_listed_imo() -> None:
    hit = match(
        "ofac-1",
        0.97,
        schema="Vessel",
        caption="AN SAN 1",
        properties={"imoNumber": ["IMO7303803"], "flag": ["kp"]},
    )
    [alert] = alerts_from_screening([(row(), [hit])], portfolio="p.csv", list_versions=V1)
    assert [(v.imo, v.flag) for v in alert.vessels] == [("7303803", "KP")]


def changes(from_version: str | None, added: list[str], modified: list[str]) -> Changes:
    def item(entity_id: str) -> ChangeItem:
        return ChangeItem(entity_id, "CHOE CHUN-SIK", "Person", {"unscId": ["KPi.013"]})

    return Changes(
        dataset="un_sc_sanctions",
        from_version=from_version,
        to_version="2026-02-27",
        added=[item(i) for i in added],
        removed=[],
        modified=[item(i) for i in modified],
    )


@pytest.mark.parametrize(
    ("diff", "expected"),
    [
        pytest.param(changes(None, ["unsc-1"], []), [], id="first-import-is-no-news"),
        pytest.param(changes("2025-11-20", ["unsc-1"], []), [("added", "high")], id="added"),
        pytest.param(changes("2025-11-20", [], ["unsc-1"]), [("modified", "medium")], id="amended"),
        pytest.param(changes("2025-11-20", ["unsc-9"], []), [], id="change-not-in-portfolio"),
    ],
)
def test_list_changes_hitting_the_portfolio(diff: Changes, expected: list[tuple[str, str]]) -> None:
    screened = [(row(), [match("unsc-1", 0.95), match("unsc-9", 0.6, is_match=False)])]
    alerts = alerts_from_list_changes([diff], screened, portfolio="p.csv", list_versions=V1)
    assert [(a.evidence["change"], a.severity) for a in alerts] == expected
    for alert in alerts:
        assert alert.kind == "list_change" and alert.algorithm == "list-diff@v1"
        assert alert.occurred_at == "2026-02-27T00:00:00Z"
        assert alert.evidence["portfolio_row"]["key"] == "C-1"
        assert alert.evidence["entity"]["id"] == "unsc-1"
        assert alert.evidence["item"]["references"] == {"unscId": ["KPi.013"]}

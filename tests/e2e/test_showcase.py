"""Issue 6's showcase, run as a user runs it: the CLI on a fresh data folder.

A designated tanker's AIS gap, its encounter with a North Korean-flagged ship and a Korean news
report naming it end up in one case. Nothing is hand-built: the list is OFAC's real SDN CSV of
2024-05-03 (YUK TUNG, ent_num 23788, IMO 9030591, programme DPRK4), the AIS is a seeded NMEA
file the real decoder and detectors read, and the news text goes through the real reader.
The invented facts are the voyage and the report (the tanker's MMSI, the partner ship
HAE BIT 9, whose name is on no list, and the dates).

The store gets the SDN file's DPRK-programme records (484 of 14,965 rows, copied verbatim into
a file of the same format and name, imported by `sanctionwatch import` through the OFAC CSV
parser). The whole file (40,124 entities) gives the same alerts and the same suggestion, but
its import and the first monitor run's screening index and gazetteer take over a minute.

`sanctionwatch import` -> `monitor --once` (twice) -> `cases suggest` -> `cases new`, `add`,
`decide` -> `report --format html|ftm`.
"""

from __future__ import annotations

import csv
import html
import json
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pyais import encode_dict
from typer.testing import CliRunner

from sanctionwatch.cli.main import build_app
from sanctionwatch.maritime.synthetic import KN_MS, Meeting, meeting_rows, move, random_tracks
from tests.paths import AIS, LISTS

# One module fixture runs the whole story; the group keeps its tests on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e_showcase")]

SEED = 20240510
SDN = LISTS / "us_ofac" / "sdn_csv_2024-05-03" / "sdn.csv"
NEWS = Path(__file__).parent / "fixtures" / "yuk-tung-sts-ko.txt"
AIS_CONTEXT = AIS / "context"
EVIDENCE = "YUK TUNG호가 북한 선박에 경유 약 2천 배럴을 해상 환적했다"


@dataclass(frozen=True)
class Ship:
    """What a ship broadcasts about itself (AIS message 5)."""

    mmsi: int
    name: str
    callsign: str
    imo: int = 0  # 0: none broadcast, as many DPRK ships do
    ship_type: int = 80  # tanker


TANKER = Ship(mmsi=352001234, name="YUK TUNG", callsign="3EYT7", imo=9030591)
PARTNER = Ship(mmsi=445277000, name="HAE BIT 9", callsign="HMHB9")  # 445: DPRK MID
TANKER_ENTITY = "ofac-23788"  # the SDN CSV's ent_num, as the store names it

T0 = int(datetime(2024, 5, 10, tzinfo=UTC).timestamp())
HOUR = 3600
INTERVAL_S = 180  # a class-A tanker under way reports every few seconds; receivers keep less
GAP_START_H = 12  # the tanker goes dark at 12:00 on 10 May ...
DARK_H = 16  # ... and is heard again 16 h later, 30 nm from where it meets the partner
MEET_START = T0 + (GAP_START_H + DARK_H + 3) * HOUR  # 11 May 07:00 UTC
MEET_H = 4


# --- the AIS file ------------------------------------------------------------------------------


def tanker_before_gap(rng: random.Random) -> list[dict[str, Any]]:
    """Dense reports from the south of the Yellow Sea, NE at 6 kn, until it goes dark."""
    rows = []
    lat, lon = 35.30, 122.80
    for t in range(T0, T0 + GAP_START_H * HOUR, INTERVAL_S):
        ts = t + rng.randrange(-20, 21)
        rows.append({"mmsi": TANKER.mmsi, "ts": ts, "lat": lat, "lon": lon, "sog": 6.0, "cog": 45})
        lat, lon = move(lat, lon, 45.0, 6.0 * KN_MS * INTERVAL_S)
    return rows


def voyage_rows(seed: int) -> list[dict[str, Any]]:
    """Every position of the scenario: background traffic, the tanker before its gap, and the
    meeting (both ships approach at 10 kn, drift 120 m apart at 0.4 kn for 4 h, leave)."""
    rng = random.Random(seed)
    background = random_tracks(
        rng,
        n_vessels=6,
        start=T0,
        hours=40,
        interval_s=300,
        lat0=35.4,
        lon0=123.0,
        box_deg=1.0,
        first_mmsi=412_440_000,
    )
    meeting = Meeting(
        mmsis=(TANKER.mmsi, PARTNER.mmsi),
        lat=36.0,
        lon=123.5,
        start=MEET_START,
        duration_s=MEET_H * HOUR,
        dist_m=120.0,
        speed_kn=0.4,
        interval_s=INTERVAL_S,
    )
    return background + tanker_before_gap(rng) + meeting_rows(meeting, rng)


def _tagged(sentence: str, ts: int) -> str:
    """An NMEA 4.0 tag block with the receive time, as coastal networks deliver it."""
    body = f"s:sw-e2e,c:{ts}"
    checksum = 0
    for char in body:
        checksum ^= ord(char)
    return f"\\{body}*{checksum:02X}\\{sentence}"


def nmea_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Message 1 for every position; message 5 (IMO, name, call sign) every other report of
    the two ships of the story, the way a ship repeats its static data every few minutes."""
    ships = {s.mmsi: s for s in (TANKER, PARTNER)}
    timed: list[tuple[int, str]] = []
    sequence = 0
    for index, row in enumerate(sorted(rows, key=lambda r: (r["ts"], r["mmsi"]))):
        cog = row.get("cog")
        position = {
            "type": 1,
            "mmsi": row["mmsi"],
            "status": 0,
            "lat": row["lat"],
            "lon": row["lon"],
            "speed": row["sog"],
            "course": 360.0 if cog is None else float(cog),
            "heading": 511,
            "accuracy": 1,
        }
        for sentence in encode_dict(position, talker_id="AI", sentence_type="VDM"):
            timed.append((row["ts"], _tagged(sentence, row["ts"])))
        ship = ships.get(row["mmsi"])
        if ship is not None and index % 2 == 0:
            sequence = (sequence + 1) % 10
            static = {
                "type": 5,
                "mmsi": ship.mmsi,
                "imo": ship.imo,
                "shipname": ship.name,
                "callsign": ship.callsign,
                "ship_type": ship.ship_type,
                "to_bow": 90,
                "to_stern": 20,
                "to_port": 9,
                "to_starboard": 9,
                "draught": 6.5,
            }
            for sentence in encode_dict(
                static, talker_id="AI", sentence_type="VDM", seq_id=sequence
            ):
                timed.append((row["ts"], _tagged(sentence, row["ts"])))
    return [line for _, line in timed]


def dprk_records(sdn: Path, target: Path) -> int:
    """The SDN CSV's DPRK-programme rows (DPRK, DPRK2, DPRK3, DPRK4, DPRK-NKSPEA), verbatim,
    in a file of the same layout under a folder that dates the list version."""
    kept = []
    for raw in sdn.read_bytes().split(b"\r\n"):
        fields = next(csv.reader([raw.decode("latin-1")]), [])
        if len(fields) > 3 and "DPRK" in fields[3]:
            kept.append(raw)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"\r\n".join(kept) + b"\r\n\x1a")
    return len(kept)


# --- running the CLI ---------------------------------------------------------------------------


def sw(*args: str) -> str:
    """Run one `sanctionwatch` command in-process; its stdout (fails the test on exit != 0)."""
    result = CliRunner().invoke(build_app(args[0]), list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, f"sanctionwatch {' '.join(args)}: {result.stderr}"
    return result.stdout


def sw_json(*args: str) -> Any:
    return json.loads(sw(*args))


@dataclass(frozen=True)
class Showcase:
    """What the commands printed, and the folders they worked in."""

    home: Path
    work: Path
    imported: list[dict[str, Any]]
    first: dict[str, Any]
    second: dict[str, Any]
    alerts: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Showcase]:
    monkeypatch = pytest.MonkeyPatch()
    work = tmp_path_factory.mktemp("showcase")
    home = work / "home"
    monkeypatch.setenv("SANCTIONWATCH_HOME", str(home))
    for name in ("SANCTIONWATCH_DB_URL", "SANCTIONWATCH_CONFIG", "SANCTIONWATCH_MIRROR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SANCTIONWATCH_USER", "analyst:e2e")
    print(f"showcase AIS seed={SEED}")
    try:
        (work / "ais").mkdir()
        lines = nmea_lines(voyage_rows(SEED))
        (work / "ais" / "yellow-sea-2024-05-10.nmea").write_text("\n".join(lines) + "\n")
        (work / "documents").mkdir()
        shutil.copy(NEWS, work / "documents" / NEWS.name)

        subset = work / "lists" / "sdn_csv_2024-05-03" / "sdn.csv"
        assert dprk_records(SDN, subset) == 484
        imported = [json.loads(line) for line in sw("import", str(subset), "--json").splitlines()]
        monitor = (
            "monitor",
            "--once",
            "--no-sync",
            "--documents",
            str(work / "documents"),
            "--ais",
            str(work / "ais"),
            "--ais-context",
            str(AIS_CONTEXT),
            "--json",
        )
        first = sw_json(*monitor)
        second = sw_json(*monitor)
        yield Showcase(
            home=home,
            work=work,
            imported=imported,
            first=first,
            second=second,
            alerts=sw_json("alerts", "--json"),
            suggestions=sw_json("cases", "suggest", "--json"),
        )
    finally:
        monkeypatch.undo()


def by_kind(alerts: list[dict[str, Any]], kind: str, event_type: str | None = None) -> list[Any]:
    return [
        a
        for a in alerts
        if a["kind"] == kind and (event_type is None or a["evidence"].get("type") == event_type)
    ]


def only(alerts: list[dict[str, Any]], kind: str, event_type: str | None = None) -> dict[str, Any]:
    found = by_kind(alerts, kind, event_type)
    assert len(found) == 1, f"{kind} {event_type}: {[a['title'] for a in found]}"
    return found[0]


def text_of(page: str) -> str:
    """An HTML page's visible text: highlight marks dropped, cells and lines one space apart."""
    page = re.sub(r"<(style|script|svg)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"</?(mark|b|i|em|strong|span|a)\b[^>]*>", "", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# --- the tests ---------------------------------------------------------------------------------


def test_the_store_holds_the_designated_tanker(showcase: Showcase) -> None:
    (imported,) = showcase.imported
    assert (imported["dataset"], imported["version"]) == ("us_ofac_sdn", "2024-05-03")
    assert imported["by_schema"]["Vessel"] == 105
    entity = sw_json("entity", TANKER_ENTITY, "--json")
    assert entity["schema"] == "Vessel"
    assert entity["properties"]["name"] == ["YUK TUNG"]
    assert entity["properties"]["imoNumber"] == ["IMO9030591"]


def test_first_monitor_run_raises_the_three_alerts(showcase: Showcase) -> None:
    first = showcase.first
    assert first["warnings"] == []
    assert first["list_versions"] == {"us_ofac_sdn": "2024-05-03"}
    assert (first["documents_read"], first["documents_flagged"]) == (1, 1)
    assert first["ais_files_read"] == 1
    # every report of the file decoded: positions of the story and of the background traffic
    assert first["ais_positions"] == len(voyage_rows(SEED))
    assert first["alerts_new"] == first["alerts_total"] == len(showcase.alerts)
    assert first["alerts_new_by_kind"]["document_finding"] == 1
    assert first["alerts_new_by_kind"]["ship_event"] >= 2
    # the six unlisted, non-DPRK ships of the background traffic raise nothing
    story = {TANKER.mmsi, PARTNER.mmsi}
    for alert in by_kind(showcase.alerts, "ship_event"):
        assert {v["mmsi"] for v in alert["vessels"]} <= story, alert["title"]


def test_second_run_on_the_same_inputs_raises_nothing(showcase: Showcase) -> None:
    second = showcase.second
    assert second["alerts_new"] == 0
    assert second["alerts_total"] == showcase.first["alerts_total"]
    assert (second["documents_skipped"], second["ais_files_skipped"]) == (1, 1)
    assert second["events_new"] == 0


def test_the_gap_comes_from_the_detector_with_the_tanker_flagged(showcase: Showcase) -> None:
    gap = only(showcase.alerts, "ship_event", "gap")
    event = gap["evidence"]
    assert [v["mmsi"] for v in event["vessels"]] == [TANKER.mmsi]
    assert event["vessels"][0]["imo"] == "9030591" and event["vessels"][0]["name"] == "YUK TUNG"
    assert event["duration_h"] >= 14
    start = datetime.fromisoformat(event["start"].replace("Z", "+00:00")).timestamp()
    assert abs(start - (T0 + GAP_START_H * HOUR)) <= INTERVAL_S + 20
    # dense reception before it, far from any port: the detector calls it likely intentional
    assert event["details"]["likely_intentional"] is True
    listed = [w for w in event["watchlist"] if w.get("entity_id") == TANKER_ENTITY]
    assert listed and listed[0]["basis"] == "imo" and listed[0]["list"] == "us_ofac_sdn"
    assert [e["entity_id"] for e in gap["entities"]] == [TANKER_ENTITY]
    assert "watchlist" in event["reasons"] and gap["severity"] == "high"


def test_the_encounter_with_the_dprk_ship_comes_from_the_detector(showcase: Showcase) -> None:
    encounter = only(showcase.alerts, "ship_event", "encounter")
    event = encounter["evidence"]
    assert sorted(v["mmsi"] for v in event["vessels"]) == [TANKER.mmsi, PARTNER.mmsi]
    partner = next(v for v in event["vessels"] if v["mmsi"] == PARTNER.mmsi)
    assert (partner["flag"], partner["name"]) == ("KP", "HAE BIT 9")
    assert event["details"]["min_dist_km"] <= 0.3 and event["details"]["median_kn"] < 1.0
    assert event["duration_h"] >= 3
    assert set(event["reasons"]) >= {"watchlist", "dprk_flag"}
    assert [e["entity_id"] for e in encounter["entities"]] == [TANKER_ENTITY]
    assert {v["imo"] for v in encounter["vessels"]} >= {"9030591"}


def test_the_korean_report_is_linked_to_the_listed_tanker(showcase: Showcase) -> None:
    doc = only(showcase.alerts, "document_finding")
    assert doc["evidence"]["document"]["language"] == "ko"
    assert [e["entity_id"] for e in doc["entities"]] == [TANKER_ENTITY]
    assert [v["imo"] for v in doc["vessels"]] == ["9030591"]
    mentions = doc["evidence"]["mentions"]
    assert {(m["text"], m["type"], m["imo"]) for m in mentions} == {
        ("YUK TUNG", "VESSEL", "9030591")
    }
    reported = {
        a["category"]
        for a in doc["evidence"]["activities"]
        if a["assertion"] == "reported_violation" and EVIDENCE in a["evidence"]
    }
    assert reported == {"refined_petroleum_supply", "ship_to_ship_transfers"}
    assert doc["severity"] == "high"
    # no dateline: the alert is dated by when the monitor read it, which takes no part in the
    # suggestion's windows (the report joins the tanker's latest incident instead)
    assert doc["evidence"]["document"].get("published") is None
    assert doc["evidence"]["dated_by"] == "received"
    assert doc["occurred_at"] <= doc["created_at"]


def test_suggest_proposes_one_case_for_gap_encounter_and_report(showcase: Showcase) -> None:
    (suggestion,) = showcase.suggestions
    wanted = {
        only(showcase.alerts, "ship_event", "gap")["id"],
        only(showcase.alerts, "ship_event", "encounter")["id"],
        only(showcase.alerts, "document_finding")["id"],
    }
    assert set(suggestion["alert_ids"]) >= wanted
    # the rest (the partner's DPRK-MID identity event) joins through the partner's MMSI
    assert sorted(suggestion["alert_ids"]) == sorted(a["id"] for a in showcase.alerts)
    assert suggestion["case_id"] is None
    reasons = set(suggestion["reasons"])
    assert {f"entity:{TANKER_ENTITY}", "imo:9030591", "window:2024-05-10..2024-05-11"} <= reasons


def test_case_decided_and_reported_in_html_and_ftm(showcase: Showcase) -> None:
    (suggestion,) = showcase.suggestions
    alert_args = [arg for i in suggestion["alert_ids"] for arg in ("--alert", str(i))]
    case = sw_json(
        "cases", "new", "YUK TUNG: dark 16 h, then STS with HAE BIT 9", *alert_args, "--json"
    )
    note = "Gap ends 30 nm from the meeting point; the report names the tanker by IMO."
    sw("cases", "add", str(case["id"]), "--note", note)
    sw(
        "cases",
        "decide",
        str(case["id"]),
        "--status",
        "confirmed",
        "--rationale",
        "AIS and press agree",
    )
    shown = sw_json("cases", "show", str(case["id"]), "--json")
    assert shown["case"]["status"] == "confirmed"
    assert sorted(a["id"] for a in shown["alerts"]) == list(suggestion["alert_ids"])
    assert sw_json("cases", "suggest", "--json") == []  # nothing new left to group

    page = showcase.work / "report.html"
    sw("report", str(case["id"]), "--format", "html", "-o", str(page))
    text = text_of(page.read_text(encoding="utf-8"))
    for needed in (
        "YUK TUNG",
        "IMO Number IMO9030591",  # the list's identifier, in the entities section
        "Office of Foreign Assets Control DPRK4 23788",  # authority, programme, reference
        f'"{EVIDENCE}"',  # the evidence sentence, as quoted in the article
        "gap (likely_intentional)",
        "encounter",
        "HAE BIT 9",
        note,
        "confirmed",
    ):
        assert needed in text, needed

    lines = showcase.work / "report.ftm.json"
    sw("report", str(case["id"]), "--format", "ftm", "-o", str(lines))
    entities = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    by_id = {e["id"]: e for e in entities}
    tanker = by_id[TANKER_ENTITY]
    assert tanker["schema"] == "Vessel" and tanker["properties"]["imoNumber"] == ["IMO9030591"]
    events = {e["properties"]["name"][0]: e["id"] for e in entities if e["schema"] == "Event"}
    assert {"gap: YUK TUNG", "encounter: YUK TUNG / HAE BIT 9"} <= set(events)
    linked_to_tanker = {
        e["properties"]["subject"][0]
        for e in entities
        if e["schema"] == "UnknownLink" and e["properties"]["object"] == [TANKER_ENTITY]
    }
    assert {events["gap: YUK TUNG"], events["encounter: YUK TUNG / HAE BIT 9"]} <= linked_to_tanker
    notes = [
        d for e in entities if e["schema"] == "Note" for d in e["properties"].get("description", [])
    ]
    assert any(EVIDENCE in d for d in notes)
    assert any(
        e["schema"] == "Project" and e["properties"]["name"] == [case["title"]] for e in entities
    )

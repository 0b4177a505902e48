"""Small pure rules: IMO check digit, watchlist matching, window merging, dark STS scoring."""

from __future__ import annotations

import pytest
from followthemoney import model

from sanctionwatch.maritime.events import dark_sts, merge_windows
from sanctionwatch.maritime.flags import flag_of
from sanctionwatch.maritime.identity import imo_check_digit_ok, imo_problem
from sanctionwatch.maritime.params import DarkSTSParams, IdentityParams
from sanctionwatch.maritime.records import Event, VesselRef
from sanctionwatch.maritime.watchlist import Watchlist, load_watchlist, norm_name
from tests.paths import AIS


@pytest.mark.parametrize(
    ("imo", "problem"),
    [
        pytest.param("9562233", None, id="petrel-8-valid"),
        pytest.param("8705539", None, id="kum-un-san-3-valid"),
        pytest.param("9562234", "invalid_imo", id="bad-check-digit"),
        pytest.param("123456789", "placeholder_imo", id="nine-digit-placeholder"),
        pytest.param("1234567", "placeholder_imo", id="1234567"),
        pytest.param("12345", "invalid_imo", id="too-short"),
    ],
)
def test_imo_problem(imo: str, problem: str | None) -> None:
    assert imo_problem(imo, IdentityParams()) == problem


def test_all_watchlist_imos_pass_check_digit() -> None:
    entries = load_watchlist([AIS / "context" / "dprk_vessel_watchlist_sourced.csv"]).entries
    imos = [e.imo for e in entries if e.imo]
    assert len(imos) == 35
    assert all(imo_check_digit_ok(i) for i in imos)


@pytest.mark.parametrize(
    ("mmsi", "flag"),
    [
        pytest.param(445123000, "KP", id="dprk"),
        pytest.param(412331088, "CN", id="china"),
        pytest.param(366000001, "US", id="usa"),
        pytest.param(999000000, None, id="unknown"),
        pytest.param(12345, None, id="not-a-ship"),
    ],
)
def test_flag_of(mmsi: int, flag: str | None) -> None:
    assert flag_of(mmsi) == flag


def _vessel_entity(**props: str) -> object:
    entity = model.make_entity("Vessel")
    entity.id = "vessel-1"
    for key, value in props.items():
        entity.add(key, value)
    return entity


@pytest.mark.parametrize(
    ("mmsi", "imo", "name", "callsign", "basis"),
    [
        pytest.param(1, "8705539", "OTHER", None, "imo", id="imo-wins-over-name"),
        pytest.param(445000001, None, "X", None, "mmsi", id="mmsi"),
        pytest.param(2, None, "Kum Un San-3", "HMYN", "name+callsign", id="name-and-callsign"),
        pytest.param(2, None, "KUM UN SAN 3", "ZZZZ", None, id="name-with-other-callsign"),
        pytest.param(3, None, "NOBODY", None, None, id="no-match"),
    ],
)
def test_watchlist_match_order(
    mmsi: int, imo: str | None, name: str, callsign: str | None, basis: str | None
) -> None:
    watchlist = Watchlist()
    watchlist.extend_entities(
        [
            _vessel_entity(  # type: ignore[list-item]
                name="KUM UN SAN 3", imoNumber="IMO8705539", mmsi="445000001", callSign="HMYN"
            )
        ]
    )
    hits = watchlist.match(mmsi=mmsi, imo=imo, name=name, callsign=callsign)
    assert [h["basis"] for h in hits] == ([basis] if basis else [])


def test_norm_name() -> None:
    assert norm_name("Min Ning De You No.078") == "MIN NING DE YOU NO 078"


def _event(
    start: int,
    end: int,
    kind: str = "encounter",
    mmsis: tuple[int, ...] = (1, 2),
    **details: object,
) -> Event:
    return Event(
        type=kind,
        vessels=tuple(VesselRef(m) for m in mmsis),
        start=start,
        end=end,
        lat=0.0,
        lon=0.0,
        definition="x@v1",
        params_hash="h",
        details=details,
    )


def test_merge_windows_keeps_the_whole_event_and_is_idempotent() -> None:
    cut_left, whole, cut_right = _event(0, 3600), _event(0, 9000), _event(5400, 9000)
    other = _event(20000, 30000)
    merged = merge_windows([cut_left, whole, cut_right, other])
    assert merged == [whole, other]
    assert merge_windows(merged + merged) == merged


def test_dark_sts_needs_no_partner_and_a_gap() -> None:
    loiter = _event(10000, 30000, "loitering", (7,))
    gap_before = _event(0, 10000, "gap", (7,), likely_intentional=True)
    params = DarkSTSParams()
    found = dark_sts([loiter], [], [gap_before], params)
    assert len(found) == 1 and found[0].details["score"] == 0.6
    assert dark_sts([loiter], [_event(12000, 20000, mmsis=(7, 8))], [gap_before], params) == []
    assert dark_sts([loiter], [], [], params) == []

"""Shared entity-building helpers: dates, countries, IMO numbers, ids, kept raw values."""

from __future__ import annotations

import pytest

from sanctionwatch.sources.helpers import (
    IssueLog,
    add_country,
    add_date,
    add_imo,
    add_value,
    dedupe_entities,
    hash_id,
    make_address,
    make_entity,
    make_identification,
    make_sanction,
    normalize_imo,
    parse_country,
    parse_date,
    slug_id,
)

DATES = [
    ("day_month_year", "14 Apr 1972", "1972-04-14"),
    ("year_only", "1972", "1972"),
    ("circa_year", "circa 1972", "1972"),
    ("ca_dot_year", "ca. 1965", "1965"),
    ("month_year", "Apr 1972", "1972-04"),
    ("full_month_name", "14 September 1972", "1972-09-14"),
    ("dashed_words", "14-APR-1972", "1972-04-14"),
    ("us_slashed", "01/08/2026", "2026-01-08"),
    ("iso_day", "1984-01-08", "1984-01-08"),
    ("iso_partial", "1984-01", "1984-01"),
    ("timestamp", "2026-02-27T00:00:09.554Z", "2026-02-27"),
    ("date_with_offset", "2015-04-07-04:00", "2015-04-07"),
    ("impossible_day", "31 Feb 1972", None),
    ("unknown_month", "14 Foo 1972", None),
    ("free_text", "between 1960 and 1965", None),
    ("empty", "  ", None),
    ("year_out_of_range", "0972", None),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in DATES], ids=[c[0] for c in DATES])
def test_parse_date(raw: str, expected: str | None) -> None:
    assert parse_date(raw) == expected


def test_parse_date_dayfirst() -> None:
    assert parse_date("01/08/2026", dayfirst=True) == "2026-08-01"


COUNTRIES = [
    ("ofac_style", "Korea, North", "kp"),
    ("un_style", "Democratic People's Republic of Korea", "kp"),
    ("inverted", "Iran, Islamic Republic of", "ir"),
    ("old_name", "Burma", "mm"),
    ("palestinian", "Palestinian", "ps"),
    ("code", "RU", "ru"),
    ("nonsense", "Atlantis of the North", None),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [c[1:] for c in COUNTRIES], ids=[c[0] for c in COUNTRIES]
)
def test_parse_country(raw: str, expected: str | None) -> None:
    assert parse_country(raw) == expected


IMOS = [
    ("valid_with_prefix", "IMO 8712362", "IMO8712362"),
    ("valid_digits", "9187629", "IMO9187629"),
    ("company_imo", "5342883", "IMO5342883"),
    ("bad_check_digit", "8712363", None),
    ("too_short", "871236", None),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in IMOS], ids=[c[0] for c in IMOS])
def test_normalize_imo(raw: str, expected: str | None) -> None:
    assert normalize_imo(raw) == expected


def test_unparseable_values_are_kept_and_counted() -> None:
    log = IssueLog("f.xml")
    person = make_entity("Person", "p-1")
    assert add_date(person, "birthDate", "sometime in spring", log, "/x") is None
    assert add_country(person, "nationality", "Atlantis", log, "/y") is None
    assert add_value(person, "email", "not an email", log, "/z") is None
    vessel = make_entity("Vessel", "v-1")
    assert add_imo(vessel, "IMO 1234568", log, "/w") is None
    assert person.get("notes") == [
        "birthDate: sometime in spring",
        "nationality: Atlantis",
        "email: not an email",
    ]
    assert vessel.get("notes") == ["imoNumber: IMO 1234568"]
    assert [(p.location, p.field) for p in log.problems] == [
        ("/x", "birthDate"),
        ("/y", "nationality"),
        ("/z", "email"),
        ("/w", "imoNumber"),
    ]


def test_good_values_are_cleaned() -> None:
    log = IssueLog("f")
    person = make_entity("Person", "p-1")
    add_date(person, "birthDate", "circa 1951", log)
    add_country(person, "nationality", "Korea, North", log)
    vessel = make_entity("Vessel", "v-1")
    add_imo(vessel, "IMO 8712362", log)
    assert person.get("birthDate") == ["1951"]
    assert person.get("nationality") == ["kp"]
    assert vessel.get("imoNumber") == ["IMO8712362"]
    assert log.problems == []


def test_sanction_ids_are_stable_and_distinct() -> None:
    person = make_entity("Person", slug_id("unsc", "6908555"))
    first = make_sanction(
        person, dataset="d", authority="UNSC", program="DPRK", reference="KPi.033"
    )
    again = make_sanction(
        person, dataset="d", authority="UNSC", program="DPRK", reference="KPi.033"
    )
    other = make_sanction(
        person, dataset="d", authority="UNSC", program="Iran", reference="KPi.033"
    )
    assert first.id == again.id != other.id
    assert first.get("entity") == ["unsc-6908555"]


def test_sanction_keeps_unparseable_listing_date() -> None:
    log = IssueLog("f")
    person = make_entity("Person", "p-1")
    sanction = make_sanction(person, dataset="d", authority="A", listing_date="soon", log=log)
    assert sanction.get("listingDate") == []
    assert sanction.get("summary") == ["listingDate: soon"]
    assert len(log.problems) == 1


def test_identification_and_address_link_to_holder() -> None:
    log = IssueLog("f")
    person = make_entity("Person", "p-1")
    passport = make_identification(
        person,
        number="AB123",
        passport=True,
        country="Korea, North",
        expiry_date="Jun 2020",
        log=log,
    )
    national = make_identification(person, number="77", passport=False, log=log)
    addr = make_address(person, city="Pyongyang", country="Korea, North", log=log)
    assert passport is not None and national is not None and addr is not None
    assert passport.schema.name == "Passport" and national.schema.name == "Identification"
    assert passport.get("holder") == ["p-1"] and passport.get("endDate") == ["2020-06"]
    assert person.get("passportNumber") == ["AB123"]
    assert person.get("idNumber") == ["77"]
    assert person.get("addressEntity") == [addr.id]
    assert person.get("address") == ["Pyongyang, Korea, North"]
    assert addr.get("country") == ["kp"]
    assert make_address(person, log=log) is None


def test_dedupe_merges_shared_entities() -> None:
    one = make_entity("Address", hash_id("addr", "x"))
    one.add("full", "x")
    two = make_entity("Address", hash_id("addr", "x"))
    two.add("remarks", "as of 2016")
    merged = dedupe_entities([one, two])
    assert len(merged) == 1
    assert merged[0].get("remarks") == ["as of 2016"]

"""OFAC XML in its three schemas: counts, dates, datasets, shared ids, safety limits."""

from __future__ import annotations

import io
import zipfile

import pytest
from followthemoney import EntityProxy
from lxml import etree

from sanctionwatch.errors import ParseError
from sanctionwatch.sources import us_ofac_xml
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.us_ofac_xml_advanced import period_dates
from sanctionwatch.sources.us_ofac_xml_classic import dataset_for
from tests.paths import LISTS

OFAC = LISTS / "us_ofac"
FILES = {
    "classic": OFAC / "consolidated_xml_2026-01" / "ofac.xml",
    "advanced": OFAC / "cons_advanced.xml",
    "enhanced": OFAC / "CONS_ENHANCED.ZIP",
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedList]:
    return {key: us_ofac_xml.parse([SourceFile.read(path)]) for key, path in FILES.items()}


def targets(result: ParsedList) -> dict[str, EntityProxy]:
    kinds = ("Person", "Organization", "Vessel", "Airplane")
    return {e.id: e for e in result.entities if e.id and e.schema.name in kinds}


CASES = [
    ("classic", "2026-01-08", 79, 363),
    ("advanced", "2020-03-17", 82, 293),
    ("enhanced", "2025-01-10", 80, 363),
]


@pytest.mark.parametrize(
    ("key", "version", "persons", "organisations"), CASES, ids=[c[0] for c in CASES]
)
def test_counts_version_dataset(
    parsed: dict[str, ParsedList], key: str, version: str, persons: int, organisations: int
) -> None:
    result = parsed[key]
    schemata = result.by_schema()
    assert result.dataset == "us_ofac_cons"
    assert result.version == version
    assert result.format == "us_ofac_xml"
    assert schemata["Person"] == persons
    assert schemata["Organization"] == organisations
    assert schemata["Sanction"] == persons + organisations
    assert all(i.startswith("ofac-") for i in targets(result))


def test_same_party_same_id_and_name_across_schemas(parsed: dict[str, ParsedList]) -> None:
    classic, advanced, enhanced = (targets(parsed[k]) for k in ("classic", "advanced", "enhanced"))
    shared = set(classic) & set(enhanced) & set(advanced)
    assert len(shared) > 300

    def latin(entity: EntityProxy) -> set[str]:
        return {n for n in entity.get("name") if n.isascii()}

    # The files are a year (enhanced) and six years (advanced) older than the classic one:
    # some parties were renamed in between (e.g. Russian banks in 2020), so compare loosely.
    for other, share in ((enhanced, 0.95), (advanced, 0.8)):
        same = [i for i in shared if latin(classic[i]) == latin(other[i])]
        assert len(same) > share * len(shared)
    assert all(classic[i].schema == enhanced[i].schema == advanced[i].schema for i in shared)


def test_haniya_in_each_schema(parsed: dict[str, ParsedList]) -> None:
    for key in FILES:
        person = targets(parsed[key])["ofac-9639"]
        assert person.get("name") == ["HANIYA, Ismail Abdul Salah"], key
        assert person.get("lastName") == ["HANIYA"], key
        assert set(person.get("alias")) == {"HANIYA, Ismail", "HANIYYA, Ismaeel"}, key
        assert person.get("birthDate") == ["1962"], key
        assert person.get("birthPlace") == ["Shati"], key
        assert person.get("program") == ["NS-PLC"], key


def test_enhanced_keeps_scripts_weak_aliases_and_links(parsed: dict[str, ParsedList]) -> None:
    entities = parsed["enhanced"].entities
    assert any(
        not n.isascii()
        for e in entities
        for n in e.get("name", quiet=True) + e.get("alias", quiet=True)
    )
    assert "ZAHAR, Mahmoud" in targets(parsed["enhanced"])["ofac-9647"].get("weakAlias")
    links = [e for e in entities if e.schema.name == "UnknownLink"]
    ids = targets(parsed["enhanced"])
    assert links and all(link.first("object") in ids for link in links)


def test_identifiers_and_addresses(parsed: dict[str, ParsedList]) -> None:
    for key in FILES:
        organisations = [
            e for e in targets(parsed[key]).values() if e.schema.name == "Organization"
        ]
        assert (
            sum(1 for o in organisations if o.get("registrationNumber") or o.get("taxNumber")) > 150
        ), key
        assert sum(1 for o in organisations if o.get("addressEntity")) > 250, key


def test_sanction_programmes_and_listing_dates(parsed: dict[str, ParsedList]) -> None:
    for key in ("advanced", "enhanced"):
        sanctions = [e for e in parsed[key].entities if e.schema.name == "Sanction"]
        assert all(s.get("program") for s in sanctions), key
        assert sum(1 for s in sanctions if s.get("listingDate")) > 300, key


def test_bare_enhanced_xml_equals_zip(parsed: dict[str, ParsedList]) -> None:
    with zipfile.ZipFile(FILES["enhanced"]) as archive:
        data = archive.read("CONS_ENHANCED.XML")
    bare = us_ofac_xml.parse([SourceFile("CONS_ENHANCED.XML", data)])
    assert bare.by_schema() == parsed["enhanced"].by_schema()


def date_period(start: str, end: str) -> etree._Element:
    def ymd(text: str) -> str:
        y, m, d = text.split("-")
        return f"<Year>{y}</Year><Month>{m}</Month><Day>{d}</Day>"

    first, last = ymd(start), ymd(end)
    xml = (
        f"<DatePeriod><Start><From>{first}</From><To>{first}</To></Start>"
        f"<End><From>{last}</From><To>{last}</To></End></DatePeriod>"
    )
    return etree.fromstring(xml)


PERIODS = [
    ("one_day", "1972-04-14", "1972-04-14", ["1972-04-14"]),
    ("whole_year", "1962-01-01", "1962-12-31", ["1962"]),
    ("whole_month", "1962-02-01", "1962-02-28", ["1962-02"]),
    ("range_of_years", "1960-01-01", "1965-12-31", ["1960-01-01", "1965-12-31"]),
]


@pytest.mark.parametrize(
    ("start", "end", "expected"), [c[1:] for c in PERIODS], ids=[c[0] for c in PERIODS]
)
def test_advanced_date_periods(start: str, end: str, expected: list[str]) -> None:
    assert period_dates(date_period(start, end)) == expected


def zip_of(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_sized_member_is_refused() -> None:
    bomb = zip_of("CONS_ENHANCED.XML", b"<a>" + b" " * 200_000 + b"</a>")
    assert len(bomb) < 2_000
    with pytest.raises(ParseError, match="larger than the limit"):
        us_ofac_xml.xml_payload(SourceFile("bomb.zip", bomb), limit=100_000)


CLASSIC_HEAD = b'<?xml version="1.0"?><sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"><publshInformation><Publish_Date>01/08/2026</Publish_Date></publshInformation>'
ENTRY = "<sdnEntry><uid>{}</uid><lastName>X</lastName><sdnType>{}</sdnType></sdnEntry>"
BAD = [
    ("unknown_root", b"<?xml version='1.0'?><CONSOLIDATED_LIST/>", "not an OFAC XML document"),
    ("empty", b"", "empty file"),
    ("truncated", FILES["classic"].read_bytes()[:20000], "malformed XML"),
    (
        "latin1",
        FILES["classic"].read_bytes().replace(b"HANIYA", "HAN\u00cfYA".encode("latin-1")),
        "malformed XML",
    ),
    ("no_entries", CLASSIC_HEAD + b"</sdnList>", "no sdnEntry"),
    (
        "unknown_type",
        CLASSIC_HEAD + ENTRY.format(1, "Spaceship").encode() + b"</sdnList>",
        "unknown sdnType",
    ),
    ("bad_uid", CLASSIC_HEAD + ENTRY.format("x", "Entity").encode() + b"</sdnList>", "invalid uid"),
    (
        "duplicate_uid",
        CLASSIC_HEAD + ENTRY.format(1, "Entity").encode() * 2 + b"</sdnList>",
        "duplicate uid",
    ),
    ("two_members_zip", zip_of("a.xml", b"<a/>")[:0] + b"PK\x03\x04broken", "not a valid zip"),
    (
        "billion_laughs",
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<sdnList>&b;</sdnList>",
        "entity declarations",
    ),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_structural_errors(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        us_ofac_xml.parse([SourceFile("bad.xml", data)])
    assert message in str(info.value)


def test_advanced_without_reference_values_is_refused() -> None:
    data = b'<Sanctions xmlns="http://www.un.org/sanctions/1.0"><DateOfIssue><Year>2020</Year></DateOfIssue></Sanctions>'
    with pytest.raises(ParseError) as info:
        us_ofac_xml.parse([SourceFile("adv.xml", data)])
    assert {p.field for p in info.value.problems} == {
        "PartySubType",
        "PartyType",
        "AliasType",
        "FeatureType",
    }


def test_sanction_ids_agree_across_schemas(parsed: dict[str, ParsedList]) -> None:
    def sanction_ids(key: str) -> dict[str, str]:
        return {
            str(e.first("entity")): str(e.id)
            for e in parsed[key].entities
            if e.schema.name == "Sanction"
        }

    classic, advanced, enhanced = (sanction_ids(k) for k in ("classic", "advanced", "enhanced"))
    shared = set(classic) & set(advanced) & set(enhanced)
    assert len(shared) > 300
    assert all(classic[i] == advanced[i] == enhanced[i] for i in shared)


DATASETS = [
    ("consolidated_by_name", "CONSOLIDATED.XML", set(), "us_ofac_cons"),
    ("sdn_by_name", "SDN.XML", {"NS-PLC"}, "us_ofac_sdn"),
    ("non_sdn_programme", "list.xml", {"SDGT", "NS-PLC"}, "us_ofac_cons"),
    ("sdn_programmes_only", "list.xml", {"SDGT", "DPRK3"}, "us_ofac_sdn"),
]


@pytest.mark.parametrize(
    ("name", "programs", "expected"), [c[1:] for c in DATASETS], ids=[c[0] for c in DATASETS]
)
def test_dataset_decision(name: str, programs: set[str], expected: str) -> None:
    assert dataset_for(name, programs) == expected

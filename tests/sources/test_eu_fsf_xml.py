"""EU FSF XML 1.1: the hand-written fixture (schema-valid), ids as OpenSanctions, bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from followthemoney import EntityProxy, StatementEntity
from lxml import etree

from sanctionwatch.errors import ParseError
from sanctionwatch.sources import eu_fsf_xml
from sanctionwatch.sources.base import ParsedList, SourceFile
from tests.paths import LISTS

FIXTURE = Path(__file__).parent / "fixtures" / "eu_fsf_sample.xml"
XSD = LISTS / "eu" / "schema" / "schema_1_1.xsd"
T1 = LISTS / "opensanctions" / "yente_fixture_t1_eu_fsf" / "entities.ftm.json"


@pytest.fixture(scope="module")
def parsed() -> ParsedList:
    return eu_fsf_xml.parse([SourceFile.read(FIXTURE)])


def _by_id(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {str(e.id): e for e in parsed.entities}


def test_fixture_is_valid_against_the_official_schema() -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.parse(str(FIXTURE))), schema.error_log


def test_counts_and_version(parsed: ParsedList) -> None:
    assert parsed.dataset == "eu_fsf"
    assert parsed.version == "2025-04-11T18:01:53"
    assert parsed.by_schema() == {
        "Address": 2,
        "Identification": 1,
        "Organization": 2,
        "Passport": 1,
        "Person": 2,
        "Sanction": 5,
        "Vessel": 1,
    }
    assert parsed.issues == []


@pytest.mark.parametrize(
    ("reference", "logical_id", "expected"),
    [
        ("EU.7985.24", "1", "eu-fsf-eu-7985-24"),
        ("EU.27.28", "13", "eu-fsf-eu-27-28"),
        (None, "170001", "eu-fsf-logical-170001"),
        ("  ", "5", "eu-fsf-logical-5"),
    ],
    ids=["reference", "short-reference", "no-reference", "blank-reference"],
)
def test_make_id(reference: str | None, logical_id: str, expected: str) -> None:
    assert eu_fsf_xml.make_id(reference, logical_id) == expected


def test_ids_match_opensanctions_referents(parsed: ParsedList) -> None:
    referents = {
        ref
        for line in T1.read_text(encoding="utf-8").splitlines()
        for ref in json.loads(line).get("referents", [])
    }
    ours = {"eu-fsf-eu-7985-24", "eu-fsf-eu-8282-49"}
    assert ours <= set(_by_id(parsed))
    assert ours <= referents


def test_person_names_languages_and_dates(parsed: ParsedList) -> None:
    person = _by_id(parsed)["eu-fsf-eu-7985-24"]
    assert isinstance(person, StatementEntity)
    assert person.get("name") == ["Tatiana Vladimirovna ZJURAVLEVA"]
    langs = {s.value: s.lang for s in person.statements if s.prop == "alias"}
    assert langs["Татьяна Владимировна ЖУРАВЛЕВА"] == "rus"
    assert langs["Тетяна Володимирівна ЖУРАВЛЕВА"] == "ukr"
    assert langs["Tatyana Vladimirovna ZHURAVLEVA"] is None
    assert person.get("birthDate") == ["1967-12-19"]
    assert person.get("birthCountry") == ["ua"]
    assert person.get("nationality") == ["ua"]
    assert person.get("gender") == ["female"]
    assert person.get("passportNumber") == ["0305123456"]


def test_partial_circa_and_range_birthdates(parsed: ParsedList) -> None:
    person = _by_id(parsed)["eu-fsf-eu-3966-29"]
    assert sorted(person.get("birthDate")) == ["1970", "1972-04", "1973", "1975"]
    assert "birthDate: circa 1970" in person.get("notes")
    assert person.get("nationality") == []  # "00" is unknown, not a country


def test_vessel_and_sanction(parsed: ParsedList) -> None:
    vessel = _by_id(parsed)["eu-fsf-eu-4490-12"]
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO7408873"]
    sanction = next(
        e for e in parsed.entities if e.schema.name == "Sanction" and e.get("entity") == [vessel.id]
    )
    assert sanction.get("program") == ["PRK"]
    assert sanction.get("unscId") == ["KPe.064"]
    assert sanction.get("authorityId") == ["EU.4490.12"]
    assert sanction.get("listingDate") == ["2018-03-30"]
    assert sanction.get("startDate") == ["2018-04-05"]


def test_organisation_contacts_and_address(parsed: ParsedList) -> None:
    org = _by_id(parsed)["eu-fsf-eu-8282-49"]
    assert org.get("registrationNumber") == ["808000714"]
    assert org.get("email") == ["info@example.by"]
    assert len(org.get("alias")) == 4
    address = _by_id(parsed)[org.first("addressEntity") or ""]
    assert address.get("city") == ["Minsk"]
    assert address.get("country") == ["by"]


def _mutated(old: str, new: str) -> bytes:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (FIXTURE.read_bytes()[:3000], "malformed XML"),
        (b"", "empty file"),
        (_mutated('xmlns="http://eu.europa.ec/fpi/fsd/export"', ""), "root must be"),
        (_mutated('generationDate="2025-04-11T18:01:53.474+02:00"', 'generationDate="x"'), "date"),
        (_mutated('classificationCode="P"', 'classificationCode="X"'), "classificationCode"),
        (_mutated("<subjectType", "<surprise/><subjectType"), "unexpected element"),
        (
            b'<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2025-01-01">'
            b'<sanctionEntity logicalId="1"><subjectType code="person" classificationCode="P"/>'
            b"</sanctionEntity></export>",
            "at least one name",
        ),
    ],
    ids=[
        "truncated",
        "empty",
        "wrong-namespace",
        "bad-version",
        "bad-subject",
        "unknown-element",
        "no-name",
    ],
)
def test_bad_input(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        eu_fsf_xml.parse([SourceFile("bad.xml", data)])
    assert any(message in p.message for p in info.value.problems), info.value.problems


def test_structure_problem_names_the_xpath() -> None:
    data = _mutated('classificationCode="P"', 'classificationCode="X"')
    with pytest.raises(ParseError) as info:
        eu_fsf_xml.parse([SourceFile("bad.xml", data)])
    assert "/*/*[1]" in info.value.problems[0].location

"""UN Security Council consolidated list XML: counts, mapping and structural errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from followthemoney import EntityProxy

from sanctionwatch.errors import ParseError
from sanctionwatch.sources import un_sc_xml
from sanctionwatch.sources.base import ParsedList, SourceFile
from tests.paths import LISTS

UN = LISTS / "un"
FILES = {
    "2026": UN / "consolidated.xml",
    "dprk_subset": UN / "derived" / "consolidated_DPRK_1718_subset.xml",
    "2025-11-20": UN / "history" / "2025-11-20" / "consolidated.xml.gz",
    "2018": UN / "history" / "2018-10" / "consolidated.xml.gz",
}


def read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedList]:
    return {key: un_sc_xml.parse([SourceFile(str(p), read(p))]) for key, p in FILES.items()}


def by_id(result: ParsedList) -> dict[str, EntityProxy]:
    return {e.id: e for e in result.entities if e.id}


COUNTS = [
    ("2026", "2026-02-27", 730, 273),
    ("dprk_subset", "2026-02-27", 80, 75),
    ("2025-11-20", "2025-11-20", 727, 273),
    ("2018", "2018-10-29", 703, 390),
]


@pytest.mark.parametrize(
    ("key", "version", "persons", "others"), COUNTS, ids=[c[0] for c in COUNTS]
)
def test_counts_and_version(
    parsed: dict[str, ParsedList], key: str, version: str, persons: int, others: int
) -> None:
    result = parsed[key]
    schemata = result.by_schema()
    assert result.dataset == "un_sc_sanctions"
    assert result.version == version
    assert schemata["Person"] == persons
    assert schemata["Organization"] == others
    assert schemata["Sanction"] == persons + others
    targets = {e.id for e in result.entities if e.schema.name in ("Person", "Organization")}
    sanctioned = {s.first("entity") for s in result.entities if s.schema.name == "Sanction"}
    assert sanctioned == targets


def test_ids_are_stable_across_versions(parsed: dict[str, ParsedList]) -> None:
    def targets(key: str) -> set[str]:
        return {
            e.id
            for e in parsed[key].entities
            if e.schema.name in ("Person", "Organization") and e.id
        }

    new, old = targets("2026"), targets("2025-11-20")
    # PROVENANCE.md: 4 Sudan individuals added, 1 Iraq individual removed.
    assert len(new - old) == 4 and len(old - new) == 1
    assert all(i.startswith("unsc-") for i in new)


def test_clean_files_have_no_value_issues(parsed: dict[str, ParsedList]) -> None:
    assert parsed["2026"].issues == []
    assert parsed["dprk_subset"].issues == []
    # The 2018 file has free text in country fields; each is kept and reported.
    assert 0 < len(parsed["2018"].issues) < 40
    assert all(p.location.startswith("/CONSOLIDATED_LIST/") for p in parsed["2018"].issues)


def test_dprk_individual_mapping(parsed: dict[str, ParsedList]) -> None:
    entities = by_id(parsed["dprk_subset"])
    sanctions = [
        e
        for e in entities.values()
        if e.schema.name == "Sanction" and e.first("unscId") == "KPi.033"
    ]
    assert len(sanctions) == 1
    sanction = sanctions[0]
    assert sanction.get("authority") == ["United Nations Security Council"]
    assert sanction.get("program") == ["DPRK"]
    assert sanction.get("programId") == ["UN-SC1718"]
    assert sanction.get("listingDate") == ["2016-11-30"]
    person = entities[str(sanction.first("entity"))]
    assert person.schema.name == "Person"
    assert person.get("nationality") == ["kp"]
    assert person.get("birthDate") == ["1964-07-17"]
    assert person.get("passportNumber") == ["381310014"]
    assert person.get("position") == ["DPRK Ministry of State Security Official"]


def test_alias_qualities_and_original_script(parsed: dict[str, ParsedList]) -> None:
    entities = by_id(parsed["2026"])
    # CDi.003 has Low and Good aliases.
    person = entities["unsc-6907995"]
    assert "Rumuli" in person.get("weakAlias")
    assert "Victor Rumuri" in person.get("alias")
    assert person.get("name") == ["GASTON IYAMUREMYE"]
    # CDe.001 has f.k.a. names.
    organisation = entities["unsc-6908402"]
    assert "NALU" in organisation.get("previousName")
    assert "Allied Democratic Forces" in organisation.get("alias")
    scripts = [
        e for e in entities.values() if any(not n.isascii() for n in e.get("name", quiet=True))
    ]
    assert len(scripts) > 100


def test_birth_date_kinds(parsed: dict[str, ParsedList]) -> None:
    persons = [e for e in parsed["2026"].entities if e.schema.name == "Person"]
    years_only = [
        e for e in persons if e.get("birthDate") and all(len(d) == 4 for d in e.get("birthDate"))
    ]
    assert len(years_only) > 50
    # BETWEEN gives both bounds as two values: FROM_YEAR 1973, TO_YEAR 1974.
    assert any(e.get("birthDate") == ["1973", "1974"] for e in persons)
    # APPROXIMATELY keeps the date and says so in the notes.
    assert any(n.startswith("birthDate: approximately") for e in persons for n in e.get("notes"))


def test_imo_numbers_from_comments(parsed: dict[str, ParsedList]) -> None:
    imos = {i for e in parsed["2026"].entities for i in e.get("imoNumber", quiet=True)}
    assert {"IMO1790183", "IMO5342883", "IMO5571322"} <= imos


def test_addresses_and_documents_are_linked(parsed: dict[str, ParsedList]) -> None:
    entities = by_id(parsed["2026"])
    for entity in entities.values():
        for ref in entity.get("addressEntity", quiet=True):
            assert entities[ref].schema.name == "Address"
        if entity.schema.name in ("Passport", "Identification"):
            assert entities[str(entity.first("holder"))].schema.name == "Person"


def doc(body: str, date: str = 'dateGenerated="2026-02-27T00:00:09.554Z"') -> bytes:
    return f'<?xml version="1.0"?><CONSOLIDATED_LIST {date}>{body}</CONSOLIDATED_LIST>'.encode()


PERSON = "<INDIVIDUAL><DATAID>{}</DATAID><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>"
BAD = [
    ("wrong_root", b"<?xml version='1.0'?><sdnList/>", "not a UN CONSOLIDATED_LIST"),
    ("no_date", doc("<INDIVIDUALS>" + PERSON.format(1) + "</INDIVIDUALS>", date=""), "list date"),
    (
        "missing_dataid",
        doc("<INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL></INDIVIDUALS>"),
        "DATAID",
    ),
    (
        "duplicate_dataid",
        doc("<INDIVIDUALS>" + PERSON.format(1) * 2 + "</INDIVIDUALS>"),
        "duplicate",
    ),
    (
        "entity_in_individuals",
        doc("<INDIVIDUALS><ENTITY><DATAID>1</DATAID></ENTITY></INDIVIDUALS>"),
        "expected INDIVIDUAL",
    ),
    ("no_records", doc(""), "no INDIVIDUAL"),
    (
        "record_without_name",
        doc("<ENTITIES><ENTITY><DATAID>5</DATAID><FIRST_NAME> </FIRST_NAME></ENTITY></ENTITIES>"),
        "without a name",
    ),
    ("empty_file", b"", "empty"),
    ("truncated", read(FILES["dprk_subset"])[:5000], "malformed"),
    (
        "latin1_bytes",
        read(FILES["2026"]).decode("utf-8").encode("latin-1", "replace")[:200000],
        "malformed",
    ),
    (
        "billion_laughs",
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<CONSOLIDATED_LIST>&lol2;</CONSOLIDATED_LIST>",
        "entity declarations",
    ),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_structural_errors_raise_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        un_sc_xml.parse([SourceFile("bad.xml", data)])
    assert message in str(info.value)
    assert all(p.file == "bad.xml" for p in info.value.problems)


def test_all_problems_are_reported_at_once() -> None:
    body = "<INDIVIDUALS>" + PERSON.format("x") + PERSON.format(2) * 2 + "</INDIVIDUALS>"
    with pytest.raises(ParseError) as info:
        un_sc_xml.parse([SourceFile("bad.xml", doc(body))])
    assert [p.field for p in info.value.problems] == ["DATAID", "DATAID"]


def test_utf16_with_bom_parses_like_utf8() -> None:
    data = read(FILES["dprk_subset"])
    utf16 = data.decode("utf-8").encode("utf-16")
    assert (
        un_sc_xml.parse([SourceFile("u16", utf16)]).by_schema()
        == un_sc_xml.parse([SourceFile("u8", data)]).by_schema()
    )

"""OFAC SDN CSV files: counts, remarks, companions recognised by name or content, errors."""

from __future__ import annotations

import gzip

import pytest
from followthemoney import EntityProxy

from sanctionwatch.errors import ParseError
from sanctionwatch.sources import us_ofac_csv
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.helpers import IssueLog, make_entity
from sanctionwatch.sources.us_ofac_csv import OfacRecord, apply_remarks, split_remarks
from tests.paths import LISTS

OFAC = LISTS / "us_ofac"
SET_2021 = OFAC / "sdn_csv_2021-07"


def files_2021() -> list[SourceFile]:
    return [
        SourceFile.read(SET_2021 / n) for n in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
    ]


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedList]:
    gz = OFAC / "history" / "sdn_csv_2022-02-24" / "sdn.csv.gz"
    return {
        "2021-07": us_ofac_csv.parse(files_2021()),
        "2024-05-03": us_ofac_csv.parse([SourceFile.read(OFAC / "sdn_csv_2024-05-03" / "sdn.csv")]),
        "2022-02-24": us_ofac_csv.parse([SourceFile("sdn.csv", gzip.decompress(gz.read_bytes()))]),
    }


def by_id(result: ParsedList) -> dict[str, EntityProxy]:
    return {e.id: e for e in result.entities if e.id}


COUNTS = [
    ("2021-07", 4620, 3673, 406, 277),
    ("2024-05-03", 6854, 6884, 851, 376),
    ("2022-02-24", 4660, 3758, 425, 280),
]


@pytest.mark.parametrize(
    ("key", "persons", "organisations", "vessels", "airplanes"), COUNTS, ids=[c[0] for c in COUNTS]
)
def test_counts(
    parsed: dict[str, ParsedList],
    key: str,
    persons: int,
    organisations: int,
    vessels: int,
    airplanes: int,
) -> None:
    result = parsed[key]
    schemata = result.by_schema()
    assert (result.dataset, result.version) == ("us_ofac_sdn", "")
    assert schemata["Person"] == persons
    assert schemata["Organization"] == organisations
    assert schemata["Vessel"] == vessels
    assert schemata["Airplane"] == airplanes
    assert schemata["Sanction"] == persons + organisations + vessels + airplanes


def test_kim_jong_un_and_putin(parsed: dict[str, ParsedList]) -> None:
    entities = by_id(parsed["2024-05-03"])
    kim = entities["ofac-20157"]
    assert kim.get("name") == ["KIM, Jong Un"]
    assert (kim.get("lastName"), kim.get("firstName")) == (["KIM"], ["Jong Un"])
    assert kim.get("birthDate") == ["1984-01-08"]
    assert kim.get("program") == ["DPRK3"]
    putin = entities["ofac-35096"]
    assert putin.get("name") == ["PUTIN, Vladimir Vladimirovich"]
    assert putin.get("birthDate") == ["1952-10-07"]
    assert putin.get("birthPlace") == ["Leningrad, Russia"]
    assert putin.get("nationality") == ["ru"] and putin.get("citizenship") == ["ru"]
    assert putin.get("gender") == ["male"]
    sanctions = [
        e
        for e in entities.values()
        if e.schema.name == "Sanction" and e.first("entity") == "ofac-35096"
    ]
    assert [s.get("program") for s in sanctions] == [["RUSSIA-EO14024"]]
    assert sanctions[0].get("authority") == ["Office of Foreign Assets Control"]


def test_companions_add_addresses_and_aliases(parsed: dict[str, ParsedList]) -> None:
    entities = by_id(parsed["2021-07"])
    bank = entities["ofac-306"]  # BANCO NACIONAL DE CUBA
    assert "NATIONAL BANK OF CUBA" in bank.get("alias")
    assert "BNC" in bank.get("weakAlias")  # quoted a.k.a. in the remarks
    assert len(bank.get("addressEntity")) >= 3
    addresses = [entities[a] for a in bank.get("addressEntity")]
    assert {"ch", "es", "jp"} <= {c for a in addresses for c in a.get("country")}
    schemata = parsed["2021-07"].by_schema()
    assert schemata["Address"] > 7000
    aliases = sum(
        len(e.get("alias", quiet=True)) + len(e.get("previousName", quiet=True))
        for e in entities.values()
    )
    assert aliases >= 11000  # alt.csv has 11,910 rows, some shared by value


def test_comments_continue_the_remarks(parsed: dict[str, ParsedList]) -> None:
    entities = by_id(parsed["2021-07"])
    # ent 12300's remark ends in sdn_comments.csv with more "Linked To" parts.
    linked = [
        e
        for e in entities.values()
        if e.schema.name == "UnknownLink" and e.first("subject") == "ofac-12300"
    ]
    notes = [n for n in entities["ofac-12300"].get("notes") if n.startswith("Linked To")]
    assert len(linked) + len(notes) >= 20


def test_vessel_columns_and_imo(parsed: dict[str, ParsedList]) -> None:
    vessels = [e for e in parsed["2024-05-03"].entities if e.schema.name == "Vessel"]
    assert sum(1 for v in vessels if v.get("imoNumber")) > 700
    assert sum(1 for v in vessels if v.get("flag")) > 500
    assert sum(1 for v in vessels if v.get("mmsi")) > 100
    assert all(i.startswith("IMO") and len(i) == 10 for v in vessels for i in v.get("imoNumber"))


def test_issues_are_few_and_located(parsed: dict[str, ParsedList]) -> None:
    issues = parsed["2024-05-03"].issues
    assert 0 < len(issues) < 200
    assert all(p.location.startswith("line ") for p in issues)


REMARKS = [
    (
        "dob_pob_nationality",
        "DOB 14 Apr 1972; POB Pyongyang, North Korea; nationality Korea, North; Gender Male.",
        {
            "birthDate": ["1972-04-14"],
            "birthPlace": ["Pyongyang, North Korea"],
            "birthCountry": ["kp"],
            "nationality": ["kp"],
            "gender": ["male"],
        },
    ),
    ("dob_alt_and_circa", "DOB 1960; alt. DOB circa 1962.", {"birthDate": ["1960", "1962"]}),
    ("dob_range", "DOB 1960 to 1965.", {"birthDate": ["1960", "1965"]}),
    (
        "passport_with_dates",
        "Passport 123 (Korea, North) expires 12 Jun 2010; National ID No. 77 (Iran).",
        {"passportNumber": ["123"], "idNumber": ["77"], "country": ["kp", "ir"]},
    ),
    (
        "weak_alias_quoted",
        "a.k.a. 'KIMMY; JR'; f.k.a. 'OLD NAME'.",
        {"weakAlias": ["KIMMY; JR"], "previousName": ["OLD NAME"]},
    ),
    ("unknown_part_kept", "Something odd here.", {"notes": ["Something odd here"]}),
    ("bad_date_kept", "DOB sometime.", {"notes": ["birthDate: sometime"]}),
]


@pytest.mark.parametrize(
    ("remarks", "expected"), [c[1:] for c in REMARKS], ids=[c[0] for c in REMARKS]
)
def test_remark_tokenizer_person(remarks: str, expected: dict[str, list[str]]) -> None:
    record = OfacRecord(make_entity("Person", "ofac-1"), IssueLog("f"), "line 1")
    apply_remarks(record, remarks)
    for prop, values in expected.items():
        assert record.entity.get(prop) == values, prop


def test_remark_tokenizer_vessel() -> None:
    record = OfacRecord(make_entity("Vessel", "ofac-2"), IssueLog("f"), "line 1")
    apply_remarks(
        record,
        "Vessel Registration Identification IMO 8712362; MMSI 445123000; Linked To: ACME CO.",
    )
    assert record.entity.get("imoNumber") == ["IMO8712362"]
    assert record.entity.get("mmsi") == ["445123000"]
    assert record.links == ["ACME CO"]


def test_split_remarks_respects_parentheses() -> None:
    assert list(split_remarks("Passport 1 (issued; Iraq); DOB 1970.")) == [
        "Passport 1 (issued; Iraq)",
        "DOB 1970",
    ]


def test_files_recognised_by_content_when_renamed() -> None:
    head = [b"\r\n".join(f.data.split(b"\r\n")[:300]) for f in files_2021()]
    named = us_ofac_csv.parse(
        [
            SourceFile(n, d)
            for n, d in zip(
                ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"), head, strict=True
            )
        ]
    )
    renamed = us_ofac_csv.parse(
        [SourceFile(f"part{i}.dat", d) for i, d in enumerate(reversed(head))]
    )
    assert renamed.by_schema() == named.by_schema()
    assert named.by_schema()["Address"] > 100


def sdn_line(*fields: str) -> bytes:
    return (",".join(fields) + "\r\n").encode()


GOOD = sdn_line("1", '"DOE, John"', '"individual"', '"SDGT"', *["-0- "] * 7, '"DOB 1970."')
BAD = [
    ("empty_file", b"", "empty"),
    ("only_eof_byte", b"\x1a", "empty"),
    (
        "missing_column",
        GOOD + sdn_line("2", '"X"', '"individual"', '"SDGT"', *["-0- "] * 6, '"r"'),
        "expected 12 columns",
    ),
    (
        "unknown_type",
        sdn_line("3", '"X"', '"spaceship"', '"SDGT"', *["-0- "] * 8),
        "unknown SDN type",
    ),
    (
        "ent_num_not_a_number",
        sdn_line("x", '"X"', '"individual"', '"SDGT"', *["-0- "] * 8),
        "ent_num",
    ),
    ("duplicate_ent_num", GOOD + GOOD, "duplicate"),
    (
        "latin1_bytes",
        GOOD
        + sdn_line("4", '"M\xdcLLER"', '"individual"', *["-0- "] * 9).replace(b"\xc3\x9c", b"\xdc"),
        "not valid utf-8",
    ),
    ("utf16_bytes", GOOD.decode().encode("utf-16"), "not valid utf-8"),
    ("unbalanced_quote", GOOD + b'5,"open\r\n', "malformed CSV"),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_structural_errors(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        us_ofac_csv.parse([SourceFile("sdn.csv", data)])
    assert message in str(info.value)


def test_every_bad_row_is_reported() -> None:
    bad = (
        sdn_line("2", '"X"')
        + sdn_line("y", *['"a"'] * 11)
        + sdn_line("3", '"X"', '"robot"', *["-0-"] * 9)
    )
    with pytest.raises(ParseError) as info:
        us_ofac_csv.parse([SourceFile("sdn.csv", GOOD + bad)])
    assert [p.location for p in info.value.problems] == ["line 2", "line 3"]
    # The unknown type is found only once rows are well formed: structure first, then values.


def test_minimal_file_parses() -> None:
    result = us_ofac_csv.parse([SourceFile("sdn.csv", GOOD + b"\x1a")])
    person = next(e for e in result.entities if e.schema.name == "Person")
    assert person.get("birthDate") == ["1970"]
    assert person.get("firstName") == ["John"]


def test_lone_companion_is_refused() -> None:
    with pytest.raises(ParseError, match=r"no sdn\.csv"):
        us_ofac_csv.parse([SourceFile.read(SET_2021 / "alt.csv")])

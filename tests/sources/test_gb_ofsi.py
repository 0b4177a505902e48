"""UK OFSI ConList: the real 2025-04-10 xlsx, a CSV fixture in the same layout, bad inputs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from followthemoney import EntityProxy, StatementEntity

from sanctionwatch.errors import ParseError
from sanctionwatch.sources import gb_ofsi
from sanctionwatch.sources.base import ParsedList, SourceFile
from tests.paths import LISTS

XLSX = LISTS / "uk_ofsi" / "UK_Sanctions_List.xlsx"
FIXTURES = Path(__file__).parent / "fixtures"
CSV_FIXTURE = FIXTURES / "gb_ofsi_conlist_sample.csv"


@pytest.fixture(scope="module")
def real() -> ParsedList:
    return gb_ofsi.parse([SourceFile.read(XLSX)])


@pytest.fixture(scope="module")
def sample() -> ParsedList:
    return gb_ofsi.parse([SourceFile.read(CSV_FIXTURE)])


def _by_id(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {str(e.id): e for e in parsed.entities}


def test_real_list_counts(real: ParsedList) -> None:
    counts = real.by_schema()
    assert real.dataset == "gb_hmt_sanctions"
    assert real.version == "2025-04-10"
    assert real.format == "gb_ofsi"
    assert (counts["Person"], counts["Organization"], counts["Vessel"]) == (3662, 1009, 15)
    targets = [e for e in real.entities if e.schema.name in gb_ofsi.TARGET_SCHEMATA]
    assert len(targets) == 4686
    assert all(str(e.id).startswith("gb-hmt-") for e in targets)
    # Every target has a name and at least one Sanction pointing at it.
    sanctioned = {v for e in real.entities if e.schema.name == "Sanction" for v in e.get("entity")}
    assert all(e.get("name") for e in targets)
    assert {str(e.id) for e in targets} <= sanctioned


def test_real_list_issues_are_few_and_located(real: ParsedList) -> None:
    # Values FtM refuses (mostly phone numbers without a country) are kept and counted.
    assert 0 < len(real.issues) < 400
    assert all(p.location.startswith("row ") for p in real.issues)


def test_real_person(real: ParsedList) -> None:
    person = _by_id(real)["gb-hmt-15672"]
    assert person.schema.name == "Person"
    assert person.get("name") == ["Mian Abdul HAQ"]
    assert {"Mian MITHOO", "Mian MITHU"} <= set(person.get("alias"))
    assert person.get("nationality") == ["pk"]
    assert person.get("gender") == ["male"]
    sanction = next(
        e for e in real.entities if e.schema.name == "Sanction" and e.get("entity") == [person.id]
    )
    assert sanction.get("authority") == ["HM Treasury OFSI"]
    assert sanction.get("program") == ["Global Human Rights"]
    assert sanction.get("authorityId") == ["GHR0086"]
    assert sanction.get("listingDate") == ["2022-12-09"]


def test_real_vessel(real: ParsedList) -> None:
    vessel = _by_id(real)["gb-hmt-13651"]
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO7408873"]
    assert vessel.get("flag") == ["kp"]
    assert vessel.get("pastFlags") == ["ru"]
    assert vessel.get("type") == ["Oil tanker"]
    assert vessel.get("buildDate") == ["1975"]
    assert "AKTIVA" in vessel.get("alias")


def test_real_non_latin_names_keep_their_language(real: ParsedList) -> None:
    langs = {
        stmt.lang
        for entity in real.entities
        if isinstance(entity, StatementEntity)
        for stmt in entity.statements
        if stmt.prop == "alias" and stmt.lang
    }
    assert {"rus", "fas", "ara", "zho", "bel"} <= langs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("22/08/1990", "1990-08-22"),
        ("00/00/1994", "1994"),
        ("00/05/1973", "1973-05"),
        ("05/1973", "1973-05"),
        ("1951", "1951"),
        ("", None),
        ("circa 1950", "circa 1950"),
    ],
    ids=["full", "year-only", "month-year", "mm/yyyy", "bare-year", "empty", "text-passes-on"],
)
def test_ofsi_date(raw: str, expected: str | None) -> None:
    assert gb_ofsi.ofsi_date(raw) == expected


def test_csv_fixture(sample: ParsedList) -> None:
    assert sample.version == "2025-04-10"
    assert sample.issues == []
    person = _by_id(sample)["gb-hmt-99001"]
    assert person.get("name") == ["Ivan Petrovich TESTOV"]
    assert person.get("weakAlias") == ["Ivan TESTOFF"]
    assert person.get("previousName") == ["Ivan OLDNAME"]
    assert sorted(person.get("birthDate")) == ["1970-05", "1971"]
    assert sorted(person.get("nationality")) == ["fi", "ru"]
    assert person.get("birthCountry") == ["ru"]
    assert sorted(person.get("passportNumber")) == ["7201234", "XP99887"]
    assert isinstance(person, StatementEntity)
    script = [s for s in person.statements if s.value == "Иван Петрович ТЕСТОВ"]
    assert [s.lang for s in script] == ["rus"]
    programs = sorted(
        e.first("program") or ""
        for e in sample.entities
        if e.schema.name == "Sanction" and e.get("entity") == ["gb-hmt-99001"]
    )
    assert programs == ["Global Human Rights", "Russia"]


def test_csv_and_xlsx_agree_on_shared_groups(sample: ParsedList, real: ParsedList) -> None:
    real_ids = _by_id(real)
    for group in ("gb-hmt-13651", "gb-hmt-15672"):
        from_csv = _by_id(sample)[group].to_dict()["properties"]
        from_xlsx = real_ids[group].to_dict()["properties"]
        assert {k: sorted(v) for k, v in from_csv.items()} == {
            k: sorted(v) for k, v in from_xlsx.items()
        }


def _csv_bytes(drop: str | None = None) -> bytes:
    text = CSV_FIXTURE.read_text(encoding="utf-8")
    if drop is not None:
        text = text.replace(drop, "Something Else", 1)
    return text.encode("utf-8")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_csv_bytes("Group ID"), "missing column"),
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (_csv_bytes().decode("utf-8").encode("utf-16"), "not valid"),
        ("Last Updated,10/04/2025\nNom,Prénom\n".encode("latin-1"), "not valid"),
        (b"PK\x03\x04 this is not really a zip archive", "not a valid zip"),
        (b"Last Updated,someday\n" + _csv_bytes().split(b"\n", 1)[1], "no list date"),
    ],
    ids=["missing-column", "empty", "blank", "utf16", "latin1", "xlsx-not-zip", "no-version"],
)
def test_bad_input_raises_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        gb_ofsi.parse([SourceFile("bad.csv", data)])
    assert any(message in p.message for p in info.value.problems), info.value.problems


def test_missing_columns_are_all_reported() -> None:
    text = CSV_FIXTURE.read_text(encoding="utf-8")
    text = text.replace("Group ID", "X1", 1).replace("Regime", "X2", 1)
    with pytest.raises(ParseError) as info:
        gb_ofsi.parse([SourceFile("two.csv", text.encode("utf-8"))])
    assert {p.field for p in info.value.problems} == {"Group ID", "Regime"}


def test_xlsx_built_from_the_csv_fixture_parses_alike(sample: ParsedList) -> None:
    import csv

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    with CSV_FIXTURE.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = gb_ofsi.parse([SourceFile("sample.xlsx", buffer.getvalue())])
    assert parsed.by_schema() == sample.by_schema()
    assert {e.id for e in parsed.entities} == {e.id for e in sample.entities}

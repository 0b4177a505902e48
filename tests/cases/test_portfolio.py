"""Reading a watched portfolio: headers recognised, rows validated, every problem reported with
file, line (or sheet row), column and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.cases.portfolio import identifier_property, read_portfolio
from sanctionwatch.errors import InputError, ParseError
from tests.paths import REPO

HEADER = "id,name,type,birth_date,country,identifiers\n"


def write(tmp_path: Path, text: str, name: str = "portfolio.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ParseError) as caught:
        read_portfolio(path)
    assert all(p.file == str(path) for p in caught.value.problems)
    return [(p.location, p.field, p.value) for p in caught.value.problems]


def test_the_shipped_example_is_valid() -> None:
    portfolio = read_portfolio(REPO / "examples" / "portfolio.csv")
    by_id = {row.key: row for row in portfolio.rows}
    assert len(by_id) == 8
    assert by_id["C-0001"].schema == "Person"
    assert by_id["C-0001"].properties["name"] == ("최춘식",)
    assert by_id["C-0002"].properties["name"] == ("Чан Бом Су",)
    assert by_id["C-0004"].schema == "Vessel"
    assert by_id["C-0004"].properties["imoNumber"] == ("IMO 7303803",)
    for row in portfolio.rows:
        assert row.query().schema.name == row.schema


@pytest.mark.parametrize(
    ("row", "schema", "props"),
    [
        pytest.param(",Acme Ltd,,,,", "LegalEntity", {"name"}, id="name-only-legal-entity"),
        pytest.param(",Kim Il,,1950-02,,", "Person", {"name", "birthDate"}, id="date-makes-person"),
        pytest.param(
            ",Some Ship,,,,IMO 8916293", "Vessel", {"name", "imoNumber"}, id="imo-makes-vessel"
        ),
        pytest.param(
            ",Some Ship,vessel,,,445123456", "Vessel", {"name", "mmsi"}, id="schema-column"
        ),
        pytest.param(
            ",Jane Roe,individual,,Korea (North),P123; IMO 8916293",
            None,
            None,
            id="person-with-imo-fits-no-schema",
        ),
    ],
)
def test_schema_of_a_row(
    tmp_path: Path, row: str, schema: str | None, props: set[str] | None
) -> None:
    path = write(tmp_path, HEADER + row + "\n")
    if schema is None:
        [(location, _, _)] = problems(path)
        assert location == "line 2"
        return
    [parsed] = read_portfolio(path).rows
    assert parsed.schema == schema
    assert set(parsed.properties) == (props or set())


def test_key_is_the_id_or_a_content_digest(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "X-1,Acme Ltd,,,,\n,Acme Ltd,,,,\n,Acme Ltd,,,DE,\n")
    rows = read_portfolio(path).rows
    assert rows[0].key == "X-1"
    assert rows[1].key.startswith("row-") and rows[1].key != rows[2].key
    again = read_portfolio(write(tmp_path, HEADER + ",Acme Ltd,,,,\n", "other.csv")).rows
    assert again[0].key == rows[1].key  # the same party, the same key, whatever the file


def test_no_name_column_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "id,full_title,dob\n1,Acme,1960\n")
    [(location, field, _)] = problems(path)
    assert (location, field) == ("line 1", "name")
    with pytest.raises(ParseError) as caught:
        read_portfolio(path)
    assert "full_title" in str(caught.value) and str(path) in str(caught.value)


def test_bad_date_in_line_7_and_every_other_problem_at_once(tmp_path: Path) -> None:
    rows = [
        "1,Acme Ltd,,,,",
        "2,Bad Country Co,,,Atlantis,",
        "3,Good Person,person,1960-01-02,,",
        "4,,,,,",  # blank row: skipped, not a problem
        "5,Another Ltd,,,,",
        "6,Late Person,person,31.12.1960,,",
        "7,Ship,vessel,,,IMO 1234568",
        "7,Dup Ltd,,,,",
        "9,Alien,martian,,,",
    ]
    path = write(tmp_path, HEADER + "\n".join(rows) + "\n")
    found = problems(path)
    assert ("line 3", "country", "Atlantis") in found
    assert ("line 7", "birth_date", "31.12.1960") in found
    assert ("line 8", "identifiers", "IMO 1234568") in found
    assert ("line 9", "id", "7") in found
    assert ("line 10", "type", "martian") in found
    assert ("line 5", "name", "") in found  # "4,,,,," has an id but no name
    assert len(found) == 6


def test_multiline_cells_keep_line_numbers_of_the_record_start(tmp_path: Path) -> None:
    text = HEADER + '1,"Acme\nHoldings",,,,\n2,Person,person,1960-13-01,,\n'
    assert problems(write(tmp_path, text)) == [("line 4", "birth_date", "1960-13-01")]


def test_semicolon_csv_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes("\ufeffname;country\nAcme;FR\n".encode())
    [row] = read_portfolio(path).rows
    assert row.properties == {"name": ("Acme",), "country": ("FR",)}


def test_excel_rows_are_named_by_sheet_row(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "p.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Date of birth", "Nationality"])
    sheet.append(["Ри Пен Чхоль", "1948", "KP"])
    sheet.append(["Bad Date", "not a date", ""])
    book.save(path)
    assert problems(path) == [("row 3", "Date of birth", "not a date")]
    sheet.delete_rows(3)
    book.save(path)
    [row] = read_portfolio(path).rows
    assert row.schema == "Person" and row.line == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "empty", id="empty-file"),
        pytest.param(None, "no such", id="missing-file"),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str | None, message: str) -> None:
    path = tmp_path / "p.csv"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_portfolio(path)


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown portfolio format"):
        read_portfolio(write(tmp_path, "name\nx\n", "p.json"))


@pytest.mark.parametrize(
    ("value", "prop"),
    [
        pytest.param("IMO 8916293", "imoNumber", id="prefixed-imo"),
        pytest.param("8916293", "imoNumber", id="imo-check-digit"),
        pytest.param("1234568", "idNumber", id="seven-digits-bad-check"),
        pytest.param("MMSI 445123456", "mmsi", id="mmsi"),
        pytest.param("P1234567", "idNumber", id="passport-like"),
    ],
)
def test_identifier_property(value: str, prop: str) -> None:
    assert identifier_property(value) == prop

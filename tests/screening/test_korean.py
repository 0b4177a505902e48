"""Korean names: syllable arithmetic and romanisation equivalence (RR, MR, popular, Russian)."""

from __future__ import annotations

import pytest

from sanctionwatch.screening import korean
from sanctionwatch.screening.normalize import clean_text, split_words


def syllables(name: str) -> korean.KoreanName:
    found = korean.name_syllables(split_words(clean_text(name)))
    assert found is not None, name
    return found


def test_hangul_decomposition_is_arithmetic() -> None:
    (kim,) = korean.hangul_syllables("김") or ()
    assert (0, 20, 16) in kim  # ㄱ + ㅣ + ㅁ
    assert korean.to_hangul((12, 4, 21)) == "정"


EQUIVALENT = [
    ("hangul", "김정은", "KIM, Jong Un"),
    ("popular", "Kim Jong Un", "KIM, Jong Un"),
    ("hyphen", "Kim Jong-un", "KIM, Jong Un"),
    ("joined", "Kim Jongun", "KIM, Jong Un"),
    ("mccune-reischauer", "Kim Chong-un", "KIM, Jong Un"),
    ("revised-romanization", "Gim Jeong-eun", "KIM, Jong Un"),
    ("russian", "Ким Чен Ын", "KIM, Jong Un"),
    ("western-order", "Jong Un Kim", "KIM, Jong Un"),
    ("russian-kim-yong-chol", "Ким Ён Чхоль", "KIM YONG CHOL"),
    ("hangul-kim-yong-chol", "김영철", "KIM YONG CHOL"),
    ("initial-law-ri-lee", "Lee Man Gon", "RI MAN GON"),
    ("russian-ri", "Ли Ман Гон", "RI MAN GON"),
    ("russian-choe", "Чхве Чхун Сик", "CHOE CHUN-SIK"),
    ("rr-hyun", "Hyun Gwang-il", "HYON KWANG IL"),
    ("russian-il-final-r", "Хён Гван Ир", "HYON KWANG IL"),
    ("mr-apostrophes", "Yŏn Ch'ŏng-nam", "YO'N CHO'NG NAM"),
]


@pytest.mark.parametrize(
    ("variant", "listed"), [c[1:] for c in EQUIVALENT], ids=[c[0] for c in EQUIVALENT]
)
def test_romanisations_are_equivalent(variant: str, listed: str) -> None:
    assert korean.equivalent(syllables(variant), syllables(listed))


DIFFERENT = [
    ("kim-jong-il", "Kim Jong Il", "KIM, Jong Un"),
    ("kim-yo-jong", "Kim Yo Jong", "KIM, Jong Un"),
    ("kim-jong-nam", "Kim Jong Nam", "KIM, Jong Un"),
    ("kim-yong-un", "Kim Yong Un", "KIM, Jong Un"),
    ("pak-vs-kim", "Pak Jong Un", "KIM, Jong Un"),
    ("russian-kim-jong-il", "Ким Чен Ир", "KIM, Jong Un"),
]


@pytest.mark.parametrize(
    ("variant", "listed"), [c[1:] for c in DIFFERENT], ids=[c[0] for c in DIFFERENT]
)
def test_other_people_are_not_equivalent(variant: str, listed: str) -> None:
    assert not korean.equivalent(syllables(variant), syllables(listed))


def test_non_korean_words_do_not_parse() -> None:
    assert korean.name_syllables(["smith"]) is None
    assert korean.name_syllables(["vladimir"]) is None

"""Named case tables for Korean and Cyrillic names, shared by the tests and the benchmark.

Each case is (case id, query name, schema, expected listed IDs). The expected IDs are in the
2024 OFAC SDN CSV and the UN DPRK list; "a|b" means one person listed by both. No list holds
any of these query spellings as an alias: they must be reached by romanisation equivalence.
`seeded_variants` derives more spellings with a seeded random generator (the seed is printed
by the caller), changing only formatting an evader or a data-entry clerk would change.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    id: str
    query: str
    expected: frozenset[str]
    schema: str = "Person"


def _case(case_id: str, query: str, expected: str) -> Case:
    return Case(case_id, query, frozenset(expected.split("|")))


KIM_JONG_UN = "ofac-20157"

KOREAN_CASES = [
    _case("kju-hangul", "김정은", KIM_JONG_UN),
    _case("kju-popular", "Kim Jong Un", KIM_JONG_UN),
    _case("kju-hyphen", "Kim Jong-un", KIM_JONG_UN),
    _case("kju-mccune-reischauer", "Kim Chong-un", KIM_JONG_UN),
    _case("kju-revised-romanization", "Gim Jeong-eun", KIM_JONG_UN),
    _case("kju-russian", "Ким Чен Ын", KIM_JONG_UN),
    _case("kju-han", "金正恩", KIM_JONG_UN),
    _case("kju-mr-diacritics", "Kim Chŏng-ŭn", KIM_JONG_UN),
    _case("kju-western-order", "Jong-Un Kim", KIM_JONG_UN),
    _case("kyc-hangul", "김영철", "unsc-6908511|ofac-12211"),
    _case("kyc-russian", "Ким Ён Чхоль", "unsc-6908511|ofac-12211"),
    _case("kyc-rr", "Gim Yeong-cheol", "unsc-6908511|ofac-12211"),
    _case("rmg-hangul", "리만건", "unsc-6908513|ofac-19491"),
    _case("rmg-south-spelling", "Lee Man-geon", "unsc-6908513|ofac-19491"),
    _case("rmg-russian", "Ли Ман Гон", "unsc-6908513|ofac-19491"),
    _case("hki-rr", "Hyeon Gwang-il", "unsc-6908502"),
    _case("hki-russian", "Хён Гван Ир", "unsc-6908502"),
    _case("ccs-russian", "Чхве Чхун Сик", "unsc-6908500"),
    _case("ccs-hangul", "최춘식", "unsc-6908500"),
]

CYRILLIC_CASES = [
    _case("putin-russian", "Владимир Путин", "ofac-35096"),
    _case("putin-family-first", "Путин Владимир Владимирович", "ofac-35096"),
    _case("lavrov-russian", "Сергей Лавров", "ofac-35233"),
    _case("sechin-russian", "Сечин Игорь Иванович", "ofac-16692"),
    _case("shoigu-russian", "Сергей Шойгу", "ofac-35173"),
    _case("putin-homoglyphs", "Vlаdimir Рutin", "ofac-35096"),  # Cyrillic а and Р
    _case("putin-ukrainian", "Володимир Путін", "ofac-35096"),
    _case("kim-yong-chol-russian", "КИМ ЁН ЧХОЛЬ", "unsc-6908511|ofac-12211"),
]

_INVISIBLE = ["\u200b", "\u200d", "\ufeff"]  # zero-width space, joiner, BOM


def seeded_variants(cases: list[Case], seed: int, per_case: int = 3) -> list[Case]:
    """More spellings of each case: case changes, hyphens, comma family-first, invisibles."""
    rng = random.Random(seed)
    out: list[Case] = []
    for case in cases:
        for n in range(per_case):
            words = case.query.replace("-", " ").split()
            if len(words) > 2 and rng.random() < 0.5:
                words = [words[0], "-".join(words[1:])]
            text = f"{words[0]}, {' '.join(words[1:])}" if rng.random() < 0.4 else " ".join(words)
            casing: list[Callable[[str], str]] = [str.upper, str.lower, str.title, str]
            text = rng.choice(casing)(text)
            if rng.random() < 0.5:
                pos = rng.randrange(1, max(2, len(text)))
                text = text[:pos] + rng.choice(_INVISIBLE) + text[pos:]
            if rng.random() < 0.3:
                text = text.replace(" ", "\u00a0", 1)  # a non-breaking space between words
            out.append(Case(f"{case.id}-seed{seed}-{n}", text, case.expected, case.schema))
    return out

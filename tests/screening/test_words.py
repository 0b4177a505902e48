"""The batch test of word pairs: a clear bit must mean `word_similarity` is (0.0, "none").

Words are the parts (and joined neighbours) of real listed names plus seeded spellings of
them (typos, vowel changes, transliteration variants), so every way to a similarity occurs.
"""

from __future__ import annotations

import random
from collections import Counter
from itertools import pairwise

import numpy as np
import pytest
from followthemoney import EntityProxy

from sanctionwatch.screening.features import extract_features
from sanctionwatch.screening.words import _bit_masks, may_resemble, word_similarity

SEED = 20261128
_SWAPS = [("u", "o"), ("o", "u"), ("i", "y"), ("e", "i"), ("a", "e"), ("kh", "h"), ("sh", "sch")]
_SWAPS += [("ch", "tsch"), ("j", "dzh"), ("y", "j"), ("w", "v"), ("ph", "f"), ("c", "k")]


def _spellings(word: str, rng: random.Random) -> list[str]:
    """Seeded variants of a word: one edit, and one or two transliteration swaps."""
    out = []
    if len(word) > 3:
        pos = rng.randrange(1, len(word) - 1)
        out.append(word[:pos] + word[pos + 1 :])
        out.append(word[:pos] + rng.choice("aeiouklmnrst") + word[pos + 1 :])
    for old, new in rng.sample(_SWAPS, 2):
        if old in word:
            out.append(word.replace(old, new, 1))
    return out


@pytest.fixture(scope="module")
def words(listed: tuple[list[EntityProxy], dict[str, str]]) -> list[str]:
    print(f"seed {SEED}")
    rng = random.Random(SEED)
    entities, _ = listed
    found: set[str] = set()
    for entity in rng.sample(entities, 150):
        for name in extract_features(entity).names:
            texts = [p.text for p in name.parts]
            found.update(texts)
            found.update(a + b for a, b in pairwise(texts))
    base = sorted(found)
    for word in base:
        found.update(_spellings(word, rng))
    return sorted(found)


def test_a_clear_bit_proves_no_similarity(words: list[str]) -> None:
    rng = random.Random(SEED)
    left = rng.sample(words, 300)
    right = rng.sample(words, 40)
    masks = may_resemble(left, right)
    methods: Counter[str] = Counter()
    cleared = 0
    for word, mask in zip(left, masks, strict=True):
        for j, other in enumerate(right):
            sim, how = word_similarity(word, other)
            if not mask >> j & 1:
                assert (sim, how) == (0.0, "none"), (word, other)
                cleared += 1
            methods[how] += 1
    assert cleared > 0.9 * len(left) * len(right)  # the test rules out nearly all pairs
    # and the pairs it let through include every way to a similarity
    left = [w for w in words if len(w) > 3]
    for word, mask in zip(left, may_resemble(left, left), strict=True):
        for j, other in enumerate(left):
            if mask >> j & 1:
                methods[word_similarity(word, other)[1]] += 1
            elif j % 7 == 0:  # a sample of the cleared pairs, checked as above
                assert word_similarity(word, other) == (0.0, "none"), (word, other)
    assert {"equal", "fuzzy", "translit", "vowels", "translit-fuzzy"} <= set(methods)


SIMILAR = [
    ("typo", "scholze", "scholz"),
    ("vowels", "yusuf", "yosof"),
    ("translit", "plysjevskij", "plyshevskii"),
    ("equal-short", "kim", "kim"),
]


@pytest.mark.parametrize(("a", "b"), [c[1:] for c in SIMILAR], ids=[c[0] for c in SIMILAR])
def test_similar_words_keep_their_bit(a: str, b: str) -> None:
    assert word_similarity(a, b)[0] > 0
    assert may_resemble([a, "zzzz"], ["qqq", b]) == [0b10, 0]


def test_empty_sides() -> None:
    assert may_resemble([], ["kim"]) == []
    assert may_resemble(["kim", "jong"], []) == [0, 0]


def test_bit_masks_wider_than_one_machine_word() -> None:
    rng = np.random.default_rng(SEED)
    hits = rng.random((5, 150)) < 0.3
    expected = [sum(1 << j for j in range(150) if row[j]) for row in hits.tolist()]
    assert _bit_masks(hits) == expected

"""Word similarity: how alike two ASCII name parts are, and a batch test that rules pairs out.

`word_similarity` accepts a pair when its edit distance, its transliteration skeletons or its
consonant frames agree (see there). A new query name meets a few hundred listed words, nearly
all of them unlike every query word; `may_resemble` tells those apart for a whole batch of
pairs in a few C calls (rapidfuzz), so only the pairs that may resemble are compared in Python.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from sanctionwatch.screening.normalize import skeleton

SKELETON_FACTOR = 0.92  # `NameParams.skeleton_factor`: word similarity reads the defaults
VOWEL_FACTOR = 0.88  # `NameParams.vowel_factor`

_VOWELS = re.compile(r"[aeiou]")


@lru_cache(maxsize=200_000)
def consonants(text: str) -> str:
    """The consonant frame of a skeleton, first letter kept: Usama = Osama, Ladin = Laden."""
    frame = skeleton(text)
    return frame[:1] + _VOWELS.sub("", frame[1:]) if frame else frame


_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def _vowel_groups(text: str) -> int:
    return len(_VOWEL_GROUPS.findall(text))


def _budget(size: int) -> int:
    return 0 if size <= 3 else max(1, size // 4)


@lru_cache(maxsize=500_000)
def word_similarity(a: str, b: str) -> tuple[float, str]:
    """Similarity of two ASCII words with the method that produced it."""
    if a == b:
        return 1.0, "equal"
    size = max(len(a), len(b))
    dist = Levenshtein.distance(a, b, score_cutoff=_budget(size))
    best = (0.0, "none")
    if dist <= _budget(size):
        best = (1.0 - dist / size, "fuzzy")
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb:
        score = SKELETON_FACTOR
        if score > best[0]:
            best = (score, "translit")
    elif (
        len(a) > 3
        and len(b) > 3
        and abs(len(a) - len(b)) <= 1
        and consonants(a)[1:] == consonants(b)[1:]
        and _vowel_groups(a) == _vowel_groups(b)
    ):
        same_start = a[0] == b[0] or (a[0] in "aeiou" and b[0] in "aeiou")
        if same_start and len(consonants(a)) > 2 and best[0] < VOWEL_FACTOR:
            best = (VOWEL_FACTOR, "vowels")
    elif len(sa) > 3 and len(sb) > 3:
        ssize = max(len(sa), len(sb))
        sdist = Levenshtein.distance(sa, sb, score_cutoff=_budget(ssize))
        if sdist <= _budget(ssize) and a[0] == b[0]:
            score = SKELETON_FACTOR * (1.0 - sdist / ssize)
            if score > best[0]:
                best = (score, "translit-fuzzy")
    return best


def may_resemble(left: Sequence[str], right: Sequence[str]) -> list[int]:
    """For each word of `left`, a bit mask over `right`: may `word_similarity` be above 0?

    A clear bit is a proof that it is (0.0, "none"): each way to a score needs one of an edit
    distance within `_budget` (equal words included), skeletons within the budget of theirs
    ("translit" and "translit-fuzzy"), or the same consonant frame after the first letter,
    of at least two letters, in words longer than three ("vowels"). A set bit: "compare".
    """
    if not left or not right:
        return [0] * len(left)
    hits = _within_budget(left, right)
    skeletons_l, frames_l = zip(*map(word_forms, left), strict=True)
    skeletons_r, frames_r = zip(*map(word_forms, right), strict=True)
    hits |= _within_budget(skeletons_l, skeletons_r)
    # words without a frame get one unlike any (NUL and SOH are no name letters)
    frames_l = tuple(f or "\0" for f in frames_l)
    frames_r = tuple(f or "\1" for f in frames_r)
    hits |= process.cdist(frames_l, frames_r, scorer=Levenshtein.distance, score_cutoff=0) == 0
    return _bit_masks(hits)


def _bit_masks(hits: npt.NDArray[np.bool_]) -> list[int]:
    """Each row of a boolean matrix as an int (bit j for column j), 62 columns at a time."""
    masks: list[int] = []
    for start in range(0, hits.shape[1], 62):
        chunk = hits[:, start : start + 62]
        values: list[int] = (chunk @ (1 << np.arange(chunk.shape[1], dtype=np.int64))).tolist()
        if start:
            masks = [mask | value << start for mask, value in zip(masks, values, strict=True)]
        else:
            masks = values
    return masks


@lru_cache(maxsize=200_000)
def word_forms(text: str) -> tuple[str, str]:
    """The skeleton of a word, and the consonant frame the "vowels" method needs equal
    ("" where that method cannot apply: three letters or fewer, or a frame that short).

    Kept for the listed words and joins from `Screener.warm` on (UN + OFAC: 62,000 of them,
    0.3 s), so that queries derive only their own."""
    frame = consonants(text) if len(text) > 3 else ""
    return skeleton(text), frame[1:] if len(frame) > 2 else ""


def _within_budget(left: Sequence[str], right: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Pairs whose edit distance is within `_budget` of the longer word.

    The budget is a quarter of the longer length, rounded down (0 up to three letters), so
    this is a normalised distance (distance / longer length) of at most 0.25: exact in
    floats, as 0.25 is, and the division is rounded correctly.
    """
    found = process.cdist(
        left, right, scorer=Levenshtein.normalized_distance, score_cutoff=0.25, workers=1
    )
    within: npt.NDArray[np.bool_] = found <= 0.25
    return within

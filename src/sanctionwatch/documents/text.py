"""Tokens with offsets, matching keys and sentences: the text layer every matcher shares.

A key is the form both sides of a lookup agree on: case-folded, Latin accents removed
(Pjöngjang/Pjongjang, États/Etats), ё as е, and Russian words lemmatised with pymorphy3 so
that inflected forms meet their base form (Северную Корею and Северная Корея both give
"северный корея"). German genitive and plural endings are tried as variants on the text side
(Russlands, Pjöngjangs, Nationen). Korean particles are handled by prefix matching, since
they are glued to the noun (북한은, 러시아에).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple

# Words; a Hangul run is its own word, so a particle glued to a Latin name splits off (WFP에).
WORD_RE = re.compile(r"[\uac00-\ud7a3\u3130-\u318f]+|[^\W\uac00-\ud7a3\u3130-\u318f]+")
# Sentence ends: . ! ? (also without a following space before a capital after a word, as in
# some French copy: "Russie.Avant"), Korean sentence-final "다." and line breaks. A single
# capital and a full stop is an initial or an abbreviation ("Steven T. Mnuchin", "U.S.
# government", "E.O. 13722", "В. Путин"), not a sentence end.
SENTENCE_END_RE = re.compile(
    r"(?<!\b[A-ZА-ЯЁ]\.)(?<=[.!?…])[\"»”’)]*\s+"
    r"|(?<=[a-zß-ÿа-яё]{2}[.!?…])[\"»”’)]*(?=[A-ZÀ-ÖØ-ÞА-ЯЁ«\"])"
    r"|\n+"
)

RU_ENDINGS = sorted(
    [
        "ами",
        "ями",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
        "ой",
        "ей",
        "ою",
        "ею",
        "ую",
        "юю",
        "ая",
        "яя",
        "ое",
        "ее",
        "ые",
        "ие",
        "ый",
        "ий",
        "ом",
        "ем",
        "ах",
        "ях",
        "ов",
        "ев",
        "ам",
        "ям",
        "ы",
        "и",
        "а",
        "я",
        "у",
        "ю",
        "е",
        "о",
        "ь",
        "й",
    ],
    key=len,
    reverse=True,
)
DE_SUFFIXES = ("es", "s", "en", "n", "e")


class Token(NamedTuple):
    """A word and its key. A named tuple, not a dataclass: a text has thousands of tokens,
    and a tuple is built several times faster."""

    start: int
    end: int
    text: str
    key: str


HANGUL_RE = re.compile("[\uac00-\ud7a3]")
CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


def is_hangul(text: str) -> bool:
    return HANGUL_RE.search(text) is not None


def is_cyrillic(text: str) -> bool:
    return CYRILLIC_RE.search(text) is not None


def _fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:  # "İ".lower() has two characters: keep offsets aligned
        low = ch
    if low == "ё":
        return "е"
    if ord(low) < 0x250 and not low.isascii():
        base = [c for c in unicodedata.normalize("NFD", low) if c.isascii()]
        return base[0] if base else low
    return low


class _FoldTable(dict[int, str]):
    """`str.translate` table filled on first use of each character."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case, Latin accents removed (NFD would split Hangul syllables), ё as е. One
    character in, one character out, so offsets into the folded text are offsets into the
    original."""
    return text.translate(FOLD_TABLE)


def ru_stem(word: str) -> str:
    """Cut one inflectional ending off a folded Russian word, keeping at least 3 letters."""
    for ending in RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3  # type: ignore[import-untyped]

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def ru_lemma(word: str) -> str:
    """The pymorphy3 normal form of a folded Russian word (Корею -> корея)."""
    parses = _morph().parse(word)
    return str(parses[0].normal_form).replace("ё", "е") if parses else word


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The matching key of one word (the same on the gazetteer side and the text side)."""
    folded = fold(word)
    return ru_lemma(folded) if is_cyrillic(folded) else folded


@lru_cache(maxsize=200_000)
def key_variants(word: str, language: str | None) -> tuple[str, ...]:
    """Keys a text word may stand for: itself, and German forms without their ending."""
    key = word_key(word)
    if language != "de" or not key.isalpha() or is_hangul(key):
        return (key,)
    variants = [key]
    for suffix in DE_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 3:
            variants.append(key[: -len(suffix)])
    return tuple(dict.fromkeys(variants))


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.start(), m.end(), m.group(), word_key(m.group())) for m in WORD_RE.finditer(text)
    ]


def name_key(name: str) -> tuple[str, ...]:
    """The key tuple of a gazetteer name."""
    return tuple(word_key(m.group()) for m in WORD_RE.finditer(name))


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end), stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in SENTENCE_END_RE.finditer(text):
        _add_span(text, (pos, match.start()), spans)
        pos = match.end()
    _add_span(text, (pos, len(text)), spans)
    return spans


def _add_span(text: str, span: tuple[int, int], spans: list[tuple[int, int]]) -> None:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in re.finditer(r"\n\s*", text):
        _add_span(text, (pos, match.start()), spans)
        pos = match.end()
    _add_span(text, (pos, len(text)), spans)
    return spans

"""Multilingual indicator matching for regime categories, exemptions and techniques.

Following the regime README: terms are matched case-insensitively on words; short terms are
whole words; a word may carry an inflectional ending (German -en/-s, French/English plurals,
Russian endings, Korean particles); long German terms also match inside compounds (Granaten
in Artilleriegranaten), and Korean terms of three syllables or more inside a word.

The first word of every term goes into one Aho-Corasick automaton per language (pyahocorasick);
a document is scanned once and each hit is then checked word by word.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick  # type: ignore[import-not-found,unused-ignore]

from sanctionwatch.documents.text import WORD_RE, Token, fold, is_hangul, ru_stem

MAX_SUFFIX = {"de": 3, "en": 2, "fr": 2, "ru": 4, "ko": 3}
COMPOUND_MIN = {"de": 7, "ko": 3}  # terms this long also match inside a word


# Token start offsets and folded word forms of one document, shared by the indexes.
TokenWords = tuple[list[int], list[str]]


def token_words(folded: str, tokens: Sequence[Token]) -> TokenWords:
    """The (starts, folded words) of a document's tokens, for `IndicatorIndex.find`."""
    return [t.start for t in tokens], [folded[t.start : t.end] for t in tokens]


@dataclass(frozen=True)
class Term:
    owner: str  # category, exemption or technique id
    text: str
    stems: tuple[str, ...]
    language: str
    short: tuple[bool, ...] = ()  # words of at most 3 letters: whole words only


@dataclass(frozen=True)
class Hit:
    owner: str
    term: str
    start: int
    end: int


def _stem(word: str, language: str) -> str:
    folded = fold(word)
    return ru_stem(folded) if language == "ru" else folded


class IndicatorIndex:
    """Terms of one kind (categories, exemptions or techniques) for every language."""

    def __init__(self, terms: Iterable[Term]) -> None:
        by_first: dict[tuple[str, str], list[Term]] = defaultdict(list)
        for term in terms:
            if term.stems:
                by_first[(term.language, term.stems[0])].append(term)
        self._automata: dict[str, Any] = {}
        for (language, first), group in by_first.items():
            automaton = self._automata.setdefault(language, ahocorasick.Automaton())
            automaton.add_word(first, (first, tuple(group)))
        for automaton in self._automata.values():
            automaton.make_automaton()

    @classmethod
    def from_mapping(cls, owners: dict[str, dict[str, tuple[str, ...]]]) -> IndicatorIndex:
        terms = []
        for owner, by_lang in owners.items():
            for language, texts in by_lang.items():
                for text in texts:
                    words = WORD_RE.findall(text)
                    stems = tuple(_stem(w, language) for w in words)
                    short = tuple(len(w) <= 3 for w in words)
                    terms.append(Term(owner, text, stems, language, short))
        return cls(terms)

    def find(
        self,
        folded: str,
        tokens: Sequence[Token],
        language: str,
        *,
        words: TokenWords | None = None,
    ) -> list[Hit]:
        """Hits in a document; `folded` is `fold(text)` (same offsets as the text); `words`
        may be passed when several indexes scan the same document."""
        automaton = self._automata.get(language)
        if automaton is None or not tokens:
            return []
        starts, forms = words or token_words(folded, tokens)
        compound = COMPOUND_MIN.get(language)
        hits: list[Hit] = []
        for last, (first, terms) in automaton.iter(folded):
            begin = last - len(first) + 1
            i = bisect_right(starts, begin) - 1
            if i < 0 or last >= tokens[i].end:
                continue
            cut = begin - tokens[i].start
            if cut and (compound is None or len(first) < compound):
                continue
            for term in terms:
                end = _match(term, forms, tokens, i=i, cut=cut, language=language)
                if end is not None:
                    hits.append(Hit(term.owner, term.text, begin, end))
        return hits


def _match(
    term: Term, words: list[str], tokens: Sequence[Token], *, i: int, cut: int, language: str
) -> int | None:
    """End offset if the term's words follow from word `i` (its first word from `cut`)."""
    if i + len(term.stems) > len(words):
        return None
    for j, stem in enumerate(term.stems):
        word = words[i + j][cut:] if j == 0 else words[i + j]
        if not word.startswith(stem):
            return None
        rest = len(word) - len(stem)
        limit = 0 if term.short[j] else MAX_SUFFIX.get(language, 2)
        if language == "ko":
            if len(stem) == 1 and rest:
                return None
            limit = 99 if is_hangul(stem) else 0
        if rest > limit:
            return None
    return tokens[i + len(term.stems) - 1].end

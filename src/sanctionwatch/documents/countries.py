"""Countries a document refers to: named countries, places that stand for or lie in a
country (Washington, Pjöngjang), and country adjectives (iranisch, северокорейский)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sanctionwatch.documents.gazetteer import curated_tables
from sanctionwatch.documents.model import Mention
from sanctionwatch.documents.text import fold

WORD_CHAR = re.compile(r"\w")


@lru_cache(maxsize=1)
def demonym_table() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(country code, folded adjectives) in the order of the curated table."""
    return tuple(
        (code, tuple(sorted({fold(w) for w in words}, key=len, reverse=True)))
        for code, words in curated_tables().get("demonyms", {}).items()
    )


@lru_cache(maxsize=1)
def _demonym_automaton() -> Any:
    import ahocorasick  # type: ignore[import-not-found,unused-ignore]

    automaton = ahocorasick.Automaton()
    codes: dict[str, list[str]] = {}
    for code, words in demonym_table():
        for word in words:
            codes.setdefault(word, []).append(code)
    for word, owners in codes.items():
        automaton.add_word(word, (len(word), tuple(owners)))
    automaton.make_automaton()
    return automaton


class Demonyms:
    """Where country adjectives occur in one folded document, found in one Aho-Corasick
    scan; then "which countries does this sentence name by adjective" is a range lookup
    instead of a regular expression per country per sentence. An adjective counts where it
    starts a word: "iranisch" in "iranische", "russisch" in "russischen", never mid-word."""

    def __init__(self, folded: str) -> None:
        hits: list[tuple[int, int, bool, str]] = []
        for last, (length, owners) in _demonym_automaton().iter(folded):
            start = last - length + 1
            bounded = start == 0 or WORD_CHAR.match(folded, start - 1) is None
            hits.extend((start, last + 1, bounded, code) for code in owners)
        hits.sort()
        self._hits = hits
        self._starts = [h[0] for h in hits]

    def codes(self, start: int, end: int) -> list[str]:
        """Codes of the adjectives inside [start, end), in the table's order; a span that
        starts mid-word still counts an adjective at its first character (as a search over
        the span's own text would)."""
        found = set()
        for s, e, bounded, code in self._hits[bisect_left(self._starts, start) :]:
            if s >= end:
                break
            if e <= end and (bounded or s == start):
                found.add(code)
        return [code for code, _ in demonym_table() if code in found]


def adjective_countries(text: str) -> list[str]:
    """ISO codes of the countries a text names by adjective only (russisch, Iranian)."""
    return Demonyms(fold(text)).codes(0, len(text))


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str:
    """The English (CLDR) name of a country code, or the code itself."""
    from babel import Locale

    if not code:
        return ""
    return str(Locale.parse("en").territories.get(code.upper(), code))


def referenced_countries(
    text: str, mentions: Sequence[Mention], *, demonyms: Demonyms | None = None
) -> tuple[str, ...]:
    """ISO codes, sorted: from country and place mentions and from country adjectives
    (`demonyms`: the document's adjectives when already scanned)."""
    codes = {m.country for m in mentions if m.type in {"COUNTRY", "LOCATION"} and m.country}
    codes.update((demonyms or Demonyms(fold(text))).codes(0, len(text)))
    return tuple(sorted(c for c in codes if len(c) == 2))

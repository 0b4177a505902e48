"""Countries a document refers to: named countries, places that stand for or lie in a
country (Washington, Pjöngjang), and country adjectives (iranisch, северокорейский)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from sanctionwatch.documents.gazetteer import curated_tables
from sanctionwatch.documents.model import Mention
from sanctionwatch.documents.text import fold


@lru_cache(maxsize=1)
def demonym_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for code, words in curated_tables().get("demonyms", {}).items():
        alternatives = "|".join(
            re.escape(fold(w)) for w in sorted(set(words), key=len, reverse=True)
        )
        out.append((code, re.compile(rf"(?<!\w)(?:{alternatives})")))
    return tuple(out)


def adjective_countries(text: str) -> list[str]:
    """ISO codes of the countries a text names by adjective only (russisch, Iranian)."""
    folded = fold(text)
    return [code for code, pattern in demonym_patterns() if pattern.search(folded)]


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str:
    """The English (CLDR) name of a country code, or the code itself."""
    from babel import Locale

    if not code:
        return ""
    return str(Locale.parse("en").territories.get(code.upper(), code))


def referenced_countries(text: str, mentions: Sequence[Mention]) -> tuple[str, ...]:
    """ISO codes, sorted: from country and place mentions and from country adjectives."""
    codes = {m.country for m in mentions if m.type in {"COUNTRY", "LOCATION"} and m.country}
    codes.update(adjective_countries(text))
    return tuple(sorted(c for c in codes if len(c) == 2))

"""People named beside a title or office: the rule that finds names no list or gazetteer knows
("Premierminister Keir Starmer", "Secretary Steven T. Mnuchin", "Замминистра Брайан Нельсон",
"le Haut représentant Josep Borrell", "l'ambassadeur sud-coréen, Hwang Joon-kook", "Hugh
Griffiths, Koordinator eines Expertenrates").

Three shapes, in de/en/fr/ru (Korean names before titles are in `rules.korean_mentions`):
1. a title, then the name ("Präsident Yoon Suk Yeol");
2. a title, a short complement and a comma, then the name closed by punctuation ("Chef des
   Militärgeheimdienstes, Kyrylo Budanow.");
3. the name at the start of a sentence or line, a comma, then a title within two words
   ("Izumi Nakamitsu, High Representative").
A name is two to four capitalised words (initials and hyphenated parts allowed); a German
name's last word must be unknown to the German lexicon, since German capitalises nouns.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from sanctionwatch.documents.model import Mention
from sanctionwatch.documents.text import Token, fold

# Folded singular forms (accents removed, see `text.fold`); Russian also in oblique cases.
TITLES: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "president",
            "secretary",
            "minister",
            "ambassador",
            "envoy",
            "leader",
            "chairman",
            "chairwoman",
            "chair",
            "director",
            "spokesman",
            "spokeswoman",
            "spokesperson",
            "representative",
            "coordinator",
            "commander",
            "general",
            "admiral",
            "senator",
            "chancellor",
            "premier",
            "governor",
            "deputy",
            "chief",
            "mr",
            "mrs",
            "ms",
            "dr",
            "sir",
            "king",
            "prince",
            "officer",
        ]
    ),
    "de": frozenset(
        [
            "herr",
            "frau",
            "dr",
            "machthaber",
            "diktator",
            "gesandte",
            "gesandter",
            "vertreter",
            "vertreterin",
            "reprasentant",
            "staatschef",
        ]
    ),
    "fr": frozenset(
        [
            "president",
            "presidente",
            "ministre",
            "ambassadeur",
            "ambassadrice",
            "parole",
            "dirigeant",
            "dirigeante",
            "chef",
            "secretaire",
            "general",
            "directeur",
            "directrice",
            "representant",
            "representante",
            "leader",
            "dictateur",
            "cofondateur",
            "fondateur",
            "pdg",
            "mme",
            "dr",
            "emissaire",
            "envoye",
            "homologue",
        ]
    ),
    "ru": frozenset(
        [
            "президент",
            "президента",
            "министр",
            "министра",
            "замминистра",
            "посол",
            "посла",
            "глава",
            "главы",
            "лидер",
            "лидера",
            "председатель",
            "председателя",
            "генсек",
            "генсека",
            "представитель",
            "представителя",
            "директор",
            "директора",
            "руководитель",
            "руководителя",
            "спикер",
            "депутат",
            "премьер",
            "премьер-министр",
            "господин",
            "советник",
            "помощник",
        ]
    ),
}
# German titles are compounds ("Premierminister", "Militärgeheimdienstchef"): by ending.
GERMAN_TITLE_WORDS = (
    "präsident",
    "präsidentin",
    "minister",
    "ministerin",
    "kanzler",
    "kanzlerin",
    "chef",
    "chefin",
    "sprecher",
    "sprecherin",
    "botschafter",
    "botschafterin",
    "sekretär",
    "sekretärin",
    "direktor",
    "direktorin",
    "leiter",
    "leiterin",
    "koordinator",
    "koordinatorin",
    "vorsitzende",
    "vorsitzender",
    "general",
    "berater",
    "beraterin",
)
DE_TITLE_ENDINGS = tuple(fold(w) for w in GERMAN_TITLE_WORDS)
NAME_WORD = r"(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][a-zß-öø-ÿа-яё]+(?:-[A-Za-zß-öø-ÿ][a-zß-öø-ÿ]+)?|[A-Z]\.)"
NAME_RE = re.compile(rf"{NAME_WORD}(?: {NAME_WORD}){{1,3}}(?![\w\-])")
COMPLEMENT_MAX = 8  # words between a title and ", NAME"
CLOSERS = ",.;:)"  # what may follow a name set off by a comma


def title_person_mentions(
    text: str, tokens: Sequence[Token], language: str | None
) -> list[Mention]:
    """Unlinked PERSON mentions beside a title word (see the module docstring)."""
    if language not in TITLES:
        return []
    found: dict[tuple[int, int], Mention] = {}
    for i, tok in enumerate(tokens):
        if not _is_title(tok, language):
            continue
        j = i + 1
        while j < len(tokens) and _is_title(tokens[j], language):
            j += 1  # "Secretary General", "Haut représentant" chains
        if j < len(tokens) and text[tokens[j - 1].end : tokens[j].start] == " ":
            _add(found, text, tokens[j].start, language, closed=False)
        comma = _comma_after(text, tokens, j)
        if comma is not None:
            _add(found, text, comma, language, closed=True)
    for i, tok in enumerate(tokens):
        if not tok.text[:1].isupper() or not _starts_sentence(text, tokens, i):
            continue
        m = NAME_RE.match(text, tok.start)
        if m is not None and _title_follows(text, m.end(), tokens, language):
            _add(found, text, m.start(), language, closed=False)
    return list(found.values())


def _is_title(tok: Token, language: str) -> bool:
    """A title word; the key is the folded word (a lemma for Russian, whose listed forms
    are then checked on the folded text too)."""
    titles = TITLES[language]
    if tok.key in titles:
        return True
    if language == "ru":  # Cyrillic folds to lower case with ё as е
        return tok.text.lower().replace("ё", "е") in titles
    return language == "de" and tok.key.endswith(DE_TITLE_ENDINGS)


def _comma_after(text: str, tokens: Sequence[Token], j: int) -> int | None:
    """Where a name may start after a title's short complement and a comma ("ambassadeur
    sud-coréen, Hwang"), or None; the complement holds no sentence punctuation."""
    for k in range(j, min(len(tokens), j + COMPLEMENT_MAX + 1)):
        gap = text[tokens[k - 1].end : tokens[k].start]
        if gap == ", ":
            return tokens[k].start
        if any(ch in gap for ch in ".;:!?\n(),"):
            return None
    return None


def _add(
    found: dict[tuple[int, int], Mention], text: str, start: int, language: str, *, closed: bool
) -> None:
    m = NAME_RE.match(text, start)
    if m is None:
        return
    words = m.group().split()
    if words[-1].endswith("."):
        return  # an initial cannot end a name
    if closed and text[m.end() : m.end() + 1] not in CLOSERS:
        return  # "…, Robert Wood, et": an apposition is closed by punctuation
    if language == "de" and _german_word(words[-1]):
        return
    found.setdefault(
        (m.start(), m.end()), Mention(m.group(), m.start(), m.end(), "PERSON", source="rule:title")
    )


def _german_word(word: str) -> bool:
    from sanctionwatch.documents.rules import german_vocabulary

    vocab = german_vocabulary()
    return word in vocab or word.lower() in vocab


def _starts_sentence(text: str, tokens: Sequence[Token], i: int) -> bool:
    """Word `i` opens the text, a line or a sentence."""
    before = text[tokens[i - 1].end if i else 0 : tokens[i].start].rstrip(" ")
    return not before or before[-1] in "\n.!?"


def _title_follows(text: str, end: int, tokens: Sequence[Token], language: str) -> bool:
    """ ", Koordinator", ", High Representative", ", le cofondateur": a title within the
    first three words after a comma."""
    if not text.startswith(", ", end):
        return False
    k = _token_at(tokens, end + 2)
    if k is None:
        return False
    return any(_is_title(tok, language) for tok in tokens[k : k + 3])


def _token_at(tokens: Sequence[Token], pos: int) -> int | None:
    """The index of the token starting exactly at `pos`, if any (tokens sorted by start)."""
    i = bisect_left(tokens, pos, key=_start)
    return i if i < len(tokens) and tokens[i].start == pos else None


def _start(token: Token) -> int:
    return token.start

"""Name analysis, done once per name: parts, their kind, legal forms, numbers, scripts.

A name becomes a tuple of `Part`s in ASCII with a kind (word, number, initial, legal form,
particle, patronymic); titles and honorifics are dropped; company legal forms are mapped to
classes that are equal across languages (LLC = OOO = ООО = GmbH, JSC = AO = АО, ...). Han
names get pinyin and Sino-Korean readings, Hangul and romanised Korean names get syllables
(see `korean`), so the comparison can treat script variants as equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rigour.names import replace_org_types_compare

from sanctionwatch.screening import korean
from sanctionwatch.screening.normalize import (
    clean_text,
    scripts_of,
    skeleton,
    split_words,
    to_ascii,
)

# Legal forms -> equivalence classes. A form may sit in two classes (a Korean 주식회사 is
# written "Co., Ltd." in English as often as "JSC"). Multi-word forms are matched first.
_LEGAL_FORMS: dict[tuple[str, ...], frozenset[str]] = {}


def _legal(classes: str, *forms: str) -> None:
    for form in forms:
        _LEGAL_FORMS[tuple(form.split())] = frozenset(classes.split())


_legal("LLC", "llc", "ooo", "tov", "gmbh", "sarl", "srl", "sro", "bv", "kft", "doo", "too")
_legal("LLC", "limited liability company", "limited liability partnership", "llp")
_legal("LLC", "sp z o o", "spzoo", "yuhanhoesa", "yuhan hoesa", "mchj", "mas uliyati cheklangan")
_legal("LLC JSC", "ltd", "limited", "co ltd", "company limited", "pte ltd", "pty ltd", "sdn bhd")
_legal("LLC JSC", "jusighoesa", "jusik hoesa", "chusik hoesa", "kabushiki kaisha", "kk")
_legal("JSC", "jsc", "ao", "zao", "cjsc", "ag", "sa", "as", "joint stock company", "aktsionernoe")
_legal("JSC", "closed joint stock company", "aktsionernoe obshchestvo", "nv", "spa", "ad", "ab")
_legal("PJSC JSC", "pjsc", "pao", "ojsc", "oao", "plc", "public joint stock company", "psc")
_legal("PJSC JSC", "open joint stock company", "public limited company", "tbk", "pt")
_legal("CORP", "inc", "corp", "corporation", "incorporated", "co", "company", "cia", "cie")
_legal("GP", "gp", "lp", "kg", "partnership", "general partnership")
_legal("FZE", "fze", "fzco", "fz llc", "fzc", "dmcc")
_legal("SOE", "fgup", "gup", "mup", "sue", "state unitary enterprise")
_LEGAL_MAX = max(len(k) for k in _LEGAL_FORMS)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    """
    mr mrs ms miss mx dr prof sir dame lord lady sheikh shaikh sheik shaykh haji hajji hadji
    mullah mulla maulvi mawlawi maulana mufti imam sayyid sayed syed qari hafiz general gen
    colonel col major maj captain capt lieutenant lt admiral adm brigadier commander cmdr
    sergeant sgt his her excellency he hon honorable honourable rev reverend father
    emir amir prince princess king queen president prasident praesident presidente minister
    ambassador judge senator monsieur madame herr frau senor senora
    """
)
PARTICLES = _words(
    """
    al el ul ar as ash at ad az an bin ibn bint ben bou abu um van von der den de la le da
    di du del della dos das do y e und and of the zu ter
    """
)
_PATRONYMIC_ENDINGS = ("ovich", "evich", "ovna", "evna", "ichna", "ogly", "oglu", "kyzy", "uly")
_PERSON_SCHEMATA = frozenset({"Person"})


@dataclass(frozen=True, slots=True)
class Part:
    """One comparable part of a name."""

    text: str  # ASCII, lower case
    kind: str  # word | number | initial | legal | particle | patronymic
    legal: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Name:
    """A name analysed for comparison."""

    original: str
    parts: tuple[Part, ...]
    korean: korean.KoreanName | None
    scripts: frozenset[str]
    source: str = "name"  # how the variant was made: name, pinyin, hanja, weak

    form: str = field(init=False, compare=False)
    sorted_key: str = field(init=False, compare=False)
    numbers: frozenset[str] = field(init=False, compare=False)
    has_latin_only: bool = field(init=False, compare=False)
    heads: frozenset[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        # derived once: names are compared many times
        object.__setattr__(self, "form", " ".join(p.text for p in self.parts))
        key = " ".join(sorted(p.text for p in self.parts if p.kind != "legal"))
        object.__setattr__(self, "sorted_key", key)
        numbers = frozenset(p.text for p in self.parts if p.kind == "number")
        object.__setattr__(self, "numbers", numbers)
        object.__setattr__(self, "has_latin_only", self.scripts <= {"latin"})
        object.__setattr__(self, "heads", name_heads(self.parts))

    def __getstate__(self) -> dict[str, Any]:
        """The analysis without the caches the comparison keeps on a name (`_compare`)."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


def name_heads(parts: tuple[Part, ...]) -> frozenset[str]:
    """First letters of the parts (raw, transliteration skeleton, vowels as one): two names
    with no head in common cannot align any part, so their comparison can be skipped."""
    heads: set[str] = set()
    for part in parts:
        if part.kind in ("legal", "particle") or not part.text:
            continue
        for form in (part.text, skeleton(part.text)):
            if form:
                heads.add("a" if form[0] in "aeiouy" else form[0])
    return frozenset(heads)


def _kind(text: str, is_person: bool) -> str:
    if text.isdigit() or (any(c.isdigit() for c in text) and len(text) <= 6):
        return "number"
    if len(text) == 1:
        return "initial" if is_person else "word"
    if text in PARTICLES:
        return "particle"
    if is_person and len(text) > 6 and text.endswith(_PATRONYMIC_ENDINGS):
        return "patronymic"
    return "word"


_CARDINALS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_TENS = ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_CARDINALS)}
_NUMBER_WORDS.update({w: str(10 * (i + 3)) for i, w in enumerate(_TENS)})
_NUMBER_WORDS.update({w: str(i + 1) for i, w in enumerate(_ORDINALS)})
_ORDINAL_RE = re.compile(r"^(\d+)(st|nd|rd|th)$")
_LEET = str.maketrans("0134579", "oieastg")


def _word_form(word: str) -> str:
    """Number words and ordinals as digits (Forty-Four = 44, 1st = first); leetspeak undone."""
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    ordinal = _ORDINAL_RE.match(word)
    if ordinal:
        return ordinal.group(1)
    letters = sum(c.isalpha() for c in word)
    digits = len(word) - letters
    if letters >= 2 and 0 < digits <= letters // 2 and not word[-1].isdigit():
        return word.translate(_LEET)  # Ig0r Sech1n
    return word


def _merge_numbers(words: list[str]) -> list[str]:
    """forty four -> 44: a tens word followed by a unit."""
    out: list[str] = []
    for word in words:
        if (
            out
            and word.isdigit()
            and len(word) == 1
            and out[-1].isdigit()
            and len(out[-1]) == 2
            and out[-1].endswith("0")
        ):
            out[-1] = str(int(out[-1]) + int(word))
        else:
            out.append(word)
    return out


def _merge_letters(words: list[str]) -> list[str]:
    """A.B.C. Company -> abc company: a run of single letters is one word in an org name."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if run:
            out.extend(["".join(run)] if len(run) > 1 else run)
            run = []
        if word:
            out.append(word)
    return out


def _dedupe(words: list[str]) -> list[str]:
    """Sergey Sergey Shoigu -> Sergey Shoigu."""
    seen: set[str] = set()
    out = []
    for word in words:
        if word not in seen or len(word) == 1:
            out.append(word)
        seen.add(word)
    return out


def _parts(words: list[str], is_person: bool) -> tuple[Part, ...]:
    """ASCII parts with legal forms folded into one part each (organisations only)."""
    ascii_words = [a for a in (to_ascii(w) for w in words) if a]
    ascii_words = _merge_numbers([_word_form(w) for w in ascii_words])
    if is_person and len(ascii_words) > 1:
        kept = [w for w in ascii_words if w not in TITLES]
        ascii_words = kept or ascii_words
    if not is_person:
        ascii_words = _merge_letters(ascii_words)
    ascii_words = _dedupe(ascii_words)
    parts: list[Part] = []
    i = 0
    while i < len(ascii_words):
        if not is_person:
            for size in range(min(_LEGAL_MAX, len(ascii_words) - i), 0, -1):
                classes = _LEGAL_FORMS.get(tuple(ascii_words[i : i + size]))
                if classes is not None and len(ascii_words) > size:
                    parts.append(Part("/".join(sorted(classes)), "legal", classes))
                    i += size
                    break
            else:
                parts.append(Part(ascii_words[i], _kind(ascii_words[i], is_person)))
                i += 1
            continue
        parts.append(Part(ascii_words[i], _kind(ascii_words[i], is_person)))
        i += 1
    return tuple(parts)


def _han_variants(words: list[str]) -> list[tuple[str, list[str]]]:
    """Mandarin pinyin and Sino-Korean (Hangul) readings of Han-script words."""
    from hanja import translate
    from pypinyin import lazy_pinyin

    pinyin_words: list[str] = []
    hangul_words: list[str] = []
    for word in words:
        if not any("\u3400" <= c < "\ua000" or "\uf900" <= c < "\ufb00" for c in word):
            pinyin_words.append(word)
            hangul_words.append(word)
            continue
        syllables = [s for s in lazy_pinyin(word) if s.strip()]
        if len(syllables) > 1:  # family name first, given name joined: Xi Jinping
            pinyin_words.extend([syllables[0], "".join(syllables[1:])])
        else:
            pinyin_words.extend(syllables)
        reading = translate(word, "substitution")
        if word.startswith("金"):  # as a family name 金 reads 김, not 금
            reading = "김" + reading[1:]
        hangul_words.append(reading)
    return [("pinyin", pinyin_words), ("hanja", hangul_words)]


def _split_hangul_family(words: list[str]) -> list[str]:
    """김정은 -> 김 정은: a Korean person name written as one word starts with the family name."""
    if len(words) == 1 and 2 <= len(words[0]) <= 4 and korean.hangul_syllables(words[0]):
        return [words[0][0], words[0][1:]]
    return words


@lru_cache(maxsize=100_000)
def analyze_name(text: str, schema: str, source: str = "name") -> tuple[Name, ...]:
    """A name and its script variants (pinyin and Sino-Korean for Han), ready to compare."""
    is_person = schema in _PERSON_SCHEMATA
    cleaned = clean_text(text)
    if not is_person:
        cleaned = replace_org_types_compare(cleaned)
    words = split_words(cleaned)
    if not words:
        return ()
    scripts = frozenset(scripts_of(cleaned))
    if is_person and "hangul" in scripts:
        words = _split_hangul_family(words)
    variants: list[tuple[str, list[str]]] = [(source, words)]
    if "han" in scripts:
        variants = [(f"{source}:{how}", w) for how, w in _han_variants(words)]
    out: list[Name] = []
    for how, variant in variants:
        parts = _parts(variant, is_person)
        if not parts:
            continue
        ko = korean.name_syllables(variant) if len(variant) <= 5 else None
        out.append(Name(text, parts, ko, scripts, how))
    return tuple(out)

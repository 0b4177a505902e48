"""Text normalisation for names: the evasion-resistant cleanup done once per name.

NFKC, removal of zero-width and control characters, every kind of space to one space,
Cyrillic/Greek letters inside Latin words folded to their Latin look-alikes (homoglyphs),
case folding, then transliteration to ASCII for the fuzzy comparison. Scripts that generic
transliteration gets wrong for names (Hangul, Han) are handled in `korean` and `han`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rigour.text import ascii_text

# Cyrillic and Greek letters that look like Latin ones; used only inside mixed-script words,
# where they are evasion or OCR noise rather than real Cyrillic or Greek.
_HOMOGLYPHS = str.maketrans(
    {
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "а": "a",
        "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "к": "k", "м": "m", "т": "t", "н": "h",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "α": "a", "ο": "o",
        "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u",
    }
)  # fmt: skip

_APOSTROPHES = "'’‘`´ʼʻʹ′\""
_SPLIT_RE = re.compile(r"[^\w]+", re.UNICODE)
_LATIN_RE = re.compile(r"[a-zA-Z]")
_CYR_GREEK_RE = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")


def script_of(char: str) -> str:
    """A coarse script name for one letter: latin, cyrillic, greek, hangul, han, arabic, other."""
    code = ord(char)
    if code < 0x250:
        return "latin"
    if 0x370 <= code < 0x400:
        return "greek"
    if 0x400 <= code < 0x530:
        return "cyrillic"
    if 0x600 <= code < 0x700 or 0x750 <= code < 0x780 or 0xFB50 <= code < 0xFF00:
        return "arabic"
    if 0xAC00 <= code < 0xD7A4 or 0x1100 <= code < 0x1200 or 0x3130 <= code < 0x3190:
        return "hangul"
    if 0x4E00 <= code < 0xA000 or 0x3400 <= code < 0x4DC0 or 0xF900 <= code < 0xFB00:
        return "han"
    return "other"


def scripts_of(text: str) -> set[str]:
    return {script_of(c) for c in text if c.isalpha()}


def _fold_homoglyphs(word: str) -> str:
    if _LATIN_RE.search(word) and _CYR_GREEK_RE.search(word):
        return word.translate(_HOMOGLYPHS)
    return word


def clean_text(text: str) -> str:
    """NFKC, no invisible or control characters, single spaces, homoglyphs folded, casefolded."""
    text = unicodedata.normalize("NFKC", text)
    chars: list[str] = []
    for char in text:
        cat = unicodedata.category(char)
        if cat in ("Cf", "Cc", "Co", "Cs"):
            # zero-width joiners, BOM, soft hyphen: drop; control chars: treat as a space
            chars.append(" " if cat == "Cc" else "")
        elif cat == "Zs" or char in "\u2028\u2029":
            chars.append(" ")
        elif char in _APOSTROPHES:
            chars.append("")  # O'Brien == OBrien, Hyo'k == Hyok
        else:
            chars.append(char)
    words = "".join(chars).split()
    return " ".join(_fold_homoglyphs(w) for w in words).casefold()


def split_words(text: str) -> list[str]:
    """Words of an already cleaned text: punctuation, hyphens and underscores separate words."""
    return [w for w in _SPLIT_RE.split(text.replace("_", " ")) if w]


@lru_cache(maxsize=200_000)
def to_ascii(word: str) -> str:
    """ASCII form of one cleaned word (diacritics dropped, Cyrillic/Greek/Arabic romanised)."""
    if word.isascii():
        return word
    out = ascii_text(word).lower()
    return "".join(c for c in out if c.isalnum())


_SKELETON_RULES = [
    (re.compile(p), r)
    for p, r in [
        (r"shch|sch|tsch|tch|ch|tj|cz|ts|tz", "c"),
        (r"sh|sj|zh|sz|x", "s"),
        (r"kh|gh|ck|q|c(?=[aou])", "k"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"w", "v"),
        (r"ou|oo", "u"),
        (r"ee|ie|y|j", "i"),
        (r"(?<=[^aeiou])h", ""),
        (r"(.)\1+", r"\1"),
    ]
]


@lru_cache(maxsize=200_000)
def skeleton(text: str) -> str:
    """Collapse transliteration variants: Anatoljevitj = Anatolyevich, Plysjevskij = Plyshewski."""
    for pattern, repl in _SKELETON_RULES:
        text = pattern.sub(repl, text)
    return text

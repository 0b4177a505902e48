"""Korean names across scripts: syllable-level romanisation equivalence.

A Hangul syllable is arithmetic on its code point: initial (19), medial (21) and final (28)
jamo. For each jamo we list how the usual systems write it: Revised Romanization (RR),
McCune-Reischauer with diacritics and apostrophes dropped (MR, the DPRK and OFAC usage),
common popular spellings, and the Russian Kontsevich system with its usual variants. A Latin or
Cyrillic word is parsed into syllables, each a set of possible jamo triples; two spellings are
the same syllable when their sets intersect. So 김정은, Kim Jong Un, Kim Jong-un, Kim Chong-un,
Gim Jeong-eun and Ким Чен Ын all become the same three syllables, with no alias in the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise, product

from sanctionwatch.screening.normalize import to_ascii

Triple = tuple[int, int, int]
Syllable = frozenset[Triple]

_BASE = 0xAC00
# Initials: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ
_INITIAL_LATIN: list[tuple[str, ...]] = [
    ("g", "k", "gh"), ("kk", "gg", "k", "g"), ("n",), ("d", "t"), ("tt", "dd", "t"),
    ("r", "l", "n", ""), ("m",), ("b", "p"), ("pp", "bb", "p"), ("s", "sh"),
    ("ss", "s", "sh"), ("",), ("j", "ch", "dj", "tj"), ("jj", "tch", "ch", "j", "tj"),
    ("ch", "chh", "c", "j", "tch"), ("k", "kh"), ("t", "th"), ("p", "ph"), ("h",),
]  # fmt: skip
_INITIAL_CYR: list[tuple[str, ...]] = [
    ("к", "г"), ("кк", "к"), ("н",), ("т", "д"), ("тт", "т"), ("р", "л", "н", ""),
    ("м",), ("п", "б"), ("пп", "п"), ("с", "ш"), ("сс", "с"), ("",),
    ("ч", "чж", "дж", "ж"), ("чч", "ч"), ("ч", "чх"), ("кх", "к"), ("тх", "т"),
    ("пх", "п"), ("х", "г"),
]  # fmt: skip
# Medials: ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ
_MEDIAL_LATIN: list[tuple[str, ...]] = [
    ("a", "ah"), ("ae", "e", "ai"), ("ya", "ia"), ("yae", "ye"), ("eo", "o", "u", "eu"),
    ("e", "ae"), ("yeo", "yo", "yu", "yeu"), ("ye", "ie"), ("o", "oh"), ("wa", "oa"),
    ("wae", "oe", "we"), ("oe", "oi", "we", "wei"), ("yo",), ("u", "oo", "woo"),
    ("wo", "weo", "uo", "wu"), ("we", "ue"), ("wi", "ui", "wee"), ("yu", "yoo", "iu"),
    ("eu", "u", "e", "ue"), ("ui", "eui", "ei", "i", "wi", "ee"), ("i", "ee", "y", "yi"),
]  # fmt: skip
_MEDIAL_CYR: list[tuple[str, ...]] = [
    ("а",), ("э", "е"), ("я",), ("йе", "е"), ("о", "ё", "е"), ("е", "э"), ("ё", "е", "ьо"),
    ("е", "йе"), ("о",), ("ва", "уа"), ("вэ", "ве"), ("ве", "вэ", "ой"), ("ё", "йо"),
    ("у",), ("во", "уо"), ("ве", "уэ"), ("ви", "уи"), ("ю",), ("ы", "у"), ("ый", "ы", "и"),
    ("и", "й"),
]  # fmt: skip
# Finals: none ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ
_FINAL_LATIN: list[tuple[str, ...]] = [
    ("",), ("k", "g", "ck"), ("k", "kk"), ("k",), ("n",), ("n",), ("n",), ("t", "d"),
    ("l", "r", "ll"), ("k", "l"), ("m", "lm"), ("l", "p"), ("l",), ("l",), ("p", "l"),
    ("l",), ("m",), ("p", "b"), ("p",), ("t", "s"), ("t", "ss"), ("ng", "n"), ("t", "j"),
    ("t", "ch"), ("k",), ("t",), ("p",), ("t", "h"),
]  # fmt: skip
_FINAL_CYR: list[tuple[str, ...]] = [
    ("",), ("к", "г"), ("к",), ("к",), ("н",), ("н",), ("н",), ("т", "д"), ("ль", "л", "р"),
    ("к", "ль"), ("м",), ("ль", "п"), ("ль",), ("ль",), ("п",), ("ль",), ("м",),
    ("п", "б"), ("п",), ("т", "с"), ("т",), ("н", "нг"), ("т",), ("т",), ("к",), ("т",),
    ("п",), ("т",),
]  # fmt: skip

_IEUNG = 11  # ㅇ: the silent initial
_RIEUL = 5  # ㄹ
_NIEUN = 2  # ㄴ
_MAX_SYLLABLE = 7
_MAX_SEGMENTATIONS = 6


def _reverse(table: list[tuple[str, ...]]) -> dict[str, frozenset[int]]:
    out: dict[str, set[int]] = {}
    for index, spellings in enumerate(table):
        for spelling in spellings:
            out.setdefault(spelling, set()).add(index)
    return {k: frozenset(v) for k, v in out.items()}


_SYSTEMS = {
    "latin": (_reverse(_INITIAL_LATIN), _reverse(_MEDIAL_LATIN), _reverse(_FINAL_LATIN)),
    "cyrillic": (_reverse(_INITIAL_CYR), _reverse(_MEDIAL_CYR), _reverse(_FINAL_CYR)),
}


def _with_initial_law(triples: set[Triple]) -> Syllable:
    """ㄹ, ㄴ and ㅇ initials alternate (the initial-sound law: Ri/Lee/Yi, Ryu/Yu, No/Ro)."""
    extra: set[Triple] = set()
    for initial, medial, final in triples:
        if initial in (_RIEUL, _NIEUN, _IEUNG):
            extra.update((alt, medial, final) for alt in (_RIEUL, _NIEUN, _IEUNG))
    return frozenset(triples | extra)


def hangul_syllables(word: str) -> tuple[Syllable, ...] | None:
    """The exact syllables of a word written in Hangul, or None if it is not all Hangul."""
    out: list[Syllable] = []
    for char in word:
        code = ord(char) - _BASE
        if not 0 <= code < 11172:
            return None
        out.append(_with_initial_law({(code // 588, (code % 588) // 28, code % 28)}))
    return tuple(out) or None


@lru_cache(maxsize=100_000)
def parse_syllable(text: str, system: str) -> Syllable:
    """Every jamo triple that `text` can spell in `system` (empty if none)."""
    initials, medials, finals = _SYSTEMS[system]
    found: set[Triple] = set()
    size = len(text)
    for i in range(0, min(size, 3) + 1):
        ini = initials.get(text[:i])
        if ini is None:
            continue
        for j in range(i + 1, min(size, i + 3) + 1):
            med = medials.get(text[i:j])
            if med is None:
                continue
            fin = finals.get(text[j:])
            if fin is None:
                continue
            found.update(product(ini, med, fin))
    return _with_initial_law(found) if found else frozenset()


@lru_cache(maxsize=100_000)
def parse_word(word: str, system: str) -> tuple[tuple[Syllable, ...], ...]:
    """Segmentations of a romanised word into syllables (at most a few), longest parts first."""
    if not word or len(word) > 4 * _MAX_SYLLABLE:
        return ()
    results: list[tuple[Syllable, ...]] = []
    dead: set[int] = set()  # positions whose rest cannot be spelled (English names: most)

    def walk(start: int, acc: tuple[Syllable, ...]) -> None:
        if len(results) >= _MAX_SEGMENTATIONS or start in dead:
            return
        if start == len(word):
            results.append(acc)
            return
        found = len(results)
        for end in range(min(len(word), start + _MAX_SYLLABLE), start, -1):
            syllable = parse_syllable(word[start:end], system)
            if syllable:
                walk(end, (*acc, syllable))
        if len(results) == found:
            dead.add(start)  # searched to the end (no limit reached) and nothing found

    walk(0, ())
    return tuple(results)


def word_syllables(word: str) -> tuple[tuple[Syllable, ...], ...]:
    """Segmentations of one cleaned word in any script Korean names are written in."""
    hangul = hangul_syllables(word)
    if hangul is not None:
        return (hangul,)
    if word.isascii():
        return parse_word(word, "latin")
    if all(ord(c) < 0x250 for c in word):  # Latin with diacritics: McCune-Reischauer ŏ, ŭ
        return parse_word(to_ascii(word), "latin")
    if all("\u0400" <= c < "\u0530" for c in word):
        return parse_word(word, "cyrillic")
    return ()


def _flatten(
    words: list[tuple[tuple[Syllable, ...], ...]], limit: int = 8
) -> list[tuple[Syllable, ...]]:
    """The flattened syllable sequences of a name, one per combination of segmentations."""
    seqs: list[tuple[Syllable, ...]] = [()]
    for segs in words:
        seqs = [(*s, *seg) for s in seqs for seg in segs][:limit]
    return seqs


@dataclass(frozen=True)
class KoreanName:
    """A Korean-like name as syllable sequences: as written, and in the other word orders."""

    written: tuple[tuple[Syllable, ...], ...]
    reordered: tuple[tuple[Syllable, ...], ...]
    lengths: frozenset[int]
    keys: frozenset[str]
    plausible: bool  # shaped like a Korean name: 2-5 syllables, no word over 2 (Hangul aside)

    @classmethod
    def make(cls, words: list[tuple[tuple[Syllable, ...], ...]]) -> KoreanName:
        written = _flatten(words)
        reordered: list[tuple[Syllable, ...]] = []
        if len(words) > 1:
            # family-first, family-last and comma forms: rotated by one word either way
            reordered = _flatten(words[1:] + words[:1]) + _flatten(words[-1:] + words[:-1])
        lengths = frozenset(len(s) for s in written)
        shortest = [min(len(seg) for seg in segs) for segs in words]
        hangul = all(len(segs) == 1 and len(segs[0]) <= 4 for segs in words)
        plausible = 2 <= sum(shortest) <= 5 and (max(shortest) <= 2 or hangul)
        return cls(tuple(written), tuple(reordered), lengths, _bigram_keys(written[:2]), plausible)

    def bigram_keys(self) -> set[str]:
        """Blocking keys: adjacent syllable pairs in a coarse class (consonants, no vowel)."""
        return set(self.keys)


def _bigram_keys(seqs: list[tuple[Syllable, ...]]) -> frozenset[str]:
    keys: set[str] = set()
    for seq in seqs:
        coarse = [_coarse_classes(syllable) for syllable in seq]
        for first, second in pairwise(coarse):
            keys.update(f"ko:{a}{b}" for a in first for b in second)
        if len(seq) == 1:
            keys.update(f"ko:{a}" for a in coarse[0])
    return frozenset(keys)


# initial and final consonants merged into classes that every romanisation agrees on
_INITIAL_CLASS = "KKRTTRMPPSSRCCCKTPH"
_FINAL_CLASS = "-KKKNNNTLLLLLLLLMPPTTGTTKTPT"


def _coarse(triple: Triple) -> str:
    return _INITIAL_CLASS[triple[0]] + _FINAL_CLASS[triple[2]]


@lru_cache(maxsize=100_000)
def _coarse_classes(syllable: Syllable) -> frozenset[str]:
    """The coarse classes of a syllable's triples (a romanised syllable has dozens of them;
    the same syllable objects come back from `parse_syllable`'s cache)."""
    return frozenset(_coarse(t) for t in syllable)


def name_syllables(words: list[str]) -> KoreanName | None:
    """The syllables of a whole name, or None if some word is not Korean-like."""
    out = []
    for word in words:
        segs = word_syllables(word)
        if not segs:
            return None
        out.append(segs)
    return KoreanName.make(out) if out else None


def equivalent(left: KoreanName, right: KoreanName) -> bool:
    """Whether two Korean-like names spell the same syllables in some word order."""
    if not left.lengths & right.lengths or not left.keys & right.keys:
        return False
    for seq in (*left.written, *left.reordered):
        for other in right.written:
            if len(seq) == len(other) and all(a & b for a, b in zip(seq, other, strict=True)):
                return True
    return False


def to_hangul(triple: Triple) -> str:
    """The Hangul syllable of a jamo triple (for explanations)."""
    initial, medial, final = triple
    return chr(_BASE + initial * 588 + medial * 28 + final)

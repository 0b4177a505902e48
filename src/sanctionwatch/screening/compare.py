"""Name comparison: order-free part alignment weighted by rarity, with an explanation.

Parts are paired greedily by similarity (equal, fuzzy within an edit budget that grows with
length, a transliteration skeleton, initials, compounds such as Jong-un = Jongun), numbers
must be equal, legal forms compare by class. The score is the similarity-weighted share of the
name's rarity mass that was matched: unmatched query parts cost fully, unmatched parts of the
listed name (middle names, patronymics) cost less. Generic parts (Kim, Trading, International)
weigh little, so they cannot make a match on their own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from sanctionwatch.screening import korean
from sanctionwatch.screening.names import Name, Part
from sanctionwatch.screening.normalize import skeleton


@dataclass(frozen=True)
class NameParams:
    """The knobs of the name comparison; part of an algorithm's hashed parameters."""

    extra_query: float = 1.0  # cost of a query part the listed name lacks
    extra_result: float = 0.2  # cost of a listed part the query lacks (tuned on the name bench)
    extra_result_patronymic: float = 0.1
    initial_score: float = 0.85
    skeleton_factor: float = 0.92
    vowel_factor: float = 0.88
    korean_score: float = 0.95
    compound_min: float = 0.85
    number_mismatch: float = 0.4
    number_missing: float = 0.8
    legal_mismatch: float = 0.85  # AG vs GmbH: the same name, another company
    generic_evidence: float = 0.5  # matched rarity below this: capped
    generic_cap: float = 0.55
    kind_weight: Mapping[str, float] = field(
        default_factory=lambda: {
            "word": 1.0,
            "patronymic": 1.0,
            "number": 1.0,
            "initial": 0.3,
            "particle": 0.15,
            "legal": 0.25,
        }
    )


class TokenStats:
    """Rarity weights of name parts from their document frequency in the indexed names."""

    MIN_NAMES = 50_000  # small indexes behave like a big one with the same shares

    def __init__(self, counts: Mapping[str, int], total: int) -> None:
        self.counts = dict(counts)
        self.total = total
        self._n = max(total, self.MIN_NAMES)
        self._cache: dict[str, float] = {}

    @classmethod
    def from_names(cls, names: Iterable[Name]) -> TokenStats:
        counts: Counter[str] = Counter()
        total = 0
        for name in names:
            total += 1
            counts.update({p.text for p in name.parts})
        return cls(counts, total)

    def weight(self, text: str) -> float:
        cached = self._cache.get(text)
        if cached is None:
            idf = math.log(self._n / (self.counts.get(text, 0) + 1))
            cached = self._cache[text] = min(1.0, max(0.1, (idf - 2.5) / 5.5))
        return cached

    def __getstate__(self) -> dict[str, object]:
        return {"counts": self.counts, "total": self.total, "_n": self._n, "_cache": {}}


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
        score = NameParams.skeleton_factor
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
        if same_start and len(consonants(a)) > 2 and NameParams.vowel_factor > best[0]:
            best = (NameParams.vowel_factor, "vowels")
    elif len(sa) > 3 and len(sb) > 3:
        ssize = max(len(sa), len(sb))
        sdist = Levenshtein.distance(sa, sb, score_cutoff=_budget(ssize))
        if sdist <= _budget(ssize) and a[0] == b[0]:
            score = NameParams.skeleton_factor * (1.0 - sdist / ssize)
            if score > best[0]:
                best = (score, "translit-fuzzy")
    return best


def part_similarity(q: Part, c: Part, params: NameParams) -> tuple[float, str]:
    if q.kind == "legal" or c.kind == "legal":
        if q.kind == c.kind:
            return (1.0, "legal-form") if q.legal & c.legal else (0.0, "legal-form-differs")
        return 0.0, "none"
    if q.kind == "number" or c.kind == "number":
        return (1.0, "equal") if q.text == c.text else (0.0, "number-differs")
    if q.text == c.text:
        return 1.0, "equal"
    if q.kind == "initial" or c.kind == "initial":
        if len(q.text) == 1 and len(c.text) == 1:
            return 0.0, "none"
        return (params.initial_score, "initial") if q.text[0] == c.text[0] else (0.0, "none")
    if q.kind == "particle" or c.kind == "particle":
        return 0.0, "none"
    return word_similarity(q.text, c.text)


@dataclass
class NameScore:
    """The score of one query name against one listed name, and why."""

    score: float
    query: str
    candidate: str
    method: str
    pairs: list[str]

    def explain(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "query": self.query,
            "candidate": self.candidate,
            "method": self.method,
            "detail": "; ".join(self.pairs),
        }


def _compounds(
    q: tuple[Part, ...],
    c: tuple[Part, ...],
    free_q: list[int],
    free_c: list[int],
    params: NameParams,
) -> list[tuple[list[int], list[int], float]]:
    """Two adjacent free parts on one side written as one on the other (Jong Un = Jongun)."""
    found: list[tuple[list[int], list[int], float]] = []
    for left, right, flip in ((q, c, False), (c, q, True)):
        free_l, free_r = (free_c, free_q) if flip else (free_q, free_c)
        for i in free_l:
            if i + 1 not in free_l:
                continue
            joined = left[i].text + left[i + 1].text
            for j in free_r:
                if abs(len(joined) - len(right[j].text)) > 2:
                    continue  # cannot reach compound_min: skip the costly comparison
                score, _ = word_similarity(joined, right[j].text)
                if score >= params.compound_min:
                    pair = ([j], [i, i + 1]) if flip else ([i, i + 1], [j])
                    found.append((pair[0], pair[1], score))
                    break
    return found


def compare_names(qn: Name, cn: Name, *, stats: TokenStats, params: NameParams) -> NameScore:
    """Align the parts of two names and score the alignment (see the module docstring)."""
    q, c = qn.parts, cn.parts
    if qn.form == cn.form or (len(q) > 1 and qn.sorted_key == cn.sorted_key):
        score = 1.0 if qn.form == cn.form else 0.99
        return NameScore(score, qn.original, cn.original, "literal", [qn.form])
    weights_q = [stats.weight(p.text) * params.kind_weight[p.kind] for p in q]
    weights_c = [stats.weight(p.text) * params.kind_weight[p.kind] for p in c]
    options: list[tuple[float, int, int, str]] = []
    for i, qp in enumerate(q):
        for j, cp in enumerate(c):
            sim, how = part_similarity(qp, cp, params)
            if sim >= 0.5:
                options.append((sim, i, j, how))
    options.sort(key=lambda o: (-o[0], o[1], o[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    num = den = evidence = 0.0
    pairs: list[str] = []
    for sim, i, j, how in options:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        weight = (weights_q[i] + weights_c[j]) / 2
        num += sim * weight
        den += weight
        if q[i].kind in ("word", "number", "patronymic"):
            evidence += sim * min(stats.weight(q[i].text), stats.weight(c[j].text))
        pairs.append(f"{q[i].text}~{c[j].text} {how} {sim:.2f}")
    free_q = [i for i in range(len(q)) if i not in used_q]
    free_c = [j for j in range(len(c)) if j not in used_c]
    if free_q and free_c:
        for qi, cj, sim in _compounds(q, c, free_q, free_c, params):
            if any(i in used_q for i in qi) or any(j in used_c for j in cj):
                continue
            used_q.update(qi)
            used_c.update(cj)
            weight = (sum(weights_q[i] for i in qi) + sum(weights_c[j] for j in cj)) / 2
            num += sim * weight
            den += weight
            evidence += sim * min(1.0, weight)
            left = "".join(q[i].text for i in qi)
            right = "".join(c[j].text for j in cj)
            pairs.append(f"{left}~{right} compound {sim:.2f}")
    for i in range(len(q)):
        if i not in used_q:
            den += weights_q[i] * params.extra_query
            pairs.append(f"{q[i].text}~? unmatched-query")
    for j in range(len(c)):
        if j not in used_c:
            extra = (
                params.extra_result_patronymic
                if c[j].kind in ("patronymic", "particle", "initial")
                else params.extra_result
            )
            den += weights_c[j] * extra
    score = num / den if den > 0 else 0.0
    method = "aligned"
    qnum, cnum = qn.numbers, cn.numbers
    if qnum and cnum and qnum != cnum:
        score *= params.number_mismatch
        pairs.append(f"numbers differ {sorted(qnum)} vs {sorted(cnum)}")
    elif bool(qnum) != bool(cnum):
        score *= params.number_missing
        pairs.append("number on one side only")
    q_legal = frozenset().union(*(p.legal for p in q))
    c_legal = frozenset().union(*(p.legal for p in c))
    if q_legal and c_legal and not q_legal & c_legal:
        score *= params.legal_mismatch
        pairs.append("legal forms differ")
    complete = len(used_q) == len(q) and len(used_c) == len(c)
    if evidence < params.generic_evidence and not complete and score > params.generic_cap:
        score = params.generic_cap
        pairs.append("only generic parts matched")
    if (
        qn.korean is not None
        and cn.korean is not None
        and qn.korean.plausible
        and cn.korean.plausible
        and score < params.korean_score
        and korean.equivalent(qn.korean, cn.korean)
    ):
        score = params.korean_score
        method = "korean-syllables"
        pairs.append("same Korean syllables")
    return NameScore(score, qn.original, cn.original, method, pairs)

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
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from sanctionwatch.screening import korean
from sanctionwatch.screening.names import Name, Part
from sanctionwatch.screening.words import SKELETON_FACTOR, VOWEL_FACTOR, may_resemble, word_forms

# the word level lives in `words`; older callers (the released reference) import it from here
from sanctionwatch.screening.words import consonants as consonants
from sanctionwatch.screening.words import word_similarity as word_similarity


@dataclass(frozen=True)
class NameParams:
    """The knobs of the name comparison; part of an algorithm's hashed parameters."""

    extra_query: float = 1.0  # cost of a query part the listed name lacks
    extra_result: float = 0.2  # cost of a listed part the query lacks (tuned on the name bench)
    extra_result_patronymic: float = 0.1
    initial_score: float = 0.85
    skeleton_factor: float = SKELETON_FACTOR  # word similarity reads the defaults
    vowel_factor: float = VOWEL_FACTOR
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


class NameScore:
    """The score of one query name against one listed name, and why.

    The alignment is kept as part indexes and written out as `pairs` only when asked: most
    name pairs compared for a query lose to a better one and are never shown.
    """

    __slots__ = ("_pairs", "_trace", "candidate", "method", "query", "score")

    def __init__(
        self,
        score: float,
        *,
        query: str,
        candidate: str,
        method: str,
        pairs: list[str] | None = None,
        trace: _Trace | None = None,
    ) -> None:
        self.score = score
        self.query = query
        self.candidate = candidate
        self.method = method
        self._pairs = pairs
        self._trace = trace

    @property
    def pairs(self) -> list[str]:
        """Each aligned part with its method and similarity, then what lowered the score."""
        if self._pairs is None:
            self._pairs = [] if self._trace is None else _format(self._trace)
        return self._pairs

    def explain(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "query": self.query,
            "candidate": self.candidate,
            "method": self.method,
            "detail": "; ".join(self.pairs),
        }


# query texts, listed texts, aligned (i, j, similarity, method), compounds, query parts used
# (a bit mask), notes on what lowered the score
_Trace = tuple[
    tuple[str, ...],
    tuple[str, ...],
    list[tuple[int, int, float, str]],
    list[tuple[list[int], list[int], float]],
    int,
    list[str],
]


def _format(trace: _Trace) -> list[str]:
    q, c, matched, compounds, used_q, notes = trace
    pairs = [f"{q[i]}~{c[j]} {how} {sim:.2f}" for i, j, sim, how in matched]
    for qi, cj, sim in compounds:
        left = "".join(q[i] for i in qi)
        right = "".join(c[j] for j in cj)
        pairs.append(f"{left}~{right} compound {sim:.2f}")
    pairs.extend(f"{q[i]}~? unmatched-query" for i in range(len(q)) if not used_q >> i & 1)
    pairs.extend(notes)
    return pairs


_EVIDENCE_KINDS = frozenset({"word", "number", "patronymic"})
_MINOR_KINDS = frozenset({"patronymic", "particle", "initial"})
_PLAIN_KINDS = frozenset({"word", "patronymic"})  # `part_similarity` is `word_similarity`


class _Weights:
    """A name's part weights under one `TokenStats` and `NameParams`."""

    __slots__ = ("evidence", "extra_query", "extra_result", "params", "rarity", "stats", "weights")

    def __init__(self, data: _NameData, stats: TokenStats, params: NameParams) -> None:
        self.stats = stats
        self.params = params
        kinds = [p.kind for p in data.parts]
        self.rarity = rarity = tuple(stats.weight(text) for text in data.texts)
        kind_weight = params.kind_weight
        self.weights = weights = tuple(
            r * kind_weight[k] for r, k in zip(rarity, kinds, strict=True)
        )
        self.evidence = tuple(
            r if k in _EVIDENCE_KINDS else None for r, k in zip(rarity, kinds, strict=True)
        )
        self.extra_query = tuple(w * params.extra_query for w in weights)
        self.extra_result = tuple(
            w * (params.extra_result_patronymic if k in _MINOR_KINDS else params.extra_result)
            for w, k in zip(weights, kinds, strict=True)
        )


_NO_LEGAL: frozenset[str] = frozenset()


class _NameData:
    """What the comparison reads of a name, derived once and kept on the name (not pickled).

    Every listed name compared gets one, so it is kept small (shared tuples and sets).
    """

    __slots__ = (
        "_joins", "join_min", "keys", "korean", "legal", "memo", "parts", "texts", "weighed"
    )  # fmt: skip

    def __init__(self, name: Name) -> None:
        parts = self.parts = name.parts
        self.texts = texts = tuple(p.text for p in parts)
        # one key per kind of part: a single letter is an initial in a person's name only
        plain = all(p.kind == "word" for p in parts)
        self.keys = texts if plain else tuple(_part_key(p) for p in parts)
        # the shortest two adjacent parts written as one (compound material)
        self.join_min = min((len(a) + len(b) for a, b in pairwise(texts)), default=1 << 30)
        legal = frozenset().union(*(p.legal for p in parts))
        self.legal = legal if legal else _NO_LEGAL
        ko = name.korean
        self.korean = ko if ko is not None and ko.plausible else None
        self.weighed: _Weights | None = None
        self.memo: _QueryMemo | None = None
        self._joins: tuple[str, ...] | None = None

    @property
    def joins(self) -> tuple[str, ...]:
        """Each two adjacent parts written as one (computed once: a listed name meets many
        queries, about a tenth of `Screener.match`'s time went into rebuilding these)."""
        found = self._joins
        if found is None:
            found = self._joins = tuple(a + b for a, b in pairwise(self.texts))
        return found

    def weights(self, stats: TokenStats, params: NameParams) -> _Weights:
        found = self.weighed
        if found is None or found.stats is not stats or found.params is not params:
            found = self.weighed = _Weights(self, stats, params)
        return found


def _part_key(part: Part) -> str:
    return part.text if part.kind == "word" else f"{part.kind}:{part.text}"


def _data(name: Name) -> _NameData:
    found = name.__dict__.get("_compare")
    if found is None:
        found = _NameData(name)
        object.__setattr__(name, "_compare", found)
    return found  # type: ignore[no-any-return]


# aligned options as (-similarity, query part index, method), could it be a compound of two
# adjacent query parts
_Column = tuple[tuple[tuple[float, int, str], ...], bool]
_NO_COLUMN: _Column = ((), False)


class _QueryMemo:
    """Part similarities of one query name against listed parts, kept while it is queried.

    A query meets a few hundred listed parts, many of them several times (Kim, Mohammad, the
    same person on two lists), so each listed part is compared with the query parts once.
    """

    __slots__ = (
        "all_plain", "columns", "join_range", "joined", "joins", "longest", "params", "parts",
        "plain", "scores", "stats", "text_range", "texts",
    )  # fmt: skip

    def __init__(self, name: Name, data: _NameData, params: NameParams) -> None:
        self.params = params
        self.parts = name.parts
        self.plain = [p.kind in _PLAIN_KINDS for p in name.parts]
        self.all_plain = all(self.plain)
        self.texts = data.texts
        self.joins = data.joins
        self.longest = max((len(t) for t in data.texts), default=0)
        # a listed join further than this from every query part's length is no compound
        self.text_range = (min((len(t) for t in data.texts), default=0) - 2, self.longest + 2)
        sizes = [len(j) for j in self.joins]
        # a listed part this much shorter or longer than every compound cannot match one
        self.join_range = (min(sizes) - 2, max(sizes) + 2) if sizes else (1, 0)
        # listed part key -> (aligned options as (-similarity, i, method), could it be a
        # compound of two adjacent query parts)
        self.columns: dict[str, _Column] = {}
        self.joined: dict[str, bool] = {}  # two adjacent listed parts -> one query part?
        # listed name -> `name_score` under `stats` (a repeated query skips the alignment)
        self.stats: TokenStats | None = None
        self.scores: dict[_NameData, float] = {}

    def scores_for(self, stats: TokenStats) -> dict[_NameData, float]:
        """The remembered name scores, valid only under these rarity weights."""
        if self.stats is not stats:
            self.stats = stats
            self.scores = {}
        return self.scores

    def column(self, part: Part, key: str, near: int = -1) -> _Column:
        """The column of a listed part. `near` (from `may_resemble`: a bit per query part,
        then per query join) marks the words worth comparing: the others are unlike it."""
        params = self.params
        text = part.text
        options: list[tuple[float, int, str]] = []
        plain = part.kind in _PLAIN_KINDS
        for i, qp in enumerate(self.parts):
            if plain and self.plain[i]:
                if not near >> i & 1:
                    continue  # word_similarity is (0.0, "none") here
                sim, how = word_similarity(qp.text, text)  # what `part_similarity` comes to
            else:
                sim, how = part_similarity(qp, part, params)
            if sim >= 0.5:
                options.append((-sim, i, how))
        low, high = self.join_range
        joins = low <= len(text) <= high
        if joins:
            near >>= len(self.parts)
            singles = [j for k, j in enumerate(self.joins) if near >> k & 1]
            joins = _compound_hit(singles, [text], params)
        # most listed parts align with no query part: they share one column (fewer objects
        # for the collector to walk, so more memos fit in the same memory)
        found = self.columns[key] = (tuple(options), joins) if options or joins else _NO_COLUMN
        return found

    def joins_hit(self, data: _NameData) -> bool:
        """Could two adjacent parts of the listed name be one query part (`_compounds`)?"""
        if data.join_min > self.longest + 2:
            return False
        for joined in data.joins:
            found = self.joined.get(joined)
            if found is None:
                found = self.joined[joined] = _compound_hit([joined], self.texts, self.params)
            if found:
                return True
        return False

    def prime(self, listed: Iterable[_NameData]) -> None:
        """Fill in advance what `_align` will ask of these listed names: the columns of their
        parts and the compounds of their joins, with one `may_resemble` batch for them all
        (the same values as filling them one by one, for a fraction of the comparisons)."""
        columns, joined, scored = self.columns, self.joined, self.scores
        parts: dict[str, Part] = {}
        joins: dict[str, None] = {}
        low, high = self.text_range
        for data in listed:
            if data in scored:
                continue  # a repeated query: `name_score` remembers the result
            for key, part in zip(data.keys, data.parts, strict=True):
                if key not in columns:
                    parts[key] = part
            if data.join_min <= high:
                for text in data.joins:
                    if text not in joined:
                        if low <= len(text) <= high:
                            joins[text] = None
                        else:
                            joined[text] = False  # too long or short for every query part
        if len(parts) + len(joins) < _BATCH_MIN:
            return  # too few for a batch to pay: `_align` fills them one by one
        listed_texts = [part.text for part in parts.values()]
        near = may_resemble([*listed_texts, *joins], [*self.texts, *self.joins])
        all_plain = self.all_plain
        for (key, part), bits in zip(parts.items(), near, strict=False):
            if bits or not all_plain or part.kind not in _PLAIN_KINDS:
                self.column(part, key, bits)
            else:
                columns[key] = _NO_COLUMN  # like no query word nor compound: the usual case
        for text, bits in zip(joins, near[len(listed_texts) :], strict=True):
            if bits:
                singles = [t for i, t in enumerate(self.texts) if bits >> i & 1]
                joined[text] = _compound_hit([text], singles, self.params)
            else:
                joined[text] = False


# Fewer new listed words and joins than this are compared one by one: a batch has a fixed
# cost (a few C calls). Never-seen load-test queries cost least from 16 to 32 (interleaved
# runs in one process: 0.55 ms per match at 16-32, 0.62 at 1, 0.76 with no batches).
_BATCH_MIN = 24


def _compound_hit(joined: Iterable[str], singles: Iterable[str], params: NameParams) -> bool:
    """Whether `_compounds` could pair any of `joined` with any of `singles` (its own tests)."""
    for text in joined:
        for other in singles:
            if abs(len(text) - len(other)) > 2:
                continue
            if word_similarity(text, other)[0] >= params.compound_min:
                return True
    return False


# Query names whose memos are kept; the oldest are dropped together. Sized for a server's
# working set of repeated queries (the load test cycles 1,000 queries, ~900 names): memos
# share their empty columns, so 900 names take about 7 MB (measured; at most ~16 MB here).
_MEMO_NAMES = 2048
_memo_names: list[_NameData] = []


def clear_memos() -> None:
    """Forget every query name's memo (benchmarks measure queries new to the process)."""
    for old in _memo_names:
        old.memo = None
    _memo_names.clear()


def _memo(name: Name, data: _NameData, params: NameParams) -> _QueryMemo:
    memo = data.memo
    if memo is None or memo.params is not params:
        if len(_memo_names) >= _MEMO_NAMES:
            clear_memos()
        memo = data.memo = _QueryMemo(name, data, params)
        _memo_names.append(data)
    return memo


def _compounds(
    q: tuple[str, ...],
    c: tuple[str, ...],
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
            joined = left[i] + left[i + 1]
            for j in free_r:
                if abs(len(joined) - len(right[j])) > 2:
                    continue  # cannot reach compound_min: skip the costly comparison
                score, _ = word_similarity(joined, right[j])
                if score >= params.compound_min:
                    pair = ([j], [i, i + 1]) if flip else ([i, i + 1], [j])
                    found.append((pair[0], pair[1], score))
                    break
    return found


def compare_names(qn: Name, cn: Name, *, stats: TokenStats, params: NameParams) -> NameScore:
    """Align the parts of two names and score the alignment (see the module docstring)."""
    if qn.form == cn.form or (len(qn.parts) > 1 and qn.sorted_key == cn.sorted_key):
        score = 1.0 if qn.form == cn.form else 0.99
        return NameScore(
            score, query=qn.original, candidate=cn.original, method="literal", pairs=[qn.form]
        )
    score, method, trace = _align(qn, cn, stats, params, explain=True)
    return NameScore(score, query=qn.original, candidate=cn.original, method=method, trace=trace)


def name_score(qn: Name, cn: Name, *, stats: TokenStats, params: NameParams) -> float:
    """`compare_names(...).score` without the explanation: for ranking many name pairs."""
    if qn.form == cn.form:
        return 1.0
    if len(qn.parts) > 1 and qn.sorted_key == cn.sorted_key:
        return 0.99
    qd, cd = _data(qn), _data(cn)
    scores = _memo(qn, qd, params).scores_for(stats)
    found = scores.get(cd)
    if found is None:
        found = scores[cd] = _align(qn, cn, stats, params, explain=False)[0]
    return found


def prime(qn: Name, listed: Iterable[Name], *, params: NameParams) -> None:
    """Prepare `name_score(qn, cn)` for each of `listed` in one batch (see `_QueryMemo.prime`)."""
    _memo(qn, _data(qn), params).prime(_data(cn) for cn in listed)


def warm_names(names: Iterable[Name]) -> None:
    """Derive now what comparing listed names needs (their `_NameData` and the word forms
    of their parts and joins), so that the first queries to meet them do not pay for it."""
    for name in names:
        data = _data(name)
        for text in (*data.texts, *data.joins):
            word_forms(text)


def _align(
    qn: Name, cn: Name, stats: TokenStats, params: NameParams, *, explain: bool
) -> tuple[float, str, _Trace | None]:
    """The alignment score of two names that are not literally equal, its method and trace."""
    qd, cd = _data(qn), _data(cn)
    memo = _memo(qn, qd, params)
    columns = memo.columns
    options: list[tuple[float, int, int, str]] = []
    may_join = False  # could two adjacent query parts be one listed part?
    for j, key in enumerate(cd.keys):
        column = columns.get(key)
        if column is None:
            column = memo.column(cn.parts[j], key)
        if column is _NO_COLUMN:
            continue
        for negative, i, how in column[0]:
            options.append((negative, i, j, how))
        if column[1]:
            may_join = True
    nq, nc = len(qd.texts), len(cd.texts)
    if not (options or may_join or explain or (nc > 1 and memo.joins_hit(cd))):
        # nothing aligns and no compound can (most pairs): what follows comes to 0.0, or to
        # the Korean score when the syllables agree
        qk, ck = qd.korean, cd.korean
        if (
            qk is not None
            and ck is not None
            and params.korean_score > 0.0
            and korean.equivalent(qk, ck)
        ):
            return params.korean_score, "korean-syllables", None
        return 0.0, "aligned", None
    all_q, all_c = (1 << nq) - 1, (1 << nc) - 1
    used_q = used_c = 0
    num = den = evidence = 0.0
    matched: list[tuple[int, int, float, str]] = []
    qw = cw = None
    if options:
        options.sort()  # best first; (i, j) are unique, so the method never decides
        qw, cw = qd.weights(stats, params), cd.weights(stats, params)
        weights_q, weights_c = qw.weights, cw.weights
        evidence_q, rarity_c = qw.evidence, cw.rarity
        for negative, i, j, how in options:
            if used_q >> i & 1 or used_c >> j & 1:
                continue
            used_q |= 1 << i
            used_c |= 1 << j
            sim = -negative
            weight = (weights_q[i] + weights_c[j]) / 2
            num += sim * weight
            den += weight
            rarity = evidence_q[i]
            if rarity is not None:
                evidence += sim * min(rarity, rarity_c[j])
            if explain:
                matched.append((i, j, sim, how))
            if used_q == all_q or used_c == all_c:
                break  # every later option reuses a part
    compounds: list[tuple[list[int], list[int], float]] = []
    free_q, free_c = all_q & ~used_q, all_c & ~used_c
    if (
        free_q
        and free_c
        and ((may_join and free_q & free_q >> 1) or (free_c & free_c >> 1 and memo.joins_hit(cd)))
    ):
        if qw is None or cw is None:
            qw, cw = qd.weights(stats, params), cd.weights(stats, params)
        weights_q, weights_c = qw.weights, cw.weights
        found = _compounds(
            qd.texts,
            cd.texts,
            [i for i in range(nq) if free_q >> i & 1],
            [j for j in range(nc) if free_c >> j & 1],
            params,
        )
        for qi, cj, sim in found:
            if any(used_q >> i & 1 for i in qi) or any(used_c >> j & 1 for j in cj):
                continue
            for i in qi:
                used_q |= 1 << i
            for j in cj:
                used_c |= 1 << j
            weight = (sum(weights_q[i] for i in qi) + sum(weights_c[j] for j in cj)) / 2
            num += sim * weight
            den += weight
            evidence += sim * min(1.0, weight)
            compounds.append((qi, cj, sim))
    if num:
        assert qw is not None and cw is not None
        if used_q != all_q:
            extra_query = qw.extra_query
            for i in range(nq):
                if not used_q >> i & 1:
                    den += extra_query[i]
        if used_c != all_c:
            extra_result = cw.extra_result
            for j in range(nc):
                if not used_c >> j & 1:
                    den += extra_result[j]
        score = num / den if den > 0 else 0.0
    else:
        score = 0.0  # nothing aligned (weights are positive): 0 / den is 0.0 for any den
    method = "aligned"
    notes: list[str] = []
    qnum, cnum = qn.numbers, cn.numbers
    if qnum and cnum and qnum != cnum:
        score *= params.number_mismatch
        if explain:
            notes.append(f"numbers differ {sorted(qnum)} vs {sorted(cnum)}")
    elif bool(qnum) != bool(cnum):
        score *= params.number_missing
        notes.append("number on one side only")
    q_legal, c_legal = qd.legal, cd.legal
    if q_legal and c_legal and not q_legal & c_legal:
        score *= params.legal_mismatch
        notes.append("legal forms differ")
    if (
        evidence < params.generic_evidence
        and score > params.generic_cap
        and not (used_q == all_q and used_c == all_c)
    ):
        score = params.generic_cap
        notes.append("only generic parts matched")
    qk, ck = qd.korean, cd.korean
    if (
        qk is not None
        and ck is not None
        and score < params.korean_score
        and korean.equivalent(qk, ck)
    ):
        score = params.korean_score
        method = "korean-syllables"
        notes.append("same Korean syllables")
    if not explain:
        return score, method, None
    return score, method, (qd.texts, cd.texts, matched, compounds, used_q, notes)

"""sw-v1 as released, before its speed-up: the reference the faster code must equal.

The pre-optimisation name alignment, best-name loop, scoring and candidate gathering of
`sanctionwatch.screening` (commit eb07880), kept verbatim apart from methods turned into
functions. Only the tests and `benchmarks/screening_speed.py` import it: it is not an
algorithm of the registry, and must never be edited (sw-v1 never changes).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from followthemoney import EntityProxy, model

from sanctionwatch.screening import korean
from sanctionwatch.screening.algorithms import Outcome, SwV1Params, get_algorithm
from sanctionwatch.screening.compare import (
    NameParams,
    TokenStats,
    part_similarity,
    word_similarity,
)
from sanctionwatch.screening.features import (
    Features,
    Qualifier,
    compare_countries,
    compare_dates,
    compare_genders,
    compare_identifiers,
    extract_features,
)
from sanctionwatch.screening.index import (
    _MAX_POSTING_SHARE,
    IndexedEntity,
    ScreeningIndex,
    name_keys,
)
from sanctionwatch.screening.names import Name, Part
from sanctionwatch.screening.service import MatchOptions, MatchResult, Screener, candidate_budget

PARAMS = SwV1Params()
ALGO_HASH = get_algorithm("sw-v1").params_hash


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


def best_name(
    query: Features, candidate: Features, stats: TokenStats, params: SwV1Params = PARAMS
) -> NameScore | None:
    best: NameScore | None = None
    for weak, cnames in ((False, candidate.names), (True, candidate.weak_names)):
        if weak and best is not None and best.score >= params.weak_alias_factor:
            break  # a weak alias cannot beat this
        for qn in query.names:
            for cn in cnames:
                if not qn.heads & cn.heads and not (
                    qn.korean is not None
                    and cn.korean is not None
                    and qn.korean.plausible
                    and cn.korean.plausible
                ):
                    continue  # no part can align (see `name_heads`)
                result = compare_names(qn, cn, stats=stats, params=params.names)
                if weak:
                    result.score *= params.weak_alias_factor
                    result.method = f"weak-alias:{result.method}"
                if best is None or result.score > best.score:
                    best = result
                    if best.score >= 1.0:
                        return best
    return best


def compare(
    query: Features, candidate: Features, stats: TokenStats, params: SwV1Params = PARAMS
) -> Outcome:
    explanations: dict[str, Any] = {}
    features: dict[str, float] = {}
    name = best_name(query, candidate, stats, params)
    name_score = name.score if name is not None else 0.0
    features["name_match"] = round(name_score, 4)
    if name is not None:
        explanations["name_match"] = name.explain()
    base = params.name_weight * name_score
    ids = compare_identifiers(query.identifiers, candidate.identifiers)
    if ids is not None:
        if ids.score > 0:
            features["identifier_match"] = ids.score
            boost = params.id_bonus_with_name * name_score
            base = max(base, ids.score) + boost
        else:
            features["identifier_conflict"] = ids.conflict
            base += ids.conflict
        explanations["identifier"] = {
            "score": ids.score or ids.conflict,
            "detail": ids.detail,
        }
    if base > 0:
        qualifiers: list[Qualifier | None] = [
            compare_dates(query.birth_dates, candidate.birth_dates),
            compare_countries(query.countries, candidate.countries),
            compare_genders(query.genders, candidate.genders),
        ]
        for qual in qualifiers:
            if qual is None:
                continue
            base += qual.value
            features[qual.name] = qual.value
            explanations[qual.name] = {"score": qual.value, "detail": qual.detail}
    score = round(min(1.0, max(0.0, base)), 4)
    return Outcome(score=score, explanations=explanations, features=features)


def candidates(index: ScreeningIndex, query: Features, *, budget: int) -> list[IndexedEntity]:
    """The `budget` entities sharing the rarest blocking keys with the query."""
    groups: list[set[str]] = []
    for name in (*query.names, *query.weak_names):
        groups.extend(name_keys(name))
    groups.extend({f"id:{value}"} for value in query.all_ids)
    limit = max(50, int(len(index.entities) * _MAX_POSTING_SHARE))
    totals: dict[int, float] = defaultdict(float)
    common: list[tuple[float, Sequence[int]]] = []
    for group in groups:
        best: dict[int, float] = {}
        for key in group:
            posting = index.posting(key)
            if not posting:
                continue
            weight = index._key_weight(key) * (3.0 if key.startswith("id:") else 1.0)
            if len(posting) > limit:
                common.append((weight, posting))
                continue
            for position in posting:
                if best.get(position, 0.0) < weight:
                    best[position] = weight
        for position, weight in best.items():
            totals[position] += weight
    if not totals:
        for weight, posting in common:
            for position in posting:
                totals[position] += weight
    top = heapq.nlargest(budget, totals.items(), key=lambda kv: (kv[1], -kv[0]))
    return [index.entities[position] for position, _ in top]


def match(screener: Screener, query: EntityProxy, options: MatchOptions) -> list[MatchResult]:
    """`Screener.match` as released (input checks left out)."""
    index = screener._index
    cutoff = min(options.cutoff, options.threshold)
    prepared = extract_features(query)
    budget = candidate_budget(options.limit)
    scored: list[MatchResult] = []
    for item in candidates(index, prepared, budget=budget):
        schema = model.get(item.schema)
        if schema is None or not query.schema.can_match(schema):
            continue
        if not screener._allowed(item, options):
            continue
        outcome = compare(prepared, item.prepared, index.stats)
        if outcome.score <= cutoff:
            continue
        explanations = dict(outcome.explanations)
        explanations["_meta"] = {
            "algorithm": "sw-v1",
            "params_hash": ALGO_HASH,
            "list_versions": screener.versions,
        }
        scored.append(
            MatchResult(
                entity=item.proxy,
                score=outcome.score,
                match=outcome.score >= options.threshold,
                explanations=explanations,
                features=dict(outcome.features),
                datasets=item.datasets,
                first_seen=item.first_seen,
                last_seen=item.last_seen,
                target=item.target,
            )
        )
    scored.sort(key=lambda r: (-r.score, str(r.entity.id)))
    return scored[: options.limit]

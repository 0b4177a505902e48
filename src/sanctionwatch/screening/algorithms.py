"""The registry of versioned scoring algorithms.

A released algorithm is never edited in place: a change of behaviour is a new name (`sw-v2`)
beside the old one, and `best` moves. Every result records the algorithm name and the hash of
its parameters, so an alert can be re-explained later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from followthemoney import EntityProxy

from sanctionwatch.errors import InputError
from sanctionwatch.screening.compare import (
    NameParams,
    NameScore,
    TokenStats,
    compare_names,
    name_score,
    prime,
)
from sanctionwatch.screening.features import (
    DATE_VALUES,
    Features,
    IdentifierResult,
    Qualifier,
    compare_countries,
    compare_dates,
    compare_genders,
    compare_identifiers,
    country_value,
    date_value,
    extract_features,
    gender_value,
)
from sanctionwatch.screening.names import Name

BEST = "sw-v1"


@dataclass(frozen=True)
class AlgorithmInfo:
    """What `/algorithms` shows about one algorithm."""

    name: str
    description: str
    version: str
    features: dict[str, float]
    params_hash: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Outcome:
    score: float
    explanations: dict[str, Any]
    features: dict[str, float]


class Algorithm(Protocol):
    name: str
    params_hash: str

    def info(self) -> AlgorithmInfo: ...

    def prepare(self, entity: EntityProxy) -> Features: ...

    def compare(self, query: Features, candidate: Features, stats: TokenStats) -> Outcome: ...

    def score(self, query: Features, candidate: Features, stats: TokenStats) -> float:
        """`compare(...).score` without the explanation, to rank candidates cheaply."""
        ...

    def score_many(
        self, query: Features, candidates: Sequence[Features], stats: TokenStats, floor: float
    ) -> list[float | None]:
        """`score(...)` of each candidate, or None where it provably cannot exceed `floor`."""
        ...


@dataclass(frozen=True)
class SwV1Params:
    """Weights of sw-v1 (name evidence alone tops out at `name_weight`)."""

    name_weight: float = 0.9
    weak_alias_factor: float = 0.8
    id_bonus_with_name: float = 0.05
    names: NameParams = field(default_factory=NameParams)


def _hash(params: Any) -> str:
    blob = json.dumps(asdict(params), sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


class SwV1:
    """Rarity-weighted name alignment with script-aware variants, then qualifiers.

    score = max(name_weight * name, identifier) + birth date + country + gender qualifiers,
    clamped to [0, 1]. Equal names without any other evidence score `name_weight` (0.9), so a
    corroborating birth date or nationality ranks a candidate above a bare namesake.
    """

    name = "sw-v1"
    version = "1"

    def __init__(self, params: SwV1Params | None = None) -> None:
        self.params = params or SwV1Params()
        self.params_hash = _hash(self.params)

    def info(self) -> AlgorithmInfo:
        features = {
            "name_match": self.params.name_weight,
            "weak_alias_match": self.params.name_weight * self.params.weak_alias_factor,
            "identifier_match": 0.98,
            "identifier_conflict": -0.3,
            "country": -0.1,
            "gender": -0.15,
        }
        features.update({f"birth_date:{k}": v for k, v in DATE_VALUES.items()})
        return AlgorithmInfo(
            name=self.name,
            description=self.__doc__ or "",
            version=self.version,
            features=features,
            params_hash=self.params_hash,
        )

    def prepare(self, entity: EntityProxy) -> Features:
        return extract_features(entity)

    def best_name(
        self, query: Features, candidate: Features, stats: TokenStats
    ) -> NameScore | None:
        best: NameScore | None = None
        for weak, cnames in ((False, candidate.names), (True, candidate.weak_names)):
            if weak and best is not None and best.score >= self.params.weak_alias_factor:
                break  # a weak alias cannot beat this
            for qn in query.names:
                for cn in cnames:
                    if not _may_align(qn, cn):
                        continue
                    result = compare_names(qn, cn, stats=stats, params=self.params.names)
                    if weak:
                        result.score *= self.params.weak_alias_factor
                        result.method = f"weak-alias:{result.method}"
                    if best is None or result.score > best.score:
                        best = result
                        if best.score >= 1.0:
                            return best
        return best

    def best_name_score(self, query: Features, candidate: Features, stats: TokenStats) -> float:
        """`best_name(...).score` (0.0 without a comparable pair), with no explanation built."""
        factor = self.params.weak_alias_factor
        params = self.params.names
        best: float | None = None
        for weak, cnames in ((False, candidate.names), (True, candidate.weak_names)):
            if weak and best is not None and best >= factor:
                break  # a weak alias cannot beat this
            for qn in query.names:
                for cn in cnames:
                    if not _may_align(qn, cn):
                        continue
                    score = name_score(qn, cn, stats=stats, params=params)
                    if weak:
                        score *= factor
                    if best is None or score > best:
                        best = score
                        if best >= 1.0:
                            return best
        return 0.0 if best is None else best

    def score(self, query: Features, candidate: Features, stats: TokenStats) -> float:
        """`compare(...).score` by the same arithmetic in the same order, without explanations."""
        evidence = _other_evidence(query, candidate)
        return self._total(self.best_name_score(query, candidate, stats), evidence)

    def score_many(
        self, query: Features, candidates: Sequence[Features], stats: TokenStats, floor: float
    ) -> list[float | None]:
        """`score(...)` of each candidate, or None where even an equal name could not lift it
        above `floor`; the query's name comparisons with all candidates are prepared at once.

        Every step of `_total` rises (or stays) with the name score, so the total of a perfect
        name (1.0) bounds the real one, float for float: a candidate whose birth date is far
        from the query's cannot pass the load test's cutoff of 0.7, and is not aligned at all.
        """
        evidence = [_other_evidence(query, candidate) for candidate in candidates]
        bounded = [self._total(1.0, found) > floor for found in evidence]
        kept = [c for c, ok in zip(candidates, bounded, strict=True) if ok]
        for qn in query.names:
            listed = [cn for c in kept for cn in (*c.names, *c.weak_names) if _may_align(qn, cn)]
            if listed:
                prime(qn, listed, params=self.params.names)
        return [
            self._total(self.best_name_score(query, candidate, stats), found) if ok else None
            for candidate, found, ok in zip(candidates, evidence, bounded, strict=True)
        ]

    def _total(self, name: float, evidence: _Evidence) -> float:
        """The score from the name score and the other evidence (as `compare` adds them)."""
        ids, qualifiers = evidence
        base = self.params.name_weight * name
        if ids is not None:
            if ids.score > 0:
                base = max(base, ids.score) + self.params.id_bonus_with_name * name
            else:
                base += ids.conflict
        if base > 0:
            for value in qualifiers:
                if value is not None:
                    base += value
        return round(min(1.0, max(0.0, base)), 4)

    def compare(self, query: Features, candidate: Features, stats: TokenStats) -> Outcome:
        explanations: dict[str, Any] = {}
        features: dict[str, float] = {}
        name = self.best_name(query, candidate, stats)
        name_score = name.score if name is not None else 0.0
        features["name_match"] = round(name_score, 4)
        if name is not None:
            explanations["name_match"] = name.explain()
        base = self.params.name_weight * name_score
        ids = compare_identifiers(query.identifiers, candidate.identifiers)
        if ids is not None:
            if ids.score > 0:
                features["identifier_match"] = ids.score
                boost = self.params.id_bonus_with_name * name_score
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


# an identifier comparison, then the birth date, country and gender values (None: absent)
_Evidence = tuple[IdentifierResult | None, tuple[float | None, float | None, float | None]]


def _other_evidence(query: Features, candidate: Features) -> _Evidence:
    """What `score` adds to the name score, in the order it adds it."""
    return compare_identifiers(query.identifiers, candidate.identifiers), (
        date_value(query.birth_dates, candidate.birth_dates),
        country_value(query.countries, candidate.countries),
        gender_value(query.genders, candidate.genders),
    )


def _may_align(qn: Name, cn: Name) -> bool:
    """Whether any part can align (see `name_heads`), or both names are Korean-like."""
    if not qn.heads.isdisjoint(cn.heads):
        return True
    qk, ck = qn.korean, cn.korean
    return qk is not None and ck is not None and qk.plausible and ck.plausible


ALGORITHMS: dict[str, Algorithm] = {SwV1.name: SwV1()}


def get_algorithm(name: str) -> Algorithm:
    """The algorithm called `name` (`best` is the current default)."""
    key = BEST if name == "best" else name
    try:
        return ALGORITHMS[key]
    except KeyError:
        known = ", ".join(["best", *sorted(ALGORITHMS)])
        raise InputError(f"unknown algorithm {name!r}; known: {known}") from None

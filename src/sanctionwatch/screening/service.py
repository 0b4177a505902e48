"""The screening service: the one entry point the CLI, the API and batch jobs call.

`Screener.build` indexes listed entities once per set of list versions (and reuses a persisted
index when the versions match); `match` scores a query-by-example entity against candidates
from the index with a versioned algorithm; `search` is the text search behind `/search`.
Every result carries the algorithm name, its parameter hash and the list versions used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.types import registry

from sanctionwatch.errors import InputError
from sanctionwatch.screening.algorithms import (
    ALGORITHMS,
    AlgorithmInfo,
    get_algorithm,
)
from sanctionwatch.screening.compare import warm_names
from sanctionwatch.screening.index import IndexedEntity, ScreeningIndex, load_or_build
from sanctionwatch.screening.query import make_query as _make_query

__all__ = [
    "AlgorithmInfo",
    "MatchOptions",
    "MatchResult",
    "Screener",
    "SearchPage",
    "algorithms",
    "make_query",
]


@dataclass(frozen=True)
class MatchOptions:
    """How one `/match` query is run; the defaults are yente's."""

    algorithm: str = "best"
    limit: int = 5
    threshold: float = 0.7
    cutoff: float = 0.5
    datasets: frozenset[str] | None = None
    exclude_schema: frozenset[str] = frozenset()
    exclude_entity_ids: frozenset[str] = frozenset()
    changed_since: str | None = None


@dataclass(frozen=True)
class MatchResult:
    """One scored candidate with the evidence behind its score."""

    entity: EntityProxy
    score: float
    match: bool
    explanations: dict[str, Any]
    features: dict[str, float]
    datasets: tuple[str, ...] = ()
    first_seen: str | None = None
    last_seen: str | None = None
    target: bool = True

    def to_dict(self) -> dict[str, Any]:
        """A yente-style `ScoredEntity`."""
        return {
            "id": self.entity.id,
            "caption": self.entity.caption,
            "schema": self.entity.schema.name,
            "datasets": list(self.datasets),
            "score": self.score,
            "match": self.match,
            "explanations": self.explanations,
            "features": self.features,
            "properties": self.entity.to_dict()["properties"],
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "target": self.target,
        }


@dataclass(frozen=True)
class SearchPage:
    """One page of `/search` results with facet counts over all hits."""

    results: list[EntityProxy]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def candidate_budget(limit: int) -> int:
    """How many candidates are scored for a query: yente's max(20, ...) rule, with half its
    per-result factor (candidate recall measured in benchmarks/screening_speed.py)."""
    return min(500, max(20, limit * 5))


def algorithms() -> list[AlgorithmInfo]:
    """Every registered algorithm (name, description, features with weights, version)."""
    return [algo.info() for algo in ALGORITHMS.values()]


def make_query(schema: str, properties: Mapping[str, Sequence[str]]) -> EntityProxy:
    """A validated query entity; raises `InputError` with a clear message on bad input."""
    return _make_query(schema, properties)


class Screener:
    """Listed entities, indexed for matching and search."""

    def __init__(self, index: ScreeningIndex) -> None:
        self._index = index

    @classmethod
    def build(
        cls,
        entities: Iterable[EntityProxy],
        *,
        versions: Mapping[str, str],
        index_dir: Path | None = None,
    ) -> Screener:
        """Index `entities`; with `index_dir`, reuse the persisted index if versions match."""
        return cls(load_or_build(entities, versions=versions, index_dir=index_dir))

    @property
    def datasets(self) -> frozenset[str]:
        return frozenset(self._index.versions)

    @property
    def versions(self) -> dict[str, str]:
        return dict(self._index.versions)

    def __len__(self) -> int:
        return len(self._index.entities)

    def warm(self) -> None:
        """Compute every listed entity's matching features, and what comparing their names
        needs, now.

        A loaded index starts in about a second and computes features on first use; a
        long-running server can call this in the background so that no query pays for it.
        """
        for item in self._index.entities:
            prepared = item.prepared
            warm_names((*prepared.names, *prepared.weak_names))
        # Country names are looked up in a table built on first use (about a second): build
        # it now rather than in the first query that names a nationality.
        registry.country.clean("Korea, Democratic People's Republic of")

    def get(self, entity_id: str) -> EntityProxy | None:
        item = self._index.get(entity_id)
        if item is not None:
            return item.proxy
        data = self._index.get_data(entity_id)
        return None if data is None else model.get_proxy(data)

    def match(self, query: EntityProxy, options: MatchOptions) -> list[MatchResult]:
        """Score candidates for `query`; results above the cutoff, best first, at most `limit`.

        Candidates are ranked by score alone first (those whose other evidence keeps them at
        or below the cutoff even with an equal name are not aligned at all); only the `limit`
        kept are compared again with explanations (the same arithmetic, so the same scores).
        """
        if options.limit < 1:
            raise InputError("limit must be at least 1")
        if not 0.0 <= options.threshold <= 1.0:
            raise InputError("threshold must be between 0 and 1")
        algo = get_algorithm(options.algorithm)
        cutoff = min(options.cutoff, options.threshold)
        prepared = algo.prepare(query)
        stats = self._index.stats
        filtered = (
            options.datasets is not None
            or bool(options.exclude_schema)
            or bool(options.exclude_entity_ids)
            or options.changed_since is not None
        )
        can_match: dict[str, bool] = {}
        items: list[IndexedEntity] = []
        for item in self._index.candidates(prepared, budget=candidate_budget(options.limit)):
            matchable = can_match.get(item.schema)
            if matchable is None:
                schema = model.get(item.schema)
                matchable = schema is not None and query.schema.can_match(schema)
                can_match[item.schema] = matchable
            if matchable and not (filtered and not self._allowed(item, options)):
                items.append(item)
        scores = algo.score_many(prepared, [item.prepared for item in items], stats, cutoff)
        ranked: list[tuple[float, str, IndexedEntity]] = []
        for item, score in zip(items, scores, strict=True):
            if score is not None and score > cutoff:
                ranked.append((-score, item.id, item))
        ranked.sort(key=lambda r: (r[0], r[1]))
        scored: list[MatchResult] = []
        for _, _, item in ranked[: options.limit]:
            outcome = algo.compare(prepared, item.prepared, stats)
            explanations = dict(outcome.explanations)
            explanations["_meta"] = {
                "algorithm": algo.name,
                "params_hash": algo.params_hash,
                "list_versions": self.versions,
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
        return scored

    def _allowed(self, item: IndexedEntity, options: MatchOptions) -> bool:
        if options.datasets is not None and not options.datasets.intersection(item.datasets):
            return False
        if item.schema in options.exclude_schema:
            return False
        if item.id in options.exclude_entity_ids:
            return False
        return not (
            options.changed_since is not None
            and item.last_change is not None
            and item.last_change < options.changed_since
        )

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        offset: int = 0,
        datasets: frozenset[str] | None = None,
        schema: str | None = None,
        countries: frozenset[str] = frozenset(),
        topics: frozenset[str] = frozenset(),
    ) -> SearchPage:
        """Text search over names and identifiers, ranked by name similarity."""
        if limit < 0 or offset < 0:
            raise InputError("limit and offset must not be negative")
        hits = self._index.search(text, schema=schema)
        kept: list[IndexedEntity] = []
        for item in hits:
            if datasets is not None and not datasets.intersection(item.datasets):
                continue
            if countries and not countries.intersection(item.countries):
                continue
            if topics and not topics.intersection(item.topics):
                continue
            kept.append(item)
        facets: dict[str, Counter[str]] = {
            "countries": Counter(),
            "topics": Counter(),
            "datasets": Counter(),
        }
        for item in kept:
            facets["countries"].update(item.countries)
            facets["topics"].update(item.topics)
            facets["datasets"].update(item.datasets)
        page = [item.proxy for item in kept[offset : offset + limit]]
        return SearchPage(
            results=page,
            total=len(kept),
            facets={name: dict(counts.most_common()) for name, counts in facets.items()},
        )

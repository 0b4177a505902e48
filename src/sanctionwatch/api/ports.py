"""What the API needs from the layers below, as structural types.

The API is written against these protocols rather than the concrete classes so that it can be
tested with small fakes and so that a store or screener can change its internals freely. The
concrete `sanctionwatch.store.Store` and `sanctionwatch.screening.service.Screener` satisfy
them structurally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from followthemoney import EntityProxy


class MatchResultLike(Protocol):
    """One scored candidate; `to_dict()` gives the yente wire shape of a scored entity."""

    @property
    def score(self) -> float: ...

    @property
    def match(self) -> bool: ...

    def to_dict(self) -> dict[str, Any]: ...


class SearchPageLike(Protocol):
    """One page of text-search results with the total and the facet counts."""

    @property
    def results(self) -> Sequence[Any]: ...

    @property
    def total(self) -> int: ...

    @property
    def facets(self) -> Mapping[str, Any]: ...


class ScreenerLike(Protocol):
    """An in-memory screening index over one set of list versions."""

    @property
    def datasets(self) -> Any: ...

    @property
    def versions(self) -> Mapping[str, str]: ...

    def match(self, query: EntityProxy, options: Any) -> Sequence[MatchResultLike]: ...

    def search(
        self,
        text: str,
        *,
        limit: int,
        offset: int,
        datasets: Any,
        schema: Any,
        countries: Any,
        topics: Any,
    ) -> SearchPageLike: ...

    def get(self, entity_id: str) -> EntityProxy | None: ...


class VersionInfoLike(Protocol):
    @property
    def version(self) -> str: ...

    @property
    def entities(self) -> int: ...


class DatasetInfoLike(Protocol):
    """One dataset in the store: its name, current version and version history."""

    @property
    def name(self) -> str: ...

    @property
    def current_version(self) -> str | None: ...

    @property
    def versions(self) -> Sequence[VersionInfoLike]: ...


class StoreLike(Protocol):
    """The entity store: entities of the current versions, assembled on read."""

    def entities(self) -> Iterable[EntityProxy]: ...

    def entity(self, entity_id: str) -> EntityProxy | None: ...

    def entity_nested(self, entity_id: str) -> dict[str, Any] | None: ...

    def datasets(self) -> Sequence[DatasetInfoLike]: ...

    def current_versions(self) -> Mapping[str, str]: ...


# Builds a screener over the store's current entities (called at startup and on refresh).
ScreenerFactory = Callable[[StoreLike], ScreenerLike]

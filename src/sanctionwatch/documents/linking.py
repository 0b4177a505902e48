"""Linking mentions to list entries: a small `Linker` protocol and its two implementations.

`documents` and `screening` sit on the same layer; this module is the only place where
`documents` imports `screening` (the layer contract allows exactly this edge).

- `GazetteerLinker` (always available): a mention whose name is a list name or alias is
  linked to that entry; a curated person ("Kim", "Putin") is linked through the exact list
  name of its canonical form. The score is 1.0 for an exact name.
- `ScreenerLinker`: builds an FtM query entity from the mention and the document context
  (countries mentioned) and asks the screening engine; used when a `Screener` is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sanctionwatch.documents.gazetteer import Gazetteer
from sanctionwatch.documents.model import Mention

if TYPE_CHECKING:
    from followthemoney import EntityProxy

    from sanctionwatch.screening.service import MatchOptions, MatchResult, Screener

LINKABLE = frozenset({"PERSON", "ORG", "VESSEL"})
SCHEMA = {"PERSON": "Person", "ORG": "Organization", "VESSEL": "Vessel"}


@dataclass(frozen=True)
class LinkContext:
    countries: frozenset[str]  # ISO codes of the countries the document mentions
    language: str | None


class Linker(Protocol):
    def link(self, mention: Mention, context: LinkContext) -> Mention: ...


class GazetteerLinker:
    """Exact names: list entries first, then the curated canonical name."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def link(self, mention: Mention, context: LinkContext) -> Mention:
        if mention.type not in LINKABLE or mention.entity_id is not None:
            return mention
        for name in (mention.label, mention.text):
            if not name:
                continue
            entries = [
                e for e in self.gazetteer.lookup(name, source="list") if e.type == mention.type
            ]
            if entries:
                ranked = sorted(
                    entries, key=lambda e: (e.country not in _lower(context), e.dataset or "")
                )
                best = ranked[0]
                return replace(
                    mention,
                    entity_id=best.entity_id,
                    dataset=best.dataset,
                    score=1.0,
                    country=mention.country or _upper(best.country),
                    imo=mention.imo or best.imo,
                )
        return mention


class ScreenerLike(Protocol):
    """What the linker needs from `sanctionwatch.screening.service.Screener`."""

    def match(self, query: EntityProxy, options: MatchOptions) -> Sequence[MatchResult]: ...


class ScreenerLinker:
    """Screen mentions the gazetteer did not link with the screening engine, using the
    countries the document mentions as nationality/country context."""

    def __init__(
        self, screener: ScreenerLike, fallback: GazetteerLinker, *, threshold: float = 0.7
    ) -> None:
        self.screener = screener
        self.fallback = fallback
        self.threshold = threshold

    def link(self, mention: Mention, context: LinkContext) -> Mention:
        linked = self.fallback.link(mention, context)
        if mention.type not in LINKABLE or linked.entity_id is not None:
            return linked
        from sanctionwatch.screening.service import MatchOptions, make_query

        props: dict[str, list[str]] = {"name": [mention.label or mention.text]}
        if mention.type == "PERSON" and context.countries:
            props["nationality"] = sorted(c.lower() for c in context.countries)
        elif context.countries:
            props["country"] = sorted(c.lower() for c in context.countries)
        if mention.imo and mention.type == "VESSEL":
            props["imoNumber"] = [mention.imo]
        query = make_query(SCHEMA[mention.type], props)
        results = self.screener.match(query, MatchOptions(limit=1, threshold=self.threshold))
        if not results or not results[0].match:
            return linked
        top = results[0]
        return replace(
            mention,
            entity_id=top.entity.id,
            dataset=top.datasets[0] if top.datasets else None,
            score=top.score,
        )


def build_screener(
    entities: Iterable[EntityProxy], *, versions: Mapping[str, str], index_dir: Path | None
) -> Screener:
    """The screening engine over `entities` (a persisted index is reused when the list
    versions match, as the API does)."""
    from sanctionwatch.screening.service import Screener

    return Screener.build(entities, versions=versions, index_dir=index_dir)


def link_all(linker: Linker, mentions: Sequence[Mention], context: LinkContext) -> list[Mention]:
    return [linker.link(m, context) for m in mentions]


def _lower(context: LinkContext) -> set[str]:
    return {c.lower() for c in context.countries}


def _upper(code: str | None) -> str | None:
    return code.upper() if code else None

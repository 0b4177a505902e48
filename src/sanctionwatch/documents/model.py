"""Records the reader produces: a document, its mentions, activities and exemptions.

These are plain frozen dataclasses (not FtM entities): a mention or an activity is a finding
about a text, not an entity of the lists. `Finding.to_dict` is the JSON contract of
`sanctionwatch analyze --json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sanctionwatch.errors import InputError

MentionType = Literal["PERSON", "ORG", "VESSEL", "COUNTRY", "LOCATION"]

ASSERTIONS = (
    "reported_violation",
    "alleged_violation",
    "attempted",
    "under_investigation",
    "designation_basis",
    "enforcement_action",
    "prohibition_statement",
    "exempt_or_permitted",
    "negated",
    "context_mention",
)
# Assertions that make a document worth an analyst's look (the regime README's "signals").
SIGNAL_ASSERTIONS = frozenset(ASSERTIONS[:6])


class DocumentError(InputError):
    """A document could not be read (binary, empty, too large, no text layer, bad feed)."""


@dataclass(frozen=True)
class Document:
    """One text to analyse: where it came from, the extracted text, its title, language and
    publication date (ISO `YYYY-MM-DD`, from metadata or a dateline; None when unknown)."""

    source: str
    text: str
    title: str | None = None
    language: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Mention:
    """A span of text that names a person, organisation, vessel, country or place."""

    text: str
    start: int
    end: int
    type: MentionType
    entity_id: str | None = None
    dataset: str | None = None
    score: float | None = None
    country: str | None = None
    imo: str | None = None
    label: str | None = None  # canonical name (gazetteer) or None for an unlinked span
    source: str = "gazetteer"  # which extractor found it

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "entity_id": self.entity_id,
            "dataset": self.dataset,
            "score": self.score,
            "country": self.country,
            "imo": self.imo,
        }


@dataclass(frozen=True)
class Activity:
    """A sanctions-relevant act found in one clause, with its evidence and the provisions."""

    category: str
    direction: str
    assertion: str
    start: int
    end: int
    evidence: str
    actors: tuple[dict[str, str | None], ...] = ()
    provisions: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()  # the indicator terms that fired, for the explanation

    @property
    def is_signal(self) -> bool:
        return self.assertion in SIGNAL_ASSERTIONS

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "direction": self.direction,
            "assertion": self.assertion,
            "start": self.start,
            "end": self.end,
            "evidence": self.evidence,
            "actors": [dict(a) for a in self.actors],
            "provisions": list(self.provisions),
            "cues": list(self.cues),
        }


@dataclass(frozen=True)
class Exemption:
    """A lawful activity or carve-out found in the text (e.g. food aid going into the DPRK)."""

    id: str
    start: int
    end: int
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "end": self.end, "evidence": self.evidence}


@dataclass(frozen=True)
class Finding:
    """Everything the reader found in one document."""

    document: Document
    mentions: tuple[Mention, ...] = ()
    activities: tuple[Activity, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    countries: tuple[str, ...] = ()  # ISO codes the text refers to (names, places, adjectives)
    group: str | None = None  # near-duplicate group id, set when a batch is grouped
    notes: tuple[str, ...] = field(default=())

    @property
    def alert(self) -> bool:
        return any(a.is_signal for a in self.activities)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "document": {
                "source": self.document.source,
                "language": self.document.language,
                "title": self.document.title,
                "published": self.document.published,
            },
            "mentions": [m.to_dict() for m in self.mentions],
            "activities": [a.to_dict() for a in self.activities],
            "exemptions": [x.to_dict() for x in self.exemptions],
            "alert": self.alert,
            "countries": list(self.countries),
        }
        if self.group is not None:
            data["duplicate_group"] = self.group
        if self.notes:
            data["notes"] = list(self.notes)
        return data

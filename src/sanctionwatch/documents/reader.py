"""The open-source reader: one document in, one `Finding` out.

`Reader.build(entities, regime=...)` prepares everything once (gazetteer, indicators, the
optional statistical extractors); `Reader.analyze(document)` is then a pure function of the
document. Texts in other languages than de/en/fr/ru/ko are still scanned with the gazetteer
(names are language-independent) but give no activities, and say so in `notes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from followthemoney import EntityProxy

from sanctionwatch.documents.activities import ActivityDetector
from sanctionwatch.documents.countries import referenced_countries
from sanctionwatch.documents.extractors import Extractor
from sanctionwatch.documents.gazetteer import Gazetteer
from sanctionwatch.documents.language import SUPPORTED, detect_language
from sanctionwatch.documents.linking import GazetteerLinker, LinkContext, Linker, link_all
from sanctionwatch.documents.mentions import (
    gazetteer_mentions,
    merge_mentions,
    propagate_names,
    surname_mentions,
    vessel_mentions,
)
from sanctionwatch.documents.model import Document, Finding, Mention
from sanctionwatch.documents.regime import Regime
from sanctionwatch.documents.rules import company_mentions, korean_mentions
from sanctionwatch.documents.text import tokenize

MAX_CHARS = 2_000_000  # longer texts are cut here (and the cut is noted in the finding)


@dataclass(frozen=True)
class ReaderOptions:
    """What the reader runs besides the gazetteer and the activity detector."""

    extractors: tuple[Extractor, ...] = ()  # statistical NER and plug-ins, gated by language
    max_chars: int = MAX_CHARS


class Reader:
    def __init__(
        self,
        *,
        gazetteer: Gazetteer,
        regime: Regime,
        linker: Linker | None = None,
        options: ReaderOptions | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.regime = regime
        self.detector = ActivityDetector(regime)
        self.linker: Linker = linker or GazetteerLinker(gazetteer)
        self.options = options or ReaderOptions()

    @classmethod
    def build(
        cls,
        entities: Iterable[EntityProxy],
        *,
        regime: Regime,
        linker: Linker | None = None,
        options: ReaderOptions | None = None,
    ) -> Reader:
        return cls(
            gazetteer=Gazetteer.build(entities), regime=regime, linker=linker, options=options
        )

    def analyze(self, document: Document) -> Finding:
        notes: list[str] = []
        text = document.text
        if len(text) > self.options.max_chars:
            notes.append(f"text cut at {self.options.max_chars} of {len(text)} characters")
            text = text[: self.options.max_chars]
            document = replace(document, text=text)
        language = document.language
        if language is None:
            guess = detect_language(text)
            language = guess.code
            document = replace(document, language=language)
        if language not in SUPPORTED:
            notes.append(
                f"language {language or 'unknown'} is not supported: names only, no activities"
            )
        tokens = tokenize(text)
        gaz = gazetteer_mentions(text, tokens, self.gazetteer, language=language)
        rules = [
            *vessel_mentions(text, tokens, self.gazetteer),
            *company_mentions(text),
            *(korean_mentions(text) if language == "ko" else []),
        ]
        extracted = [
            m
            for ex in self.options.extractors
            if ex.accepts(language)
            for m in ex.extract(text, language)
        ]
        linked = [m for m in gaz if m.entity_id]
        core = merge_mentions([linked, [m for m in gaz if not m.entity_id] + rules])
        merged = merge_mentions([core, propagate_names(text, core), extracted])
        merged = merge_mentions([merged, surname_mentions(text, tokens, merged, language=language)])
        countries = frozenset(m.country for m in merged if m.type == "COUNTRY" and m.country)
        mentions: Sequence[Mention] = link_all(
            self.linker, merged, LinkContext(countries, language)
        )
        if language in SUPPORTED:
            result = self.detector.detect(text, tokens, mentions, language=language)
            activities, exemptions = result.activities, result.exemptions
        else:
            activities, exemptions = (), ()
        return Finding(
            countries=referenced_countries(text, mentions),
            document=document,
            mentions=tuple(mentions),
            activities=activities,
            exemptions=exemptions,
            notes=tuple(notes),
        )

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
from sanctionwatch.documents.countries import Demonyms, referenced_countries
from sanctionwatch.documents.dates import dateline
from sanctionwatch.documents.extractors import Extractor, RegionExtractor
from sanctionwatch.documents.gazetteer import Gazetteer
from sanctionwatch.documents.language import SUPPORTED, detect_language
from sanctionwatch.documents.linking import GazetteerLinker, LinkContext, Linker, link_all
from sanctionwatch.documents.mentions import (
    find_imos,
    gazetteer_mentions,
    merge_mentions,
    propagate_names,
    surname_mentions,
    vessel_mentions,
)
from sanctionwatch.documents.model import Document, Finding, Mention
from sanctionwatch.documents.regime import Regime
from sanctionwatch.documents.regions import name_regions
from sanctionwatch.documents.rules import company_mentions, korean_mentions
from sanctionwatch.documents.text import Token, fold, tokenize
from sanctionwatch.documents.titles import title_person_mentions

MAX_CHARS = 2_000_000  # longer texts are cut here (and the cut is noted in the finding)
NER_WINDOW = 6


@dataclass(frozen=True)
class ReaderOptions:
    """What the reader runs besides the gazetteer and the activity detector."""

    extractors: tuple[Extractor, ...] = ()  # statistical NER and plug-ins, gated by language
    max_chars: int = MAX_CHARS
    # words either side of an unexplained capitalised word that a region extractor (spaCy,
    # natasha) reads; None: it reads the whole text
    ner_window: int | None = NER_WINDOW


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
        if document.published is None:  # a Document built from text alone (API, tests)
            published = dateline(text)
            if published is not None:
                document = replace(document, published=published)
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
        folded = fold(text)
        demonyms = Demonyms(folded)
        merged = self._mentions(text, tokens, language)
        countries = frozenset(m.country for m in merged if m.type == "COUNTRY" and m.country)
        mentions: Sequence[Mention] = link_all(
            self.linker, merged, LinkContext(countries, language)
        )
        if language in SUPPORTED:
            result = self.detector.detect(
                text, tokens, mentions, language=language, folded=folded, demonyms=demonyms
            )
            activities, exemptions = result.activities, result.exemptions
        else:
            activities, exemptions = (), ()
        return Finding(
            countries=referenced_countries(text, mentions, demonyms=demonyms),
            document=document,
            mentions=tuple(mentions),
            activities=activities,
            exemptions=exemptions,
            notes=tuple(notes),
        )

    def _mentions(self, text: str, tokens: Sequence[Token], language: str | None) -> list[Mention]:
        """Gazetteer names, rules, then the extractors, merged in that order of trust."""
        imos = find_imos(text)
        gaz = gazetteer_mentions(text, tokens, self.gazetteer, language=language, imos=imos)
        rules = [
            *vessel_mentions(text, tokens, self.gazetteer, imos=imos),
            *company_mentions(text),
            *(korean_mentions(text) if language == "ko" else []),
        ]
        linked = [m for m in gaz if m.entity_id]
        core = merge_mentions([linked, [m for m in gaz if not m.entity_id] + rules])
        found = [core, propagate_names(text, core), title_person_mentions(text, tokens, language)]
        extracted = self._extracted(text, tokens, language, merge_mentions(found))
        merged = merge_mentions([*found, extracted])
        return merge_mentions([merged, surname_mentions(text, tokens, merged, language=language)])

    def _extracted(
        self, text: str, tokens: Sequence[Token], language: str | None, found: Sequence[Mention]
    ) -> list[Mention]:
        """Mentions of the extractors for this language; region extractors read only the
        windows where a name is still unexplained by `found`."""
        out: list[Mention] = []
        regions: list[tuple[int, int]] | None = None
        window = self.options.ner_window
        for ex in self.options.extractors:
            if not ex.accepts(language):
                continue
            if window is None or not isinstance(ex, RegionExtractor):
                out.extend(ex.extract(text, language))
                continue
            if regions is None:
                covered = [(m.start, m.end) for m in found]
                regions = name_regions(text, tokens, covered, window=window)
            if regions:
                out.extend(ex.extract_regions(text, language, regions))
        return out

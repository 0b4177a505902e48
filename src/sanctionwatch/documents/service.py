"""The one entry point the CLI (and later the API) calls to analyse documents."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from followthemoney import EntityProxy

from sanctionwatch.documents.dedup import duplicate_groups
from sanctionwatch.documents.extract import iter_documents
from sanctionwatch.documents.extractors import Extractor, default_extractors
from sanctionwatch.documents.gazetteer import Gazetteer
from sanctionwatch.documents.linking import GazetteerLinker, Linker, ScreenerLike, ScreenerLinker
from sanctionwatch.documents.model import Document, Finding
from sanctionwatch.documents.plugins import configured_extractors
from sanctionwatch.documents.reader import Reader, ReaderOptions
from sanctionwatch.documents.regime import load_regime, regime_path
from sanctionwatch.errors import Problem
from sanctionwatch.settings import Settings


@dataclass(frozen=True)
class AnalyzeOptions:
    ner: bool = True  # the packaged statistical recognisers (extra `nlp`), where installed


def build_reader(
    settings: Settings,
    entities: Iterable[EntityProxy] | Gazetteer,
    *,
    options: AnalyzeOptions | None = None,
    screener: ScreenerLike | None = None,
) -> Reader:
    """A reader over `entities` (normally `open_store(settings.db_url).entities()`, or a
    gazetteer already built from them); with a `screener`, mentions the gazetteer cannot
    link by exact name are screened."""
    options = options or AnalyzeOptions()
    extractors: tuple[Extractor, ...] = default_extractors() if options.ner else ()
    extractors += configured_extractors(settings.extra.get("extractors", []))
    gazetteer = entities if isinstance(entities, Gazetteer) else Gazetteer.build(entities)
    exact = GazetteerLinker(gazetteer)
    linker: Linker = exact if screener is None else ScreenerLinker(screener, exact)
    return Reader(
        gazetteer=gazetteer,
        regime=load_regime(regime_path(settings)),
        linker=linker,
        options=ReaderOptions(extractors=extractors),
    )


def analyze_documents(reader: Reader, documents: Iterable[Document]) -> Iterator[Finding]:
    for doc in documents:
        yield reader.analyze(doc)


def group_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Mark near-duplicates: each finding gets the source of its group's first document."""
    groups = duplicate_groups([f.document.text for f in findings])
    sizes = {g: groups.count(g) for g in set(groups)}
    return [
        replace(finding, group=findings[g].document.source) if sizes[g] > 1 else finding
        for finding, g in zip(findings, groups, strict=True)
    ]


def read_inputs(inputs: Sequence[str], settings: Settings) -> Iterator[Document | Problem]:
    return iter_documents(inputs, mirror=settings.mirror, timeout=settings.http_timeout)

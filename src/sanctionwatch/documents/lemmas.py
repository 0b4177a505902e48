"""Lemma tables for German, English and French: spaCy's lookup lists (`spacy-lookups-data`).

A lookup table maps an inflected form to its lemma (Nationen -> Nation, Koreans -> Korean,
navires -> navire). The gazetteer keeps only the rows whose lemma is one of its own keys, so
the tables cost nothing per document and the few rows kept travel inside the cached
gazetteer. Russian is lemmatised with pymorphy3 in `text.py`; Korean particles are cut by
prefix in `gazetteer.py`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Collection, Iterator
from importlib import resources

from sanctionwatch.documents.text import fold

LOOKUP_LANGUAGES = ("de", "en", "fr")
TABLES_PACKAGE = "spacy_lookups_data"
# Verb forms are not name inflections: "Shipping" must not meet a name's "Ship".
VERB_ENDINGS = {"en": ("ing", "ed")}
# Short words are function words (die -> der, an -> a): as lemma variants they only make every
# article a candidate name start, at a measured cost of a fifth of the reader's time.
MIN_LEMMA_LEN = 4


def _rows(language: str) -> Iterator[tuple[str, list[str]]]:
    """(form, lemmas) rows of one language's table; none when the table is not installed."""
    if language not in LOOKUP_LANGUAGES:
        return
    try:
        data_dir = resources.files(TABLES_PACKAGE) / "data"
        raw = (data_dir / f"{language}_lemma_lookup.json.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        return
    table: dict[str, str | list[str]] = json.loads(gzip.decompress(raw))
    for form, lemmas in table.items():
        yield form, [lemmas] if isinstance(lemmas, str) else lemmas


def lemmas_for(keys: Collection[str], language: str) -> dict[str, tuple[str, ...]]:
    """Folded form -> folded lemmas, for the rows whose lemma is in `keys` (a gazetteer's
    word keys). Folding merges rows that differ only in case or accents (German "Vereinten"
    -> "Vereinte" and "vereinten" -> "vereinen"), so a form may have several lemmas."""
    found: dict[str, tuple[str, ...]] = {}
    folded_lemma: dict[str, str] = {}  # lemmas repeat across many forms
    verb_endings = VERB_ENDINGS.get(language, ())
    for form, lemmas in _rows(language):
        for lemma in lemmas:
            key = folded_lemma.get(lemma)
            if key is None:
                key = folded_lemma[lemma] = fold(lemma)
            if len(key) < MIN_LEMMA_LEN or key not in keys:
                continue
            folded = fold(form)
            if key == folded or (verb_endings and folded.endswith(verb_endings)):
                continue
            if key not in found.get(folded, ()):
                found[folded] = (*found.get(folded, ()), key)
    return found

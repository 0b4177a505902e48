"""Lemma tables for German, English and French: spaCy's lookup lists (`spacy-lookups-data`).

A lookup table maps an inflected form to its lemma (Nationen -> Nation, Koreans -> Korean,
navires -> navire). The gazetteer keeps only the rows whose lemma is one of its own keys, so
the tables cost nothing per document and the filtered rows travel inside the cached gazetteer.
Russian is lemmatised with pymorphy3 in `text.py`; Korean particles are cut by prefix in
`gazetteer.py`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Collection, Mapping
from functools import lru_cache
from importlib import resources

from sanctionwatch.documents.text import fold

LOOKUP_LANGUAGES = ("de", "en", "fr")
# Verb forms are not name inflections: "Shipping" must not meet a name's "Ship".
VERB_ENDINGS = {"en": ("ing", "ed")}
TABLES_PACKAGE = "spacy_lookups_data"


@lru_cache(maxsize=len(LOOKUP_LANGUAGES))
def lemma_table(language: str) -> Mapping[str, tuple[str, ...]]:
    """Folded form -> folded lemmas for one language (empty when the table is not installed).

    Folding merges rows that differ only in case or accents (German "Vereinten" -> "Vereinte"
    and "vereinten" -> "vereinen"), so a form may have several lemmas."""
    if language not in LOOKUP_LANGUAGES:
        return {}
    try:
        data_dir = resources.files(TABLES_PACKAGE) / "data"
        raw = (data_dir / f"{language}_lemma_lookup.json.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    rows: dict[str, str | list[str]] = json.loads(gzip.decompress(raw))
    table: dict[str, tuple[str, ...]] = {}
    for form, lemmas in rows.items():
        folded = fold(form)
        for lemma in [lemmas] if isinstance(lemmas, str) else lemmas:
            key = fold(lemma)
            if key != folded and key not in table.get(folded, ()):
                table[folded] = (*table.get(folded, ()), key)
    return table


def lemmas_for(keys: Collection[str], language: str) -> dict[str, tuple[str, ...]]:
    """The rows of `language`'s table whose lemma is in `keys` (a gazetteer's word keys)."""
    found: dict[str, tuple[str, ...]] = {}
    verb_endings = VERB_ENDINGS.get(language, ())
    for form, lemmas in lemma_table(language).items():
        if verb_endings and form.endswith(verb_endings):
            continue
        useful = tuple(lemma for lemma in lemmas if lemma in keys)
        if useful:
            found[form] = useful
    return found

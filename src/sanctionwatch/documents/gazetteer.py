"""The name gazetteer: list names and aliases, CLDR country names and curated places and
organisations, matched over word keys (see `text.py`).

The lookup is a dict from a name's first key to the names starting with it, longest first;
a text is scanned once, and at each word only its few key variants are looked up, so the
cost does not grow with the number of names (measured on the development set in
`benchmarks/reader_speed.py`). Hangul words are also looked up by prefix, which skips the
particles glued to a name (평양은 -> 평양).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from followthemoney import EntityProxy

from sanctionwatch.documents.lemmas import LOOKUP_LANGUAGES, lemmas_for
from sanctionwatch.documents.model import MentionType
from sanctionwatch.documents.text import Token, is_hangul, key_variants, name_key

LANGUAGES = ("de", "en", "fr", "ru", "ko")
GAP_RE = re.compile(r"[ \t\-‐'’.,&()/]{0,3}")
START_CACHE = 200_000
MIN_HANGUL_KEY = 2
SCHEMA_TYPES: dict[str, MentionType] = {
    "Person": "PERSON",
    "Organization": "ORG",
    "Company": "ORG",
    "LegalEntity": "ORG",
    "PublicBody": "ORG",
    "Vessel": "VESSEL",
}
NAME_PROPS = ("name", "alias", "previousName")


@dataclass(frozen=True)
class GazEntry:
    """What a gazetteer name stands for."""

    type: MentionType
    label: str
    source: str  # "list", "cldr", "curated"
    entity_id: str | None = None
    dataset: str | None = None
    country: str | None = None
    imo: str | None = None
    context: str | None = None  # a country the document must mention (short person names)
    single: bool = False  # a one-word list name: needs a cue to count (see `find`)


@dataclass(frozen=True)
class _Name:
    key: tuple[str, ...]
    entry: GazEntry
    capital: bool  # the name starts with a capital: the text must too
    upper: bool  # a short all-caps abbreviation (US, UN): the text must be upper case too
    tail: str = ""  # closing punctuation that belongs to the name (U.S., D.C., (2006))


@dataclass(frozen=True)
class GazMatch:
    start: int
    end: int
    first: int  # token index range [first, last]
    last: int
    entries: tuple[GazEntry, ...]


class Gazetteer:
    """Names of listed entities, countries, places and organisations, keyed for lookup."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[_Name]] = defaultdict(list)
        self._by_key: dict[tuple[str, ...], list[GazEntry]] = defaultdict(list)
        self._by_imo: dict[str, list[GazEntry]] = defaultdict(list)
        self._datasets: dict[str, str] = {}
        # per language: folded text form -> lemmas that are keys of this gazetteer
        self._lemmas: dict[str, dict[str, tuple[str, ...]]] = {}
        # per first key: positions (in `_by_first`) of one-word names, and of longer names
        # by their second key, so a scan only tries names whose second word can follow
        self._singles: dict[str, tuple[int, ...]] = {}
        self._by_second: dict[str, dict[str, tuple[int, ...]]] = {}
        # (language, word) -> the word's first-key candidates that start some name: most
        # words start none, and then a scan moves on after one dict lookup
        self._starts: dict[tuple[str | None, str], tuple[tuple[str, int], ...]] = {}
        self.size = 0

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_starts"] = {}  # a cache of words seen, not part of the gazetteer
        return state

    # -- building -------------------------------------------------------------------------
    def add(self, name: str, entry: GazEntry) -> None:
        key = name_key(name)
        if not key:
            return
        if len(key) == 1 and is_hangul(key[0]) and len(key[0]) < MIN_HANGUL_KEY:
            return
        letters = name.replace(".", "").replace(" ", "")
        tail_match = re.search(r"[.)]+$", name)
        item = _Name(
            key=key,
            entry=entry,
            capital=name[:1].isupper(),
            upper=letters.isupper() and len(letters) <= 4,
            tail=tail_match.group(0) if tail_match else "",
        )
        self._by_first[key[0]].append(item)
        self._by_key[key].append(entry)
        if entry.imo:
            self._by_imo[entry.imo].append(entry)
        if entry.entity_id and entry.dataset:
            self._datasets.setdefault(entry.entity_id, entry.dataset)
        self.size += 1

    def finish(self) -> None:
        """Sort candidates longest first, drop duplicates; call once after the last `add`."""
        for first, items in self._by_first.items():
            unique = {(i.key, i.entry, i.capital, i.upper, i.tail): i for i in items}
            ordered = sorted(unique.values(), key=lambda i: -len(i.key))
            self._by_first[first] = ordered
            seconds: dict[str, list[int]] = defaultdict(list)
            for pos, item in enumerate(ordered):
                if len(item.key) > 1:
                    seconds[item.key[1]].append(pos)
            self._singles[first] = tuple(p for p, i in enumerate(ordered) if len(i.key) == 1)
            self._by_second[first] = {k: tuple(v) for k, v in seconds.items()}
        words = {word for key in self._by_key for word in key}
        self._lemmas = {lang: lemmas_for(words, lang) for lang in LOOKUP_LANGUAGES}

    @classmethod
    def build(
        cls,
        entities: Iterable[EntityProxy] = (),
        *,
        curated: bool = True,
        dataset: str | None = None,
    ) -> Gazetteer:
        """A gazetteer over `entities` (e.g. `Store.entities()`) plus the curated tables.
        `dataset` names the list for entities that do not carry their datasets."""
        return cls.build_from_lists([(dataset, entities)], curated=curated)

    @classmethod
    def build_from_lists(
        cls, lists: Iterable[tuple[str | None, Iterable[EntityProxy]]], *, curated: bool = True
    ) -> Gazetteer:
        """A gazetteer over several lists given as (dataset name, entities) pairs."""
        gaz = cls()
        if curated:
            add_curated(gaz)
        for dataset, entities in lists:
            for proxy in entities:
                add_entity(gaz, proxy, dataset=dataset)
        gaz.finish()
        return gaz

    # -- lookups --------------------------------------------------------------------------
    def lookup(self, name: str, *, source: str | None = None) -> list[GazEntry]:
        """Entries whose name has exactly the keys of `name`."""
        entries = self._by_key.get(name_key(name), [])
        return [e for e in entries if source is None or e.source == source]

    def dataset_of(self, entity_id: str) -> str | None:
        """The list a listed entity came from, as the gazetteer was told."""
        return self._datasets.get(entity_id)

    def by_imo(self, imo: str) -> list[GazEntry]:
        return list(self._by_imo.get(imo, []))

    def find(self, text: str, tokens: Sequence[Token], language: str | None) -> list[GazMatch]:
        """Longest non-overlapping name matches, left to right."""
        found: list[GazMatch] = []
        scan = _Scan(tokens, language, self._lemmas.get(language or "", {}))
        known = self._starts
        i = 0
        while i < len(tokens):
            if known.get((language, tokens[i].text)) == ():
                i += 1  # a word seen before that starts no name (most words)
                continue
            match = self._longest_at(text, scan, i)
            if match is None:
                i += 1
                continue
            found.append(match)
            i = match.last + 1
        return found

    def _longest_at(self, text: str, scan: _Scan, i: int) -> GazMatch | None:
        best: GazMatch | None = None
        tokens, language, lemmas = scan.tokens, scan.language, scan.lemmas
        token = tokens[i]
        starts = self._starts.get((language, token.text))
        if starts is None:
            starts = self._name_starts(token, scan)
        for first_key, cut in starts:
            items = self._by_first[first_key]
            end = token.start + cut
            for pos in self._positions(first_key, scan, i, whole=end == token.end):
                item = items[pos]
                n = len(item.key)
                if best is not None and n < best.last - best.first + 1:
                    break
                span = _match_rest(
                    text, tokens, i, item=item, first_end=end, language=language, lemmas=lemmas
                )
                if span is None or not _case_ok(text, tokens[i], item):
                    continue
                if (
                    language == "de"
                    and item.entry.type != "COUNTRY"
                    and _inside_compound(text, span)
                ):
                    continue  # "UN" in "UN-Sanktionen", "Kreml" in "Kreml-Gegenstück"
                if item.tail and text.startswith(item.tail, span):
                    span += len(item.tail)
                start, stop = tokens[i].start, span
                if best is None or n > best.last - best.first + 1:
                    best = GazMatch(start, stop, i, i + n - 1, (item.entry,))
                elif (
                    n == best.last - best.first + 1
                    and stop == best.end
                    and item.entry not in best.entries
                ):
                    best = GazMatch(start, stop, i, i + n - 1, (*best.entries, item.entry))
        return best

    def _name_starts(self, token: Token, scan: _Scan) -> tuple[tuple[str, int], ...]:
        """(first key, its end within the word) of the candidates of a word that start a
        name, in `_candidates` order; remembered per word (the cache is emptied when it
        grows past `START_CACHE` words)."""
        found = tuple(
            (key, end - token.start)
            for key, end in _candidates(token, scan.language, scan.lemmas)
            if key in self._by_first
        )
        if len(self._starts) >= START_CACHE:
            self._starts.clear()
        self._starts[(scan.language, token.text)] = found
        return found

    def _positions(self, first_key: str, scan: _Scan, i: int, *, whole: bool) -> Sequence[int]:
        """Positions in `_by_first[first_key]` of the names that may match at word `i`, in
        their order there: one-word names, and longer names whose second key word `i + 1`
        can stand for. A first key cut from a Hangul word (before a particle) ends inside
        its word, so only one-word names can follow it; a Hangul second word may carry a
        particle too, so there every name is tried."""
        singles = self._singles[first_key]
        by_second = self._by_second[first_key]
        if not by_second or not whole or i + 1 >= len(scan.tokens):
            return singles
        if is_hangul(scan.tokens[i + 1].text):
            return range(len(self._by_first[first_key]))
        found = [by_second[k] for k in scan.keys(i + 1) if k in by_second]
        if not found:
            return singles
        return sorted([*singles, *(p for group in found for p in group)])


class _Scan:
    """One text's tokens as a name scan sees them, with each word's keys worked out once."""

    def __init__(
        self,
        tokens: Sequence[Token],
        language: str | None,
        lemmas: Mapping[str, tuple[str, ...]],
    ) -> None:
        self.tokens = tokens
        self.language = language
        self.lemmas = lemmas
        self._keys: dict[int, frozenset[str]] = {}

    def keys(self, j: int) -> frozenset[str]:
        """Every key word `j` stands for as a whole word (key variants and lemmas), the
        same test `_match_rest` applies to a name's later words."""
        found = self._keys.get(j)
        if found is None:
            tok = self.tokens[j]
            found = frozenset(
                (*key_variants(tok.text, self.language), *self.lemmas.get(tok.key, ()))
            )
            self._keys[j] = found
        return found


def _inside_compound(text: str, end: int) -> bool:
    return text[end : end + 1] in {"-", "‐"} and text[end + 1 : end + 2].isalpha()


# What may follow a Korean name inside one word: particles and a few suffixes (북한군,
# 프랑스령, 러시아측), but not other syllables (인도적 is not 인도, 북한인 is a demonym).
KO_TAIL_RE = re.compile(
    r"(?:은|는|이|가|을|를|의|에|에서|에게|께|와|과|도|로|으로|만|까지|부터|처럼|보다|측|군|령|산|"
    r"내|발|간|과의|와의|에서의|에서는|에는|으로는|로는|에도|과는|와는|이라는|이다|이며|이고|이나|나|"
    r"엔|랑|이랑|하고|이었다|였다|에선|으론|로선|에게서|과도|와도|에만|만이|까지도|들|들이|들은|들의)"
)


def _candidates(
    token: Token, language: str | None, lemmas: Mapping[str, tuple[str, ...]]
) -> Iterator[tuple[str, int]]:
    """(key, end offset) pairs a word can stand for: its key variants, its lemmas (spaCy
    lookups for de/en/fr), and for Hangul words their prefixes before a particle."""
    for key in key_variants(token.text, language):
        yield key, token.end
    for lemma in lemmas.get(token.key, ()):
        yield lemma, token.end
    if is_hangul(token.text):
        word = token.text
        for cut in range(len(word) - 1, MIN_HANGUL_KEY - 1, -1):
            if KO_TAIL_RE.fullmatch(word[cut:]):
                yield word[:cut], token.start + cut


def _match_rest(
    text: str,
    tokens: Sequence[Token],
    i: int,
    *,
    item: _Name,
    first_end: int,
    language: str | None,
    lemmas: Mapping[str, tuple[str, ...]],
) -> int | None:
    """The end offset if the name's remaining keys follow word `i`, else None."""
    n = len(item.key)
    if n == 1:
        return first_end
    if first_end != tokens[i].end or i + n > len(tokens):
        return None
    end = first_end
    for j in range(1, n):
        prev, tok = tokens[i + j - 1], tokens[i + j]
        if not GAP_RE.fullmatch(text[prev.end : tok.start]):
            return None
        want = item.key[j]
        if want in key_variants(tok.text, language) or want in lemmas.get(tok.key, ()):
            end = tok.end
        elif (
            j == n - 1
            and is_hangul(tok.text)
            and tok.text.startswith(want)
            and (KO_TAIL_RE.fullmatch(tok.text[len(want) :]))
        ):
            end = tok.start + len(want)
        else:
            return None
    return end


def _case_ok(text: str, token: Token, item: _Name) -> bool:
    word = text[token.start : token.end]
    if item.upper and not word.isupper():
        return False
    return not (item.capital and word[:1].islower())


# -- sources of names -----------------------------------------------------------------------
@lru_cache(maxsize=1)
def curated_tables() -> dict[str, Any]:
    """The package's curated names (`documents/data/gazetteer.yaml`)."""
    path = resources.files("sanctionwatch.documents") / "data" / "gazetteer.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def add_curated(gaz: Gazetteer) -> None:
    """CLDR country names in the five languages, then the curated tables."""
    from babel import Locale

    for lang in LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "UN", "EZ", "QO"}:
                gaz.add(name, GazEntry("COUNTRY", code, "cldr", country=code))
    tables = curated_tables()
    for code, names in tables["countries"].items():
        for name in names:
            gaz.add(name, GazEntry("COUNTRY", code, "curated", country=code))
    for place in tables["places"]:
        entry = GazEntry("LOCATION", place["name"], "curated", country=place.get("country"))
        for name in place["aliases"]:
            gaz.add(name, entry)
    for org in tables["orgs"]:
        entry = GazEntry("ORG", org["name"], "curated", country=org.get("country"))
        for name in org["aliases"]:
            gaz.add(name, entry)
    for person in tables["persons"]:
        entry = GazEntry("PERSON", person["name"], "curated", country=person.get("country"))
        for name in person["aliases"]:
            gaz.add(name, entry)
        short = GazEntry(
            "PERSON",
            person["name"],
            "curated",
            country=person.get("country"),
            context=person.get("context"),
        )
        for name in person.get("short", []):
            gaz.add(name, short)


def person_name_forms(name: str) -> list[str]:
    """A listed person's name, its natural order and its short form (first and last word):
    "PUTIN, Vladimir Vladimirovich" gives "Vladimir Vladimirovich PUTIN" and "Vladimir PUTIN"."""
    forms = [name]
    if "," in name:
        last, _, rest = name.partition(",")
        name = f"{rest.strip()} {last.strip()}"
        forms.append(name)
    parts = name.split()
    if len(parts) >= 3:
        forms.append(f"{parts[0]} {parts[-1]}")
    return forms


def add_entity(gaz: Gazetteer, proxy: EntityProxy, *, dataset: str | None = None) -> None:
    """Index one listed entity's names (people need two words; one-word names need a cue)."""
    mtype = SCHEMA_TYPES.get(proxy.schema.name)
    if mtype is None or proxy.id is None:
        return
    datasets = sorted(getattr(proxy, "datasets", None) or ([dataset] if dataset else []))
    imos = proxy.get("imoNumber", quiet=True)
    imo = next((re.sub(r"\D", "", v) for v in imos if re.sub(r"\D", "", v)), None)
    countries = sorted(c.upper() for c in proxy.countries)
    if "KP" in countries:  # the DPRK link is what the reader cares about
        countries.insert(0, "KP")
    names: set[str] = set()
    for prop in NAME_PROPS:
        names.update(proxy.get(prop, quiet=True))
    for raw in names:
        forms = person_name_forms(raw) if mtype == "PERSON" else [raw]
        for form in forms:
            words = name_key(form)
            if not words or (mtype == "PERSON" and len(words) < 2):
                continue
            entry = GazEntry(
                type=mtype,
                label=proxy.caption,
                source="list",
                entity_id=proxy.id,
                dataset=datasets[0] if datasets else None,
                country=countries[0] if countries else None,
                imo=imo,
                single=len(words) == 1,
            )
            gaz.add(form, entry)

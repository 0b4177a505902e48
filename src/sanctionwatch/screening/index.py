"""The candidate index: blocking keys computed once per list version, persisted on disk.

Each listed name contributes keys: its parts, their concatenated neighbours (Jong Un =
Jongun), a transliteration skeleton and a metaphone per part, and, for Korean-like names, every
possible jamo triple of each syllable; identifiers are keys of their own. A query gathers the
entities sharing keys, weighted by key rarity (one weight per query part, however many of its
keys hit), and the best `budget` go to the scorer. The index is saved as one file per set of
list versions and loaded instead of rebuilt when the versions (and the index format) match.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import pickle
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from followthemoney import EntityProxy, model
from followthemoney.types import registry
from rigour.text import metaphone

from sanctionwatch.errors import InputError, StoreError
from sanctionwatch.screening.algorithms import BEST, get_algorithm
from sanctionwatch.screening.compare import TokenStats
from sanctionwatch.screening.features import Features, extract_features, normalize_identifier
from sanctionwatch.screening.names import Name, analyze_name
from sanctionwatch.screening.normalize import skeleton

INDEX_FORMAT = 4  # bump whenever the pickled classes change
_ID_HOLDER_SCHEMATA = ("Identification", "Passport")
_MAX_POSTING_SHARE = 0.02  # keys on more than this share of entities only count when alone


class IndexedEntity:
    """A listed entity as the screener keeps it.

    Persisted compactly (the entity as one JSON string plus a few filter fields), so loading
    a saved index is fast; the proxy is rebuilt on first use, and the matching features are
    unpickled from `features_blob` on first use (about 8x cheaper than extracting them again,
    which matters to every server worker that loads the index).
    """

    __slots__ = (
        "_data",
        "_prepared",
        "_proxy",
        "countries",
        "datasets",
        "extra_ids",
        "features_blob",
        "first_seen",
        "id",
        "json",
        "last_change",
        "last_seen",
        "schema",
        "target",
        "topics",
    )

    def __init__(
        self,
        entity: EntityProxy,
        *,
        datasets: tuple[str, ...],
        extra_ids: Mapping[str, Iterable[str]] | None = None,
        prepared: Features | None = None,
    ) -> None:
        self.id = str(entity.id)
        self.schema = entity.schema.name
        self.json = json.dumps(entity.to_dict(), ensure_ascii=False)
        self.extra_ids = {k: sorted(v) for k, v in (extra_ids or {}).items()}
        self.datasets = datasets
        self.first_seen = _seen(entity, "first_seen")
        self.last_seen = _seen(entity, "last_seen")
        self.last_change = _seen(entity, "last_change")
        self.target = bool(_context(entity).get("target", True))
        self.countries = frozenset(entity.get_type_values(registry.country))
        self.topics = frozenset(entity.get("topics", quiet=True))
        self._data: dict[str, Any] | None = None
        self._proxy: EntityProxy | None = None
        self._prepared = prepared
        self.features_blob = (
            None if prepared is None else pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
        )

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = json.loads(self.json)
        return self._data

    @property
    def proxy(self) -> EntityProxy:
        if self._proxy is None:
            self._proxy = model.get_proxy(self.data)
        return self._proxy

    @property
    def prepared(self) -> Features:
        if self._prepared is None:
            if self.features_blob is not None:
                self._prepared = pickle.loads(self.features_blob)
            else:
                self._prepared = extract_features(self.proxy, self.extra_ids)
        return self._prepared

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, k) for k in self.__slots__ if not k.startswith("_"))

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for key, value in zip(
            [k for k in self.__slots__ if not k.startswith("_")], state, strict=True
        ):
            setattr(self, key, value)
        self._data = self._proxy = self._prepared = None


_PERSISTED = tuple(k for k in IndexedEntity.__slots__ if not k.startswith("_"))


def name_keys(name: Name) -> list[set[str]]:
    """Blocking keys of a name, grouped per part (a group counts once per candidate)."""
    groups: list[set[str]] = []
    parts = [p for p in name.parts if p.kind not in ("legal", "particle")]
    for index, part in enumerate(parts):
        keys = {f"t:{part.text}"}
        if part.kind != "initial" and len(part.text) > 2:
            keys.add(f"s:{skeleton(part.text)}")
            phon = metaphone(part.text)
            if len(phon) > 1:
                keys.add(f"m:{phon}")
        if index + 1 < len(parts):
            keys.add(f"t:{part.text}{parts[index + 1].text}")
        if index > 0:
            keys.add(f"t:{parts[index - 1].text}{part.text}")
        groups.append(keys)
    if name.korean is not None:
        groups.append(name.korean.bigram_keys())
    return groups


def _first(pair: tuple[float, Sequence[int]]) -> float:
    return pair[0]


def _context(entity: EntityProxy) -> dict[str, Any]:
    """The context dict of a plain proxy; statement entities have none (an AttributeError)."""
    ctx = getattr(entity, "context", None)
    return ctx if isinstance(ctx, dict) else {}


def _entity_datasets(entity: EntityProxy, default: tuple[str, ...]) -> tuple[str, ...]:
    found = getattr(entity, "datasets", None)
    if found:
        return tuple(sorted(str(d) for d in found))
    ctx = _context(entity).get("datasets")
    if ctx:
        return tuple(sorted(str(d) for d in ctx))
    return default


def _seen(entity: EntityProxy, attr: str) -> str | None:
    value = getattr(entity, attr, None) or _context(entity).get(attr)
    return None if value is None else str(value)


class ScreeningIndex:
    """Listed entities, their features and the blocking-key postings."""

    def __init__(self, versions: Mapping[str, str]) -> None:
        self.versions: dict[str, str] = dict(versions)
        self.entities: list[IndexedEntity] = []
        self.others: dict[str, str] = {}  # non-matchable entities (sanctions...), as JSON
        self.by_id: dict[str, int] = {}
        self.postings: dict[str, bytes] = {}  # key -> sorted entity positions, packed uint32
        self.stats = TokenStats({}, 0)

    @classmethod
    def build(cls, entities: Iterable[EntityProxy], versions: Mapping[str, str]) -> ScreeningIndex:
        index = cls(versions)
        default = tuple(sorted(versions)) if len(versions) == 1 else ("default",)
        listed: list[EntityProxy] = []
        extra_ids: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for entity in entities:
            if entity.id is None:
                continue
            if entity.schema.matchable:
                listed.append(entity)
                continue
            index.others[entity.id] = json.dumps(entity.to_dict(), ensure_ascii=False)
            if entity.schema.name in _ID_HOLDER_SCHEMATA:
                prop = "passportNumber" if entity.schema.name == "Passport" else "idNumber"
                for holder in entity.get("holder", quiet=True):
                    extra_ids[holder][prop].update(entity.get("number", quiet=True))
        postings: dict[str, set[int]] = defaultdict(set)
        for entity in listed:
            assert entity.id is not None
            ids = extra_ids.get(entity.id)
            features = extract_features(entity, ids)
            position = len(index.entities)
            index.by_id[entity.id] = position
            datasets = _entity_datasets(entity, default)
            item = IndexedEntity(entity, datasets=datasets, extra_ids=ids, prepared=features)
            index.entities.append(item)
            for name in (*features.names, *features.weak_names):
                for group in name_keys(name):
                    for key in group:
                        postings[key].add(position)
            for value in features.all_ids:
                postings[f"id:{value}"].add(position)
        index.postings = {k: array("I", sorted(v)).tobytes() for k, v in postings.items()}
        index.stats = TokenStats.from_names(
            n for item in index.entities for n in item.prepared.names
        )
        return index

    def get(self, entity_id: str) -> IndexedEntity | None:
        position = self.by_id.get(entity_id)
        return None if position is None else self.entities[position]

    def get_data(self, entity_id: str) -> dict[str, Any] | None:
        item = self.get(entity_id)
        if item is not None:
            return item.data
        raw = self.others.get(entity_id)
        return None if raw is None else dict(json.loads(raw))

    def posting(self, key: str) -> Sequence[int]:
        raw = self.postings.get(key)
        return memoryview(raw).cast("I") if raw else ()

    def _key_weight(self, key: str) -> float:
        size = len(self.postings.get(key, b"")) // 4
        return math.log((len(self.entities) + 1) / (size + 0.5))

    def candidates(self, query: Features, *, budget: int) -> list[IndexedEntity]:
        """The `budget` entities sharing the rarest blocking keys with the query."""
        groups: list[set[str]] = []
        for name in (*query.names, *query.weak_names):
            groups.extend(name_keys(name))
        groups.extend({f"id:{value}"} for value in query.all_ids)
        limit = max(50, int(len(self.entities) * _MAX_POSTING_SHARE))
        postings = self.postings
        positions: list[npt.NDArray[np.int64]] = []
        weights: list[npt.NDArray[np.float64]] = []
        common: list[tuple[float, bytes]] = []
        for group in groups:
            found: list[tuple[float, Sequence[int]]] = []
            for key in group:
                raw = postings.get(key)
                if not raw:
                    continue
                weight = self._key_weight(key) * (3.0 if key.startswith("id:") else 1.0)
                if len(raw) // 4 > limit:
                    common.append((weight, raw))
                    continue
                found.append((weight, memoryview(raw).cast("I")))
            if not found:
                continue
            # each entity counts once per group, with its best key's weight (all positive):
            # written in rising weight order, the highest weight is the one that stays
            found.sort(key=_first)
            best = dict.fromkeys(found[0][1], found[0][0])
            for weight, posting in found[1:]:
                best.update(dict.fromkeys(posting, weight))
            positions.append(np.fromiter(best.keys(), dtype=np.int64, count=len(best)))
            weights.append(np.fromiter(best.values(), dtype=np.float64, count=len(best)))
        if not positions:
            for weight, raw in common:
                positions.append(np.frombuffer(raw, dtype=np.uint32).astype(np.int64))
                weights.append(np.full(len(raw) // 4, weight))
        if not positions:
            return []
        # one entity's total adds its groups' weights in group order, from 0.0 (as a loop
        # would: the same floats); then the highest totals, lower positions first on ties
        entity, which = np.unique(np.concatenate(positions), return_inverse=True)
        totals = np.bincount(which, weights=np.concatenate(weights))
        top = np.lexsort((entity, -totals))[:budget]
        entities = self.entities
        return [entities[position] for position in entity[top].tolist()]

    def search(self, text: str, *, schema: str | None = None) -> list[IndexedEntity]:
        """Entities whose names (or identifiers) resemble `text`, best first."""
        schema_name = schema or "LegalEntity"
        if model.get(schema_name) is None:
            raise InputError(f"unknown schema {schema_name!r}")
        names = analyze_name(text, schema_name if schema_name == "Person" else "LegalEntity")
        ident = normalize_identifier(text)
        query = Features(
            schema=schema_name,
            names=names,
            identifiers={"idNumber": frozenset({ident})} if len(ident) >= 4 else {},
        )
        algo = get_algorithm(BEST)
        items = [
            item
            for item in self.candidates(query, budget=200)
            if schema is None or item.proxy.schema.is_a(schema)
        ]
        # scores below 0.5 are dropped: the float just under it is the floor
        floor = math.nextafter(0.5, -math.inf)
        found = algo.score_many(query, [item.prepared for item in items], self.stats, floor)
        scored: list[tuple[float, IndexedEntity]] = []
        for item, score in zip(items, found, strict=True):
            if score is not None and score >= 0.5:
                scored.append((score, item))
        scored.sort(key=lambda si: -si[0])
        return [item for _, item in scored]


def _fingerprint(versions: Mapping[str, str]) -> str:
    algo = get_algorithm(BEST)
    blob = json.dumps(
        {
            "versions": dict(sorted(versions.items())),
            "format": INDEX_FORMAT,
            "algo": algo.params_hash,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def index_path(index_dir: Path, versions: Mapping[str, str]) -> Path:
    return index_dir / f"screening-{_fingerprint(versions)}.pkl"


def save_index(index: ScreeningIndex, index_dir: Path) -> Path:
    """Write the index atomically (temp file, then rename) and drop older index files."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_path(index_dir, index.versions)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # server workers may save at once
    with tmp.open("wb") as fh:
        pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    for old in index_dir.glob("screening-*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def load_index(index_dir: Path, versions: Mapping[str, str]) -> ScreeningIndex | None:
    """The persisted index for exactly these versions, or None. Our own file, in our home."""
    path = index_path(index_dir, versions)
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            index = pickle.load(fh)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise StoreError(f"screening index {path} is unreadable; delete it to rebuild") from exc
    if not isinstance(index, ScreeningIndex) or index.versions != dict(versions):
        return None
    return index


def load_or_build(
    entities: Iterable[EntityProxy],
    *,
    versions: Mapping[str, str],
    index_dir: Path | None,
) -> ScreeningIndex:
    """Reuse the persisted index for these list versions, or build (and persist) a new one.

    Server workers starting together on new lists build it once: the first takes the build
    lock, the others wait for it and load what it saved.
    """
    if index_dir is None:
        return ScreeningIndex.build(entities, versions)
    found = load_index(index_dir, versions)
    if found is not None:
        return found
    with _build_lock(index_dir):
        found = load_index(index_dir, versions)
        if found is not None:
            return found
        index = ScreeningIndex.build(entities, versions)
        save_index(index, index_dir)
        return index


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """An exclusive lock between processes on this index folder (none where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: concurrent builds stay correct (per-process temp files)
        yield
        return
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / "build.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)

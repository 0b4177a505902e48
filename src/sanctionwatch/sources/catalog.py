"""The list catalog: one small YAML per published list, loaded and validated here.

Each `sources/lists/<dataset>.yaml` says who publishes the list, where the official files are,
which parser format reads them, how often they change, under which licence, and holds
`lookups` for messy values (country names the FtM country type does not know, ...).
Parsers apply the lookups with `map_country` before the shared helpers clean the value.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from followthemoney import Dataset, StatementEntity
from followthemoney.types import registry as types

from sanctionwatch.errors import ConfigError
from sanctionwatch.sources import territories
from sanctionwatch.sources.entity import ListStatementEntity

_NOW = re.compile(r"\(?\b(?:now|currently)\s+([^()]+?)\)?\s*$", re.IGNORECASE)
_PARENS = re.compile(r"\([^()]*\)")
REQUIRED_KEYS = ("name", "title", "publisher", "urls", "format", "schedule", "licence")
_DATASET_CACHE: dict[str, Dataset] = {}


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str
    country: str


@dataclass(frozen=True)
class Licence:
    name: str
    url: str


@dataclass(frozen=True)
class ListSpec:
    """One published list, as its YAML describes it."""

    name: str
    title: str
    publisher: Publisher
    urls: tuple[str, ...]
    format: str
    schedule: str
    licence: Licence
    id_prefix: str
    summary: str = ""
    lookups: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def lookup(self, kind: str, value: str) -> str | bool | None:
        """The mapped value for `value` in lookup table `kind`; False when there is no entry.

        A `null` mapping means "known junk, drop it without an issue".
        """
        table = self.lookups.get(kind, {})
        key = _lookup_key(value)
        if key not in table:
            return False
        return table[key]


def _lookup_key(value: str) -> str:
    return " ".join(value.casefold().split())


def _spec_from_yaml(data: Any, source: str) -> ListSpec:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: a list YAML must be a mapping")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise ConfigError(f"{source}: missing keys {', '.join(missing)}")
    publisher = data["publisher"]
    licence = data["licence"]
    urls = data["urls"]
    if not isinstance(publisher, dict) or not isinstance(licence, dict):
        raise ConfigError(f"{source}: publisher and licence must be mappings")
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise ConfigError(f"{source}: urls must be a non-empty list of strings")
    if not all(u.startswith("https://") for u in urls):
        raise ConfigError(f"{source}: official URLs must be https")
    lookups_raw = data.get("lookups") or {}
    if not isinstance(lookups_raw, dict):
        raise ConfigError(f"{source}: lookups must be a mapping of tables")
    lookups: dict[str, dict[str, str | None]] = {}
    for kind, table in lookups_raw.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: lookup table {kind!r} must be a mapping")
        lookups[str(kind)] = {
            _lookup_key(str(k)): (None if v is None else str(v)) for k, v in table.items()
        }
    country_lookups = lookups.get("country", {})
    if country_lookups:
        territories.install()  # rigour's name table from the cache, not rebuilt
    for raw, code in country_lookups.items():
        if code is not None and types.country.clean(code) is None:
            raise ConfigError(f"{source}: country lookup {raw!r} -> {code!r} is not a country")
    return ListSpec(
        name=str(data["name"]),
        title=str(data["title"]),
        publisher=Publisher(
            name=str(publisher.get("name", "")),
            url=str(publisher.get("url", "")),
            country=str(publisher.get("country", "")),
        ),
        urls=tuple(urls),
        format=str(data["format"]),
        schedule=str(data["schedule"]),
        licence=Licence(name=str(licence.get("name", "")), url=str(licence.get("url", ""))),
        id_prefix=str(data.get("id_prefix", "")),
        summary=str(data.get("summary", "")),
        lookups=lookups,
    )


@functools.cache
def load_catalog() -> dict[str, ListSpec]:
    """Every list YAML shipped in the package, by dataset name. Raises ConfigError if invalid."""
    folder = resources.files("sanctionwatch.sources") / "lists"
    specs: dict[str, ListSpec] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        spec = _spec_from_yaml(data, entry.name)
        if spec.name != entry.name.removesuffix(".yaml"):
            raise ConfigError(f"{entry.name}: name {spec.name!r} does not match the file name")
        specs[spec.name] = spec
    return specs


def get_spec(dataset: str) -> ListSpec | None:
    """The catalog entry of a dataset, or None for datasets we do not describe (FtM imports)."""
    return load_catalog().get(dataset)


def make_dataset(name: str) -> Dataset:
    """An FtM Dataset object for `name` (cached: entities of one parse share it)."""
    if name not in _DATASET_CACHE:
        spec = get_spec(name)
        title = spec.title if spec is not None else name
        _DATASET_CACHE[name] = Dataset.make({"name": name, "title": title})
    return _DATASET_CACHE[name]


def make_target(dataset: str, schema: str, entity_id: str) -> StatementEntity:
    """A list's main entity as a StatementEntity, so a name can carry its language (`lang`).

    StatementEntity is an EntityProxy: the helpers in `sources.helpers` work on it unchanged.
    (A `ListStatementEntity`: the same statements, with the value cleaning cached.)
    """
    return ListStatementEntity(make_dataset(dataset), {"schema": schema, "id": entity_id})


def map_country(spec: ListSpec | None, raw: str | None) -> str | None:
    """A raw country value after the list's lookups: the mapped code, the raw text, or None.

    None means "nothing to add" (empty, or a value the YAML marks as junk with `null`).
    The result goes on to `helpers.add_country`, which reports what it cannot clean.
    """
    if raw is None or not raw.strip():
        return None
    mapped = spec.lookup("country", raw) if spec is not None else False
    if mapped is False:
        # "USSR (now Belarus)" -> "Belarus"; "Iraq (previous address)" -> "Iraq".
        if now := _NOW.search(raw):
            return now.group(1).strip()
        stripped = _PARENS.sub(" ", raw).strip()
        return stripped or raw
    return mapped if isinstance(mapped, str) else None

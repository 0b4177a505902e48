"""A small in-memory store with the methods the API calls, over real FtM fixture entities.

It stands in for `sanctionwatch.store` so the API tests need no database. Nesting follows
yente: entities that point at the requested one (a Sanction's `entity`, an Ownership's
`asset`...) appear under the reverse property, and entities it points at are embedded.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from tests.paths import LISTS

ZALA = LISTS / "opensanctions" / "yente_fixture_zala" / "entities.ftm.json"
EU_FSF = LISTS / "opensanctions" / "yente_fixture_t1_eu_fsf" / "entities.ftm.json"
VERSION = "20240705"


def read_entities(*paths: Path) -> list[EntityProxy]:
    entities: list[EntityProxy] = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            entities.extend(EntityProxy.from_dict(json.loads(line)) for line in fh if line.strip())
    return entities


@dataclass(frozen=True)
class FakeVersion:
    version: str
    entities: int


@dataclass(frozen=True)
class FakeDataset:
    name: str
    current_version: str | None
    versions: list[FakeVersion] = field(default_factory=list)


class FakeStore:
    """Entities of the current versions; `bump()` simulates an import of a new version."""

    def __init__(self, entities: Iterable[EntityProxy]) -> None:
        self._entities = {e.id: e for e in entities if e.id is not None}
        self._referents = {
            ref: e.id
            for e in self._entities.values()
            for ref in e.context.get("referents", [])
            if e.id is not None
        }
        names = sorted(
            {ds for e in self._entities.values() for ds in e.context.get("datasets", [])}
        )
        self._versions = dict.fromkeys(names, VERSION)
        self._lock = threading.Lock()
        self.entities_calls = 0

    def entities(self) -> Iterator[EntityProxy]:
        with self._lock:
            self.entities_calls += 1
        yield from self._entities.values()

    def entity(self, entity_id: str) -> EntityProxy | None:
        canonical = self._referents.get(entity_id, entity_id)
        return self._entities.get(canonical)

    def entity_nested(self, entity_id: str) -> dict[str, Any] | None:
        proxy = self.entity(entity_id)
        if proxy is None:
            return None
        data = proxy.to_dict()
        props: dict[str, list[Any]] = {}
        for ftm_prop, value in proxy.itervalues():
            target = self._entities.get(value) if ftm_prop.type.name == "entity" else None
            props.setdefault(ftm_prop.name, []).append(
                target.to_dict() if target is not None else value
            )
        for other in self._entities.values():
            for ftm_prop, value in other.itervalues():
                if ftm_prop.reverse is not None and value == proxy.id:
                    props.setdefault(ftm_prop.reverse.name, []).append(other.to_dict())
        data["properties"] = props
        return data

    def datasets(self) -> list[FakeDataset]:
        count = {name: 0 for name in self._versions}
        for e in self._entities.values():
            for ds in e.context.get("datasets", []):
                count[ds] += 1
        return [
            FakeDataset(name, version, [FakeVersion(version, count[name])])
            for name, version in sorted(self._versions.items())
        ]

    def current_versions(self) -> dict[str, str]:
        return dict(self._versions)

    def bump(self, dataset: str, version: str) -> None:
        self._versions[dataset] = version

"""What the store gives back: import reports, dataset and version info, changes.

The `to_dict()` shapes of `ImportReport` and `Changes` are contracts (CLI JSON, API): change
them only together with their tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sanctionwatch.errors import StoreError

StatementRow = tuple[str, str, str, str, str, str | None, str | None, bool]
"""(key, entity_id, schema, prop, value, lang, original_value, is_ref)"""


@dataclass(frozen=True)
class RowFile:
    """A version's statement rows written to a SQLite file (`store.rowfile`) by the process
    that built them; `count` rows, in the order the importer writes them."""

    path: str
    count: int


class ImportRefusedError(StoreError):
    """A new version failed validation; nothing was changed."""


@dataclass(frozen=True)
class PreparedVersion:
    """A list version made ready for the store: its statement rows, counted and checked.

    Built from the parsed entities where they were parsed (a parse worker, see
    `ingest.service`), so only these plain tuples cross to the process that writes the
    store, never the entities themselves. `errors` refuse the import when it is applied;
    `issues` are the parser's value problems followed by the validation warnings.
    The rows are a list, or a `RowFile` when the parse worker wrote them to a file.
    """

    dataset: str
    version: str
    rows: list[StatementRow] | RowFile  # unique, in (entity_id, key) order
    entities: int
    by_schema: dict[str, int]
    issues: list[dict[str, str]]
    errors: list[str] = field(default_factory=list)
    source: str = ""
    format: str = ""


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import (or delta) into one dataset."""

    dataset: str
    version: str
    entities: int
    by_schema: dict[str, int]
    issues: list[dict[str, str]]
    unchanged: bool = False  # the same version with the same content was already stored
    current: bool = True  # this version is now the dataset's current one (False: history)
    statements: int = 0
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "version": self.version,
            "entities": self.entities,
            "by_schema": dict(self.by_schema),
            "issues": list(self.issues),
        }


@dataclass(frozen=True)
class VersionInfo:
    version: str
    entities: int
    statements: int
    by_schema: dict[str, int]
    imported_at: str
    source: str
    format: str
    issues: int


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    current_version: str | None
    versions: list[VersionInfo] = field(default_factory=list)  # oldest first

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "current_version": self.current_version,
            "versions": [v.__dict__ for v in self.versions],
        }


@dataclass(frozen=True)
class PropertyChange:
    old: list[str]
    new: list[str]

    def to_dict(self) -> dict[str, list[str]]:
        return {"old": self.old, "new": self.new}


@dataclass(frozen=True)
class ChangeItem:
    """One target entity (a listed person, company, vessel...) that was added, removed or
    modified, with the list's own reference numbers and, for modifications, what changed.

    `properties` holds the entity's own changed properties; `related` holds its changed child
    entities (Sanction, Address, Identification...), folded in so one listing is one item.
    """

    id: str
    caption: str
    schema: str
    references: dict[str, list[str]]
    properties: dict[str, PropertyChange] = field(default_factory=dict)
    related: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "caption": self.caption,
            "schema": self.schema,
            "references": self.references,
        }
        if self.properties or self.related:
            data["properties"] = {k: v.to_dict() for k, v in sorted(self.properties.items())}
            data["related"] = self.related
        return data


@dataclass(frozen=True)
class Changes:
    dataset: str
    from_version: str | None
    to_version: str
    added: list[ChangeItem]
    removed: list[ChangeItem]
    modified: list[ChangeItem]

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [i.to_dict() for i in self.added],
            "removed": [i.to_dict() for i in self.removed],
            "modified": [i.to_dict() for i in self.modified],
        }

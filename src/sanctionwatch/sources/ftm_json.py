"""FollowTheMoney JSON lines (`entities.ftm.json`) and OpenSanctions delta files.

Strict on structure: every line must be a JSON object with a string `id`, a schema FtM knows
and `properties` mapping known property names to lists of strings; anything else is a Problem
with its line number, and all of them are raised together. Lenient on values: a value FtM's
type cleaning refuses is dropped and counted in `issues`.

Dataset of the result (a parse result is one dataset): the `dataset` the caller gives
(`--dataset`), else the one dataset every entity lists in its `datasets` field, else, when
the file spans several, the dataset listed by the most entities (ties: alphabetical), with an
issue saying so. Entities without `datasets` count for nothing.

Delta files (`{"op": "ADD"|"MOD"|"DEL", "entity": {...}}` per line, as yente consumes them)
give a `DeltaList`: ADD/MOD entities to upsert, DEL ids to remove.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from followthemoney import EntityProxy, model

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.detect import gunzip
from sanctionwatch.sources.safe import decode_text

FORMAT = "ftm_json"
DELTA_FORMAT = "ftm_delta"
DELTA_OPS = frozenset({"ADD", "MOD", "DEL"})
KEEP_AS_GIVEN = frozenset({"phone", "email", "url", "identifier", "string", "text", "name"})
MAX_PROBLEMS = 1000  # stop collecting after this many structural problems (garbage input)


@dataclass
class DeltaList:
    """One delta file: what to upsert and what to delete, for the store to apply in order."""

    dataset: str
    version: str
    upserts: list[EntityProxy]
    deletes: list[str]
    issues: list[Problem] = field(default_factory=list)
    source: str = ""
    format: str = DELTA_FORMAT
    ops: Counter[str] = field(default_factory=Counter)  # ADD/MOD/DEL counts as read


@dataclass
class _Reader:
    """State of one read: problems (structural), issues (values), datasets and timestamps."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    issues: list[Problem] = field(default_factory=list)
    datasets: Counter[str] = field(default_factory=Counter)
    stamps: list[str] = field(default_factory=list)

    def problem(self, line: int, field_name: str, value: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.file, f"line {line}", field_name, value, message))

    def lines(self, data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
        text = decode_text(gunzip(data, self.file), self.file)
        if not text.strip():
            raise ParseError([Problem(self.file, "", "", "", "empty file")])
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                self.problem(number, "", line[:80], f"not JSON: {exc}")
                continue
            if not isinstance(obj, dict):
                self.problem(number, "", line[:80], "not a JSON object")
                continue
            yield number, obj

    def entity(self, number: int, data: dict[str, Any]) -> EntityProxy | None:
        """An entity from one object, or None after recording why it is not one."""
        entity_id = data.get("id")
        schema_name = data.get("schema")
        properties = data.get("properties", {})
        if not isinstance(entity_id, str) or not entity_id.strip():
            self.problem(number, "id", repr(entity_id)[:80], "missing or not a string")
            return None
        schema = model.get(schema_name) if isinstance(schema_name, str) else None
        if schema is None:
            self.problem(number, "schema", repr(schema_name)[:80], "unknown schema")
            return None
        if not isinstance(properties, dict):
            self.problem(number, "properties", repr(properties)[:80], "not an object")
            return None
        entity = model.make_entity(schema)
        entity.id = entity_id
        ok = True
        for name, values in properties.items():
            prop = schema.get(name)
            if prop is None:
                self.problem(number, str(name), "", f"{schema.name} has no property {name}")
                ok = False
                continue
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                self.problem(number, name, repr(values)[:80], "values must be a list of strings")
                ok = False
                continue
            for value in values:
                cleaned = prop.type.clean(value, proxy=entity)
                if cleaned is None and prop.type.name in KEEP_AS_GIVEN:
                    # Publisher-cleaned text FtM's stricter check refuses (a phone without
                    # a country): kept as given, and counted.
                    cleaned = value
                    message = "kept as given, not a valid " + prop.type.name
                    self.issues.append(Problem(self.file, f"line {number}", name, value, message))
                elif cleaned is None:
                    message = "invalid value dropped"
                    self.issues.append(Problem(self.file, f"line {number}", name, value, message))
                    continue
                entity.unsafe_add(prop, cleaned, cleaned=True)
        datasets = data.get("datasets", [])
        if isinstance(datasets, list):
            self.datasets.update(d for d in datasets if isinstance(d, str))
        for key in ("last_seen", "last_change"):
            if isinstance(data.get(key), str):
                self.stamps.append(data[key])
        return entity if ok else None

    def dataset(self, given: str | None) -> str:
        if given:
            return given
        if not self.datasets:
            return "ftm_import"
        ranked = sorted(self.datasets.items(), key=lambda kv: (-kv[1], kv[0]))
        if len(ranked) > 1:
            names = ", ".join(name for name, _ in ranked[:8])
            self.issues.append(
                Problem(
                    self.file,
                    "",
                    "datasets",
                    names,
                    f"file spans {len(ranked)} datasets; imported as {ranked[0][0]!r}"
                    " (pass a dataset name to choose)",
                )
            )
        return ranked[0][0]

    def version(self) -> str:
        return max(self.stamps) if self.stamps else ""


def _one(files: Sequence[SourceFile], what: str) -> SourceFile:
    if len(files) != 1:
        names = ", ".join(f.name for f in files)
        raise ParseError([Problem(names, "", "", "", f"{what} parses exactly one file")])
    return files[0]


def parse_ftm(files: Sequence[SourceFile], *, dataset: str | None = None) -> ParsedList:
    """Parse FtM JSON lines; `dataset` overrides the name taken from the entities."""
    file = _one(files, FORMAT)
    reader = _Reader(file.name)
    entities: dict[str, EntityProxy] = {}
    for number, data in reader.lines(file.data):
        entity = reader.entity(number, data)
        if entity is None or entity.id is None:
            continue
        if entity.id in entities:
            reader.problem(number, "id", entity.id, "duplicate entity id")
            continue
        entities[entity.id] = entity
    if reader.problems:
        raise ParseError(reader.problems)
    return ParsedList(
        dataset=reader.dataset(dataset),
        version=reader.version(),
        entities=list(entities.values()),
        issues=reader.issues,
        source=file.name,
        format=FORMAT,
    )


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """The parser contract: FtM JSON lines, dataset taken from the entities."""
    return parse_ftm(files)


def parse_delta(files: Sequence[SourceFile], *, dataset: str | None = None) -> DeltaList:
    """Parse an OpenSanctions delta file into upserts (ADD, MOD) and deletes (DEL ids).

    Operations apply in file order; an id upserted and later deleted in the same file ends in
    `deletes` only (and the reverse ends in `upserts` only), so the store may apply the two
    lists in either order.
    """
    file = _one(files, DELTA_FORMAT)
    reader = _Reader(file.name)
    upserts: dict[str, EntityProxy] = {}
    deletes: dict[str, None] = {}
    ops: Counter[str] = Counter()
    for number, data in reader.lines(file.data):
        op = data.get("op")
        body = data.get("entity")
        if op not in DELTA_OPS:
            reader.problem(number, "op", repr(op)[:80], "op must be ADD, MOD or DEL")
            continue
        if not isinstance(body, dict):
            reader.problem(number, "entity", repr(body)[:80], "entity must be an object")
            continue
        ops[op] += 1
        if op == "DEL":
            entity_id = body.get("id")
            if not isinstance(entity_id, str) or not entity_id:
                reader.problem(number, "id", repr(entity_id)[:80], "DEL needs an entity id")
                continue
            upserts.pop(entity_id, None)
            deletes[entity_id] = None
            continue
        entity = reader.entity(number, body)
        if entity is None or entity.id is None:
            continue
        deletes.pop(entity.id, None)
        upserts[entity.id] = entity
    if reader.problems:
        raise ParseError(reader.problems)
    return DeltaList(
        dataset=reader.dataset(dataset),
        version=reader.version(),
        upserts=list(upserts.values()),
        deletes=list(deletes),
        issues=reader.issues,
        source=file.name,
        ops=ops,
    )

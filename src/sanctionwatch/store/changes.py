"""What changed in a dataset between two versions: designations, delistings, amendments.

Set-based: one pass over the dataset's intervals finds the statements in one version and not
the other; the entities they touch, their parents and their Sanctions are then loaded at
both versions together, in batches through the entity and reference indexes (a handful of
queries whatever the size of the diff). A listing is a target entity (a Person,
Organization, Company, LegalEntity, Vessel or Airplane, or anything a Sanction points at);
its Sanction, Address, Identification... entities change with it and are folded into its
item.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import groupby
from typing import Any

from followthemoney import EntityProxy, StatementEntity
from sqlalchemy import Connection, and_, not_, or_, select

from sanctionwatch.store.models import ChangeItem, Changes, PropertyChange
from sanctionwatch.store.reads import (
    assemble,
    is_entity_prop,
    reference_rows,
    rows_by_id,
    st,
    to_statement,
)
from sanctionwatch.store.schema import at_version, dataset_table

TARGET_SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
SANCTION_LINK = ("Sanction", "entity")
REFERENCE_PROPS = {"recordId"}
"""Reference-like properties besides the identifier-typed ones (authorityId, unscId...)."""


def changed_entity_ids(conn: Connection, dataset: str, old: str, new: str) -> set[str]:
    """Ids of the entities with a statement in one version and not in the other.

    One pass: the rows that cover exactly one of the two versions. A statement that left and
    came back between them has a row covering each, so its key shows up on both sides and
    cancels out (rows of one key never overlap).
    """
    low, high = sorted((old, new))
    in_low = st.c.first_seen <= low
    in_high = or_(st.c.last_seen.is_(None), st.c.last_seen >= high)
    query = select(st.c.entity_id, st.c.key, st.c.first_seen).where(
        st.c.dataset == dataset,
        st.c.first_seen <= high,
        or_(st.c.last_seen.is_(None), st.c.last_seen >= low),
        or_(in_low, in_high),
        not_(and_(in_low, in_high)),
    )
    only: dict[bool, dict[str, str]] = {True: {}, False: {}}  # in low? -> key -> entity id
    for entity_id, key, first_seen in conn.execute(query):
        only[first_seen <= low][key] = entity_id
    return {
        entity_id
        for side, other in ((True, False), (False, True))
        for key, entity_id in only[side].items()
        if key not in only[other]
    }


def is_target_schema(entity: EntityProxy) -> bool:
    return any(entity.schema.is_a(name) for name in TARGET_SCHEMATA)


def references(sanctions: Iterable[EntityProxy]) -> dict[str, list[str]]:
    """The list's own reference numbers, from a target's Sanction entities."""
    refs: dict[str, set[str]] = {}
    for sanction in sanctions:
        for prop, value in sanction.itervalues():
            if prop.type.name == "identifier" or prop.name in REFERENCE_PROPS:
                refs.setdefault(prop.name, set()).add(value)
    return {k: sorted(v) for k, v in sorted(refs.items())}


def property_changes(old: EntityProxy, new: EntityProxy) -> dict[str, PropertyChange]:
    changes: dict[str, PropertyChange] = {}
    if old.schema != new.schema:
        changes["schema"] = PropertyChange([old.schema.name], [new.schema.name])
    names = {p.name for p in old.iterprops()} | {p.name for p in new.iterprops()}
    for name in sorted(names):
        before = sorted(old.get(name, quiet=True))
        after = sorted(new.get(name, quiet=True))
        if before != after:
            changes[name] = PropertyChange(before, after)
    return changes


class _Side:
    """One version's view of the loaded entities and of the references pointing at them."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.entities: dict[str, StatementEntity] = {}
        self.links: dict[str, set[tuple[str, str, str]]] = {}  # to_id -> {(from, schema, prop)}

    def covers(self, first_seen: str, last_seen: str | None) -> bool:
        return first_seen <= self.version and (last_seen is None or last_seen >= self.version)

    def referrers_of(self, entity_id: str) -> set[str]:
        return {f for f, _s, _p in self.links.get(entity_id, ())}

    def sanction_ids(self, target_id: str) -> list[str]:
        links = self.links.get(target_id, ())
        return sorted({f for f, s, p in links if (s, p) == SANCTION_LINK})

    def sanctions_of(self, target_id: str) -> list[EntityProxy]:
        return [self.entities[i] for i in self.sanction_ids(target_id) if i in self.entities]


class _Loader:
    """Fills the sides in batches: each row read once, sorted onto the versions it covers.

    The queries select by id alone (entity index, reference index); the dataset and the
    version window are applied here, so SQLite's planner has no other index to prefer.
    """

    def __init__(self, conn: Connection, dataset: str, sides: list[_Side]) -> None:
        self.conn = conn
        self.dataset = dataset
        self.sides = sides
        query = select(dataset_table.c.current_version).where(dataset_table.c.name == dataset)
        self.current_version: str | None = conn.execute(query).scalar()
        self.loaded: set[str] = set()
        self.linked: set[str] = set()

    def load(self, ids: Iterable[str]) -> None:
        """Load the entities at every side's version."""
        missing = set(ids) - self.loaded
        self.loaded |= missing
        rows = rows_by_id(self.conn, missing, None, current_version=self.current_version)
        mine = (row for row in rows if row.dataset == self.dataset)
        for _entity_id, group in groupby(mine, key=lambda row: row.entity_id):
            # (statement, first_seen, last_seen): last_seen as read, an open row's is current.
            spans = [(to_statement(row), row.first_seen, row.last_seen) for row in group]
            for side in self.sides:
                version = side.version
                seen = [s for s, first, last in spans if first <= version <= last]
                for entity in assemble(seen) if seen else ():
                    if entity.id is not None:
                        side.entities[entity.id] = entity

    def link(self, ids: Iterable[str]) -> None:
        """Load the references pointing at the entities, at every side's version."""
        missing = set(ids) - self.linked
        self.linked |= missing
        for row in reference_rows(self.conn, missing, None):
            if row.dataset != self.dataset or not is_entity_prop(row.schema, row.prop):
                continue
            for side in self.sides:
                if side.covers(row.first_seen, row.last_seen):
                    link = (row.entity_id, row.schema, row.prop)
                    side.links.setdefault(row.value, set()).add(link)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large graph of live objects.

    A big diff creates hundreds of thousands of statements, none garbage yet; each
    generation-2 collection would walk them all (a third of the CPU time on OFAC 2022 ->
    2024). Reference counting still frees everything; only cycle collection waits.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compute_changes(conn: Connection, dataset: str, old: str | None, new: str) -> Changes:
    """Compare version `old` (None: an empty list) with version `new` of `dataset`."""
    with _gc_paused():
        return _compute_changes(conn, dataset, old, new)


def _compute_changes(conn: Connection, dataset: str, old: str | None, new: str) -> Changes:
    if old is None:
        where = at_version(dataset, new)
        touched = set(conn.execute(select(st.c.entity_id).where(where).distinct()).scalars())
    else:
        touched = changed_entity_ids(conn, dataset, old, new)
    before = _Side(old) if old is not None else None
    after = _Side(new)
    sides = [s for s in (before, after) if s is not None]
    loader = _Loader(conn, dataset, sides)
    loader.load(touched)
    loader.link(touched)

    def entity(entity_id: str) -> EntityProxy | None:
        return after.entities.get(entity_id) or (before.entities.get(entity_id) if before else None)

    targets: dict[str, bool] = {}

    def is_target(entity_id: str) -> bool:
        """Memoised: asked only once the entity and the links to it are loaded."""
        if entity_id not in targets:
            found = entity(entity_id)
            targets[entity_id] = any(side.sanction_ids(entity_id) for side in sides) or (
                found is not None and is_target_schema(found)
            )
        return targets[entity_id]

    status: dict[str, str] = {}
    for entity_id in touched:
        in_old = before is not None and entity_id in before.entities
        in_new = entity_id in after.entities
        status[entity_id] = "modified" if in_old and in_new else ("added" if in_new else "removed")

    children = sorted(e for e in touched if not is_target(e))
    parents_of = {child_id: _parents(child_id, sides) for child_id in children}
    extra = set().union(*parents_of.values()) - touched
    loader.load(extra)
    loader.link(extra)
    # The Sanctions of everything that can become an item: its reference numbers.
    loader.load({s for side in sides for e in touched | extra for s in side.sanction_ids(e)})

    items: dict[str, ChangeItem] = {}
    for entity_id in sorted(touched):
        if entity_id in parents_of:
            continue
        item = _item(entity_id, status[entity_id], before, after)
        if status[entity_id] != "modified" or item.properties:
            items[entity_id] = item

    for child_id in children:
        child_status = status[child_id]
        parents = {p for p in parents_of[child_id] if is_target(p)}
        if not parents:
            items[child_id] = _item(child_id, child_status, before, after)
            continue
        related: dict[str, Any] | None = None
        for parent_id in sorted(parents):
            if status.get(parent_id) in ("added", "removed"):
                continue  # the child comes and goes with its listing
            if related is None:
                related = _related(child_id, child_status, before, after)
            if parent_id not in items:
                items[parent_id] = _item(parent_id, "modified", before, after)
                status[parent_id] = "modified"
            items[parent_id].related.append(related)

    def pick(kind: str) -> list[ChangeItem]:
        return [items[i] for i in sorted(items) if status.get(i, "modified") == kind]

    return Changes(
        dataset=dataset,
        from_version=old,
        to_version=new,
        added=pick("added"),
        removed=pick("removed"),
        modified=pick("modified"),
    )


def _parents(child_id: str, sides: list[_Side]) -> set[str]:
    """Entities linked to a child in either direction, in either version."""
    parents: set[str] = set()
    for side in sides:
        child = side.entities.get(child_id)
        if child is not None:
            for prop, value in child.itervalues():
                if prop.type.name == "entity" and value != child_id:
                    parents.add(value)
        parents.update(f for f in side.referrers_of(child_id) if f != child_id)
    return parents


def _item(entity_id: str, kind: str, before: _Side | None, after: _Side) -> ChangeItem:
    side = before if kind == "removed" and before is not None else after
    entity = side.entities[entity_id]
    changes: dict[str, PropertyChange] = {}
    if kind == "modified" and before is not None and entity_id in before.entities:
        changes = property_changes(before.entities[entity_id], entity)
    sanctions = side.sanctions_of(entity_id)
    if entity.schema.name == "Sanction":
        sanctions = [entity]
    return ChangeItem(
        id=entity_id,
        caption=entity.caption,
        schema=entity.schema.name,
        references=references(sanctions),
        properties=changes,
    )


def _related(child_id: str, kind: str, before: _Side | None, after: _Side) -> dict[str, Any]:
    item = _item(child_id, kind, before, after)
    data: dict[str, Any] = {
        "id": item.id,
        "schema": item.schema,
        "caption": item.caption,
        "change": kind,
    }
    if kind == "modified":
        data["properties"] = {k: v.to_dict() for k, v in item.properties.items()}
    else:
        side = after if kind == "added" else before
        entity = side.entities[child_id] if side is not None else None
        data["properties"] = entity.to_dict()["properties"] if entity is not None else {}
    return data

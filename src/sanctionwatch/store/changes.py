"""What changed in a dataset between two versions: designations, delistings, amendments.

Only the statements that differ are read (set-based, in SQL); then the entities they touch
are loaded at both versions. A listing is a target entity (a Person, Organization, Company,
LegalEntity, Vessel or Airplane, or anything a Sanction points at); its Sanction, Address,
Identification... entities change with it and are folded into its item.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from followthemoney import EntityProxy
from sqlalchemy import Connection, select

from sanctionwatch.store.models import ChangeItem, Changes, PropertyChange
from sanctionwatch.store.reads import ID_BATCH, entities_by_id, referrers, st
from sanctionwatch.store.schema import at_version

TARGET_SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
SANCTION_LINK = ("Sanction", "entity")
REFERENCE_PROPS = {"recordId"}
"""Reference-like properties besides the identifier-typed ones (authorityId, unscId...)."""


def changed_entity_ids(conn: Connection, dataset: str, old: str, new: str) -> set[str]:
    """Ids of the entities with a statement in one version and not in the other.

    Candidates come from the intervals alone (a row covering the later version that started
    after the earlier one, and the reverse), which is one cheap pass; a statement that left
    and came back between the two versions has two rows, so candidates are then checked by
    key against the other version.
    """
    low, high = sorted((old, new))
    candidates: list[tuple[str, str, str]] = []  # (entity_id, key, the version to check)
    appeared = select(st.c.entity_id, st.c.key).where(
        at_version(dataset, high), st.c.first_seen > low
    )
    candidates.extend((e, k, low) for e, k in conn.execute(appeared))
    vanished = select(st.c.entity_id, st.c.key).where(
        at_version(dataset, low), st.c.last_seen < high
    )
    candidates.extend((e, k, high) for e, k in conn.execute(vanished))
    present: dict[str, set[str]] = {}
    for version in (low, high):
        ids = {e for e, _k, v in candidates if v == version}
        present[version] = _keys_of(conn, dataset, version, ids)
    return {e for e, k, v in candidates if k not in present[v]}


def _keys_of(conn: Connection, dataset: str, version: str, ids: set[str]) -> set[str]:
    keys: set[str] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), ID_BATCH):
        query = select(st.c.key).where(
            st.c.entity_id.in_(wanted[start : start + ID_BATCH]), at_version(dataset, version)
        )
        keys.update(conn.execute(query).scalars())
    return keys


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
    """One version's view of the touched entities and what points at them."""

    def __init__(self, conn: Connection, dataset: str, version: str, ids: set[str]) -> None:
        self.conn = conn
        self.where = at_version(dataset, version)
        self.entities = entities_by_id(conn, ids, self.where)
        self.links = referrers(conn, ids, self.where)
        # Every Sanction -> target link of the version, in one query: the reference numbers.
        query = select(st.c.entity_id, st.c.value).where(
            self.where, st.c.schema == SANCTION_LINK[0], st.c.prop == SANCTION_LINK[1]
        )
        self.sanctions: dict[str, set[str]] = {}
        for sanction_id, target_id in conn.execute(query):
            self.sanctions.setdefault(target_id, set()).add(sanction_id)

    def load(self, ids: Iterable[str]) -> None:
        missing = set(ids) - set(self.entities)
        if missing:
            self.entities.update(entities_by_id(self.conn, missing, self.where))

    def sanctions_of(self, target_id: str) -> list[EntityProxy]:
        ids = sorted(self.sanctions.get(target_id, ()))
        self.load(ids)
        return [self.entities[i] for i in ids if i in self.entities]


def compute_changes(conn: Connection, dataset: str, old: str | None, new: str) -> Changes:
    """Compare version `old` (None: an empty list) with version `new` of `dataset`."""
    if old is None:
        where = at_version(dataset, new)
        touched = set(conn.execute(select(st.c.entity_id).where(where).distinct()).scalars())
    else:
        touched = changed_entity_ids(conn, dataset, old, new)
    before = _Side(conn, dataset, old, touched) if old is not None else None
    after = _Side(conn, dataset, new, touched)
    sides = [s for s in (before, after) if s is not None]

    def entity(entity_id: str) -> EntityProxy | None:
        return after.entities.get(entity_id) or (before.entities.get(entity_id) if before else None)

    sanctioned = {t for s in sides for t in s.sanctions}
    for side in sides:
        for loaded in side.entities.values():
            if loaded.schema.is_a("Sanction"):
                sanctioned.update(loaded.get("entity"))

    def is_target(entity_id: str) -> bool:
        found = entity(entity_id)
        return entity_id in sanctioned or (found is not None and is_target_schema(found))

    status: dict[str, str] = {}
    for entity_id in touched:
        in_old = before is not None and entity_id in before.entities
        in_new = entity_id in after.entities
        status[entity_id] = "modified" if in_old and in_new else ("added" if in_new else "removed")

    items: dict[str, ChangeItem] = {}
    children: list[str] = []
    for entity_id in sorted(touched):
        if not is_target(entity_id):
            children.append(entity_id)
            continue
        item = _item(entity_id, status[entity_id], before, after)
        if status[entity_id] != "modified" or item.properties:
            items[entity_id] = item

    for child_id in children:
        child_status = status[child_id]
        parents = _parents(child_id, sides)
        for side in sides:
            side.load(parents)
        parents = {p for p in parents if is_target(p) or p in sanctioned}
        if not parents:
            items[child_id] = _item(child_id, child_status, before, after)
            continue
        related = _related(child_id, child_status, before, after)
        for parent_id in sorted(parents):
            if status.get(parent_id) in ("added", "removed"):
                continue  # the child comes and goes with its listing
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
        parents.update(f for f, _s, _p, t in side.links if t == child_id and f != child_id)
    return parents


def _item(entity_id: str, kind: str, before: _Side | None, after: _Side) -> ChangeItem:
    side = before if kind == "removed" and before is not None else after
    side.load([entity_id])
    entity = side.entities[entity_id]
    changes: dict[str, PropertyChange] = {}
    if kind == "modified" and before is not None:
        before.load([entity_id])
        if entity_id in before.entities:
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

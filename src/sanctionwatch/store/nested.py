"""An entity with its adjacent entities nested, like yente's `/entities/{id}` output.

Forward references (a Person's `addressEntity`) are replaced by the referenced entity's
dict; reverse references (a Sanction's `entity`, an Identification's `holder`) appear under
the reverse property name (`sanctions`, `identification`). One level deep, as in yente.
"""

from __future__ import annotations

from typing import Any

from followthemoney import model
from sqlalchemy import Connection

from sanctionwatch.errors import NotFoundError
from sanctionwatch.store.reads import entities_by_id, referrers


def nested_entity(conn: Connection, entity_id: str) -> dict[str, Any]:
    found = entities_by_id(conn, [entity_id])
    entity = found.get(entity_id)
    if entity is None:
        raise NotFoundError(f"no entity {entity_id!r} in the current versions of the store")
    forward = {
        value
        for prop, value in entity.itervalues()
        if prop.type.name == "entity" and value != entity_id
    }
    links = [link for link in referrers(conn, [entity_id]) if link[0] != entity_id]
    adjacent = entities_by_id(conn, forward | {f for f, _s, _p, _t in links})
    data = entity.to_dict()
    properties: dict[str, list[Any]] = {}
    for prop in entity.iterprops():
        values: list[Any] = []
        for value in sorted(entity.get(prop)):
            child = adjacent.get(value) if prop.type.name == "entity" else None
            values.append(child.to_dict() if child is not None else value)
        properties[prop.name] = values
    for from_id, schema_name, prop_name, _to in links:
        schema = model.get(schema_name)
        link = schema.get(prop_name) if schema is not None else None
        child = adjacent.get(from_id)
        if link is None or link.reverse is None or child is None:
            continue
        properties.setdefault(link.reverse.name, []).append(child.to_dict())
    data["properties"] = properties
    return data

"""Small FtM entity builders for store tests."""

from __future__ import annotations

from followthemoney import EntityProxy, model

from sanctionwatch.sources.base import ParsedList


def make(schema: str, entity_id: str, **props: str | list[str]) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id
    for prop, values in props.items():
        entity.add(prop, values)
    return entity


def listed(
    entity_id: str, name: str, ref: str, *, schema: str = "Person", **props: str | list[str]
) -> list[EntityProxy]:
    """A listed target and its Sanction (reference number `ref`)."""
    target = make(schema, entity_id, name=name, **props)
    sanction = make("Sanction", f"{entity_id}-sanction", entity=entity_id, unscId=ref)
    sanction.add("program", "TEST")
    return [target, sanction]


def parsed(dataset: str, version: str, entities: list[EntityProxy]) -> ParsedList:
    return ParsedList(dataset=dataset, version=version, entities=entities, source="test.xml")


def snapshot(entities: list[EntityProxy]) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """Comparable form: id -> (schema, sorted properties)."""
    return {
        str(e.id): (e.schema.name, {p: sorted(v) for p, v in sorted(e.properties.items())})
        for e in entities
    }

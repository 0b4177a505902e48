"""OpenRefine reconciliation (W3C Reconciliation API 0.2): parsing queries, rendering results.

OpenRefine sends `queries` as a JSON object of `{key: {query, type?, limit?, properties?}}`,
each property a `{pid, v}` pair; results come back as Freebase-style typed candidates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.types import registry

from sanctionwatch.api.errors import ApiError

DEFAULT_TYPE = "LegalEntity"
DEFAULT_LIMIT = 5
SUGGEST_LIMIT = 5


@dataclass(frozen=True)
class ReconcileQuery:
    key: str
    schema: str
    properties: dict[str, list[str]]
    limit: int


def _schema_dict(schema: Schema) -> dict[str, Any]:
    return {
        "id": schema.name,
        "name": schema.plural,
        "description": schema.description or schema.label,
    }


def _property_dict(prop: Property) -> dict[str, Any]:
    return {"id": prop.qname, "name": prop.label, "description": prop.description}


def matchable_schemata() -> list[Schema]:
    return sorted((s for s in model.schemata.values() if s.matchable), key=lambda s: s.name)


def default_types() -> list[dict[str, Any]]:
    return [_schema_dict(s) for s in matchable_schemata()]


def _matches_prefix(prefix: str, *texts: str | None) -> bool:
    needle = prefix.strip().lower()
    return any(needle in (t or "").lower() for t in texts)


def suggest_types(prefix: str) -> list[dict[str, Any]]:
    found = [s for s in matchable_schemata() if _matches_prefix(prefix, s.name, s.label)]
    return [_schema_dict(s) for s in found[:SUGGEST_LIMIT]]


def suggest_properties(prefix: str) -> list[dict[str, Any]]:
    """Properties OpenRefine may send with a query: of matchable schemata, not entity links."""
    seen: dict[str, Property] = {}
    for schema in matchable_schemata():
        for prop in schema.properties.values():
            if prop.hidden or prop.type == registry.entity or prop.qname in seen:
                continue
            if _matches_prefix(prefix, prop.name, prop.label):
                seen[prop.qname] = prop
    return [_property_dict(p) for p in list(seen.values())[:SUGGEST_LIMIT]]


def entity_candidate(proxy: EntityProxy) -> dict[str, Any]:
    return {
        "id": proxy.id,
        "name": proxy.caption,
        "description": proxy.schema.label,
        "type": [_schema_dict(proxy.schema)],
    }


def scored_candidate(scored: Mapping[str, Any]) -> dict[str, Any]:
    """A reconciliation candidate from a rendered `/match` result."""
    schema = model.get(scored["schema"])
    types = [] if schema is None else [_schema_dict(schema)]
    return {
        "id": scored["id"],
        "name": scored["caption"],
        "description": None if schema is None else schema.label,
        "type": types,
        "score": scored["score"],
        "match": scored["match"],
    }


def _property_name(pid: Any) -> str:
    """`Person:birthDate` or `birthDate` -> `birthDate`."""
    if not isinstance(pid, str) or not pid:
        raise ApiError(400, f"Invalid property id: {pid!r}")
    prop = model.get_qname(pid) if ":" in pid else None
    return prop.name if prop is not None else pid.rsplit(":", 1)[-1]


def _as_values(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out: list[str] = []
    for v in values:
        if isinstance(v, Mapping):  # OpenRefine sends matched cells as {id, name}
            v = v.get("id") or v.get("name")
        if v is not None:
            out.append(str(v))
    return out


def parse_queries(raw: str | None, *, max_batch: int, max_limit: int) -> Iterator[ReconcileQuery]:
    """The queries of one request; 400 when they are not a JSON object of query objects."""
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError as exc:
        raise ApiError(400, "Cannot decode query") from exc
    if not isinstance(data, dict) or not all(isinstance(q, dict) for q in data.values()):
        raise ApiError(400, "Cannot decode query")
    if len(data) > max_batch:
        raise ApiError(400, f"Too many queries in one batch (limit: {max_batch})")
    for key, query in data.items():
        yield _parse_query(str(key), query, max_limit=max_limit)


def _parse_query(key: str, query: Mapping[str, Any], *, max_limit: int) -> ReconcileQuery:
    text = query.get("query")
    if not isinstance(text, str):
        raise ApiError(400, f"Query {key!r} needs a `query` string")
    schema = query.get("type") or DEFAULT_TYPE
    if not isinstance(schema, str):
        raise ApiError(400, f"Query {key!r}: `type` must be a schema name")
    raw_limit = query.get("limit", DEFAULT_LIMIT)
    if not isinstance(raw_limit, int) or isinstance(raw_limit, bool) or raw_limit < 1:
        raise ApiError(400, f"Query {key!r}: `limit` must be a positive integer")
    properties: dict[str, list[str]] = {"name": [text]}
    extra = query.get("properties") or []
    if not isinstance(extra, Iterable) or isinstance(extra, str | bytes | Mapping):
        raise ApiError(400, f"Query {key!r}: `properties` must be a list of {{pid, v}}")
    for item in extra:
        if not isinstance(item, Mapping):
            raise ApiError(400, f"Query {key!r}: `properties` must be a list of {{pid, v}}")
        properties.setdefault(_property_name(item.get("pid")), []).extend(_as_values(item.get("v")))
    return ReconcileQuery(key, schema, properties, min(raw_limit, max_limit))

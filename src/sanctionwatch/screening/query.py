"""Query entities: validate what a user sent and turn it into an FtM example entity.

Strict on structure (unknown schema or property, empty or oversized names, control
characters, unparseable dates and countries are an `InputError` with a message that says what
to fix), so the API answers 400 and the CLI prints one line, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData
from followthemoney.types import registry

from sanctionwatch.errors import InputError

MAX_NAME_CHARS = 1000
MAX_VALUE_CHARS = 4000
MAX_VALUES = 100


def _check_text(prop: str, value: str) -> None:
    for char in value:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            raise InputError(f"{prop}: control character U+{ord(char):04X} is not allowed")


def make_query(schema: str, properties: Mapping[str, Sequence[str] | str]) -> EntityProxy:
    """A validated example entity with a content-derived ID (never reused for other content)."""
    schema_obj = model.get(schema)
    if schema_obj is None:
        raise InputError(f"unknown schema {schema!r}")
    if not schema_obj.matchable:
        raise InputError(f"schema {schema!r} cannot be screened (not matchable)")
    entity = model.make_entity(schema_obj)
    has_name = False
    has_id = False
    for prop_name, raw in properties.items():
        prop = schema_obj.get(prop_name)
        if prop is None:
            raise InputError(f"unknown property {prop_name!r} for schema {schema!r}")
        values = [raw] if isinstance(raw, str) else list(raw)
        if len(values) > MAX_VALUES:
            raise InputError(f"{prop_name}: at most {MAX_VALUES} values")
        for value in values:
            if not isinstance(value, str):
                raise InputError(f"{prop_name}: values must be strings")
            _check_text(prop_name, value)
            is_name = prop.type == registry.name or prop_name in (
                "firstName", "lastName", "middleName", "fatherName", "secondName",
            )  # fmt: skip
            limit = MAX_NAME_CHARS if is_name else MAX_VALUE_CHARS
            if len(value) > limit:
                raise InputError(f"{prop_name}: longer than {limit} characters")
            if not value.strip():
                if is_name:
                    raise InputError(f"{prop_name}: empty name")
                continue
            if prop.type == registry.date and registry.date.clean(value) is None:
                raise InputError(
                    f"{prop_name}: not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)"
                )
            if prop.type == registry.country and registry.country.clean(value) is None:
                raise InputError(f"{prop_name}: unknown country {value!r}")
            before = len(entity.get(prop))
            try:
                entity.add(prop, value, cleaned=False)
            except InvalidData as exc:
                raise InputError(f"{prop_name}: {exc}") from exc
            cleaned = prop.type.clean(value, format=prop.format, proxy=entity)
            if len(entity.get(prop)) == before and cleaned is None:
                raise InputError(f"{prop_name}: not a valid {prop.type.name}: {value!r}")
            has_name = has_name or is_name
            has_id = has_id or prop.type == registry.identifier
    if not has_name and not has_id:
        raise InputError("a query needs a name (or an identifier)")
    blob = json.dumps(
        {"schema": schema, "properties": entity.to_dict()["properties"]}, sort_keys=True
    )
    entity.id = "q-" + hashlib.sha1(blob.encode()).hexdigest()[:16]
    return entity

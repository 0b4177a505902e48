"""Pure conversions between FtM entities and statement rows, and the checks on a new version.

No database here: these functions take entities and give tuples, so they are cheap to test
and the import's hot loop stays in one place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from hashlib import blake2b

from followthemoney import EntityProxy, StatementEntity, registry
from followthemoney.statement.util import BASE_ID

from sanctionwatch.errors import Problem
from sanctionwatch.store.models import PreparedVersion, StatementRow
from sanctionwatch.store.schema import is_ref_prop, ref_prop_set

VERSION_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
"""A list version: the ISO date or timestamp the file states. Such strings sort as text."""

REFERENCE_CHECKS = {("Sanction", "entity")}
"""References that must resolve inside the same version, or the import is refused."""

MAX_LISTED_PROBLEMS = 10


def check_version(version: str) -> str:
    """Return the version if it is an ISO date or timestamp, else raise ValueError."""
    text = version.strip()
    if not VERSION_RE.match(text):
        raise ValueError(
            f"list version {version!r} is not an ISO date or timestamp "
            "(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM])"
        )
    return text


def statement_key(
    entity_id: str, schema: str, prop: str, value: str, lang: str | None, original: str | None
) -> str:
    """A short hash that identifies one exact statement within a dataset."""
    text = "\x1f".join((entity_id, schema, prop, value, lang or "", original or ""))
    return blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _row(
    entity_id: str, schema: str, prop: str, value: str, lang: str | None, original: str | None
) -> StatementRow:
    if original == value or not original:
        original = None
    return (
        statement_key(entity_id, schema, prop, value, lang, original),
        entity_id,
        schema,
        prop,
        value,
        lang,
        original,
        is_ref_prop(prop),
    )


def entity_rows(entity: EntityProxy) -> list[StatementRow]:
    """The statement rows of one entity, starting with its base row (prop "id").

    The base row records the entity's existence and schema even if it had no property.
    A `StatementEntity` keeps each value's language and original text; a plain proxy has none.
    """
    entity_id = entity.id
    if entity_id is None:
        raise ValueError("entity without id")
    schema = entity.schema.name
    rows = [_row(entity_id, schema, BASE_ID, entity_id, None, None)]
    if isinstance(entity, StatementEntity):
        for prop in entity.iterprops():
            for stmt in entity.get_statements(prop):
                rows.append(
                    _row(entity_id, schema, prop.name, stmt.value, stmt.lang, stmt.original_value)
                )
        return rows
    # The hot path of an import: the same key as `statement_key`, without the calls. A
    # plain proxy keeps its values as {property name: [values]} (`EntityProxy._properties`,
    # what `iterprops` and `get_prop` read): walked directly, in the proxy's own order.
    prefix = f"{entity_id}\x1f{schema}\x1f"
    refs = ref_prop_set()
    append = rows.append
    for name, values in entity._properties.items():
        is_ref = name in refs
        head = f"{prefix}{name}\x1f"
        for value in values:
            key = blake2b(f"{head}{value}\x1f\x1f".encode(), digest_size=16).hexdigest()
            append((key, entity_id, schema, name, value, None, None, is_ref))
    return rows


def unique_rows(entities: Iterable[EntityProxy]) -> dict[str, StatementRow]:
    """All statement rows of a version, keyed (and so deduplicated) by statement key."""
    rows: dict[str, StatementRow] = {}
    for entity in entities:
        rows.update((row[0], row) for row in entity_rows(entity))
    return rows


def sorted_rows(entities: Iterable[EntityProxy]) -> list[StatementRow]:
    """All statement rows of a version, unique, in (entity_id, key) order.

    The order in which they are written (index inserts then land next to each other). A
    statement key includes the entity id, so duplicates can only come from one entity (or
    from two entities with the same id, which `validate_entities` refuses): sorting the
    entities by id and each entity's rows by key gives the global order with small sorts.
    Only a `StatementEntity` can give a duplicate (two statements of one value differing
    in what the key leaves out); a plain proxy keeps each value of a property once.
    """
    out: list[StatementRow] = []
    extend = out.extend
    for entity in sorted(entities, key=_entity_id):
        rows = entity_rows(entity)
        if isinstance(entity, StatementEntity) and len({row[0] for row in rows}) != len(rows):
            rows = list({row[0]: row for row in rows}.values())
        rows.sort()  # by key: keys are unique within the entity
        extend(rows)
    return out


def _entity_id(entity: EntityProxy) -> str:
    return entity.id or ""


def issue(source: str, message: str) -> dict[str, str]:
    """A store-side problem (a validation warning) in the shape of the parsers' issues."""
    return Problem(file=source, location="", field="", value="", message=message).to_dict()


def prepare_version(
    entities: Sequence[EntityProxy],
    *,
    dataset: str,
    version: str,
    issues: list[dict[str, str]],
    source: str = "",
    format: str = "",
) -> PreparedVersion:
    """Validate a parsed version and build its rows; pure, so it runs where the list was
    parsed. A version with errors gets no rows: its import is refused anyway."""
    errors, warnings = validate_entities(entities)
    return PreparedVersion(
        dataset=dataset,
        version=version,
        rows=[] if errors else sorted_rows(entities),
        entities=len(entities),
        by_schema=by_schema(entities),
        issues=issues + [issue(source, w) for w in warnings],
        errors=errors,
        source=source,
        format=format,
    )


def by_schema(entities: Iterable[EntityProxy]) -> dict[str, int]:
    return dict(sorted(Counter(e.schema.name for e in entities).items()))


def validate_entities(entities: Sequence[EntityProxy]) -> tuple[list[str], list[str]]:
    """Check a whole version. Returns (errors that refuse the import, warnings to report).

    Errors: an entity without id, duplicate ids, an abstract schema, or a reference listed in
    `REFERENCE_CHECKS` (a Sanction's target) that points at no entity of this version.
    Warnings: other entity references that point outside the version.
    """
    errors: list[str] = []
    warnings: list[str] = []
    ids: Counter[str] = Counter()
    for entity in entities:
        if entity.id is None:
            errors.append(f"a {entity.schema.name} entity has no id")
            continue
        ids[entity.id] += 1
        if entity.schema.abstract:
            errors.append(f"{entity.id}: schema {entity.schema.name} is abstract")
    dupes = sorted(i for i, n in ids.items() if n > 1)
    if dupes:
        errors.append(f"{len(dupes)} duplicate entity id(s): {', '.join(dupes[:5])}")
    references = registry.entity
    for entity in entities:
        for prop in entity.iterprops():
            if prop.type is not references:  # one type object per registry: `is` is enough
                continue
            for value in entity.get(prop):
                if value in ids:
                    continue
                if any(entity.schema.is_a(s) and prop.name == p for s, p in REFERENCE_CHECKS):
                    errors.append(f"{entity.id}: {prop.name} points at missing entity {value}")
                else:
                    warnings.append(f"{entity.id}: {prop.name} points at entity {value} not listed")
    return errors, warnings


def summarise(problems: Sequence[str]) -> str:
    head = "; ".join(problems[:MAX_LISTED_PROBLEMS])
    more = len(problems) - MAX_LISTED_PROBLEMS
    return head + (f" (and {more} more)" if more > 0 else "")

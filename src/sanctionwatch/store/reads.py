"""Assemble FtM entities from statement rows.

Rows come ordered by entity id, so entities stream out one at a time whatever the size of
the store. An entity listed by several datasets becomes one `StatementEntity` whose
statements carry each dataset (its `datasets` property lists them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any

from followthemoney import Dataset, Statement, StatementEntity
from followthemoney.exc import InvalidData
from sqlalchemy import ColumnElement, Connection, Row, Select, and_, func, select

from sanctionwatch.store.schema import dataset_table, statement_table

STREAM_BATCH = 5_000
ID_BATCH = 500

st = statement_table


@cache
def ftm_dataset(name: str) -> Dataset:
    return Dataset({"name": name, "title": name})


def at_current() -> ColumnElement[bool]:
    """Rows of every dataset's current version: the open ones."""
    return st.c.last_seen.is_(None)


def current_of(dataset: str) -> ColumnElement[bool]:
    return and_(st.c.dataset == dataset, st.c.last_seen.is_(None))


ROW_COLUMNS = (
    st.c.key,
    st.c.dataset,
    st.c.entity_id,
    st.c.schema,
    st.c.prop,
    st.c.value,
    st.c.lang,
    st.c.original_value,
    st.c.first_seen,
    func.coalesce(st.c.last_seen, dataset_table.c.current_version).label("last_seen"),
)
"""Statement columns, an open row's last_seen shown as its dataset's current version."""


def rows_query(where: ColumnElement[bool]) -> Select[Any]:
    joined = st.join(dataset_table, st.c.dataset == dataset_table.c.name)
    return select(*ROW_COLUMNS).select_from(joined).where(where)


def to_statement(row: Row[Any]) -> Statement:
    return Statement(
        id=row.key,
        entity_id=row.entity_id,
        prop=row.prop,
        schema=row.schema,
        value=row.value,
        dataset=row.dataset,
        lang=row.lang,
        original_value=row.original_value,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
    )


def assemble(statements: Sequence[Statement]) -> list[StatementEntity]:
    """One entity from the statements of one id; one per dataset if their schemata clash."""
    first = statements[0]
    try:
        return [StatementEntity.from_statements(ftm_dataset(first.dataset), statements)]
    except InvalidData:
        by_dataset: dict[str, list[Statement]] = {}
        for stmt in statements:
            by_dataset.setdefault(stmt.dataset, []).append(stmt)
        return [
            StatementEntity.from_statements(ftm_dataset(name), stmts)
            for name, stmts in sorted(by_dataset.items())
        ]


def group_rows(rows: Iterable[Row[Any]]) -> Iterator[StatementEntity]:
    """Entities from rows ordered by entity id."""
    current: list[Statement] = []
    for row in rows:
        if current and current[0].entity_id != row.entity_id:
            yield from assemble(current)
            current = []
        current.append(to_statement(row))
    if current:
        yield from assemble(current)


def stream_entities(conn: Connection, where: ColumnElement[bool]) -> Iterator[StatementEntity]:
    """Stream the entities whose rows match `where`, in entity id order."""
    query = rows_query(where).order_by(st.c.entity_id, st.c.dataset, st.c.prop)
    # Per statement: Connection.execution_options would switch the whole connection over.
    query = query.execution_options(stream_results=True, yield_per=STREAM_BATCH)
    result = conn.execute(query)
    yield from group_rows(result)


def entities_by_id(
    conn: Connection, ids: Iterable[str], where: ColumnElement[bool] | None = None
) -> dict[str, StatementEntity]:
    """Load the given entities (current versions unless `where` picks rows), by id."""
    wanted = sorted(set(ids))
    found: dict[str, StatementEntity] = {}
    for start in range(0, len(wanted), ID_BATCH):
        chunk = wanted[start : start + ID_BATCH]
        query = rows_query(
            and_(st.c.entity_id.in_(chunk), at_current() if where is None else where)
        )
        query = query.order_by(st.c.entity_id, st.c.dataset, st.c.prop)
        for entity in group_rows(conn.execute(query)):
            if entity.id is not None:
                found[entity.id] = entity
    return found


def referrers(
    conn: Connection, ids: Iterable[str], where: ColumnElement[bool] | None = None
) -> list[tuple[str, str, str, str]]:
    """Entity references pointing at `ids`: (from_id, from_schema, prop, to_id) tuples.

    One pass over the reference-typed statements (whatever the number of ids), filtered
    here: values are not indexed, so an IN list per id batch would scan once per batch.
    """
    wanted = set(ids)
    if not wanted:
        return []
    query = select(st.c.entity_id, st.c.schema, st.c.prop, st.c.value).where(
        st.c.prop.in_(entity_prop_names()), at_current() if where is None else where
    )
    if len(wanted) <= ID_BATCH:
        query = query.where(st.c.value.in_(sorted(wanted)))
    links: set[tuple[str, str, str, str]] = set()
    for from_id, schema, prop, to_id in conn.execute(query):
        if to_id in wanted and is_entity_prop(schema, prop):
            links.add((from_id, schema, prop, to_id))
    return sorted(links)


@cache
def entity_prop_names() -> list[str]:
    """Names of the properties that reference entities, in any schema."""
    from followthemoney import model

    names = {
        prop.name
        for schema in model.schemata.values()
        for prop in schema.properties.values()
        if prop.type.name == "entity"
    }
    return sorted(names)


@cache
def is_entity_prop(schema_name: str, prop_name: str) -> bool:
    from followthemoney import model

    schema = model.get(schema_name)
    prop = schema.get(prop_name) if schema is not None else None
    return prop is not None and prop.type.name == "entity"

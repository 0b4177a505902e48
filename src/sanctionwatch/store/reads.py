"""Assemble FtM entities from statement rows.

Rows come ordered by entity id, so entities stream out one at a time whatever the size of
the store. An entity listed by several datasets becomes one `StatementEntity` whose
statements carry each dataset (its `datasets` property lists them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from operator import attrgetter
from typing import Any, cast

from followthemoney import Dataset, Statement, StatementEntity
from followthemoney.exc import InvalidData
from sqlalchemy import ColumnElement, Connection, Row, Select, and_, func, literal, select

from sanctionwatch.sources.entity import OrderedStatementEntity
from sanctionwatch.store.schema import dataset_table, ref_condition, statement_table

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
    """A statement from a row of `ROW_COLUMNS` (unpacked by position: faster than by name)."""
    fields = cast(tuple[Any, ...], row)
    key, dataset, entity_id, schema, prop, value, lang, original, first_seen, last_seen = fields
    return Statement(
        id=key,
        entity_id=entity_id,
        prop=prop,
        schema=schema,
        value=value,
        dataset=dataset,
        lang=lang,
        original_value=original,
        first_seen=first_seen,
        last_seen=last_seen,
    )


# (prop, value, dataset, id) read from FtM's slots directly: the public names are Python
# properties, and this key runs for every statement read.
_value_order = attrgetter("_prop", "_value", "_dataset", "id")


def assemble(statements: Sequence[Statement]) -> list[StatementEntity]:
    """One entity from the statements of one id; one per dataset if their schemata clash.

    Values come out in a fixed order, by code point (the store keeps no parse order), the
    same on both engines and under every hash seed: FtM's own StatementEntity gives them in
    Python's per-process set order.
    """
    first = statements[0]
    ordered = sorted(statements, key=_value_order)
    try:
        return [OrderedStatementEntity.from_statements(ftm_dataset(first.dataset), ordered)]
    except InvalidData:
        by_dataset: dict[str, list[Statement]] = {}
        for stmt in ordered:
            by_dataset.setdefault(stmt.dataset, []).append(stmt)
        return [
            OrderedStatementEntity.from_statements(ftm_dataset(name), stmts)
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
    found: dict[str, StatementEntity] = {}
    for entity in group_rows(rows_by_id(conn, ids, at_current() if where is None else where)):
        if entity.id is not None:
            found[entity.id] = entity
    return found


def rows_by_id(
    conn: Connection,
    ids: Iterable[str],
    where: ColumnElement[bool] | None,
    *,
    current_version: str | None = None,
) -> Iterator[Row[Any]]:
    """Statement rows (`ROW_COLUMNS`) of the given entities matching `where` (None: all
    their rows), ordered by entity id; one query through the entity index per `ID_BATCH`.

    `current_version`: the caller keeps only rows of one dataset, whose current version this
    is; the query then needs no join with the dataset table (with it, SQLite's planner may
    prefer the dataset's range of the `seen` index over the entity index: 10x slower).
    """
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), ID_BATCH):
        chunk = wanted[start : start + ID_BATCH]
        match = (
            st.c.entity_id.in_(chunk) if where is None else and_(st.c.entity_id.in_(chunk), where)
        )
        if current_version is None:
            query = rows_query(match)
        else:
            shown = func.coalesce(st.c.last_seen, literal(current_version, st.c.last_seen.type))
            query = select(*ROW_COLUMNS[:-1], shown.label("last_seen")).where(match)
        # .all(): one fetchall per batch, much cheaper than a fetchone per row.
        yield from conn.execute(query.order_by(st.c.entity_id, st.c.dataset, st.c.prop)).all()


def referrers(
    conn: Connection, ids: Iterable[str], where: ColumnElement[bool] | None = None
) -> list[tuple[str, str, str, str]]:
    """Entity references pointing at `ids`: (from_id, from_schema, prop, to_id) tuples.

    Looked up by value in batches through the partial reference index
    (`ix_store_statement_ref`), so the cost follows the number of ids, not the store size.
    """
    links: set[tuple[str, str, str, str]] = set()
    for row in reference_rows(conn, ids, at_current() if where is None else where):
        if is_entity_prop(row.schema, row.prop):
            links.add((row.entity_id, row.schema, row.prop, row.value))
    return sorted(links)


def reference_rows(
    conn: Connection, ids: Iterable[str], where: ColumnElement[bool] | None
) -> Iterator[Row[Any]]:
    """Rows of entity-reference statements whose value is one of `ids` and that match `where`
    (None: every dataset and version; the caller filters).

    Columns: entity_id, schema, prop, value, dataset, first_seen, last_seen (raw: NULL while
    open). Callers wanting one dataset's version window should filter in Python: with a
    `dataset = ?` term and a few hundred ids, SQLite's planner (on sampled statistics) can
    pick a range of the `seen` index over the reference index, a 100x slower plan.
    """
    wanted = sorted(set(ids))
    columns = (
        st.c.entity_id,
        st.c.schema,
        st.c.prop,
        st.c.value,
        st.c.dataset,
        st.c.first_seen,
        st.c.last_seen,
    )
    for start in range(0, len(wanted), ID_BATCH):
        chunk = wanted[start : start + ID_BATCH]
        # Repeats the partial index's condition so the planner uses it.
        match = and_(st.c.value.in_(chunk), ref_condition())
        query: Select[Any] = select(*columns).where(match if where is None else and_(match, where))
        yield from conn.execute(query).all()


@cache
def is_entity_prop(schema_name: str, prop_name: str) -> bool:
    from followthemoney import model

    schema = model.get(schema_name)
    prop = schema.get(prop_name) if schema is not None else None
    return prop is not None and prop.type.name == "entity"

"""The store's tables: one SQLAlchemy Core definition for SQLite and PostgreSQL.

A statement row is one claim (dataset, entity, schema, property, value, lang, original value)
valid over an interval of list versions `[first_seen, last_seen]`. A statement that persists
from one version to the next is the same row, its `last_seen` moving forward: while it is in
the current version (always the newest) `last_seen` is NULL, read as the current version, so
an import does not rewrite the rows it keeps. A statement that disappears and later comes back
gets a second row. So "what did the list say at version V" is
`first_seen <= V AND (last_seen IS NULL OR last_seen >= V)` and "what does it say now" is
`last_seen IS NULL`.

Versions are compared as strings (ISO dates or timestamps sort as text), so on PostgreSQL the
version columns use the "C" collation: byte order, whatever the database's locale is.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    false,
    or_,
    true,
)

SCHEMA_VERSION = "3"
"""Bump when the tables change; `open_store` refuses a database of another version."""

# Byte-order comparison for version strings on PostgreSQL; SQLite's default is byte order.
VersionString = String(64).with_variant(String(64, collation="C"), "postgresql")

metadata = MetaData()


@cache
def entity_prop_names() -> tuple[str, ...]:
    """Names of the properties that reference entities, in any FtM schema (sorted)."""
    from followthemoney import model

    names = {
        prop.name
        for schema in model.schemata.values()
        for prop in schema.properties.values()
        if prop.type.name == "entity"
    }
    return tuple(sorted(names))


def is_ref_prop(prop: str) -> bool:
    """Whether statements of this property name reference another entity (`is_ref`)."""
    return prop in ref_prop_set()


@cache
def ref_prop_set() -> frozenset[str]:
    """`entity_prop_names()` as a set, for the row builder's membership tests."""
    return frozenset(entity_prop_names())


def ref_condition() -> ColumnElement[bool]:
    """The reference index's own condition; a query repeats it so the planner uses the index."""
    return statement_table.c.is_ref == true()


meta_table = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

dataset_table = Table(
    "store_dataset",
    metadata,
    Column("name", String(), primary_key=True),
    Column("current_version", VersionString, nullable=True),
)

version_table = Table(
    "store_version",
    metadata,
    Column("dataset", String(), primary_key=True),
    Column("version", VersionString, primary_key=True),
    Column("entities", Integer, nullable=False),
    Column("statements", Integer, nullable=False),
    Column("by_schema", Text, nullable=False),  # JSON object {schema: count}
    Column("issues", Text, nullable=False),  # JSON list of problem dicts
    Column("source", Text, nullable=False),
    Column("format", String(64), nullable=False),
    Column("imported_at", String(32), nullable=False),  # UTC ISO timestamp
)

statement_table = Table(
    "store_statement",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(), nullable=False),
    # Hash of (entity_id, schema, prop, value, lang, original_value): compares rows cheaply.
    Column("key", String(32), nullable=False),
    Column("entity_id", String(), nullable=False),
    Column("schema", String(), nullable=False),
    Column("prop", String(), nullable=False),
    Column("value", Text, nullable=False),
    Column("lang", String(16), nullable=True),
    Column("original_value", Text, nullable=True),
    # True for entity-reference properties, set when rows are built: the reverse-reference
    # index is partial on it, a condition SQLite evaluates for free on every insert (a
    # `prop IN (...)` list of 160 names cost more than half of an import's CPU).
    Column("is_ref", Boolean, nullable=False, server_default=false()),
    Column("first_seen", VersionString, nullable=False),
    # NULL while the statement is in the dataset's current version: an import then leaves
    # the rows it keeps untouched. Reads show the current version in its place.
    Column("last_seen", VersionString, nullable=True),
    # Current reads, and "rows seen in version P" during an import.
    Index("ix_store_statement_seen", "dataset", "last_seen", "entity_id"),
    # entity(), provenance(), and matching staged statements against history during an
    # import (entity_id, dataset, key by equality). Rows are inserted in
    # entity id order, so both indexes grow mostly at their ends.
    Index("ix_store_statement_entity", "entity_id", "dataset", "key"),
)

# Reverse references (who points at entity X: its Sanctions, Identifications, Addresses'
# owners...) by value, for the nested view and changes. Partial on the entity-typed
# properties: ids are short, every other value (names, long notes) stays out of it, which
# keeps it small and under PostgreSQL's b-tree entry size limit. If FtM adds a reference
# property, stores created before keep working; their lookups just stop using this index
# until the store is rebuilt. (Schema version 2 added it; 3 made it partial on `is_ref`.)
Index(
    "ix_store_statement_ref",
    statement_table.c.value,
    statement_table.c.dataset,
    sqlite_where=statement_table.c.is_ref == true(),
    postgresql_where=statement_table.c.is_ref == true(),
)

STATEMENT_COLUMNS = (
    "key",
    "entity_id",
    "schema",
    "prop",
    "value",
    "lang",
    "original_value",
    "is_ref",
)


def at_version(dataset: str, version: str) -> ColumnElement[bool]:
    """Rows of `dataset` that were part of `version` (an open row is in every later one)."""
    st = statement_table
    return and_(
        st.c.dataset == dataset,
        st.c.first_seen <= version,
        or_(st.c.last_seen.is_(None), st.c.last_seen >= version),
    )


def stage_table() -> Table:
    """A temporary table holding the statements of the version being imported.

    Built in its own MetaData so `metadata.create_all` never creates it as a real table.
    """
    return Table(
        "store_stage",
        MetaData(),
        Column("entity_id", String(), primary_key=True),
        Column("key", String(32), primary_key=True),
        Column("schema", String(), nullable=False),
        Column("prop", String(), nullable=False),
        Column("value", Text, nullable=False),
        Column("lang", String(16), nullable=True),
        Column("original_value", Text, nullable=True),
        Column("is_ref", Boolean, nullable=False),
        prefixes=["TEMPORARY"],
    )

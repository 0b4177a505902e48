"""Write one list version into the store, inside the caller's transaction.

The new version X's statements go into a temporary staging table in bulk (on SQLite one
INSERT ... SELECT from an attached row file, see `rowfile`, or an executemany of rows in
memory; COPY on PostgreSQL), then a handful of set-based statements fold them into the
statement intervals (`last_seen` NULL = still in the current version). Let P be the version
just before X and N the one just after.

* X is the dataset's first version: its rows are written directly, open.
* X is the newest (the usual case): open rows whose statement X dropped are closed at P;
  statements of X with no open row get a new open row. Kept statements are not touched.
* X goes between P (or nothing) and N (history): a row spanning P..N whose statement X
  lacks is split at X; a row ending at P and one starting at N whose statement X has are
  joined; rows ending at P are extended to X, rows starting at N start at X instead; the
  rest of X gets rows [X, X]. "current" stays N's newest version.

The caller commits or rolls back, so a failure anywhere leaves the store as it was.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from sanctionwatch.store.models import ImportRefusedError, ImportReport, RowFile, StatementRow
from sanctionwatch.store.rowfile import ATTACHED_AS, ROW_TABLE, read_row_file, row_count, row_keys
from sanctionwatch.store.schema import (
    STATEMENT_COLUMNS,
    at_version,
    dataset_table,
    stage_table,
    statement_table,
    version_table,
)

MIN_KEPT_FRACTION = 0.5
"""A new version with fewer entities than this share of the previous one is refused unless
forced: a truncated or empty download must not delist a whole list."""


@dataclass(frozen=True)
class NewVersion:
    """Everything the importer writes for one version, already validated."""

    dataset: str
    version: str
    # Unique by statement key, in (entity_id, key) order; a RowFile is attached to the
    # connection as ATTACHED_AS by the caller (SQLite) or read back (PostgreSQL).
    rows: Sequence[StatementRow] | RowFile
    entities: int
    by_schema: dict[str, int]
    issues: list[dict[str, str]]
    source: str = ""
    format: str = ""
    force: bool = False


def import_version(conn: Connection, new: NewVersion) -> ImportReport:
    """Fold `new` into the store. Raises ImportRefusedError (the caller rolls back)."""
    _lock_dataset(conn, new.dataset)
    versions = _versions(conn, new.dataset)
    report = ImportReport(
        dataset=new.dataset,
        version=new.version,
        entities=new.entities,
        by_schema=new.by_schema,
        issues=new.issues,
        statements=row_count(new.rows),
    )
    if new.version in versions:
        return _same_version(conn, new, report)
    older = [v for v in versions if v < new.version]
    newer = [v for v in versions if v > new.version]
    prev = older[-1] if older else None
    nxt = newer[0] if newer else None
    _check_size(conn, new, prev)
    if prev is None and nxt is None:
        # The dataset's first version: nothing to compare with, write the rows directly.
        _insert_rows(conn, new)
        return _finish(conn, new, versions, report, is_current=True)
    stage = stage_table()
    stage.drop(conn, checkfirst=True)
    stage.create(conn)
    _fill_stage(conn, new.rows)
    if nxt is None and prev is not None:
        _fold_newest(conn, new, stage, prev)
    else:
        assert nxt is not None  # prev and nxt both None took the direct path above
        _fold_history(conn, new, stage, prev, nxt)
    stage.drop(conn)
    return _finish(conn, new, versions, report, is_current=nxt is None)


def _fold_newest(conn: Connection, new: NewVersion, stage: Table, prev: str) -> None:
    """X after every stored version: close what X dropped, open what X added.

    Statements X keeps are not touched at all, so re-importing a list that barely changed
    costs a read of its current rows, not a rewrite.
    """
    st = statement_table
    mine = st.c.dataset == new.dataset
    in_stage = exists().where(stage.c.entity_id == st.c.entity_id, stage.c.key == st.c.key)
    conn.execute(update(st).where(mine, st.c.last_seen.is_(None), ~in_stage).values(last_seen=prev))
    is_open = exists().where(
        st.c.entity_id == stage.c.entity_id, mine, st.c.key == stage.c.key, st.c.last_seen.is_(None)
    )
    _insert_from_stage(conn, new, stage, ~is_open, last_seen=None)


def _fold_history(
    conn: Connection, new: NewVersion, stage: Table, prev: str | None, nxt: str
) -> None:
    """X between stored versions P (or none) and N: split, merge, extend, prepend, insert."""
    st = statement_table
    mine = st.c.dataset == new.dataset
    in_stage = exists().where(stage.c.entity_id == st.c.entity_id, stage.c.key == st.c.key)
    if prev is not None:
        reaches_next = or_(st.c.last_seen.is_(None), st.c.last_seen >= nxt)
        spans = and_(mine, st.c.first_seen <= prev, reaches_next, ~in_stage)
        cols = [st.c[c] for c in STATEMENT_COLUMNS]
        conn.execute(
            insert(st).from_select(
                ["dataset", *STATEMENT_COLUMNS, "first_seen", "last_seen"],
                select(st.c.dataset, *cols, literal(nxt), st.c.last_seen).where(spans),
            )
        )
        conn.execute(update(st).where(spans).values(last_seen=prev))
        later = st.alias("later")
        joins = and_(
            later.c.entity_id == st.c.entity_id,
            later.c.dataset == new.dataset,
            later.c.key == st.c.key,
            later.c.first_seen == nxt,
        )
        conn.execute(
            update(st)
            .where(mine, st.c.last_seen == prev, in_stage, exists().where(joins))
            .values(last_seen=select(later.c.last_seen).where(joins).scalar_subquery())
        )
        earlier = st.alias("earlier")
        conn.execute(
            delete(st).where(
                mine,
                st.c.first_seen == nxt,
                in_stage,
                exists().where(
                    earlier.c.entity_id == st.c.entity_id,
                    earlier.c.dataset == new.dataset,
                    earlier.c.key == st.c.key,
                    earlier.c.first_seen <= prev,
                    earlier.c.last_seen.is_not_distinct_from(st.c.last_seen),
                ),
            )
        )
        conn.execute(
            update(st).where(mine, st.c.last_seen == prev, in_stage).values(last_seen=new.version)
        )
    conn.execute(
        update(st).where(mine, st.c.first_seen == nxt, in_stage).values(first_seen=new.version)
    )
    covered = exists().where(
        st.c.entity_id == stage.c.entity_id,
        mine,
        st.c.key == stage.c.key,
        st.c.first_seen <= new.version,
        or_(st.c.last_seen.is_(None), st.c.last_seen >= new.version),
    )
    _insert_from_stage(conn, new, stage, ~covered, last_seen=new.version)


def _insert_from_stage(
    conn: Connection,
    new: NewVersion,
    stage: Table,
    where: ColumnElement[bool],
    *,
    last_seen: str | None,
) -> None:
    conn.execute(
        insert(statement_table).from_select(
            ["dataset", *STATEMENT_COLUMNS, "first_seen", "last_seen"],
            select(
                literal(new.dataset),
                *[stage.c[c] for c in STATEMENT_COLUMNS],
                literal(new.version),
                literal(last_seen, type_=String()),
            ).where(where),
        )
    )


def _finish(
    conn: Connection,
    new: NewVersion,
    versions: list[str],
    report: ImportReport,
    *,
    is_current: bool,
) -> ImportReport:
    _record_version(conn, new)
    # Fresh statistics keep the planners on the entity index for the next import.
    conn.exec_driver_sql("ANALYZE store_statement")
    if is_current:
        conn.execute(
            update(dataset_table)
            .where(dataset_table.c.name == new.dataset)
            .values(current_version=new.version)
        )
    message = (
        "imported as the current version"
        if is_current
        else (f"imported as history: the current version {versions[-1]} is newer")
    )
    return replace(report, current=is_current, message=message)


def _lock_dataset(conn: Connection, dataset: str) -> None:
    """Create the dataset row if needed and lock it, so imports of one dataset serialise."""
    values = {"name": dataset, "current_version": None}
    if conn.dialect.name == "postgresql":
        conn.execute(postgresql.insert(dataset_table).values(values).on_conflict_do_nothing())
        conn.execute(
            select(dataset_table.c.name).where(dataset_table.c.name == dataset).with_for_update()
        )
    else:  # SQLite: BEGIN IMMEDIATE already holds the database's write lock
        conn.execute(sqlite.insert(dataset_table).values(values).on_conflict_do_nothing())


def _versions(conn: Connection, dataset: str) -> list[str]:
    query = select(version_table.c.version).where(version_table.c.dataset == dataset)
    return sorted(conn.execute(query).scalars())


def keys_at(conn: Connection, dataset: str, version: str) -> set[str]:
    query = select(statement_table.c.key).where(at_version(dataset, version))
    return set(conn.execute(query).scalars())


def _same_version(conn: Connection, new: NewVersion, report: ImportReport) -> ImportReport:
    """A version is immutable: the same content is a no-op, other content is refused."""
    stored = keys_at(conn, new.dataset, new.version)
    keys = row_keys(new.rows)
    if stored == keys:
        return replace(
            report,
            unchanged=True,
            current=_current(conn, new.dataset) == new.version,
            message=f"version {new.version} of {new.dataset} is already stored, unchanged",
        )
    differ = len(stored.symmetric_difference(keys))
    raise ImportRefusedError(
        f"version {new.version} of {new.dataset} is already stored with different content "
        f"({differ} statements differ); a list version cannot be replaced"
    )


def _current(conn: Connection, dataset: str) -> str | None:
    query = select(dataset_table.c.current_version).where(dataset_table.c.name == dataset)
    return conn.execute(query).scalar()


def _check_size(conn: Connection, new: NewVersion, prev: str | None) -> None:
    if prev is None or new.force:
        return
    query = select(version_table.c.entities).where(
        version_table.c.dataset == new.dataset, version_table.c.version == prev
    )
    before = conn.execute(query).scalar() or 0
    if before > 0 and new.entities < before * MIN_KEPT_FRACTION:
        raise ImportRefusedError(
            f"refusing to import {new.entities} entities into {new.dataset}: version {prev} "
            f"had {before}. A truncated or empty file would delist most of the list; "
            "force the import if the list really shrank"
        )


def _fill_stage(conn: Connection, rows: Sequence[StatementRow] | RowFile) -> None:
    _bulk_insert(conn, "store_stage", rows)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE store_stage")  # temp tables are never auto-analysed


def _insert_rows(conn: Connection, new: NewVersion) -> None:
    constants = {"dataset": new.dataset, "first_seen": new.version, "last_seen": None}
    _bulk_insert(conn, "store_statement", new.rows, constants=constants)


def _bulk_insert(
    conn: Connection,
    table: str,
    rows: Sequence[StatementRow] | RowFile,
    *,
    constants: dict[str, str | None] | None = None,
) -> None:
    """COPY on PostgreSQL; on SQLite one `INSERT ... SELECT` from an attached row file, or
    one executemany of the row tuples.

    Rows are in `STATEMENT_COLUMNS` order; `constants` are columns with one value for every
    row (dataset, first_seen...). SQLite gets them as literals in the statement rather than
    as three more parameters bound on each of hundreds of thousands of rows. All go
    through the DBAPI connection of `conn`, so they are part of its transaction.
    """
    fixed = constants or {}
    names = ", ".join(f'"{c}"' for c in (*STATEMENT_COLUMNS, *fixed))
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        extra = tuple(fixed.values())
        source = read_row_file(rows) if isinstance(rows, RowFile) else rows
        with (
            raw.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in source:
                copy.write_row(row + extra)
        return
    literals = [_sql_literal(v) for v in fixed.values()]
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        if isinstance(rows, RowFile):
            picked = ", ".join([*(f'"{c}"' for c in STATEMENT_COLUMNS), *literals])
            cursor.execute(
                f"INSERT INTO {table} ({names}) "
                f"SELECT {picked} FROM {ATTACHED_AS}.{ROW_TABLE} ORDER BY rowid"
            )
        else:
            values = ", ".join(["?"] * len(STATEMENT_COLUMNS) + literals)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({values})", rows)
    finally:
        cursor.close()


def _sql_literal(value: str | None) -> str:
    """A SQL string literal (quotes doubled) or NULL."""
    if value is None:
        return "NULL"
    return "'" + value.replace("'", "''") + "'"


def _record_version(conn: Connection, new: NewVersion) -> None:
    conn.execute(
        insert(version_table).values(
            dataset=new.dataset,
            version=new.version,
            entities=new.entities,
            statements=row_count(new.rows),
            by_schema=json.dumps(new.by_schema, sort_keys=True),
            issues=json.dumps(new.issues, ensure_ascii=False),
            source=new.source,
            format=new.format,
            imported_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
    )


def count_rows(conn: Connection, dataset: str) -> int:
    query = select(func.count()).where(statement_table.c.dataset == dataset)
    return int(conn.execute(query).scalar() or 0)

"""Statement rows handed from a parse worker to the writing process as a small SQLite file.

Why: on SQLite, binding Python values to an INSERT costs about 3 µs per row, as much again
as the store's own B-tree work, and the store has one writer. A worker that writes its rows
into a file of its own pays the binding in parallel with the other worker; the writer then
attaches the file and copies the rows with one `INSERT ... SELECT`, which runs inside SQLite
(about a third of the executemany's time on the four big lists). The file replaces the
pickled list of tuples the worker would otherwise send (pickling cost the same again).

The file is scratch data: written without a journal or fsync, read once, deleted after the
import. Its table holds `STATEMENT_COLUMNS` in that order, rows in the order given.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path

from sanctionwatch.store.models import RowFile, StatementRow
from sanctionwatch.store.schema import STATEMENT_COLUMNS

ROW_TABLE = "rows"
ATTACHED_AS = "sw_rows"
"""Schema name of an attached row file inside the store's connection."""

READ_BATCH = 10_000
ROWS_PER_INSERT = 50
"""Rows per INSERT statement when writing (400 parameters; SQLite allows 32,766)."""


def write_row_file(path: Path, rows: Sequence[StatementRow]) -> RowFile:
    """Write `rows` to a new SQLite file at `path` (refused if it exists)."""
    if path.exists():
        raise FileExistsError(f"{path}: a row file is never overwritten")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # Scratch data read once by the importer: no journal, no fsync.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"CREATE TABLE {ROW_TABLE} ({', '.join(STATEMENT_COLUMNS)})")
        conn.execute("BEGIN")
        _insert(conn, rows)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return RowFile(path=str(path), count=len(rows))


def _insert(conn: sqlite3.Connection, rows: Sequence[StatementRow]) -> None:
    """Insert `rows` in order, `ROWS_PER_INSERT` to a statement: per row, executing a
    statement cost more than binding its eight values (a quarter less CPU this way)."""
    one = "(" + ", ".join("?" * len(STATEMENT_COLUMNS)) + ")"
    many = f"INSERT INTO {ROW_TABLE} VALUES " + ", ".join([one] * ROWS_PER_INSERT)
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    flat = chain.from_iterable
    batches = range(0, whole, ROWS_PER_INSERT)
    conn.executemany(many, (tuple(flat(rows[i : i + ROWS_PER_INSERT])) for i in batches))
    conn.executemany(f"INSERT INTO {ROW_TABLE} VALUES {one}", rows[whole:])


def read_row_file(row_file: RowFile) -> Iterator[StatementRow]:
    """The file's rows in the order they were written (PostgreSQL's COPY reads them here)."""
    conn = sqlite3.connect(row_file.path)
    try:
        cursor = conn.execute(
            f"SELECT {', '.join(STATEMENT_COLUMNS)} FROM {ROW_TABLE} ORDER BY rowid"
        )
        while batch := cursor.fetchmany(READ_BATCH):
            for key, entity_id, schema, prop, value, lang, original, is_ref in batch:
                yield (key, entity_id, schema, prop, value, lang, original, bool(is_ref))
    finally:
        conn.close()


def row_keys(rows: Sequence[StatementRow] | RowFile) -> set[str]:
    """The statement keys of a version's rows, in memory or in a row file."""
    if not isinstance(rows, RowFile):
        return {row[0] for row in rows}
    conn = sqlite3.connect(rows.path)
    try:
        return {key for (key,) in conn.execute(f"SELECT key FROM {ROW_TABLE}")}
    finally:
        conn.close()


def row_count(rows: Sequence[StatementRow] | RowFile) -> int:
    return rows.count if isinstance(rows, RowFile) else len(rows)


def remove_row_file(rows: Sequence[StatementRow] | RowFile) -> None:
    """Delete a row file once imported (a no-op for rows in memory)."""
    if isinstance(rows, RowFile):
        Path(rows.path).unlink(missing_ok=True)

"""The versioned statement store: the service functions the CLI and the API call.

Open one with `open_store(db_url)`. Every import runs in one transaction: the new version is
validated, written and made current together, or nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData
from sqlalchemy import ColumnElement, Connection, and_, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from sanctionwatch.errors import StoreError
from sanctionwatch.store import importer, reads
from sanctionwatch.store.changes import compute_changes
from sanctionwatch.store.engine import WRITE_OPTION, Database, create_store_engine
from sanctionwatch.store.models import (
    Changes,
    DatasetInfo,
    ImportRefusedError,
    ImportReport,
    PreparedVersion,
    RowFile,
    VersionInfo,
)
from sanctionwatch.store.nested import nested_entity
from sanctionwatch.store.rowfile import ATTACHED_AS
from sanctionwatch.store.rows import check_version, issue, prepare_version, summarise
from sanctionwatch.store.schema import (
    SCHEMA_VERSION,
    at_version,
    dataset_table,
    entity_prop_names,
    meta_table,
    metadata,
    statement_table,
    version_table,
)

if TYPE_CHECKING:  # the parser contract; the store needs no code from sources
    from sanctionwatch.sources.base import ParsedList

st = statement_table


def open_store(db_url: str) -> Store:
    """Open (and create if needed) the store at `db_url`: `sqlite:///file` or `postgresql://`."""
    store = Store(create_store_engine(db_url))
    store.setup()
    return store


def _upgrade_to_3(conn: Connection) -> None:
    """Schema 1 had no reference index, 2 had it partial on a property list: add `is_ref`,
    fill it, and (re)build the index partial on it. Runs inside the setup transaction."""
    st = statement_table
    default = "false" if conn.dialect.name == "postgresql" else "0"
    conn.exec_driver_sql(
        f"ALTER TABLE {st.name} ADD COLUMN is_ref BOOLEAN NOT NULL DEFAULT {default}"
    )
    conn.execute(update(st).where(st.c.prop.in_(entity_prop_names())).values(is_ref=True))
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_store_statement_ref")
    for index in st.indexes:
        index.create(conn, checkfirst=True)
    conn.execute(
        update(meta_table).where(meta_table.c.key == "schema_version").values(value=SCHEMA_VERSION)
    )


class Store(Database):
    """Statements of every list version, entities assembled on read."""

    # -- lifecycle -------------------------------------------------------------------------

    def setup(self) -> None:
        """Create the tables if missing (idempotent) and check the schema version."""
        try:
            with self._write() as conn:
                metadata.create_all(conn, checkfirst=True)
                query = select(meta_table.c.value).where(meta_table.c.key == "schema_version")
                stored = conn.execute(query).scalar()
                if stored is None:
                    conn.execute(
                        insert(meta_table).values(key="schema_version", value=SCHEMA_VERSION)
                    )
                elif stored in {"1", "2"}:
                    _upgrade_to_3(conn)
                    stored = SCHEMA_VERSION
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store at {self.url}: {exc}") from exc
        if stored is not None and stored != SCHEMA_VERSION:
            raise StoreError(
                f"the store at {self.url} has schema version {stored}, this sanctionwatch "
                f"expects {SCHEMA_VERSION}; export it with the matching version and re-import"
            )

    # -- writes ----------------------------------------------------------------------------

    def import_list(
        self, parsed: ParsedList, *, version: str | None = None, force: bool = False
    ) -> ImportReport:
        """Store a parsed list as a version of its dataset (see `importer` for the steps).

        The version is the list date the file states (or `version`). A version newer than
        the current one becomes current; an older one is stored as history. Re-importing a
        stored version with the same content changes nothing (`unchanged=True`).
        """
        prepared = prepare_version(
            parsed.entities,
            dataset=parsed.dataset,
            version=parsed.version,
            issues=[p.to_dict() for p in parsed.issues],
            source=parsed.source,
            format=parsed.format,
        )
        return self.import_prepared(prepared, version=version, force=force)

    def import_prepared(
        self, prepared: PreparedVersion, *, version: str | None = None, force: bool = False
    ) -> ImportReport:
        """`import_list` for a version already turned into rows (`rows.prepare_version`),
        e.g. in the process that parsed it: this process only writes. Rows in a `RowFile`
        are copied from the file (SQLite: attached; PostgreSQL: read back for COPY); the
        caller deletes the file."""
        if isinstance(prepared.rows, RowFile) and self.takes_row_files:
            with self._write_attached(prepared.rows) as conn:
                return self._import(conn, prepared, version=version, force=force)
        with self._write() as conn:
            return self._import(conn, prepared, version=version, force=force)

    @property
    def takes_row_files(self) -> bool:
        """Whether rows are best handed over in a `RowFile` (SQLite copies them in C)."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def _write_attached(self, row_file: RowFile) -> Iterator[Connection]:
        """`_write` with the row file attached: SQLite attaches only outside a transaction,
        and the pooled connection must not keep it attached afterwards."""
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute(f"ATTACH DATABASE ? AS {ATTACHED_AS}", (row_file.path,))
            try:
                conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    yield conn
            finally:
                raw.execute(f"DETACH DATABASE {ATTACHED_AS}")

    def apply_delta(
        self,
        dataset: str,
        version: str,
        upserts: Sequence[EntityProxy],
        deletes: Sequence[str],
        *,
        force: bool = False,
    ) -> ImportReport:
        """Apply OpenSanctions-style delta operations to the current version, as a new one.

        ADD and MOD entities replace the whole entity; DEL removes it. The resulting full
        version is validated and imported like any other, in the same transaction as the
        read of the current version.
        """
        with self._write() as conn:
            current = self._current_versions(conn).get(dataset)
            entities: dict[str, EntityProxy] = {}
            if current is not None:
                where = reads.current_of(dataset)
                for stored in reads.stream_entities(conn, where):
                    if stored.id is not None:
                        entities[stored.id] = stored
            issues: list[dict[str, str]] = []
            for entity_id in deletes:
                if entities.pop(entity_id, None) is None:
                    issues.append(issue("delta", f"DEL {entity_id}: not in version {current}"))
            for entity in upserts:
                if entity.id is None:
                    raise ImportRefusedError(f"delta for {dataset}: an upserted entity has no id")
                entities[entity.id] = entity
            prepared = prepare_version(
                list(entities.values()),
                dataset=dataset,
                version=version,
                issues=issues,
                source="delta",
                format="ftm_delta",
            )
            return self._import(conn, prepared, version=None, force=force)

    def _import(
        self,
        conn: Connection,
        prepared: PreparedVersion,
        *,
        version: str | None,
        force: bool,
    ) -> ImportReport:
        dataset = prepared.dataset
        try:
            version = check_version(version or prepared.version)
            reads.ftm_dataset(dataset)
        except (ValueError, InvalidData) as exc:
            raise ImportRefusedError(f"cannot import into {dataset!r}: {exc}") from exc
        if prepared.errors:
            raise ImportRefusedError(
                f"version {version} of {dataset} is invalid, nothing was imported: "
                + summarise(prepared.errors)
            )
        if not prepared.entities and not force:
            previous = self._current_versions(conn).get(dataset)
            if previous is not None:
                raise ImportRefusedError(
                    f"refusing to import an empty list into {dataset} (current version "
                    f"{previous}); force the import if the list was really emptied"
                )
        new = importer.NewVersion(
            dataset=dataset,
            version=version,
            rows=prepared.rows,
            entities=prepared.entities,
            by_schema=prepared.by_schema,
            issues=prepared.issues,
            source=prepared.source,
            format=prepared.format,
            force=force,
        )
        return importer.import_version(conn, new)

    # -- reads -----------------------------------------------------------------------------

    def current_versions(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return self._current_versions(conn)

    @staticmethod
    def _current_versions(conn: Connection) -> dict[str, str]:
        query = select(dataset_table.c.name, dataset_table.c.current_version).where(
            dataset_table.c.current_version.is_not(None)
        )
        return {name: version for name, version in conn.execute(query)}

    def datasets(self) -> list[DatasetInfo]:
        with self.engine.connect() as conn:
            versions: dict[str, list[VersionInfo]] = {}
            query = select(version_table).order_by(version_table.c.dataset, version_table.c.version)
            for row in conn.execute(query):
                versions.setdefault(row.dataset, []).append(
                    VersionInfo(
                        version=row.version,
                        entities=row.entities,
                        statements=row.statements,
                        by_schema=json.loads(row.by_schema),
                        imported_at=row.imported_at,
                        source=row.source,
                        format=row.format,
                        issues=len(json.loads(row.issues)),
                    )
                )
            current = self._current_versions(conn)
        return [
            DatasetInfo(name=name, current_version=current.get(name), versions=vs)
            for name, vs in sorted(versions.items())
        ]

    def _versions_of(self, conn: Connection, dataset: str) -> list[str]:
        query = select(version_table.c.version).where(version_table.c.dataset == dataset)
        versions = sorted(conn.execute(query).scalars())
        if not versions:
            known = ", ".join(sorted(self._current_versions(conn))) or "none"
            raise StoreError(f"unknown dataset {dataset!r} (stored datasets: {known})")
        return versions

    def _check_version(self, conn: Connection, dataset: str, version: str) -> list[str]:
        versions = self._versions_of(conn, dataset)
        if version not in versions:
            raise StoreError(
                f"dataset {dataset!r} has no version {version!r} (stored: {', '.join(versions)})"
            )
        return versions

    def entities(
        self,
        dataset: str | None = None,
        *,
        version: str | None = None,
        schemata: Iterable[str] | None = None,
    ) -> Iterator[EntityProxy]:
        """Stream entities in id order: of one dataset (at `version`, default current) or,
        with no dataset, of every dataset's current version, an entity listed by several
        datasets coming once with all their statements. `schemata` includes descendants.

        Bad arguments (unknown dataset, version or schema) raise here, before streaming.
        """
        where: list[ColumnElement[bool]] = []
        if schemata is not None:
            where.append(st.c.schema.in_(self._schema_names(schemata)))
        if dataset is None:
            if version is not None:
                raise StoreError("a version needs a dataset: entities(dataset, version=...)")
            where.append(reads.at_current())
        else:
            with self.engine.connect() as conn:
                if version is None:
                    self._versions_of(conn, dataset)
                    where.append(reads.current_of(dataset))
                else:
                    self._check_version(conn, dataset, version)
                    where.append(at_version(dataset, version))
        return self._stream(and_(*where))

    def _stream(self, where: ColumnElement[bool]) -> Iterator[EntityProxy]:
        with self.engine.connect() as conn:
            yield from reads.stream_entities(conn, where)

    @staticmethod
    def _schema_names(schemata: Iterable[str]) -> list[str]:
        names: set[str] = set()
        for name in schemata:
            schema = model.get(name)
            if schema is None:
                raise StoreError(f"unknown FtM schema {name!r}")
            names.update(s.name for s in schema.descendants)
            names.add(schema.name)
        return sorted(names)

    def entity(self, entity_id: str) -> EntityProxy | None:
        """One entity from the current versions of every dataset listing it, or None."""
        with self.engine.connect() as conn:
            return reads.entities_by_id(conn, [entity_id]).get(entity_id)

    def entity_nested(self, entity_id: str) -> dict[str, Any]:
        """The entity's FtM dict with its adjacent entities nested (NotFoundError if none)."""
        with self.engine.connect() as conn:
            return nested_entity(conn, entity_id)

    def provenance(self, entity_id: str) -> list[dict[str, Any]]:
        """Every statement ever stored about the entity, with the versions it was seen in."""
        query = reads.rows_query(st.c.entity_id == entity_id).order_by(
            st.c.dataset, st.c.prop, st.c.value, st.c.first_seen
        )
        with self.engine.connect() as conn:
            return [dict(reads.to_statement(row).to_dict()) for row in conn.execute(query)]

    def changes(
        self,
        dataset: str,
        *,
        from_version: str | None = None,
        to_version: str | None = None,
    ) -> Changes:
        """Designations, delistings and amendments between two versions (default: the one
        before the current, and the current). With no earlier version, all is added."""
        with self.engine.connect() as conn:
            versions = self._versions_of(conn, dataset)
            new = to_version or self._current_versions(conn)[dataset]
            self._check_version(conn, dataset, new)
            old = from_version
            if old is None:
                earlier = [v for v in versions if v < new]
                old = earlier[-1] if earlier else None
            else:
                self._check_version(conn, dataset, old)
            return compute_changes(conn, dataset, old, new)

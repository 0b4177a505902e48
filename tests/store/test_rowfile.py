"""Row files: a version's rows written by a parse worker, copied into the store by the writer."""

from __future__ import annotations

from pathlib import Path

import pytest
from followthemoney import EntityProxy

from sanctionwatch.store import ImportRefusedError, Store, importer, open_store
from sanctionwatch.store.models import PreparedVersion, RowFile
from sanctionwatch.store.rowfile import (
    read_row_file,
    remove_row_file,
    row_count,
    row_keys,
    write_row_file,
)
from sanctionwatch.store.rows import prepare_version
from tests.store.builders import listed, make

DS = "test_list"


def entities_v1() -> list[EntityProxy]:
    target = make("Person", "p1", name="Ivan Petrov", notes="it's 'quoted'; ok")
    return [
        target,
        *listed("p2", "Olga Ivanova", "X2"),
        make("Sanction", "p1-sanction", entity="p1", unscId="X1"),
    ]


def entities_v2() -> list[EntityProxy]:
    changed = entities_v1()
    changed[0].add("alias", "Ivan PETROV")
    return [e for e in changed if e.id not in ("p2", "p2-sanction")]


def prepared(entities: list[EntityProxy], version: str, folder: Path | None) -> PreparedVersion:
    built = prepare_version(entities, dataset=DS, version=version, issues=[], source="t.xml")
    if folder is None:
        return built
    assert isinstance(built.rows, list)
    row_file = write_row_file(folder / f"{version}.sqlite", built.rows)
    return PreparedVersion(
        dataset=built.dataset,
        version=built.version,
        rows=row_file,
        entities=built.entities,
        by_schema=built.by_schema,
        issues=built.issues,
        source=built.source,
    )


def all_rows(store: Store) -> list[tuple[object, ...]]:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        query = text(
            "SELECT dataset, key, entity_id, schema, prop, value, lang, original_value, "
            "is_ref, first_seen, last_seen FROM store_statement ORDER BY entity_id, key, "
            "first_seen"
        )
        return [tuple(row) for row in conn.execute(query)]


def test_a_row_file_gives_back_its_rows_keys_and_count(tmp_path: Path) -> None:
    rows = prepared(entities_v1(), "2026-01-01", None).rows
    assert isinstance(rows, list)
    row_file = write_row_file(tmp_path / "rows.sqlite", rows)
    assert row_file == RowFile(path=str(tmp_path / "rows.sqlite"), count=len(rows))
    assert list(read_row_file(row_file)) == rows
    assert row_keys(row_file) == row_keys(rows) == {row[0] for row in rows}
    assert row_count(row_file) == row_count(rows) == len(rows)
    with pytest.raises(FileExistsError):
        write_row_file(tmp_path / "rows.sqlite", rows)
    remove_row_file(row_file)
    assert not (tmp_path / "rows.sqlite").exists()


@pytest.mark.parametrize("history", [False, True], ids=["newest", "history"])
def test_rows_from_a_file_store_what_rows_in_memory_store(
    store: Store, store_url: str, tmp_path: Path, history: bool
) -> None:
    """First version, a newer one, an older one (history) and a repeat: the same rows,
    reports and reads as the in-memory path, on both engines."""
    order = ["2026-02-01", "2026-01-01"] if history else ["2026-01-01", "2026-02-01"]
    make_version = {"2026-01-01": entities_v1, "2026-02-01": entities_v2}
    files = tmp_path / "files"
    files.mkdir()
    reference = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    with open_store(reference) as memory:
        for version in [*order, order[0]]:
            expected = memory.import_prepared(prepared(make_version[version](), version, None))
            folder = files / f"{version}-{expected.unchanged}"
            folder.mkdir()
            got = store.import_prepared(prepared(make_version[version](), version, folder))
            assert got == expected
        assert all_rows(store) == all_rows(memory)
        assert store.changes(DS).to_dict() == memory.changes(DS).to_dict()


def test_same_version_other_content_from_a_file_is_refused(store: Store, tmp_path: Path) -> None:
    store.import_prepared(prepared(entities_v1(), "2026-01-01", None))
    with pytest.raises(ImportRefusedError, match="already stored with different content"):
        store.import_prepared(prepared(entities_v2(), "2026-01-01", tmp_path))


def test_failed_import_from_a_file_changes_nothing_and_detaches(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_prepared(prepared(entities_v1(), "2026-01-01", None))
    before = all_rows(store)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "_record_version", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.import_prepared(prepared(entities_v2(), "2026-02-01", tmp_path))
    monkeypatch.undo()
    assert all_rows(store) == before
    # The pooled connection was detached: the next import can attach its own file.
    (tmp_path / "again").mkdir()
    store.import_prepared(prepared(entities_v2(), "2026-02-01", tmp_path / "again"))
    assert store.current_versions() == {DS: "2026-02-01"}

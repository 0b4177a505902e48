"""Imports: versions, validation, one transaction, history, persistence as intervals."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from followthemoney import EntityProxy

from sanctionwatch.errors import StoreError
from sanctionwatch.store import ImportRefusedError, Store, importer, open_store
from tests.store.builders import listed, make, parsed, snapshot

DS = "test_list"


def version_1() -> list[EntityProxy]:
    return [
        *listed("p1", "Ivan Petrov", "X1", birthDate="1970"),
        *listed("p2", "Olga Ivanova", "X2"),
        *listed("o1", "Acme Trading LLC", "X3", schema="Organization"),
    ]


def version_2() -> list[EntityProxy]:
    entities = [e for e in version_1() if e.id not in ("p2", "p2-sanction")]
    entities[0].add("alias", "Ivan PETROV")
    return [*entities, *listed("p3", "New Person", "X4")]


def state(store: Store) -> tuple[dict[str, str], object, list[tuple[str, list[str]]]]:
    """Everything an import may change, in comparable form."""
    entities = snapshot(list(store.entities())) if store.current_versions() else {}
    versions = [(d.name, [v.version for v in d.versions]) for d in store.datasets()]
    return store.current_versions(), entities, versions


def test_import_report_and_contract_shape(store: Store) -> None:
    report = store.import_list(parsed(DS, "2026-01-01", version_1()))
    assert report.to_dict() == {
        "dataset": DS,
        "version": "2026-01-01",
        "entities": 6,
        "by_schema": {"Organization": 1, "Person": 2, "Sanction": 3},
        "issues": [],
    }
    assert report.current and not report.unchanged
    assert store.current_versions() == {DS: "2026-01-01"}


def test_reimport_same_version_is_a_no_op(store: Store) -> None:
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    before = state(store)
    again = store.import_list(parsed(DS, "2026-01-01", version_1()))
    assert again.unchanged
    assert "already stored, unchanged" in again.message
    assert state(store) == before


def test_same_version_with_other_content_is_refused(store: Store) -> None:
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    before = state(store)
    with pytest.raises(ImportRefusedError, match="already stored with different content"):
        store.import_list(parsed(DS, "2026-01-01", version_2()))
    assert state(store) == before


def test_versions_are_queryable_and_persisting_statements_are_one_row(store: Store) -> None:
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    store.import_list(parsed(DS, "2026-02-01", version_2()))
    assert snapshot(list(store.entities(DS, version="2026-01-01"))) == snapshot(version_1())
    assert snapshot(list(store.entities(DS, version="2026-02-01"))) == snapshot(version_2())
    assert snapshot(list(store.entities(DS))) == snapshot(version_2())
    names = [s for s in store.provenance("p1") if s["prop"] == "name"]
    assert [(s["first_seen"], s["last_seen"]) for s in names] == [("2026-01-01", "2026-02-01")]
    gone = [s for s in store.provenance("p2") if s["prop"] == "name"]
    assert [(s["first_seen"], s["last_seen"]) for s in gone] == [("2026-01-01", "2026-01-01")]
    new_alias = [s for s in store.provenance("p1") if s["prop"] == "alias"]
    assert [(s["first_seen"], s["last_seen"]) for s in new_alias] == [("2026-02-01", "2026-02-01")]


def test_statement_that_returns_gets_a_second_interval(store: Store) -> None:
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    store.import_list(parsed(DS, "2026-02-01", version_2()))
    store.import_list(parsed(DS, "2026-03-01", version_1()))
    names = [s for s in store.provenance("p2") if s["prop"] == "name"]
    assert [(s["first_seen"], s["last_seen"]) for s in names] == [
        ("2026-01-01", "2026-01-01"),
        ("2026-03-01", "2026-03-01"),
    ]
    assert "p2" not in {e.id for e in store.entities(DS, version="2026-02-01")}


def test_older_version_is_inserted_as_history(store: Store) -> None:
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    store.import_list(parsed(DS, "2026-03-01", version_1()))
    report = store.import_list(parsed(DS, "2026-02-01", version_2()))
    assert not report.current
    assert "history" in report.message
    assert store.current_versions() == {DS: "2026-03-01"}
    for version, entities in [
        ("2026-01-01", version_1()),
        ("2026-02-01", version_2()),
        ("2026-03-01", version_1()),
    ]:
        assert snapshot(list(store.entities(DS, version=version))) == snapshot(entities), version


@pytest.mark.parametrize("seed", [20260227, 7])
def test_random_versions_in_random_order(store: Store, seed: int) -> None:
    """Whatever order versions arrive in, each one reads back exactly as imported."""
    print(f"seed={seed}")
    rng = random.Random(seed)
    names = [f"Name {i}" for i in range(6)]
    versions: dict[str, list[EntityProxy]] = {}
    for month in range(1, 7):
        entities: list[EntityProxy] = []
        for n in range(8):
            if rng.random() < 0.75:
                picked = rng.sample(names, rng.randint(1, 3))
                entities.append(make("Person", f"p{n}", name=picked))
        versions[f"2026-{month:02d}-01"] = entities
    order = list(versions)
    rng.shuffle(order)
    for version in order:
        store.import_list(parsed(DS, version, versions[version]), force=True)
    assert store.current_versions() == {DS: max(versions)}
    for version, entities in versions.items():
        got = snapshot(list(store.entities(DS, version=version)))
        assert got == snapshot(entities), version


@pytest.mark.parametrize(
    ("build", "match"),
    [
        pytest.param(
            lambda: [*version_1(), make("Person", "p1", name="Dup")],
            "duplicate entity id",
            id="duplicate-id",
        ),
        pytest.param(
            lambda: [*version_1(), make("Sanction", "s9", entity="ghost")],
            "points at missing entity ghost",
            id="sanction-target-missing",
        ),
        pytest.param(lambda: [], "refusing to import an empty list", id="empty-list"),
        pytest.param(
            lambda: version_1()[:2], "refusing to import 2 entities", id="list-shrank-by-two-thirds"
        ),
    ],
)
def test_invalid_version_is_refused_and_changes_nothing(
    store: Store, build: Callable[[], list[EntityProxy]], match: str
) -> None:
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    before = state(store)
    with pytest.raises(ImportRefusedError, match=match):
        store.import_list(parsed(DS, "2026-02-01", build()))
    assert state(store) == before


def test_forced_empty_import_delists_everything(store: Store) -> None:
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    report = store.import_list(parsed(DS, "2026-02-01", []), force=True)
    assert report.entities == 0
    assert list(store.entities(DS)) == []
    assert len(list(store.entities(DS, version="2026-01-01"))) == 6


@pytest.mark.parametrize("history", [False, True], ids=["newest", "history"])
def test_failure_mid_import_rolls_everything_back(
    store: Store, monkeypatch: pytest.MonkeyPatch, history: bool
) -> None:
    """The statements are already folded in when recording the version fails."""
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    if history:
        store.import_list(parsed(DS, "2026-03-01", version_1()))
    before = state(store)
    provenance = store.provenance("p1")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "_record_version", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.import_list(parsed(DS, "2026-02-01", version_2()))
    assert state(store) == before
    assert store.provenance("p1") == provenance
    monkeypatch.undo()
    store.import_list(parsed(DS, "2026-02-01", version_2()))  # and it works afterwards
    assert snapshot(list(store.entities(DS, version="2026-02-01"))) == snapshot(version_2())


def test_failure_in_first_import_leaves_no_dataset(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "_record_version", explode)
    with pytest.raises(RuntimeError):
        store.import_list(parsed(DS, "2026-01-01", version_1()))
    assert store.datasets() == []
    assert store.current_versions() == {}
    assert store.entity("p1") is None


@pytest.mark.parametrize(
    ("call", "match"),
    [
        pytest.param(lambda s: s.entities("nope"), "unknown dataset 'nope'", id="entities"),
        pytest.param(
            lambda s: s.entities(DS, version="1999-01-01"),
            "has no version '1999-01-01'",
            id="entities-version",
        ),
        pytest.param(lambda s: s.changes("nope"), "unknown dataset", id="changes"),
        pytest.param(
            lambda s: s.changes(DS, from_version="1999-01-01"), "has no version", id="changes-from"
        ),
        pytest.param(
            lambda s: s.entities(version="2026-01-01"), "needs a dataset", id="no-dataset"
        ),
        pytest.param(
            lambda s: s.entities(DS, schemata=["Human"]), "unknown FtM schema", id="schema"
        ),
        pytest.param(
            lambda s: s.import_list(parsed(DS, "yesterday", version_1())),
            "not an ISO date",
            id="bad-version",
        ),
        pytest.param(
            lambda s: s.import_list(parsed("Bad Name!", "2026-01-01", version_1())),
            "cannot import into 'Bad Name!'",
            id="bad-dataset-name",
        ),
    ],
)
def test_bad_input_gives_a_clear_store_error(
    store: Store, call: Callable[[Store], object], match: str
) -> None:
    """Raised by the call itself: `entities()` checks its arguments before streaming."""
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    with pytest.raises(StoreError, match=match):
        call(store)


def test_reader_keeps_its_version_while_an_import_runs(store: Store) -> None:
    store.import_list(parsed(DS, "2026-01-01", version_1()))
    reader = store.entities(DS)
    first = next(reader)
    store.import_list(parsed(DS, "2026-02-01", version_2()))
    rest = list(reader)
    assert snapshot([first, *rest]) == snapshot(version_1())


def test_open_store_is_idempotent(store_url: str) -> None:
    with open_store(store_url) as store:
        store.import_list(parsed(DS, "2026-01-01", version_1()))
    with open_store(store_url) as store:
        assert store.current_versions() == {DS: "2026-01-01"}


def test_schema_version_mismatch_is_refused(store: Store, store_url: str) -> None:
    from sqlalchemy import update

    from sanctionwatch.store.schema import meta_table

    with store.engine.begin() as conn:
        conn.execute(update(meta_table).values(value="999"))
    with pytest.raises(StoreError, match="schema version 999"):
        open_store(store_url)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: object) -> None:
    with open_store(f"sqlite:///{tmp_path}/s.sqlite") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_concurrent_imports_wait_for_each_other(store_url: str) -> None:
    """Two writers at once: one waits for the other's lock (SQLite busy timeout), none fails."""
    from concurrent.futures import ThreadPoolExecutor

    def run(dataset: str) -> str:
        with open_store(store_url) as store:
            for month in (1, 2, 3):
                store.import_list(parsed(dataset, f"2026-{month:02d}-01", version_1()))
            return store.current_versions()[dataset]

    with open_store(store_url):
        pass  # create the tables once, before the race
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, ["list_a", "list_b"]))
    assert results == ["2026-03-01", "2026-03-01"]


def test_schema_version_2_store_is_upgraded_in_place(tmp_path: Path) -> None:
    """Version 3 only added the `is_ref` flag and re-made the reference index partial on it:
    a version 2 store (column absent, old index) is upgraded on open, data kept."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with open_store(url) as store:
        store.import_list(parsed("d1", "2024-01-01", listed("p1", "Ivan", "X.1")))
    with open_store(url) as store, store.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_store_statement_ref"))
        conn.execute(text("ALTER TABLE store_statement DROP COLUMN is_ref"))
        conn.execute(text("CREATE INDEX ix_store_statement_ref ON store_statement (value)"))
        conn.execute(text("UPDATE store_meta SET value = '2' WHERE key = 'schema_version'"))
    with open_store(url) as store, store.engine.connect() as conn:
        version = conn.execute(
            text("SELECT value FROM store_meta WHERE key = 'schema_version'")
        ).scalar()
        refs = conn.execute(text("SELECT prop FROM store_statement WHERE is_ref")).scalars()
        index_sql = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'ix_store_statement_ref'")
        ).scalar()
        assert version == "3"
        assert set(refs) == {"entity"}
        assert "is_ref" in str(index_sql)
        assert store.entity("p1") is not None


def test_import_prepared_is_import_list(store: Store, store_url: str, tmp_path: Path) -> None:
    """A version prepared elsewhere (a parse worker) stores the same rows and report."""
    from sanctionwatch.store.rows import prepare_version

    entities = version_1()
    report = store.import_list(parsed(DS, "2026-01-01", entities))
    with open_store(f"sqlite:///{tmp_path}/other.sqlite") as other:
        prepared = prepare_version(
            entities, dataset=DS, version="2026-01-01", issues=[], source="test.xml"
        )
        assert other.import_prepared(prepared) == report
        assert other.provenance("p1") == store.provenance("p1")
        with pytest.raises(ImportRefusedError, match="invalid"):
            broken = [make("Sanction", "s1", entity="nobody")]
            other.import_prepared(
                prepare_version(broken, dataset=DS, version="2026-02-01", issues=[])
            )

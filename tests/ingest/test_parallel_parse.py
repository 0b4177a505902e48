"""Parallel parsing in `ingest.service`: the same entities and reports as a sequential run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.errors import MissingExtraError, ParseError, SanctionwatchError
from sanctionwatch.ingest.service import (
    _content_size,
    gc_paused,
    import_paths,
    jobs_for_files,
    parse_jobs,
    prepare,
    prepare_jobs,
)
from sanctionwatch.sources import registry
from sanctionwatch.sources.ftm_json import DeltaList
from sanctionwatch.store import open_store
from tests.paths import LISTS

UN_DPRK = LISTS / "un" / "derived" / "consolidated_DPRK_1718_subset.xml"
ZALA = LISTS / "opensanctions" / "yente_fixture_zala" / "entities.ftm.json"
OFSI_CSV = Path(__file__).parents[1] / "sources" / "fixtures" / "gb_ofsi_conlist_sample.csv"
FILES = [UN_DPRK, ZALA, OFSI_CSV]


def _snapshot(outcome: Any) -> Any:
    """Entities as sorted plain data: value order inside a property is not part of the
    contract (a StatementEntity keeps values in a set)."""
    if isinstance(outcome, ParseError):
        return ("error", [str(p) for p in outcome.problems])
    entities = outcome.upserts if isinstance(outcome, DeltaList) else outcome.entities
    return (
        outcome.dataset,
        outcome.version,
        sorted(
            (e.id, e.schema.name, sorted((k, sorted(v)) for k, v in e.properties.items()))
            for e in entities
        ),
    )


@pytest.fixture(scope="module")
def sequential() -> dict[int, Any]:
    jobs = jobs_for_files(FILES)
    return {i: _snapshot(o) for i, o in parse_jobs(jobs, workers=1)}


@pytest.mark.parametrize("workers", [2, 3], ids=["two-workers", "more-workers-than-cores"])
def test_parallel_parse_gives_the_sequential_entities(
    sequential: dict[int, Any], workers: int
) -> None:
    jobs = jobs_for_files(FILES)
    assert len(jobs) == 3
    parallel = {i: _snapshot(o) for i, o in parse_jobs(jobs, workers=workers)}
    assert parallel == sequential
    assert all(snap[2] for snap in parallel.values())  # every job gave entities


def test_parse_error_in_a_worker_keeps_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "un_broken.xml"
    text = UN_DPRK.read_bytes()
    broken.write_bytes(text[: len(text) // 2])  # truncated mid-record
    jobs = jobs_for_files([broken, ZALA])
    outcomes = dict(parse_jobs(jobs, workers=2))
    error = outcomes[0]
    assert isinstance(error, ParseError)
    assert error.problems and all(p.file == str(broken) for p in error.problems)
    assert not isinstance(outcomes[1], ParseError)
    with open_store(f"sqlite:///{tmp_path}/store.sqlite") as store, pytest.raises(ParseError):
        import_paths(store, [broken, ZALA], workers=2)


def _reports(tmp_path: Path, name: str, workers: int) -> list[dict[str, Any]]:
    with open_store(f"sqlite:///{tmp_path}/{name}.sqlite") as store:
        reports = import_paths(store, FILES, workers=workers)
        stored = {info.name: info.to_dict() for info in store.datasets()}
    for info in stored.values():
        for version in info["versions"]:
            version.pop("imported_at")  # the clock, not the content
    return [{**r.to_dict(), "current": r.current, "stored": stored[r.dataset]} for r in reports]


def test_import_paths_parallel_matches_sequential(tmp_path: Path) -> None:
    sequential = _reports(tmp_path, "seq", 1)
    parallel = _reports(tmp_path, "par", 2)
    assert [r["dataset"] for r in sequential] == sorted(r["dataset"] for r in sequential)
    assert parallel == sequential
    assert all(r["stored"]["versions"] for r in parallel)


def test_worker_errors_that_do_not_pickle_still_reach_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """MissingExtraError takes (package, extra): it comes back as a SanctionwatchError with
    its message instead of breaking the pool. (Forked workers inherit the patch.)"""

    def missing(format_name: str, files: Any) -> Any:
        raise MissingExtraError("somepkg", "someextra")

    monkeypatch.setattr(registry, "parse_files", missing)
    jobs = [job for job in jobs_for_files(FILES) if job.format == "un_sc_xml"] * 2
    with pytest.raises(SanctionwatchError, match="somepkg is not installed"):
        list(parse_jobs(jobs, workers=2))


@pytest.mark.parametrize("workers", [1, 2], ids=["inline", "two-workers"])
def test_prepare_jobs_gives_the_rows_of_the_parsed_lists(workers: int) -> None:
    """What a worker sends back is the parse turned into the store's rows, nothing else."""
    jobs = jobs_for_files(FILES)
    expected = {
        i: prepare(o) for i, o in parse_jobs(jobs, workers=1) if not isinstance(o, ParseError)
    }
    prepared = dict(prepare_jobs(jobs, workers=workers))
    assert prepared == expected
    assert all(getattr(p, "rows", True) for p in prepared.values())


def test_gc_is_paused_inside_and_restored_after() -> None:
    import gc

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause does not resume the outer one
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("kind", "size"),
    [("plain", 1000), ("gzip", 5000), ("zip", 3000), ("missing", 0)],
)
def test_content_size_reads_packed_sizes_from_headers(tmp_path: Path, kind: str, size: int) -> None:
    import gzip
    import zipfile

    path = tmp_path / f"list.{kind}"
    if kind == "plain":
        path.write_bytes(b"x" * size)
    elif kind == "gzip":
        path.write_bytes(gzip.compress(b"x" * size))
    elif kind == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("a.xml", b"x" * 1000)
            archive.writestr("b.xml", b"y" * 2000)
    job = registry.ParseJob("un_sc_xml", None, [path])
    assert _content_size(job) == size


def _statements(url: str) -> list[tuple[Any, ...]]:
    from sqlalchemy import text

    with open_store(url) as store, store.engine.connect() as conn:
        query = text(
            "SELECT dataset, entity_id, key, schema, prop, value, lang, original_value, is_ref, "
            "first_seen, last_seen FROM store_statement ORDER BY dataset, entity_id, key"
        )
        return [tuple(row) for row in conn.execute(query)]


def test_parallel_import_through_row_files_stores_the_sequential_statements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers on SQLite hand their rows over in row files (then deleted); the store
    gets exactly the statements of an inline import."""
    import tempfile

    from sanctionwatch.store import Store
    from sanctionwatch.store.models import PreparedVersion, RowFile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    handed: list[bool] = []
    original = Store.import_prepared

    def spy(self: Store, prepared: PreparedVersion, **kwargs: Any) -> Any:
        handed.append(isinstance(prepared.rows, RowFile) and Path(prepared.rows.path).exists())
        return original(self, prepared, **kwargs)

    monkeypatch.setattr(Store, "import_prepared", spy)
    with open_store(f"sqlite:///{tmp_path}/seq.sqlite") as store:
        import_paths(store, FILES, workers=1)
    assert handed and not any(handed)  # inline: rows in memory
    handed.clear()
    with open_store(f"sqlite:///{tmp_path}/par.sqlite") as store:
        import_paths(store, FILES, workers=2)
    assert handed and all(handed)
    sequential = _statements(f"sqlite:///{tmp_path}/seq.sqlite")
    assert sequential and _statements(f"sqlite:///{tmp_path}/par.sqlite") == sequential
    assert list(scratch.iterdir()) == []  # the row files and their folder are gone


def test_prepare_jobs_with_a_row_dir_writes_the_rows_to_files(tmp_path: Path) -> None:
    from sanctionwatch.store.models import PreparedVersion, RowFile
    from sanctionwatch.store.rowfile import read_row_file

    jobs = jobs_for_files(FILES)
    in_memory = dict(prepare_jobs(jobs, workers=1))
    in_files = dict(prepare_jobs(jobs, workers=2, row_dir=tmp_path))
    assert in_files.keys() == in_memory.keys()
    for index, outcome in in_files.items():
        expected = in_memory[index]
        if not isinstance(outcome, PreparedVersion):
            assert outcome == expected  # a delta stays as it is
            continue
        assert isinstance(expected, PreparedVersion) and isinstance(expected.rows, list)
        assert isinstance(outcome.rows, RowFile)
        assert Path(outcome.rows.path).parent == tmp_path
        assert list(read_row_file(outcome.rows)) == expected.rows
        assert outcome.entities == expected.entities and outcome.issues == expected.issues


def test_a_parse_error_leaves_no_row_files_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool is shut down before the row folder is removed: the error is the parse
    error (not a cleanup error), and no worker's file outlives the run."""
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    broken = tmp_path / "un_broken.xml"
    text = UN_DPRK.read_bytes()
    broken.write_bytes(text[: len(text) // 2])
    with open_store(f"sqlite:///{tmp_path}/store.sqlite") as store, pytest.raises(ParseError):
        import_paths(store, [ZALA, OFSI_CSV, broken], workers=2)
    assert list(scratch.iterdir()) == []

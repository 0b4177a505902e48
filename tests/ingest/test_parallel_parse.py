"""Parallel parsing in `ingest.service`: the same entities and reports as a sequential run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.errors import MissingExtraError, ParseError, SanctionwatchError
from sanctionwatch.ingest.service import import_paths, jobs_for_files, parse_jobs
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

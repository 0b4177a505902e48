"""The persisted index as server workers use it: built once when several start together,
loaded with its matching features (no re-extraction), with the same results as a fresh build."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from followthemoney import EntityProxy

from sanctionwatch.screening import index as index_module
from sanctionwatch.screening.features import extract_features
from sanctionwatch.screening.index import load_index, load_or_build
from sanctionwatch.screening.service import MatchOptions, Screener, make_query
from tests.screening.conftest import listed_entities

QUERIES = {
    "hangul": ("Person", {"name": ["김정은"]}),
    "cyrillic": ("Person", {"name": ["Ким Ён Чхоль"]}),
    "typo": ("Person", {"name": ["Kim Jong Uhn"], "birthDate": ["1984-01-08"]}),
    "organisation": ("Organization", {"name": ["Korea Mining Development Trading Corp"]}),
}


def _build_in_worker(index_dir: str, built: multiprocessing.Queue[int]) -> None:
    entities, versions = listed_entities()
    calls = 0
    real_build = index_module.ScreeningIndex.build

    def counting_build(*args: object, **kwargs: object) -> index_module.ScreeningIndex:
        nonlocal calls
        calls += 1
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    index_module.ScreeningIndex.build = counting_build  # type: ignore[method-assign]
    load_or_build(entities, versions=versions, index_dir=Path(index_dir))
    built.put(calls)


@pytest.mark.slow
def test_workers_starting_together_build_the_index_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    built: multiprocessing.Queue[int] = ctx.Queue()
    workers = [ctx.Process(target=_build_in_worker, args=(str(tmp_path), built)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
        assert worker.exitcode == 0
    assert sorted(built.get(timeout=5) for _ in workers) == [0, 0, 1]
    assert [p.name for p in tmp_path.glob("screening-*")] == [
        next(tmp_path.glob("screening-*.pkl")).name
    ]  # no temp file left behind


def test_loaded_index_carries_the_features(
    listed: tuple[list[EntityProxy], dict[str, str]], tmp_path: Path
) -> None:
    entities, versions = listed
    built = load_or_build(entities, versions=versions, index_dir=tmp_path)
    loaded = load_index(tmp_path, versions)
    assert loaded is not None
    for before, after in zip(built.entities[:50], loaded.entities[:50], strict=True):
        assert after.features_blob is not None
        assert after.prepared == before.prepared == extract_features(after.proxy, after.extra_ids)


@pytest.fixture(scope="module")
def fresh_and_loaded(
    listed: tuple[list[EntityProxy], dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Screener, Screener]:
    entities, versions = listed
    index_dir = tmp_path_factory.mktemp("index")
    fresh = Screener.build(entities, versions=versions, index_dir=index_dir)
    return fresh, Screener.build([], versions=versions, index_dir=index_dir)


@pytest.mark.parametrize(("schema", "props"), QUERIES.values(), ids=QUERIES.keys())
def test_loaded_index_matches_like_a_fresh_one(
    fresh_and_loaded: tuple[Screener, Screener], schema: str, props: dict[str, list[str]]
) -> None:
    fresh, loaded = fresh_and_loaded
    query = make_query(schema, props)
    options = MatchOptions(threshold=0.0, cutoff=0.0, limit=10)
    expected = [(r.entity.id, r.score, r.features) for r in fresh.match(query, options)]
    assert expected
    assert [(r.entity.id, r.score, r.features) for r in loaded.match(query, options)] == expected

"""`api.heap`: the warm index leaves the collector's generations, and a replaced one is still
collected (no leak when the lists change and the screener is rebuilt); what survives young
collections is frozen too, and `settle` frees the cycles that died frozen."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.api import heap
from sanctionwatch.api.app import HEAP_RESETTLE_MINUTES_KEY, resettle_seconds
from sanctionwatch.errors import ConfigError
from sanctionwatch.settings import Settings


class Node:
    """An object in a reference cycle: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # leave the test process as it was


def test_settle_freezes_what_is_alive(unfrozen: None) -> None:
    index = [Node() for _ in range(100)]
    heap.settle()
    assert gc.get_freeze_count() >= len(index)
    assert not any(gc.is_tracked(n) and n in gc.get_objects() for n in index[:3])


def test_a_replaced_index_is_still_collected(unfrozen: None) -> None:
    old = Node()
    gone = weakref.ref(old)
    heap.settle()  # `old` is frozen now, as a warm index is
    del old  # the screener was replaced: only the cycle keeps it alive
    heap.settle()  # the next build's settle unfreezes first
    assert gone() is None


@pytest.fixture
def freezer(unfrozen: None) -> Iterator[heap.YoungFreezer]:
    """A `YoungFreezer` for one test (the process-wide one would stay installed)."""
    freezer = heap.YoungFreezer()
    gc.callbacks.append(freezer)
    yield freezer
    gc.callbacks.remove(freezer)


def test_survivors_of_a_young_collection_are_frozen(freezer: heap.YoungFreezer) -> None:
    memo = [Node() for _ in range(50)]  # a cache filled by requests after the warm-up
    before = gc.get_freeze_count()
    gc.collect(1)
    assert freezer.freezes == 1
    assert gc.get_freeze_count() >= before + len(memo)
    assert not any(n in gc.get_objects() for n in memo[:3])  # no collection walks them now


def test_settle_frees_cycles_that_died_frozen(freezer: heap.YoungFreezer) -> None:
    dropped = Node()
    gone = weakref.ref(dropped)
    gc.collect(1)  # frozen while alive
    del dropped
    gc.collect()
    assert gone() is not None  # the price of freezing: a full collection cannot see it
    heap.settle()
    assert gone() is None


def test_a_full_collection_only_walks_what_came_since(freezer: heap.YoungFreezer) -> None:
    gc.collect(1)
    memo = [Node() for _ in range(10_000)]
    gc.collect(1)
    fresh = [Node() for _ in range(10)]
    assert not any(n in gc.get_objects() for n in memo[:3])
    assert any(n is fresh[0] for n in gc.get_objects())


@pytest.mark.parametrize(
    ("value", "seconds"), [(None, 86400.0), (30, 1800.0), ("0", None), (0.5, 30.0)]
)
def test_resettle_setting(value: object, seconds: float | None) -> None:
    extra = {} if value is None else {HEAP_RESETTLE_MINUTES_KEY: value}
    assert resettle_seconds(Settings(home=Path("."), db_url="sqlite://", extra=extra)) == seconds


@pytest.mark.parametrize("value", ["soon", -1])
def test_resettle_setting_rejects(value: object) -> None:
    with pytest.raises(ConfigError, match=HEAP_RESETTLE_MINUTES_KEY):
        resettle_seconds(
            Settings(home=Path("."), db_url="sqlite://", extra={HEAP_RESETTLE_MINUTES_KEY: value})
        )

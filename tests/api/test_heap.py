"""`api.heap.settle`: the warm index leaves the collector's generations, and a replaced one
is still collected (no leak when the lists change and the screener is rebuilt)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from sanctionwatch.api import heap


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

"""The reader holder: built once, lazily, in the background; rebuilt when the lists change
while the previous reader keeps serving; a failed build keeps the previous reader."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from sanctionwatch.api.errors import NotReadyError
from sanctionwatch.api.ports import StoreLike
from sanctionwatch.api.readers import ReaderHolder
from sanctionwatch.errors import ConfigError
from tests.api.fakes import ZALA, FakeStore, read_entities


class Factory:
    """Builds numbered stand-in readers; can be told to block or to fail."""

    def __init__(self) -> None:
        self.built = 0
        self.gate = threading.Event()
        self.gate.set()
        self.fail = False

    def __call__(self, store: StoreLike) -> Any:
        self.gate.wait(5)
        if self.fail:
            raise ConfigError("regime file missing")
        self.built += 1
        return f"reader {self.built}"


def wait_for(condition: Any) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(read_entities(ZALA))


def test_built_once_on_first_use(store: FakeStore) -> None:
    factory = Factory()
    holder = ReaderHolder(store, factory, wait=5)
    assert not holder.ready and factory.built == 0  # lazy: nothing built yet
    assert holder.get() == "reader 1"
    assert holder.get() == "reader 1"
    assert factory.built == 1
    assert holder.versions == store.current_versions()


def test_list_change_rebuilds_in_the_background(store: FakeStore) -> None:
    factory = Factory()
    holder = ReaderHolder(store, factory, wait=5)
    holder.get()
    factory.gate.clear()  # the rebuild will block until released
    dataset = next(iter(store.current_versions()))
    store.bump(dataset, "20991231")
    assert holder.get() == "reader 1"  # the old reader serves meanwhile
    factory.gate.set()
    wait_for(lambda: holder.versions.get(dataset) == "20991231")
    assert holder.get() == "reader 2"


def test_not_ready_after_the_wait(store: FakeStore) -> None:
    factory = Factory()
    factory.gate.clear()
    holder = ReaderHolder(store, factory, wait=0.05)
    with pytest.raises(NotReadyError, match="still being built"):
        holder.get()
    factory.gate.set()
    wait_for(lambda: holder.ready)


def test_failed_build_reports_and_keeps_the_previous(store: FakeStore) -> None:
    factory = Factory()
    factory.fail = True
    holder = ReaderHolder(store, factory, wait=5)
    with pytest.raises(NotReadyError, match="regime file missing"):
        holder.get()
    factory.fail = False
    wait_for(lambda: holder.get() == "reader 1")  # the next call builds again
    factory.fail = True
    store.bump(next(iter(store.current_versions())), "20991231")
    holder.get()
    wait_for(lambda: holder.last_error is not None)
    assert holder.get() == "reader 1"

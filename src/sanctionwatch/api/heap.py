"""Keep Python's cyclic garbage collector off the long-lived screening index.

A server process holds one big, long-lived object graph (the screening index with its
matching features) and makes short-lived garbage on every request. Each full collection
walks every tracked object, index included, and its cost lands on whichever request happens
to allocate at that moment: measured on the load-test queries, `Screener.match` spent about
a tenth of its CPU there. `gc.freeze()` moves the objects alive at that point to a permanent
generation that collections skip; reference counting still frees them as usual.

Frozen objects are never collected by the cyclic collector, so an index that is replaced
(the lists changed) must be unfrozen first, or its reference cycles would stay in memory:
`settle()` always unfreezes, collects, then freezes what is left. That full collection
pauses the process once per index build (a fraction of a second), off the request path's
steady state.

Under load the heap keeps growing after that: every request leaves a few long-lived objects
behind (the screener's per-name memos, caches), and each full collection walks all of them
again: 0.1-0.4 s pauses every few seconds in a server that has answered some thousand
queries, during which the requests queued on that worker wait (the p99 of `/match` in
`benchmarks/api_load.py`). `YoungFreezer` freezes what survives the young generations, so
a full collection only ever walks what arrived since the last one. What it cannot do is
free reference cycles that became garbage after being frozen; `settle()` (each index build,
and every `heap_resettle_minutes`, a setting, from a timer) collects those, so the leak is
bounded in time.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger(__name__)

_lock = threading.Lock()  # two screener warm-ups finishing together settle one at a time


def settle() -> None:
    """Collect once, then freeze every surviving object (call after a screener is warm)."""
    with _lock:
        started = time.perf_counter()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        log.info(
            "heap settled: %d objects frozen in %.0f ms",
            gc.get_freeze_count(),
            1000 * (time.perf_counter() - started),
        )


class YoungFreezer:
    """Freeze the survivors of every young collection, so full collections stay short.

    A generation-1 collection moves its survivors to the oldest generation; freezing right
    after it (the young generations are empty then) takes them out of every later
    collection. Install it once per process, after the first `settle()`."""

    def __init__(self) -> None:
        self.freezes = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 1:
            gc.freeze()
            self.freezes += 1


_freezer: YoungFreezer | None = None


def install_young_freezer(resettle_seconds: float | None) -> YoungFreezer:
    """The process's `YoungFreezer`, installed as a collector callback, with a daemon thread
    that runs `settle()` every `resettle_seconds` (None: only on index builds). Idempotent:
    the first call decides."""
    global _freezer
    with _lock:
        if _freezer is None:
            _freezer = YoungFreezer()
            gc.callbacks.append(_freezer)
            if resettle_seconds:
                threading.Thread(
                    target=_resettle_loop,
                    args=(resettle_seconds,),
                    name="heap-resettle",
                    daemon=True,
                ).start()
        return _freezer


def _resettle_loop(seconds: float) -> None:
    while True:
        time.sleep(seconds)
        settle()

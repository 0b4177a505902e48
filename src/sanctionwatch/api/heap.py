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

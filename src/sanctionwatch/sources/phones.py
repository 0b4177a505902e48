"""Phone number cleaning, run off the parser's call stack.

Why: `phonenumbers.parse` keeps the exception it catches in a local variable, so a number
with an unknown country code ("+0..." in OFAC and OFSI) leaves a reference cycle behind
(frame, exception, traceback, frame). Through the frames' `f_back` links that cycle keeps
every frame that was on the stack alive after it returns, with its locals: the parser's,
and so the whole list it was building. Only the garbage collector frees them, walking every
entity once more (0.1-0.4 CPU-s per big list). Run on a helper thread, the cycle holds that
thread's few frames and nothing of the parse. The results are FtM's own.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from followthemoney import EntityProxy
from followthemoney.types import registry

_helpers: dict[int, ThreadPoolExecutor] = {}


def clean_phone(
    text: str, format: str | None = None, proxy: EntityProxy | None = None
) -> str | None:
    """`registry.phone.clean(text, format=format, proxy=proxy)` (the entity's countries help
    read national numbers), computed on the helper thread."""
    kwargs: dict[str, Any] = {"format": format, "proxy": proxy}
    return _helper().submit(registry.phone.clean, text, **kwargs).result()


def _helper() -> ThreadPoolExecutor:
    """This process's helper thread. Keyed by process id: a forked parse worker inherits
    the parent's executor object but not its thread, so it starts its own. (Two threads
    racing here at worst make one spare executor.)"""
    pid = os.getpid()
    helper = _helpers.get(pid)
    if helper is None:
        helper = _helpers[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phones")
    return helper

"""Small helpers the page routers share: plain dicts for templates, blocking calls, forms."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from sanctionwatch.errors import InputError

T = TypeVar("T")

PAGE_SIZE = 50


async def blocking(func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run a workspace or store call (blocking I/O) off the event loop."""
    return await run_in_threadpool(func, *args, **kwargs)


def plain(value: Any) -> Any:
    """Records as JSON-like dicts (`to_dict` where a record has one), recursively, so templates
    see one shape whether a service returned records or dicts."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, type):
        return plain(to_dict())
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def optional_int(raw: str | None, field: str) -> int | None:
    """A form or query value that may be empty; `InputError` naming the field otherwise."""
    if raw is None or not raw.strip():
        return None
    try:
        return int(raw.strip())
    except ValueError as exc:
        raise InputError(f"{field} must be a whole number, got {raw!r}") from exc


def optional(raw: str | None) -> str | None:
    return raw.strip() if raw and raw.strip() else None


def int_list(values: list[str], field: str) -> list[int]:
    out = []
    for raw in values:
        value = optional_int(raw, field)
        if value is not None:
            out.append(value)
    return out

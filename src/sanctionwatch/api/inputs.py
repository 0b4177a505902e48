"""Request parsing shared by the routes: dataset scope, timestamps, unsupported parameters.

These functions turn wire parameters into the arguments of a service call, or raise an
`ApiError` with yente's status code and message. They decide nothing about matching.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from fastapi import Request

from sanctionwatch.api.errors import ApiError
from sanctionwatch.api.state import ScreenerHolder

DEFAULT_SCOPE = "default"
# yente's pattern: a date, optionally with a time (and seconds, fractions and a zone).
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"


def get_holder(request: Request) -> ScreenerHolder:
    holder: ScreenerHolder = request.app.state.holder
    return holder


def resolve_scope(
    dataset: str,
    known: Iterable[str],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> frozenset[str] | None:
    """The datasets a request may see; None means every loaded dataset (no filter).

    As in yente, `default` spans every loaded dataset and each dataset name is a collection of
    its own; `include_dataset` narrows the scope and `exclude_dataset` removes from it.
    """
    names = frozenset(known)
    if dataset == DEFAULT_SCOPE:
        scope = set(names)
    elif dataset in names:
        scope = {dataset}
    else:
        raise ApiError(404, "No such dataset.")
    if include:
        scope &= set(include)
    scope -= set(exclude)
    return None if scope == names else frozenset(scope)


def check_timestamp(value: str | None, name: str) -> str | None:
    """An ISO date or datetime that really exists (the pattern alone allows 2024-13-45)."""
    if value is None:
        return None
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ApiError(400, f"Invalid {name}: {value!r} is not an ISO date or datetime") from exc
    return value


def reject_unsupported(params: Mapping[str, object]) -> None:
    """400 for yente parameters this server does not honour yet, rather than ignoring them."""
    used = sorted(name for name, value in params.items() if value)
    if used:
        raise ApiError(400, f"Parameter not supported by this server: {', '.join(used)}")

"""Comparing event lists across engines: exact keys, numbers within 1e-6."""

from __future__ import annotations

import json
from typing import Any

from sanctionwatch.maritime.records import Event


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def normalise(events: list[Event]) -> list[str]:
    return sorted(json.dumps(_round(e.to_json()), sort_keys=True) for e in events)

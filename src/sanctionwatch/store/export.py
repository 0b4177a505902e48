"""Export the store's current entities as FtM JSON lines (one entity dict per line)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sanctionwatch.store.store import Store


def export_ftm(store: Store, out: TextIO, dataset: str | None = None) -> int:
    """Write every current entity (of `dataset`, or of all datasets); return how many.

    Each line is `EntityProxy.to_dict()` (id, schema, properties, datasets, first/last seen),
    which `followthemoney`'s `model.get_proxy` and the `ftm` tools read back.
    """
    count = 0
    for entity in store.entities(dataset):
        out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True))
        out.write("\n")
        count += 1
    return count

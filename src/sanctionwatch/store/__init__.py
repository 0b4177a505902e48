"""The versioned statement store: every list version kept, entities assembled on read.

Embedded default: one SQLite file (stdlib, transactional, WAL readers; see `engine` and
docs/decisions/store.md). PostgreSQL for a team server, by URL. DuckDB is kept for batch
analytics in `engine/`, not for the store.
"""

from sanctionwatch.store.export import export_ftm
from sanctionwatch.store.models import (
    ChangeItem,
    Changes,
    DatasetInfo,
    ImportRefusedError,
    ImportReport,
    PropertyChange,
    VersionInfo,
)
from sanctionwatch.store.store import Store, open_store

__all__ = [
    "ChangeItem",
    "Changes",
    "DatasetInfo",
    "ImportRefusedError",
    "ImportReport",
    "PropertyChange",
    "Store",
    "VersionInfo",
    "export_ftm",
    "open_store",
]

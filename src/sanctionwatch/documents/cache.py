"""A gazetteer persisted per set of list versions, so `analyze` does not re-read the store.

The cache is a pickle in a directory the user owns (`HOME/documents-cache`), written by this
package only; its key covers the list versions, the curated tables and the package version.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from followthemoney import EntityProxy

from sanctionwatch.documents.gazetteer import Gazetteer, curated_tables

FORMAT = "gazetteer-v4"  # v2: lemma rows from spaCy lookups; v3: no short lemmas; v4: index
# of names by their second word


def cache_key(versions: Mapping[str, str]) -> str:
    payload = json.dumps(
        {"format": FORMAT, "versions": dict(sorted(versions.items())), "curated": curated_tables()},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def load_or_build_gazetteer(
    entities: Callable[[], Iterable[EntityProxy]],
    *,
    versions: Mapping[str, str],
    cache_dir: Path | None,
) -> Gazetteer:
    """The cached gazetteer for these list versions, or a new one (then cached).
    `entities` is only called when the gazetteer has to be built."""
    path = None if cache_dir is None else cache_dir / f"{cache_key(versions)}.pickle"
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                found = pickle.load(fh)
            if isinstance(found, Gazetteer):
                return found
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a stale or broken cache file is rebuilt below
    gazetteer = Gazetteer.build(entities())
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A temporary file of this process's own: several processes (server workers, test
        # workers) may build the same gazetteer at once; each replace is atomic.
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=path.stem, suffix=".tmp", delete=False
        ) as out:
            pickle.dump(gazetteer, out, protocol=pickle.HIGHEST_PROTOCOL)
        Path(out.name).replace(path)
    return gazetteer

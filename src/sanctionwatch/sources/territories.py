"""rigour's table of territory names, built once per rigour version and kept in a file.

Why: FtM cleans every country value through `rigour.territories.lookup_territory`, which on
first use builds a table of about 25,000 normalised territory names (each transliterated:
about 2-3 CPU-s). Every import paid that before its parse workers could start. The table
depends only on rigour (its data and its `normalize_territory_name`), so we keep it as
{normalised name: territory code} in a JSON file named by rigour's version, and hand rigour
the same mapping (the same `Territory` objects, from rigour's own index) instead of letting
it rebuild. Lookups, and so every cleaned value, are exactly rigour's own.

If anything does not fit (another rigour whose internals moved, an unreadable or stale
file, a code rigour no longer knows), rigour is left alone and builds its table as before.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

from platformdirs import user_cache_dir

from sanctionwatch.settings import ENV_PREFIX

FILE_FORMAT = 1
"""Bumped when the file's layout changes (a new name is then written beside the old)."""

_installed = False


def cache_folder() -> Path:
    """`$SANCTIONWATCH_HOME/cache` when set, else the user's cache folder."""
    home = os.environ.get(ENV_PREFIX + "HOME")
    return Path(home) / "cache" if home else Path(user_cache_dir("sanctionwatch"))


def cache_file(folder: Path | None = None) -> Path:
    version = metadata.version("rigour")
    return (folder or cache_folder()) / f"territory-names-rigour-{version}-v{FILE_FORMAT}.json"


def install(folder: Path | None = None) -> bool:
    """Give rigour its name table from the cache file (written on first use).

    Returns True when rigour now uses the cached table (or already did). Safe to call
    often: after the first call it is one flag test.
    """
    global _installed
    if _installed:
        return True
    try:
        from rigour.territories import lookup
        from rigour.territories.territory import Territory, get_index
    except ImportError:
        return False
    original = getattr(lookup, "_get_territory_names", None)
    if not callable(original):
        return False  # rigour's internals moved: it builds its own table
    index = get_index()
    path = cache_file(folder)
    codes = _read(path)
    if codes is None or any(code not in index for code in codes.values()):
        names: dict[str, Territory] = original()
        codes = {name: territory.code for name, territory in names.items()}
        _write(path, codes)
    table: dict[str, Territory] = {name: index[code] for name, code in codes.items()}
    # Read through the module global on each lookup, so this replaces the build.
    lookup._get_territory_names = cache(lambda: table)
    _installed = True
    return True


def _read(path: Path) -> dict[str, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        return None
    return data


def _write(path: Path, codes: dict[str, str]) -> None:
    """Write atomically (a parallel import may read it meanwhile); a cache that cannot be
    written only costs the next run the build again."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as handle:
            temporary = Path(handle.name)
            json.dump(codes, handle, ensure_ascii=False, sort_keys=True)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            temporary.unlink(missing_ok=True)

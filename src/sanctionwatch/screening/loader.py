"""Build or load the screener for the lists in the store (index under `settings.home/index`)."""

from __future__ import annotations

from pathlib import Path

from sanctionwatch.errors import InputError
from sanctionwatch.screening.service import Screener
from sanctionwatch.settings import Settings


def index_dir(settings: Settings) -> Path:
    """Where the persisted screening index lives (setting `index_dir`, default HOME/index).

    One folder for the CLI, the API and the reader, so an index built by one serves all.
    """
    configured = settings.extra.get("index_dir")
    return Path(str(configured)) if configured else settings.home / "index"


def load_screener(settings: Settings) -> Screener:
    """The screener over the current version of every stored list, reusing the saved index.

    The store is read only when the saved index does not match the current list versions.
    """
    from sanctionwatch.store import open_store

    with open_store(settings.db_url) as store:
        versions = store.current_versions()
        if not versions:
            raise InputError("no lists in the store yet: run `sanctionwatch import FILE...` first")
        return Screener.build(store.entities(), versions=versions, index_dir=index_dir(settings))

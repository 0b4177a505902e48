"""Real inputs for the monitor tests (here and in tests/cli): a data folder whose store holds
the UN list of 2025-11-20 and of 2026-02-27 (so the newest version has designations) and a
test watchlist entry for the vessel of a real AIS track, built once per test session and
copied for each test (the workspace lives in the same database and every test needs its own).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sanctionwatch.settings import Settings, load_settings
from tests.paths import AIS, DOCUMENTS, LISTS, REPO

UN_2025 = LISTS / "un" / "history" / "2025-11-20" / "consolidated.xml.gz"
UN_2026 = LISTS / "un" / "consolidated.xml"
WATCHED = Path(__file__).parent / "fixtures" / "watched_vessel_2026-01-15.ftm.json"
WATCHED_MMSI = 567000000
AIS_FILE = AIS / "gfw_segment" / "regression" / "regr_567000000.json.gz"
AIS_CONTEXT = AIS / "context"
GERMAN = DOCUMENTS / "putin-kim-summit-de.txt"
PORTFOLIO = REPO / "examples" / "portfolio.csv"
_READY = ".template-ready"


def template_home(factory: pytest.TempPathFactory) -> Path:
    """The session's template data folder (built on first use)."""
    home = factory.getbasetemp() / "monitor-template-home"
    if (home / _READY).is_file():
        return home
    from sanctionwatch.ingest.service import import_paths
    from sanctionwatch.store import open_store

    settings = load_settings(env={"SANCTIONWATCH_HOME": str(home)})
    home.mkdir(parents=True, exist_ok=True)
    with open_store(settings.db_url) as store:
        import_paths(store, [UN_2025, UN_2026])
        import_paths(store, [WATCHED], dataset="test_watch")
    (home / _READY).write_text("ok", encoding="utf-8")
    return home


def fresh_home(factory: pytest.TempPathFactory, target: Path) -> Settings:
    """A copy of the template in `target`, and settings pointing at it. The screening index
    and the gazetteer cache built by one test are copied back, so the next test reuses them."""
    template = template_home(factory)
    shutil.copytree(template, target)
    return load_settings(env={"SANCTIONWATCH_HOME": str(target)})


def keep_caches(factory: pytest.TempPathFactory, home: Path) -> None:
    """Copy a test's screening index and gazetteer cache into the template (not its
    database, which now holds that test's workspace)."""
    template = template_home(factory)
    for name in ("index", "documents-cache"):
        if (home / name).is_dir() and not (template / name).exists():
            shutil.copytree(home / name, template / name)

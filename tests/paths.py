"""Where the shared real data lives: ../shared/data beside the repository (read-only)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SANCTIONWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
LISTS = SHARED_DATA / "lists"
AIS = SHARED_DATA / "ais"
DOCUMENTS = SHARED_DATA / "documents"
REGIMES = SHARED_DATA / "regimes"

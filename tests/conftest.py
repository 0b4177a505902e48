"""Suite-wide fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.settings import Settings, load_settings


@pytest.fixture
def sw_settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings with a fresh HOME and the embedded store inside it."""
    yield load_settings(env={"SANCTIONWATCH_HOME": str(tmp_path / "home")})

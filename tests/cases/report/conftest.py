"""The report tests' dossiers, read from the JSON built from real data (`dossier_data`)."""

from __future__ import annotations

import pytest

from sanctionwatch.cases.model import CaseDossier
from tests.cases.report.dossier_data import load_fixture


@pytest.fixture(scope="session")
def dossiers() -> dict[str, CaseDossier]:
    return load_fixture()


@pytest.fixture(scope="session")
def dossier(dossiers: dict[str, CaseDossier]) -> CaseDossier:
    """The showcase: YUK TUNG dark, meets CHON MA SAN; German, Russian, Korean reporting."""
    return dossiers["dossier"]


@pytest.fixture(scope="session")
def hostile_dossier(dossiers: dict[str, CaseDossier]) -> CaseDossier:
    """HTML payloads in the case title, a note, an alert title, a vessel and a document."""
    return dossiers["hostile"]

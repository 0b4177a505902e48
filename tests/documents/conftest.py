"""Session fixtures: the regime, the lists (UN 2026, OFAC SDN 2024-05-03) and two readers."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from sanctionwatch.documents.gazetteer import Gazetteer
from sanctionwatch.documents.reader import Reader
from sanctionwatch.documents.regime import Regime, load_regime
from tests.paths import LISTS, REGIMES


@pytest.fixture(scope="session")
def regime() -> Regime:
    return load_regime(REGIMES / "dprk-1718.yaml")


@pytest.fixture(scope="session")
def lists() -> list[tuple[str, list[Any]]]:
    missing = [
        m
        for m in ("un_sc_xml", "us_ofac_csv")
        if importlib.util.find_spec(f"sanctionwatch.sources.{m}") is None
    ]
    if missing:
        pytest.skip(f"list parsers not written yet: {', '.join(missing)}")
    from sanctionwatch.sources import un_sc_xml, us_ofac_csv
    from sanctionwatch.sources.base import SourceFile

    un = un_sc_xml.parse([SourceFile.read(LISTS / "un/consolidated.xml")])
    ofac = us_ofac_csv.parse([SourceFile.read(LISTS / "us_ofac/sdn_csv_2024-05-03/sdn.csv")])
    return [(un.dataset, un.entities), (ofac.dataset, ofac.entities)]


@pytest.fixture(scope="session")
def reader(regime: Regime, lists: list[tuple[str, list[Any]]]) -> Reader:
    """The reader with both lists loaded (no statistical NER: fast and deterministic)."""
    return Reader(gazetteer=Gazetteer.build_from_lists(lists), regime=regime)


@pytest.fixture(scope="session")
def plain_reader(regime: Regime) -> Reader:
    """The reader with the curated gazetteer only (no lists)."""
    return Reader(gazetteer=Gazetteer.build(), regime=regime)

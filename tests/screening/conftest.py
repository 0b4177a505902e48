"""Shared screening fixtures: one small real index per test session.

The index holds the UN DPRK (1718) records and a slice of the 2024 OFAC SDN CSV (its DPRK
rows, a few Russia rows and the first 300 rows), so each test runs against real list data.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from followthemoney import EntityProxy

from sanctionwatch.screening.service import Screener
from sanctionwatch.sources import un_sc_xml, us_ofac_csv
from sanctionwatch.sources.base import SourceFile
from tests.paths import LISTS

UN_DPRK = LISTS / "un" / "derived" / "consolidated_DPRK_1718_subset.xml"
OFAC_2024 = LISTS / "us_ofac" / "sdn_csv_2024-05-03" / "sdn.csv"
_RUSSIA_KEEP = ("PUTIN, Vladimir", "LAVROV, Sergei", "SECHIN, Igor", "SHOIGU, Sergei")


def ofac_slice() -> SourceFile:
    """The OFAC rows the tests use, as a smaller sdn.csv."""
    lines = OFAC_2024.read_bytes().decode("utf-8", "replace").splitlines(keepends=True)
    kept = [
        line
        for number, line in enumerate(lines)
        if number < 300 or "DPRK" in line or any(k in line for k in _RUSSIA_KEEP)
    ]
    return SourceFile(name="sdn.csv", data="".join(kept).encode())


def listed_entities() -> tuple[list[EntityProxy], dict[str, str]]:
    un = un_sc_xml.parse([SourceFile.read(UN_DPRK)])
    ofac = us_ofac_csv.parse([ofac_slice()])
    versions = {un.dataset: un.version, ofac.dataset: ofac.version or "2024-05-03"}
    entities = []
    for parsed in (un, ofac):
        for entity in parsed.entities:
            entity.context["datasets"] = [parsed.dataset]
            entities.append(entity)
    return entities, versions


@pytest.fixture(scope="session")
def listed() -> tuple[list[EntityProxy], dict[str, str]]:
    return listed_entities()


@pytest.fixture(scope="session")
def screener(listed: tuple[list[EntityProxy], dict[str, str]]) -> Iterator[Screener]:
    entities, versions = listed
    yield Screener.build(entities, versions=versions)

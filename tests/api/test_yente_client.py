"""The real `yente-client` from PyPI against a running server: only the base URL changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from yente_client import Client  # type: ignore[import-untyped]
from yente_client.entities import Person  # type: ignore[import-untyped]
from yente_client.exceptions import (  # type: ignore[import-untyped]
    BadRequestError,
    NotFoundError,
)

OSETROVA = "NK-2Tbri3s6GgNtAwsSXh4qpL"


@pytest.fixture(scope="module")
def yente(server_url: str) -> Iterator[Client]:
    with Client(base_url=server_url, app_name="sanctionwatch-tests") as client:
        yield client


def test_health_and_readiness(yente: Client) -> None:
    assert yente.healthz().status == "ok"
    assert yente.readyz().status == "ok"


def test_datasets_and_algorithms(yente: Client) -> None:
    catalog = yente.datasets()
    assert "us_ofac_sdn" in [d.name for d in catalog.datasets]
    assert catalog.index_stale is False
    algorithms = yente.algorithms()
    assert algorithms.algorithms and algorithms.best


def test_match(yente: Client) -> None:
    person = Person(name=["Maria Aleksandrovna Osetrova"], birthDate=["1988-01-07"])
    response = yente.match(person)
    assert response.top is not None and response.top.id == OSETROVA
    assert response.top.match and response.total.value == len(response.matches)
    assert response.top.contributing_explanations


def test_match_scoped_to_a_dataset(yente: Client) -> None:
    person = Person(name=["Maria Aleksandrovna Osetrova"])
    assert yente.match(person, datasets=["eu_fsf"]).top is None
    assert yente.match(person, exclude_entities=[OSETROVA]).top is None


def test_match_iter_streams_one_request_per_entity(yente: Client) -> None:
    people = [
        ("a", Person(name=["Maria Osetrova"])),
        ("b", Person(name=["Svetlana Nikolaevna Zakharova"], birthDate=["1964-03-18"])),
        ("c", Person(name=["Joe Bloggs"])),
    ]
    results = dict(yente.match_iter(people, workers=2))
    assert set(results) == {"a", "b", "c"}
    assert results["b"].top is not None and results["b"].top.id == "NK-DQ98GPMgdVH8DSZd8g9Xtc"


def test_search_and_fetch(yente: Client) -> None:
    page = yente.search("Osetrova")
    assert OSETROVA in [r.id for r in page.results]
    assert "countries" in page.facets
    entity = yente.fetch("NK-aU5ybkbRFJucf8YMwsJvDw")
    sanctions = entity.properties["sanctions"]
    assert sanctions and all(getattr(s, "schema_", None) == "Sanction" for s in sanctions)
    # A referent ID follows the 308 redirect to the canonical entity.
    assert yente.fetch("ua-nsdc-26852-zaharova-maria-oleksandrivna").id == OSETROVA


def test_errors_map_to_the_clients_exceptions(yente: Client) -> None:
    with pytest.raises(NotFoundError, match="No such entity!"):
        yente.fetch("NK-does-not-exist")
    with pytest.raises(NotFoundError, match=r"No such dataset\."):
        yente.match(Person(name=["x"]), datasets=["no_such_list"])
    with pytest.raises(BadRequestError, match="algorithm"):
        yente.match(Person(name=["x"]), algorithm="no-such-algorithm")

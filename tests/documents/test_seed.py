"""Acceptance on the seed article (German editorial on the June 2024 Putin-Kim summit)."""

from __future__ import annotations

import pytest

from sanctionwatch.documents.model import Document, Finding
from sanctionwatch.documents.reader import Reader
from tests.paths import DOCUMENTS

SIGNALS = {"reported_violation", "alleged_violation"}


@pytest.fixture(scope="module")
def finding(reader: Reader) -> Finding:
    path = DOCUMENTS / "putin-kim-summit-de.txt"
    return reader.analyze(Document(str(path), path.read_text(encoding="utf-8")))


def test_language_and_alert(finding: Finding) -> None:
    assert finding.document.language == "de"
    assert finding.alert is True


@pytest.mark.parametrize(
    ("categories", "direction"),
    [
        pytest.param({"arms_from_dprk"}, "from_dprk", id="shells-and-missiles-to-russia"),
        pytest.param({"overseas_workers"}, "from_dprk", id="workers-to-russia"),
        pytest.param(
            {"specialized_training_scientific_cooperation", "wmd_missile_items"},
            "to_dprk",
            id="satellite-know-how-to-dprk",
        ),
    ],
)
def test_activities(finding: Finding, categories: set[str], direction: str) -> None:
    hits = [a for a in finding.activities if a.category in categories]
    assert hits, [a.category for a in finding.activities]
    assert all(a.direction == direction for a in hits)
    assert all(a.assertion in SIGNALS for a in hits)
    for act in hits:
        assert finding.document.text[act.start : act.end] == act.evidence
        assert act.provisions


def test_food_aid_is_an_exemption_not_a_violation(finding: Finding) -> None:
    food = [x for x in finding.exemptions if x.id == "food_aid_into_dprk"]
    assert food
    assert "Lebensmittelhilfe" in food[0].evidence
    assert not any("food" in a.category for a in finding.activities)


def test_iranian_drones_are_not_a_dprk_activity(finding: Finding) -> None:
    text = finding.document.text
    drones = text.index("bewaffneten Drohnen")
    assert not any(a.start <= drones < a.end for a in finding.activities)


@pytest.mark.parametrize(
    ("surface", "entity_id"),
    [pytest.param("Putin", "ofac-35096", id="putin"), pytest.param("Kim", "ofac-20157", id="kim")],
)
def test_leaders_linked_to_ofac(finding: Finding, surface: str, entity_id: str) -> None:
    linked = {m.entity_id for m in finding.mentions if m.text == surface}
    assert linked == {entity_id}
    assert all(m.dataset == "us_ofac_sdn" for m in finding.mentions if m.text == surface)


def test_countries(finding: Finding) -> None:
    named = {m.country for m in finding.mentions if m.type == "COUNTRY"}
    assert {"KP", "RU", "CN", "KR", "US", "UA"} <= named
    # Iran is referred to by an adjective only ("dem iranischen Regime"): not a mention, but
    # a country of the story
    assert "IR" not in named
    assert set(finding.countries) == {"KP", "RU", "IR", "CN", "KR", "US", "UA"}


def test_inflected_places(finding: Finding) -> None:
    places = {m.text: m.label for m in finding.mentions if m.type == "LOCATION"}
    assert places["Pjöngjangs"] == "Pyongyang"
    assert places["Seouls"] == "Seoul"


def test_json_contract(finding: Finding) -> None:
    data = finding.to_dict()
    assert set(data) >= {"document", "mentions", "activities", "exemptions", "alert", "countries"}
    # `published` was added for issue 4 (ISO date or null); nothing was renamed or removed
    assert set(data["document"]) == {"source", "language", "title", "published"}
    assert set(data["mentions"][0]) == {
        "text",
        "start",
        "end",
        "type",
        "entity_id",
        "dataset",
        "score",
        "country",
        "imo",
    }
    assert set(data["activities"][0]) >= {
        "category",
        "direction",
        "assertion",
        "start",
        "end",
        "evidence",
        "actors",
        "provisions",
    }
    assert set(data["exemptions"][0]) == {"id", "start", "end", "evidence"}


@pytest.mark.parametrize(
    ("category", "supplier", "receiver"),
    [
        pytest.param("arms_from_dprk", "KP", "RU", id="arms-dprk-to-russia"),
        pytest.param("wmd_missile_items", "RU", "KP", id="satellite-russia-to-dprk"),
    ],
)
def test_actors(finding: Finding, category: str, supplier: str, receiver: str) -> None:
    (act,) = [a for a in finding.activities if a.category == category]
    roles = {(a["role"], a["country"]) for a in act.actors}
    assert ("supplier", supplier) in roles
    assert ("receiver", receiver) in roles

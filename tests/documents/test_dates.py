"""Publication dates: datelines in the five languages, metadata values, and the real dev texts
(none of which has a dateline: a date inside a sentence must not be taken for one)."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime

import pytest

from sanctionwatch.documents.dates import dateline, meta_date
from sanctionwatch.documents.extract import Input, read_input
from sanctionwatch.documents.model import Document, Finding
from sanctionwatch.documents.reader import Reader
from tests.paths import DOCUMENTS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("27.02.2026\nNordkorea liefert Granaten\nText", "2026-02-27", id="de-numeric"),
        pytest.param(
            "Nordkorea liefert Granaten\nBERLIN, 27. Februar 2026 – Die Regierung sagt",
            "2026-02-27",
            id="de-place-dash",
        ),
        pytest.param(
            "Titel\nveröffentlicht am 27.02.2026 um 10:15 Uhr\nText", "2026-02-27", id="de-label"
        ),
        pytest.param("Published: February 27, 2026 10:15 am\nText", "2026-02-27", id="en-label"),
        pytest.param("MOSCOW, Feb. 27, 2026 — The ministry said", "2026-02-27", id="en-abbrev"),
        pytest.param("Update 2026-02-27T10:00:00Z\nText", "2026-02-27", id="iso-datetime"),
        pytest.param("Séoul, le 27 février 2026 - La Corée du Nord", "2026-02-27", id="fr-place"),
        pytest.param("Titre\nVendredi 27 février 2026\nTexte", "2026-02-27", id="fr-weekday"),
        pytest.param("1er mars 2026\nTexte", "2026-03-01", id="fr-premier"),
        pytest.param("Заголовок\n27 февраля 2026, 14:05\nТекст", "2026-02-27", id="ru-time"),
        pytest.param("Москва, 27 февраля 2026 г. — Текст", "2026-02-27", id="ru-year-word"),
        pytest.param("제목\n2026년 2월 27일(금)\n본문", "2026-02-27", id="ko-words"),
        pytest.param(
            "제목\n입력 2026.02.27 15:30 수정 2026.02.28 16:00\n본문", "2026-02-27", id="ko-portal"
        ),
        # a date inside a sentence is an event date, never the publication date
        pytest.param("Der Rat hat am 27. Februar 2017 Rechtsakte erlassen.", None, id="de-event"),
        pytest.param(
            "WASHINGTON – Today, pursuant to E.O. 13722 of March 15, 2016, x", None, id="en-event"
        ),
        pytest.param("Title\n\nThe meeting on 27 February 2026 was held.", None, id="en-in-text"),
        pytest.param("31.02.2026\nText", None, id="impossible-date"),
        pytest.param("02/03/2026\nText", None, id="ambiguous-slashes"),
        pytest.param("Line one\n" * 8 + "27.02.2026\nText", None, id="too-far-down"),
    ],
)
def test_dateline(text: str, expected: str | None) -> None:
    assert dateline(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2026-02-27", "2026-02-27", id="iso-date"),
        pytest.param("2026-02-27T23:10:00+09:00", "2026-02-27", id="iso-offset"),
        pytest.param("Fri, 27 Feb 2026 10:00:00 GMT", "2026-02-27", id="rfc822"),
        pytest.param(datetime(2026, 2, 27, 8, tzinfo=UTC), "2026-02-27", id="datetime"),
        pytest.param(time.strptime("2026-02-27", "%Y-%m-%d"), "2026-02-27", id="struct-time"),
        pytest.param("27 février 2026", "2026-02-27", id="written"),
        pytest.param("soon", None, id="no-date"),
        pytest.param(None, None, id="none"),
    ],
)
def test_meta_date(value: object, expected: str | None) -> None:
    assert meta_date(value) == expected


def test_dev_texts_have_no_false_dateline() -> None:
    """None of the dev excerpts starts with a dateline (their dates come from the pages or
    were inferred by the annotators); several carry event dates in their first sentences."""
    texts = sorted((DOCUMENTS / "dev").glob("[0-9]*.txt"))
    assert len(texts) == 16
    for path in texts:
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        found = dateline(path.read_text(encoding="utf-8"))
        assert found is None or found == gold["source"]["date"], path.name


def test_dev_text_with_a_dateline_line_added() -> None:
    """A real dev text under a dateline in its language's usual form gets that date."""
    text = (DOCUMENTS / "dev/12-ru-rim-severokoreiskie-rabochie-2025.txt").read_text("utf-8")
    title, _, body = text.partition("\n")
    (doc,) = read_input(Input("a.txt", f"{title}\n9 февраля 2025, 11:42\n{body}".encode()))
    assert doc.published == "2025-02-09"


FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>A</title><description>Text one</description>
<pubDate>Fri, 27 Feb 2026 10:00:00 GMT</pubDate></item>
<item><title>B</title><description>Text two</description></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>t</title><entry><title>A</title><updated>2026-02-26T09:00:00Z</updated>
<published>2026-02-25T09:00:00Z</published><content>Text</content></entry></feed>"""
HTML = b"""<html><head><title>North Korea ships shells</title>
<meta property="article:published_time" content="2026-02-27T08:00:00+09:00"></head>
<body><article><h1>North Korea ships shells</h1><p>North Korea has shipped artillery shells
to Russia, the ministry said on Friday, according to officials in Seoul.</p>
<p>The shipments continued through February, officials said in a briefing.</p></article>
</body></html>"""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(FEED, ["2026-02-27", None], id="rss-pubdate"),
        pytest.param(ATOM, ["2026-02-25"], id="atom-published-first"),
        pytest.param(HTML, ["2026-02-27"], id="html-meta"),
        pytest.param(b"Title\n27.02.2026\nText", ["2026-02-27"], id="text-dateline"),
        pytest.param(b"Title\nText", [None], id="text-none"),
    ],
)
def test_inputs_carry_their_date(data: bytes, expected: list[str | None]) -> None:
    assert [d.published for d in read_input(Input("input", data))] == expected


def test_published_in_the_json_contract(plain_reader: Reader) -> None:
    finding: Finding = plain_reader.analyze(
        Document("x", "BERLIN, 27. Februar 2026 – Nordkorea hat Granaten geliefert.")
    )
    assert finding.to_dict()["document"]["published"] == "2026-02-27"
    given = plain_reader.analyze(Document("y", "27.02.2026\nText", published="2026-01-01"))
    assert given.to_dict()["document"]["published"] == "2026-01-01"
    assert plain_reader.analyze(Document("z", "Text")).to_dict()["document"]["published"] is None


def test_pdf_creation_date_when_no_dateline() -> None:
    from pypdf import PdfReader, PdfWriter

    from tests.documents.test_extract import _pdf_with_text

    writer = PdfWriter(
        clone_from=PdfReader(io.BytesIO(_pdf_with_text("North Korea shipped shells")))
    )
    writer.add_metadata({"/CreationDate": "D:20260227101500+01'00'"})
    buf = io.BytesIO()
    writer.write(buf)
    (doc,) = read_input(Input("report.pdf", buf.getvalue()))
    assert doc.published == "2026-02-27"
    (undated,) = read_input(Input("r.pdf", _pdf_with_text("North Korea shipped shells")))
    assert undated.published is None

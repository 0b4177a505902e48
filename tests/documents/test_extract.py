"""Inputs: text, HTML, PDF, feeds, folders, and bad input that must never stop a batch."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sanctionwatch.documents.dedup import duplicate_groups
from sanctionwatch.documents.extract import Input, iter_documents, read_input
from sanctionwatch.documents.model import Document, DocumentError
from sanctionwatch.errors import Problem
from tests.paths import DOCUMENTS

SEED = DOCUMENTS / "putin-kim-summit-de.txt"
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Nordkorea liefert Granaten</title><description>&lt;p&gt;Nordkorea hat
Granaten an Russland geliefert.&lt;/p&gt;</description><link>https://example.org/1</link></item>
<item><title></title><description></description></item>
<item><title>Second</title><description>Text two</description></item>
</channel></rss>"""


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b"   \n", "empty file", id="whitespace"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file", id="binary"),
        pytest.param(_blank_pdf(), "no text layer", id="pdf-without-text"),
        pytest.param(b"%PDF-1.4 garbage", "unreadable PDF", id="broken-pdf"),
        pytest.param(b"<rss version='2.0'><channel></channel></rss>", "no items", id="empty-feed"),
        pytest.param(
            b"<html><body><script>x()</script></body></html>", "no text", id="html-no-text"
        ),
    ],
)
def test_bad_inputs_get_clear_messages(data: bytes, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        read_input(Input("input", data))


def _pdf_with_text(line: str) -> bytes:
    """A one-page PDF whose content stream writes `line` in Helvetica."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF".encode()
    return bytes(out)


def test_pdf_text_layer() -> None:
    (doc,) = read_input(Input("report.pdf", _pdf_with_text("North Korea shipped shells to Russia")))
    assert "North Korea shipped shells to Russia" in doc.text


def test_html_main_text_without_boilerplate() -> None:
    body = " ".join(["The DPRK sent artillery shells to Russia, officials said."] * 6)
    html = (
        "<html><head><title>Shells</title></head><body><nav>Home | Sport | Weather</nav>"
        f"<article><h1>Shells</h1><p>{body}</p><p>{body}</p></article>"
        "<footer>Cookie settings</footer></body></html>"
    ).encode()
    (doc,) = read_input(Input("page.html", html))
    assert "artillery shells" in doc.text
    assert "Cookie settings" not in doc.text
    assert doc.title == "Shells"


def test_feed_items_become_documents_and_malformed_items_are_skipped() -> None:
    docs = read_input(Input("feed.xml", FEED))
    assert [d.title for d in docs] == ["Nordkorea liefert Granaten", "Second"]
    assert docs[0].source == "https://example.org/1"
    assert "<p>" not in docs[0].text


def test_broken_html_keeps_the_text() -> None:
    html = b"<html><head><title>T</title><body><p>Pyongyang sent shells to Russia.<div><p>More"
    (doc,) = read_input(Input("page.html", html))
    assert "Pyongyang sent shells" in doc.text


def test_batch_goes_on_after_bad_documents(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02" * 100)
    big = tmp_path / "c.txt"
    with big.open("wb") as fh:  # 50 MB, sparse: refused by size before it is read
        fh.seek(50 * 1024 * 1024)
        fh.write(b"x")
    (tmp_path / "d.txt").write_bytes(SEED.read_bytes())
    items = list(iter_documents([str(tmp_path), str(tmp_path / "missing.txt")]))
    problems = [i for i in items if isinstance(i, Problem)]
    docs = [i for i in items if isinstance(i, Document)]
    assert [Path(d.source).name for d in docs] == ["d.txt"]
    messages = " | ".join(p.message for p in problems)
    for expected in ("empty file", "binary file", "MB limit", "no such file"):
        assert expected in messages


def test_url_from_local_mirror(tmp_path: Path) -> None:
    target = tmp_path / "example.org" / "news" / "a.txt"
    target.parent.mkdir(parents=True)
    target.write_bytes(SEED.read_bytes())
    (doc,) = list(iter_documents(["https://example.org/news/a.txt"], mirror=tmp_path))
    assert isinstance(doc, Document)
    assert doc.source == "https://example.org/news/a.txt"
    (problem,) = list(iter_documents(["https://example.org/other"], mirror=tmp_path))
    assert isinstance(problem, Problem) and "not in the local mirror" in problem.message


def test_near_duplicates_grouped() -> None:
    seed = SEED.read_text(encoding="utf-8")
    other = (DOCUMENTS / "dev" / "05-de-upday-nordkorea-soldaten-russland-2024.txt").read_text(
        encoding="utf-8"
    )
    reworded = seed.replace("Besorgniserregendes", "Beunruhigendes").replace("Putin", "Putin,")
    assert duplicate_groups([seed, other, reworded, seed[:1500]]) == [0, 1, 0, 3]

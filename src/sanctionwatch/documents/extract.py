"""Turn inputs into documents: plain text, HTML, PDF, RSS/Atom feeds, URLs and folders.

Each reader returns documents or raises `DocumentError` with a message an analyst can act
on; `iter_documents` turns those errors into `Problem`s so one bad input never stops a batch.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanctionwatch.documents.dates import dateline, meta_date
from sanctionwatch.documents.model import Document, DocumentError
from sanctionwatch.errors import Problem

if TYPE_CHECKING:
    from pypdf import PdfReader

MAX_BYTES = 20 * 1024 * 1024  # larger inputs are refused (a 50 MB text is not an article)
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Input:
    """One input's bytes and where they came from (a path or a URL)."""

    name: str
    data: bytes
    content_type: str = ""


def sniff(item: Input) -> str:
    """ "pdf", "feed", "html" or "text", from magic bytes, the content type and the name."""
    head = item.data[:2048].lstrip().lower()
    suffix = Path(item.name.split("?")[0]).suffix.lower()
    if item.data.startswith(PDF_MAGIC) or "pdf" in item.content_type:
        return "pdf"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if (
        suffix in HTML_SUFFIXES
        or "html" in item.content_type
        or head.startswith((b"<!doctype html", b"<html"))
    ):
        return "html"
    if suffix in FEED_SUFFIXES and b"<" in head[:1]:
        return "feed"
    return "text"


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else cp1252; binary content is refused."""
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{name}: binary file, not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), 4096):
        raise DocumentError(f"{name}: binary file, not a text document")
    return text


def read_input(item: Input) -> list[Document]:
    """Documents in one input (several for a feed); raises `DocumentError`."""
    if not item.data.strip():
        raise DocumentError(f"{item.name}: empty file")
    if len(item.data) > MAX_BYTES:
        raise DocumentError(
            f"{item.name}: {len(item.data) / 1e6:.0f} MB is over the {MAX_BYTES // 1_000_000} MB "
            "limit for one document; split it first"
        )
    kind = sniff(item)
    if kind == "pdf":
        return [pdf_document(item)]
    if kind == "feed":
        return feed_documents(item)
    if kind == "html":
        return [html_document(item.name, decode(item.data, item.name))]
    text = decode(item.data, item.name)
    doc = Document(source=item.name, text=text, title=_first_line(text), published=dateline(text))
    return [_checked(doc)]


def _first_line(text: str) -> str | None:
    line = text.strip().split("\n", 1)[0].strip()
    return line[:200] or None


def _checked(doc: Document) -> Document:
    if not doc.text.strip():
        raise DocumentError(f"{doc.source}: no text found")
    return doc


def html_document(name: str, html: str) -> Document:
    """Main text of a web page (trafilatura); falls back to all visible text. The date is
    the page's metadata date (trafilatura reads meta tags, JSON-LD and the URL), else a
    dateline at the top of the text."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    meta = trafilatura.extract_metadata(html)
    title = meta.title if meta is not None else None
    if not text.strip():
        text = _visible_text(name, html)
    published = (meta_date(meta.date) if meta is not None else None) or dateline(text)
    return _checked(Document(source=name, text=text, title=title, published=published))


def _visible_text(name: str, html: str) -> str:
    """All text outside scripts and styles, for pages trafilatura finds no main text in."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(f"{name}: broken HTML with no text ({exc})") from exc
    etree.strip_elements(root, "script", "style", with_tail=False)
    text = re.sub(r"[ \t]+", " ", etree.tostring(root, method="text", encoding="unicode"))
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def pdf_document(item: Input) -> Document:
    """The text layer of a PDF; a scanned PDF without one is reported (OCR may come later).
    The date is a dateline on the first page, else the PDF's creation date."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(item.data))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"{item.name}: unreadable PDF ({exc})") from exc
    text = "\n".join(pages).strip()
    if not text:
        raise DocumentError(
            f"{item.name}: PDF has no text layer (a scan?); OCR is not supported yet"
        )
    published = dateline(text) or _pdf_created(reader)
    return Document(source=item.name, text=text, title=title, published=published)


def _pdf_created(reader: PdfReader) -> str | None:
    """The creation date of the PDF's document information, when it is readable (a
    malformed date is dropped: it is metadata, not the text)."""
    try:
        return meta_date(reader.metadata.creation_date) if reader.metadata else None
    except (ValueError, TypeError):
        return None


def feed_documents(item: Input) -> list[Document]:
    """One document per feed item (title + summary/content, HTML stripped)."""
    import feedparser  # type: ignore[import-untyped]

    parsed = feedparser.parse(item.data)
    if parsed.bozo and not parsed.entries:
        raise DocumentError(f"{item.name}: not a readable RSS/Atom feed ({parsed.bozo_exception})")
    docs: list[Document] = []
    for n, entry in enumerate(parsed.entries, start=1):
        parts = [c.get("value", "") for c in entry.get("content", [])] or [entry.get("summary", "")]
        body = _strip_tags("\n".join(p for p in parts if p))
        title = _strip_tags(entry.get("title", "")) or None
        text = "\n".join(p for p in (title, body) if p)
        if not text.strip():
            continue  # a malformed item without text: skipped, counted below
        source = entry.get("link") or f"{item.name}#item{n}"
        published = _entry_date(entry) or dateline(body)
        docs.append(Document(source=source, text=text, title=title, published=published))
    if not docs:
        raise DocumentError(f"{item.name}: feed has no items with text")
    return docs


def _entry_date(entry: Any) -> str | None:
    """An RSS/Atom item's publication date (`pubDate`, `published`, `dc:date`), else its
    update date; feedparser gives both parsed (UTC) and raw."""
    for key in ("published_parsed", "updated_parsed", "published", "updated"):
        found = meta_date(entry.get(key))
        if found is not None:
            return found
    return None


def _strip_tags(html: str) -> str:
    if "<" not in html:
        return html.strip()
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", html).strip()
    return etree.tostring(root, method="text", encoding="unicode").strip()


def fetch(url: str, *, mirror: Path | None = None, timeout: float = 60.0) -> Input:
    """Download a URL, or read it from the local mirror (the same layout as for the lists:
    `mirror/<host>/<path>`) when one is configured."""
    if mirror is not None:
        local = mirror_path(url, mirror)
        if not local.is_file():
            raise DocumentError(f"{url}: not in the local mirror ({local})")
        return Input(url, local.read_bytes())
    import httpx

    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise DocumentError(f"{url}: download failed ({exc})") from exc
    return Input(url, response.content, response.headers.get("content-type", ""))


def mirror_path(url: str, mirror: Path) -> Path:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path.lstrip("/") or "index.html"
    return mirror / parts.netloc / path


def expand(inputs: Sequence[str]) -> Iterator[str]:
    """Folders become their files (sorted, hidden files skipped); other inputs pass through."""
    for raw in inputs:
        path = Path(raw)
        if "://" not in raw and path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith(".") and child.suffix != ".json":
                    yield str(child)
        else:
            yield raw


def iter_documents(
    inputs: Sequence[str], *, mirror: Path | None = None, timeout: float = 60.0
) -> Iterator[Document | Problem]:
    """Documents from paths, folders and URLs; a bad input yields a `Problem` and the batch
    goes on."""
    for raw in expand(inputs):
        try:
            if "://" in raw:
                item = fetch(raw, mirror=mirror, timeout=timeout)
            else:
                path = Path(raw)
                if not path.is_file():
                    raise DocumentError(f"{raw}: no such file")
                size = path.stat().st_size
                if size > MAX_BYTES:
                    raise DocumentError(
                        f"{raw}: {size / 1e6:.0f} MB is over the {MAX_BYTES // 1_000_000} MB limit "
                        "for one document; split it first"
                    )
                item = Input(raw, path.read_bytes())
            yield from read_input(item)
        except DocumentError as exc:
            yield Problem(file=raw, location="", field="", value="", message=str(exc))

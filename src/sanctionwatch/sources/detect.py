"""Recognise a list file by its content, never by its name.

`detect(file)` looks at the first bytes only (after unwrapping gzip, and opening a zip's
directory): the XML root element and namespace, the first JSON line's keys, or the CSV header
shape. OFAC's legacy CSV files have no header: they are told apart by their column count
(sdn 12, add 6, alt 5, comments 2), reported as `Detected.part`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass

from sanctionwatch.errors import ParseError, Problem, UnknownFormatError
from sanctionwatch.sources.base import MAX_MEMBER_BYTES, SourceFile

HEAD_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"

NS_EU_FSF = "http://eu.europa.ec/fpi/fsd/export"
NS_OFAC_ADVANCED = "http://www.un.org/sanctions/1.0"
NS_OFAC_ENHANCED = "ENHANCED_XML"
OFAC_CSV_PARTS = {12: "sdn", 6: "add", 5: "alt", 2: "comments"}
EVAL_HEADERS = (
    ("case_group", "schema", "name1", "name2"),
    ("query_name", "result_name"),
    ("label", "name1", "name2"),
    ("surname", "forename", "middle_names", "full_name"),
)


@dataclass(frozen=True)
class Detected:
    """What a file is: the parser format, the dataset if the content says, and which part."""

    format: str
    dataset: str | None = None
    part: str | None = None  # "sdn"/"add"/"alt"/"comments", "classic"/"advanced"/"enhanced"...


@dataclass(frozen=True)
class NotAList:
    """A file recognised as something other than a list (a schema, an evaluation table)."""

    name: str
    reason: str


def gunzip(data: bytes, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
    """The content of gzip bytes (bounded), or the bytes unchanged when they are not gzip."""
    if data[:2] != GZIP_MAGIC:
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ParseError([Problem(name, "", "", "", f"corrupt gzip data: {exc}")]) from exc
    if len(out) > limit:
        raise ParseError([Problem(name, "", "", "", f"gzip content exceeds {limit} bytes")])
    if not inflater.eof:
        raise ParseError([Problem(name, "", "", "", "truncated gzip data")])
    return out


def _gunzip_head(data: bytes, name: str) -> bytes:
    """The first HEAD_BYTES of gzip content, without inflating the whole file."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(data, HEAD_BYTES)
    except zlib.error as exc:
        raise ParseError([Problem(name, "", "", "", f"corrupt gzip data: {exc}")]) from exc


_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)([^>]*)>")
_XMLNS = re.compile(rb"""xmlns(?::[\w.\-]+)?\s*=\s*["']([^"']*)["']""")


def _xml_root(head: bytes) -> tuple[str, str] | None:
    """(root local name, namespaces text) of an XML head, skipping prolog and comments."""
    text = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S)
    match = _XML_ROOT.search(text)
    if match is None:
        return None
    spaces = " ".join(m.decode("utf-8", "replace") for m in _XMLNS.findall(match.group(3)))
    return match.group(2).decode("ascii", "replace"), spaces


def _detect_xml(head: bytes, name: str) -> Detected | NotAList | None:
    found = _xml_root(head)
    if found is None:
        return None
    root, spaces = found
    if root == "CONSOLIDATED_LIST":
        return Detected("un_sc_xml", "un_sc_sanctions")
    if root == "export" and NS_EU_FSF in spaces:
        return Detected("eu_fsf_xml", "eu_fsf")
    if root == "sdnList":
        return Detected("us_ofac_xml", None, "classic")
    if root == "Sanctions" and NS_OFAC_ADVANCED in spaces:
        return Detected("us_ofac_xml", None, "advanced")
    if root == "sanctionsData" and NS_OFAC_ENHANCED in spaces:
        dataset = None
        if b">Consolidated List<" in head:
            dataset = "us_ofac_cons"
        elif b">SDN List<" in head:
            dataset = "us_ofac_sdn"
        return Detected("us_ofac_xml", dataset, "enhanced")
    if root == "schema" and "XMLSchema" in spaces:
        return NotAList(name, "an XML schema (XSD), not a list")
    return None


def _detect_json(head: bytes) -> Detected | None:
    line = head.split(b"\n", 1)[0].strip()
    try:
        first = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(first, dict):
        return None
    if "op" in first and isinstance(first.get("entity"), dict):
        return Detected("ftm_delta", _single_dataset(first["entity"]))
    if "schema" in first and "id" in first:
        return Detected("ftm_json", _single_dataset(first))
    return None


def _single_dataset(entity: dict[str, object]) -> str | None:
    datasets = entity.get("datasets")
    if isinstance(datasets, list) and len(datasets) == 1 and isinstance(datasets[0], str):
        return datasets[0]
    return None


def _detect_csv(head: bytes, name: str) -> Detected | NotAList | None:
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = head[: exc.start].decode("utf-8-sig", "ignore")  # a cut multibyte char
    lines = [ln for ln in text.splitlines()[:8] if ln.strip()]
    if len(lines) > 1 and len(head) >= HEAD_BYTES:
        lines = lines[:-1]  # the last line may be cut by the head limit
    if not lines:
        return None
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
    except csv.Error:
        return None
    first = [c.strip() for c in rows[0]]
    if first and first[0].lower() == "last updated" and len(rows) > 1 and "Group ID" in rows[1]:
        return Detected("gb_ofsi", "gb_hmt_sanctions", "csv")
    if first[:2] == ["_id", "source"] and "alt_names" in first:
        return Detected("us_trade_csl", "us_trade_csl")
    lowered = tuple(c.lower() for c in first)
    for header in EVAL_HEADERS:
        if lowered[: len(header)] == header:
            return NotAList(name, f"a table with columns {', '.join(first[:4])}…, not a list")
    if _looks_like_header(first) and len(rows) > 1:
        return NotAList(name, f"a table with columns {', '.join(first[:4])}…, not a list format")
    if all(r and r[0].strip().isdigit() for r in rows):
        counts = {len(r) for r in rows}
        if len(counts) == 1:
            part = OFAC_CSV_PARTS.get(counts.pop())
            if part is not None and (part == "comments" or "-0-" in text):
                return Detected("us_ofac_csv", None, part)
    return None


_HEADER_CELL = re.compile(r"^[A-Za-z_][\w .\-/]{0,40}$")


def _looks_like_header(cells: list[str]) -> bool:
    """A first CSV row of several short names: a table with a header we do not parse."""
    return len(cells) >= 3 and all(_HEADER_CELL.match(c) for c in cells)


def _detect_zip(data: bytes, name: str) -> Detected | NotAList | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ParseError([Problem(name, "", "", "", f"not a valid zip archive: {exc}")]) from exc
    with archive:
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
        if "xl/workbook.xml" in names:
            return Detected("gb_ofsi", "gb_hmt_sanctions", "xlsx")
        for member in names:
            try:
                with archive.open(member) as handle:
                    head = handle.read(HEAD_BYTES)
            except (
                zipfile.BadZipFile,
                zlib.error,
                ValueError,
                OSError,
                EOFError,
                NotImplementedError,
            ) as exc:
                raise ParseError([Problem(name, member, "", "", f"corrupt member: {exc}")]) from exc
            found = _detect_xml(head, f"{name}!{member}")
            if isinstance(found, Detected):
                return Detected(found.format, found.dataset, f"{found.part or ''} zip".strip())
    return None


def classify(file: SourceFile) -> Detected | NotAList:
    """What the file is, or why it is not a list; UnknownFormatError when nothing matches."""
    data = file.data
    head = _gunzip_head(data, file.name) if data[:2] == GZIP_MAGIC else data[:HEAD_BYTES]
    if not head.strip():
        raise UnknownFormatError(f"{file.name}: empty file")
    found: Detected | NotAList | None = None
    if head[:4] == ZIP_MAGIC:
        if data[:2] == GZIP_MAGIC:
            data = gunzip(data, file.name)
        found = _detect_zip(data, file.name)
    else:
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith(b"<"):
            found = _detect_xml(stripped, file.name)
        elif stripped.startswith(b"{"):
            found = _detect_json(stripped)
        else:
            found = _detect_csv(head, file.name)
    if found is None:
        raise UnknownFormatError(f"{file.name}: no parser recognises this content")
    return found


def detect(file: SourceFile) -> Detected:
    """The format of a list file, judged from its content. Raises UnknownFormatError."""
    found = classify(file)
    if isinstance(found, NotAList):
        raise UnknownFormatError(f"{found.name}: {found.reason}")
    return found

"""Reading untrusted bytes safely: XML without entity expansion, bounded zip members, text.

Every failure raises `ParseError` naming the file and, where known, the line.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import MAX_MEMBER_BYTES


def xml_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
        recover=False,
    )


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse a whole XML document or raise ParseError with the line of the first error."""
    if not data.strip():
        raise ParseError([Problem(name, "", "", "", "empty file")])
    if b"<!ENTITY" in data[:65536]:
        # Entity declarations have no place in a sanctions list: refuse instead of expanding.
        raise ParseError([Problem(name, "", "DOCTYPE", "", "XML entity declarations are refused")])
    try:
        root = etree.fromstring(data, parser=xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno is not None else 0
        raise ParseError(
            [Problem(name, f"line {line}", "", "", f"malformed XML: {exc.msg}")]
        ) from exc
    return root


def local_name(element: etree._Element) -> str:
    """The tag without its namespace."""
    return str(etree.QName(element).localname)


def unzip_members(data: bytes, name: str, limit: int = MAX_MEMBER_BYTES) -> dict[str, bytes]:
    """All file members of a zip archive; refuse archives whose members exceed `limit`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ParseError([Problem(name, "", "", "", f"not a valid zip archive: {exc}")]) from exc
    members: dict[str, bytes] = {}
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if info.file_size > limit:
                raise ParseError(
                    [
                        Problem(
                            name,
                            info.filename,
                            "",
                            str(info.file_size),
                            f"zip member larger than the limit of {limit} bytes",
                        )
                    ]
                )
            try:
                with archive.open(info) as handle:
                    content = handle.read(limit + 1)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
                raise ParseError(
                    [Problem(name, info.filename, "", "", f"corrupt zip member: {exc}")]
                ) from exc
            if len(content) > limit:
                raise ParseError(
                    [Problem(name, info.filename, "", "", f"zip member exceeds {limit} bytes")]
                )
            members[info.filename] = content
    return members


def decode_text(data: bytes, name: str, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
    """Decode text with the first encoding that works; say which byte broke otherwise."""
    last: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            last = exc
    assert last is not None
    line = data[: last.start].count(b"\n") + 1
    raise ParseError(
        [
            Problem(
                name,
                f"line {line}",
                "",
                repr(data[last.start : last.start + 8]),
                f"not valid {'/'.join(encodings)} text",
            )
        ]
    )

"""OFAC XML in any of its three schemas, dispatched on the root element.

* `sdnList`: the classic SDN.XML / CONSOLIDATED.XML (`us_ofac_xml_classic`);
* `Sanctions`: the advanced XML, SDN_ADVANCED / CONS_ADVANCED (`us_ofac_xml_advanced`);
* `sanctionsData`: the enhanced XML, SDN_ENHANCED / CONS_ENHANCED (`us_ofac_xml_enhanced`),
  accepted bare or as the published zip.
All three give the same ids (`ofac-<uid>`) for the same party.
"""

from __future__ import annotations

from collections.abc import Sequence

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources import us_ofac_xml_advanced, us_ofac_xml_classic, us_ofac_xml_enhanced
from sanctionwatch.sources.base import MAX_MEMBER_BYTES, ParsedList, SourceFile
from sanctionwatch.sources.safe import parse_xml, unzip_members
from sanctionwatch.sources.us_ofac_xml_classic import tag


def xml_payload(source: SourceFile, *, limit: int = MAX_MEMBER_BYTES) -> SourceFile:
    """The XML inside a published zip (its one .xml member), or the file itself.

    Members larger than `limit` bytes (declared or actual) are refused: a zip bomb guard.
    """
    if source.data[:4] != b"PK\x03\x04":
        return source
    members = {
        k: v
        for k, v in unzip_members(source.data, source.name, limit=limit).items()
        if k.lower().endswith(".xml")
    }
    if len(members) != 1:
        raise ParseError(
            [Problem(source.name, "", "", ", ".join(members), "expected one XML member in the zip")]
        )
    member, data = next(iter(members.items()))
    return SourceFile(f"{source.name}!{member}", data)


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one OFAC XML file (classic, advanced or enhanced; zip or bare)."""
    if len(files) != 1:
        raise ParseError(
            [Problem("", "", "", str(len(files)), "expected exactly one OFAC XML file")]
        )
    source = xml_payload(files[0])
    root = parse_xml(source.data, source.name)
    kind = tag(root)
    if kind == "sdnList":
        return us_ofac_xml_classic.parse_root(root, source)
    if kind == "Sanctions":
        return us_ofac_xml_advanced.parse_root(root, source)
    if kind == "sanctionsData":
        return us_ofac_xml_enhanced.parse_root(root, source)
    raise ParseError([Problem(source.name, "/", "root", kind, "not an OFAC XML document")])

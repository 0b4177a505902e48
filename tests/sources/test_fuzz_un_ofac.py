"""Fuzzing the UN and OFAC parsers with mutated slices of the real files.

Whatever the bytes, a parser either returns a ParsedList or raises ParseError; any other
exception is a bug. Hypothesis is seeded (derandomize) so a failure replays; the seed of the
small random choices is printed with the example.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sanctionwatch.errors import ParseError
from sanctionwatch.sources import un_sc_xml, us_ofac_csv, us_ofac_xml
from sanctionwatch.sources.base import ParsedList, SourceFile
from tests.paths import LISTS

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _slice_xml(data: bytes, keep: dict[str, int]) -> bytes:
    """The document with only the first `keep[name]` children of each named container."""
    root = etree.fromstring(data)
    for element in list(root.iter()):
        name = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if name in keep:
            for child in list(element)[keep[name] :]:
                element.remove(child)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _un_slice() -> bytes:
    data = (LISTS / "un" / "derived" / "consolidated_DPRK_1718_subset.xml").read_bytes()
    return _slice_xml(data, {"INDIVIDUALS": 4, "ENTITIES": 4})


def _classic_slice() -> bytes:
    data = (LISTS / "us_ofac" / "consolidated_xml_2026-01" / "ofac.xml").read_bytes()
    root = etree.fromstring(data)
    entries = [e for e in root if etree.QName(e).localname == "sdnEntry"]
    for entry in entries[6:]:
        root.remove(entry)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _advanced_slice() -> bytes:
    data = (LISTS / "us_ofac" / "cons_advanced.xml").read_bytes()
    keep = {
        "DistinctParties": 6,
        "SanctionsEntries": 12,
        "ProfileRelationships": 4,
        "Locations": 20,
        "IDRegDocuments": 20,
    }
    return _slice_xml(data, keep)


def _enhanced_slice() -> bytes:
    with zipfile.ZipFile(LISTS / "us_ofac" / "CONS_ENHANCED.ZIP") as archive:
        data = archive.read("CONS_ENHANCED.XML")
    return _slice_xml(data, {"entities": 6, "referenceValues": 40, "featureTypes": 10})


def _csv_slice() -> list[SourceFile]:
    folder = LISTS / "us_ofac" / "sdn_csv_2021-07"
    out = []
    for name in ("sdn.csv", "alt.csv"):
        lines = (folder / name).read_bytes().split(b"\r\n")[:40]
        out.append(SourceFile(name, b"\r\n".join(lines) + b"\r\n\x1a"))
    return out


def _check(parser: Callable[[Sequence[SourceFile]], ParsedList], files: list[SourceFile]) -> None:
    try:
        result = parser(files)
    except ParseError as exc:
        assert exc.problems, "ParseError without problems"
        return
    assert isinstance(result, ParsedList)
    assert all(e.id for e in result.entities)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """Truncate, flip bytes, delete or duplicate lines: one or more of them."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    note = f"mutation seed {seed}"
    out = bytearray(data)
    for op in draw(
        st.lists(
            st.sampled_from(["truncate", "flip", "delete", "duplicate", "insert"]),
            min_size=1,
            max_size=3,
        )
    ):
        if not out:
            break
        if op == "truncate":
            del out[rng.randrange(len(out)) :]
        elif op == "flip":
            for _ in range(rng.randint(1, 8)):
                out[rng.randrange(len(out))] = rng.randrange(256)
        elif op in ("delete", "duplicate"):
            lines = bytes(out).split(b"\n")
            index = rng.randrange(len(lines))
            if op == "delete":
                del lines[index]
            else:
                lines.insert(index, lines[index])
            out = bytearray(b"\n".join(lines))
        else:
            out[rng.randrange(len(out)) : 0] = rng.choice(
                [b"<", b"&", b'"', b";", b",", b"\x00", b"-0-", "\u00e9".encode()]
            )
    print(note)
    return bytes(out)


@st.composite
def element_deleted(draw: st.DrawFn, data: bytes) -> bytes:
    """Valid XML with one element (and its subtree) removed or its text replaced."""
    root = etree.fromstring(data)
    elements = [e for e in root.iter() if e is not root and isinstance(e.tag, str)]
    victim = elements[draw(st.integers(0, len(elements) - 1))]
    if draw(st.booleans()):
        parent = victim.getparent()
        assert parent is not None
        parent.remove(victim)
    else:
        victim.text = draw(
            st.sampled_from(["", "x", "-1", "99999999999999999999", "0000-00-00", "\u202e"])
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


UN = _un_slice()
CLASSIC = _classic_slice()
ADVANCED = _advanced_slice()
ENHANCED = _enhanced_slice()
XML_CASES = [
    ("un", un_sc_xml.parse, UN),
    ("ofac_classic", us_ofac_xml.parse, CLASSIC),
    ("ofac_advanced", us_ofac_xml.parse, ADVANCED),
    ("ofac_enhanced", us_ofac_xml.parse, ENHANCED),
]


@pytest.mark.parametrize(
    ("parser", "data"), [c[1:] for c in XML_CASES], ids=[c[0] for c in XML_CASES]
)
def test_slices_parse_cleanly(
    parser: Callable[[Sequence[SourceFile]], ParsedList], data: bytes
) -> None:
    result = parser([SourceFile("slice.xml", data)])
    assert len(result.entities) > 6


@pytest.mark.parametrize(
    ("parser", "data"), [c[1:] for c in XML_CASES], ids=[c[0] for c in XML_CASES]
)
def test_fuzz_xml_bytes(parser: Callable[[Sequence[SourceFile]], ParsedList], data: bytes) -> None:
    @FUZZ
    @given(mutated(data))
    def run(blob: bytes) -> None:
        _check(parser, [SourceFile("fuzz.xml", blob)])

    run()


@pytest.mark.parametrize(
    ("parser", "data"), [c[1:] for c in XML_CASES], ids=[c[0] for c in XML_CASES]
)
def test_fuzz_xml_elements(
    parser: Callable[[Sequence[SourceFile]], ParsedList], data: bytes
) -> None:
    @FUZZ
    @given(element_deleted(data))
    def run(blob: bytes) -> None:
        _check(parser, [SourceFile("fuzz.xml", blob)])

    run()


CSV = _csv_slice()


def test_fuzz_csv() -> None:
    @FUZZ
    @given(mutated(CSV[0].data), mutated(CSV[1].data))
    def run(sdn: bytes, alt: bytes) -> None:
        _check(us_ofac_csv.parse, [SourceFile("sdn.csv", sdn), SourceFile("alt.csv", alt)])

    run()


def test_fuzz_csv_lone_file_any_name() -> None:
    @FUZZ
    @given(mutated(CSV[0].data), st.sampled_from(["sdn.csv", "data.bin", "add.csv"]))
    def run(sdn: bytes, name: str) -> None:
        _check(us_ofac_csv.parse, [SourceFile(name, sdn)])

    run()

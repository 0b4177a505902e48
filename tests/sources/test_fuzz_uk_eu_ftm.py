"""Mutation fuzzing: whatever the bytes, the only exception out of a parser is ParseError.

Inputs are the real files (or slices of them) and our fixtures; hypothesis mutates them with
truncations, byte flips, insertions and deletions. Runs are derandomised with a fixed seed
(printed), so a failure reproduces.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from sanctionwatch.errors import ParseError, UnknownFormatError
from sanctionwatch.sources import eu_fsf_xml, ftm_json, gb_ofsi, us_trade_csl
from sanctionwatch.sources.base import SourceFile
from sanctionwatch.sources.detect import detect
from tests.paths import LISTS

SEED = 20250410
FIXTURES = Path(__file__).parent / "fixtures"
OS = LISTS / "opensanctions"


def _ofsi_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    with (FIXTURES / "gb_ofsi_conlist_sample.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _head(path: Path, lines: int) -> bytes:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return b"".join(data.splitlines(keepends=True)[:lines])


CASES: dict[str, tuple[Callable[[], bytes], Callable[[list[SourceFile]], Any], int]] = {
    "eu-fixture": (lambda: (FIXTURES / "eu_fsf_sample.xml").read_bytes(), eu_fsf_xml.parse, 150),
    "ofsi-csv": (
        lambda: (FIXTURES / "gb_ofsi_conlist_sample.csv").read_bytes(),
        gb_ofsi.parse,
        150,
    ),
    "ofsi-xlsx": (_ofsi_xlsx, gb_ofsi.parse, 40),
    "ftm-t1": (
        lambda: (OS / "yente_fixture_t1_eu_fsf" / "entities.ftm.json").read_bytes(),
        ftm_json.parse,
        150,
    ),
    "ftm-zala": (
        lambda: _head(OS / "yente_fixture_zala" / "entities.ftm.json", 20),
        ftm_json.parse,
        100,
    ),
    "ftm-delta": (
        lambda: _head(OS / "yente_fixture_delta_2024" / "entities.delta.json.gz", 15),
        ftm_json.parse_delta,
        100,
    ),
    "csl-head": (
        lambda: _head(LISTS / "us_csl" / "consolidated.csv.gz", 60),
        us_trade_csl.parse,
        100,
    ),
}

_cache: dict[str, bytes] = {}


def _original(case: str) -> bytes:
    if case not in _cache:
        _cache[case] = CASES[case][0]()
    return _cache[case]


@st.composite
def mutations(draw: st.DrawFn, original: bytes) -> bytes:
    """Up to four edits of `original`: truncate, flip, insert or delete bytes."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "dup"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=16)
                | st.sampled_from([b"<", b'"', b",", b"\n", b"\x00", b"}", b"&amp;", b"\xff\xfe"])
            )
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        else:
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end]
    return bytes(data)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_parsers_raise_only_parse_error(case: str) -> None:
    print(f"hypothesis seed {SEED}, case {case}")
    _, parser, examples = CASES[case]
    original = _original(case)
    parser([SourceFile(case, original)])  # the unmutated input parses

    @seed(SEED)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=mutations(original))
    def run(data: bytes) -> None:
        try:
            parser([SourceFile(case, data)])
        except ParseError as exc:
            assert exc.problems, "a ParseError must carry its problems"

    run()


@pytest.mark.parametrize("case", ["eu-fixture", "ofsi-csv", "ofsi-xlsx", "ftm-t1", "csl-head"])
def test_detect_raises_only_its_errors(case: str) -> None:
    print(f"hypothesis seed {SEED}, case {case}")
    original = _original(case)
    if case != "ofsi-xlsx":
        original = gzip.compress(original, mtime=0)  # detect unwraps gzip first

    @seed(SEED)
    @settings(
        max_examples=100,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=mutations(original))
    def run(data: bytes) -> None:
        with contextlib.suppress(ParseError, UnknownFormatError):
            detect(SourceFile(case, data))

    run()

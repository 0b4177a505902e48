"""US Consolidated Screening List: the real 2022 file (gzip as stored), slices, bad inputs."""

from __future__ import annotations

import gzip

import pytest
from followthemoney import EntityProxy

from sanctionwatch.errors import ParseError
from sanctionwatch.sources import us_trade_csl
from sanctionwatch.sources.base import ParsedList, SourceFile
from tests.paths import LISTS

CSL = LISTS / "us_csl" / "consolidated.csv.gz"


@pytest.fixture(scope="module")
def real() -> ParsedList:
    return us_trade_csl.parse([SourceFile.read(CSL)])


@pytest.fixture(scope="module")
def head_lines() -> list[bytes]:
    return gzip.decompress(CSL.read_bytes()).splitlines(keepends=True)[:200]


def _by_id(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {str(e.id): e for e in parsed.entities}


def test_real_counts(real: ParsedList) -> None:
    counts = real.by_schema()
    assert real.dataset == "us_trade_csl"
    assert real.version == "2022-04-21"  # latest start_date: the file states no date
    targets = [e for e in real.entities if str(e.id).startswith("trade-csl-")]
    targets = [e for e in targets if e.schema.name != "Sanction" and "-doc-" not in str(e.id)]
    # 14,160 rows, 14,048 distinct _id: rows of one record on several lists are merged.
    assert len(targets) == 14048
    assert counts["Vessel"] == 433
    assert counts["Airplane"] == 283
    assert counts["LegalEntity"] == 3625
    assert len(real.issues) < 300


def test_record_on_two_lists_is_one_entity_with_two_sanctions(real: ParsedList) -> None:
    entity = _by_id(real)["trade-csl-34616"]
    assert entity.get("name") == ["ARIMERO HOLDING LIMITED"]
    assert entity.get("registrationNumber") == ["C146742"]
    assert entity.get("country") == ["cy"]
    sanctions = [
        e for e in real.entities if e.schema.name == "Sanction" and e.get("entity") == [entity.id]
    ]
    publishers = sorted(e.first("publisher") or "" for e in sanctions)
    assert publishers == [
        "Capta List (CAP) - Treasury Department",
        "Specially Designated Nationals (SDN) - Treasury Department",
    ]
    assert {e.first("authority") for e in sanctions} == {"Treasury Department"}


def test_person_row(real: ParsedList) -> None:
    person = _by_id(real)["trade-csl-21944"]
    assert person.schema.name == "Person"
    assert person.get("name") == ["'ABBAS, Rim"]
    assert person.get("birthDate") == ["1973-03-25"]
    assert person.get("nationality") == ["sy"]
    assert person.get("position") == ["Scientific Studies and Research Center Employee"]


def test_vessel_rows_have_imo_and_flag(real: ParsedList) -> None:
    vessels = [e for e in real.entities if e.schema.name == "Vessel"]
    assert sum(1 for v in vessels if v.get("imoNumber")) > 400
    assert sum(1 for v in vessels if v.get("flag")) > 300


def test_plain_and_gzip_bytes_agree(head_lines: list[bytes]) -> None:
    plain = b"".join(head_lines)
    from_plain = us_trade_csl.parse([SourceFile("csl.csv", plain)])
    from_gzip = us_trade_csl.parse([SourceFile("csl.csv.gz", gzip.compress(plain))])
    assert [e.to_dict() for e in from_plain.entities] == [e.to_dict() for e in from_gzip.entities]
    assert len(from_plain.entities) > 199


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing-column", "missing column"),
        ("short-row", "expected 29 columns"),
        ("empty", "empty file"),
        ("truncated-gzip", "gzip"),
        ("wrong-encoding", "not valid"),
    ],
    ids=lambda v: v,
)
def test_bad_input(case: str, message: str, head_lines: list[bytes]) -> None:
    data = b"".join(head_lines[:20])
    if case == "missing-column":
        data = data.replace(b"alt_names", b"other", 1)
    elif case == "short-row":
        data += b"abc,Some List,,Entity\n"
    elif case == "empty":
        data = b""
    elif case == "truncated-gzip":
        data = gzip.compress(data)[:200]
    else:
        data = data.decode("utf-8").encode("utf-16")
    with pytest.raises(ParseError) as info:
        us_trade_csl.parse([SourceFile("bad.csv", data)])
    assert any(message in p.message for p in info.value.problems), info.value.problems

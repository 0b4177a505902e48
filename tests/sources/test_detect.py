"""Format detection by content on the real shared files, and folder scanning."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from sanctionwatch.errors import ParseError, UnknownFormatError
from sanctionwatch.sources.base import SourceFile
from sanctionwatch.sources.detect import Detected, classify, detect, gunzip
from sanctionwatch.sources.registry import scan, scan_folder
from tests.paths import LISTS

FIXTURES = Path(__file__).parent / "fixtures"

REAL_FILES = [
    ("un/consolidated.xml", Detected("un_sc_xml", "un_sc_sanctions")),
    ("un/history/2018-10/consolidated.xml.gz", Detected("un_sc_xml", "un_sc_sanctions")),
    ("us_ofac/sdn_csv_2021-07/sdn.csv", Detected("us_ofac_csv", None, "sdn")),
    ("us_ofac/sdn_csv_2021-07/add.csv", Detected("us_ofac_csv", None, "add")),
    ("us_ofac/sdn_csv_2021-07/alt.csv", Detected("us_ofac_csv", None, "alt")),
    ("us_ofac/sdn_csv_2021-07/sdn_comments.csv", Detected("us_ofac_csv", None, "comments")),
    ("us_ofac/history/sdn_csv_2022-02-24/sdn.csv.gz", Detected("us_ofac_csv", None, "sdn")),
    ("us_ofac/consolidated_xml_2026-01/ofac.xml", Detected("us_ofac_xml", None, "classic")),
    ("us_ofac/cons_advanced.xml", Detected("us_ofac_xml", None, "advanced")),
    ("us_ofac/CONS_ENHANCED.ZIP", Detected("us_ofac_xml", "us_ofac_cons", "enhanced zip")),
    ("uk_ofsi/UK_Sanctions_List.xlsx", Detected("gb_ofsi", "gb_hmt_sanctions", "xlsx")),
    ("us_csl/consolidated.csv.gz", Detected("us_trade_csl", "us_trade_csl")),
    ("opensanctions/yente_fixture_zala/entities.ftm.json", Detected("ftm_json", None)),
    ("opensanctions/yente_fixture_t1_eu_fsf/entities.ftm.json", Detected("ftm_json", "eu_fsf")),
    ("opensanctions/yente_fixture_delta_2024/entities.delta.json.gz", Detected("ftm_delta")),
]


@pytest.mark.parametrize(("path", "expected"), REAL_FILES, ids=[p for p, _ in REAL_FILES])
def test_real_files(path: str, expected: Detected) -> None:
    assert detect(SourceFile.read(LISTS / path)) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("eu_fsf_sample.xml", Detected("eu_fsf_xml", "eu_fsf")),
        ("gb_ofsi_conlist_sample.csv", Detected("gb_ofsi", "gb_hmt_sanctions", "csv")),
    ],
    ids=["eu-fsf", "ofsi-csv"],
)
def test_fixtures(name: str, expected: Detected) -> None:
    assert detect(SourceFile.read(FIXTURES / name)) == expected


def test_names_do_not_matter() -> None:
    data = (FIXTURES / "eu_fsf_sample.xml").read_bytes()
    assert detect(SourceFile("sdn.csv", data)).format == "eu_fsf_xml"
    assert detect(SourceFile("x.gz", gzip.compress(data))).format == "eu_fsf_xml"


@pytest.mark.parametrize(
    "path",
    [
        "un/schema/sc-sanctions.xsd",
        "eu/schema/schema_1_1.xsd",
        "eval/nomenklatura_name_bench/cases.csv",
        "eval/derived/opensanctions_judgement_pairs_2021.csv",
        "eval/yente_screening_fixtures/positives_un_untreated.csv",
        "compiled/fca_sanctiontoolkit_2022-05-05/combined_sanction_lists_20220505_main.csv.gz",
    ],
)
def test_not_lists_are_recognised(path: str) -> None:
    file = SourceFile.read(LISTS / path)
    assert not isinstance(classify(file), Detected)
    with pytest.raises(UnknownFormatError, match="not a list"):
        detect(file)


@pytest.mark.parametrize(
    "data",
    [b"", b"hello world\n", b"<html><body/></html>", b'{"a": 1}\n', b"\x00\x01\x02"],
    ids=["empty", "text", "html", "json-object", "binary"],
)
def test_unknown_content_names_the_file(data: bytes) -> None:
    with pytest.raises(UnknownFormatError, match=r"mystery\.bin"):
        detect(SourceFile("mystery.bin", data))


def test_zip_without_a_list() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(UnknownFormatError):
        detect(SourceFile("a.zip", buffer.getvalue()))


def test_broken_gzip_and_zip_raise_parse_error() -> None:
    with pytest.raises(ParseError):
        gunzip(gzip.compress(b"x" * 1000)[:20], "cut.gz")
    with pytest.raises(ParseError):
        detect(SourceFile("cut.zip", b"PK\x03\x04garbage"))


def test_scan_the_shared_lists_folder() -> None:
    result = scan(LISTS)
    formats = sorted((j.format, j.part or "") for j in result.jobs)
    assert formats.count(("un_sc_xml", "")) == 4
    assert ("gb_ofsi", "xlsx") in formats
    assert ("us_trade_csl", "") in formats
    assert ("ftm_delta", "") in formats
    ofac = [j for j in result.jobs if j.format == "us_ofac_csv"]
    assert sorted(len(j.files) for j in ofac) == [1, 1, 4]
    grouped = next(j for j in ofac if len(j.files) == 4)
    assert [f.name for f in grouped.files] == ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
    skipped = {str(s.path.relative_to(LISTS)) for s in result.skipped}
    assert "eu/schema/schema_1_1.xsd" in skipped
    assert all(
        str(f.relative_to(LISTS)).split("/")[0] not in ("eval", "compiled")
        for j in result.jobs
        for f in j.files
    )
    assert all(s.reason for s in result.skipped)
    assert scan_folder(LISTS) == result.jobs


def test_orphan_ofac_parts_are_skipped(tmp_path: Path) -> None:
    source = LISTS / "us_ofac" / "sdn_csv_2021-07" / "alt.csv"
    (tmp_path / "alt.csv").write_bytes(source.read_bytes()[:4000].rsplit(b"\n", 1)[0] + b"\n")
    result = scan(tmp_path)
    assert result.jobs == []
    assert "without an sdn.csv" in result.skipped[0].reason

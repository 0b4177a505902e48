"""Ingestion of every supported format, real files and bad input: counted, never a crash."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sanctionwatch.maritime.ingest import read_inputs
from sanctionwatch.maritime.ingest.timeparse import parse_time
from sanctionwatch.maritime.records import POSITION_SCHEMA
from sanctionwatch.maritime.storage import load_ingested, store_ingested
from tests.paths import AIS


@pytest.mark.parametrize(
    ("path", "positions", "identities", "dropped"),
    [
        pytest.param("dma/ais-close-approach-wgs84.csv", 257, 2, set(), id="dma-csv"),
        pytest.param(
            "noaa/marinecadastre_2014-01_boston_972.csv",
            972,
            0,
            set(),
            id="marinecadastre-2014-schema",
        ),
        pytest.param(
            "noaa/marinecadastre_2023-01-11_sample1000.csv",
            1000,
            998,
            set(),
            id="marinecadastre-2023-schema",
        ),
        pytest.param(
            "gfw_segment/regression/regr_666000001.json.gz",
            None,
            None,
            {"dropped:invalid_coordinates"},
            id="gfw-ndjson-lat91",
        ),
        pytest.param(
            "nmea/aisdb/test_data_20211101.nm4",
            None,
            None,
            {"dropped:invalid_coordinates"},
            id="nmea-tag-blocks",
        ),
        pytest.param(
            "nmea/gfw_ais_tools",
            None,
            None,
            {"dropped:bad_checksum", "dropped:bad_tag_block"},
            id="nmea-errors",
        ),
        pytest.param(
            "nmea/pyais/nmea_data_sample.txt",
            0,
            None,
            {"dropped:bad_timestamp"},
            id="nmea-without-times",
        ),
    ],
)
def test_real_files(
    path: str, positions: int | None, identities: int | None, dropped: set[str]
) -> None:
    ingested = read_inputs([AIS / path])
    counts = ingested.report.counts
    if positions is not None:
        assert ingested.positions.num_rows == positions
    else:
        assert ingested.positions.num_rows > 0
    if identities is not None:
        assert ingested.identities.num_rows == identities
    assert dropped <= set(counts)
    assert ingested.positions.schema == POSITION_SCHEMA


def test_multipart_type5_gives_identity() -> None:
    ingested = read_inputs([AIS / "nmea/gfw_ais_tools/multi-part.nmea"])
    assert ingested.report.counts["nmea_type_24"] + ingested.report.counts["nmea_type_5"] > 0


BAD_INPUTS = {
    "truncated.nmea": (
        "\\s:r1,c:1635731889*00\\!AIVDM,1,1,,,403t>B1vFhQr5`NonbBw?>G00<0n,0*7B\n"
        "\\c:1635731889*58\\!AIVDM,1,1,,A,15Di=4002i<chWiba2`rPpD:04;`,0*37\n"
        "!AIVDM,1,1,,A,15Di=4002i<chWiba2`rPpD:04;`,0*37\n"
        "!AIVDM,2,1,7,A,<M000000000000000000GcMvmEEEOPB6??uR0001np`R0;gbpaR@gP7GbSeH,0*63\n"
        "!AIVDM,1,1,,A,15Di=40\n"
    ),
    "garbage.txt": "!AIVDM\x00\x01 this is not ais\n$GPGGA,1,2,3\n\\broken tag\n",
    "reordered.csv": (
        "LON,SOG,MMSI,LAT,BaseDateTime\n"
        "-70.8,0.1,366000001,42.3,2021-01-01T00:00:00\n"
        "-70.8,0.1,366000001,42.3,01/01/2021 00:10:00\n"
        "-70.8,0.1,366000001,42.3,1609460400\n"
        "-70.8,0.1,366000001,42.3,yesterday\n"
        "-70.8,0.1,366000001,91,2021-01-01 00:30:00\n"
        "-70.8,0.1,366000001\n"
    ),
    "missing.csv": "MMSI,LAT,SOG\n366000001,42.3,0.1\n",
    "single.csv": "mmsi,t,lat,lon\n366000002,2021-01-01T00:00:00Z,42.0,-70.0\n",
    "bad.json": '{"ssvid": "1", "lat": 1}\n{not json\n[1, 2]\n',
}


@pytest.fixture
def bad_dir(tmp_path: Path) -> Path:
    for name, text in BAD_INPUTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "cut.csv.gz").write_bytes(gzip.compress(b"mmsi,t,lat,lon\n" * 50)[:30])
    return tmp_path


def test_bad_input_is_counted_never_raised(bad_dir: Path) -> None:
    ingested = read_inputs([bad_dir])
    counts = ingested.report.counts
    expected = {
        "dropped:bad_checksum",
        "dropped:incomplete_multipart",
        "dropped:not_ais_sentence",
        "dropped:bad_timestamp",
        "dropped:invalid_coordinates",
        "dropped:wrong_field_count",
        "dropped:missing_columns",
        "dropped:bad_json",
        "dropped:bad_mmsi",
        "dropped:truncated_gzip",
    }
    assert expected <= set(counts), counts
    kept = ingested.positions.to_pylist()
    # three readable time formats of the reordered CSV, plus the single-position vessel
    assert sorted((r["mmsi"], r["ts"]) for r in kept) == [
        (366000001, 1609459200),
        (366000001, 1609459800),
        (366000001, 1609460400),
        (366000002, 1609459200),
    ]
    assert all(p.file and p.message for p in ingested.report.problems)


@pytest.mark.parametrize(
    ("text", "epoch"),
    [
        pytest.param("2021-01-01T00:00:00Z", 1609459200, id="iso-z"),
        pytest.param("2021-01-01T01:00:00+01:00", 1609459200, id="iso-offset"),
        pytest.param("2021-01-01 00:00:00.000000", 1609459200, id="gfw-micro"),
        pytest.param("01/01/2021 00:00:00", 1609459200, id="dma-dmy"),
        pytest.param("1609459200", 1609459200, id="epoch-s"),
        pytest.param("1609459200000", 1609459200, id="epoch-ms"),
        pytest.param("not a time", None, id="garbage"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_time(text: str, epoch: int | None) -> None:
    assert parse_time(text) == epoch


def test_parquet_round_trip_and_day_partitions(tmp_path: Path) -> None:
    ingested = read_inputs([AIS / "noaa/marinecadastre_2014-01_boston_972.csv"])
    written = store_ingested(tmp_path, ingested.positions, ingested.identities)
    assert written["positions"] == 972
    days = sorted(p.name for p in (tmp_path / "ais" / "positions").iterdir())
    assert days == [
        "day=2014-01-01",
        "day=2014-01-04",
        "day=2014-01-05",
        "day=2014-01-06",
        "day=2014-01-07",
    ]
    positions, _ = load_ingested(tmp_path, start=1388534400, end=1388620800)  # 1 Jan 2014
    assert 0 < positions.num_rows < 972
    out = tmp_path / "p.parquet"
    pq.write_table(ingested.positions, out)
    again = read_inputs([out])
    assert again.positions.num_rows == 972
    assert again.positions.schema == POSITION_SCHEMA


def test_parquet_with_timestamp_column(tmp_path: Path) -> None:
    table = pa.table(
        {
            "mmsi": [1, 2],
            "timestamp": pa.array([0, 1609459200], pa.timestamp("s")),
            "lat": [1.0, 91.0],
            "lon": [1.0, 1.0],
        }
    )
    pq.write_table(table, tmp_path / "x.parquet")
    ingested = read_inputs([tmp_path / "x.parquet"])
    assert ingested.positions.num_rows == 1
    assert ingested.report.counts["dropped:invalid_coordinates"] == 1

"""Identity vs dimensions (issue 5, "identity tricks"): a hull does not change size.

Rules on hand-made summaries read as a case table; then real GFW tracks whose MMSIs are shared
by ships of different sizes, a quiet NOAA sample, and DuckDB held to the reference on seeded
identities.
"""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime.identity import dimension_rows, identity_rows, spread
from sanctionwatch.maritime.params import IdentityParams
from sanctionwatch.maritime.pipeline import PORT_SCHEMA, DetectInput, detect
from sanctionwatch.maritime.records import IDENTITY_SCHEMA
from sanctionwatch.maritime.reference import detect_reference
from sanctionwatch.maritime.synthetic import positions_table
from tests.maritime.conftest import MIDNIGHT, SEED, real_input
from tests.maritime.parity import normalise

PARAMS = IdentityParams()
PETREL_8 = "9562233"  # valid check digit (UN-1718 watchlist)
KUM_UN_SAN_3 = "8705539"


def claim(
    mmsi: int, length: float | None, width: float | None, t: int, imo: str | None = None
) -> dict[str, Any]:
    """One identity summary row (as `identity_summary_sql` returns it)."""
    return {
        "mmsi": mmsi,
        "imo": imo,
        "name": "X",
        "callsign": None,
        "length": length,
        "width": width,
        "first_ts": t,
        "last_ts": t + 3600,
        "n": 1,
    }


@pytest.mark.parametrize(
    ("name", "rows", "known", "expected"),
    [
        ("same size all along", [claim(1, 180, 32, 0), claim(1, 180, 32, 9000)], {}, []),
        ("length +15 %: within tolerance", [claim(1, 100, 20, 0), claim(1, 115, 20, 9)], {}, []),
        (
            "length +25 %: another hull",
            [claim(1, 100, 20, 0), claim(1, 125, 20, 9)],
            {},
            [((1,), ["broadcasts"], ["100x20", "125x20"])],
        ),
        (
            "beam doubles, length equal",
            [claim(1, 100, 16, 0), claim(1, 100, 32, 9)],
            {},
            [((1,), ["broadcasts"], ["100x16", "100x32"])],
        ),
        (
            "exactly 20 % is still the same hull (strict)",
            [claim(1, 100, 20, 0), claim(1, 120, 20, 9)],
            {},
            [],
        ),
        ("no length broadcast at all", [claim(1, None, None, 0), claim(1, None, 9, 9)], {}, []),
        (
            "order of first sighting kept",
            [claim(1, 227, 45, 500), claim(1, 60, 9, 0)],
            {},
            [((1,), ["broadcasts"], ["60x9", "227x45"])],
        ),
        (
            "steady, but not the hull the IMO belongs to",
            [claim(1, 90, 15, 0, PETREL_8), claim(1, 90, 15, 9, PETREL_8)],
            {PETREL_8: (150.0, 25.0)},
            [((1,), ["known"], ["90x15"])],
        ),
        (
            "steady and the known hull",
            [claim(1, 149, 25, 0, PETREL_8)],
            {PETREL_8: (150.0, 25.0)},
            [],
        ),
        (
            "one IMO sent by a 106 m and a 60 m ship",
            [claim(1, 106, 16, 0, KUM_UN_SAN_3), claim(2, 60, 10, 50, KUM_UN_SAN_3)],
            {},
            [((1, 2), ["imo"], ["106", "60"])],
        ),
        (
            "placeholder IMO shared: no pair (it is no identity)",
            [claim(1, 106, 16, 0, "1234567"), claim(2, 60, 10, 50, "1234567")],
            {},
            [],
        ),
        (
            "all-zero IMO shared: no pair (AIS 'not available')",
            [claim(1, 106, 16, 0, "0000000"), claim(2, 60, 10, 50, "0000000")],
            {},
            [],
        ),
    ],
)
def test_dimension_rules(
    name: str,
    rows: list[dict[str, Any]],
    known: dict[str, tuple[float, float]],
    expected: list[tuple[tuple[int, ...], list[str], list[str]]],
) -> None:
    ordered = sorted(rows, key=lambda r: (r["mmsi"], r["first_ts"]))
    found = dimension_rows(ordered, PARAMS, known=known)
    got = [
        (tuple(m for m in (r["mmsi1"], r["mmsi2"]) if m is not None), r["basis"], r["dimensions"])
        for r in found
    ]
    assert got == expected, name
    for r in found:
        assert r["kind"] == "dimension_mismatch"
        assert r["start_t"] == min(
            x["first_ts"] for x in rows if x["mmsi"] in (r["mmsi1"], r["mmsi2"])
        )


@pytest.mark.parametrize(
    ("values", "expected"),
    [([100.0, 125.0], 0.25), ([125.0, 100.0, None], 0.25), ([0.0, 50.0], 0.0), ([80.0], 0.0)],
)
def test_spread(values: list[float | None], expected: float) -> None:
    assert spread(values) == pytest.approx(expected)


def test_identity_rows_pass_known_hulls_through() -> None:
    rows = [claim(7, 90, 15, 0, PETREL_8)]
    assert not identity_rows([], rows, PARAMS)
    (row,) = identity_rows([], rows, PARAMS, known={PETREL_8: (150.0, 25.0)})
    assert row["kind"] == "dimension_mismatch" and row["known"] == "150x25"


def test_gfw_shared_mmsis_broadcast_different_hulls(ports: pa.Table) -> None:
    """Real GFW regression tracks: these MMSIs are used by ships of very different sizes."""
    data = real_input(
        ports,
        "gfw_segment/regression/regr_567000000.json.gz",
        "gfw_segment/regression/regr_432967000.json.gz",
        "gfw_segment/regression/regr_352610000.json.gz",
        "gfw_segment/regression/regr_244020394.json.gz",  # steady dimensions: not flagged
    )
    events = detect(DuckDBEngine(threads=1), data, detectors=("identity",)).events
    flagged = {
        e.vessels[0].mmsi: e.details
        for e in events
        if e.details.get("kind") == "dimension_mismatch"
    }
    assert set(flagged) == {567000000, 432967000, 352610000}
    assert flagged[432967000]["dimensions"] == ["60x9", "227x45"]
    assert all(e.definition == "identity@v2" for e in events)


def test_quiet_noaa_sample_has_no_dimension_mismatch(ports: pa.Table) -> None:
    data = real_input(ports, "noaa/marinecadastre_2023-01-11_sample1000.csv")
    events = detect(DuckDBEngine(threads=1), data, detectors=("identity",)).events
    assert data.identities.num_rows > 900
    assert not [e for e in events if e.details.get("kind") == "dimension_mismatch"]


def seeded_identities(seed: int) -> DetectInput:
    """40 MMSIs over two days: most keep their size, some drift a little, some change hull,
    some share an IMO; each has a short track so the detectors run."""
    print(f"seed = {seed}")
    rng = random.Random(seed)
    ids: dict[str, list[Any]] = {n: [] for n in IDENTITY_SCHEMA.names}
    positions = []
    shared = ["9562233", "8705539"]
    for k in range(40):
        mmsi = 412000000 + k
        length, width = rng.choice([(60.0, 10.0), (106.0, 16.0), (180.0, 32.0), (228.0, 42.0)])
        imo = rng.choice(shared) if k % 7 == 0 else None
        for j in range(rng.randint(1, 5)):
            factor = rng.choice([1.0, 1.0, 1.1, 1.3, 0.5]) if j else 1.0
            for column, value in (
                ("mmsi", mmsi),
                ("ts", MIDNIGHT + j * 7200 + k),
                ("imo", imo),
                ("name", f"SHIP {k}"),
                ("callsign", None),
                ("shiptype", None),
                ("length", None if rng.random() < 0.1 else round(length * factor, 1)),
                ("width", width),
                ("source", "seeded"),
            ):
                ids[column].append(value)
        positions += [
            {
                "mmsi": mmsi,
                "ts": MIDNIGHT + i * 600,
                "lat": 35.0 + k * 0.01,
                "lon": 123.0 + i * 1e-3,
            }
            for i in range(6)
        ]
    return DetectInput(
        positions_table(positions), pa.table(ids, schema=IDENTITY_SCHEMA), PORT_SCHEMA.empty_table()
    )


def test_duckdb_equals_reference_on_seeded_identities() -> None:
    data = seeded_identities(SEED)
    engine = detect(DuckDBEngine(threads=1), data, detectors=("identity",)).events
    reference = detect_reference(data, detectors=("identity",)).events
    bases = {
        b
        for e in reference
        if e.details.get("kind") == "dimension_mismatch"
        for b in e.details["basis"]
    }
    assert bases == {"broadcasts", "imo"}
    assert normalise(engine) == normalise(reference)

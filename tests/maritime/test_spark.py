"""Spark (local mode) gives the same events as DuckDB and the reference.

One input covers every detector (the seeded synthetic set, a real GFW identity slice, the
Danish close pass, a synthetic call at a DPRK port, and loiterers and gaps off the Shandong
coast where distance to shore decides: `coastal.py`), and each engine runs all detectors
on it once: Spark jobs, not rows, are what a test pays for. The session is the session-scoped
`spark` fixture of `conftest.py`.
"""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa
import pytest

from sanctionwatch.engine.duckdb_engine import DuckDBEngine
from sanctionwatch.maritime import sql_clean
from sanctionwatch.maritime.params import CleanParams
from sanctionwatch.maritime.pipeline import DetectInput, detect
from sanctionwatch.maritime.records import IDENTITY_SCHEMA
from sanctionwatch.maritime.reference import detect_reference
from sanctionwatch.maritime.sql_clean import CleanPlan
from sanctionwatch.maritime.synthetic import KN_MS, move, positions_table
from tests.maritime.coastal import SHORE_CASES, ShoreCase, coastal_rows, shore_case_rows
from tests.maritime.conftest import MIDNIGHT, SEED, real_input
from tests.maritime.parity import normalise

pytestmark = pytest.mark.spark

HAEJU = (38.0, 125.7)  # HAEJU HANG in the World Port Index (PRK)
DPRK_MMSI = 445000001


def port_call_rows(rng: random.Random) -> list[dict[str, Any]]:
    """A DPRK-flagged vessel sails 4 h at 10 kn towards Haeju, lies 1 km off it for 6 h at
    0.1 kn, then leaves the way it came: a port visit (with a stop) and a MID-445 identity."""
    rows = []
    bearing = rng.uniform(150, 210)  # comes from the south
    lat0, lon0 = move(*HAEJU, bearing, 1000)
    start = MIDNIGHT - 10 * 3600
    for t in range(start - 4 * 3600, start + 10 * 3600, 300):
        if t < start:
            lat, lon, sog = *move(lat0, lon0, bearing, 10 * KN_MS * (start - t)), 10.0
        elif t <= start + 6 * 3600:
            lat, lon, sog = *move(lat0, lon0, bearing + 90, 0.1 * KN_MS * (t - start)), 0.1
        else:
            lat, lon, sog = *move(lat0, lon0, bearing, 10 * KN_MS * (t - start - 6 * 3600)), 10.0
        rows.append({"mmsi": DPRK_MMSI, "ts": t, "lat": lat, "lon": lon, "sog": sog})
    return rows


@pytest.fixture(scope="module")
def mixed(synthetic: DetectInput, ports: pa.Table) -> DetectInput:
    print(f"seed = {SEED}")
    real = real_input(
        ports, "gfw_segment/regression/regr_567000000.json.gz", "dma/ais-close-approach-wgs84.csv"
    )
    visit = positions_table(port_call_rows(random.Random(SEED)))
    coast = positions_table(shore_case_rows() + coastal_rows(SEED, n=12))
    positions = pa.concat_tables([synthetic.positions, real.positions, visit, coast])
    return DetectInput(positions, real.identities, ports)


@pytest.fixture(scope="module")
def on_engines(spark: Any, mixed: DetectInput) -> dict[str, list[str]]:
    """Normalised events of one all-detector run on each engine, and of the reference."""
    from sanctionwatch.engine.spark_engine import SparkEngine

    engine = SparkEngine(spark, checkpoint=True)
    try:
        on_spark = detect(engine, mixed)
    finally:
        engine.close()
    return {
        "spark": normalise(on_spark.events),
        "duckdb": normalise(detect(DuckDBEngine(threads=2), mixed).events),
        "reference": normalise(detect_reference(mixed).events),
    }


def test_spark_equals_duckdb(on_engines: dict[str, list[str]]) -> None:
    assert on_engines["spark"] == on_engines["duckdb"]


def test_duckdb_equals_reference(on_engines: dict[str, list[str]]) -> None:
    assert on_engines["duckdb"] == on_engines["reference"]


@pytest.mark.parametrize(
    "needle",
    [
        pytest.param('"type": "encounter"', id="encounter"),
        pytest.param('"type": "loitering"', id="loitering"),
        pytest.param('"type": "gap"', id="gap"),
        pytest.param('"shore_km": null', id="gap-not-measured"),
        pytest.param('"type": "dark_sts"', id="dark-sts"),
        pytest.param('"type": "port_visit"', id="port-visit"),
        pytest.param('"kind": "shared_or_spoofed_mmsi"', id="identity-shared-mmsi"),
        pytest.param('"kind": "placeholder_imo"', id="identity-placeholder-imo"),
        pytest.param('"kind": "dprk_flag"', id="identity-dprk-flag"),
    ],
)
def test_spark_run_covers_every_detector(on_engines: dict[str, list[str]], needle: str) -> None:
    """Parity means something only if each detector produced events on Spark."""
    assert any(needle in e for e in on_engines["spark"])


@pytest.fixture(scope="module")
def coast_on_engines(spark: Any, ports: pa.Table) -> dict[str, list[str]]:
    """Loitering and gaps alone on the coastal tracks: in `mixed` the real GFW track spans
    months, so the reception of the data itself rules out every likely intentional gap."""
    from sanctionwatch.engine.spark_engine import SparkEngine

    rows = shore_case_rows() + coastal_rows(SEED, n=12)
    data = DetectInput(positions_table(rows), IDENTITY_SCHEMA.empty_table(), ports)
    detectors = ("loitering", "gap")
    engine = SparkEngine(spark, checkpoint=True)
    try:
        on_spark = detect(engine, data, detectors=detectors)
    finally:
        engine.close()
    return {
        "spark": normalise(on_spark.events),
        "duckdb": normalise(detect(DuckDBEngine(threads=2), data, detectors=detectors).events),
        "reference": normalise(detect_reference(data, detectors=detectors).events),
    }


def test_spark_equals_duckdb_and_reference_off_the_coast(
    coast_on_engines: dict[str, list[str]],
) -> None:
    assert coast_on_engines["spark"] == coast_on_engines["duckdb"]
    assert coast_on_engines["duckdb"] == coast_on_engines["reference"]
    assert any('"kind": "likely_intentional"' in e for e in coast_on_engines["spark"])


@pytest.mark.parametrize("case", SHORE_CASES, ids=[c.name for c in SHORE_CASES])
def test_spark_shore_cases(coast_on_engines: dict[str, list[str]], case: ShoreCase) -> None:
    """The named cases of `test_shore_detectors`, on Spark."""
    mine = [
        e
        for e in coast_on_engines["spark"]
        if f'"type": "{case.kind}"' in e and f'"mmsi": {case.mmsi}' in e
    ]
    if case.kind == "loitering":
        assert bool(mine) is case.expected, case.name
    else:  # the dark stretch, not the gap still open at the end of the data
        dark = [e for e in mine if '"is_open": false' in e]
        assert len(dark) == 1, case.name
        assert f'"likely_intentional": {str(case.expected).lower()}' in dark[0], case.name


RANGE_CASES = {
    "multiple": (0, 1200),
    "not-a-multiple": (0, 1000),
    "shorter-than-step": (0, 100),
    "empty": (600, 600),
    "reversed": (700, 600),
}


@pytest.fixture(scope="module")
def range_on_spark(spark: Any) -> dict[str, list[int]]:
    """Every range-shim case in one Spark query (one job, not one per case)."""
    from sanctionwatch.engine.spark_engine import SparkEngine

    sql = " UNION ALL ".join(
        f"SELECT '{name}' AS name, unnest(range({a}, {b}, 600)) AS x"
        for name, (a, b) in RANGE_CASES.items()
    )
    found: dict[str, list[int]] = {name: [] for name in RANGE_CASES}
    for row in SparkEngine(spark).arrow(sql).to_pylist():
        found[row["name"]].append(int(row["x"]))
    return {name: sorted(xs) for name, xs in found.items()}


@pytest.mark.parametrize("name", list(RANGE_CASES))
def test_range_shim_matches_duckdb(range_on_spark: dict[str, list[int]], name: str) -> None:
    a, b = RANGE_CASES[name]
    sql = f"SELECT unnest(range({a}, {b}, 600)) AS x"
    expected = DuckDBEngine().arrow(sql).column("x").to_pylist()
    assert range_on_spark[name] == expected == list(range(a, b, 600))


@pytest.mark.parametrize("plan", [pytest.param(p, id=p) for p in ("dedup", "optimistic")])
def test_spark_cleaning_plans_equal_duckdb(spark: Any, mixed: DetectInput, plan: CleanPlan) -> None:
    """Both cleaning plans (the optimistic one deduplicates the MMSIs with duplicates again,
    through joins) give DuckDB's cleaned reports on Spark."""
    from sanctionwatch.engine.spark_engine import SparkEngine

    query = "SELECT mmsi, ts, brk, nts, nbrk FROM positions_seg ORDER BY mmsi, ts"
    got, spikes = {}, {}
    for name, engine in (
        ("spark", SparkEngine(spark, checkpoint=True)),
        ("duckdb", DuckDBEngine()),
    ):
        engine.register("raw_positions", mixed.positions)
        sql_clean.clean_positions(engine, CleanParams(), plan=plan)
        got[name] = engine.arrow(query).to_pylist()
        spikes[name] = sorted(engine.arrow(sql_clean.SPIKES_SQL).to_pylist(), key=str)
        engine.close()
    assert got["spark"] == got["duckdb"]
    assert spikes["spark"] == spikes["duckdb"]
    assert len(got["spark"]) > 9000


def test_close_drops_the_engines_views_and_keeps_others(spark: Any) -> None:
    """A closed engine leaves no view behind (a registered table lives in the driver as long
    as a view names it: repeated detections in one session ran the driver out of heap), and
    leaves views it did not make alone."""
    from sanctionwatch.engine.spark_engine import SparkEngine

    spark.createDataFrame([(1,)], "x INT").createOrReplaceTempView("not_the_engines")
    engine = SparkEngine(spark)
    engine.register("close_raw", pa.table({"x": [1, 2, 3]}))
    engine.create("close_made", "SELECT x * 2 AS y FROM close_raw")
    engine.view("close_view", "SELECT y FROM close_made WHERE y > 2")
    assert engine.count("close_view") == 2
    engine.close()
    gone = ("close_raw", "close_made", "close_view")
    assert not [name for name in gone if spark.catalog.tableExists(name)]
    assert spark.catalog.tableExists("not_the_engines")
    spark.catalog.dropTempView("not_the_engines")

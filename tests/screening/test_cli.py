"""The `screen` and `screen-file` commands on a store holding the UN DPRK list."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli.main import build_app
from sanctionwatch.sources import un_sc_xml
from sanctionwatch.sources.base import SourceFile
from tests.screening.conftest import UN_DPRK

ROWS = [
    {"full_name": "Kim Yong Chol", "date_of_birth": "1962-02-18", "nationality": "kp"},
    {"full_name": "Ким Ён Чхоль", "date_of_birth": "", "nationality": ""},
    {"full_name": "RI MAN GON", "date_of_birth": "1945", "nationality": "North Korea"},
    {"full_name": "Jane Example", "date_of_birth": "1990-01-01", "nationality": "fr"},
    {"full_name": "", "date_of_birth": "", "nationality": ""},
    {"full_name": "Yun Ho-jin", "date_of_birth": "not a date", "nationality": ""},
]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from sanctionwatch.store import open_store

    path = tmp_path_factory.mktemp("home")
    with open_store(f"sqlite:///{path / 'sanctionwatch.sqlite'}") as store:
        store.import_list(un_sc_xml.parse([SourceFile.read(UN_DPRK)]))
    yield path


@pytest.fixture
def run(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("SANCTIONWATCH_HOME", str(home))
    monkeypatch.delenv("SANCTIONWATCH_DB_URL", raising=False)
    yield CliRunner()


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_app(args[0]), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_screen_json_is_yente_shaped(run: CliRunner, home: Path) -> None:
    code, out, _ = invoke(run, "screen", "Ким Ён Чхоль", "--schema", "Person", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["query"]["schema"] == "Person"
    top = data["results"][0]
    assert top["id"] == "unsc-6908511" and top["match"] is True
    assert set(top) >= {
        "id",
        "caption",
        "schema",
        "datasets",
        "score",
        "match",
        "explanations",
        "properties",
    }
    assert data["total"] == {"value": sum(r["match"] for r in data["results"]), "relation": "eq"}
    assert list((home / "index").glob("screening-*.pkl"))


def test_screen_table(run: CliRunner) -> None:
    code, out, _ = invoke(run, "screen", "Kim Yong Chol", "--birth-date", "1962-02-18")
    assert code == 0 and "KIM YONG" in out and "0.98" in out


BAD = [
    ("empty", ["screen", ""], "empty name"),
    ("huge", ["screen", "x" * 10_000], "longer than"),
    ("control", ["screen", "Kim\x01Jong"], "control character"),
    ("date", ["screen", "Kim", "--birth-date", "1984-13-45"], "not a date"),
    ("schema", ["screen", "Kim", "--schema", "Human"], "unknown schema"),
    ("engine", ["screen-file", "in.csv", "-o", "out.csv", "--engine", "pandas"], "unknown engine"),
]


@pytest.mark.parametrize(("args", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_gives_a_message_not_a_traceback(
    run: CliRunner, args: list[str], message: str
) -> None:
    code, out, err = invoke(run, *args)
    assert code == 2
    assert message in err and "Traceback" not in err + out


def _write_input(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_screen_file_duckdb(run: CliRunner, tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_input(source)
    code, _, err = invoke(run, "screen-file", str(source), "-o", str(target), "--schema", "Person")
    assert code == 0, err
    rows = _read(target)
    assert [r["full_name"] for r in rows] == [r["full_name"] for r in ROWS]
    assert [r["sw_match"] for r in rows] == ["true", "true", "true", "false", "false", "false"]
    assert rows[0]["sw_match_id"] == "unsc-6908511" and rows[1]["sw_match_id"] == "unsc-6908511"
    assert "empty name" in rows[4]["sw_error"] or "needs a name" in rows[4]["sw_error"]
    assert "not a date" in rows[5]["sw_error"]


def test_screen_file_excel_and_parquet_round_trip(run: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    _write_input(source)
    for suffix in (".xlsx", ".parquet"):
        target = tmp_path / f"out{suffix}"
        code, _, err = invoke(
            run, "screen-file", str(source), "-o", str(target), "--schema", "Person"
        )
        assert code == 0, err
        again = tmp_path / f"again{suffix}.csv"
        code, _, err = invoke(
            run, "screen-file", str(target), "-o", str(again), "--schema", "Person"
        )
        assert code == 0, err
        assert [r["sw_match_id"] for r in _read(again)][:3] == ["unsc-6908511"] * 2 + [
            "unsc-6908513"
        ]


def test_column_override(run: CliRunner, tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_input(source)
    code, _, err = invoke(
        run,
        "screen-file",
        str(source),
        "-o",
        str(target),
        "--column",
        "full_name=",
        "--column",
        "nope=name",
    )
    assert code == 2 and "no such column" in err


@pytest.mark.spark
def test_spark_gives_the_same_results_as_duckdb(run: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    _write_input(source)
    outputs = {}
    for engine in ("duckdb", "spark"):
        target = tmp_path / f"out-{engine}.csv"
        args = [
            "screen-file",
            str(source),
            "-o",
            str(target),
            "--schema",
            "Person",
            "--engine",
            engine,
        ]
        code, _, err = invoke(run, *args)
        assert code == 0, err
        outputs[engine] = _read(target)
    assert outputs["spark"] == outputs["duckdb"]

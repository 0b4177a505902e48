"""Where the Spark engine runs comes from the settings (`spark_master`, ...), and every
Spark path (the AIS engine, `screen-file --engine spark`) makes its session from them.
No JVM here: the session factory is replaced by a recorder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.engine import SparkOptions, open_engine, spark_engine
from sanctionwatch.errors import ConfigError
from sanctionwatch.settings import load_settings


def test_defaults_are_a_small_local_session() -> None:
    options = SparkOptions.from_settings({})
    assert options == SparkOptions(master="local[2]", driver_memory="4g", shuffle_partitions=4)


def test_options_from_the_settings_file_and_environment(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text(
        'spark_driver_memory = "8g"\nspark_shuffle_partitions = 64\n', encoding="utf-8"
    )
    settings = load_settings(
        env={"SANCTIONWATCH_HOME": str(tmp_path), "SANCTIONWATCH_SPARK_MASTER": "yarn"}
    )
    assert SparkOptions.from_settings(settings.extra) == SparkOptions("yarn", "8g", 64)


@pytest.mark.parametrize("bad", ["0", "-3", "many", 2.5j])
def test_bad_partition_counts_name_the_setting(bad: object) -> None:
    with pytest.raises(ConfigError, match="spark_shuffle_partitions"):
        SparkOptions.from_settings({"spark_shuffle_partitions": bad})


def test_open_engine_makes_its_session_from_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> object:
        made.append(kwargs)
        return object()

    monkeypatch.setattr(spark_engine, "local_session", record)
    engine = open_engine("spark", spark_options=SparkOptions("spark://h:7077", "2g", 16))
    assert isinstance(engine, spark_engine.SparkEngine)
    assert made == [{"master": "spark://h:7077", "shuffle_partitions": 16, "driver_memory": "2g"}]


class RecordingBuilder:
    """Stands in for `SparkSession.builder`: records the master and settings."""

    def __init__(self) -> None:
        self.settings: dict[str, str] = {}

    def master(self, value: str) -> RecordingBuilder:
        self.settings["master"] = value
        return self

    def appName(self, value: str) -> RecordingBuilder:
        return self

    def config(self, key: str, value: str) -> RecordingBuilder:
        self.settings[key] = value
        return self

    def getOrCreate(self) -> dict[str, str]:
        return self.settings


@pytest.mark.parametrize(
    ("master", "pins_python"), [("local[2]", True), ("spark://h:7077", False), ("yarn", False)]
)
def test_only_local_sessions_pin_this_interpreter(
    monkeypatch: pytest.MonkeyPatch, master: str, pins_python: bool
) -> None:
    from pyspark.sql import SparkSession

    builder = RecordingBuilder()
    monkeypatch.setattr(SparkSession, "builder", builder)
    made = spark_engine.spark_session(SparkOptions(master, "6g", 32))
    assert made["master"] == master
    assert made["spark.driver.memory"] == "6g"
    assert made["spark.sql.shuffle.partitions"] == "32"
    assert ("spark.pyspark.python" in made) is pins_python

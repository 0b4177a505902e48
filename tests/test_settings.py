"""Settings: defaults, the TOML file, and `SANCTIONWATCH_*` variables over both, for the
named fields and for the further keys (`Settings.extra`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.errors import ConfigError
from sanctionwatch.settings import load_settings


def env_for(home: Path, **variables: str) -> dict[str, str]:
    return {"SANCTIONWATCH_HOME": str(home), **variables}


def test_further_keys_come_from_the_environment_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text(
        'dashboard_cache_seconds = 5\nsession_hours = 8\nspark_master = "local[2]"\n',
        encoding="utf-8",
    )
    settings = load_settings(
        env=env_for(
            tmp_path,
            SANCTIONWATCH_DASHBOARD_CACHE_SECONDS="0",
            SANCTIONWATCH_SPARK_MASTER="spark://cluster:7077",
            OTHER_VARIABLE="ignored",
        )
    )
    assert settings.extra["dashboard_cache_seconds"] == "0"  # text: its reader converts it
    assert settings.extra["spark_master"] == "spark://cluster:7077"
    assert settings.extra["session_hours"] == 8  # from the file, untouched
    assert "other_variable" not in settings.extra
    assert "home" not in settings.extra and "config" not in settings.extra


def test_named_fields_are_not_duplicated_into_the_extras(tmp_path: Path) -> None:
    settings = load_settings(env=env_for(tmp_path, SANCTIONWATCH_DB_URL="sqlite:///x.db"))
    assert settings.db_url == "sqlite:///x.db"
    assert "db_url" not in settings.extra


def test_a_list_key_takes_a_toml_array(tmp_path: Path) -> None:
    settings = load_settings(
        env=env_for(
            tmp_path,
            SANCTIONWATCH_MONITOR_DOCUMENTS='["news/", "https://example.org/feed.xml"]',
            SANCTIONWATCH_MONITOR_AIS="ais/",
        )
    )
    assert settings.extra["monitor_documents"] == ["news/", "https://example.org/feed.xml"]
    assert settings.extra["monitor_ais"] == "ais/"


def test_a_broken_array_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SANCTIONWATCH_MONITOR_DOCUMENTS"):
        load_settings(env=env_for(tmp_path, SANCTIONWATCH_MONITOR_DOCUMENTS='["news/"'))


def test_a_flag_from_the_environment_reads_as_the_file_would(tmp_path: Path) -> None:
    from sanctionwatch.api.auth import flag

    settings = load_settings(env=env_for(tmp_path, SANCTIONWATCH_AUTH_READ_REQUIRED="false"))
    assert flag(settings, "auth_read_required", default=True) is False

"""Settings: one frozen object built at the entry point and passed down.

Sources, lowest first: defaults, an optional TOML file (`SANCTIONWATCH_CONFIG`, else
`HOME/settings.toml`), then `SANCTIONWATCH_*` environment variables. Never read at import.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from sanctionwatch.errors import ConfigError

ENV_PREFIX = "SANCTIONWATCH_"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the embedded defaults."""

    home: Path
    db_url: str
    mirror: Path | None = None
    config_file: Path | None = None
    http_timeout: float = 60.0
    max_file_bytes: int = 512 * 1024 * 1024
    progress: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_embedded(self) -> bool:
        return self.db_url.startswith("sqlite")


def default_home() -> Path:
    return Path(user_data_dir("sanctionwatch", appauthor=False))


def embedded_db_url(home: Path) -> str:
    return f"sqlite:///{home / 'sanctionwatch.sqlite'}"


def _coerce(name: str, raw: Any, current: Any) -> Any:
    """Turn a file or environment value into the type of the field's default."""
    if name in {"home", "mirror", "config_file"}:
        return Path(str(raw)).expanduser() if raw not in (None, "") else None
    if isinstance(current, bool):
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"setting {name!r} must be an integer, got {raw!r}") from exc
    if isinstance(current, float):
        try:
            return float(raw)
        except ValueError as exc:
            raise ConfigError(f"setting {name!r} must be a number, got {raw!r}") from exc
    return str(raw)


def number_setting(extra: Mapping[str, Any], key: str, default: float) -> float:
    """A numeric further key: a TOML number, or text (from the file or a variable)."""
    raw = extra.get(key, default)
    try:
        return float(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {key!r} must be a number, got {raw!r}") from exc


def whole_setting(extra: Mapping[str, Any], key: str, default: int) -> int:
    """A whole-number further key: a TOML integer, or text such as "12"."""
    raw = extra.get(key, default)
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {key!r} must be an integer, got {raw!r}") from exc


def _env_extras(env: Mapping[str, str], names: set[str]) -> dict[str, Any]:
    """The further keys set as `SANCTIONWATCH_<KEY>` variables (they override the file).

    A value is kept as text (each reader of a key converts it, as it does the file's
    strings), except a TOML array such as `["news/", "feeds.txt"]`, for keys that take a
    list."""
    found: dict[str, Any] = {}
    for variable, raw in env.items():
        if not variable.startswith(ENV_PREFIX):
            continue
        key = variable[len(ENV_PREFIX) :].lower()
        if not key or key in names or key in {"home", "config"}:
            continue
        if raw.lstrip().startswith("["):
            try:
                raw = tomllib.loads(f"value = {raw}")["value"]
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{variable}: not a TOML array ({exc})") from exc
        found[key] = raw
    return found


def load_settings(
    env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Build the settings from defaults, the settings file, the environment and overrides."""
    env = os.environ if env is None else env
    home = Path(env.get(ENV_PREFIX + "HOME") or default_home()).expanduser()
    config_file = Path(env.get(ENV_PREFIX + "CONFIG") or home / "settings.toml")
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)} - {"extra"}
    if config_file.is_file():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: {exc}") from exc
        for key, value in data.items():
            (values if key in names else extra)[key] = value
    for name in names:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = raw
    extra.update(_env_extras(env, names))
    values.update(overrides or {})
    base = Settings(home=home, db_url="", config_file=config_file, extra=extra)
    coerced = {k: _coerce(k, v, getattr(base, k)) for k, v in values.items()}
    settings = replace(base, **coerced)
    if not settings.db_url:
        settings = replace(settings, db_url=embedded_db_url(settings.home))
    return settings

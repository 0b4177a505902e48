"""The sanctions-regime taxonomy: categories, provisions, indicators, exemptions.

The taxonomy is shared data, read from a path: the setting `regime_path`, else the
environment variable `SANCTIONWATCH_REGIME_PATH`, else `../shared/data/regimes/dprk-1718.yaml`
beside the repository when it exists. The package does not ship a copy.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sanctionwatch.errors import ConfigError
from sanctionwatch.settings import Settings

ENV_VAR = "SANCTIONWATCH_REGIME_PATH"
REPO_DEFAULT = Path(__file__).resolve().parents[3].parent / "shared/data/regimes/dprk-1718.yaml"


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    direction: str  # to_dprk | from_dprk | both | internal
    provisions: tuple[str, ...]
    indicators: Mapping[str, tuple[str, ...]]
    exemption_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExemptionRule:
    id: str
    name: str
    applies_to: tuple[str, ...] | None  # None: all categories
    indicators: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Regime:
    id: str
    categories: Mapping[str, Category]
    exemptions: Mapping[str, ExemptionRule]
    techniques: Mapping[str, Category]
    path: str


def provision_label(p: Mapping[str, Any]) -> str:
    """ "2270 (2016) para 8 [verified]", as the dev-set gold writes them."""
    return f"{p['res']} para {p['para']} [{p.get('check', 'recall')}]"


def _indicators(raw: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    return {lang: tuple(str(t) for t in terms or ()) for lang, terms in (raw or {}).items()}


def parse_regime(data: Mapping[str, Any], *, path: str = "") -> Regime:
    """Build the regime from the YAML mapping; a missing key is a ConfigError."""
    try:
        categories = {
            c["id"]: Category(
                id=c["id"],
                name=c["name"],
                direction=c["direction"],
                provisions=tuple(provision_label(p) for p in c.get("provisions", [])),
                indicators=_indicators(c.get("indicators")),
                exemption_ids=tuple(c.get("exemption_ids") or ()),
            )
            for c in data["categories"]
        }
        exemptions = {
            x["id"]: ExemptionRule(
                id=x["id"],
                name=x["name"],
                applies_to=None if x.get("applies_to") == "all" else tuple(x.get("applies_to", ())),
                indicators=_indicators(x.get("indicators")),
            )
            for x in data.get("exemptions", [])
        }
        techniques = {
            t["id"]: Category(
                id=t["id"],
                name=t["name"],
                direction="both",
                provisions=(),
                indicators=_indicators(t.get("indicators")),
            )
            for t in data.get("evasion_techniques", [])
        }
        regime_id = str(data["regime"]["id"])
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"regime file {path or '?'} lacks a required key: {exc}") from exc
    return Regime(regime_id, categories, exemptions, techniques, path)


def regime_path(settings: Settings | None = None, env: Mapping[str, str] | None = None) -> Path:
    """Where the taxonomy is read from (see the module docstring)."""
    env = os.environ if env is None else env
    if settings is not None and settings.extra.get("regime_path"):
        return Path(str(settings.extra["regime_path"])).expanduser()
    if env.get(ENV_VAR):
        return Path(env[ENV_VAR]).expanduser()
    return REPO_DEFAULT


def load_regime(path: Path) -> Regime:
    if not path.is_file():
        raise ConfigError(
            f"regime taxonomy not found at {path}; set `regime_path` in the settings or "
            f"{ENV_VAR} to the path of dprk-1718.yaml"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"regime file {path} is not valid YAML: {exc}") from exc
    return parse_regime(data, path=str(path))

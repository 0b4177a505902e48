"""Domain objects to yente's JSON shapes (pure functions, no I/O).

`/match` is the hot path: its routes send these dicts as they are (orjson, no second pass
through the pydantic models), so each function here returns exactly what the wire model
(`models.ScoredEntityResponse`, `models.EntityMatches`) would dump: every field present, floats
as floats, UTC timestamps with `Z`. `tests/api/test_render.py` holds them to the models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from followthemoney import EntityProxy, registry

from sanctionwatch.api.ports import MatchResultLike
from sanctionwatch.screening.service import AlgorithmInfo

ENTITY_KEYS = ("datasets", "referents", "target", "first_seen", "last_seen", "last_change")
TIMESTAMP_KEYS = ("first_seen", "last_seen", "last_change")
META_KEY = "_meta"
FACET_LABELS = {"countries": "Countries", "topics": "Topics", "datasets": "Data sources"}


FEATURE_TEXT_KEYS = ("detail", "query", "candidate")


def timestamp(value: Any) -> str | None:
    """An ISO timestamp clients can parse, or None: never pass an unparseable string on.

    Written as pydantic writes a `datetime` (UTC as `Z`), so a dict sent as it is and one
    passed through a response model give the same bytes.
    """
    if value is None or value == "":
        return None
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    try:
        out = datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None
    return out[:-6] + "Z" if out.endswith("+00:00") else out


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def feature_explanation(value: Mapping[str, Any]) -> dict[str, Any]:
    """One feature's explanation in the `FeatureExplanation` wire shape (and only that:
    yente clients validate it strictly)."""
    out: dict[str, Any] = {"score": float(value["score"])}
    for key in FEATURE_TEXT_KEYS:
        out[key] = _text(value.get(key))
    weight = value.get("weight")
    out["weight"] = None if weight is None else float(weight)
    return out


def entity_dict(data: Mapping[str, Any]) -> dict[str, Any]:
    """Complete an FtM entity dict with every key yente's `EntityResponse` carries."""
    out: dict[str, Any] = {
        "id": data["id"],
        "caption": data.get("caption") or data["id"],
        "schema": data["schema"],
        "properties": {
            prop: [entity_dict(v) if isinstance(v, Mapping) else str(v) for v in values]
            for prop, values in (data.get("properties") or {}).items()
        },
        "datasets": list(data.get("datasets") or []),
        "referents": list(data.get("referents") or []),
        "target": bool(data.get("target", False)),
    }
    for key in TIMESTAMP_KEYS:
        out[key] = timestamp(data.get(key))
    return out


def proxy_dict(proxy: EntityProxy) -> dict[str, Any]:
    data = proxy.to_dict()
    data.setdefault("caption", proxy.caption)
    return entity_dict(data)


def scored_dict(result: MatchResultLike) -> dict[str, Any]:
    """A yente `ScoredEntity`. Explanations that are not feature scores move to `meta`.

    yente clients validate every explanation as `{score, detail?, query?, candidate?}`; the
    screener's audit record (`_meta`: algorithm, parameter hash, list versions) and anything
    else that is not a feature score is kept in `meta` beside them.
    """
    data = result.to_dict()
    out = entity_dict(data)
    explanations: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    for key, value in (data.get("explanations") or {}).items():
        if isinstance(value, Mapping) and isinstance(value.get("score"), int | float):
            explanations[key] = feature_explanation(value)
        elif key == META_KEY and isinstance(value, Mapping):
            meta.update(value)
        else:
            meta[key] = value
    out["score"] = float(data.get("score", result.score))
    out["match"] = bool(data.get("match", result.match))
    out["explanations"] = explanations
    out["features"] = {name: float(v) for name, v in (data.get("features") or {}).items()}
    out["meta"] = meta or None
    return out


def match_entry(results: list[dict[str, Any]], query: dict[str, Any]) -> dict[str, Any]:
    """yente's `EntityMatches`: one query's scored results, their match count and the echo."""
    return {
        "status": 200,
        "results": results,
        "total": {"value": sum(1 for r in results if r["match"]), "relation": "eq"},
        "query": query,
    }


def facet_label(facet: str, name: str, dataset_titles: Mapping[str, str]) -> str:
    if facet == "countries":
        return registry.country.caption(name) or name
    if facet == "topics":
        return registry.topic.caption(name) or name
    if facet == "datasets":
        return dataset_titles.get(name, name)
    return name


def facets_dict(
    facets: Mapping[str, Mapping[str, int]],
    *,
    wanted: Iterable[str],
    dataset_titles: Mapping[str, str],
) -> dict[str, Any]:
    """`{facet: {label, values: [{name, label, count}]}}` for the requested facets."""
    out: dict[str, Any] = {}
    for facet in wanted:
        counts = facets.get(facet, {})
        out[facet] = {
            "label": FACET_LABELS.get(facet, facet.title()),
            "values": [
                {"name": name, "label": facet_label(facet, name, dataset_titles), "count": n}
                for name, n in counts.items()
            ],
        }
    return out


def algorithms_dict(infos: Iterable[AlgorithmInfo], *, best: str) -> dict[str, Any]:
    """yente's `/algorithms` body; each feature is documented with its weight (coefficient)."""
    algos = []
    for info in infos:
        features = {
            name: {"description": name.replace("_", " "), "coefficient": weight}
            for name, weight in info.features.items()
        }
        algos.append(
            {
                "name": info.name,
                "description": info.description,
                "features": features,
                "docs": {
                    "name": info.name,
                    "description": info.description,
                    "version": info.version,
                    "params_hash": info.params_hash,
                    "features": features,
                },
            }
        )
    return {"algorithms": algos, "default": "best", "best": best}

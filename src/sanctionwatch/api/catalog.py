"""The `/catalog` body: which datasets are loaded and whether the index is up to date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sanctionwatch.api.inputs import DEFAULT_SCOPE
from sanctionwatch.api.ports import DatasetInfoLike


def _entity_count(info: DatasetInfoLike) -> int | None:
    for version in info.versions:
        if version.version == info.current_version:
            return version.entities
    return None


def catalog_dict(
    datasets: Sequence[DatasetInfoLike], built_versions: Mapping[str, str]
) -> dict[str, Any]:
    """yente's `DataCatalogModel`: a dataset is current when the index holds its current
    version, outdated when the index holds another one; the index is stale if any is outdated.
    The collection `default` lists every dataset as a child."""
    entries: list[dict[str, Any]] = []
    current: list[str] = []
    outdated: list[str] = []
    for info in sorted(datasets, key=lambda d: d.name):
        index_version = built_versions.get(info.name)
        is_current = index_version is not None and index_version == info.current_version
        if is_current:
            current.append(info.name)
        elif index_version is not None or info.current_version is not None:
            outdated.append(info.name)
        entries.append(
            {
                "name": info.name,
                "title": info.name,
                "load": True,
                "version": info.current_version,
                "index_version": index_version,
                "index_current": is_current,
                "children": [],
                "entity_count": _entity_count(info),
            }
        )
    children = [e["name"] for e in entries]
    entries.insert(
        0,
        {
            "name": DEFAULT_SCOPE,
            "title": "All datasets",
            "load": True,
            "version": None,
            "index_version": None,
            "index_current": not outdated,
            "children": children,
            "entity_count": None,
        },
    )
    return {
        "datasets": entries,
        "current": current,
        "outdated": outdated,
        "index_stale": bool(outdated),
    }

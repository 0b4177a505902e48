"""A case's dossier: everything its report shows, gathered in one consistent read.

The workspace rows are read in one transaction; the list entities are then looked up in the
store (its current versions), nested with their sanctions, identifiers and addresses. An
entity the store no longer holds (delisted and removed, or from a list not imported on this
machine) is left out: the alerts still carry its id, caption and dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from sanctionwatch.cases import audit, casework
from sanctionwatch.cases.model import CaseDossier, StoredAlert
from sanctionwatch.errors import NotFoundError

if TYPE_CHECKING:
    from sanctionwatch.store.store import Store

AUDIT_LIMIT = 10_000


def entity_ids(alerts: Iterable[StoredAlert]) -> list[str]:
    """Distinct list entity ids of the alerts, in the order they first appear."""
    return list(dict.fromkeys(ref.entity_id for a in alerts for ref in a.alert.entities))


def case_records(conn: Connection, case_id: int, *, now: str) -> CaseDossier:
    """The dossier without list entities (those come from the store, see `with_entities`)."""
    case = casework.get_case(conn, case_id)
    alerts = tuple(casework.case_alerts(conn, case_id))
    targets = (f"case:{case_id}", *(f"alert:{a.id}" for a in alerts))
    entries = audit.entries(conn, targets=targets, limit=AUDIT_LIMIT)
    return CaseDossier(
        case=case,
        alerts=alerts,
        entities=(),
        notes=tuple(casework.notes(conn, case_id)),
        decisions=tuple(casework.decisions(conn, case_id)),
        audit=tuple(reversed(entries)),  # chronological, as a report reads
        generated_at=now,
    )


def with_entities(dossier: CaseDossier, store: Store | None) -> CaseDossier:
    """The dossier with the nested FtM dict of each entity its alerts name and the store has."""
    if store is None:
        return dossier
    found: list[Mapping[str, Any]] = []
    for entity_id in entity_ids(dossier.alerts):
        try:
            found.append(stable_entity(store.entity_nested(entity_id)))
        except NotFoundError:
            continue
    return replace(dossier, entities=tuple(found))


def stable_entity(entity: Mapping[str, Any]) -> dict[str, Any]:
    """The entity with every property's values in a fixed order (text sorted, nested entities
    by id), so a report is the same bytes whatever order the store returned the statements in."""
    out = dict(entity)
    properties = entity.get("properties")
    if isinstance(properties, Mapping):
        out["properties"] = {prop: _stable_values(values) for prop, values in properties.items()}
    return out


def _stable_values(values: Any) -> Any:
    if not isinstance(values, list):
        return values
    nested = [stable_entity(v) for v in values if isinstance(v, Mapping)]
    plain = sorted(str(v) for v in values if not isinstance(v, Mapping))
    return [*plain, *sorted(nested, key=lambda e: str(e.get("id", "")))]

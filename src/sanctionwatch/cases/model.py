"""The analyst's records: alerts, cases, notes, decisions, audit entries, users.

One definition each (DESIGN: "records that are not entities get one definition each"); the
workspace tables, the CLI's JSON and the `/api/` models derive from these dataclasses.

Alert evidence is plain JSON so an alert stays explainable after the code that raised it has
changed. Its shape per kind (the producers in `cases.monitor` write it, reports and the web UI
read it):

- `list_change`: `{"dataset", "from_version", "to_version", "change": "added|removed|modified",
  "entity": {FtM entity dict}, "portfolio_row": {...} | null, "match": {MatchResult dict} | null}`
- `screening_hit`: `{"portfolio": path, "row": line number, "query": {...},
  "match": {MatchResult dict: id, caption, schema, score, explanation, datasets, ...}}`
- `document_finding`: `{"document": {"source", "language", "title", "published"}, "activities":
  [activity dicts with "evidence", "start", "end", "category", "direction", "assertion",
  "provisions"], "mentions": [linked mention dicts], "text_sha256": hex, "dated_by":
  "published" | "received"}`; `occurred_at` is the publication date, else when the document
  was received (`dated_by` says which; alerts raised before dates existed have neither)
- `ship_event`: the maritime event's JSON (`{"type", "vessels", "start", "end", "lat", "lon",
  "duration_h", "details", "watchlist", "definition", "params_hash"}`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

AlertKind = Literal["list_change", "screening_hit", "document_finding", "ship_event"]
ALERT_KINDS: tuple[str, ...] = get_args(AlertKind)

Severity = Literal["low", "medium", "high"]
SEVERITIES: tuple[str, ...] = get_args(Severity)

AlertStatus = Literal["new", "in_case", "dismissed"]
ALERT_STATUSES: tuple[str, ...] = get_args(AlertStatus)

CaseStatus = Literal["open", "under_review", "confirmed", "dismissed"]
CASE_STATUSES: tuple[str, ...] = get_args(CaseStatus)

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
ROLE_RANK: Mapping[str, int] = {"viewer": 0, "analyst": 1, "admin": 2}


def fingerprint(kind: str, *parts: object) -> str:
    """A stable identity for an alert: the same finding raised twice has the same fingerprint,
    so the workspace stores it once (monitor runs are idempotent)."""
    payload = json.dumps([kind, *parts], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class EntityRef:
    """A list entry an alert involves."""

    entity_id: str
    dataset: str | None = None
    caption: str | None = None
    schema: str | None = None


@dataclass(frozen=True)
class VesselRef:
    """A ship an alert involves; IMO is the key that survives renames and reflagging."""

    mmsi: int | None = None
    imo: str | None = None
    name: str | None = None
    flag: str | None = None


@dataclass(frozen=True)
class Alert:
    """Anything worth an analyst's look, with what is needed to reproduce it."""

    kind: AlertKind
    fingerprint: str
    title: str
    severity: Severity
    algorithm: str  # "sw-v1", "encounter@1", "reader@1", "list-diff@1"
    params_hash: str
    list_versions: Mapping[str, str]
    source: str  # the portfolio file, document source, AIS file or dataset it came from
    evidence: Mapping[str, Any]
    occurred_at: str | None = None  # ISO 8601 UTC time of the underlying event, if known
    entities: tuple[EntityRef, ...] = ()
    vessels: tuple[VesselRef, ...] = ()
    countries: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["list_versions"] = dict(self.list_versions)
        data["evidence"] = dict(self.evidence)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Alert:
        """The alert `to_dict` gave (extra keys, such as a stored alert's, are ignored)."""
        return cls(
            kind=data["kind"],
            fingerprint=data["fingerprint"],
            title=data["title"],
            severity=data["severity"],
            algorithm=data["algorithm"],
            params_hash=data["params_hash"],
            list_versions=dict(data.get("list_versions") or {}),
            source=data["source"],
            evidence=dict(data.get("evidence") or {}),
            occurred_at=data.get("occurred_at"),
            entities=tuple(EntityRef(**e) for e in data.get("entities") or ()),
            vessels=tuple(VesselRef(**v) for v in data.get("vessels") or ()),
            countries=tuple(data.get("countries") or ()),
        )


@dataclass(frozen=True)
class StoredAlert:
    """An alert as the workspace holds it."""

    id: int
    alert: Alert
    status: AlertStatus
    created_at: str
    run_id: str | None = None
    case_ids: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "created_at": self.created_at,
            "run_id": self.run_id,
            "case_ids": list(self.case_ids),
            **self.alert.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredAlert:
        """The stored alert `to_dict` gave."""
        return cls(
            id=data["id"],
            alert=Alert.from_dict(data),
            status=data["status"],
            created_at=data["created_at"],
            run_id=data.get("run_id"),
            case_ids=tuple(data.get("case_ids") or ()),
        )


@dataclass(frozen=True)
class Case:
    """An incident in Panel of Experts terms."""

    id: int
    title: str
    status: CaseStatus
    summary: str
    created_at: str
    updated_at: str
    created_by: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Note:
    id: int
    case_id: int
    author: str
    text: str
    created_at: str


@dataclass(frozen=True)
class Decision:
    """A status decision on a case, with its reasons (append-only)."""

    id: int
    case_id: int
    actor: str
    status: CaseStatus
    rationale: str
    created_at: str


@dataclass(frozen=True)
class AuditEntry:
    """One change made through the application; the table refuses UPDATE and DELETE."""

    id: int
    at: str
    actor: str
    action: str  # "case.create", "case.add_alert", "case.decide", "note.add", "user.add", ...
    target: str  # "case:3", "alert:17", "user:alice"
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseSuggestion:
    """Alerts proposed for one case because they share an entity, a vessel IMO or a window."""

    alert_ids: tuple[int, ...]
    reasons: tuple[str, ...]  # "entity:ofac-1234", "imo:9123456", "window:2024-03-01..03"
    case_id: int | None = None  # an existing case these alerts would join


@dataclass(frozen=True)
class CaseDossier:
    """Everything a report shows about one case (the input of `cases.report`)."""

    case: Case
    alerts: tuple[StoredAlert, ...]
    entities: tuple[Mapping[str, Any], ...]  # FtM entity dicts (nested) from the list store
    notes: tuple[Note, ...]
    decisions: tuple[Decision, ...]
    audit: tuple[AuditEntry, ...]
    generated_at: str


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created_at: str
    active: bool = True

    def can(self, needed: Role) -> bool:
        return self.active and ROLE_RANK[self.role] >= ROLE_RANK[needed]


@dataclass(frozen=True)
class ApiKeyInfo:
    """An API key as listed (the secret is shown once, at creation, and stored hashed)."""

    id: int
    user: str
    label: str
    prefix: str  # first characters, to recognise a key without revealing it
    created_at: str
    revoked: bool = False

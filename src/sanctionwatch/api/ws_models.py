"""Wire models of the workspace API (`/api/*`), derived from the records in `cases.model`.

Records whose JSON is their `asdict()` (Case, Note, Decision, AuditEntry, User, ApiKeyInfo,
CaseSuggestion, EntityRef, VesselRef) are used as they are: FastAPI documents and validates
stdlib dataclasses, so the wire shape cannot drift from the record. A stored alert goes on the
wire flattened, as `StoredAlert.to_dict()` (and the CLI's JSON) has it; `AlertModel` spells
that out and a test holds it to the dataclass fields. Request bodies carry their limits here,
so they show in `/openapi.json`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from sanctionwatch.api.models import ErrorResponse, ScoredEntityResponse
from sanctionwatch.cases.model import (
    AlertKind,
    AlertStatus,
    ApiKeyInfo,
    AuditEntry,
    Case,
    CaseStatus,
    Decision,
    EntityRef,
    Note,
    Role,
    Severity,
    User,
    VesselRef,
)

MAX_TEXT = 20_000
MAX_IDS = 1000
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
MAX_ID = 2**62  # ids are 64-bit database integers
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The documented error responses of a route (each `{"detail": ...}`)."""
    text = {
        400: "Invalid request",
        401: "Authentication required (log in, or send an API key)",
        403: "Role too low, or CSRF token missing or wrong",
        404: "Not found",
        413: "Upload too large",
        415: "Unsupported file type",
        429: "Too many failed logins (see Retry-After)",
        503: "Not ready yet (index or reader warming up)",
    }
    return {code: {"model": ErrorResponse, "description": text[code]} for code in codes}


# --- alerts ------------------------------------------------------------------------------


class AlertModel(BaseModel):
    """One stored alert: workspace state (id, status, cases) and the alert with its evidence,
    algorithm version, parameter hash and list versions."""

    id: int
    status: AlertStatus
    created_at: str
    run_id: str | None = None
    case_ids: list[int] = Field(default_factory=list)
    kind: AlertKind
    fingerprint: str
    title: str
    severity: Severity
    algorithm: str
    params_hash: str
    list_versions: dict[str, str]
    source: str
    evidence: dict[str, Any]
    occurred_at: str | None = None
    entities: list[EntityRef] = Field(default_factory=list)
    vessels: list[VesselRef] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)


class AlertPage(BaseModel):
    results: list[AlertModel]
    limit: int
    offset: int


class DismissRequest(BaseModel):
    reason: str = Field(..., min_length=1, max_length=MAX_TEXT)


# --- cases -------------------------------------------------------------------------------


class CaseCreate(BaseModel):
    title: str = Field(..., min_length=1, max_length=300)
    summary: str = Field("", max_length=MAX_TEXT)
    alert_ids: list[RecordId] = Field(default_factory=list, max_length=MAX_IDS)


class AlertIds(BaseModel):
    alert_ids: list[RecordId] = Field(..., min_length=1, max_length=MAX_IDS)


class NoteCreate(BaseModel):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT)


class DecisionCreate(BaseModel):
    status: CaseStatus
    rationale: str = Field(..., min_length=1, max_length=MAX_TEXT)


class CaseDetail(BaseModel):
    case: Case
    alerts: list[AlertModel]
    notes: list[Note]
    decisions: list[Decision]
    audit: list[AuditEntry]


# --- documents, events, runs -------------------------------------------------------------


class DocumentSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    source: str
    title: str | None = None
    language: str | None = None
    alert: bool = False
    created_at: str


class DocumentDetail(DocumentSummary):
    text: str
    finding: dict[str, Any]


class UploadedDocument(BaseModel):
    document_id: int
    alert_ids: list[int]
    finding: dict[str, Any]


class UploadResponse(BaseModel):
    documents: list[UploadedDocument]


class EventModel(BaseModel):
    """A ship event as the maritime detectors give it (type, vessels, times, position,
    details, definition version, parameter hash), with its workspace id."""

    model_config = ConfigDict(extra="allow")

    id: int
    type: str


class Feature(BaseModel):
    type: str = "Feature"
    properties: dict[str, Any]
    geometry: dict[str, Any] | None


class FeatureCollection(BaseModel):
    type: str = "FeatureCollection"
    features: list[Feature]


class RunModel(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    kind: str


# --- screening ---------------------------------------------------------------------------


class ScreenRequest(BaseModel):
    """One party to screen: a name and what else is known, or FtM properties directly."""

    model_config = ConfigDict(populate_by_name=True)

    schema_: str = Field("LegalEntity", alias="schema", max_length=100, examples=["Person"])
    name: str | None = Field(None, max_length=1000, examples=["Kim Jong Un"])
    birth_date: str | None = Field(None, max_length=40, examples=["1984-01-08"])
    country: str | None = Field(None, max_length=40, examples=["kp"])
    identifiers: list[str] = Field(default_factory=list, max_length=20)
    properties: dict[str, list[str]] = Field(default_factory=dict, max_length=100)
    limit: int = Field(10, ge=1, le=100)
    threshold: float = Field(0.7, ge=0.0, le=1.0)
    algorithm: str = Field("best", max_length=100)


class ScreenResponse(BaseModel):
    query: dict[str, Any]
    results: list[ScoredEntityResponse]


class ScreenFileResponse(BaseModel):
    filename: str
    columns: list[str]
    rows: list[dict[str, Any]]


# --- views -------------------------------------------------------------------------------


class EntityLinks(BaseModel):
    alerts: list[AlertModel]
    documents: list[DocumentSummary]
    events: list[EventModel]
    cases: list[Case]


class GraphNode(BaseModel):
    id: str
    label: str
    type: str


class GraphEdge(BaseModel):
    source: str
    target: str
    label: str


class Graph(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class TimelineRow(BaseModel):
    model_config = ConfigDict(extra="allow")

    at: str
    type: str
    kind: str
    title: str
    ref: str


class ListChange(BaseModel):
    dataset: str
    current_version: str | None
    previous_version: str | None
    entities: int | None
    previous_entities: int | None


class Dashboard(BaseModel):
    alerts_new: int
    alerts_by_kind: dict[str, int]
    recent_alerts: list[AlertModel]
    open_cases: list[Case]
    list_changes: list[ListChange]
    runs: list[RunModel]


# --- users, keys, sessions ---------------------------------------------------------------


class UserCreate(BaseModel):
    name: str = Field(..., pattern=NAME_PATTERN, examples=["alice"])
    role: Role
    password: str | None = Field(None, min_length=8, max_length=1000)


class RoleChange(BaseModel):
    role: Role


class KeyCreate(BaseModel):
    label: str = Field("", max_length=200)


class KeyCreated(BaseModel):
    """The new key; `secret` is shown this once and cannot be retrieved later."""

    key: ApiKeyInfo
    secret: str


class Me(BaseModel):
    user: User
    via: str
    csrf_token: str | None = Field(
        None, description="The session's CSRF token (cookie sessions only)"
    )


class LoginRequest(BaseModel):
    name: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=1000)

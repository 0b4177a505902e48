"""Wire models of the yente-compatible API: the JSON shapes clients already parse.

Field names, defaults and nesting follow yente's read API so that `yente-client` and scripts
written for yente work against this server unchanged. Structural limits on input live here so
they show up in `/openapi.json`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Structural limits only; the screening service checks values precisely (name length, dates,
# countries, control characters) and its `InputError` becomes a 400 with its message.
MAX_VALUE_CHARS = 4000
MAX_PROPERTIES = 100
MAX_BATCH = 100
MAX_MATCHES = 500
MAX_PAGE = 500
MAX_OFFSET = 9499
MAX_EXCLUDE_IDS = 50
DEFAULT_THRESHOLD = 0.7

Value = Annotated[str, StringConstraints(max_length=MAX_VALUE_CHARS)]


class ErrorResponse(BaseModel):
    """The one error body of every route: yente's `{"detail": "..."}`."""

    detail: str = Field(..., examples=["No such dataset."])


class StatusResponse(BaseModel):
    status: str = Field("ok", examples=["ok"])


class EntityExample(BaseModel):
    """A query by example: an FtM schema and its properties (a value or a list of values)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, max_length=200, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", max_length=100, examples=["Person"])
    properties: dict[str, Value | list[Value]] = Field(
        ...,
        max_length=MAX_PROPERTIES,
        examples=[{"name": ["John Doe"], "birthDate": ["1975-04-21"]}],
    )

    def values(self) -> dict[str, list[str]]:
        """Every property as a list of values."""
        return {k: [v] if isinstance(v, str) else list(v) for k, v in self.properties.items()}


class EntityMatchQuery(BaseModel):
    """The body of `POST /match/{dataset}`."""

    queries: dict[str, EntityExample] = Field(
        ...,
        examples=[{"q1": {"schema": "Person", "properties": {"name": ["Vladimir Putin"]}}}],
    )
    weights: dict[str, float] = Field(default_factory=dict, examples=[{}])
    config: dict[str, Any] = Field(default_factory=dict, examples=[{}])


class EntityResponse(BaseModel):
    """An entity as yente returns it; nested entities may appear among property values."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["NK-A7z...."])
    caption: str = Field(..., examples=["John Doe"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, list[str | EntityResponse]] = Field(default_factory=dict)
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None


class FeatureExplanation(BaseModel):
    """Why one feature scored what it did: the names or values compared and the detail."""

    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None
    weight: float | None = None


class ScoredEntityResponse(EntityResponse):
    score: float = Field(..., examples=[0.97])
    match: bool = Field(..., examples=[True])
    explanations: dict[str, FeatureExplanation] = Field(default_factory=dict)
    features: dict[str, float] = Field(default_factory=dict)
    meta: dict[str, Any] | None = Field(
        None, description="Audit record: algorithm, parameter hash and list versions scored"
    )


class TotalSpec(BaseModel):
    value: int = Field(..., examples=[1])
    relation: str = Field("eq", examples=["eq"])


class EntityMatches(BaseModel):
    status: int = Field(200, examples=[200])
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: dict[str, Any]


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int = Field(..., examples=[5])


class SearchFacetItem(BaseModel):
    name: str = Field(..., examples=["ru"])
    label: str = Field(..., examples=["Russia"])
    count: int = Field(1, examples=[42])


class SearchFacet(BaseModel):
    label: str = Field(..., examples=["Countries"])
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]
    total: TotalSpec
    limit: int = Field(..., examples=[10])
    offset: int = Field(0, examples=[0])


class DatasetModel(BaseModel):
    name: str
    title: str
    summary: str | None = None
    load: bool = True
    version: str | None = None
    index_version: str | None = None
    index_current: bool = False
    children: list[str] = Field(default_factory=list)
    entity_count: int | None = None


class DataCatalogModel(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


class AlgorithmModel(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, Any] = Field(default_factory=dict)
    docs: dict[str, Any] = Field(default_factory=dict)


class AlgorithmResponse(BaseModel):
    algorithms: list[AlgorithmModel]
    default: str
    best: str


EntityResponse.model_rebuild()


# --- OpenRefine reconciliation (W3C Reconciliation API 0.2, as yente serves it) ---


class FreebaseType(BaseModel):
    id: str = Field(..., examples=["Person"])
    name: str = Field(..., examples=["People"])
    description: str | None = None


class FreebaseProperty(BaseModel):
    id: str = Field(..., examples=["Person:birthDate"])
    name: str = Field(..., examples=["Birth date"])
    description: str | None = None


class FreebaseEntity(BaseModel):
    id: str = Field(..., examples=["NK-A7z...."])
    name: str = Field(..., examples=["John Doe"])
    description: str | None = None
    type: list[FreebaseType]


class FreebaseScoredEntity(FreebaseEntity):
    score: float = Field(..., examples=[0.99])
    match: bool = Field(..., examples=[True])


class FreebaseEntityResult(BaseModel):
    result: list[FreebaseScoredEntity]


class FreebaseSuggestResponse(BaseModel):
    code: str = "/api/status/ok"
    status: str = "200 OK"
    prefix: str


class FreebaseTypeSuggestResponse(FreebaseSuggestResponse):
    result: list[FreebaseType]


class FreebasePropertySuggestResponse(FreebaseSuggestResponse):
    result: list[FreebaseProperty]


class FreebaseEntitySuggestResponse(FreebaseSuggestResponse):
    result: list[FreebaseEntity]


class FreebaseServicePath(BaseModel):
    service_url: str
    service_path: str


class FreebaseManifestSuggest(BaseModel):
    entity: FreebaseServicePath
    type: FreebaseServicePath
    property: FreebaseServicePath


class FreebaseManifest(BaseModel):
    versions: list[str] = Field(..., examples=[["0.2"]])
    name: str
    identifierSpace: str  # the specification names these fields in camelCase
    schemaSpace: str
    view: dict[str, str]
    suggest: FreebaseManifestSuggest
    defaultTypes: list[FreebaseType]
    batchSize: int = 3

"""The network graph (entities, vessels, documents, cases tied by alerts) and the timeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from sanctionwatch.cases import views
from sanctionwatch.cases.model import User
from sanctionwatch.web import svg
from sanctionwatch.web.deps import get_store, get_workspace, page_read
from sanctionwatch.web.pages.common import blocking, optional, optional_int
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)


def node_href(node: Mapping[str, Any]) -> str | None:
    """The page of a graph node, from its id ("entity:ID", "case:3", "vessel:imo:N"...)."""
    kind, _, rest = str(node.get("id", "")).partition(":")
    if kind == "entity":
        return "/entity/" + quote(rest, safe="")
    if kind == "case":
        return "/cases/" + quote(rest, safe="")
    if kind == "vessel":
        key, _, value = rest.partition(":")
        return f"/map?{key}={quote(value, safe='')}" if key in ("imo", "mmsi") else None
    if kind == "document":
        return "/alerts?kind=document_finding&q=" + quote(rest, safe="")
    return None


def ref_href(ref: str) -> str | None:
    """The page of a timeline row's reference ("alert:3", "case:2")."""
    kind, _, value = ref.partition(":")
    if kind in ("alert", "case") and value.isdigit():
        return f"/{kind}s/{value}"
    return None


@router.get("/graph")
async def network(
    request: Request,
    entity_id: str = Query("", max_length=200),
    case_id: str = Query("", max_length=12),
    user: User | None = Depends(page_read),
) -> Response:
    data = await blocking(
        views.graph,
        get_workspace(request),
        get_store(request),
        entity_id=optional(entity_id),
        case_id=optional_int(case_id, "case_id"),
    )
    drawing = await blocking(svg.graph_svg, data, href=node_href)
    return render(
        request,
        "graph.html.j2",
        {
            "svg": Markup(drawing),  # svg.graph_svg escapes every label it draws
            "graph": data,
            "entity_id": entity_id,
            "case_id": case_id,
        },
        user=user,
        title="Network graph",
    )


@router.get("/timeline")
async def timeline(
    request: Request,
    case_id: str = Query("", max_length=12),
    user: User | None = Depends(page_read),
) -> Response:
    rows = await blocking(
        views.timeline, get_workspace(request), case_id=optional_int(case_id, "case_id")
    )
    for row in rows:
        row["href"] = ref_href(str(row.get("ref") or ""))
    return render(
        request,
        "timeline.html.j2",
        {"rows": list(reversed(rows)), "case_id": case_id},
        user=user,
        title="Timeline",
    )

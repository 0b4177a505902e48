"""An entity page: all names with their scripts and languages, sanctions, identifiers, and
the alerts, documents, ship events and cases linked to it (`cases.views.entity_links`).

The path is `/entity/{id}`: `/entities/{id}` is yente's JSON route and stays so.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sanctionwatch.cases import views
from sanctionwatch.cases.model import User
from sanctionwatch.web import entity_view
from sanctionwatch.web.deps import get_store, get_workspace, page_read
from sanctionwatch.web.pages.common import blocking
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/entity/{entity_id}")
async def entity(
    request: Request, entity_id: str, user: User | None = Depends(page_read)
) -> Response:
    store = get_store(request)
    data = await blocking(store.entity_nested, entity_id)
    statements = await blocking(store.provenance, entity_id)
    links = await blocking(views.entity_links, get_workspace(request), entity_id)
    return render(
        request,
        "entity.html.j2",
        {
            "entity": data,
            "names": entity_view.names(data, statements),
            "sanctions": entity_view.sanctions(data),
            "identifiers": entity_view.identifiers(data),
            "facts": entity_view.facts(data),
            "links": links,
        },
        user=user,
        title=str(data.get("caption") or entity_id),
    )

"""The lists: datasets and their versions, what changed between two versions, and search."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sanctionwatch.api.errors import NotReadyError
from sanctionwatch.cases.model import User
from sanctionwatch.web.deps import get_store, page_read, screener
from sanctionwatch.web.pages.common import blocking, optional, plain
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)

CHANGES_SHOWN = 500  # per kind; the CLI and `/api` give all of them


@router.get("/lists")
async def datasets(request: Request, user: User | None = Depends(page_read)) -> Response:
    found = await blocking(get_store(request).datasets)
    return render(request, "lists.html.j2", {"datasets": plain(found)}, user=user, title="Lists")


@router.get("/lists/search")
async def search(
    request: Request,
    q: str = Query("", max_length=500),
    schema: str = Query("Thing", max_length=100),
    user: User | None = Depends(page_read),
) -> Response:
    results: list[dict[str, object]] = []
    total = 0
    warming = False
    if q.strip():
        try:
            page = await blocking(
                screener(request).search,
                q.strip(),
                limit=50,
                offset=0,
                datasets=None,
                schema=schema or "Thing",
                countries=frozenset(),
                topics=frozenset(),
            )
        except NotReadyError:
            warming = True
        else:
            total = page.total
            results = [
                {
                    "id": e.id,
                    "caption": e.caption,
                    "schema": e.schema.name,
                    "countries": sorted(
                        set(e.get("country", quiet=True) + e.get("nationality", quiet=True))
                    ),
                }
                for e in page.results
            ]
    return render(
        request,
        "search.html.j2",
        {"q": q, "schema": schema, "results": results, "total": total, "warming": warming},
        user=user,
        title="Search the lists",
        status_code=503 if warming else 200,
    )


@router.get("/lists/{dataset}")
async def dataset_changes(
    request: Request,
    dataset: str,
    from_version: str | None = Query(None, alias="from", max_length=100),
    to_version: str | None = Query(None, alias="to", max_length=100),
    user: User | None = Depends(page_read),
) -> Response:
    store = get_store(request)
    infos = [d for d in await blocking(store.datasets) if d.name == dataset]
    changes = await blocking(
        store.changes,
        dataset,
        from_version=optional(from_version),
        to_version=optional(to_version),
    )
    data = {
        "from_version": changes.from_version,
        "to_version": changes.to_version,
        **changes.to_dict(),
    }
    counts = {kind: len(data[kind]) for kind in ("added", "removed", "modified")}
    for kind in counts:
        data[kind] = data[kind][:CHANGES_SHOWN]
    return render(
        request,
        "dataset.html.j2",
        {
            "info": plain(infos[0]) if infos else None,
            "dataset": dataset,
            "changes": data,
            "counts": counts,
            "shown": CHANGES_SHOWN,
        },
        user=user,
        title=f"List {dataset}",
    )

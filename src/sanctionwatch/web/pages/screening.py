"""Screening: one name (with birth date, country, identifiers) or an uploaded table.

Both are reads of the lists, so a viewer may screen; they are POST forms (with the CSRF token)
so that screened names stay out of URLs, browser history and access logs. An uploaded table
is an audit entry (`cases.uploads`: who, when, name, size, sha256; never its rows).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from sanctionwatch.api.errors import NotReadyError
from sanctionwatch.cases import views
from sanctionwatch.cases.model import User
from sanctionwatch.screening.service import MatchOptions, make_query
from sanctionwatch.web.deps import page_read, require_viewer, screener
from sanctionwatch.web.pages.common import blocking, optional
from sanctionwatch.web.pages.uploads import read_upload
from sanctionwatch.web.templating import render

router = APIRouter(include_in_schema=False)

SCHEMATA = ("LegalEntity", "Person", "Organization", "Company", "Vessel")
MAX_UPLOAD_ROWS = 1000
RESULTS = 10


@router.get("/screen")
async def screen_form(request: Request, user: User | None = Depends(page_read)) -> Response:
    return render(
        request,
        "screen.html.j2",
        {"form": {}, "results": None, "schemata": SCHEMATA, "table": None},
        user=user,
        title="Screening",
    )


@router.post("/screen")
async def screen_name(
    request: Request,
    name: str = Form(..., min_length=1, max_length=500),
    schema_name: str = Form("LegalEntity", max_length=100, alias="schema"),
    birth_date: str = Form("", max_length=10),
    country: str = Form("", max_length=100),
    identifier: str = Form("", max_length=100),
    user: User = Depends(require_viewer),
) -> Response:
    form = {
        "name": name,
        "schema": schema_name,
        "birth_date": birth_date,
        "country": country,
        "identifier": identifier,
    }
    query_schema, props = views.query_properties(
        schema_name,
        name=name,
        birth_date=optional(birth_date),
        country=optional(country),
        identifiers=[identifier] if identifier.strip() else [],
    )
    query = make_query(query_schema, props)
    options = MatchOptions(limit=RESULTS, threshold=0.7, cutoff=0.5)
    try:
        matches = await blocking(screener(request).match, query, options)
    except NotReadyError as exc:
        return _warming(request, user, form, str(exc))
    results = [r.to_dict() for r in matches]
    return render(
        request,
        "screen.html.j2",
        {"form": form, "results": results, "schemata": SCHEMATA, "table": None},
        user=user,
        title=f"Screening: {name}",
    )


@router.post("/screen/file")
async def screen_file(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    user: User = Depends(require_viewer),
) -> Response:
    data, filename = await read_upload(request, file, actor=user.name, kind="screening_table")
    try:
        found = screener(request)
    except NotReadyError as exc:
        return _warming(request, user, {}, str(exc))
    table: dict[str, Any] = await blocking(
        views.screen_upload,
        found,  # type: ignore[arg-type]  # the app's screener is a screening.Screener
        data=data,
        filename=filename,
        max_rows=MAX_UPLOAD_ROWS,
        options=MatchOptions(limit=3),
    )
    return render(
        request,
        "screen.html.j2",
        {"form": {}, "results": None, "schemata": SCHEMATA, "table": table},
        user=user,
        title=f"Screening: {filename}",
    )


def _warming(request: Request, user: User, form: dict[str, Any], message: str) -> Response:
    return render(
        request,
        "screen.html.j2",
        {"form": form, "results": None, "schemata": SCHEMATA, "table": None, "warming": message},
        user=user,
        title="Screening",
        status_code=503,
    )

"""`sanctionwatch report CASE_ID --format html|pdf|ftm -o FILE`: a case as a publishable file.

Thin shell: open the workspace and the list store (same database), build the case's dossier,
render it, write the bytes. Without `-o` the report goes to stdout (html and ftm are text;
a PDF is written as bytes, for piping).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sanctionwatch.cli.common import err_console, handle_errors, settings


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    ftm = "ftm"


@handle_errors
def report_command(
    case_id: Annotated[int, typer.Argument(help="The case to report on.")],
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="html, pdf or ftm (FtM JSON lines).")
    ] = ReportFormat.html,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default stdout).")
    ] = None,
) -> None:
    """Render a case as an HTML or PDF report in the manner of a Panel of Experts annex, or
    as FtM entities for other tools."""
    from sanctionwatch.cases.report import render_report
    from sanctionwatch.cases.workspace import open_workspace
    from sanctionwatch.store import open_store

    db_url = settings().db_url
    with open_store(db_url) as store, open_workspace(db_url) as workspace:
        dossier = workspace.dossier(case_id, store=store)
    data = render_report(dossier, fmt.value)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    err_console.print(
        f"case {case_id}: {fmt.value} report, {len(data):,} bytes -> {output}", highlight=False
    )


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)

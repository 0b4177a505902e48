"""Case reports: a `CaseDossier` rendered as HTML, PDF or FtM JSON lines.

Rendering is pure (a dossier in, bytes out) and deterministic: the time printed is the
dossier's `generated_at`, never the clock, so the same dossier gives the same HTML and FtM
bytes, and a published report can be regenerated and compared.
"""

from __future__ import annotations

from collections.abc import Mapping

from sanctionwatch.cases.model import CaseDossier
from sanctionwatch.errors import InputError

FORMATS: tuple[str, ...] = ("html", "pdf", "ftm")
MEDIA_TYPES: Mapping[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "ftm": "application/x-ndjson",
}
EXTENSIONS: Mapping[str, str] = {"html": "html", "pdf": "pdf", "ftm": "ftm.json"}


def render_report(dossier: CaseDossier, fmt: str) -> bytes:
    """The case report in one format: "html", "pdf" or "ftm" (JSON lines of FtM entities)."""
    # Imported here: the PDF library and the templates load only for the format asked for.
    if fmt == "html":
        from sanctionwatch.cases.report.content import build_report
        from sanctionwatch.cases.report.html import render_html

        return render_html(build_report(dossier))
    if fmt == "pdf":
        from sanctionwatch.cases.report.content import build_report
        from sanctionwatch.cases.report.pdf import render_pdf

        return render_pdf(build_report(dossier))
    if fmt == "ftm":
        from sanctionwatch.cases.report.ftm import render_ftm

        return render_ftm(dossier)
    raise InputError(f"unknown report format {fmt!r}: expected one of {', '.join(FORMATS)}")

"""`render_report`: formats, an empty case, and determinism."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from pypdf import PdfReader

from sanctionwatch.cases.model import CaseDossier
from sanctionwatch.cases.report import FORMATS, MEDIA_TYPES, render_report
from sanctionwatch.errors import InputError


@pytest.fixture(scope="module")
def empty(dossier: CaseDossier) -> CaseDossier:
    """A case just opened: no alerts, entities, notes or decisions."""
    return replace(dossier, alerts=(), entities=(), notes=(), decisions=(), audit=())


def test_every_format_has_a_media_type() -> None:
    assert set(MEDIA_TYPES) == set(FORMATS) == {"html", "pdf", "ftm"}


def test_unknown_format_is_an_input_error(dossier: CaseDossier) -> None:
    with pytest.raises(InputError, match="unknown report format 'docx'"):
        render_report(dossier, "docx")


def test_empty_case_html(empty: CaseDossier) -> None:
    page = render_report(empty, "html").decode()
    assert "No list entity is linked to this case." in page
    assert "No ship event of this case has a position." in page
    assert "No evidence: the case has no alerts." in page
    assert "<svg" not in page


def test_empty_case_ftm_is_the_case_alone(empty: CaseDossier) -> None:
    lines = [json.loads(line) for line in render_report(empty, "ftm").decode().splitlines()]
    assert [e["schema"] for e in lines] == ["Project"]


def test_empty_case_pdf(empty: CaseDossier) -> None:
    reader = PdfReader(io.BytesIO(render_report(empty, "pdf")))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "No decision recorded yet." in text and "No notes." in text


def test_rendering_does_not_read_the_clock(dossier: CaseDossier) -> None:
    later = replace(dossier, generated_at="2027-01-01T00:00:00Z")
    page = render_report(later, "html").decode()
    assert "2027-01-01T00:00:00Z" in page and "2026-11-29T02:10:00Z" not in page

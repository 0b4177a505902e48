"""The PDF report: Unicode text extractable (Korean, Cyrillic, German), vector map, fonts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from sanctionwatch.cases.model import CaseDossier
from sanctionwatch.cases.report import pdf as pdf_module
from sanctionwatch.cases.report import render_report
from sanctionwatch.errors import ConfigError


@pytest.fixture(scope="module")
def document(dossier: CaseDossier) -> bytes:
    return render_report(dossier, "pdf")


@pytest.fixture(scope="module")
def text(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_is_a_pdf_with_metadata(document: bytes) -> None:
    assert document.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(document))
    assert len(reader.pages) >= 3
    assert reader.metadata is not None
    assert reader.metadata.title == "Case 1: YUK TUNG: dark STS with CHON MA SAN"


@pytest.mark.parametrize(
    "expected",
    [
        pytest.param("김정은", id="Korean name in a note"),
        pytest.param("Ким Чен Ын", id="Cyrillic name in a note"),
        pytest.param("Größere Lieferungen", id="German umlaut and sharp s"),
        pytest.param("Банком внешней торговли КНДР", id="Russian evidence sentence"),
        pytest.param("북한", id="Korean evidence sentence"),
        pytest.param("FOREIGN TRADE BANK (FTB)", id="UN entity"),
        pytest.param("KPe.047", id="UN reference number"),
        pytest.param("IMO9030591", id="vessel IMO"),
        pytest.param("1. Summary", id="summary section"),
        pytest.param("4. Chronology", id="chronology section"),
        pytest.param("5. Map", id="map section"),
        pytest.param("9. Audit trail", id="audit section"),
    ],
)
def test_text_is_extractable(text: str, expected: str) -> None:
    assert expected in text


def test_every_alert_names_its_version_and_hash(text: str, dossier: CaseDossier) -> None:
    flat = re.sub(r"\s+", "", text)  # table cells wrap long hashes
    for stored in dossier.alerts:
        assert stored.alert.params_hash in flat
        assert re.sub(r"\s+", "", stored.alert.algorithm) in flat


def test_map_is_vector_not_raster(document: bytes) -> None:
    reader = PdfReader(io.BytesIO(document))
    assert all(not page.images for page in reader.pages)
    streams = b"".join(
        page.get_contents().get_data()  # type: ignore[union-attr]
        for page in reader.pages
        if page.get_contents() is not None
    )
    xobjects = [
        obj.get_object()
        for page in reader.pages
        for obj in (page["/Resources"].get("/XObject") or {}).values()  # type: ignore[union-attr]
    ]
    forms = b"".join(x.get_data() for x in xobjects if x.get("/Subtype") == "/Form")
    drawn = streams + forms
    assert drawn.count(b" l ") > 500  # the coastline as line segments, not an image


def test_hostile_names_are_text_not_markup(hostile_dossier: CaseDossier) -> None:
    reader = PdfReader(io.BytesIO(render_report(hostile_dossier, "pdf")))
    text = "".join(page.extract_text() for page in reader.pages)
    assert '<script>alert("x")</script>' in text


def test_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pdf_module.find_font.cache_clear()
    monkeypatch.setattr(pdf_module, "packaged_font", lambda: None)
    monkeypatch.setattr(pdf_module, "SYSTEM_FONTS", ((str(tmp_path / "none.ttf"), 0),))
    try:
        with pytest.raises(ConfigError, match="paperang-p2-fonts-cjk"):
            pdf_module.find_font()
    finally:
        monkeypatch.undo()
        pdf_module.find_font.cache_clear()
    assert pdf_module.find_font()[0].is_file()

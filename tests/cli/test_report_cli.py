"""`sanctionwatch report CASE_ID --format html|pdf|ftm -o FILE` on a real workspace.

The list entities of the report fixture are imported as an FtM file (like any list), the
fixture's alerts are recorded in the workspace of the same database, grouped into a case with
a note and a decision; the command renders the dossier the workspace builds.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from sanctionwatch.cases.model import CaseDossier
from sanctionwatch.cases.report.ftm import flatten_nested
from sanctionwatch.cases.workspace import open_workspace
from sanctionwatch.cli.main import build_app
from sanctionwatch.settings import load_settings
from tests.cases.report.dossier_data import load_fixture


@pytest.fixture(scope="module")
def dossier() -> CaseDossier:
    return load_fixture()["dossier"]


@pytest.fixture(scope="module")
def case_id(tmp_path_factory: pytest.TempPathFactory, dossier: CaseDossier) -> Iterator[int]:
    tmp = tmp_path_factory.mktemp("report-cli")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SANCTIONWATCH_HOME", str(tmp / "home"))
        yield _make_case(tmp, dossier)


def _make_case(tmp: Path, dossier: CaseDossier) -> int:
    lists = tmp / "entities.ftm.json"
    with lists.open("w", encoding="utf-8") as out:
        for nested in dossier.entities:
            for entity in flatten_nested(nested):
                out.write(json.dumps(entity, ensure_ascii=False) + "\n")
    result = CliRunner().invoke(build_app("import"), ["import", str(lists), "--json"])
    assert result.exit_code == 0, result.output
    with open_workspace(load_settings().db_url) as ws:
        recorded = ws.record_alerts([a.alert for a in dossier.alerts])
        case = ws.create_case(
            "YUK TUNG: dark STS with CHON MA SAN",
            actor="alice",
            summary="Designated tanker dark for 39 h, then alongside CHON MA SAN.",
            alert_ids=recorded.new_ids,
        )
        ws.add_note(case.id, "Korean report names 김정은; Russian: Ким Чен Ын.", actor="alice")
        ws.decide(case.id, "under_review", actor="alice", rationale="AIS and two sources agree.")
        return case.id


def report(*args: str) -> str:
    result = CliRunner().invoke(build_app("report"), ["report", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_html(case_id: int, tmp_path: Path) -> None:
    out = tmp_path / "case.html"
    report(str(case_id), "--format", "html", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert f"Case {case_id}: YUK TUNG: dark STS with CHON MA SAN" in page
    assert "KPe.047" in page and "IMO9030591" in page  # entities from the store
    assert "AIS and two sources agree." in page  # the decision
    assert "case.decide" in page  # the audit trail the workspace wrote
    assert "<svg" in page


def test_pdf(case_id: int, tmp_path: Path) -> None:
    out = tmp_path / "case.pdf"
    report(str(case_id), "--format", "pdf", "-o", str(out))
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "김정은" in text and "Ким Чен Ын" in text and "KPe.047" in text


def test_ftm_to_stdout(case_id: int) -> None:
    lines = [json.loads(line) for line in report(str(case_id), "--format", "ftm").splitlines()]
    schemata = {e["schema"] for e in lines}
    assert {"Project", "Event", "Mention", "Organization", "Sanction", "Vessel"} <= schemata


def test_unknown_case_is_a_clean_error(case_id: int) -> None:
    result = CliRunner().invoke(build_app("report"), ["report", str(case_id + 100)])
    assert result.exit_code == 2
    assert "error" in result.output.lower()


def test_bad_format_is_refused(case_id: int) -> None:
    result = CliRunner().invoke(build_app("report"), ["report", str(case_id), "-f", "docx"])
    assert result.exit_code != 0

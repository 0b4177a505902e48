"""The JSON dossier the report tests read is what the code makes from the real data today."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cases.report.dossier_data import FIXTURE, build_dossiers, fixture_text, load_fixture


@pytest.mark.slow
def test_fixture_matches_a_fresh_build(tmp_path: Path) -> None:
    fresh = fixture_text(build_dossiers(tmp_path))
    assert fresh == FIXTURE.read_text(encoding="utf-8"), (
        "the report fixture is stale (the reader, screener, producers or lists changed): "
        "regenerate it with `.venv/bin/python -m tests.cases.report.dossier_data` and review "
        "the diff"
    )


def test_fixture_round_trips() -> None:
    dossiers = load_fixture()
    assert fixture_text(dossiers) == FIXTURE.read_text(encoding="utf-8")
    kinds = [a.alert.kind for a in dossiers["dossier"].alerts]
    assert kinds.count("document_finding") == 3 and kinds.count("ship_event") == 2

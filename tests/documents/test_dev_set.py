"""The development set of annotated real texts in five languages (shared/data/documents/dev)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.documents.model import Document, Finding
from sanctionwatch.documents.reader import Reader
from tests.paths import DOCUMENTS

DEV = DOCUMENTS / "dev"
GOLD = sorted(p for p in DEV.glob("[0-9]*.json"))


def _gold(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def findings(plain_reader: Reader) -> dict[str, tuple[dict[str, Any], Finding]]:
    out = {}
    for path in GOLD:
        gold = _gold(path)
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        out[gold["id"]] = (gold, plain_reader.analyze(Document(gold["id"], text)))
    return out


@pytest.mark.parametrize("path", GOLD, ids=[p.stem[:2] + "-" + p.stem.split("-")[1] for p in GOLD])
def test_alert_and_language(
    findings: dict[str, tuple[dict[str, Any], Finding]], path: Path
) -> None:
    gold, finding = findings[path.stem]
    assert finding.document.language == gold["language"]
    assert finding.alert is (gold["expected_flag"] == "violation_signal"), [
        (a.category, a.assertion, a.evidence[:60]) for a in finding.activities
    ]


def test_offsets_are_python_indices(findings: dict[str, tuple[dict[str, Any], Finding]]) -> None:
    for _, finding in findings.values():
        text = finding.document.text
        assert all(text[m.start : m.end] == m.text for m in finding.mentions)
        assert all(text[a.start : a.end] == a.evidence for a in finding.activities)
        assert all(text[x.start : x.end] == x.evidence for x in finding.exemptions)


@pytest.mark.parametrize(
    ("doc", "surface", "label"),
    [
        pytest.param(
            "12-ru-rim-severokoreiskie-rabochie-2025", "Северной Кореи", "KP", id="ru-genitive"
        ),
        pytest.param("12-ru-rim-severokoreiskie-rabochie-2025", "Россию", "RU", id="ru-accusative"),
        pytest.param("14-ko-nocutnews-nis-pabyeong-mugi-2025", "북한", "KP", id="ko-particle"),
        pytest.param(
            "08-fr-kbs-transfert-missiles-conseil-securite-2024", "Corée du Nord", "KP", id="fr"
        ),
        pytest.param(
            "05-de-upday-nordkorea-soldaten-russland-2024", "Russlands", "RU", id="de-genitive"
        ),
        pytest.param(
            "05-de-upday-nordkorea-soldaten-russland-2024", "Südkoreas", "KR", id="de-genitive-kr"
        ),
    ],
)
def test_countries_in_every_language(
    findings: dict[str, tuple[dict[str, Any], Finding]], doc: str, surface: str, label: str
) -> None:
    _, finding = findings[doc]
    assert any(m.text == surface and m.country == label for m in finding.mentions), [
        (m.text, m.country) for m in finding.mentions
    ]


def test_food_aid_text_records_the_exemption(
    findings: dict[str, tuple[dict[str, Any], Finding]],
) -> None:
    _, finding = findings["15-ko-hankyung-wfp-daebuk-jiwon-2020"]
    assert any(x.id == "food_aid_into_dprk" for x in finding.exemptions)
    assert not finding.alert


def test_iran_text_has_no_dprk_activity(
    findings: dict[str, tuple[dict[str, Any], Finding]],
) -> None:
    _, finding = findings["10-fr-rtbf-drones-iraniens-sanctions-ue-2022"]
    assert finding.activities == ()

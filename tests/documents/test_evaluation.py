"""The scorer of benchmarks/reader_eval.py, and the development-set targets as a regression
test (activity F1 >= 0.85, entity F1 >= 0.9, no alert on the hard negatives)."""

from __future__ import annotations

from typing import Any

import pytest

from sanctionwatch.documents.evaluation import GoldDoc, activity_credit, load_gold, score
from sanctionwatch.documents.model import Activity, Document
from sanctionwatch.documents.reader import Reader
from tests.paths import DOCUMENTS

GOLD = {
    "taxonomy_id": "arms_from_dprk",
    "acceptable_ids": ["arms_to_dprk"],
    "direction": "from_dprk",
    "spans": [[10, 20]],
}


def _act(category: str, direction: str, start: int, end: int) -> Activity:
    return Activity(category, direction, "reported_violation", start, end, "x" * (end - start))


@pytest.mark.parametrize(
    ("pred", "gold", "credit"),
    [
        pytest.param(_act("arms_from_dprk", "from_dprk", 15, 30), GOLD, 1.0, id="overlap"),
        pytest.param(_act("arms_from_dprk", "from_dprk", 20, 30), GOLD, 0.0, id="touching"),
        pytest.param(_act("arms_to_dprk", "from_dprk", 0, 11), GOLD, 1.0, id="acceptable-id"),
        pytest.param(_act("arms_from_dprk", "both", 0, 11), GOLD, 0.5, id="predicted-both"),
        pytest.param(_act("arms_from_dprk", "to_dprk", 0, 11), GOLD, 0.0, id="wrong-direction"),
        pytest.param(
            _act("coal_export", "to_dprk", 0, 11),
            {**GOLD, "taxonomy_id": "coal_export", "direction": "both"},
            1.0,
            id="gold-both",
        ),
    ],
)
def test_activity_credit(pred: Activity, gold: dict[str, Any], credit: float) -> None:
    assert activity_credit(pred, gold) == credit


@pytest.fixture(scope="module")
def dev(plain_reader: Reader) -> tuple[list[GoldDoc], Any]:
    docs = load_gold([DOCUMENTS / "dev", DOCUMENTS])
    findings = [plain_reader.analyze(Document(d.id, d.text)) for d in docs]
    return docs, score(docs, findings)


def test_dev_set_size(dev: tuple[list[GoldDoc], Any]) -> None:
    docs, _ = dev
    assert len(docs) == 17
    assert {d.language for d in docs} == {"de", "en", "fr", "ru", "ko"}


def test_dev_set_alerts(dev: tuple[list[GoldDoc], Any]) -> None:
    _, result = dev
    assert result.false_alerts == []
    assert result.missed_alerts == []


def test_dev_set_activity_f1(dev: tuple[list[GoldDoc], Any]) -> None:
    _, result = dev
    assert result.activities["all"].prf()[2] >= 0.85


def test_dev_set_entity_f1_without_statistical_ner(dev: tuple[list[GoldDoc], Any]) -> None:
    _, result = dev
    assert result.strict["all"].prf()[2] >= 0.9
    assert result.exemptions_found == result.exemptions_total

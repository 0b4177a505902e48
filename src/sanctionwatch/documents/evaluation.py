"""Scoring the reader against annotated texts (`dev-doc-gold/1.0`, see
shared/data/documents/README.md). Used by `benchmarks/reader_eval.py` and the tests.

- Alerts: document-level precision and recall (positive class `violation_signal`).
- Activities: a prediction counts when it overlaps a gold span of the same category (or an
  `acceptable_ids` one) with a compatible direction; gold `both` takes any direction and a
  predicted `both` against a specific gold direction counts 0.5. Precision is over
  predictions, recall over gold activities (each found at least once).
- Entities: per type, strict (exact offsets) and lenient (overlap) precision and recall.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanctionwatch.documents.model import SIGNAL_ASSERTIONS, Activity, Finding

TYPES = ("PERSON", "ORG", "VESSEL", "COUNTRY", "LOCATION")


@dataclass(frozen=True)
class GoldDoc:
    gold: dict[str, Any]
    text: str

    @property
    def id(self) -> str:
        return str(self.gold["id"])

    @property
    def language(self) -> str:
        return str(self.gold["language"])

    @property
    def positive(self) -> bool:
        return bool(self.gold["expected_flag"] == "violation_signal")


def load_gold(folders: Iterable[Path]) -> list[GoldDoc]:
    """Annotated documents in the folders (files that are not gold documents are skipped)."""
    docs = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            if gold.get("schema") != "dev-doc-gold/1.0" or "text_file" not in gold:
                continue
            text_path = path.with_suffix(".txt")
            if not text_path.is_file():
                text_path = folder / gold["text_file"]
            docs.append(GoldDoc(gold, text_path.read_text(encoding="utf-8")))
    return docs


def prf(
    tp_pred: float, n_pred: float, *, tp_gold: float, n_gold: float
) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 1.0
    r = tp_gold / n_gold if n_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _overlap(a: tuple[int, int], b: Sequence[int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def activity_credit(pred: Activity, gold: dict[str, Any]) -> float:
    if pred.category not in {gold["taxonomy_id"], *gold.get("acceptable_ids", [])}:
        return 0.0
    if not any(_overlap((pred.start, pred.end), s) for s in gold["spans"]):
        return 0.0
    if gold["direction"] == "both" or pred.direction == gold["direction"]:
        return 1.0
    return 0.5 if pred.direction == "both" else 0.0


@dataclass
class Counts:
    """tp over predictions, predictions, tp over gold, gold."""

    tp_pred: float = 0.0
    n_pred: float = 0.0
    tp_gold: float = 0.0
    n_gold: float = 0.0

    def prf(self) -> tuple[float, float, float]:
        return prf(self.tp_pred, self.n_pred, tp_gold=self.tp_gold, n_gold=self.n_gold)


@dataclass
class EvalResult:
    alert_tp: int = 0
    false_alerts: list[str] = field(default_factory=list)
    missed_alerts: list[str] = field(default_factory=list)
    activities: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    strict: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    lenient: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    pairs: int = 0
    assertion_ok: int = 0
    signal_ok: int = 0
    exemptions_found: int = 0
    exemptions_total: int = 0
    countries: Counts = field(default_factory=Counts)  # document level, vs countries_referenced
    errors: list[str] = field(default_factory=list)

    def alert_prf(self) -> tuple[float, float, float]:
        n_pred = self.alert_tp + len(self.false_alerts)
        n_gold = self.alert_tp + len(self.missed_alerts)
        return prf(self.alert_tp, n_pred, tp_gold=self.alert_tp, n_gold=n_gold)


def score(docs: Sequence[GoldDoc], findings: Sequence[Finding]) -> EvalResult:
    result = EvalResult()
    for doc, finding in zip(docs, findings, strict=True):
        _score_alert(result, doc, finding)
        _score_activities(result, doc, finding)
        _score_entities(result, doc, finding)
        gold_countries = set(doc.gold.get("countries_referenced", []))
        found = set(finding.countries)
        result.countries.tp_pred += len(found & gold_countries)
        result.countries.tp_gold += len(found & gold_countries)
        result.countries.n_pred += len(found)
        result.countries.n_gold += len(gold_countries)
        for x in doc.gold.get("exemptions", []):
            result.exemptions_total += 1
            result.exemptions_found += any(
                e.id == x["exemption_id"] and any(_overlap((e.start, e.end), s) for s in x["spans"])
                for e in finding.exemptions
            )
    return result


def _score_alert(result: EvalResult, doc: GoldDoc, finding: Finding) -> None:
    if finding.alert and doc.positive:
        result.alert_tp += 1
    elif finding.alert:
        result.false_alerts.append(doc.id)
    elif doc.positive:
        result.missed_alerts.append(doc.id)


def _score_activities(result: EvalResult, doc: GoldDoc, finding: Finding) -> None:
    golds = doc.gold["activities"]
    keys = ("all", doc.language)
    for key in keys:
        result.activities[key].n_pred += len(finding.activities)
        result.activities[key].n_gold += len(golds)
    for pred in finding.activities:
        best = max((activity_credit(pred, g) for g in golds), default=0.0)
        for key in keys:
            result.activities[key].tp_pred += best
        if best == 0:
            result.errors.append(
                f"{doc.id}: FP {pred.category}/{pred.direction}/{pred.assertion} "
                f"{pred.evidence[:70]!r}"
            )
    for g in golds:
        credits = [(activity_credit(p, g), p) for p in finding.activities]
        best, match = max(credits, key=lambda c: c[0], default=(0.0, None))
        for key in keys:
            result.activities[key].tp_gold += best
        if match is None or best == 0:
            result.errors.append(
                f"{doc.id}: FN {g['taxonomy_id']}/{g['direction']}/{g['assertion']} "
                f"{g['evidence'][0][:70]!r}"
            )
            continue
        result.pairs += 1
        result.assertion_ok += match.assertion == g["assertion"]
        result.signal_ok += (match.assertion in SIGNAL_ASSERTIONS) == (
            g["assertion"] in SIGNAL_ASSERTIONS
        )


def _score_entities(result: EvalResult, doc: GoldDoc, finding: Finding) -> None:
    gold = [(e["type"], tuple(s)) for e in doc.gold["entities"] for s in e["mentions"]]
    for etype in TYPES:
        g_spans = {s for t, s in gold if t == etype}
        p_spans = {(m.start, m.end) for m in finding.mentions if m.type == etype}
        exact = len(g_spans & p_spans)
        lenient_p = sum(any(_overlap(p, g) for g in g_spans) for p in p_spans)
        lenient_g = sum(any(_overlap(p, g) for p in p_spans) for g in g_spans)
        for key in (etype, "all"):
            strict, lenient = result.strict[key], result.lenient[key]
            strict.tp_pred += exact
            strict.tp_gold += exact
            lenient.tp_pred += lenient_p
            lenient.tp_gold += lenient_g
            for counts in (strict, lenient):
                counts.n_pred += len(p_spans)
                counts.n_gold += len(g_spans)

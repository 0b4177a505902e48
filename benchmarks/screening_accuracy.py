"""Screening accuracy: sanctionwatch best vs nomenklatura logic-v2 vs plain Jaro-Winkler.

One process runs all three systems on the same inputs:
* pair datasets (nomenklatura name bench and entity bench, OpenSanctions 2021 judgement pairs):
  each pair scored by each system;
* the yente screening fixtures (683 UN-listed persons that must hit the UN list, synthetic
  persons that must hit nothing): sanctionwatch screens with its own candidates; the anchors
  score the same top-10 candidates; Jaro-Winkler also screens with its own candidates (brute
  force over every listed name). logic-v2's own candidate generation is yente's Elasticsearch
  query, which cannot run here (see the research notes), so it is measured on our candidates;
* the Korean and Cyrillic case tables of tests/screening/cases.py.

Precision, recall and F1 are given at each system's default threshold and at thresholds that
give each system the same false-positive rate (1 %, 0.1 %) on the negatives of the dataset.

    PYTHONPATH=src:. .venv-bench/bin/python benchmarks/screening_accuracy.py
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.types import registry
from tests.paths import LISTS
from tests.screening.cases import CYRILLIC_CASES, KOREAN_CASES, Case, seeded_variants

from sanctionwatch.screening.algorithms import get_algorithm
from sanctionwatch.screening.compare import TokenStats
from sanctionwatch.screening.service import MatchOptions, MatchResult, Screener
from sanctionwatch.sources import gb_ofsi, un_sc_xml, us_ofac_csv, us_trade_csl
from sanctionwatch.sources.base import ParsedList, SourceFile

EVAL = LISTS / "eval"
INDEX_DIR = Path("/tmp/sanctionwatch-bench-index")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_lists(names: Sequence[str]) -> list[ParsedList]:
    """Parse the named lists: un (2026), ofac (SDN 2024), uk (OFSI 2025), csl (2022)."""
    parsers: dict[str, Callable[[], ParsedList]] = {
        "un": lambda: un_sc_xml.parse([SourceFile.read(LISTS / "un" / "consolidated.xml")]),
        "ofac": lambda: us_ofac_csv.parse(
            [SourceFile.read(LISTS / "us_ofac" / "sdn_csv_2024-05-03" / "sdn.csv")]
        ),
        "uk": lambda: gb_ofsi.parse(
            [SourceFile.read(LISTS / "uk_ofsi" / "UK_Sanctions_List.xlsx")]
        ),
        "csl": lambda: us_trade_csl.parse(
            [SourceFile.read(LISTS / "us_csl" / "consolidated.csv.gz")]
        ),
    }
    out = []
    for name in names:
        parsed = parsers[name]()
        if not parsed.version:
            parsed.version = {"ofac": "2024-05-03", "csl": "2022-05"}.get(name, "unknown")
        for entity in parsed.entities:
            if isinstance(getattr(entity, "context", None), dict):
                entity.context["datasets"] = [parsed.dataset]
        out.append(parsed)
    return out


def build_screener(lists: Sequence[ParsedList], index_dir: Path | None = INDEX_DIR) -> Screener:
    versions = {p.dataset: p.version for p in lists}
    entities = [e for p in lists for e in p.entities]
    return Screener.build(entities, versions=versions, index_dir=index_dir)


def make_entity(schema: str, props: Mapping[str, Any], prefix: str = "e") -> EntityProxy:
    """An entity with a content-derived ID (nomenklatura caches name analyses by entity ID)."""
    entity = model.make_entity(schema or "LegalEntity")
    for prop, values in props.items():
        if prop not in entity.schema.properties:
            continue
        for value in [values] if isinstance(values, str) else values:
            if value not in (None, ""):
                entity.add(prop, str(value), cleaned=False, quiet=True)
    blob = json.dumps([schema, entity.to_dict()["properties"]], sort_keys=True)
    entity.id = f"{prefix}-{hashlib.sha1(blob.encode()).hexdigest()[:20]}"
    return entity


# --- the systems compared ---


class System:
    name = ""
    threshold = 0.7

    def score(self, query: EntityProxy, candidate: EntityProxy) -> float:
        raise NotImplementedError


class SwSystem(System):
    """sanctionwatch best (sw-v1), with the rarity statistics of the union of the lists."""

    threshold = 0.7

    def __init__(self, stats: TokenStats) -> None:
        self.algo = get_algorithm("best")
        self.name = self.algo.name
        self.stats = stats

    def score(self, query: EntityProxy, candidate: EntityProxy) -> float:
        return self.algo.compare(
            self.algo.prepare(query), self.algo.prepare(candidate), self.stats
        ).score


class LogicV2System(System):
    """nomenklatura logic-v2 (yente's best), default config, threshold 0.7 as in yente."""

    name = "logic-v2"
    threshold = 0.7

    def __init__(self) -> None:
        from nomenklatura.matching import get_algorithm as nk_algorithm
        from nomenklatura.matching.types import ScoringConfig

        self.algo = nk_algorithm("logic-v2")
        self.config = ScoringConfig.defaults()

    def score(self, query: EntityProxy, candidate: EntityProxy) -> float:
        if not query.schema.can_match(candidate.schema):
            return 0.0
        return float(self.algo.compare(query, candidate, self.config).score)


class JaroWinklerSystem(System):
    """Plain rapidfuzz Jaro-Winkler over case-folded names, best name pair; threshold 0.9."""

    name = "jaro-winkler"
    threshold = 0.9

    def __init__(self) -> None:
        from rapidfuzz.distance import JaroWinkler
        from rapidfuzz.utils import default_process

        self.jw = JaroWinkler.normalized_similarity
        self.process = default_process

    def names(self, entity: EntityProxy) -> list[str]:
        return [self.process(n) for n in entity.get_type_values(registry.name)]

    def score(self, query: EntityProxy, candidate: EntityProxy) -> float:
        best = 0.0
        for q in self.names(query):
            for c in self.names(candidate):
                best = max(best, self.jw(q, c))
        return best


# --- the eval data ---


@dataclass
class Pair:
    dataset: str
    category: str
    query: EntityProxy
    candidate: EntityProxy
    label: bool


def name_bench() -> list[Pair]:
    pairs = []
    with (EVAL / "nomenklatura_name_bench" / "cases.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            schema = row["schema"] or "LegalEntity"
            pairs.append(
                Pair(
                    "name_bench",
                    f"{row['case_group']}",
                    make_entity(schema, {"name": row["name1"]}, "q"),
                    make_entity(schema, {"name": row["name2"]}, "c"),
                    row["is_match"].strip().lower() == "true",
                )
            )
    return pairs


def entity_bench() -> list[Pair]:
    import yaml

    data = yaml.safe_load((EVAL / "nomenklatura_entity_bench" / "checks.yml").read_text())
    pairs = []
    for check in data["checks"]:
        schema = check.get("schema", "LegalEntity")
        pairs.append(
            Pair(
                "entity_bench",
                str(check.get("label") or "unlabelled"),
                make_entity(schema, check["query"], "q"),
                make_entity(schema, check["candidate"], "c"),
                bool(check["match"]),
            )
        )
    return pairs


def judgement_pairs() -> list[Pair]:
    pairs = []
    path = EVAL / "derived" / "opensanctions_judgement_pairs_2021.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            schema = row["schema"] or "LegalEntity"
            if model.get(schema) is None:
                schema = "LegalEntity"
            trivial = "trivial" if row["trivial"] == "true" else "non-trivial"
            pairs.append(
                Pair(
                    "judgements_2021",
                    f"{trivial}/{schema}",
                    make_entity(schema, {"name": row["name1"]}, "q"),
                    make_entity(schema, {"name": row["name2"]}, "c"),
                    row["label"] == "match",
                )
            )
    return pairs


def ofac_fixtures() -> list[tuple[EntityProxy, EntityProxy, float]]:
    rows = []
    with (EVAL / "nomenklatura_ofac_scores" / "ofac_fixtures.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows.append(
                (
                    make_entity("LegalEntity", {"name": row["query_name"]}, "q"),
                    make_entity("LegalEntity", {"name": row["result_name"]}, "c"),
                    float(row["ofac_score"]) / 100.0,
                )
            )
    return rows


def person_rows(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        return list(csv.DictReader(fh))


def person_query(row: Mapping[str, str]) -> EntityProxy:
    """A query entity from a yente screening fixture row (name, DOB, nationality, gender)."""
    props: dict[str, Any] = {"name": row["full_name"]}
    if row.get("date_of_birth"):
        props["birthDate"] = row["date_of_birth"]
    nationality = registry.country.clean(row.get("nationality") or "")
    if nationality:
        props["nationality"] = nationality
    gender = registry.gender.clean(row.get("gender") or "")
    if gender:
        props["gender"] = gender
    return make_entity("Person", props, "q")


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- metrics and reports ---

FPRS = (0.01, 0.001)


def prf(
    scores: Sequence[float], labels: Sequence[bool], threshold: float
) -> tuple[float, float, float]:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if y and s >= threshold)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if not y and s >= threshold)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if y and s < threshold)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def threshold_at_fpr(negatives: Sequence[float], fpr: float) -> float:
    """The lowest threshold at which at most `fpr` of the negatives score at or above it."""
    ranked = sorted(negatives, reverse=True)
    allowed = math.floor(fpr * len(ranked))
    if allowed >= len(ranked):
        return 0.0
    return min(1.000001, ranked[allowed] + 1e-9)


def header() -> str:
    cols = ["system", "n", "thr", "P", "R", "F1"]
    for fpr in FPRS:
        cols += [f"thr@{fpr:.1%}", f"R@{fpr:.1%}", f"F1@{fpr:.1%}"]
    return "  ".join(f"{c:>12}" if i else f"{c:<14}" for i, c in enumerate(cols))


def row(name: str, scores: Sequence[float], labels: Sequence[bool], threshold: float) -> str:
    p, r, f = prf(scores, labels, threshold)
    cells = [name, str(len(scores)), f"{threshold:.3f}", f"{p:.3f}", f"{r:.3f}", f"{f:.3f}"]
    negatives = [s for s, y in zip(scores, labels, strict=True) if not y]
    for fpr in FPRS:
        if not negatives:
            cells += ["-", "-", "-"]
            continue
        t = threshold_at_fpr(negatives, fpr)
        _, r2, f2 = prf(scores, labels, t)
        cells += [f"{t:.3f}", f"{r2:.3f}", f"{f2:.3f}"]
    return "  ".join(f"{c:>12}" if i else f"{c:<14}" for i, c in enumerate(cells))


def run_pairs(
    title: str, pairs: list[Pair], systems: list[System], by_category: bool = True
) -> None:
    print(f"\n## {title}: {len(pairs)} pairs ({sum(p.label for p in pairs)} positive)")
    scores: dict[str, list[float]] = {}
    for system in systems:
        started = time.perf_counter()
        scores[system.name] = [system.score(p.query, p.candidate) for p in pairs]
        per_pair = (time.perf_counter() - started) / max(1, len(pairs)) * 1e3
        log(f"{title}: {system.name} scored in {per_pair:.2f} ms/pair")
    labels = [p.label for p in pairs]
    print(header())
    for system in systems:
        print(row(system.name, scores[system.name], labels, system.threshold))
    if not by_category:
        return
    groups: dict[str, list[int]] = defaultdict(list)
    for i, pair in enumerate(pairs):
        groups[pair.category].append(i)
    for category, indexes in sorted(groups.items()):
        sub_labels = [labels[i] for i in indexes]
        print(f"-- {title} / {category} ({len(indexes)} pairs, {sum(sub_labels)} positive)")
        for system in systems:
            sub = [scores[system.name][i] for i in indexes]
            p, r, f = prf(sub, sub_labels, system.threshold)
            print(f"   {system.name:<14} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    # calibration of the ranking: how many distinct positive scores sit at 1.0
    for system in systems:
        pos = [s for s, y in zip(scores[system.name], labels, strict=True) if y]
        neg_sat = sum(
            1 for s, y in zip(scores[system.name], labels, strict=True) if not y and s >= 0.999
        )
        at_one = sum(1 for s in pos if s >= 0.999)
        print(f"   {system.name:<14} saturated at 1.0: {at_one} positives, {neg_sat} negatives")


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    def ranks(x: Sequence[float]) -> list[float]:
        order = sorted(range(len(x)), key=lambda i: x[i])
        out = [0.0] * len(x)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and x[order[j + 1]] == x[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2
            i = j + 1
        return out

    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = math.sqrt(sum((x - ma) ** 2 for x in ra))
    vb = math.sqrt(sum((y - mb) ** 2 for y in rb))
    return cov / (va * vb) if va and vb else 0.0


def run_ofac(systems: list[System]) -> None:
    rows = ofac_fixtures()
    print(f"\n## OFAC Sanctions List Search scores: {len(rows)} name pairs")
    print(
        "   (Spearman rank correlation with OFAC's score;"
        " share of the OFAC-100 pairs each system matches)"
    )
    ofac = [r[2] for r in rows]
    for system in systems:
        scores = [system.score(q, c) for q, c, _ in rows]
        hundred = [s for s, o in zip(scores, ofac, strict=True) if o >= 1.0]
        share = sum(1 for s in hundred if s >= system.threshold) / max(1, len(hundred))
        print(
            f"   {system.name:<14} spearman {spearman(scores, ofac):.3f}"
            f"  matches {share:.3f} of {len(hundred)}"
        )


def top_candidates(screener: Screener, query: object, k: int = 10) -> list[MatchResult]:
    results = screener.match(query, MatchOptions(limit=k, threshold=0.7, cutoff=0.0))  # type: ignore[arg-type]
    return results


def run_screening(
    screener: Screener, systems: list[System], *, negatives: int, anchor_sample: int, seed: int
) -> None:
    fixtures = EVAL / "yente_screening_fixtures"
    positives = person_rows(fixtures / "positives_un_untreated.csv")
    all_negatives = person_rows(fixtures / "negatives_us.csv")
    rng = random.Random(seed)
    neg_rows = (
        all_negatives if negatives >= len(all_negatives) else rng.sample(all_negatives, negatives)
    )
    anchor_neg = neg_rows[:anchor_sample]
    print(
        f"\n## UN screening: {len(positives)} UN-listed persons"
        f" vs {len(neg_rows)} synthetic persons "
        f"(seed {seed}; anchors on the first {len(anchor_neg)} negatives), against the UN list "
        f"({len(screener)} entities)"
    )
    sw = systems[0]
    own: dict[str, list[float]] = {"pos": [], "neg": []}
    same: dict[str, dict[str, list[float]]] = {s.name: {"pos": [], "neg": []} for s in systems}
    jw_own: dict[str, list[float]] = {"pos": [], "neg": []}
    jw = next(s for s in systems if isinstance(s, JaroWinklerSystem))
    from rapidfuzz import process

    names: list[str] = []
    for item in screener._index.entities:  # the anchors' brute-force candidate pool
        if item.schema == "Person":
            names.extend(jw.process(n) for n in item.proxy.get_type_values(registry.name))
    started = time.perf_counter()
    for kind, rows in (("pos", positives), ("neg", neg_rows)):
        for index, row_ in enumerate(rows):
            query = person_query(row_)
            results = screener.match(query, MatchOptions(limit=10, threshold=0.7, cutoff=0.0))
            own[kind].append(results[0].score if results else 0.0)
            if kind == "pos" or index < len(anchor_neg):
                for system in systems:
                    if system is sw:
                        same[system.name][kind].append(own[kind][-1])
                        continue
                    best = max((system.score(query, r.entity) for r in results), default=0.0)
                    same[system.name][kind].append(best)
                qnames = [jw.process(n) for n in query.get("name")]
                hit = max(
                    (process.extractOne(q, names, scorer=jw.jw)[1] for q in qnames if q),
                    default=0.0,
                )
                jw_own[kind].append(float(hit))
            if index and index % 10000 == 0:
                log(f"screened {index} {kind}")
    log(f"screening done in {time.perf_counter() - started:.0f}s")

    def report(name: str, pos: list[float], neg: list[float], threshold: float) -> None:
        labels = [True] * len(pos) + [False] * len(neg)
        print(row(name, pos + neg, labels, threshold))
        fp = sum(1 for s in neg if s >= threshold)
        print(
            f"   {name}: recall {sum(1 for s in pos if s >= threshold) / len(pos):.4f}, "
            f"false positives {fp}/{len(neg)} = {fp / max(1, len(neg)):.4%} at {threshold}"
        )

    print("-- own candidates (sanctionwatch: its index; jaro-winkler: brute force over all names)")
    print(header())
    report(f"{sw.name}/own", own["pos"], own["neg"], sw.threshold)
    report("jw/own", jw_own["pos"], jw_own["neg"], jw.threshold)
    print("-- same candidates (sanctionwatch's top 10 per query), anchors' negatives sample")
    print(header())
    for system in systems:
        report(system.name, same[system.name]["pos"], same[system.name]["neg"], system.threshold)


def run_cases(screener: Screener, systems: list[System], seed: int) -> None:
    cases: list[Case] = (
        KOREAN_CASES + CYRILLIC_CASES + seeded_variants(KOREAN_CASES + CYRILLIC_CASES, seed)
    )
    print(f"\n## Korean and Cyrillic case tables: {len(cases)} cases (seed {seed}), union index")
    for system in systems:
        hits = 0
        misses: list[str] = []
        for case in cases:
            query = make_entity(case.schema, {"name": case.query}, "q")
            if system is systems[0]:
                results = screener.match(query, MatchOptions(limit=10))
                ok = any(r.match and r.entity.id in case.expected for r in results)
            else:  # anchors: the pair score against the listed entity itself
                targets = [screener.get(i) for i in case.expected]
                ok = any(
                    t is not None and system.score(query, t) >= system.threshold for t in targets
                )
            hits += ok
            if not ok:
                misses.append(case.id)
        mode = "end to end" if system is systems[0] else "pair with the listed entity"
        print(f"   {system.name:<14} {hits}/{len(cases)} ({hits / len(cases):.1%}) {mode}")
        if misses:
            print(f"      missed: {', '.join(misses[:12])}{' ...' if len(misses) > 12 else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--negatives", type=int, default=50_000, help="synthetic negatives to screen"
    )
    parser.add_argument(
        "--anchor-sample", type=int, default=2_000, help="negatives for the anchors"
    )
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--skip-screening", action="store_true")
    args = parser.parse_args()

    log("parsing lists")
    lists = parse_lists(["un", "ofac", "uk", "csl"])
    union = build_screener(lists)
    log(f"union index: {len(union)} entities, versions {union.versions}")
    sw = SwSystem(union._index.stats)
    systems: list[System] = [sw, LogicV2System(), JaroWinklerSystem()]
    print(
        f"# systems: {sw.name} (params {sw.algo.params_hash}, threshold {sw.threshold}), "
        "logic-v2 (nomenklatura, threshold 0.7), jaro-winkler (rapidfuzz, threshold 0.9)"
    )
    run_pairs("name_bench", name_bench(), systems)
    run_pairs("entity_bench", entity_bench(), systems)
    judgements = judgement_pairs()
    hard = [p for p in judgements if p.category.startswith("non-trivial")]
    run_pairs("judgements_2021 non-trivial", hard, systems)
    run_pairs("judgements_2021 all", judgements, systems, by_category=False)
    run_ofac(systems)
    run_cases(union, systems, args.seed)
    if not args.skip_screening:
        un_only = build_screener(
            [p for p in lists if p.dataset == "un_sc_sanctions"], index_dir=None
        )
        run_screening(
            un_only,
            systems,
            negatives=args.negatives,
            anchor_sample=args.anchor_sample,
            seed=args.seed,
        )


if __name__ == "__main__":
    main()

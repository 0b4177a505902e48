"""Score the open-source reader on an annotated folder (the `dev-doc-gold/1.0` format).

Usage: python benchmarks/reader_eval.py [FOLDER ...] [--lists] [--ner] [-v]

Default folders: shared/data/documents/dev and the annotated seed editorial beside it.
Prints, for the reader and for a named baseline run in the same process on the same
findings (`no-assertion-cues`: every detected activity taken as a reported violation):
document alert precision/recall (false alerts by name), activity (category, direction)
precision/recall/F1 by overlapping span, overall and per language, assertion accuracy on
matched pairs, exemption recall, and entity mention F1 by type, strict and lenient. The
scoring rules are in `sanctionwatch.documents.evaluation`.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from sanctionwatch.documents.evaluation import (  # noqa: E402
    EvalResult,
    GoldDoc,
    load_gold,
    score,
)
from sanctionwatch.documents.gazetteer import Gazetteer  # noqa: E402
from sanctionwatch.documents.model import Document, Finding  # noqa: E402
from sanctionwatch.documents.reader import Reader, ReaderOptions  # noqa: E402
from sanctionwatch.documents.regime import load_regime, regime_path  # noqa: E402

SHARED = REPO.parent / "shared/data"
DEFAULT_FOLDERS = [SHARED / "documents/dev", SHARED / "documents"]


def list_entities() -> list[tuple[str, list[Any]]]:
    """The UN 2026 consolidated list and the OFAC SDN CSV of 2024-05-03, parsed."""
    from sanctionwatch.sources import un_sc_xml, us_ofac_csv
    from sanctionwatch.sources.base import SourceFile

    lists = SHARED / "lists"
    un = un_sc_xml.parse([SourceFile.read(lists / "un/consolidated.xml")])
    ofac = us_ofac_csv.parse([SourceFile.read(lists / "us_ofac/sdn_csv_2024-05-03/sdn.csv")])
    return [(un.dataset, un.entities), (ofac.dataset, ofac.entities)]


def report(name: str, result: EvalResult, verbose: bool) -> None:
    p, r, f = result.alert_prf()
    print(f"\n== {name}")
    print(
        f"alerts: precision {p:.3f} recall {r:.3f} F1 {f:.3f}; "
        f"false alerts: {result.false_alerts or 'none'}; missed: {result.missed_alerts or 'none'}"
    )
    for key in ["all", *sorted(k for k in result.activities if k != "all")]:
        counts = result.activities[key]
        p, r, f = counts.prf()
        print(
            f"activities {key:>4}: P {p:.3f} R {r:.3f} F1 {f:.3f} "
            f"(pred {counts.n_pred:.0f}, gold {counts.n_gold:.0f})"
        )
    pairs = result.pairs or 1
    print(
        f"matched pairs {result.pairs}: assertion accuracy {result.assertion_ok / pairs:.3f}, "
        f"signal/non-signal accuracy {result.signal_ok / pairs:.3f}"
    )
    print(f"exemptions: recall {result.exemptions_found}/{result.exemptions_total}")
    p, r, f = result.countries.prf()
    print(f"countries referenced (document level): P {p:.3f} R {r:.3f} F1 {f:.3f}")
    for key in ["all", *sorted(k for k in result.strict if k != "all")]:
        ps, rs, fs = result.strict[key].prf()
        pl, rl, fl = result.lenient[key].prf()
        print(
            f"entities {key:>8}: strict P {ps:.3f} R {rs:.3f} F1 {fs:.3f}; "
            f"lenient P {pl:.3f} R {rl:.3f} F1 {fl:.3f} "
            f"(pred {result.strict[key].n_pred:.0f}, gold {result.strict[key].n_gold:.0f})"
        )
    if verbose:
        for line in result.errors:
            print("  ", line)


def no_assertion_cues(finding: Finding) -> Finding:
    """The baseline: every detected activity is taken as a reported violation."""
    acts = tuple(replace(a, assertion="reported_violation") for a in finding.activities)
    return replace(finding, activities=acts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--lists", action="store_true", help="load UN 2026 and OFAC 2024 lists")
    parser.add_argument("--ner", action="store_true", help="add the packaged recognisers")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every error")
    args = parser.parse_args()
    docs: list[GoldDoc] = load_gold(args.folders or DEFAULT_FOLDERS)
    lists = list_entities() if args.lists else []
    options = ReaderOptions()
    if args.ner:
        from sanctionwatch.documents.extractors import default_extractors

        options = ReaderOptions(extractors=default_extractors())
    t0 = time.perf_counter()
    reader = Reader(
        gazetteer=Gazetteer.build_from_lists(lists),
        regime=load_regime(regime_path()),
        options=options,
    )
    print(
        f"documents {len(docs)}, list entities {sum(len(e) for _, e in lists)}, gazetteer "
        f"names {reader.gazetteer.size}, extractors "
        f"{', '.join(e.name for e in options.extractors) or 'none'}, "
        f"build {time.perf_counter() - t0:.1f}s"
    )
    findings = [reader.analyze(Document(d.id, d.text)) for d in docs]
    report("reader activities_v1", score(docs, findings), args.verbose)
    report(
        "baseline no-assertion-cues", score(docs, [no_assertion_cues(f) for f in findings]), False
    )


if __name__ == "__main__":
    main()

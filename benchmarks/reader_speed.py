"""Throughput and memory of the open-source reader on the development set.

Usage: python benchmarks/reader_speed.py [--repeat N] [--no-ner] [--ner-window N|full]

One core (BLAS/OpenMP threads pinned to 1). Start-up = parse the UN 2026 and OFAC SDN
2024-05-03 lists (standing in for the store read), build the gazetteer and the regime, and
warm the statistical recognisers with one document per language (the models load lazily, on
the first document of their language: that cost is counted here, in start-up, and shown per
model). Then the 17 development
texts are analysed repeatedly (at least 1,000 documents). The named baseline, run in the same
process on the same documents, is `tokenize+sentences`: the text layer alone, the floor
under every matcher.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from reader_eval import DEFAULT_FOLDERS, list_entities  # noqa: E402
from sanctionwatch.documents.evaluation import load_gold  # noqa: E402
from sanctionwatch.documents.extractors import default_extractors  # noqa: E402
from sanctionwatch.documents.gazetteer import Gazetteer  # noqa: E402
from sanctionwatch.documents.model import Document  # noqa: E402
from sanctionwatch.documents.reader import NER_WINDOW, Reader, ReaderOptions  # noqa: E402
from sanctionwatch.documents.regime import load_regime, regime_path  # noqa: E402
from sanctionwatch.documents.text import sentences, tokenize  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--no-ner", action="store_true")
    parser.add_argument(
        "--ner-window",
        default=str(NER_WINDOW),
        help="words around unexplained capitals read by NER, or 'full' for whole texts",
    )
    args = parser.parse_args()
    gold = load_gold(DEFAULT_FOLDERS)
    texts = [(g.id, g.language, g.text) for g in gold]
    docs = [Document(f"{i}:{name}", text) for i in range(args.repeat) for name, _, text in texts]
    chars = sum(len(d.text) for d in docs)
    print(f"documents {len(docs)} ({len(texts)} dev texts x {args.repeat}), {chars:,} chars")

    t0, c0 = time.perf_counter(), time.process_time()
    lists = list_entities()
    t_lists, c_lists = time.perf_counter() - t0, time.process_time() - c0
    t1, c1 = time.perf_counter(), time.process_time()
    extractors = () if args.no_ner else default_extractors()
    window = None if args.ner_window == "full" else int(args.ner_window)
    reader = Reader(
        gazetteer=Gazetteer.build_from_lists(lists),
        regime=load_regime(regime_path()),
        options=ReaderOptions(extractors=extractors, ner_window=window),
    )
    c_ready = time.process_time() - c1
    seen: set[str] = set()
    first_doc: list[str] = []
    for name, lang, text in texts:  # warm-up: every text once, so every lazy model is loaded
        c = time.process_time()
        reader.analyze(Document(name, text))
        if lang not in seen:
            seen.add(lang)
            first_doc.append(f"{lang} {time.process_time() - c:.1f}s")
    t_start, c_start = time.perf_counter() - t1, time.process_time() - c1
    print(
        f"start-up: lists parsed {t_lists:.1f}s wall / {c_lists:.1f}s CPU "
        f"({sum(len(e) for _, e in lists):,} entities), reader ready {t_start:.1f}s wall / "
        f"{c_start:.1f}s CPU (gazetteer {reader.gazetteer.size:,} names built in "
        f"{c_ready:.1f}s CPU; first document per language incl. lazy model loads, CPU: "
        f"{', '.join(first_doc)}; extractors: {', '.join(e.name for e in extractors) or 'none'}"
        f"{'' if args.no_ner else f', NER window {args.ner_window}'}); "
        f"peak RSS {peak_mb():.0f} MB"
    )

    # CPU seconds of this process (the machine is shared; wall time is shown beside them)
    t, c = time.perf_counter(), time.process_time()
    n_tokens = 0
    for d in docs:
        n_tokens += len(tokenize(d.text)) + len(sentences(d.text))
    base_wall, base = time.perf_counter() - t, time.process_time() - c
    print(
        f"baseline tokenize+sentences: {len(docs) / base:,.0f} docs/s per CPU second "
        f"({len(docs) / base_wall:,.0f} wall), {chars / base / 1e6:.1f}M chars/s"
    )

    t, c = time.perf_counter(), time.process_time()
    alerts = 0
    for d in docs:
        alerts += reader.analyze(d).alert
    run_wall, run = time.perf_counter() - t, time.process_time() - c
    print(
        f"reader activities_v1{' (no NER)' if args.no_ner else ' (+ packaged NER)'}: "
        f"{len(docs) / run:,.0f} docs/s per CPU second ({len(docs) / run_wall:,.0f} wall), "
        f"{chars / run / 1e3:,.0f}k chars/s, {run / len(docs) * 1e3:.2f} CPU ms/doc; "
        f"alerts {alerts}; peak RSS {peak_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()

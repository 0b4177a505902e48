"""Dump the reader's full JSON output on the development set, to compare two versions.

Usage: python benchmarks/reader_snapshot.py OUT.jsonl [--src DIR] [--lists] [--ner]

`--src` runs another checkout's `src` (e.g. an export of the last commit) with this script,
so a speed change can be checked for identical results: `diff` the two files. Each line is
one `Finding.to_dict()`, keyed by the dev text's id, in the order of the gold files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared/data"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--src", type=Path, default=REPO / "src")
    parser.add_argument("--lists", action="store_true", help="load UN 2026 and OFAC 2024 lists")
    parser.add_argument("--ner", action="store_true", help="add the packaged recognisers")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    from sanctionwatch.documents.gazetteer import Gazetteer
    from sanctionwatch.documents.model import Document
    from sanctionwatch.documents.reader import Reader, ReaderOptions
    from sanctionwatch.documents.regime import load_regime

    lists: list[tuple[str, list[Any]]] = []
    if args.lists:
        from sanctionwatch.sources import un_sc_xml, us_ofac_csv
        from sanctionwatch.sources.base import SourceFile

        folder = SHARED / "lists"
        un = un_sc_xml.parse([SourceFile.read(folder / "un/consolidated.xml")])
        ofac = us_ofac_csv.parse([SourceFile.read(folder / "us_ofac/sdn_csv_2024-05-03/sdn.csv")])
        lists = [(un.dataset, un.entities), (ofac.dataset, ofac.entities)]
    options = ReaderOptions()
    if args.ner:
        from sanctionwatch.documents.extractors import default_extractors

        options = ReaderOptions(extractors=default_extractors())
    reader = Reader(
        gazetteer=Gazetteer.build_from_lists(lists),
        regime=load_regime(SHARED / "regimes/dprk-1718.yaml"),
        options=options,
    )
    paths = sorted((SHARED / "documents/dev").glob("[0-9]*.txt"))
    paths.append(SHARED / "documents/putin-kim-summit-de.txt")
    with args.out.open("w", encoding="utf-8") as out:
        for path in paths:
            finding = reader.analyze(Document(path.stem, path.read_text(encoding="utf-8")))
            out.write(json.dumps(finding.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(paths)} findings written to {args.out} (src {args.src})")


if __name__ == "__main__":
    main()

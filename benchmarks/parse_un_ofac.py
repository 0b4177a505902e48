"""Throughput of the UN and OFAC parsers on the real list files (listed entities per second).

Baseline, run in the same process on the same bytes: the bare read (lxml parse and a full
element walk for XML, `csv.reader` for CSV), the floor any parser pays. The figure that
matters downstream is listed entities per CPU-second (targets, not the derived Address or
Sanction entities); wall time is printed too but is unreliable on shared cores.

    .venv/bin/python benchmarks/parse_un_ofac.py --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from lxml import etree

from sanctionwatch.sources import un_sc_xml, us_ofac_csv, us_ofac_xml
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.safe import xml_parser

REPO = Path(__file__).resolve().parents[1]
LISTS = REPO.parent / "shared" / "data" / "lists"
TARGETS = ("Person", "Organization", "LegalEntity", "Vessel", "Airplane")


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _xml_baseline(files: Sequence[SourceFile]) -> int:
    root = etree.fromstring(files[0].data, parser=xml_parser())
    return sum(1 for _ in root.iter())


def _csv_baseline(files: Sequence[SourceFile]) -> int:
    return sum(
        sum(1 for _ in csv.reader(io.StringIO(f.data.decode("utf-8").rstrip("\x1a"))))
        for f in files
    )


Case = tuple[
    str, Callable[[Sequence[SourceFile]], ParsedList], Callable[..., int], list[SourceFile]
]


def cases() -> list[Case]:
    un = LISTS / "un"
    ofac = LISTS / "us_ofac"
    sdn21 = ofac / "sdn_csv_2021-07"
    enhanced_zip = SourceFile.read(ofac / "CONS_ENHANCED.ZIP")
    return [
        (
            "un 2026",
            un_sc_xml.parse,
            _xml_baseline,
            [SourceFile("un.xml", _read(un / "consolidated.xml"))],
        ),
        (
            "ofac csv 2024 (sdn only)",
            us_ofac_csv.parse,
            _csv_baseline,
            [SourceFile.read(ofac / "sdn_csv_2024-05-03" / "sdn.csv")],
        ),
        (
            "ofac csv 2021 (4 files)",
            us_ofac_csv.parse,
            _csv_baseline,
            [
                SourceFile.read(sdn21 / n)
                for n in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
            ],
        ),
        (
            "ofac xml classic",
            us_ofac_xml.parse,
            _xml_baseline,
            [SourceFile.read(ofac / "consolidated_xml_2026-01" / "ofac.xml")],
        ),
        (
            "ofac xml advanced",
            us_ofac_xml.parse,
            _xml_baseline,
            [SourceFile.read(ofac / "cons_advanced.xml")],
        ),
        ("ofac xml enhanced (zip)", us_ofac_xml.parse, _xml_baseline_zip, [enhanced_zip]),
    ]


def _xml_baseline_zip(files: Sequence[SourceFile]) -> int:
    return _xml_baseline([us_ofac_xml.xml_payload(files[0])])


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall and CPU seconds: CPU time stays meaningful when the cores are shared."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    header = ("listed", "all", "wall s", "cpu s", "listed/cpu-s", "base cpu s", "x base")
    print(f"{'file':26} " + " ".join(f"{h:>12}" for h in header))
    timings = []
    for name, parse, baseline, files in cases():
        result = parse(files)  # warm-up (FtM model, regexes, caches)
        listed = sum(1 for e in result.entities if e.schema.name in TARGETS)
        wall, cpu = _best(lambda p=parse, f=files: p(f), args.repeat)  # type: ignore[misc]
        _, base = _best(lambda b=baseline, f=files: b(f), args.repeat)  # type: ignore[misc]
        timings.append(listed / cpu)
        row = (listed, len(result.entities), f"{wall:.3f}", f"{cpu:.3f}", f"{listed / cpu:.0f}")
        row += (f"{base:.3f}", f"{cpu / base:.1f}")
        print(f"{name:26} " + " ".join(f"{v:>12}" for v in row))
    print(f"median listed entities per CPU-second: {statistics.median(timings):.0f}")
    print(f"load average at the end (2 shared cores): {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

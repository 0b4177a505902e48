"""Check: a digest of everything an import of the four big lists stores.

Imports the lists of `store_import.py` into a fresh SQLite store as `sanctionwatch import`
does, then hashes every statement row and every version record (all columns but the import
time), in a fixed order. Two versions of the code store the same statements if and only if
they print the same digests; run it with `--src` pointing at another checkout's `src` to
compare (e.g. `git archive HEAD src | tar -x -C /tmp/old`).

    .venv/bin/python benchmarks/store_digest.py [--src DIR] [--workers N]
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LISTS = REPO.parent / "shared" / "data" / "lists"
FILES = (
    "un/consolidated.xml",
    "us_ofac/sdn_csv_2024-05-03/sdn.csv",
    "uk_ofsi/UK_Sanctions_List.xlsx",
    "us_csl/consolidated.csv.gz",
)
QUERIES = {
    "statements": "SELECT dataset, entity_id, key, schema, prop, value, lang, original_value, "
    "is_ref, first_seen, last_seen FROM store_statement "
    "ORDER BY dataset, entity_id, key, first_seen",
    "versions": "SELECT dataset, version, entities, statements, by_schema, issues, source, "
    "format FROM store_version ORDER BY dataset, version",
    "datasets": "SELECT name, current_version FROM store_dataset ORDER BY name",
}


def digests(path: Path) -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of the rows' repr) per query."""
    out: dict[str, tuple[int, str]] = {}
    conn = sqlite3.connect(path)
    try:
        for name, query in QUERIES.items():
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(query):
                digest.update(repr(row).encode("utf-8"))
                count += 1
            out[name] = (count, digest.hexdigest())
    finally:
        conn.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=REPO / "src", help="code to run")
    parser.add_argument("--workers", type=int, default=None, help="parse processes")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    import sanctionwatch
    from sanctionwatch.ingest.service import import_paths
    from sanctionwatch.store import open_store

    print(f"code: {Path(sanctionwatch.__file__).parent}")

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "digest.sqlite"
        with open_store(f"sqlite:///{db}") as store:
            import_paths(store, [LISTS / f for f in FILES], workers=args.workers)
        for name, (count, digest) in digests(db).items():
            print(f"{name:<10} {count:>7} rows  sha256 {digest}")


if __name__ == "__main__":
    main()

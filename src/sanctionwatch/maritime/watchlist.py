"""Designated vessels to flag: the store's FtM `Vessel` entities and the shared sourced CSV.

Matching order follows how these ships evade: IMO first (the hull), then MMSI (changes on
re-flagging), then normalised name with call sign (names and flags are what they change).
A name alone matches only when the entry has no call sign to compare, and says so.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy


def norm_name(name: str | None) -> str:
    """Upper-case alphanumerics with single spaces ("Kum Un San-3" -> "KUM UN SAN 3")."""
    if not name:
        return ""
    text = re.sub(r"[^0-9A-Z]+", " ", name.upper().replace("NO.", "NO "))
    return " ".join(text.split())


@dataclass(frozen=True)
class WatchEntry:
    """One listed vessel."""

    name: str | None
    imo: str | None = None
    mmsi: int | None = None
    callsign: str | None = None
    list: str = ""
    entity_id: str | None = None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "imo": self.imo,
            "mmsi": self.mmsi,
            "list": self.list,
            "entity_id": self.entity_id,
            "source": self.source,
        }


@dataclass
class Watchlist:
    """Indexes listed vessels by IMO, MMSI and normalised name."""

    entries: list[WatchEntry] = field(default_factory=list)

    def add(self, entry: WatchEntry) -> None:
        self.entries.append(entry)

    def extend_csv(self, text: str, *, source: str) -> None:
        """Rows of `dprk_vessel_watchlist_sourced.csv` (name, imo, list, ...)."""
        for row in csv.DictReader(io.StringIO(text)):
            imo = (row.get("imo") or "").strip() or None
            mmsi_text = (row.get("mmsi") or "").strip()
            self.add(
                WatchEntry(
                    name=(row.get("name") or "").strip() or None,
                    imo=imo,
                    mmsi=int(mmsi_text) if mmsi_text.isdigit() else None,
                    callsign=(row.get("call_sign") or row.get("callsign") or "").strip() or None,
                    list=(row.get("list") or "").strip(),
                    source=source,
                )
            )

    def extend_entities(self, entities: Iterable[EntityProxy], *, source: str = "store") -> None:
        """FtM `Vessel` entities (imoNumber, mmsi, name, callSign)."""
        for entity in entities:
            if not entity.schema.is_a("Vessel"):
                continue
            imos = [i.upper().removeprefix("IMO").strip() for i in entity.get("imoNumber")]
            mmsis = [int(m) for m in entity.get("mmsi") if m.strip().isdigit()]
            calls = entity.get("callSign")
            found = getattr(entity, "datasets", None)  # StatementEntity has them, a proxy not
            datasets = ",".join(sorted(found)) if found else source
            for name in entity.get("name") or [None]:  # type: ignore[list-item]
                self.add(
                    WatchEntry(
                        name=name,
                        imo=imos[0] if imos else None,
                        mmsi=mmsis[0] if mmsis else None,
                        callsign=calls[0] if calls else None,
                        list=datasets,
                        entity_id=entity.id,
                        source=source,
                    )
                )

    def match(
        self, *, mmsi: int, imo: str | None, name: str | None, callsign: str | None
    ) -> list[dict[str, Any]]:
        """Entries this vessel matches, each with the basis of the match."""
        found: list[dict[str, Any]] = []
        key = norm_name(name)
        for entry in self.entries:
            basis = None
            if imo and entry.imo and imo == entry.imo:
                basis = "imo"
            elif entry.mmsi is not None and entry.mmsi == mmsi:
                basis = "mmsi"
            elif key and key == norm_name(entry.name):
                if entry.callsign and callsign:
                    basis = (
                        "name+callsign"
                        if norm_name(callsign) == norm_name(entry.callsign)
                        else None
                    )
                else:
                    basis = "name"
            if basis:
                found.append({**entry.to_dict(), "basis": basis, "vessel_mmsi": mmsi})
        return found


def load_watchlist(
    csv_paths: Iterable[Path] = (), entities: Iterable[EntityProxy] = ()
) -> Watchlist:
    """A watchlist from CSV files and store entities."""
    watchlist = Watchlist()
    for path in csv_paths:
        watchlist.extend_csv(path.read_text(encoding="utf-8"), source=path.name)
    watchlist.extend_entities(entities)
    return watchlist

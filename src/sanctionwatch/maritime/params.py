"""Versioned detector definitions: one frozen parameter dataclass each, GFW values as defaults.

An event carries `definition` ("name@version") and `params_hash` (a short hash of the
parameter values), so an alert can be explained with the exact rule that produced it.
Changing a definition's logic means a new version beside the old one, never an edit in place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

NM_KM = 1.852


@dataclass(frozen=True)
class Definition:
    """Base of every parameter set: a name, a version and a stable hash of the values."""

    NAME: ClassVar[str] = ""
    VERSION: ClassVar[str] = "v1"

    @property
    def definition(self) -> str:
        return f"{self.NAME}@{self.VERSION}"

    @property
    def params_hash(self) -> str:
        values = json.dumps(dataclasses.asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(f"{self.definition}|{values}".encode()).hexdigest()[:12]

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class CleanParams(Definition):
    """Cleaning and segmentation (GFW segmenter spirit: split on long gaps or impossible speed)."""

    NAME: ClassVar[str] = "clean"
    max_knots: float = 30.0  # implied speed above this is an impossible jump
    min_dt_s: int = 60  # implied speeds use at least this time step (GPS noise on 2 s steps)
    max_gap_s: int = 24 * 3600  # a new segment after this long without a report


@dataclass(frozen=True)
class EncounterParams(Definition):
    """GFW encounters (Miller et al. 2018; pipe-encounters), without the UTC-day blind spot."""

    NAME: ClassVar[str] = "encounter"
    grid_s: int = 600
    max_interp_gap_s: int = 3600  # interpolate only across gaps strictly shorter than this
    max_dist_km: float = 0.5  # inclusive
    min_raw_s: int = 3600  # a raw run of close grid steps must last this long
    merge_gap_s: int = 4 * 3600  # runs of one pair closer than this are one encounter
    min_duration_s: int = 2 * 3600  # inclusive, after merging
    min_port_km: float = 10.0
    max_median_kn: float = 2.0  # strict
    cell_deg: float = 0.01  # neighbour-cell size for the pair join (>= 0.5 km below 60 N)


@dataclass(frozen=True)
class LoiteringParams(Definition):
    """GFW loitering: hourly implied speed < 2 kn for >= 4 h, >= 20 nm from shore and port.

    Distances are in km like every other distance here (20 nm = 37.04 km). Shore distance is
    the 0.05-degree cell centre's (`maritime.shore`), ports are the World Port Index's:
    Natural Earth simplifies harbours, so a port on a coast it smooths away still counts."""

    NAME: ClassVar[str] = "loitering"
    VERSION: ClassVar[str] = "v2"  # v2 adds the shore condition; v1 looked at ports only
    bucket_s: int = 3600
    max_kn: float = 2.0
    min_duration_s: int = 4 * 3600
    min_port_km: float = 20 * NM_KM  # no WPI port at this distance or closer
    min_shore_km: float = 20 * NM_KM  # inclusive: shore_km >= this
    shore_cell_deg: float = 0.05  # grid of the shore table (see `maritime.shore`)


@dataclass(frozen=True)
class GapParams(Definition):
    """GFW AIS gaps (naive >= 6 h) and likely intentional disabling (Welch et al. 2022)."""

    NAME: ClassVar[str] = "gap"
    VERSION: ClassVar[str] = "v2"  # v2: likely intentional also needs >= 50 nm from shore
    min_gap_s: int = 6 * 3600
    intentional_gap_s: int = 12 * 3600
    intentional_port_km: float = 50 * NM_KM  # and no WPI port this close (as in v1)
    intentional_shore_km: float = 50 * NM_KM  # inclusive: the gap's start shore_km >= this
    shore_cell_deg: float = 0.05  # grid of the shore table (see `maritime.shore`)
    min_reception_per_day: float = 10.0  # positions per 1-degree cell per day, from the data
    min_positions_before: int = 14
    before_window_s: int = 12 * 3600
    reception_cell_deg: float = 1.0


@dataclass(frozen=True)
class PortVisitParams(Definition):
    """GFW port visits at DPRK ports: entry 3 km, exit 4 km, stop 0.2 / 0.5 kn, port gap > 4 h."""

    NAME: ClassVar[str] = "port_visit"
    entry_km: float = 3.0
    exit_km: float = 4.0
    stop_kn: float = 0.2
    port_gap_s: int = 4 * 3600
    approach_km: float = 100.0  # "heading for a DPRK port, then dark": gap starts this close
    approach_max_bearing_deg: float = 45.0
    countries: tuple[str, ...] = ("PRK",)


@dataclass(frozen=True)
class IdentityParams(Definition):
    """Identity anomalies: DPRK MID, IMO validity, shared IMOs, changes, impossible jumps,
    broadcast dimensions that disagree (with earlier broadcasts or the known hull)."""

    NAME: ClassVar[str] = "identity"
    VERSION: ClassVar[str] = "v2"  # v2 adds dimension_mismatch; v1's rules are unchanged
    dprk_mid: int = 445
    min_jumps: int = 10  # impossible-speed jumps of one MMSI before it counts as shared/spoofed
    placeholder_imos: tuple[str, ...] = ("1234567", "123456789", "9999999", "7654321")
    max_dimension_change: float = 0.2  # length or beam differing more (relative) is a mismatch


@dataclass(frozen=True)
class DarkSTSParams(Definition):
    """Dark STS candidates: loitering with no AIS partner, scored by gaps around it."""

    NAME: ClassVar[str] = "dark_sts"
    # v2: same rule, built on loitering@v2 and gap@v2 (distance to shore), so its events change
    VERSION: ClassVar[str] = "v2"
    gap_window_s: int = 24 * 3600  # a gap ending/starting this close before/after counts
    min_score: float = 0.3


@dataclass(frozen=True)
class DetectConfig:
    """Every detector's parameters together; the CLI and benchmarks pass one of these."""

    clean: CleanParams = field(default_factory=CleanParams)
    encounter: EncounterParams = field(default_factory=EncounterParams)
    loitering: LoiteringParams = field(default_factory=LoiteringParams)
    gap: GapParams = field(default_factory=GapParams)
    port_visit: PortVisitParams = field(default_factory=PortVisitParams)
    identity: IdentityParams = field(default_factory=IdentityParams)
    dark_sts: DarkSTSParams = field(default_factory=DarkSTSParams)

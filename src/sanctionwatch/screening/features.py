"""Secondary evidence: identifiers, birth dates, countries and gender, as pure comparisons.

Each comparison returns a `Qualifier`: a signed adjustment with a short reason, so every
change to a score can be shown to the analyst.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from followthemoney import EntityProxy, Property, Schema
from followthemoney.types import registry

from sanctionwatch.screening.names import Name, analyze_name

# identifier properties whose agreement is near-certain evidence on its own
STRONG_IDS = frozenset(
    {"imoNumber", "mmsi", "leiCode", "innCode", "ogrnCode", "isinCode", "swiftBic", "ricCode"}
)
_NAME_PROPS = ("name", "alias", "previousName")
_WEAK_PROPS = ("weakAlias",)
_PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
_SKIP_ID_PROPS = frozenset({"programId", "wikidataId", "callSign"})
_ALNUM = re.compile(r"[^0-9A-Z]")


def normalize_identifier(value: str, prop: str = "") -> str:
    text = _ALNUM.sub("", value.upper())
    if prop == "imoNumber" and text.startswith("IMO"):
        text = text[3:]
    return text


@dataclass(frozen=True)
class Features:
    """What matching needs of one entity, computed once."""

    schema: str
    names: tuple[Name, ...]
    weak_names: tuple[Name, ...] = ()
    birth_dates: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    genders: frozenset[str] = frozenset()
    identifiers: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def all_ids(self) -> frozenset[str]:
        out: set[str] = set()
        for values in self.identifiers.values():
            out.update(values)
        return frozenset(out)


def _names(entity: EntityProxy, props: Iterable[str], source: str) -> list[Name]:
    out: list[Name] = []
    for prop in props:
        if prop not in entity.schema.properties:
            continue
        for value in entity.get(prop, quiet=True):
            out.extend(analyze_name(value, entity.schema.name, source))
    return out


def _part_names(entity: EntityProxy) -> list[Name]:
    """A name built from firstName/middleName/lastName when the parts are all we have."""
    pieces: list[str] = []
    for prop in _PART_PROPS:
        if prop in entity.schema.properties:
            pieces.extend(entity.get(prop, quiet=True)[:1])
    if not pieces:
        return []
    return list(analyze_name(" ".join(pieces), entity.schema.name, "parts"))


@cache
def _id_props(schema: Schema) -> tuple[Property, ...]:
    """The identifier properties of a schema that matching compares, in schema order."""
    return tuple(
        prop
        for prop in schema.properties.values()
        if prop.type == registry.identifier and prop.name not in _SKIP_ID_PROPS
    )


def extract_features(
    entity: EntityProxy, extra_ids: Mapping[str, Iterable[str]] | None = None
) -> Features:
    """Features of an entity; `extra_ids` adds numbers from linked Identification records."""
    names = _names(entity, _NAME_PROPS, "name")
    if not names or entity.schema.is_a("Person"):
        names.extend(_part_names(entity))
    unique = tuple({(n.form, n.source): n for n in names}.values())
    identifiers: dict[str, set[str]] = {}
    for prop in _id_props(entity.schema):
        for value in entity.get(prop, quiet=True):
            norm = normalize_identifier(value, prop.name)
            if len(norm) >= 4:
                identifiers.setdefault(prop.name, set()).add(norm)
    for prop_name, values in (extra_ids or {}).items():
        for value in values:
            norm = normalize_identifier(value, prop_name)
            if len(norm) >= 4:
                identifiers.setdefault(prop_name, set()).add(norm)
    return Features(
        schema=entity.schema.name,
        names=unique,
        weak_names=tuple(_names(entity, _WEAK_PROPS, "weak")),
        birth_dates=frozenset(entity.get("birthDate", quiet=True)),
        countries=frozenset(entity.get_type_values(registry.country)),
        genders=frozenset(entity.get("gender", quiet=True)),
        identifiers={k: frozenset(v) for k, v in identifiers.items()},
    )


@dataclass(frozen=True)
class Qualifier:
    """One signed adjustment of a score and why."""

    name: str
    value: float
    detail: str


def _date_relation(q: str, c: str) -> str:
    if q == c:
        return "exact"
    if q.startswith(c) or c.startswith(q):
        return "partial"
    qy, cy = q[:4], c[:4]
    if not (qy.isdigit() and cy.isdigit()):
        return "disjoint"
    if qy == cy:
        if len(q) == 10 and len(c) == 10 and q[5:7] == c[8:10] and q[8:10] == c[5:7]:
            return "swapped"
        return "same-year"
    if abs(int(qy) - int(cy)) == 1:
        return "year-off-by-one"
    return "disjoint"


DATE_VALUES = {
    "exact": 0.08,
    "partial": 0.04,
    "swapped": -0.03,
    "same-year": -0.06,
    "year-off-by-one": -0.08,
    "disjoint": -0.25,
}
_DATE_ORDER = ["exact", "partial", "swapped", "same-year", "year-off-by-one", "disjoint"]


def _closest_dates(q: frozenset[str], c: frozenset[str]) -> tuple[int, str, str] | None:
    """The closest pair of birth dates as (rank in `_DATE_ORDER`, query date, listed date).

    Pairs are tried in sorted order, so among equally close pairs the explanation names the
    same one in every process (set order depends on PYTHONHASHSEED; the rank never does).
    """
    if not q or not c:
        return None
    best: tuple[int, str, str] | None = None
    listed = sorted(c)
    for qd in sorted(q):
        for cd in listed:
            rank = _DATE_ORDER.index(_date_relation(qd, cd))
            if best is None or rank < best[0]:
                best = (rank, qd, cd)
    return best


def compare_dates(q: frozenset[str], c: frozenset[str]) -> Qualifier | None:
    """Birth dates with tolerance: partial dates, a year off and day/month swaps lower, not kill."""
    best = _closest_dates(q, c)
    if best is None:
        return None
    rel = _DATE_ORDER[best[0]]
    return Qualifier("birth_date", DATE_VALUES[rel], f"{rel}: {best[1]} vs {best[2]}")


def date_value(q: frozenset[str], c: frozenset[str]) -> float | None:
    """`compare_dates(q, c).value` without its explanation."""
    best = _closest_dates(q, c)
    return None if best is None else DATE_VALUES[_DATE_ORDER[best[0]]]


_COUNTRY_SHARED = 0.02
_COUNTRY_DISJOINT = -0.1
_GENDER_DIFFERS = -0.15


def compare_countries(q: frozenset[str], c: frozenset[str]) -> Qualifier | None:
    if not q or not c:
        return None
    common = q & c
    if common:
        return Qualifier("country", _COUNTRY_SHARED, f"shared: {', '.join(sorted(common))}")
    return Qualifier("country", _COUNTRY_DISJOINT, f"disjoint: {sorted(q)} vs {sorted(c)}")


def country_value(q: frozenset[str], c: frozenset[str]) -> float | None:
    """`compare_countries(q, c).value` without its explanation."""
    if not q or not c:
        return None
    return _COUNTRY_DISJOINT if q.isdisjoint(c) else _COUNTRY_SHARED


def compare_genders(q: frozenset[str], c: frozenset[str]) -> Qualifier | None:
    if not q or not c or q & c:
        return None
    return Qualifier("gender", _GENDER_DIFFERS, f"{sorted(q)} vs {sorted(c)}")


def gender_value(q: frozenset[str], c: frozenset[str]) -> float | None:
    """`compare_genders(q, c).value` without its explanation."""
    if not q or not c or not q.isdisjoint(c):
        return None
    return _GENDER_DIFFERS


@dataclass(frozen=True)
class IdentifierResult:
    score: float
    detail: str
    conflict: float = 0.0


def compare_identifiers(
    q: Mapping[str, frozenset[str]], c: Mapping[str, frozenset[str]]
) -> IdentifierResult | None:
    """An agreeing identifier is strong evidence; a disagreeing strong one counts against."""
    if not q or not c:
        return None
    c_all: dict[str, str] = {}
    for prop, values in c.items():
        for value in values:
            c_all.setdefault(value, prop)
    best: IdentifierResult | None = None
    for prop, values in q.items():
        for value in values:
            cprop = c_all.get(value)
            if cprop is None:
                continue
            strong = prop in STRONG_IDS or cprop in STRONG_IDS
            score = 0.98 if strong else 0.9
            if best is None or score > best.score:
                best = IdentifierResult(score, f"{prop}={value} agrees ({cprop})")
    if best is not None:
        return best
    for prop in STRONG_IDS:
        if q.get(prop) and c.get(prop):
            return IdentifierResult(
                0.0, f"{prop} differs: {sorted(q[prop])} vs {sorted(c[prop])}", -0.3
            )
    return None

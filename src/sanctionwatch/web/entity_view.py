"""An entity page's tables from the store's nested FtM dict (pure functions).

Names come in several scripts (Latin, Hangul, Cyrillic, Han); the page shows each with the
script it is written in and, when the list says so, its language (the statement's `lang`), so
an analyst sees at once that 김정은 and Ким Чен Ын are the same listed person's names.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

NAME_PROPS = ("name", "alias", "weakAlias", "previousName", "firstName", "lastName")
IDENTIFIER_PROPS = (
    "imoNumber",
    "mmsi",
    "callSign",
    "passportNumber",
    "idNumber",
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "swiftBic",
    "leiCode",
)
SCRIPT_NAMES = {"CJK": "Han", "HANGUL": "Hangul", "CYRILLIC": "Cyrillic", "LATIN": "Latin"}


def script_of(text: str) -> str:
    """The dominant Unicode script of the letters in `text` ("Latin", "Hangul"...)."""
    counts: Counter[str] = Counter()
    for char in text:
        if not char.isalpha():
            continue
        try:
            first = unicodedata.name(char).split()[0]
        except ValueError:
            continue
        counts[SCRIPT_NAMES.get(first, first.title())] += 1
    return counts.most_common(1)[0][0] if counts else ""


def _values(props: Mapping[str, Sequence[Any]], name: str) -> list[Any]:
    return list(props.get(name) or ())


def names(
    entity: Mapping[str, Any], statements: Iterable[Mapping[str, Any]] = ()
) -> list[dict[str, str]]:
    """Every name-like value: {"prop", "value", "script", "lang"} (lang from the statements)."""
    langs: dict[tuple[str, str], set[str]] = {}
    for stmt in statements:
        if stmt.get("prop") in NAME_PROPS and stmt.get("lang"):
            langs.setdefault((str(stmt["prop"]), str(stmt["value"])), set()).add(str(stmt["lang"]))
    props = entity.get("properties") or {}
    rows = []
    for prop in NAME_PROPS:
        for value in _values(props, prop):
            if not isinstance(value, str):
                continue
            rows.append(
                {
                    "prop": prop,
                    "value": value,
                    "script": script_of(value),
                    "lang": ", ".join(sorted(langs.get((prop, value), ()))),
                }
            )
    return rows


def _first(props: Mapping[str, Sequence[Any]], *names: str) -> str:
    for name in names:
        values = [str(v) for v in _values(props, name) if isinstance(v, str | int | float)]
        if values:
            return "; ".join(values)
    return ""


def sanctions(entity: Mapping[str, Any]) -> list[dict[str, str]]:
    """The entity's Sanction children: programme, reference, listing date, authority."""
    rows = []
    for child in _values(entity.get("properties") or {}, "sanctions"):
        if not isinstance(child, Mapping):
            continue
        props = child.get("properties") or {}
        rows.append(
            {
                "program": _first(props, "program", "programId"),
                "reference": _first(props, "unscId", "programId", "authorityId"),
                "listing_date": _first(props, "listingDate", "startDate", "date"),
                "authority": _first(props, "authority", "sourceUrl"),
                "reason": _first(props, "reason", "summary"),
                "country": _first(props, "country"),
            }
        )
    return rows


def identifiers(entity: Mapping[str, Any]) -> list[dict[str, str]]:
    """Identifier properties of the entity and its Identification/Passport children."""
    props = entity.get("properties") or {}
    rows = [
        {"type": prop, "value": str(value), "country": "", "note": ""}
        for prop in IDENTIFIER_PROPS
        for value in _values(props, prop)
        if isinstance(value, str)
    ]
    for key in ("identification", "passport"):
        for child in _values(props, key):
            if not isinstance(child, Mapping):
                continue
            cprops = child.get("properties") or {}
            rows.append(
                {
                    "type": _first(cprops, "type") or str(child.get("schema", key)),
                    "value": _first(cprops, "number"),
                    "country": _first(cprops, "country"),
                    "note": _first(cprops, "summary", "authority"),
                }
            )
    return rows


def facts(entity: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Other simple properties worth a line (birth date, nationality, flag, topics...)."""
    props = entity.get("properties") or {}
    skip = set(NAME_PROPS) | set(IDENTIFIER_PROPS)
    out = []
    for prop in sorted(props):
        if prop in skip:
            continue
        values = [str(v) for v in props[prop] if isinstance(v, str | int | float)]
        if values and all(len(v) < 400 for v in values):
            out.append((prop, "; ".join(values)))
    return out

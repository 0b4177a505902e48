"""List entries as a report shows them: every name in every script, list references,
sanctions, identifiers and addresses, read from the nested FtM entity dicts of a dossier.

The nested dict is what `Store.entity_nested` returns (yente's shape): forward references
replaced by the referenced entity's dict, reverse references (a Sanction's `entity`, an
Identification's `holder`) under the reverse property name (`sanctions`, `identification`).
Labels come from the FtM model, so a property the lists add later still shows with its name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from followthemoney import model
from followthemoney.property import Property
from followthemoney.schema import Schema

# Properties shown in their own part of an entity (names, sanctions, identifiers, addresses),
# or not at all (bookkeeping that says nothing about the listed party).
_SKIP = {"topics", "modifiedAt", "createdAt", "retrievedAt", "sourceUrl", "indexText"}
_SCRIPTS = ("HANGUL", "CYRILLIC", "CJK", "ARABIC", "GREEK", "HEBREW", "THAI", "LATIN")
# Identification-like nested schemata whose number is an identifier of the holder.
_ID_SCHEMATA = ("Identification", "Passport")


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class NameRow:
    """One name of an entity, with the property it came from and its writing system."""

    value: str
    kind: str
    script: str


@dataclass(frozen=True)
class SanctionView:
    """One listing of the entity: authority, programme, reference number, date, reason."""

    authority: str
    programme: str
    reference: str
    listed: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class EntityView:
    id: str
    caption: str
    schema: str
    datasets: tuple[str, ...]
    names: tuple[NameRow, ...]
    references: tuple[str, ...]  # list reference numbers such as KPi.001
    sanctions: tuple[SanctionView, ...]
    identifiers: tuple[Fact, ...]
    addresses: tuple[str, ...]
    facts: tuple[Fact, ...]
    related: tuple[Fact, ...]  # other adjacent entities (owners, vessels, links)
    imos: tuple[str, ...]  # IMO numbers, digits only, to recognise the entity in ship events


def script_of(text: str) -> str:
    """The writing system of a name, from its first letters: "Hangul", "Cyrillic", "Latin"..."""
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for script in _SCRIPTS:
            if name.startswith(script):
                return "Han" if script == "CJK" else script.title()
        return "Other"
    return "-"


def imo_digits(value: str) -> str:
    """`IMO 9123456`, `IMO9123456` and `9123456` are one number."""
    return "".join(ch for ch in str(value) if ch.isdigit())


def _values(props: Mapping[str, Any], name: str) -> list[Any]:
    values = props.get(name) or []
    return list(values) if isinstance(values, list | tuple) else [values]


def _text(values: Iterable[Any], sep: str = "; ") -> str:
    return sep.join(str(v) for v in values if not isinstance(v, Mapping))


def _prop(schema: Schema | None, name: str) -> Property | None:
    return None if schema is None else schema.get(name)


def _label(schema: Schema | None, name: str) -> str:
    prop = _prop(schema, name)
    return prop.label if prop is not None else name


def _display(prop: Property | None, value: Any) -> str:
    """Country codes as names, everything else as stored."""
    if prop is not None and prop.type.name == "country":
        return f"{prop.type.caption(str(value)) or value} ({str(value).upper()})"
    return str(value)


def _caption(data: Mapping[str, Any]) -> str:
    caption = data.get("caption")
    if caption:
        return str(caption)
    props = data.get("properties") or {}
    for name in ("name", "caption", "number", "full", "program"):
        if props.get(name):
            return str(props[name][0])
    return str(data.get("id", "?"))


def _link_text(child: Mapping[str, Any], own_id: str) -> str:
    """An adjacent entity: its caption, and for a link (ownership, "linked to") its role and
    the id of the entity at its other end, which the reader can look up."""
    schema = model.get(str(child.get("schema", "")))
    props = child.get("properties") or {}
    others = [
        str(v)
        for name, values in props.items()
        if schema is not None and (p := schema.get(name)) is not None and p.type.name == "entity"
        for v in values
        if not isinstance(v, Mapping) and str(v) != own_id
    ]
    role = _text(_values(props, "role") or _values(props, "relationship"))
    parts = [_caption(child), role, ", ".join(others)]
    return f"{' · '.join(p for p in parts if p)} ({child.get('id')})"


def _sanction(child: Mapping[str, Any]) -> SanctionView:
    schema = model.get(str(child.get("schema", "Sanction")))
    props = child.get("properties") or {}
    refs = dict.fromkeys(
        str(v) for key in ("unscId", "authorityId", "programId") for v in _values(props, key)
    )
    facts = tuple(
        Fact(_label(schema, key), _text(_values(props, key)))
        for key in sorted(props)
        if key not in {"entity", "authority", "program", "listingDate", "startDate", *_SKIP}
        and _text(_values(props, key))
    )
    return SanctionView(
        authority=_text(_values(props, "authority")),
        programme=_text(_values(props, "program")),
        reference=", ".join(refs),
        listed=_text(_values(props, "listingDate") or _values(props, "startDate")),
        facts=facts,
    )


def _identifier(child: Mapping[str, Any]) -> Fact:
    props = child.get("properties") or {}
    kind = _text(_values(props, "type")) or str(child.get("schema", "Identification"))
    extra = [_text(_values(props, k)) for k in ("country", "authority") if props.get(k)]
    number = _text(_values(props, "number") or _values(props, "passportNumber"))
    return Fact(kind, number + (f" ({', '.join(extra)})" if extra else ""))


def entity_view(data: Mapping[str, Any]) -> EntityView:
    """The report's view of one nested FtM entity dict."""
    schema = model.get(str(data.get("schema", "Thing")))
    props: Mapping[str, Any] = data.get("properties") or {}
    names: list[NameRow] = []
    sanctions: list[SanctionView] = []
    identifiers: list[Fact] = []
    addresses: list[str] = []
    facts: list[Fact] = []
    related: list[Fact] = []
    imos: list[str] = []
    for key in sorted(props):
        prop = _prop(schema, key)
        values = _values(props, key)
        if key in _SKIP:
            continue
        nested = [v for v in values if isinstance(v, Mapping)]
        plain = [v for v in values if not isinstance(v, Mapping)]
        for child in nested:
            child_schema = model.get(str(child.get("schema", "")))
            if child_schema is not None and child_schema.is_a("Sanction"):
                sanctions.append(_sanction(child))
            elif child_schema is not None and any(child_schema.is_a(s) for s in _ID_SCHEMATA):
                identifiers.append(_identifier(child))
            elif child_schema is not None and child_schema.is_a("Address"):
                addresses.append(_caption(child))
            else:
                related.append(Fact(_label(schema, key), _link_text(child, str(data.get("id")))))
        if not plain:
            continue
        type_name = prop.type.name if prop is not None else "string"
        if type_name == "name":
            label = _label(schema, key)
            names.extend(NameRow(str(v), label, script_of(str(v))) for v in plain)
        elif type_name == "identifier":
            identifiers.extend(Fact(_label(schema, key), str(v)) for v in plain)
            if key == "imoNumber":
                imos.extend(imo_digits(v) for v in plain)
        elif type_name == "address" and not nested:
            addresses.extend(str(v) for v in plain)
        elif type_name == "address":
            continue  # the same text as the nested Address entities above
        elif type_name == "entity":
            related.extend(Fact(_label(schema, key), str(v)) for v in plain)
        else:
            facts.append(Fact(_label(schema, key), "; ".join(_display(prop, v) for v in plain)))
    references = tuple(dict.fromkeys(r for s in sanctions for r in s.reference.split(", ") if r))
    return EntityView(
        id=str(data.get("id", "")),
        caption=_caption(data),
        schema=schema.label if schema is not None else str(data.get("schema")),
        datasets=tuple(str(d) for d in data.get("datasets") or ()),
        names=tuple(names),
        references=references,
        sanctions=tuple(sanctions),
        identifiers=tuple(identifiers),
        addresses=tuple(dict.fromkeys(addresses)),
        facts=tuple(facts),
        related=tuple(related),
        imos=tuple(i for i in dict.fromkeys(imos) if i),
    )


def entity_views(entities: Sequence[Mapping[str, Any]]) -> tuple[EntityView, ...]:
    """One view per entity id (the first dict wins), in the dossier's order."""
    seen: dict[str, EntityView] = {}
    for data in entities:
        view = entity_view(data)
        seen.setdefault(view.id, view)
    return tuple(seen.values())

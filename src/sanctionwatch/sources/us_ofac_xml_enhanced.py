"""OFAC enhanced XML (`sanctionsData`, SDN_ENHANCED / CONS_ENHANCED).

Ids `ofac-<entity id>` (the same number as the classic uid and the advanced FixedRef). Names
come with their script: every translation of a name is kept (Latin and others) in the same
property as the name (primary -> `name`, A.K.A. -> `alias`, F.K.A. -> `previousName`, low
quality -> `weakAlias`). Features and identity documents go through the OFAC feature table
shared with the CSV parser. Relationships to another party of the file become UnknownLinks.
The dataset follows the list named in `publicationInfo` (Consolidated List -> us_ofac_cons).
"""

from __future__ import annotations

from followthemoney import EntityProxy
from lxml import etree

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.helpers import (
    IssueLog,
    add_note,
    clean_text,
    make_address,
    make_entity,
    make_sanction,
    parse_date,
    slug_id,
)
from sanctionwatch.sources.us_ofac_csv import (
    AUTHORITY,
    OfacRecord,
    apply_feature,
    apply_identifier,
    assemble,
)
from sanctionwatch.sources.us_ofac_xml_classic import (
    FORMAT,
    SCHEMATA,
    SOURCE_URLS,
    children,
    dataset_for,
    tag,
    unknown_field,
)

ALIAS_PROPS = {"a.k.a.": "alias", "f.k.a.": "previousName", "n.k.a.": "alias"}
ADDRESS_PARTS = {
    "ADDRESS1": "street",
    "ADDRESS2": "street",
    "ADDRESS3": "street",
    "CITY": "city",
    "STATE/PROVINCE": "region",
    "REGION": "region",
    "POSTAL CODE": "postal_code",
}


def find(element: etree._Element, name: str) -> etree._Element | None:
    """The first direct child with this local name."""
    for child in element:
        if tag(child) == name:
            return child
    return None


def list_dataset(list_names: set[str], name: str, programs: set[str]) -> str:
    """The dataset from the list names a file states, else from its name and programmes."""
    lowered = {n.lower() for n in list_names}
    if "consolidated list" in lowered:
        return "us_ofac_cons"
    if "sdn list" in lowered and len(lowered) == 1:
        return "us_ofac_sdn"
    return dataset_for(name, programs)


def parse_root(root: etree._Element, source: SourceFile) -> ParsedList:
    """Parse an enhanced `sanctionsData` document already read by `safe.parse_xml`."""
    problems: list[Problem] = []
    info = find(root, "publicationInfo")
    date_el = find(info, "dataAsOf") if info is not None else None
    raw_date = clean_text(date_el.text) if date_el is not None else None
    version = parse_date(raw_date or "") or ""
    if len(version) != 10:
        problems.append(
            Problem(
                source.name,
                "/sanctionsData/publicationInfo",
                "dataAsOf",
                raw_date or "",
                "missing or invalid date",
            )
        )
    file_lists = (
        {clean_text(e.text) or "" for e in info.iter() if tag(e) == "sanctionsList"}
        if info is not None
        else set()
    )
    entities_el = find(root, "entities")
    if entities_el is None:
        problems.append(
            Problem(source.name, "/sanctionsData", "entities", "", "no entities element")
        )
        raise ParseError(problems)
    log = IssueLog(source.name)
    records: dict[str, OfacRecord] = {}
    details: list[tuple[OfacRecord, list[str], dict[str, list[str]]]] = []
    all_programs: set[str] = set()
    for index, element in enumerate((e for e in entities_el if tag(e) == "entity"), start=1):
        where = f"/sanctionsData/entities/entity[{index}]"
        uid = element.get("id", "")
        general = find(element, "generalInfo")
        kind = children(general).get("entityType", "") if general is not None else ""
        schema = SCHEMATA.get(kind.lower())
        if not uid.isdigit():
            problems.append(Problem(source.name, where, "id", uid, "missing or invalid entity id"))
            continue
        if schema is None:
            problems.append(Problem(source.name, where, "entityType", kind, "unknown entity type"))
            continue
        entity_id = slug_id("ofac", uid)
        if entity_id in records:
            problems.append(Problem(source.name, where, "id", uid, "duplicate entity id"))
            continue
        record = OfacRecord(make_entity(schema, entity_id), log, where)
        extra = _entity(record, element)
        if not record.entity.get("name"):
            problems.append(
                Problem(source.name, where, "names", "", "entity without a primary name")
            )
            continue
        records[entity_id] = record
        all_programs.update(extra["programs"])
        details.append((record, extra["programs"], extra))
    if not records and not problems:
        problems.append(
            Problem(source.name, "/sanctionsData/entities", "", "", "no entity elements")
        )
    if problems:
        raise ParseError(problems)
    dataset = list_dataset(file_lists, source.name, all_programs)
    for record, programs, extra in details:
        dates = sorted(extra["listed"])
        sanction = make_sanction(
            record.entity,
            dataset=dataset,
            authority=AUTHORITY,
            reference=str(record.entity.id).removeprefix("ofac-"),
            listing_date=dates[0] if dates else None,
            source_url=SOURCE_URLS[dataset],
            log=log,
            location=record.where,
        )
        sanction.add("program", programs)
        sanction.add("provisions", record.provisions + extra["authorities"])
        sanction.add("status", extra["types"])
        sanction.add("summary", extra["lists"])
        record.extra.append(sanction)
    return assemble(
        records, dataset=dataset, version=version, log=log, source=source.name, format=FORMAT
    )


def _texts(element: etree._Element) -> list[str]:
    return [v for child in element if (v := clean_text(child.text))]


def _entity(record: OfacRecord, element: etree._Element) -> dict[str, list[str]]:
    entity = record.entity
    entity.add("topics", "sanction", cleaned=True)
    extra: dict[str, list[str]] = {
        "programs": [],
        "authorities": [],
        "types": [],
        "lists": [],
        "listed": [],
    }
    for child in element:
        name = tag(child)
        if name == "sanctionsPrograms":
            extra["programs"].extend(_texts(child))
        elif name == "sanctionsLists":
            extra["lists"].extend(_texts(child))
            extra["listed"].extend(d for e in child if (d := e.get("datePublished")))
        elif name == "legalAuthorities":
            extra["authorities"].extend(_texts(child))
        elif name == "sanctionsTypes":
            extra["types"].extend(_texts(child))
        elif name == "names":
            for item in child:
                _name(entity, item)
        elif name == "addresses":
            for item in child:
                _address(record, item)
        elif name == "features":
            for item in child:
                _feature(record, item)
        elif name == "identityDocuments":
            for item in child:
                _document(record, item)
        elif name == "relationships":
            for item in child:
                _relationship(record, item)
        elif name == "remarks":
            if text := clean_text(child.text):
                add_note(entity, text)
        elif name and name != "generalInfo":
            unknown_field(record, name, child)
    entity.add("program", extra["programs"])
    return extra


def _name(entity: EntityProxy, element: etree._Element) -> None:
    fields = children(element)
    if fields.get("isPrimary") == "true":
        prop = "name"
    elif fields.get("isLowQuality") == "true":
        prop = "weakAlias"
    else:
        prop = ALIAS_PROPS.get(fields.get("aliasType", "").lower(), "alias")
    translations = find(element, "translations")
    if translations is None:
        return
    for translation in translations:
        parts = children(translation)
        full = parts.get("formattedFullName")
        if full is None:
            continue
        entity.add(prop, full)
        latin = parts.get("script", "Latin") == "Latin"
        if prop == "name" and latin and entity.schema.name == "Person":
            entity.add("firstName", parts.get("formattedFirstName"))
            entity.add("lastName", parts.get("formattedLastName"))


def _address(record: OfacRecord, element: etree._Element) -> None:
    fields = children(element)
    parts: dict[str, list[str]] = {}
    translations = find(element, "translations")
    for translation in translations if translations is not None else []:
        if children(translation).get("isPrimary") != "true":
            continue
        address_parts = find(translation, "addressParts")
        for part in address_parts if address_parts is not None else []:
            values = children(part)
            key = ADDRESS_PARTS.get(values.get("type", "").upper())
            if key and (value := values.get("value")):
                parts.setdefault(key, []).append(value)
            elif value := values.get("value"):
                parts.setdefault("street", []).append(value)
    addr = make_address(
        record.entity,
        street=", ".join(parts.get("street", [])) or None,
        city=", ".join(parts.get("city", [])) or None,
        region=", ".join(parts.get("region", [])) or None,
        postal_code=", ".join(parts.get("postal_code", [])) or None,
        country=fields.get("country"),
        log=record.log,
        location=record.where,
    )
    if addr is not None:
        record.extra.append(addr)


def _feature(record: OfacRecord, element: etree._Element) -> None:
    fields = children(element)
    key = fields.get("type")
    if key is None:
        return
    apply_feature(record, key, fields.get("value", ""))


def _document(record: OfacRecord, element: etree._Element) -> None:
    fields = children(element)
    number = fields.get("documentNumber")
    key = fields.get("type", "Identification Number")
    if number is None:
        return
    apply_identifier(
        record,
        key,
        number,
        country=fields.get("issuingCountry"),
        issued=fields.get("issueDate"),
        expires=fields.get("expirationDate"),
    )


def _relationship(record: OfacRecord, element: etree._Element) -> None:
    fields = children(element)
    related = find(element, "relatedEntity")
    if related is None:
        return
    target = related.get("entityId", "")
    role = fields.get("type", "Related to")
    name = clean_text(related.text) or target
    if target.isdigit():
        record.link_ids.append((slug_id("ofac", target), role, name))
    else:
        record.note(f"{role}: {name}")

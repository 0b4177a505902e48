"""OFAC classic XML (`sdnList`, the format of SDN.XML and CONSOLIDATED.XML).

Same mapping and ids (`ofac-<uid>`) as the CSV parser: the listed name is "LAST, First" as in
the CSV, idList items go through the same feature table as CSV remarks, weak a.k.a.s become
`weakAlias`. The dataset is `us_ofac_cons` when the file is the non-SDN consolidated list:
its name says so, or it carries programmes that exist only on non-SDN lists (NS-PLC, CMIC...).
"""

from __future__ import annotations

from collections.abc import Iterator

from followthemoney import EntityProxy
from lxml import etree

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.helpers import (
    IssueLog,
    add_country,
    add_value,
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
    apply_remarks,
    assemble,
)

FORMAT = "us_ofac_xml"
SCHEMATA = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
SOURCE_URLS = {
    "us_ofac_sdn": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML",
    "us_ofac_cons": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONSOLIDATED.XML",
}
# Programmes that exist only on OFAC's non-SDN lists.
NON_SDN_PROGRAMS = ("NS-PLC", "NS-MBS", "CMIC-EO13959", "CMIC-EO14032", "CAPTA", "FSE-", "NS-ISA")


def tag(element: etree._Element) -> str:
    """Local name of an element ('' for comments and processing instructions)."""
    name = element.tag
    return name.rpartition("}")[2] if isinstance(name, str) else ""


def children(element: etree._Element) -> dict[str, str]:
    """Cleaned text of the direct children by local name."""
    out: dict[str, str] = {}
    for child in element:
        if (value := clean_text(child.text)) is not None and (name := tag(child)):
            out[name] = value
    return out


def dataset_for(name: str, programs: set[str]) -> str:
    """`us_ofac_cons` for the non-SDN consolidated list, else `us_ofac_sdn`."""
    base = name.lower().replace("\\", "/").rsplit("/", 1)[-1]
    if "cons" in base:
        return "us_ofac_cons"
    if "sdn" in base:
        return "us_ofac_sdn"
    non_sdn = any(p.startswith(NON_SDN_PROGRAMS) for p in programs)
    return "us_ofac_cons" if non_sdn else "us_ofac_sdn"


def listed_name(first: str | None, last: str | None) -> str | None:
    """OFAC's listed form: "LAST, First", or the one part given."""
    if first and last:
        return f"{last}, {first}"
    return last or first


def _entries(root: etree._Element) -> Iterator[tuple[int, etree._Element]]:
    index = 0
    for element in root:
        if tag(element) == "sdnEntry":
            index += 1
            yield index, element


def parse_root(root: etree._Element, source: SourceFile) -> ParsedList:
    """Parse a classic `sdnList` document already read by `safe.parse_xml`."""
    problems: list[Problem] = []
    publish = next((children(e) for e in root if tag(e) == "publshInformation"), {})
    version = parse_date(publish.get("Publish_Date", "")) or ""
    if len(version) != 10:
        problems.append(
            Problem(
                source.name,
                "/sdnList/publshInformation",
                "Publish_Date",
                publish.get("Publish_Date", ""),
                "missing or invalid publish date",
            )
        )
    log = IssueLog(source.name)
    records: dict[str, OfacRecord] = {}
    all_programs: set[str] = set()
    sanctions: list[tuple[OfacRecord, list[str]]] = []
    for index, element in _entries(root):
        where = f"/sdnList/sdnEntry[{index}]"
        fields = children(element)
        uid = fields.get("uid", "")
        schema = SCHEMATA.get(fields.get("sdnType", "").lower())
        name = listed_name(fields.get("firstName"), fields.get("lastName"))
        if not uid.isdigit():
            problems.append(Problem(source.name, where, "uid", uid, "missing or invalid uid"))
            continue
        if schema is None:
            problems.append(
                Problem(source.name, where, "sdnType", fields.get("sdnType", ""), "unknown sdnType")
            )
            continue
        if name is None:
            problems.append(Problem(source.name, where, "lastName", "", "entry without a name"))
            continue
        entity_id = slug_id("ofac", uid)
        if entity_id in records:
            problems.append(Problem(source.name, where, "uid", uid, "duplicate uid"))
            continue
        record = OfacRecord(make_entity(schema, entity_id), log, where)
        records[entity_id] = record
        programs = _entry(record, element, fields, name)
        all_programs.update(programs)
        sanctions.append((record, programs))
    if not records and not problems:
        problems.append(Problem(source.name, "/sdnList", "", "", "no sdnEntry elements"))
    if problems:
        raise ParseError(problems)
    dataset = dataset_for(source.name, all_programs)
    for record, programs in sanctions:
        sanction = make_sanction(
            record.entity,
            dataset=dataset,
            authority=AUTHORITY,
            reference=str(record.entity.id).removeprefix("ofac-"),
            source_url=SOURCE_URLS[dataset],
        )
        sanction.add("program", programs)
        sanction.add("provisions", record.provisions)
        record.extra.append(sanction)
    return assemble(
        records, dataset=dataset, version=version, log=log, source=source.name, format=FORMAT
    )


def _entry(
    record: OfacRecord, element: etree._Element, fields: dict[str, str], name: str
) -> list[str]:
    entity = record.entity
    entity.add("topics", "sanction", cleaned=True)
    entity.add("name", name)
    if entity.schema.name == "Person":
        entity.add("firstName", fields.get("firstName"))
        entity.add("lastName", fields.get("lastName"))
    if title := fields.get("title"):
        if entity.schema.name == "Person":
            entity.add("position", title)
        else:
            apply_feature(record, "Title", title)
    programs: list[str] = []
    for child in element:
        name_ = tag(child)
        if name_ == "programList":
            programs.extend(v for p in child if (v := clean_text(p.text)))
        elif name_ == "akaList":
            for aka in child:
                _aka(entity, children(aka))
        elif name_ == "idList":
            for item in child:
                _identifier(record, children(item))
        elif name_ == "addressList":
            for item in child:
                _address(record, children(item))
        elif name_ in ("nationalityList", "citizenshipList"):
            prop = "nationality" if name_ == "nationalityList" else "citizenship"
            if entity.schema.get(prop) is None:
                prop = "country"
            for item in child:
                add_country(entity, prop, children(item).get("country"), record.log, record.where)
        elif name_ == "dateOfBirthList":
            for item in child:
                if value := children(item).get("dateOfBirth"):
                    apply_feature(record, "DOB", value)
        elif name_ == "placeOfBirthList":
            for item in child:
                if value := children(item).get("placeOfBirth"):
                    apply_feature(record, "POB", value)
        elif name_ == "vesselInfo":
            _vessel(record, children(child))
        elif name_ and name_ not in _SIMPLE_FIELDS:
            unknown_field(record, name_, child)
    if remarks := fields.get("remarks"):
        apply_remarks(record, remarks)
    entity.add("program", programs)
    return programs


# Entry children read through `children()` in parse_root, or by the loop above.
_SIMPLE_FIELDS = {"uid", "firstName", "lastName", "title", "sdnType", "remarks"}


def unknown_field(record: OfacRecord, name: str, element: etree._Element) -> None:
    """A field the schema we know does not have: keep its text and report it."""
    text = clean_text(" ".join(str(t) for t in element.itertext()))
    if text:
        record.note(f"{name}: {text}")
        record.log.add(f"{record.where}/{name}", name, text, "unknown field kept as a note")


def _aka(entity: EntityProxy, fields: dict[str, str]) -> None:
    name = listed_name(fields.get("firstName"), fields.get("lastName"))
    if name is None:
        return
    kind = fields.get("type", "a.k.a.").lower()
    if fields.get("category", "").lower() == "weak":
        prop = "weakAlias"
    elif kind == "f.k.a.":
        prop = "previousName"
    else:
        prop = "alias"
    entity.add(prop, name)


def _identifier(record: OfacRecord, fields: dict[str, str]) -> None:
    key = fields.get("idType", "")
    number = fields.get("idNumber")
    if number is None:
        if key:
            apply_feature(record, key, "")
        return
    apply_identifier(
        record,
        key,
        number,
        country=fields.get("idCountry"),
        issued=fields.get("issueDate"),
        expires=fields.get("expirationDate"),
    )


def _address(record: OfacRecord, fields: dict[str, str]) -> None:
    street = ", ".join(fields[k] for k in ("address1", "address2", "address3") if k in fields)
    addr = make_address(
        record.entity,
        street=street or None,
        city=fields.get("city"),
        region=fields.get("stateOrProvince") or fields.get("region"),
        postal_code=fields.get("postalCode"),
        country=fields.get("country"),
        log=record.log,
        location=record.where,
    )
    if addr is not None:
        record.extra.append(addr)


def _vessel(record: OfacRecord, fields: dict[str, str]) -> None:
    entity = record.entity
    for key, prop in (("callSign", "callSign"), ("vesselType", "type")):
        if key in fields:
            add_value(entity, prop, fields[key], record.log, record.where)
    for key, prop in (("tonnage", "tonnage"), ("grossRegisteredTonnage", "grossRegisteredTonnage")):
        if key in fields:
            add_value(entity, prop, fields[key].replace(",", ""), record.log, record.where)
    if "vesselFlag" in fields:
        add_country(entity, "flag", fields["vesselFlag"], record.log, record.where)
    if "vesselOwner" in fields:
        record.note(f"owner: {fields['vesselOwner']}")

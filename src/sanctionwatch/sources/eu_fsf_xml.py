"""EU Financial Sanctions File (FSF) XML 1.1: `<export generationDate=...>` of sanctionEntity.

Ids follow OpenSanctions: `eu-fsf-` + the slug of the EU reference number ("EU.7985.24" ->
`eu-fsf-eu-7985-24`, which is what its judgements and referents use); an entry without a
reference number falls back to `eu-fsf-logical-<logicalId>`.

Mapping: classificationCode P -> Person, E -> Organization, and E with an IMO identification
-> Vessel (the schema has no vessel subject type). The `strong` name alias is the name, the
others aliases, each carrying its language (ISO 639-3) when `nameLanguage` says. The single
`regulation` gives one Sanction (programme, publication and entry-into-force dates, URL).
Birthdates: full dates, year-month, year, `circa` (year only, noted) and year ranges (both
bounds). Country code "00" means unknown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from followthemoney import EntityProxy, StatementEntity
from lxml import etree
from rigour.langs import iso_639_alpha3

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.catalog import get_spec, make_target, map_country
from sanctionwatch.sources.detect import gunzip
from sanctionwatch.sources.helpers import (
    IssueLog,
    add_country,
    add_date,
    add_imo,
    add_value,
    make_address,
    make_identification,
    make_sanction,
)
from sanctionwatch.sources.safe import local_name, parse_xml

DATASET = "eu_fsf"
FORMAT = "eu_fsf_xml"
AUTHORITY = "European Union"
NS = "http://eu.europa.ec/fpi/fsd/export"
ENTITY_CHILDREN = frozenset(
    {
        "remark",
        "additionalInformation",
        "regulation",
        "subjectType",
        "nameAlias",
        "citizenship",
        "birthdate",
        "address",
        "identification",
    }
)
DOC_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
GENDERS = {"M": "male", "F": "female"}
ID_PROPS = {"regnumber": "registrationNumber", "fiscalcode": "taxNumber", "swiftbic": "swiftBic"}
CONTACT_PROPS = {"PHONE": "phone", "EMAIL": "email", "WEB": "website"}


def make_id(reference: str | None, logical_id: str) -> str:
    """`eu-fsf-eu-7985-24` from "EU.7985.24"; `eu-fsf-logical-<id>` without a reference."""
    if reference and reference.strip():
        return "eu-fsf-" + re.sub(r"[^a-z0-9]+", "-", reference.lower()).strip("-")
    return f"eu-fsf-logical-{logical_id}"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _attr(node: etree._Element, name: str) -> str | None:
    value = node.get(name)
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _lang(code: str | None) -> str | None:
    return iso_639_alpha3(code.lower()) if code else None


class _EntryMapper:
    def __init__(self, file: str, log: IssueLog, tree: etree._ElementTree) -> None:
        self.file = file
        self.log = log
        self.tree = tree
        self.spec = get_spec(DATASET)
        self.problems: list[Problem] = []

    def where(self, node: etree._Element) -> str:
        return f"line {node.sourceline} {self.tree.getpath(node)}"

    def problem(self, node: etree._Element, field: str, value: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.where(node), field, value, message))

    def country(self, entity: EntityProxy, prop: str, node: etree._Element) -> None:
        code = _attr(node, "countryIso2Code")
        if code in (None, "00"):
            return
        raw = map_country(self.spec, code)
        add_country(entity, prop, raw, self.log, self.where(node))

    def _check(self, node: etree._Element) -> tuple[str, str] | None:
        logical_id = _attr(node, "logicalId")
        if logical_id is None or not logical_id.isdigit():
            self.problem(node, "logicalId", logical_id or "", "missing or not a number")
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if etree.QName(child).namespace != NS or local_name(child) not in ENTITY_CHILDREN:
                self.problem(child, "", str(child.tag), "unexpected element")
        subject = node.find(_q("subjectType"))
        kind = _attr(subject, "classificationCode") if subject is not None else None
        if kind not in ("P", "E"):
            self.problem(node, "subjectType", kind or "", "missing or unknown classificationCode")
        if node.find(_q("nameAlias")) is None:
            self.problem(node, "nameAlias", "", "an entry needs at least one name")
        if logical_id is None or kind not in ("P", "E") or self.problems:
            return None
        return logical_id, str(kind)

    def map(self, node: etree._Element) -> list[EntityProxy]:
        checked = self._check(node)
        if checked is None:
            return []
        logical_id, kind = checked
        reference = _attr(node, "euReferenceNumber")
        schema = "Person" if kind == "P" else "Organization"
        idents = node.findall(_q("identification"))
        if kind == "E" and any(_attr(i, "identificationTypeCode") == "imo" for i in idents):
            schema = "Vessel"
        entity = make_target(DATASET, schema, make_id(reference, logical_id))
        entity.add("topics", "sanction")
        # As OpenSanctions does: the designation date is when the entity entered the list.
        add_date(entity, "createdAt", _attr(node, "designationDate"), self.log, self.where(node))
        out: list[EntityProxy] = [entity]
        for remark in node.findall(_q("remark")):
            entity.add("notes", (remark.text or "").strip() or None)
        for info in node.findall(_q("additionalInformation")):
            entity.add("notes", f"{info.get('key')}: {info.get('value')}")
        self._names(entity, node)
        for citizen in node.findall(_q("citizenship")):
            self.country(entity, "nationality" if schema == "Person" else "country", citizen)
        for birth in node.findall(_q("birthdate")):
            self._birth(entity, birth)
        for address in node.findall(_q("address")):
            out.extend(self._address(entity, address))
        for ident in idents:
            out.extend(self._identification(entity, ident))
        out.extend(self._sanction(entity, node, reference))
        return out

    def _names(self, entity: StatementEntity, node: etree._Element) -> None:
        aliases = node.findall(_q("nameAlias"))
        # The strong alias first, so it leads the names and becomes the caption.
        aliases.sort(key=lambda a: _attr(a, "strong") != "true")
        for index, alias in enumerate(aliases):
            lang = _lang(_attr(alias, "nameLanguage"))
            strong = _attr(alias, "strong") == "true" or index == 0
            whole = _attr(alias, "wholeName")
            if whole:
                entity.add("name" if strong else "alias", whole, lang=lang)
            if entity.schema.name == "Person":
                entity.add("firstName", _attr(alias, "firstName"), lang=lang)
                entity.add("middleName", _attr(alias, "middleName"), lang=lang)
                entity.add("lastName", _attr(alias, "lastName"), lang=lang)
                entity.add("title", _attr(alias, "title"), lang=lang)
                entity.add("position", _attr(alias, "function"), lang=lang)
                gender = GENDERS.get(_attr(alias, "gender") or "")
                if gender:
                    entity.add("gender", gender)
            elif _attr(alias, "function"):
                entity.add("notes", _attr(alias, "function"))

    def _birth(self, entity: StatementEntity, node: etree._Element) -> None:
        if entity.schema.name != "Person":
            self.log.add(self.where(node), "birthdate", "", "birthdate on a non-person; ignored")
            return
        loc = self.where(node)
        year, month, day = (_attr(node, k) for k in ("year", "monthOfYear", "dayOfMonth"))
        full = _attr(node, "birthdate")
        if _attr(node, "circa") == "true" and year:
            add_date(entity, "birthDate", year, self.log, loc)
            entity.add("notes", f"birthDate: circa {year}")
        elif full:
            add_date(entity, "birthDate", full, self.log, loc)
        elif year:
            parts = [year] + ([month.zfill(2)] if month else [])
            parts += [day.zfill(2)] if month and day else []
            add_date(entity, "birthDate", "-".join(parts), self.log, loc)
        else:
            for bound in ("yearRangeFrom", "yearRangeTo"):
                add_date(entity, "birthDate", _attr(node, bound), self.log, loc)
        place = ", ".join(p for p in (_attr(node, k) for k in ("city", "place", "region")) if p)
        entity.add("birthPlace", place or None)
        self.country(entity, "birthCountry", node)

    def _address(self, entity: StatementEntity, node: etree._Element) -> list[EntityProxy]:
        loc = self.where(node)
        code = _attr(node, "countryIso2Code")
        country = None if code in (None, "00") else map_country(self.spec, code)
        street = ", ".join(p for p in (_attr(node, "street"), _attr(node, "poBox")) if p)
        address = make_address(
            entity,
            street=street or None,
            city=_attr(node, "city") or _attr(node, "place"),
            region=_attr(node, "region"),
            postal_code=_attr(node, "zipCode"),
            country=country,
            log=self.log,
            location=loc,
        )
        for contact in node.findall(_q("contactInfo")):
            prop = CONTACT_PROPS.get((contact.get("key") or "").upper())
            value = contact.get("value")
            if prop is not None and entity.schema.get(prop) is not None:
                add_value(entity, prop, value, self.log, loc)
            else:
                entity.add("notes", f"{contact.get('key')}: {value}")
        return [address] if address is not None else []

    def _identification(self, entity: StatementEntity, node: etree._Element) -> list[EntityProxy]:
        loc = self.where(node)
        code = (_attr(node, "identificationTypeCode") or "").lower()
        number = _attr(node, "number") or _attr(node, "latinNumber")
        if number is None:
            self.log.add(loc, "identification", code, "identification without a number")
            return []
        if code == "imo" and entity.schema.name == "Vessel":
            add_imo(entity, number, self.log, loc)
            self.country(entity, "flag", node)
            return []
        prop = ID_PROPS.get(code)
        if prop is not None and entity.schema.get(prop) is not None:
            add_value(entity, prop, number, self.log, loc)
            return []
        country = _attr(node, "countryIso2Code")
        doc = make_identification(
            entity,
            number=number,
            passport=code == "passport",
            kind=_attr(node, "identificationTypeDescription"),
            country=None if country in (None, "00") else map_country(self.spec, country),
            issue_date=_attr(node, "issueDate") or _attr(node, "validFrom"),
            expiry_date=_attr(node, "validTo"),
            authority=_attr(node, "issuedBy"),
            log=self.log,
            location=loc,
        )
        if doc is None:
            return []
        flags = [
            f for f in ("diplomatic", "knownExpired", "knownFalse") if _attr(node, f) == "true"
        ]
        if flags:
            doc.add("summary", ", ".join(flags))
        return [doc]

    def _sanction(
        self, entity: StatementEntity, node: etree._Element, reference: str | None
    ) -> list[EntityProxy]:
        regulation = node.find(_q("regulation"))
        if regulation is None:
            self.problem(node, "regulation", "", "an entry needs its regulation")
            return []
        loc = self.where(regulation)
        sanction = make_sanction(
            entity,
            dataset=DATASET,
            authority=AUTHORITY,
            program=_attr(regulation, "programme"),
            reference=reference or _attr(node, "logicalId"),
            listing_date=_attr(node, "designationDate") or _attr(regulation, "publicationDate"),
            source_url=regulation.findtext(_q("publicationUrl")) or None,
            reason=_attr(node, "designationDetails"),
            unsc_id=_attr(node, "unitedNationId"),
            log=self.log,
            location=loc,
        )
        sanction.add("programId", _attr(regulation, "programme"))
        sanction.add("recordId", _attr(node, "logicalId"))
        add_date(sanction, "startDate", _attr(regulation, "entryIntoForceDate"), self.log, loc)
        add_date(sanction, "endDate", _attr(node, "delistingDate"), self.log, loc)
        add_date(sanction, "date", _attr(regulation, "publicationDate"), self.log, loc)
        title = _attr(regulation, "numberTitle")
        if title:
            sanction.add("provisions", f"{_attr(regulation, 'regulationType')} {title}")
        return [sanction]


def _version(root: etree._Element, name: str) -> str:
    stamp = root.get("generationDate") or ""
    match = re.match(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2}))?", stamp)
    if match is None:
        raise ParseError([Problem(name, "/export", "generationDate", stamp, "no valid date")])
    date, time = match.groups()
    return f"{date}T{time}" if time else date


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one FSF 1.1 XML export (plain or gzip) into eu_fsf entities."""
    if len(files) != 1:
        names = ", ".join(f.name for f in files)
        raise ParseError([Problem(names, "", "", "", "eu_fsf_xml parses exactly one file")])
    file = files[0]
    root = parse_xml(gunzip(file.data, file.name), file.name)
    if etree.QName(root).namespace != NS or local_name(root) != "export":
        raise ParseError(
            [Problem(file.name, "/", "", str(root.tag), f"root must be {{{NS}}}export")]
        )
    version = _version(root, file.name)
    log = IssueLog(file.name)
    mapper = _EntryMapper(file.name, log, root.getroottree())
    entities: dict[str, EntityProxy] = {}
    for node in root:
        if not isinstance(node.tag, str):
            continue
        if local_name(node) != "sanctionEntity":
            mapper.problem(node, "", str(node.tag), "unexpected element")
            continue
        for entity in mapper.map(node):
            assert entity.id is not None
            if entity.id in entities:
                entities[entity.id].merge(entity)
            else:
                entities[entity.id] = entity
    if mapper.problems:
        raise ParseError(mapper.problems)
    return ParsedList(
        dataset=DATASET,
        version=version,
        entities=list(entities.values()),
        issues=log.problems,
        source=file.name,
        format=FORMAT,
    )

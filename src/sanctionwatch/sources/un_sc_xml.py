"""UN Security Council Consolidated List XML (`CONSOLIDATED_LIST`), 2018 to 2026 layouts.

Mapping (stable across versions; ids are `unsc-<DATAID>`):
* INDIVIDUAL -> Person. ENTITY -> Organization: the UN lists vessels in resolution annexes,
  not as ENTITY records, so every ENTITY is an organisation-like target (companies, groups,
  ministries). An IMO number in an entity's comments is that company's IMO number and goes to
  `imoNumber` when its check digit validates.
* Names: FIRST..FOURTH_NAME joined -> `name`; NAME_ORIGINAL_SCRIPT -> `name` (as given);
  alias quality Good / a.k.a. / empty -> `alias`, Low -> `weakAlias`, f.k.a. -> `previousName`.
* Birth dates: DATE or YEAR as given (partial dates stay partial); BETWEEN gives both bounds
  as two `birthDate` values; APPROXIMATELY keeps the date and notes "approximately".
* Addresses: one Address entity per address (`addressEntity`) plus the `address` text.
* Documents: passports -> Passport entity + `passportNumber`; others -> Identification +
  `idNumber`.
* One Sanction per record: authority, program (UN_LIST_TYPE), programId (the resolution),
  unscId (REFERENCE_NUMBER), listingDate (LISTED_ON), reason (COMMENTS1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from followthemoney import EntityProxy, registry
from lxml import etree

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.helpers import (
    IssueLog,
    add_country,
    add_date,
    add_imo,
    clean_text,
    dedupe_entities,
    make_address,
    make_entity,
    make_identification,
    make_sanction,
    parse_date,
    slug_id,
)
from sanctionwatch.sources.safe import parse_xml

DATASET = "un_sc_sanctions"
FORMAT = "un_sc_xml"
AUTHORITY = "United Nations Security Council"
SOURCE_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"

# UN_LIST_TYPE -> the resolution that set up the regime (the committee's name).
PROGRAM_IDS: dict[str, str] = {
    "Al-Qaida": "UN-SC1267",
    "Taliban": "UN-SC1988",
    "DPRK": "UN-SC1718",
    "Iran": "UN-SC2231",
    "Iraq": "UN-SC1518",
    "DRC": "UN-SC1533",
    "Libya": "UN-SC1970",
    "Somalia": "UN-SC2713",
    "CAR": "UN-SC2127",
    "Haiti": "UN-SC2653",
    "Yemen": "UN-SC2140",
    "GB": "UN-SC2048",
    "Sudan": "UN-SC1591",
    "SouthSudan": "UN-SC2206",
    "Lebanon": "UN-SC1636",
    "Mali": "UN-SC2374",
}

_IMO = re.compile(r"\bIMO\)?\s*(?:number|no\.?)?\s*:?\s*(\d{7})\b", re.I)
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
# Record children we read on purpose or know to be bookkeeping.
_IGNORED = {"VERSIONNUM", "LIST_TYPE", "SORT_KEY", "SORT_KEY_LAST_MOD", "SUBMITTED_BY"}


def _text(element: etree._Element) -> str | None:
    return clean_text(element.text)


def _children(element: etree._Element) -> dict[str, str]:
    """Text of the direct children by tag (last one wins; the UN uses one per tag)."""
    out: dict[str, str] = {}
    for child in element:
        if isinstance(child.tag, str) and (value := clean_text(child.text)) is not None:
            out[child.tag] = value
    return out


def _values(element: etree._Element) -> list[str]:
    """The VALUE children of a list-valued field (NATIONALITY, TITLE...)."""
    return [v for child in element if (v := clean_text(child.text)) is not None]


class _Record:
    """Builds the entities of one INDIVIDUAL or ENTITY element."""

    def __init__(
        self, element: etree._Element, *, person: bool, log: IssueLog, data_id: str
    ) -> None:
        self.element = element
        self.person = person
        self.log = log
        self.data_id = data_id
        self.where = f"/CONSOLIDATED_LIST/*/*[DATAID='{data_id}']"
        self.extra: list[EntityProxy] = []

    def build(self) -> list[EntityProxy]:
        """The target first, then its Sanction, addresses and documents."""
        entity = make_entity(
            "Person" if self.person else "Organization", slug_id("unsc", self.data_id)
        )
        entity.add("topics", "sanction", cleaned=True)
        names: dict[str, str] = {}
        list_type = reference = listed_on = comments = None
        for child in self.element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in _NAME_PARTS:
                if (value := _text(child)) is not None:
                    names[tag] = value
            elif tag == "UN_LIST_TYPE":
                list_type = _text(child)
            elif tag == "REFERENCE_NUMBER":
                reference = _text(child)
            elif tag == "LISTED_ON":
                listed_on = _text(child)
            elif tag == "COMMENTS1":
                comments = _text(child)
            else:
                self._field(entity, tag, child)
        full = " ".join(names[p] for p in _NAME_PARTS if p in names)
        if full:
            entity.add("name", full)
        if comments:
            entity.add("notes", comments)
            self._imo(entity, comments)
        if list_type:
            entity.add("program", list_type)
        sanction = make_sanction(
            entity,
            dataset=DATASET,
            authority=AUTHORITY,
            program=list_type,
            program_id=PROGRAM_IDS.get(list_type or ""),
            unsc_id=reference,
            reference=reference,
            listing_date=listed_on,
            source_url=SOURCE_URL,
            reason=comments,
            log=self.log,
            location=f"{self.where}/LISTED_ON",
        )
        return [entity, sanction, *self.extra]

    def _field(self, entity: EntityProxy, tag: str, child: etree._Element) -> None:
        where = f"{self.where}/{tag}"
        if tag == "NAME_ORIGINAL_SCRIPT":
            if (value := _text(child)) is not None:
                entity.add("name", value)
        elif tag in ("INDIVIDUAL_ALIAS", "ENTITY_ALIAS"):
            self._alias(entity, child, where)
        elif tag == "TITLE":
            self._many(entity, "title", _values(child), where)
        elif tag == "DESIGNATION":
            self._many(entity, "position", _values(child), where)
        elif tag == "NATIONALITY":
            for value in _values(child):
                add_country(entity, "nationality", value, self.log, where)
        elif tag == "GENDER":
            self._gender(entity, _text(child), where)
        elif tag == "LAST_DAY_UPDATED":
            for value in _values(child):
                add_date(entity, "modifiedAt", value, self.log, where)
        elif tag in ("INDIVIDUAL_ADDRESS", "ENTITY_ADDRESS"):
            self._address(entity, child, where)
        elif tag == "INDIVIDUAL_DATE_OF_BIRTH":
            self._birth_date(entity, child, where)
        elif tag == "INDIVIDUAL_PLACE_OF_BIRTH":
            self._birth_place(entity, _children(child), where)
        elif tag == "INDIVIDUAL_DOCUMENT":
            self._document(entity, _children(child), where)
        elif tag in ("DATAID", "SUBMITTED_ON") or tag in _IGNORED:
            return
        elif (value := _text(child)) is not None or len(child):
            # A field we do not know: keep it rather than drop it.
            raw = value or etree.tostring(child, encoding="unicode")[:200]
            entity.add("notes", f"{tag}: {raw}")
            self.log.add(where, tag, raw, "unknown field kept as a note")

    def _many(self, entity: EntityProxy, prop: str, values: list[str], where: str) -> None:
        if entity.schema.get(prop) is None:
            for value in values:
                entity.add("notes", f"{prop}: {value}")
            return
        entity.add(prop, values)

    def _gender(self, entity: EntityProxy, raw: str | None, where: str) -> None:
        if raw is None:
            return
        value = registry.gender.clean(raw)
        if value is None or entity.schema.get("gender") is None:
            entity.add("notes", f"gender: {raw}")
            self.log.add(where, "gender", raw, "unknown gender value")
        else:
            entity.add("gender", value, cleaned=True)

    def _alias(self, entity: EntityProxy, element: etree._Element, where: str) -> None:
        fields = _children(element)
        name = fields.get("ALIAS_NAME")
        if name is None:
            return
        quality = (fields.get("QUALITY") or "").lower()
        prop = {"low": "weakAlias", "f.k.a.": "previousName"}.get(quality, "alias")
        entity.add(prop, name)
        # Aliases sometimes carry their own birth details (same person, other papers).
        if "DATE_OF_BIRTH" in fields and self.person:
            add_date(entity, "birthDate", fields["DATE_OF_BIRTH"], self.log, where)
        if "CITY_OF_BIRTH" in fields and self.person:
            entity.add("birthPlace", fields["CITY_OF_BIRTH"])
        if "COUNTRY_OF_BIRTH" in fields and self.person:
            add_country(entity, "birthCountry", fields["COUNTRY_OF_BIRTH"], self.log, where)

    def _address(self, entity: EntityProxy, element: etree._Element, where: str) -> None:
        fields = _children(element)
        note = fields.get("NOTE")
        addr = make_address(
            entity,
            street=fields.get("STREET"),
            city=fields.get("CITY"),
            region=fields.get("STATE_PROVINCE"),
            postal_code=fields.get("ZIP_CODE"),
            country=fields.get("COUNTRY"),
            log=self.log,
            location=where,
        )
        if addr is None:
            if note:
                entity.add("notes", f"address: {note}")
            return
        if note:
            addr.add("remarks", note)
        self.extra.append(addr)

    def _birth_date(self, entity: EntityProxy, element: etree._Element, where: str) -> None:
        fields = _children(element)
        if not self.person:
            return
        kind = (fields.get("TYPE_OF_DATE") or "").upper()
        if "FROM_YEAR" in fields or "TO_YEAR" in fields:
            # BETWEEN: both bounds as birthDate values (FtM has no range type).
            for key in ("FROM_YEAR", "TO_YEAR"):
                add_date(entity, "birthDate", fields.get(key), self.log, where)
        for key in ("DATE", "YEAR"):
            add_date(entity, "birthDate", fields.get(key), self.log, where)
        note = fields.get("NOTE")
        if kind == "APPROXIMATELY" or note:
            dates = fields.get("DATE") or fields.get("YEAR") or ""
            entity.add("notes", f"birthDate: {kind.lower()} {dates} {note or ''}".strip())

    def _birth_place(self, entity: EntityProxy, fields: dict[str, str], where: str) -> None:
        if not fields or not self.person:
            return
        parts = [fields.get(k) for k in ("CITY", "STATE_PROVINCE", "COUNTRY")]
        text = ", ".join(p for p in parts if p)
        if text:
            entity.add("birthPlace", text)
        if "COUNTRY" in fields:
            add_country(entity, "birthCountry", fields["COUNTRY"], self.log, where)
        if "NOTE" in fields:
            entity.add("notes", f"birthPlace: {fields['NOTE']}")

    def _document(self, entity: EntityProxy, fields: dict[str, str], where: str) -> None:
        number = fields.get("NUMBER")
        kind = " / ".join(
            t for t in (fields.get("TYPE_OF_DOCUMENT"), fields.get("TYPE_OF_DOCUMENT2")) if t
        )
        note = fields.get("NOTE")
        if number is None:
            if kind or note:
                entity.add("notes", f"document: {kind} {note or ''}".strip())
            return
        lowered = kind.lower()
        passport = any(word in lowered for word in ("passport", "passeport", "pasaporte"))
        doc = make_identification(
            entity,
            number=number,
            passport=passport,
            kind=kind or None,
            country=fields.get("ISSUING_COUNTRY") or fields.get("COUNTRY_OF_ISSUE"),
            issue_date=fields.get("DATE_OF_ISSUE"),
            log=self.log,
            location=where,
        )
        if doc is None:
            return
        if note:
            doc.add("summary", note)
        if "CITY_OF_ISSUE" in fields:
            doc.add("authority", fields["CITY_OF_ISSUE"])
        self.extra.append(doc)

    def _imo(self, entity: EntityProxy, comments: str) -> None:
        for match in _IMO.finditer(comments):
            add_imo(entity, match.group(1), self.log, f"{self.where}/COMMENTS1")


def _version(root: etree._Element, name: str) -> str:
    raw = root.get("dateGenerated")
    value = parse_date(raw) if raw else None
    if value is None or len(value) != 10:
        raise ParseError(
            [
                Problem(
                    name,
                    "/CONSOLIDATED_LIST",
                    "dateGenerated",
                    raw or "",
                    "missing or invalid list date",
                )
            ]
        )
    return value


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one UN consolidated list XML (the first file; gunzip before calling)."""
    if len(files) != 1:
        raise ParseError([Problem("", "", "", str(len(files)), "expected exactly one UN XML file")])
    source = files[0]
    root = parse_xml(source.data, source.name)
    if root.tag != "CONSOLIDATED_LIST":
        raise ParseError(
            [
                Problem(
                    source.name,
                    "/",
                    "root",
                    str(root.tag)[:80],
                    "not a UN CONSOLIDATED_LIST document",
                )
            ]
        )
    version = _version(root, source.name)
    log = IssueLog(source.name)
    problems: list[Problem] = []
    entities: list[EntityProxy] = []
    seen: set[str] = set()
    for group in root:
        if group.tag not in ("INDIVIDUALS", "ENTITIES"):
            if isinstance(group.tag, str):
                problems.append(
                    Problem(
                        source.name, f"/CONSOLIDATED_LIST/{group.tag}", "", "", "unexpected element"
                    )
                )
            continue
        person = group.tag == "INDIVIDUALS"
        expected = "INDIVIDUAL" if person else "ENTITY"
        for index, element in enumerate(group, start=1):
            if not isinstance(element.tag, str):
                continue
            where = f"/CONSOLIDATED_LIST/{group.tag}/{element.tag}[{index}]"
            if element.tag != expected:
                problems.append(Problem(source.name, where, "", "", f"expected {expected}"))
                continue
            data_id = None
            for child in element:
                if child.tag == "DATAID":
                    data_id = _text(child)
                    break
            if data_id is None or not data_id.isdigit():
                problems.append(
                    Problem(
                        source.name, where, "DATAID", data_id or "", "missing or invalid DATAID"
                    )
                )
                continue
            if data_id in seen:
                problems.append(Problem(source.name, where, "DATAID", data_id, "duplicate DATAID"))
                continue
            seen.add(data_id)
            built = _Record(element, person=person, log=log, data_id=data_id).build()
            if not built[0].get("name"):
                problems.append(
                    Problem(source.name, where, "FIRST_NAME", data_id, "record without a name")
                )
                continue
            entities.extend(built)
    if problems:
        raise ParseError(problems)
    if not seen:
        raise ParseError(
            [Problem(source.name, "/CONSOLIDATED_LIST", "", "", "no INDIVIDUAL or ENTITY records")]
        )
    return ParsedList(
        dataset=DATASET,
        version=version,
        entities=dedupe_entities(entities),
        issues=log.problems,
        source=source.name,
        format=FORMAT,
    )

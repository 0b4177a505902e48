"""OFAC advanced XML (`Sanctions`, SDN_ADVANCED / CONS_ADVANCED, namespace sanctions/1.0).

Everything coded in this schema (party types, alias types, name part types, feature types,
countries, document types, lists, programmes) is resolved through the file's own
`ReferenceValueSets` by id; no id is hard-coded. Ids are `ofac-<FixedRef>`, the same number as
the classic uid. Names are composed "LAST, First" when the parts are typed as last and first
names (the listed form of the other schemas), else joined in order. Dates come as periods:
a period covering exactly one day, month or year gives that partial date; any other period
gives both bounds (start and end) as values, as the UN parser does.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field

from followthemoney import EntityProxy
from lxml import etree

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.helpers import (
    IssueLog,
    clean_text,
    make_address,
    make_entity,
    make_sanction,
    slug_id,
)
from sanctionwatch.sources.us_ofac_csv import (
    AUTHORITY,
    OfacRecord,
    apply_feature,
    apply_identifier,
    assemble,
)
from sanctionwatch.sources.us_ofac_xml_classic import FORMAT, SOURCE_URLS, dataset_for, tag
from sanctionwatch.sources.us_ofac_xml_enhanced import find, list_dataset

PARTY_SCHEMATA = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
ALIAS_PROPS = {"a.k.a.": "alias", "f.k.a.": "previousName", "n.k.a.": "alias", "name": "name"}

UNKNOWN = {"", "undetermined", "unknown"}
Refs = dict[str, dict[str, etree._Element]]


@dataclass
class _Location:
    parts: dict[str, list[str]] = field(default_factory=dict)
    country: str | None = None

    def text(self) -> str:
        values = [v for vs in self.parts.values() for v in vs]
        return ", ".join([*values, *([self.country] if self.country else [])])


def _ymd(element: etree._Element | None) -> tuple[int, int, int] | None:
    if element is None:
        return None
    values: dict[str, int] = {}
    for child in element:
        text = (child.text or "").strip()
        if text.isdigit():
            values[tag(child)] = int(text)
    if "Year" not in values:
        return None
    return values["Year"], values.get("Month", 1), values.get("Day", 1)


def _iso(ymd: tuple[int, int, int]) -> str:
    return f"{ymd[0]:04d}-{ymd[1]:02d}-{ymd[2]:02d}"


def period_dates(period: etree._Element) -> list[str]:
    """A DatePeriod as FtM partial dates (one value, or the two bounds of a range)."""
    start = find(period, "Start")
    end = find(period, "End")
    begin = _ymd(find(start, "From")) if start is not None else None
    finish = _ymd(find(end, "To")) if end is not None else None
    if begin is None and finish is None:
        return []
    if begin is None or finish is None:
        return [_iso(begin or finish)]  # type: ignore[arg-type]
    if begin == finish:
        return [_iso(begin)]
    (y1, m1, d1), (y2, m2, d2) = begin, finish
    if y1 == y2 and (m1, d1) == (1, 1) and (m2, d2) == (12, 31):
        return [f"{y1:04d}"]
    if y1 == y2 and m1 == m2 and d1 == 1 and d2 == calendar.monthrange(y2, m2)[1]:
        return [f"{y1:04d}-{m1:02d}"]
    return [_iso(begin), _iso(finish)]


def _reference_values(root: etree._Element) -> Refs:
    """ReferenceValueSets as {set element name (e.g. 'AliasType'): {ID: element}}."""
    refs: Refs = {}
    sets = find(root, "ReferenceValueSets")
    for value_set in sets if sets is not None else []:
        for value in value_set:
            if (name := tag(value)) and (ref := value.get("ID")):
                refs.setdefault(name, {})[ref] = value
    return refs


def _ref_text(refs: Refs, kind: str, ref: str | None) -> str:
    element = refs.get(kind, {}).get(ref or "")
    return clean_text(element.text) or "" if element is not None else ""


def _locations(root: etree._Element, refs: Refs) -> dict[str, _Location]:
    out: dict[str, _Location] = {}
    container = find(root, "Locations")
    for element in container if container is not None else []:
        location = _Location()
        for child in element:
            name = tag(child)
            if name == "LocationCountry":
                country = _ref_text(refs, "Country", child.get("CountryID"))
                location.country = None if country.lower() in UNKNOWN else country
            elif name == "LocationAreaCode" and location.country is None:
                area = refs.get("AreaCode", {}).get(child.get("AreaCodeID") or "")
                if area is not None and area.get("Description", "").lower() not in UNKNOWN:
                    location.country = area.get("Description")
            elif name == "LocationPart":
                kind = _ref_text(refs, "LocPartType", child.get("LocPartTypeID")).upper()
                for value in child.iter():
                    if tag(value) == "Value" and (text := clean_text(value.text)):
                        location.parts.setdefault(kind, []).append(text)
        if ref := element.get("ID"):
            out[ref] = location
    return out


def _documents(root: etree._Element, refs: Refs) -> dict[str, list[dict[str, str]]]:
    """IDRegDocuments by IdentityID, each as {type, number, country, issued, expires}."""
    out: dict[str, list[dict[str, str]]] = {}
    container = find(root, "IDRegDocuments")
    for element in container if container is not None else []:
        doc = {
            "type": _ref_text(refs, "IDRegDocType", element.get("IDRegDocTypeID")),
            "country": _ref_text(refs, "Country", element.get("IssuedBy-CountryID")),
        }
        for child in element:
            name = tag(child)
            if name == "IDRegistrationNo":
                doc["number"] = clean_text(child.text) or ""
            elif name == "DocumentDate":
                kind = _ref_text(refs, "IDRegDocDateType", child.get("IDRegDocDateTypeID")).lower()
                period = find(child, "DatePeriod")
                dates = period_dates(period) if period is not None else []
                if dates:
                    doc["expires" if "expir" in kind else "issued"] = dates[0]
        out.setdefault(element.get("IdentityID", ""), []).append(doc)
    return out


class _Builder:
    """Builds one DistinctParty with the file's reference values."""

    def __init__(
        self,
        refs: Refs,
        locations: dict[str, _Location],
        documents: dict[str, list[dict[str, str]]],
        log: IssueLog,
    ) -> None:
        self.refs = refs
        self.locations = locations
        self.documents = documents
        self.log = log

    def schema(self, profile: etree._Element) -> str | None:
        sub = self.refs.get("PartySubType", {}).get(profile.get("PartySubTypeID") or "")
        if sub is None:
            return None
        sub_name = (clean_text(sub.text) or "").lower()
        if sub_name in PARTY_SCHEMATA:
            return PARTY_SCHEMATA[sub_name]
        party = _ref_text(self.refs, "PartyType", sub.get("PartyTypeID")).lower()
        return PARTY_SCHEMATA.get(party)

    def build(self, record: OfacRecord, profile: etree._Element) -> None:
        record.entity.add("topics", "sanction", cleaned=True)
        for child in profile:
            name = tag(child)
            if name == "Identity":
                self._identity(record, child)
            elif name == "Feature":
                self._feature(record, child)

    def _identity(self, record: OfacRecord, identity: etree._Element) -> None:
        part_types: dict[str, str] = {}
        groups = find(identity, "NamePartGroups")
        for group in groups.iter() if groups is not None else []:
            if tag(group) == "NamePartGroup":
                kind = _ref_text(self.refs, "NamePartType", group.get("NamePartTypeID"))
                part_types[group.get("ID", "")] = kind.lower()
        for alias in identity:
            if tag(alias) == "Alias":
                self._alias(record.entity, alias, part_types)
        for doc in self.documents.get(identity.get("ID", ""), []):
            if number := doc.get("number"):
                apply_identifier(
                    record,
                    doc.get("type") or "Identification Number",
                    number,
                    country=doc.get("country") or None,
                    issued=doc.get("issued"),
                    expires=doc.get("expires"),
                )

    def _alias(
        self, entity: EntityProxy, alias: etree._Element, part_types: dict[str, str]
    ) -> None:
        kind = _ref_text(self.refs, "AliasType", alias.get("AliasTypeID")).lower()
        if alias.get("Primary") == "true":
            prop = "name"
        elif alias.get("LowQuality") == "true":
            prop = "weakAlias"
        else:
            prop = ALIAS_PROPS.get(kind, "alias")
        for documented in alias:
            if tag(documented) != "DocumentedName":
                continue
            parts: list[tuple[str, str]] = []
            for part in documented.iter():
                if tag(part) == "NamePartValue" and (text := clean_text(part.text)):
                    parts.append((part_types.get(part.get("NamePartGroupID", ""), ""), text))
            full = _compose(parts)
            if not full:
                continue
            entity.add(prop, full)
            if prop == "name" and entity.schema.name == "Person":
                entity.add("lastName", [t for k, t in parts if k == "last name"])
                entity.add("firstName", [t for k, t in parts if k == "first name"])

    def _feature(self, record: OfacRecord, feature: etree._Element) -> None:
        key = _ref_text(self.refs, "FeatureType", feature.get("FeatureTypeID"))
        for version in feature:
            if tag(version) != "FeatureVersion":
                continue
            for detail in version:
                name = tag(detail)
                if name == "DatePeriod":
                    for value in period_dates(detail):
                        apply_feature(record, key, value)
                elif name == "VersionDetail":
                    text = clean_text(detail.text)
                    if text is None and (ref := detail.get("DetailReferenceID")):
                        text = _ref_text(self.refs, "DetailReference", ref)
                    if text:
                        apply_feature(record, key, text)
                elif name == "VersionLocation":
                    self._location(record, key, detail.get("LocationID", ""))

    def _location(self, record: OfacRecord, key: str, ref: str) -> None:
        location = self.locations.get(ref)
        if location is None:
            self.log.add(record.where, key, ref, "unknown location id")
            return
        if key.lower() != "location":
            value = location.text() if key.lower() == "place of birth" else location.country
            if value:
                apply_feature(record, key, value)
            return
        parts = location.parts
        addr = make_address(
            record.entity,
            street=", ".join(
                parts.get("ADDRESS1", []) + parts.get("ADDRESS2", []) + parts.get("ADDRESS3", [])
            )
            or None,
            city=", ".join(parts.get("CITY", [])) or None,
            region=", ".join(parts.get("STATE/PROVINCE", []) + parts.get("REGION", [])) or None,
            postal_code=", ".join(parts.get("POSTAL CODE", [])) or None,
            country=location.country,
            log=self.log,
            location=record.where,
        )
        if addr is not None:
            record.extra.append(addr)


def _compose(parts: list[tuple[str, str]]) -> str:
    last = [t for k, t in parts if k == "last name"]
    rest = [t for k, t in parts if k != "last name"]
    if last and rest:
        return f"{' '.join(last)}, {' '.join(rest)}"
    return " ".join(t for _, t in parts)


def _date_of_issue(root: etree._Element) -> str:
    ymd = _ymd(find(root, "DateOfIssue"))
    return _iso(ymd) if ymd else ""


def parse_root(root: etree._Element, source: SourceFile) -> ParsedList:
    """Parse an advanced `Sanctions` document already read by `safe.parse_xml`."""
    problems: list[Problem] = []
    version = _date_of_issue(root)
    if not version:
        problems.append(
            Problem(source.name, "/Sanctions/DateOfIssue", "DateOfIssue", "", "missing list date")
        )
    refs = _reference_values(root)
    for needed in ("PartySubType", "PartyType", "AliasType", "FeatureType"):
        if needed not in refs:
            problems.append(
                Problem(
                    source.name,
                    "/Sanctions/ReferenceValueSets",
                    needed,
                    "",
                    "reference value set missing",
                )
            )
    if problems:
        raise ParseError(problems)
    log = IssueLog(source.name)
    builder = _Builder(refs, _locations(root, refs), _documents(root, refs), log)
    records: dict[str, OfacRecord] = {}
    profiles: dict[str, str] = {}  # Profile ID -> entity id
    parties = find(root, "DistinctParties")
    for index, party in enumerate(
        (p for p in parties if tag(p) == "DistinctParty") if parties is not None else [], start=1
    ):
        where = f"/Sanctions/DistinctParties/DistinctParty[{index}]"
        fixed = party.get("FixedRef", "")
        profile = find(party, "Profile")
        if not fixed.isdigit() or profile is None:
            problems.append(
                Problem(source.name, where, "FixedRef", fixed, "party without FixedRef or Profile")
            )
            continue
        schema = builder.schema(profile)
        if schema is None:
            problems.append(
                Problem(
                    source.name,
                    where,
                    "PartySubTypeID",
                    profile.get("PartySubTypeID", ""),
                    "unknown party type",
                )
            )
            continue
        entity_id = slug_id("ofac", fixed)
        if entity_id in records:
            problems.append(Problem(source.name, where, "FixedRef", fixed, "duplicate FixedRef"))
            continue
        record = OfacRecord(make_entity(schema, entity_id), log, where)
        builder.build(record, profile)
        if not record.entity.get("name"):
            problems.append(
                Problem(source.name, where, "Alias", "", "party without a primary name")
            )
            continue
        records[entity_id] = record
        profiles[profile.get("ID", fixed)] = entity_id
    if not records and not problems:
        problems.append(
            Problem(source.name, "/Sanctions/DistinctParties", "", "", "no DistinctParty elements")
        )
    if problems:
        raise ParseError(problems)
    entries = _sanction_entries(root, refs, profiles)
    all_programs = {p for e in entries.values() for p in e["programs"]}
    list_names = {n for e in entries.values() for n in e["lists"]}
    dataset = (
        list_dataset(list_names, source.name, all_programs)
        if list_names
        else dataset_for(source.name, all_programs)
    )
    _relationships(root, refs, profiles, records)
    for entity_id, record in records.items():
        entry = entries.get(entity_id, {"programs": [], "lists": [], "dates": [], "types": []})
        dates = sorted(entry["dates"])
        sanction = make_sanction(
            record.entity,
            dataset=dataset,
            authority=AUTHORITY,
            reference=entity_id.removeprefix("ofac-"),
            listing_date=dates[0] if dates else None,
            source_url=SOURCE_URLS[dataset],
            log=log,
            location=record.where,
        )
        sanction.add("program", entry["programs"])
        sanction.add("provisions", record.provisions)
        sanction.add("status", entry["types"])
        sanction.add("summary", entry["lists"])
        record.entity.add("program", entry["programs"])
        record.extra.append(sanction)
    return assemble(
        records, dataset=dataset, version=version, log=log, source=source.name, format=FORMAT
    )


def _sanction_entries(
    root: etree._Element, refs: Refs, profiles: dict[str, str]
) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    container = find(root, "SanctionsEntries")
    for entry in container if container is not None else []:
        entity_id = profiles.get(entry.get("ProfileID", ""))
        if entity_id is None:
            continue
        data = out.setdefault(entity_id, {"programs": [], "lists": [], "dates": [], "types": []})
        if list_name := _ref_text(refs, "List", entry.get("ListID")):
            data["lists"].append(list_name)
        for child in entry:
            name = tag(child)
            if name == "EntryEvent":
                ymd = _ymd(find(child, "Date"))
                if ymd:
                    data["dates"].append(_iso(ymd))
            elif name == "SanctionsMeasure":
                kind = _ref_text(refs, "SanctionsType", child.get("SanctionsTypeID"))
                comment = find(child, "Comment")
                text = clean_text(comment.text) if comment is not None else None
                if kind.lower() == "program" and text:
                    data["programs"].append(text)
                elif kind:
                    data["types"].append(kind)
    return out


def _relationships(
    root: etree._Element, refs: Refs, profiles: dict[str, str], records: dict[str, OfacRecord]
) -> None:
    container = find(root, "ProfileRelationships")
    for relation in container if container is not None else []:
        source_id = profiles.get(relation.get("From-ProfileID", ""))
        target = relation.get("To-ProfileID", "")
        if source_id is None or not target.isdigit():
            continue
        role = _ref_text(refs, "RelationType", relation.get("RelationTypeID")) or "Related to"
        target_id = profiles.get(target, slug_id("ofac", target))
        records[source_id].link_ids.append((target_id, role, target_id))

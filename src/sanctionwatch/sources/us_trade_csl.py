"""US Consolidated Screening List (trade.gov) CSV: eleven export screening lists in one file.

One row per (list, record). Rows sharing an `_id` (an SDN record that is also on the SSI or
CAPTA list) are one entity, `trade-csl-<_id>` as in OpenSanctions, with one Sanction per
(source list, programme): the authority is the source list's agency ("Treasury Department").
Gzip bytes are accepted as they are (the file is published and mirrored gzipped).

Multi-valued cells are `; `-separated; an `ids` item is `[CC, ][dates, ]value, Type`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from followthemoney import EntityProxy
from followthemoney.exc import InvalidData

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.catalog import get_spec, map_country
from sanctionwatch.sources.detect import gunzip
from sanctionwatch.sources.helpers import (
    IssueLog,
    add_country,
    add_date,
    add_imo,
    add_value,
    clean_text,
    clean_url,
    hash_id,
    make_address,
    make_entity,
    make_identification,
    make_sanction,
    slug_id,
)
from sanctionwatch.sources.safe import decode_text

DATASET = "us_trade_csl"
FORMAT = "us_trade_csl"
ID_PREFIX = "trade-csl"
REQUIRED_COLUMNS = (
    "_id",
    "source",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "start_date",
    "end_date",
    "remarks",
    "alt_names",
    "ids",
)
SCHEMATA = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "": "LegalEntity",
}
# ids "Type" -> property of the entity (values we can put straight on the entity).
ID_PROPS = {
    "gender": "gender",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "tax id no.": "taxNumber",
    "registration number": "registrationNumber",
    "registration id": "registrationNumber",
    "company number": "registrationNumber",
    "business registration number": "registrationNumber",
    "commercial registry number": "registrationNumber",
    "aircraft tail number": "registrationNumber",
    "mmsi": "mmsi",
    "swift/bic": "swiftBic",
    "organization established date": "incorporationDate",
    "aircraft model": "model",
    "aircraft manufacturer's serial number (msn)": "serialNumber",
    "aircraft manufacture date": "buildDate",
    "former vessel flag": "pastFlags",
    "unified social credit code (uscc)": "uscCode",
    "d-u-n-s number": "dunsCode",
    "v.a.t. number": "vatCode",
    "nationality of registration": "country",
}
# ids "Type" that are personal documents -> Identification entities.
ID_DOCUMENTS = {
    "national id no.",
    "cedula no.",
    "c.u.r.p.",
    "d.n.i.",
    "identification number",
    "nit #",
    "r.f.c.",
    "ruc #",
    "personal id card",
    "national foreign id number",
    "residency number",
    "ssn",
    "driver's license no.",
    "birth certificate number",
}
_AGENCY = re.compile(r"-\s*([^-]+?)\s*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CC = re.compile(r"^[A-Z]{2}$")


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(";") if p.strip()]


def _agency(source: str) -> str:
    """'Entity List (EL) - Bureau of Industry and Security' -> 'Bureau of Industry and Security'."""
    match = _AGENCY.search(source)
    return match.group(1) if match else source


def _read_rows(file: SourceFile) -> list[tuple[int, dict[str, str]]]:
    data = gunzip(file.data, file.name)
    if not data.strip():
        raise ParseError([Problem(file.name, "", "", "", "empty file")])
    text = decode_text(data, file.name)
    if "\x00" in text:
        raise ParseError([Problem(file.name, "", "", "", "NUL bytes: not a text CSV")])
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    try:
        header = [h.strip() for h in next(reader)]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        for column in missing:
            problems.append(Problem(file.name, "line 1", column, "", "missing column"))
        if problems:
            raise ParseError(problems)
        rows: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                problems.append(
                    Problem(
                        file.name,
                        f"line {line}",
                        "",
                        str(len(values)),
                        f"expected {len(header)} columns",
                    )
                )
                continue
            rows.append((line, dict(zip(header, values, strict=True))))
    except csv.Error as exc:
        problems.append(Problem(file.name, f"line {reader.line_num}", "", "", f"bad CSV: {exc}"))
    if problems:
        raise ParseError(problems)
    return rows


class _RowMapper:
    def __init__(self, log: IssueLog) -> None:
        self.log = log
        self.spec = get_spec(DATASET)

    def country(self, entity: EntityProxy, prop: str, raw: str, loc: str) -> None:
        add_country(entity, prop, map_country(self.spec, raw), self.log, loc)

    def map(self, line: int, row: dict[str, str]) -> list[EntityProxy]:
        loc = f"line {line}"
        kind = row["type"].strip().lower()
        schema = SCHEMATA.get(kind)
        if schema is None:
            self.log.add(loc, "type", row["type"], "unknown type; kept as LegalEntity")
            schema = "LegalEntity"
        entity = make_entity(schema, slug_id(ID_PREFIX, row["_id"]))
        entity.add("topics", "sanction")
        out: list[EntityProxy] = [entity]
        add_value(entity, "name", row["name"], self.log, loc)
        for alias in _split(row["alt_names"]):
            add_value(entity, "alias", alias, self.log, loc)
        if row["title"]:
            prop = "position" if schema == "Person" else "notes"
            add_value(entity, prop, row["title"], self.log, loc)
        add_value(entity, "notes", row["remarks"], self.log, loc)
        for url in _split(row.get("source_information_url", "")):
            # A few distinct URLs repeat on every row: clean each once (as add() would).
            if (cleaned := clean_url(url)) is not None:
                entity.add("sourceUrl", cleaned, cleaned=True)
        self._person(entity, row, loc)
        self._vessel(entity, row, loc)
        for address in _split(row["addresses"]):
            parts = [p.strip() for p in address.split(",")]
            country = parts[-1] if _CC.match(parts[-1]) else None
            addr = make_address(
                entity,
                full=address,
                country=map_country(self.spec, country),
                log=self.log,
                location=loc,
            )
            if addr is not None:
                out.append(addr)
        for item in _split(row["ids"]):
            out.extend(self._identifier(entity, item, loc))
        out.extend(self._sanctions(entity, row, loc))
        return out

    def _person(self, entity: EntityProxy, row: dict[str, str], loc: str) -> None:
        is_person = entity.schema.name == "Person"
        for dob in _split(row.get("dates_of_birth", "")):
            if is_person:
                add_date(entity, "birthDate", dob, self.log, loc)
        for place in _split(row.get("places_of_birth", "")):
            if is_person:
                entity.add("birthPlace", place)
        for column, prop in (("citizenships", "citizenship"), ("nationalities", "nationality")):
            for value in _split(row.get(column, "")):
                self.country(entity, prop if is_person else "country", value, loc)

    def _vessel(self, entity: EntityProxy, row: dict[str, str], loc: str) -> None:
        if entity.schema.name != "Vessel":
            return
        add_value(entity, "callSign", row.get("call_sign"), self.log, loc)
        add_value(entity, "type", row.get("vessel_type"), self.log, loc)
        add_value(entity, "tonnage", row.get("gross_tonnage"), self.log, loc)
        add_value(
            entity, "grossRegisteredTonnage", row.get("gross_registered_tonnage"), self.log, loc
        )
        if row.get("vessel_flag"):
            self.country(entity, "flag", row["vessel_flag"], loc)
        if row.get("vessel_owner"):
            entity.add("notes", f"Vessel owner: {row['vessel_owner']}")

    def _identifier(self, entity: EntityProxy, item: str, loc: str) -> list[EntityProxy]:
        parts = [p.strip() for p in item.split(", ")]
        kind = parts[-1].strip().rstrip(":-").strip()
        rest = parts[:-1]
        key = kind.lower()
        country = rest.pop(0) if len(rest) > 1 and _CC.match(rest[0]) else None
        dates = [p for p in rest if _ISO_DATE.match(p)]
        value = clean_text(", ".join(p for p in rest if not _ISO_DATE.match(p)))
        if value is None:
            entity.add("notes", kind)
            return []
        prop = ID_PROPS.get(key)
        if key == "vessel registration identification" and entity.schema.name == "Vessel":
            add_imo(entity, value, self.log, loc)
        elif prop == "pastFlags" and entity.schema.get(prop) is not None:
            self.country(entity, prop, value, loc)
        elif prop is not None and entity.schema.get(prop) is not None:
            if entity.schema.properties[prop].type.name == "date":
                add_date(entity, prop, value, self.log, loc)
            else:
                add_value(entity, prop, value.lower() if prop == "gender" else value, self.log, loc)
        elif entity.schema.is_a("LegalEntity") and ("passport" in key or key in ID_DOCUMENTS):
            doc = make_identification(
                entity,
                number=value,
                passport="passport" in key,
                kind=kind,
                country=map_country(self.spec, country),
                issue_date=dates[0] if dates else None,
                expiry_date=dates[1] if len(dates) > 1 else None,
                log=self.log,
                location=loc,
            )
            return [doc] if doc is not None else []
        else:
            entity.add("notes", f"{kind}: {value}" + (f" ({country})" if country else ""))
        return []

    def _sanctions(self, entity: EntityProxy, row: dict[str, str], loc: str) -> list[EntityProxy]:
        source = row["source"].strip()
        programs = _split(row["programs"]) or [source]
        sanctions: list[EntityProxy] = []
        for program in programs:
            sanction = make_sanction(
                entity,
                dataset=DATASET,
                authority=_agency(source),
                program=program,
                reference=row.get("entity_number") or row["_id"],
                listing_date=row["start_date"] or None,
                source_url=row.get("source_list_url") or None,
                log=self.log,
                location=loc,
            )
            # One Sanction per (source list, programme): an SDN and a CAPTA listing differ.
            sanction.id = hash_id(f"{entity.id}-sanction", source, program)
            sanction.add("publisher", source)
            sanction.add("recordId", row["_id"])
            add_date(sanction, "startDate", row["start_date"], self.log, loc)
            add_date(sanction, "endDate", row["end_date"], self.log, loc)
            add_value(sanction, "summary", row.get("federal_register_notice"), self.log, loc)
            for column in ("license_requirement", "license_policy", "standard_order"):
                if row.get(column):
                    sanction.add("provisions", f"{column}: {row[column]}")
            sanctions.append(sanction)
        return sanctions


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one consolidated.csv (plain or gzip) into us_trade_csl entities."""
    if len(files) != 1:
        names = ", ".join(f.name for f in files)
        raise ParseError([Problem(names, "", "", "", "us_trade_csl parses exactly one file")])
    file = files[0]
    rows = _read_rows(file)
    log = IssueLog(file.name)
    mapper = _RowMapper(log)
    by_id: dict[str, EntityProxy] = {}
    problems: list[Problem] = []
    dates: list[str] = []
    for line, row in rows:
        if not row["_id"].strip():
            problems.append(Problem(file.name, f"line {line}", "_id", "", "empty record id"))
            continue
        if _ISO_DATE.match(row["start_date"]):
            dates.append(row["start_date"])
        for entity in mapper.map(line, row):
            assert entity.id is not None
            known = by_id.get(entity.id)
            if known is None:
                by_id[entity.id] = entity
            else:
                try:
                    known.merge(entity)
                except InvalidData:
                    message = f"conflicts with {known.schema.name}"
                    log.add(f"line {line}", "type", row["type"], message)
    if problems:
        raise ParseError(problems)
    # The file states no date: the latest designation date in it stands in for the version.
    version = max(dates) if dates else ""
    return ParsedList(
        dataset=DATASET,
        version=version,
        entities=list(by_id.values()),
        issues=log.problems,
        source=file.name,
        format=FORMAT,
    )
